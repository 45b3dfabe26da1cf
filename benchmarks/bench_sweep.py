"""Benchmark: parameter sweeps end to end, against the reference model through ``mesa.batch_run``.

Usage::

    python benchmarks/bench_sweep.py            # the full run (5-8 minutes on 2 cores)
    python benchmarks/bench_sweep.py --quick    # a smoke run (about 25 seconds)

In one process, on the baseline scenario (``istanbul-2025``), it measures the targets of issue 4:

(1) a 10 × 10 grid sweep (``trust.ukraine.russia`` × ``actors.usa.monitoring``), 100 points ×
    1,000 runs, seed 1, "from the shell": ``negsim sweep FILE --out TMP -q --no-plots`` as a
    subprocess, wall time from start to exit, best of ``--repeats``. Target: under 3 s;
(2) a Sobol sweep over 6 parameters, N = 1024, no second-order indices (8,192 points) × 200
    runs = 1.6 M runs, ``--workers 2``, as a subprocess: wall time (best of ``--repeats``) and
    peak memory of the process tree (the RSS of the process and all its children, summed,
    polled every 20 ms with psutil; also the largest single process, from ``/usr/bin/time
    -v`` when it is installed). Target: under 30 s, peak under 1.5 GB;
(3) the same grid through ``mesa.batch_run`` with the reference model (one Mesa model per
    replicate): each point's values applied with ``load_scenario("istanbul-2025",
    overrides=[...])``, replicates 0 … runs−1, seed 1, ``number_processes`` 1 and 2 (the
    better counts). ``--reference-points K`` runs K of the 100 points (spread over the grid)
    with all their replicates and scales per replicate to 100 points. Every reference point's
    outcome shares are checked against the engine's ``points.parquet``, exactly.

It prints the machine, date, versions, load averages, the figures, the ratio reference/engine
and each target as met or MISSED with the measured figure. ``mesa.batch_run`` switches the
process-wide multiprocessing start method to spawn, so it runs last. Temporary sweep files and
results go to a temporary folder, deleted at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import mesa
import numpy as np
import pandas as pd

try:
    import psutil
except ImportError:  # optional: the tree's summed RSS is then not measured
    psutil = None

REPO = Path(__file__).resolve().parents[1]
BASE = "istanbul-2025"
SEED = 1
GRID_PATHS = ("trust.ukraine.russia", "actors.usa.monitoring")
FULL_POINTS = 100  # the 10 × 10 grid of the target
FULL_GRID_RUNS = 1_000

TARGET_GRID_S = 3.0  # issue 4, Targets: 100 points × 1,000 runs end to end
TARGET_SOBOL_S = 30.0  # Sobol, 8,192 points × 200 runs, 2 workers
TARGET_SOBOL_GB = 1.5

GRID_YAML = """\
kind: sweep
title: bench_sweep grid (10 x 10)
base: {base}
design: grid
parameters:
  trust.ukraine.russia: {{range: [0.05, 0.5], steps: 10}}
  actors.usa.monitoring: {{range: [0.0, 1.0], steps: 10}}
runs: {runs}
seed: {seed}
"""

SOBOL_YAML = """\
kind: sweep
title: bench_sweep Sobol (6 parameters)
base: {base}
design: sobol
parameters:
  trust.ukraine.russia: {{range: [0.02, 0.4]}}
  trust.russia.ukraine: {{range: [0.02, 0.4]}}
  actors.usa.monitoring: {{range: [0.0, 1.0]}}
  actors.usa.credibility: {{range: [0.2, 0.9]}}
  actors.russia.momentum: {{range: [0.0, 0.6]}}
  actors.russia.attendance.propensity: {{range: [0.05, 0.6]}}
