"""Each party's acceptable range (docs/model.md §5.8): an independent oracle, the interval
property, and agreement with the zone of agreement and with the reference model, replicate by
replicate.

The oracle works the formulas out by hand, without importing ``sim.model.rules``, on a
scenario where nothing about the ranges is random.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scenario_variants import build

from sim.model import NegotiationModel, simulate_chunk
from sim.model.outcomes import daily_means
from sim.model.ranges import LEVELS, RangeTally, ends, grid_quantile, range_table
from sim.report.trace import trace
from sim.scenario.loader import load_scenario, shipped_scenarios

SEED = 20250514


def memo_talks() -> dict:
    """Two sessions (τ = 1/2, then 1), one generic issue (u = 1 − |x − position|), concession
    exponent 1, no pressure (no leverage), no decision noise, a mediator that always proposes
    the maximin level. Alpha's leader never comes and its delegation may agree up to 0.5."""
    party = {"role": "party", "concession": 1.0}
    return {
        "title": "Ranges oracle", "calendar": {"sessions": 2},
        "talks": {"decision_noise": 0.0},
        "issues": {"memo": {"label": "Memorandum", "kind": "generic"}},
        "actors": {
            "alpha": {**party, "name": "Alpha", "leader": "A", "attendance": {"mode": "never"},
                      "mandate": {"memo": 0.5}, "positions": {"memo": 0.5},
                      "reservation": {"memo": 0.56}},
            "beta": {**party, "name": "Beta", "leader": "B", "attendance": {"mode": "always"},
                     "mandate": {"memo": 1.0}, "positions": {"memo": 0.95},
                     "reservation": {"memo": 0.53}},
            "host": {"role": "mediator", "name": "Host", "leader": "H",
                     "attendance": {"mode": "always"}, "skill": 1.0, "leverage": 0.0,
                     "trust_building": 0.0},
        },
        "trust": {"alpha": {"beta": 0.5, "host": 0.5}, "beta": {"alpha": 0.5, "host": 0.5}},
    }


def by_hand(position: float, reservation: float, tau: float, mandate: float) -> tuple:
    """docs/model.md §5.2 and §5.8 by hand: a = r + (1 − r)(1 − τ); a grid level k/20 is
    acceptable when 1 − |k/20 − position| ≥ a; returned: (low, high) with the leader and
    within the mandate (None when empty)."""
    a = reservation + (1 - reservation) * (1 - tau)
    levels = [k / 20 for k in range(1, 21) if 1 - abs(k / 20 - position) >= a]
    within = [x for x in levels if x <= mandate]
    return ((levels[0], levels[-1]) if levels else None,
            (within[0], within[-1]) if within else None)


# The worked numbers:
# session 1 (τ = 1/2): alpha a = 0.56 + 0.44/2 = 0.78, |x − 0.5| ≤ 0.22: 0.30–0.70, within
#   0.5: 0.30–0.50; beta a = 0.53 + 0.47/2 = 0.765, |x − 0.95| ≤ 0.235: 0.75–1.00. No overlap.
# session 2 (τ = 1): alpha a = 0.56, |x − 0.5| ≤ 0.44: 0.10–0.90, within 0.5: 0.10–0.50;
#   beta a = 0.53, |x − 0.95| ≤ 0.47: 0.50–1.00. Alpha's delegation and beta meet at 0.50.
# The maximin level (min of 0.22 − |x − 0.5|, 0.235 − |x − 0.95|; then 0.44 − |x − 0.5|,
#   0.47 − |x − 0.95|) is 0.70 both times: beyond alpha's mandate, so it is refused.
EXPECTED = {
    (0, "alpha"): ((0.30, 0.70), (0.30, 0.50)), (0, "beta"): ((0.75, 1.00), (0.75, 1.00)),
    (14, "alpha"): ((0.10, 0.90), (0.10, 0.50)), (14, "beta"): ((0.50, 1.00), (0.50, 1.00)),
}


def test_the_worked_numbers_are_the_formulas():
    for (day, party), expected in EXPECTED.items():
        spec = memo_talks()["actors"][party]
        tau = 0.5 if day == 0 else 1.0
        got = by_hand(spec["positions"]["memo"], spec["reservation"]["memo"], tau,
                      spec["mandate"]["memo"])
        assert got == (pytest.approx(expected[0]), pytest.approx(expected[1]))


