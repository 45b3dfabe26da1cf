"""Daily series (sim.model.series): what the engine records per replicate and day, on request.

The checks tie the series to what the engine already reports: a variable's last day is the
replicate table's column of the same name, and the day's mean over replicates is the daily
table's (exact for counts; trust to the fixed point of the daily sums).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.errors import UserError
from sim.model import simulate_chunk
from sim.model.outcomes import FIXED_POINT
from sim.model.series import choose_series, series_variables
from sim.scenario.loader import load_scenario

RUNS = 1500
SEED = 11


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("coalition-ceasefire-push")  # ceasefires agreed and broken often


@pytest.fixture(scope="module")
def recorded(baseline):
    """Every variable of 1,500 replicates, and the same chunk simulated without series."""
    names = choose_series(baseline, "all")
    return (simulate_chunk(baseline, SEED, 0, RUNS, series=names),
            simulate_chunk(baseline, SEED, 0, RUNS), names)


def wide(series: pd.DataFrame, day: int) -> pd.DataFrame:
    return series[series["day"] == day].pivot(index="replicate", columns="variable",
                                              values="value")


def test_recording_changes_no_outcome(recorded):
    with_series, without, _ = recorded
    assert without.series is None
    pd.testing.assert_frame_equal(with_series.replicates, without.replicates)
    pd.testing.assert_frame_equal(with_series.daily_sums, without.daily_sums)


def test_the_table_has_a_row_per_replicate_variable_and_day_in_that_order(recorded, baseline):
    series, names = recorded[0].series, recorded[2]
    days = baseline.calendar.announcement_days + baseline.calendar.horizon_days
    assert list(series.columns) == ["replicate", "day", "variable", "value"]
    assert len(series) == RUNS * len(names) * days
    assert list(series["variable"].cat.categories) == list(names)
    first = series.iloc[:days * len(names)]
    assert (first["replicate"] == 0).all()
    assert list(first["variable"].iloc[::days]) == list(names)
    assert list(first["day"].iloc[:days]) == list(range(-baseline.calendar.announcement_days,
                                                        baseline.calendar.horizon_days))
    assert series["replicate"].is_monotonic_increasing


def test_the_last_day_is_the_replicate_table(recorded, baseline):
    chunk, names = recorded[0], recorded[2]
    last = wide(chunk.series, baseline.calendar.horizon_days - 1)
    rows = chunk.replicates.set_index("replicate")
    same = [n for n in names if n in rows.columns]
    assert len(same) >= 9  # trust, violations, ceasefire_days, agreed, level, exchanged_share
    for name in same:
        np.testing.assert_array_equal(last[name].to_numpy(), rows[name].astype(float).to_numpy(),
                                      err_msg=name)
    for actor in baseline.actors:  # no leader announces from day 0 on: announced = attended
        np.testing.assert_array_equal(last[f"announced.{actor}"].to_numpy(),
                                      rows[f"attended.{actor}"].astype(float).to_numpy())


def test_each_days_total_is_the_daily_sum(recorded):
    chunk = recorded[0]
    sums = chunk.daily_sums.set_index("day")
    totals = chunk.series.groupby(["variable", "day"], observed=True)["value"].sum().unstack(0)
    np.testing.assert_array_equal(totals["ceasefire_in_force"].to_numpy(),
                                  sums["ceasefire_in_force"].to_numpy())
    assert sums["ceasefire_in_force"].max() > 30  # ceasefires do happen in this scenario
    for actor in ("russia", "usa"):  # leaders who decide on the announcement days
        np.testing.assert_array_equal(totals[f"announced.{actor}"].to_numpy(),
                                      sums[f"announced.{actor}"].to_numpy())
        assert sums[f"announced.{actor}"].diff().max() > 0
    for pair in ("trust.ukraine.russia", "trust.russia.ukraine"):
        # the daily sums round each replicate to 2**-32: the totals agree to RUNS such steps
        np.testing.assert_allclose(totals[pair].to_numpy(), sums[pair].to_numpy() / FIXED_POINT,
                                   rtol=0, atol=RUNS * 2.0**-32)


def test_counts_only_rise_and_trust_stays_a_probability(recorded):
    series = recorded[0].series
    for name in ("violations.ukraine", "violations.russia", "ceasefire_days", "agreed.ceasefire"):
        steps = series[series["variable"] == name]["value"].to_numpy().reshape(RUNS, -1)
        assert (np.diff(steps, axis=1) >= 0).all(), name
    trust = series[series["variable"].astype(str).str.startswith("trust.")]["value"]
    assert trust.between(0, 1).all() and trust.nunique() > 100


def test_a_replicate_has_the_same_series_in_any_chunk(baseline):
    names = choose_series(baseline, "trust,ceasefire,violations")
    whole = simulate_chunk(baseline, SEED, 0, 300, series=names).series
    alone = simulate_chunk(baseline, SEED, 217, 1, series=names).series
    expected = whole[whole["replicate"] == 217].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, expected)


@pytest.mark.parametrize(("asked", "expected"), [
    ("trust", ["trust.ukraine.russia", "trust.russia.ukraine"]),
    ("ceasefire", ["ceasefire_in_force", "ceasefire_days"]),
    ("violations,trust.russia.ukraine", ["trust.russia.ukraine", "violations.ukraine",
                                         "violations.russia"]),
    (["zone_open", " level.exchange "], ["level.exchange", "zone_open.ceasefire",
                                         "zone_open.exchange"]),
    ("trust,trust", ["trust.ukraine.russia", "trust.russia.ukraine"]),
])
def test_names_select_variables_in_one_order(asked, expected):
    assert choose_series(load_scenario("istanbul-2025"), asked) == tuple(expected)


def test_all_is_every_variable_and_they_follow_the_scenario():
    three = load_scenario("three-rivers-talks")
    chosen = choose_series(three, "all")
    assert chosen == tuple(series_variables(three))
    parties = three.parties
    assert len([n for n in chosen if n.startswith("trust.")]) == len(parties) * (len(parties) - 1)
    assert {f"announced.{a}" for a in three.actors} <= set(chosen)


@pytest.mark.parametrize(("asked", "hint"), [
    ("trst", "did you mean 'trust'?"),
    ("trust.ukraine.rusia", "did you mean 'trust.ukraine.russia'?"),
    ("violation", "did you mean 'violations'?"),
    ("payoff", "choose from all, ceasefire, trust"),
])
def test_an_unknown_name_is_a_one_line_error_with_a_hint(asked, hint):
    with pytest.raises(UserError) as error:
        choose_series(load_scenario("istanbul-2025"), asked)
    message = str(error.value)
    assert "\n" not in message and f"no variable '{asked}'" in message and hint in message
