"""Every shipped scenario still gives its stored fixed-seed summary (tools/baselines.py).

If a model change moves these numbers on purpose, update them with
``python -m tools.baselines --update`` and let the diff of tests/tools/baselines.csv show
in review. Tolerance: two replicates out of 4,000 per share (tools.baselines.TOLERANCE).
"""

import pandas as pd

from sim.scenario.loader import shipped_scenarios
from tools import baselines


def test_every_shipped_scenario_has_a_baseline():
    assert set(baselines.stored()["scenario"]) == set(shipped_scenarios())


def test_summaries_match_the_stored_baselines():
    now = baselines.summaries()
    before = baselines.stored()
    keys = ["scenario", "metric", "category"]
    merged = now.merge(before, on=keys, how="outer", suffixes=("", "_stored"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][keys]
    moved = merged[(merged["share"] - merged["share_stored"]).abs() > baselines.TOLERANCE]
    assert moved.empty, (
        "shares moved (update on purpose with `python -m tools.baselines --update`):\n"
        + moved[[*keys, "share_stored", "share"]].to_string())
    pd.testing.assert_series_equal(merged["n"], merged["n_stored"], check_names=False)