def test_oracle_ranges_by_hand():
    """The engine's ranges.csv and the trace's ranges equal the hand-computed ones; the zone
    opens at the second session only, where alpha's delegation and beta meet at 0.50; the
    proposal is 0.70 twice and never accepted."""
    scenario = build(memo_talks())
    chunk = simulate_chunk(scenario, SEED, 0, 200)
    table = range_table(chunk.range_sums, 200)
    value = table.set_index(["day", "issue", "series", "party", "leader", "metric"])["value"]
    for (day, party), (present, absent) in EXPECTED.items():
        for leader, ends_ in (("present", present), ("absent", absent)):
            assert value[(day, "memo", "range", party, leader, "acceptable")] == 1.0
            assert value[(day, "memo", "range", party, leader, "low")] == pytest.approx(ends_[0])
            assert value[(day, "memo", "range", party, leader, "high")] == pytest.approx(ends_[1])
    for day in (0, 14):
        assert value[(day, "memo", "proposal", "", "", "made")] == 1.0
        assert value[(day, "memo", "proposal", "", "", "median")] == pytest.approx(0.70)
        assert value[(day, "memo", "proposal", "", "", "accepted")] == 0.0
        assert np.isnan(value[(day, "memo", "proposal", "", "", "accepted_median")])
    daily = daily_means(chunk.daily_sums, 200).set_index("day")["zone_open.memo"]
    assert (daily[0], daily[14]) == (0.0, 1.0)
    told = [e.numbers for e in trace(scenario, SEED, 0).events if e.kind == "ranges"]
    for numbers, day in zip(told, (0, 14), strict=True):
        for party in ("alpha", "beta"):
            for leader, ends_ in zip(("present", "absent"), EXPECTED[(day, party)], strict=True):
                got = (numbers[f"ranges.{party}.{leader}.low"],
                       numbers[f"ranges.{party}.{leader}.high"])
                assert got == pytest.approx(ends_)


# -- the interval property (docs/model.md §5.8) ---------------------------------------------


