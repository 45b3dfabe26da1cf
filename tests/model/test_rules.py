"""Each formula of docs/model.md §2-6, table-driven (values worked out by hand)."""

import math

import numpy as np
import pytest

from sim.model import rules


@pytest.mark.parametrize(
    ("propensity", "pull", "days", "expected"),
    [
        (0.0, 0.0, 3, 0.0),
        (1.0, 0.0, 3, 1.0),
        (0.5, 0.0, 1, 0.5),
        (0.75, 0.0, 2, 0.5),  # 1 − (1 − 0.75)^(1/2) = 0.5
        (0.15, 0.45, 1, 0.6),  # "Trump joins" pull, one day left
        (0.9, 0.5, 3, 1.0),  # clipped at 1
        (0.2, -0.5, 3, 0.0),  # clipped at 0
    ],
)
def test_announce_chance(propensity, pull, days, expected):
    assert rules.announce_chance(propensity, pull, days) == pytest.approx(expected, abs=1e-12)


def test_announce_chance_compounds_to_propensity():
    daily = rules.announce_chance(0.37, 0.0, 5)
    assert 1 - (1 - daily) ** 5 == pytest.approx(0.37, abs=1e-12)


@pytest.mark.parametrize(
    ("reservation", "tau", "exponent", "pressure", "expected"),
    [
        (0.3, 1.0, 1.0, 0.0, 0.3),  # last session: the reservation value
        (0.3, 1 / 3, 1.0, 0.0, 0.3 + 0.7 * (2 / 3)),  # linear concession
        (0.6, 1 / 3, 0.3, 0.0, 0.6 + 0.4 * (1 - (1 / 3) ** (1 / 0.3))),  # Boulware: stays high
        (0.5, 0.5, 2.0, 0.0, 0.5 + 0.5 * (1 - math.sqrt(0.5))),  # Conceder: falls early
        (0.3, 1.0, 1.0, 0.05, 0.25),  # pressure lowers it
        (0.1, 1.0, 1.0, 0.5, 0.0),  # clipped at 0
    ],
)
def test_aspiration(reservation, tau, exponent, pressure, expected):
    assert rules.aspiration(reservation, tau, exponent, pressure) == pytest.approx(expected)


def test_boulware_holds_out_longer_than_conceder():
    taus = np.array([1 / 3, 2 / 3])
    assert np.all(rules.aspiration(0.3, taus, 0.3, 0.0) > rules.aspiration(0.3, taus, 2.0, 0.0))


@pytest.mark.parametrize(
    ("scale", "present", "unforgiving", "absent", "expected"),
    [(0.1, 0.6, 0.1, 0, 0.06), (0.1, 0.6, 0.1, 1, 0.07), (0.0, 0.6, 0.1, 1, 0.0)],
)
def test_pressure(scale, present, unforgiving, absent, expected):
    assert rules.pressure(scale, present, unforgiving, absent) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("level", "position", "cost", "expected"),
    [
        (1.0, 1.0, 0.0, 1.0),
        (0.5, 1.0, 0.0, 0.5),
        (0.2, 0.2, 0.75, 1 - 0.15),  # Russia's baseline ceasefire cost at its own position
        (1.0, 0.2, 0.75, 0.0),  # clipped at 0
    ],
)
def test_utility(level, position, cost, expected):
    assert rules.utility(level, position, cost) == pytest.approx(expected)


def test_ceasefire_cost():
    assert rules.ceasefire_cost(0.3, 0.5, 0.1) == pytest.approx(0.3 + 0.5 * 0.9)


@pytest.mark.parametrize(
    ("level", "expected"),
    [(0.0, 0.05), (0.06, 0.05), (0.074, 0.05), (0.076, 0.1), (0.5, 0.5), (0.99, 1.0), (1.7, 1.0)],
)
def test_snap(level, expected):
    assert rules.snap(level) == expected


def test_grid_levels_are_exact_twentieths():
    assert rules.GRID[0] == 0.05 and rules.GRID[-1] == 1.0 and len(rules.GRID) == 20
    assert np.all(rules.snap(rules.GRID) == rules.GRID)


def test_effective_trust_with_and_without_guarantor():
    assert rules.effective_trust(0.1, 1.0) == pytest.approx(0.1)  # no guarantor
    cover = rules.guarantee_cover(0.6, 0.7, 0.7, 0.8)  # Ukraine's view of a monitoring US
    assert rules.effective_trust(0.1, cover) == pytest.approx(1 - 0.9 * (1 - 0.6 * 0.7 * 0.7 * 0.8))
    assert rules.guarantee_cover(0.6, 0.5, 0.5, 0.0) == 1.0  # no monitoring covers nothing


def test_combined_monitoring_and_detection():
    assert rules.combined_monitoring([]) == 0.0
    assert rules.combined_monitoring([0.5, 0.5]) == pytest.approx(0.75)
    assert rules.detection(0.6, 0.3, 0.0) == pytest.approx((0.6, 0.3))
    assert rules.detection(0.6, 0.3, 1.0) == pytest.approx((1.0, 0.0))


