"""Benchmark: ``negsim screen`` on the baseline with its defaults, from the shell (issue 12).

Usage::

    python benchmarks/bench_screen.py              # best of 3 (about a minute on 2 cores)
    python benchmarks/bench_screen.py --repeats 5 --keep

It times ``negsim screen istanbul-2025 --out TMP -q`` as a subprocess, from start to exit, so
Python's start-up, the imports, the simulation (every core: the default), the analysis and
the figures all count, best of ``--repeats``; and the same with ``--no-plots``, to show what
the figures cost. Beside the wall time it records the CPU time of the process tree (user and
system, from ``getrusage``), which depends much less on what else the machine runs; the peak
memory of the process tree (RSS of the process and its children, summed, polled every 20 ms,
with psutil; the largest single process from ``/usr/bin/time -v`` when installed); the
machine, versions and load averages. It judges the target of issue 12, under 20 s on 2
cores: a miss is printed as MISSED with its figure. The helpers that run and measure a
subprocess are ``bench_sweep.py``'s.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
from pathlib import Path

from bench_sweep import gb, load, machine, negsim_command, run_timed, shown, verdict

BASE = "istanbul-2025"
TARGET_S = 20.0  # issue 12, "Done when": the baseline with defaults, 2 cores


def screen_command(out: Path, *extra: str) -> list[str]:
    return [*negsim_command(), "screen", BASE, "--out", str(out), "-q", *extra]


def cpu_timed(command: list[str]) -> dict:
    """:func:`bench_sweep.run_timed`, plus the CPU time of the command's whole process tree
    (its workers are waited for by it, so the kernel counts them as its children): less
    sensitive than the wall time to what else the machine runs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_timed(command, poll_memory=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result | {"cpu": (after.ru_utime - before.ru_utime)
                     + (after.ru_stime - before.ru_stime)}


def timed(label: str, command: list[str], repeats: int, tmp: Path) -> dict:
    """Best of ``repeats`` runs of ``command``, with the tree's peak memory over them."""
    print(f"\n{label}, best of {repeats} (load {load()})")
    print(f"    $ {shown(command, tmp)}")
    runs = [cpu_timed(command) for _ in range(repeats)]
    best = min(r["seconds"] for r in runs)
    peak = max((r["tree_peak"] for r in runs if r["tree_peak"] is not None), default=None)
    largest = max((r["largest"] for r in runs if r["largest"] is not None), default=None)
    print(f"    wall: {', '.join(f'{r['seconds']:.2f}' for r in runs)} s  ->  best {best:.2f} s")
    print(f"    CPU time (user + system, the process and its workers): "
          f"{', '.join(f'{r['cpu']:.1f}' for r in runs)} s")
    print(f"    peak memory: process tree (summed RSS) {gb(peak)}; largest process {gb(largest)}")
    return {"seconds": best, "peak": peak, "folder": runs[-1]["folder"],
            "cpu": min(r["cpu"] for r in runs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="best of this many (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    print(f"negsim screen benchmark: {BASE}, the command's defaults")
    for key, value in machine().items():
        print(f"  {key:<11} {value}")
    tmp = Path(tempfile.mkdtemp(prefix="negsim-bench-screen-"))
    try:
        full = timed("(1) negsim screen, defaults (figures included)",
                     screen_command(tmp / "results"), args.repeats, tmp)
        bare = timed("(2) the same without figures", screen_command(tmp / "results",
                                                                   "--no-plots"),
                     args.repeats, tmp)
        meta = json.loads((full["folder"] / "metadata.json").read_text(encoding="utf-8"))
        runs = meta["points"] * meta["runs"]
        print(f"\n    {len(meta['ranges'])} parameters, {meta['trajectories']} trajectories, "
              f"{meta['points']:,} points × {meta['runs']:,} runs = {runs:,} replicates; "
              f"chunk size {meta['chunk_size']:,}")
    finally:
        if args.keep:
            print(f"\n(kept {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nsummary (load {load()} at the end)")
    print(f"  (1) screen {BASE}, defaults      {full['seconds']:6.2f} s   target < {TARGET_S:g} "
          f"s: {verdict(full['seconds'] < TARGET_S, True)}")
    print(f"  (2) the same, --no-plots            {bare['seconds']:6.2f} s   "
          f"({runs / bare['seconds']:,.0f} replicates/s end to end)")
    print(f"      CPU time of (1), least          {full['cpu']:6.1f} s   (2 cores: the wall time "
          "cannot be below half of it)")
    print(f"      peak memory (summed RSS)        {gb(full['peak'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
