"""Benchmark: the ensemble engine against the reference model and against its own draws.

Usage::

    python benchmarks/bench_engine.py            # the full run (about a minute on 2 cores)
    python benchmarks/bench_engine.py --quick    # a smoke run (a few seconds)

On the baseline scenario (``istanbul-2025``), in one process, it measures

(a) the engine's throughput on one core: ``simulate_chunk`` over ``--runs`` replicates in chunks
    of the engine's default size, pinned to one CPU, best of ``--repeats``;
(b) the reference model (one Mesa model per replicate) through ``mesa.batch_run`` with 1 and
    2 processes, on the first ``--reference-runs`` of the same replicates (per-replicate time;
    its outcomes are checked against the engine's);
(c) the time to generate the keyed draws the engine consumes: the uniforms drawn per replicate
    are counted by wrapping ``Draws.uniform``; that many are then generated with
    ``Draws.uniform`` in calls of the chunk size, and, for comparison, by replaying the
    engine's own calls (same keys, same subsets of replicates).

It prints throughput, the ratios engine/reference and engine/draw generation, the machine,
and the targets of issue 10 (≥ 200,000 replicates/s on one core; ≥ 300× the reference). A
missed target is reported with its figure. ``mesa.batch_run`` switches the process-wide
multiprocessing start method to spawn, so it runs last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import mesa
import numpy as np
import yaml

from sim import DEFAULT_SEED
from sim.experiment.run import CHUNK_SIZE
from sim.model import simulate_chunk
from sim.model.draws import Draws
from sim.model.reference import ReferenceModel
from sim.scenario.config import Scenario

REPO = Path(__file__).resolve().parents[1]
TARGET_THROUGHPUT = 200_000  # replicates per second on one core (issue 10, Targets; issue 2: 100,000)
TARGET_RATIO = 300  # engine vs reference through mesa.batch_run (issue 10; issue 2: 100)


def load_baseline() -> Scenario:
    """The baseline scenario, through the loader when it exists."""
    try:
        from sim.scenario.loader import load_scenario
    except ImportError:
        text = (REPO / "scenarios" / "istanbul-2025.yaml").read_text(encoding="utf-8")
        return Scenario.model_validate(yaml.safe_load(text))
    return load_scenario("istanbul-2025")


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
            "python": platform.python_version(), "numpy": np.__version__,
            "mesa": mesa.__version__, "platform": platform.platform(),
            "load": f"1-min load average {os.getloadavg()[0]:.2f} at start"}


@contextmanager
def one_core():
    """Pin this process to one CPU (restored afterwards: batch_run's workers need both)."""
    if not hasattr(os, "sched_setaffinity"):
        yield "not pinned"
        return
    before = os.sched_getaffinity(0)
    cpu = min(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield f"pinned to CPU {cpu}"
    finally:
        os.sched_setaffinity(0, before)


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def chunks(runs: int) -> list[tuple[int, int]]:
    return [(first, min(CHUNK_SIZE, runs - first)) for first in range(0, runs, CHUNK_SIZE)]


# -- (a) the engine ---------------------------------------------------------------------------


def time_engine(scenario, runs: int, repeats: int) -> float:
    def run():
        for first, count in chunks(runs):
            simulate_chunk(scenario, DEFAULT_SEED, first, count)
    return best_of(repeats, run)


# -- (c) the draws ----------------------------------------------------------------------------


def record_draw_calls(scenario, count: int) -> list[tuple]:
    """The engine's calls of ``Draws.uniform`` while simulating one chunk."""
    calls: list[tuple] = []
    original = Draws.uniform

    def counting(self, purpose, day=0, actor="", other="", where=None):
        out = original(self, purpose, day, actor, other, where)
        calls.append((purpose, day, actor, other, None if where is None else where.copy()))
        return out

    Draws.uniform = counting
    try:
        simulate_chunk(scenario, DEFAULT_SEED, 0, count)
    finally:
        Draws.uniform = original
    return calls


def time_draws(per_replicate: float, runs: int, repeats: int) -> float:
    """Generate ``per_replicate · runs`` keyed uniforms in calls of the chunk size."""
    def run():
        for first, count in chunks(runs):
            draws = Draws(DEFAULT_SEED, np.arange(first, first + count))
            whole, rest = divmod(round(per_replicate * count), count)
            for day in range(whole):
                draws.uniform("bench", day)
            draws.uniform("bench", whole, where=np.arange(rest))
    return best_of(repeats, run)


def time_replay(calls: list[tuple], runs: int, repeats: int) -> float:
    """Replay the engine's own calls (same keys and subsets) once per chunk."""
    def run():
        for first, count in chunks(runs):
            draws = Draws(DEFAULT_SEED, np.arange(first, first + count))
            for purpose, day, actor, other, where in calls:
                draws.uniform(purpose, day, actor, other, where)
    return best_of(repeats, run)


# -- (b) the reference through mesa.batch_run -------------------------------------------------


def time_batch_run(scenario, runs: int, processes: int) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    rows = mesa.batch_run(ReferenceModel, {"scenario": [scenario], "root_seed": DEFAULT_SEED,
                                           "replicate": range(runs)},
                          number_processes=processes, rng=[0], max_steps=100_000,
                          display_progress=False)
    return time.perf_counter() - start, rows


def agree(scenario, rows: list[dict]) -> int:
    """How many reference outcomes equal the engine's for the same replicates."""
    engine = simulate_chunk(scenario, DEFAULT_SEED, 0, len(rows)).replicates
    outcome = dict(zip(engine["replicate"], engine["outcome"].astype(str), strict=True))
    return sum(row["outcome"] == outcome[row["replicate"]] for row in rows)


# -- the report -------------------------------------------------------------------------------


def verdict(value: float, target: float) -> str:
    return "met" if value >= target else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small N: a smoke run")
    parser.add_argument("--runs", type=int, help="engine replicates (default 200,000)")
    parser.add_argument("--reference-runs", type=int, help="reference replicates (default 2,000)")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many (default 3)")
    args = parser.parse_args(argv)
    runs = args.runs or (40_000 if args.quick else 200_000)
    reference_runs = args.reference_runs or (200 if args.quick else 2_000)
    scenario = load_baseline()

    print("negsim engine benchmark: baseline scenario istanbul-2025, seed", DEFAULT_SEED)
    print("command: python", " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])]))
    for key, value in machine().items():
        print(f"  {key:<11} {value}")

    with one_core() as pinning:
        engine_s = time_engine(scenario, runs, args.repeats)
        calls = record_draw_calls(scenario, CHUNK_SIZE)
        uniforms = sum(CHUNK_SIZE if w is None else w.size for *_, w in calls)
        per_replicate = uniforms / CHUNK_SIZE
        draws_s = time_draws(per_replicate, runs, args.repeats)
        replay_s = time_replay(calls, runs, args.repeats)
    engine_rate = runs / engine_s

    print(f"\n(a) engine, one core ({pinning}): {runs:,} replicates in chunks of {CHUNK_SIZE:,}, "
          f"best of {args.repeats}")
    print(f"    {engine_s:.3f} s  ->  {engine_rate:,.0f} replicates/s  "
          f"({1e6 / engine_rate:.2f} µs per replicate)")
    print(f"\n(c) keyed draws the engine consumes: {per_replicate:.1f} uniforms per replicate "
          f"({len(calls)} calls of Draws.uniform per chunk)")
    print(f"    same count in chunk-size calls: {draws_s:.3f} s for {runs:,} replicates "
          f"= {draws_s / engine_s:.1%} of the engine's time (engine/draws {engine_s / draws_s:.1f}x)")
    print(f"    replaying the engine's own calls: {replay_s:.3f} s "
          f"= {replay_s / engine_s:.1%} of the engine's time (engine/draws {engine_s / replay_s:.1f}x)")

    print(f"\n(b) reference model through mesa.batch_run: the first {reference_runs:,} of the same "
          "replicates")
    reference = {}
    for processes in (1, 2):
        seconds, rows = time_batch_run(scenario, reference_runs, processes)
        reference[processes] = seconds
        same = agree(scenario, rows)
        print(f"    number_processes={processes}: {seconds:.2f} s  ->  "
              f"{1e3 * seconds / reference_runs:.3f} ms per replicate, "
              f"{reference_runs / seconds:,.0f} replicates/s; outcomes equal to the engine's: "
              f"{same:,}/{len(rows):,}")
    startup, _ = time_batch_run(scenario, 2, 2)
    print(f"    (for scale: number_processes=2 on just 2 replicates takes {startup:.2f} s: starting "
          "the spawned pool, which re-imports Mesa and negsim in each worker)")
    best = min(reference, key=reference.get)
    reference_rate = reference_runs / reference[best]
    ratio = engine_rate / reference_rate

    print("\nsummary")
    print(f"  engine throughput (one core)      {engine_rate:>12,.0f} replicates/s   target "
          f">= {TARGET_THROUGHPUT:,}: {verdict(engine_rate, TARGET_THROUGHPUT)}")
    print(f"  reference, batch_run (best: {best} proc) {reference_rate:>9,.0f} replicates/s")
    print(f"  engine / reference                {ratio:>12,.0f}x              target "
          f">= {TARGET_RATIO}x: {verdict(ratio, TARGET_RATIO)}")
    print(f"  engine time / draw generation     {engine_s / draws_s:>12.1f}x "
          f"(replaying the engine's calls: {engine_s / replay_s:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