class CheckedTally(RangeTally):
    """Counts, for every range the engine records, the acceptable levels (``u − a ≥ 0``)
    and how many of them lie outside the low–high span, found with ``argmax`` (not with
    the engine's ``ends``)."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.ranges_seen = self.gaps = self.nonempty = 0

    def add_range(self, session, issue, party, margin, offered_from, mandate) -> None:
        acceptable = (margin >= 0.0) & (np.arange(LEVELS)[:, None] >= offered_from)
        some = acceptable.any(axis=0)
        low = np.argmax(acceptable, axis=0)
        high = LEVELS - 1 - np.argmax(acceptable[::-1], axis=0)
        span = np.where(some, high - low + 1, 0)
        self.gaps += int((span - acceptable.sum(axis=0)).sum())
        self.ranges_seen += margin.shape[1]
        self.nonempty += int(some.sum())
        super().add_range(session, issue, party, margin, offered_from, mandate)


@pytest.mark.parametrize("name", shipped_scenarios())
def test_every_acceptable_set_is_an_interval(name):
    """Concave utility: no acceptable set on the grid has a gap, in any shipped scenario."""
    scenario = load_scenario(name)
    model = NegotiationModel(scenario, seed=SEED, replicates=2000)
    model.range_tally = CheckedTally(scenario.calendar.sessions, model.issue_ids,
                                     [p.key for p in model.parties], model.replicates)
    model.run()
    tally = model.range_tally
    if tally.ranges_seen == 0:  # a boycott: no talks, no ranges
        assert not model.talks_held.any()
        return
    assert tally.nonempty > 0
    assert tally.gaps == 0


def test_ends_are_the_minimum_and_maximum_even_with_gaps():
    """``ends`` does not rely on the interval property: a set with gaps gets its min and max."""
    acceptable = np.zeros((LEVELS, 4), dtype=bool)
    acceptable[[2, 7, 11], 0] = True  # gaps
    acceptable[5, 1] = True  # one level
    acceptable[:, 3] = True  # all
    low, high = ends(acceptable, np.empty((LEVELS, 4), dtype=np.int8))
    assert low.tolist()[:2] == [2, 5] and high.tolist()[:2] == [11, 5]
    assert low[2] > high[2]  # none
    assert (low[3], high[3]) == (0, LEVELS - 1)
    low, high = ends(acceptable[:6], np.empty((LEVELS, 4), dtype=np.int8))  # a mandate of 0.30
    assert (low[0], high[0], low[1], high[1]) == (2, 2, 5, 5)


def test_grid_quantiles_count_levels():
    counts = np.zeros(LEVELS, dtype=np.int64)
    counts[[3, 7, 13]] = [10, 80, 10]  # levels 0.20, 0.40, 0.70
    assert [grid_quantile(counts, q) for q in (0.1, 0.5, 0.9)] == pytest.approx([0.2, 0.4, 0.4])
    assert grid_quantile(counts, 0.91) == pytest.approx(0.7)
    assert np.isnan(grid_quantile(np.zeros(LEVELS), 0.5))


# -- the zone is where the ranges that apply overlap; the reference model agrees -----------


def with_no_decision_noise(name: str):
    d = load_scenario(name).model_dump(mode="json")
    d["talks"]["decision_noise"] = 0.0
    return build(d)


def one_by_one(scenario, first: int, count: int):
    """Each replicate alone (chunks of one): its range sums are its own ranges."""
    for k in range(first, first + count):
        chunk = simulate_chunk(scenario, SEED, k, 1)
        yield k, chunk.replicates.iloc[0], chunk.range_sums, daily_means(chunk.daily_sums, 1)


def own_range(sums: dict, party: str, leader: str) -> tuple[int, int] | None:
    if sums[f"range.{party}.{leader}.acceptable"] == 0:
        return None
    return int(sums[f"range.{party}.{leader}.low"]), int(sums[f"range.{party}.{leader}.high"])


@pytest.mark.parametrize("name", ["istanbul-2025", "putin-and-trump-attend", "us-monitoring"])
def test_the_zone_is_open_exactly_where_the_ranges_that_apply_overlap(name):
    """Replicate by replicate, at every session and issue: zone_open (daily.csv) is 1 iff the
    ranges that apply (with the leader if it came, else the delegation's) all meet; and the
    reference model (negsim trace) tells the same ranges."""
    scenario = with_no_decision_noise(name)
    parties = sorted(p for p, a in scenario.actors.items() if a.role == "party")
    opened = shut = 0
    for k, record, sums, daily in one_by_one(scenario, 0, 60):
        told = {(e.day, e.numbers["issue"]): e.numbers
                for e in trace(scenario, SEED, k).events if e.kind == "ranges"}
        for row in sums.to_dict(orient="records"):
            if row["on_table"] == 0:
                assert (row["day"], row["issue"]) not in told
                continue
            applying = [own_range(row, p, "present" if record[f"attended.{p}"]
                                  else "absent") for p in parties]
            meet = all(r is not None for r in applying) and (
                max(r[0] for r in applying) <= min(r[1] for r in applying))
            zone = daily.loc[daily["day"] == row["day"], f"zone_open.{row['issue']}"].item()
            assert zone == (1.0 if meet else 0.0), (k, row["day"], row["issue"])
            opened, shut = opened + meet, shut + (not meet)
            numbers = told[(row["day"], row["issue"])]
            for p in parties:
                for leader in ("present", "absent"):
                    mine = own_range(row, p, leader)
                    theirs = numbers[f"ranges.{p}.{leader}.low"]
                    assert (mine is None) == (theirs is None)
                    if mine is not None:
                        assert (mine[0] + 1) / 20 == pytest.approx(theirs)
                        assert (mine[1] + 1) / 20 == pytest.approx(
                            numbers[f"ranges.{p}.{leader}.high"])
    assert opened > 0 and shut > 0  # both cases were seen


def test_the_ranges_change_no_draw_and_no_result():
    """Recording ranges reads what the engine computes anyway: without the tally the
    replicate table is the same (a model whose tally records nothing)."""

    class Silent(RangeTally):
        def add_range(self, *args) -> None:
            pass

        def add_proposals(self, *args) -> None:
            pass

    scenario = load_scenario("istanbul-2025")
    plain = simulate_chunk(scenario, SEED, 0, 3000).replicates
    model = NegotiationModel(scenario, seed=SEED, replicates=3000)
    model.range_tally = Silent(scenario.calendar.sessions, model.issue_ids,
                               [p.key for p in model.parties], 3000)
    model.run()
    pd.testing.assert_frame_equal(plain, model.outcomes())
    assert not model.range_tally.ranges.any()