samples: {samples}
runs: {runs}
seed: {seed}
outputs: [ceasefire_holding, ceasefire_collapsed, exchange_only, leaders_met]
"""


# -- the machine ------------------------------------------------------------------------------


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain",
                                "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
            "cpu": cpu, "cores": f"{os.cpu_count()} ({usable} usable)",
            "platform": platform.platform(),
            "versions": (f"Python {platform.python_version()}, negsim {version('negsim')} "
                         f"(commit {git_commit()}), numpy {np.__version__}, pandas "
                         f"{pd.__version__}, Mesa {mesa.__version__}, SALib {version('SALib')}"),
            "load avg": f"{load()} at start"}


# -- running negsim as a subprocess -----------------------------------------------------------


def negsim_command() -> list[str]:
    """The ``negsim`` entry point next to this interpreter (the virtualenv's), else on PATH,
    else ``python -m sim``."""
    beside = Path(sys.executable).with_name("negsim")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("negsim")
    return [found] if found else [sys.executable, "-m", "sim"]


def pss(pid: int) -> int | None:
    """The proportional set size of ``pid`` (bytes): its RSS with each shared page divided
    among the processes sharing it (Linux ``/proc/PID/smaps_rollup``), else None."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    found = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) * 1024 if found else None


def tree_memory(process) -> tuple[int, int | None]:
    """The resident memory of ``process`` and all its descendants, summed (bytes): RSS (which
    counts a page shared by several processes once in each) and PSS (None where no process's
    could be read; a process that ends while it is read is left out of both)."""
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0, None
    rss, proportional = 0, None
    for member in members:
        share = pss(member.pid)
        try:
            rss += member.memory_info().rss
        except psutil.Error:
            continue
        if share is not None:
            proportional = (proportional or 0) + share
    return rss, proportional


def run_timed(command: list[str], *, poll_memory: bool) -> dict:
    """Run ``command``; return its wall time, exit code, output, and (when asked) the peak of
    its process tree's summed RSS, polled every 20 ms, and the largest single process's RSS
    reported by ``/usr/bin/time -v``."""
    gnu_time = Path("/usr/bin/time")
    wrapped = ([str(gnu_time), "-v", *command] if poll_memory and gnu_time.is_file()
               else command)
    peak, peak_pss, stop = [0], [None], threading.Event()
    start = time.perf_counter()
    child = subprocess.Popen(wrapped, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def poll() -> None:
        process = psutil.Process(child.pid)
        while not stop.is_set():
            rss, proportional = tree_memory(process)
            peak[0] = max(peak[0], rss)
            if proportional is not None:
                peak_pss[0] = max(peak_pss[0] or 0, proportional)
            stop.wait(0.02)

    poller = None
    if poll_memory and psutil is not None:
        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
    out, err = child.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    if poller is not None:
        poller.join()
    largest = None
    if wrapped is not command:
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
        largest = int(found.group(1)) * 1024 if found else None
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {child.returncode}:\n{out}\n{err}")
    folder = re.search(r"Results written to (\S+)", out + err)
    return {"seconds": seconds, "tree_peak": peak[0] if poller is not None else None,
            "tree_pss": peak_pss[0] if poller is not None else None,
            "largest": largest, "folder": Path(folder.group(1)) if folder else None}


def sweep_command(sweep_file: Path, out: Path, *extra: str) -> list[str]:
    return [*negsim_command(), "sweep", str(sweep_file), "--out", str(out), "-q", "--no-plots",
            *extra]


def shown(command: list[str], tmp: Path) -> str:
    return " ".join(Path(c).name if c == command[0] else c for c in command).replace(
        str(tmp), "TMP")


# -- (3) the reference through mesa.batch_run ------------------------------------------------


def point_scenarios(points: pd.DataFrame, chosen: list[int]) -> list:
    """Each chosen point's scenario: the base with the point's values as ``--set`` overrides
    (JSON floats: the shortest text that reads back as the same double)."""
    from sim.scenario.loader import load_scenario

    rows = points.set_index("point").loc[chosen]
    return [load_scenario(BASE, overrides=[f"{p}={json.dumps(float(row[p]))}"
                                           for p in GRID_PATHS])
            for _, row in rows.iterrows()]


def time_batch_run(scenarios: list, runs: int, processes: int) -> tuple[float, list[dict]]:
    from sim.model.reference import ReferenceModel

    start = time.perf_counter()
    rows = mesa.batch_run(ReferenceModel, {"scenario": scenarios, "root_seed": SEED,
                                           "replicate": range(runs)},
                          number_processes=processes, rng=[0], max_steps=100_000,
                          display_progress=False)
    return time.perf_counter() - start, rows


def reference_shares(rows: list[dict], chosen: list[int], runs: int) -> dict[int, dict]:
    """Each point's outcome counts from the reference rows. ``batch_run`` numbers the runs in
    the order of its parameter product (scenario outer, replicate inner), so ``RunId //
    runs`` is the index of the point in ``chosen``."""
    from sim.model.outcomes import OUTCOMES

    counts = {p: dict.fromkeys(OUTCOMES, 0) for p in chosen}
    for row in rows:
        index, replicate = divmod(row["RunId"], runs)
        if row["replicate"] != replicate:
            raise RuntimeError(f"batch_run numbered run {row['RunId']} unexpectedly")
        counts[chosen[index]][row["outcome"]] += 1
    return counts


def agree(points_table: pd.DataFrame, counts: dict[int, dict], runs: int) -> tuple[int, list]:
    """How many reference points have exactly the engine's shares (``hits / runs``, compared
    as doubles), and the differences found."""
    table = points_table.set_index("point")
    same, differences = 0, []
    for point, by_outcome in counts.items():
        diffs = [(o, table.at[point, f"{o}.share"], n / runs) for o, n in by_outcome.items()
                 if table.at[point, f"{o}.share"] != n / runs]
        same += not diffs
        differences += [(point, *d) for d in diffs]
    return same, differences


# -- the report -------------------------------------------------------------------------------


def verdict(ok: bool, judged: bool) -> str:
    return ("met" if ok else "MISSED") if judged else "not judged (--quick)"


def gb(n: int | None) -> str:
    return "n/a" if n is None else f"{n / 1e9:.2f} GB"


def spread(k: int, n: int) -> list[int]:
    """``k`` point ids spread evenly over ``0 … n−1``."""
    return sorted({int(round(x)) for x in np.linspace(0, n - 1, k)}) if k < n else list(range(n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: grid 100 runs per point, Sobol N = 64 × 50 runs, "
                             "reference 10 points; targets not judged")
    parser.add_argument("--repeats", type=int, default=3,
                        help="best of this many subprocess runs (default 3)")
    parser.add_argument("--reference-points", type=int,
                        help="grid points run through mesa.batch_run (default: all 100; "
                             "fewer are scaled per replicate)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    quick = args.quick
    grid_runs = 100 if quick else FULL_GRID_RUNS
    sobol_n, sobol_runs = (64, 50) if quick else (1024, 200)
    reference_points = args.reference_points or (10 if quick else FULL_POINTS)
    chosen = spread(reference_points, FULL_POINTS)

    print(f"negsim sweep benchmark: base scenario {BASE}, seed {SEED}")
    print("command: python", " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])]))
    for key, value in machine().items():
        print(f"  {key:<11} {value}")
    if psutil is None:
        print("  (psutil is not installed: the process tree's summed memory is not measured)")

    tmp = Path(tempfile.mkdtemp(prefix="negsim-bench-sweep-"))
    try:
        grid_file, sobol_file = tmp / "grid.yaml", tmp / "sobol.yaml"
        grid_file.write_text(GRID_YAML.format(base=BASE, runs=grid_runs, seed=SEED))
        sobol_file.write_text(SOBOL_YAML.format(base=BASE, samples=sobol_n, runs=sobol_runs,
                                                seed=SEED))
        out = tmp / "results"

        # (1) the grid from the shell
        command = sweep_command(grid_file, out)
        print(f"\n(1) grid sweep, 10 × 10 points × {grid_runs:,} runs = "
              f"{FULL_POINTS * grid_runs:,} runs, from the shell, best of {args.repeats} "
              f"(load {load()})")
        print(f"    $ {shown(command, tmp)}")
        grid = [run_timed(command, poll_memory=False) for _ in range(args.repeats)]
        grid_s = min(r["seconds"] for r in grid)
        print(f"    wall: {', '.join(f'{r['seconds']:.2f}' for r in grid)} s  ->  best "
              f"{grid_s:.2f} s ({FULL_POINTS * grid_runs / grid_s:,.0f} runs/s end to end)")
        engine_points = pd.read_parquet(grid[-1]["folder"] / "points.parquet")
        metadata = json.loads((grid[-1]["folder"] / "metadata.json").read_text())
        print(f"    {metadata['points']} points, {metadata['groups']} group(s), varied per "
              f"replicate: {', '.join(metadata['per_replicate']) or 'none'}; chunk size "
              f"{metadata['chunk_size']:,}")

        # the same, in this process, for scale: what the sweep costs without starting Python
        from sim.experiment.sweep import load_sweep, run_sweep

        start = time.perf_counter()
        run_sweep(load_sweep(grid_file), out=tmp / "in-process", workers=1)
        in_process_s = time.perf_counter() - start
        print(f"    for scale, in this process (load_sweep + run_sweep, 1 worker, imports "
              f"already done): {in_process_s:.2f} s")

        # (2) Sobol with 2 workers
        points = sobol_n * (6 + 2)
        command = sweep_command(sobol_file, out, "--workers", "2")
        print(f"\n(2) Sobol sweep, 6 parameters, N = {sobol_n:,} (no second order): "
              f"{points:,} points × {sobol_runs} runs = {points * sobol_runs:,} runs, "
              f"2 workers, best of {args.repeats} (load {load()})")
        print(f"    $ {shown(command, tmp)}")
        sobol = [run_timed(command, poll_memory=True) for _ in range(args.repeats)]
        sobol_s = min(r["seconds"] for r in sobol)
        tree_peak = max((r["tree_peak"] for r in sobol if r["tree_peak"] is not None),
                        default=None)
        tree_pss = max((r["tree_pss"] for r in sobol if r["tree_pss"] is not None),
                       default=None)
        largest = max((r["largest"] for r in sobol if r["largest"] is not None), default=None)
        print(f"    wall: {', '.join(f'{r['seconds']:.2f}' for r in sobol)} s  ->  best "
              f"{sobol_s:.2f} s ({points * sobol_runs / sobol_s:,.0f} runs/s)")
        print(f"    peak memory of the process tree, max over the runs: RSS summed over the "
              f"process and its children {gb(tree_peak)} (shared pages counted in each); PSS "
              f"summed {gb(tree_pss)}; largest single process (/usr/bin/time -v max RSS) "
              f"{gb(largest)}")

        # (3) the reference through mesa.batch_run (last: it switches the start method to spawn)
        scenarios = point_scenarios(engine_points, chosen)
        done = len(chosen) * grid_runs
        subset = len(chosen) < FULL_POINTS
        print(f"\n(3) reference model through mesa.batch_run: {len(chosen)} of the "
              f"{FULL_POINTS} grid points × {grid_runs:,} replicates = {done:,} runs"
              + (f" (a subset: points {chosen}; times scaled per replicate to "
                 f"{FULL_POINTS * grid_runs:,} runs)" if subset else ""))
        reference = {}
        for processes in (1, 2):
            print(f"    number_processes={processes} (load {load()}) ...", flush=True)
            seconds, rows = time_batch_run(scenarios, grid_runs, processes)
            counts = reference_shares(rows, chosen, grid_runs)
            same, differences = agree(engine_points, counts, grid_runs)
            reference[processes] = seconds
            scaled = seconds / done * FULL_POINTS * grid_runs
            print(f"    number_processes={processes}: {seconds:.1f} s  ->  "
                  f"{1e3 * seconds / done:.3f} ms per replicate"
                  + (f", scaled to {FULL_POINTS * grid_runs:,} runs: {scaled:.1f} s"
                     if subset else "")
                  + f"; points whose outcome shares equal the engine's exactly: "
                    f"{same}/{len(counts)}")
            for point, outcome, engine_share, ref_share in differences[:10]:
                print(f"      point {point} {outcome}: engine {engine_share!r}, reference "
                      f"{ref_share!r}")
            del rows
        best = min(reference, key=reference.get)
        reference_full_s = reference[best] / done * FULL_POINTS * grid_runs
        ratio = reference_full_s / grid_s
        ratio_in_process = reference_full_s / in_process_s
    finally:
        if args.keep:
            print(f"\n(kept {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    judged = not quick
    full = FULL_POINTS * grid_runs
    print(f"\nsummary (load {load()} at the end)")
    rows = [(f"(1) grid 100 points × {grid_runs:,} runs, from the shell", f"{grid_s:.2f} s",
             f"< {TARGET_GRID_S:g} s: {verdict(grid_s < TARGET_GRID_S, judged)}"),
            (f"(2) Sobol {points:,} points × {sobol_runs} runs, 2 workers", f"{sobol_s:.2f} s",
             f"< {TARGET_SOBOL_S:g} s: {verdict(sobol_s < TARGET_SOBOL_S, judged)}")]
    if tree_peak is not None:
        rows.append(("    peak memory, process tree (summed RSS)", gb(tree_peak),
                     f"< {TARGET_SOBOL_GB:g} GB: "
                     f"{verdict(tree_peak < TARGET_SOBOL_GB * 1e9, judged)}"))
    else:
        rows.append(("    peak memory, largest process", gb(largest),
                     f"< {TARGET_SOBOL_GB:g} GB: not judged (psutil missing: tree not "
                     "measured)"))
    rows += [(f"(3) reference, batch_run, {best} process{'es' if best > 1 else ''}"
              + (f" (scaled from {done:,})" if subset else ""),
              f"{reference_full_s:.1f} s", f"for {full:,} runs"),
             ("    engine speed-up: reference / engine (from the shell)", f"{ratio:.0f}x",
              "no target: reported"),
             ("    engine speed-up: reference / engine (in-process)", f"{ratio_in_process:.0f}x",
              "")]
    width = max(len(r[0]) for r in rows)
    for label, figure, target in rows:
        target = f"target {target}" if target.startswith("<") else target
        print(f"  {label:<{width}}  {figure:>9}   {target}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
