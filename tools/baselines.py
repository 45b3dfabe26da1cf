"""Regression baselines: fixed-seed summaries of every shipped scenario, kept in the repository.

``tests/tools/test_baselines.py`` re-simulates each shipped scenario and compares its summary
with ``tests/tools/baselines.csv``. A change to the model that moves any share fails that
test until the baselines are updated on purpose, from the repository's root, with::

    python -m tools.baselines --update

so the change of numbers shows in review as a diff of that file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from sim import DEFAULT_SEED

RUNS = 4000
"""Replicates per scenario: enough that every outcome a scenario can produce shows up."""

TOLERANCE = 2 / RUNS
"""Shares may differ by two replicates: on another machine or library version a float's last
bits may differ, and a deciding comparison that close to its threshold could flip."""

FILE = Path(__file__).resolve().parents[1] / "tests" / "tools" / "baselines.csv"


def summaries() -> pd.DataFrame:
    """The summary of every shipped scenario at the baseline seed and size."""
    from sim.experiment.run import simulate
    from sim.scenario.loader import load_scenario, shipped_scenarios

    frames = [simulate(load_scenario(name), runs=RUNS, seed=DEFAULT_SEED).summary
              for name in sorted(shipped_scenarios())]
    table = pd.concat(frames, ignore_index=True)
    return table[["scenario", "metric", "category", "share", "n"]]


def stored() -> pd.DataFrame:
    return pd.read_csv(FILE, keep_default_na=False)


def update() -> None:
    FILE.parent.mkdir(parents=True, exist_ok=True)
    summaries().to_csv(FILE, index=False, float_format="%.6f", lineterminator="\n")
    print(f"wrote {FILE}")


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tools.baselines --update")
    update()
