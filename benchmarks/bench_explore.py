"""Benchmark: negsim discover on an 8,192-point sweep, and negsim robust at full size.

Usage::

    python benchmarks/bench_explore.py            # the full run (2-3 minutes on 2 cores)
    python benchmarks/bench_explore.py --quick    # a smoke run (about 40 seconds)

It measures the targets of issue 12, each as a subprocess from start to exit (best of
``--repeats``), with the peak memory of its process tree (the RSS of the process and all its
children, summed, polled every 20 ms; and the largest single process from ``/usr/bin/time -v``
when it is installed), using the helpers of ``bench_sweep.py``:

(1) ``negsim discover SWEEP --outcome ceasefire_holding`` on the shipped ``baseline-sobol``
    sweep's 8,192 points (the sweep itself is run first, with 200 runs per point instead of
    500, which changes the shares but not the number of points PRIM and CART read): with the
    figures, and with ``--no-plots``;
(2) ``negsim robust us-levers --workers 2 --no-plots -q``: 16 lever combinations × 512 worlds
    × 200 runs = 1,638,400 runs. Target: under 30 s with 2 workers.

It prints the machine, date, versions and load averages before and after, the figures, and each
target as met or MISSED with the measured figure. Other processes on the machine slow it down:
read the load averages. Results go to a temporary folder, deleted at the end (``--keep`` keeps
it).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sweep import REPO, load, machine, negsim_command, run_timed  # noqa: E402

TARGET_ROBUST_S = 30.0  # issue 12: 16 combinations × 512 worlds × 200 runs, 2 workers


def gigabytes(value: int | None) -> str:
    return "–" if value is None else f"{value / 1e9:.2f} GB"


def best(command: list[str], repeats: int) -> tuple[list[float], dict]:
    """Every wall time, and the run with the most memory (peaks are maxima over the runs)."""
    runs = [run_timed(command, poll_memory=True) for _ in range(repeats)]
    most = max(runs, key=lambda r: r["tree_peak"] or 0)
    return [r["seconds"] for r in runs], most


def shrunk(source: Path, target: Path, **settings: int) -> Path:
    """A copy of a shipped file with some top-level numbers changed (runs, samples)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    for key, value in settings.items():
        lines = [f"{key}: {value}" if line.startswith(f"{key}:") else line for line in lines]
    text = "\n".join(lines) + "\n"
    target.write_text(text, encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    repeats = args.repeats or (1 if args.quick else 3)
    for key, value in machine().items():
        print(f"{key:>11}: {value}")
    tmp = Path(tempfile.mkdtemp(prefix="bench_explore-"))
    negsim = negsim_command()
    try:
        sweep_file = shrunk(REPO / "scenarios" / "sweeps" / "baseline-sobol.yaml",
                            tmp / "baseline-sobol.yaml",
                            **({"samples": 128, "runs": 50} if args.quick else {"runs": 200}))
        made = run_timed([*negsim, "sweep", str(sweep_file), "--out", str(tmp / "out"), "-q",
                          "--no-plots", "--workers", "2"], poll_memory=False)
        points = 128 * 8 if args.quick else 8192
        print(f"\n(1) the sweep to discover in: {points:,} points, made in "
              f"{made['seconds']:.1f} s")
        discover = [*negsim, "discover", str(made["folder"]), "--outcome", "ceasefire_holding",
                    "--out", str(tmp / "out"), "-q"]
        for label, command in (("with figures", discover),
                               ("--no-plots", [*discover, "--no-plots"])):
            times, most = best(command, repeats)
            print(f"    negsim discover, {points:,} points, {label}: "
                  f"{', '.join(f'{t:.2f}' for t in times)} s: best {min(times):.2f} s; peak "
                  f"{gigabytes(most['tree_peak'])} (tree RSS), largest process "
                  f"{gigabytes(most['largest'])}")
        robust_file = shrunk(REPO / "scenarios" / "robust" / "us-levers.yaml",
                             tmp / "us-levers.yaml",
                             **({"samples": 64, "runs": 100} if args.quick else {}))
        robust = [*negsim, "robust", str(robust_file), "--out", str(tmp / "out"), "-q",
                  "--no-plots", "--workers", "2"]
        times, most = best(robust, repeats)
        size = "16 × 64 × 100" if args.quick else "16 × 512 × 200"
        print(f"\n(2) negsim robust us-levers ({size} runs), 2 workers: "
              f"{', '.join(f'{t:.2f}' for t in times)} s: best {min(times):.2f} s; peak "
              f"{gigabytes(most['tree_peak'])} (tree RSS), largest process "
              f"{gigabytes(most['largest'])}")
        if not args.quick:
            verdict = "met" if min(times) < TARGET_ROBUST_S else "MISSED"
            print(f"    target: under {TARGET_ROBUST_S:.0f} s: {verdict} ({min(times):.2f} s)")
        print(f"\n   load avg: {load()} at the end")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