def test_violation_beliefs():
    p_r, p_o = rules.violation_beliefs(0.02, 0.2, 1.0, 0.0)
    assert p_r == pytest.approx(0.02)
    assert p_o == pytest.approx(1 - 0.98 * 0.8)
    _, deterred = rules.violation_beliefs(0.02, 0.2, 1.0, 1.0)
    assert deterred == pytest.approx(0.02)  # full expected deterrence: only accidents


def test_unmonitored_claim_carries_little_information():
    """§3 / §9: without monitors a reported violation moves trust by a ratio of at most d0/f0."""
    p_r, p_o = rules.violation_beliefs(0.02, 0.2, 1.0, 0.0)
    ratio = rules.seen_chance(p_o, 0.6, 0.3) / rules.seen_chance(p_r, 0.6, 0.3)
    assert 1 < ratio <= 0.6 / 0.3
    seen, false_alarm = rules.detection(0.6, 0.3, 0.8)
    report_r, report_o = (rules.seen_chance(p, seen, false_alarm) for p in (p_r, p_o))
    monitored = report_o / report_r
    quiet_day = (1 - report_o) / (1 - report_r)
    assert monitored > 2 * ratio  # a verified violation says much more than a claim
    # "slow to build, fast to lose" (Slovic 1993): with monitors one report outweighs
    # several quiet days (by hand: log 3.18 / |log 0.817| ≈ 5.7)
    assert math.log(monitored) > 4 * abs(math.log(quiet_day))


@pytest.mark.parametrize(
    ("trust", "lr", "lo", "expected"),
    [(0.5, 1.0, 1.0, 0.5), (0.5, 2.0, 1.0, 2 / 3), (0.1, 1.0, 2.0, 0.1 / 1.9), (0.0, 3.0, 1.0, 0.0)],
)
def test_bayes(trust, lr, lo, expected):
    assert rules.bayes(trust, lr, lo) == pytest.approx(expected)


def test_costly_signal_stages_compound_to_full_signal():
    t = 0.1
    for _ in range(3):
        t = rules.bayes_ratio(t, 1.75 ** (1 / 3))
    assert t == pytest.approx(rules.bayes_ratio(0.1, 1.75))


@pytest.mark.parametrize(
    ("trust", "building", "in_mediator", "expected"),
    [(0.1, 0.05, 0.5, 0.1 + 0.025 * 0.9), (0.1, 0.05, 0.0, 0.1), (0.1, 0.0, 1.0, 0.1), (1.0, 1.0, 1.0, 1.0)],
)
def test_mediation(trust, building, in_mediator, expected):
    assert rules.mediation(trust, building, in_mediator) == pytest.approx(expected)


def test_exit_and_stage_chances():
    assert rules.exit_chance(0.08, 0.1) == pytest.approx(0.072)
    assert rules.exit_chance(0.08, 1.0) == 0.0
    assert rules.stage_success(0.3, 0.1) == pytest.approx(0.73)
    assert rules.stage_success(0.3, 1.0) == 1.0


@pytest.mark.parametrize(("position", "cost", "delivered"), [
    (1.0, 0.0, 0.0), (0.2, 0.75, 0.0), (np.array([0.5, 1.0, 0.3]), np.array([0.224, 0.9, 0.0]),
                                         np.array([0.0, 0.25, 0.1]))])
def test_grid_utility_is_utility_at_every_grid_level_to_the_bit(position, cost, delivered):
    replicates = 3
    grid = rules.grid_utility(np.empty((20, replicates)), position, cost, delivered)
    assert grid.shape == (20, replicates)
    for r in range(replicates):
        pick = (lambda v, r=r: v[r] if np.ndim(v) else v)  # noqa: E731
        for level, x in enumerate(rules.GRID):
            assert grid[level, r] == rules.utility(float(x), pick(position), pick(cost),
                                                   pick(delivered))


def test_exchange_risk_falls_on_what_is_not_yet_delivered():
    # position 1, cost 0.3 per unit at risk: 0.8 agreed-to total with 0.5 delivered
    assert rules.utility(0.8, 1.0, 0.3, 0.5) == pytest.approx(0.8 - 0.3 * 0.3)
    assert rules.exchange_cost(0.25, 0.4) == pytest.approx(0.15)
    assert rules.custody_cover(0.5, 0.6) == pytest.approx(0.7)
    assert rules.exchange_guarantee_cover(0.6, 0.5, 0.5) == pytest.approx(0.85)
    assert rules.stage_signal(1.75, 0.75, 3) == pytest.approx(1.75 ** 0.25)
    assert rules.next_level(0.0) == 0.05 and rules.next_level(0.75) == 0.8
    assert rules.next_level(1.0) == 1.0


def test_zone_floor():
    margins = np.array([[-1.0, 0.0, 0.5], [-np.inf, -0.1, 0.2], [-1.0, -1.0, -1.0]]).T
    assert rules.zone_floor(margins).tolist() == [1, 2, 0]  # one column per replicate
