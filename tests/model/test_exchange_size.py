"""Exchange size bargained against distrust, and repeated exchanges (tranches): issue 10.

Ensemble facts with fixed seeds: a difference "shows" when it exceeds Z = 4 standard errors
of the difference (a false failure has probability below 1e-4 per comparison). The
independent oracle at the end works the formulas of docs/model.md out by hand, without
importing ``sim.model.rules``, on scenarios where nothing is random.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scenario_variants import baseline_dict, build

from sim.model import NegotiationModel, simulate_chunk
from sim.model.outcomes import daily_means

N = 20_000
SEED = 20250514
Z = 4.0


def run(data: dict, n: int = N):
    return simulate_chunk(build(data), SEED, 0, n).replicates


def mutual_trust(value: float) -> dict:
    d = baseline_dict()
    d["trust"]["ukraine"]["russia"] = d["trust"]["russia"]["ukraine"] = value
    return d


def assert_mean_rises(low, high) -> None:
    """Mean of ``high`` exceeds mean of ``low`` by more than Z standard errors."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    se = math.sqrt(low.var(ddof=1) / low.size + high.var(ddof=1) / high.size)
    assert high.mean() - low.mean() > Z * se, (low.mean(), high.mean(), se)


def agreed_levels(r):
    return r.loc[r["agreed.exchange"], "level.exchange"]


# -- ensemble facts --------------------------------------------------------------------------


def test_more_trust_bigger_exchanges():
    """Distrust prices the exchange's undelivered part (docs/model.md §2): with more prior
    trust, more exchanges are agreed and the agreed total level is larger."""
    distrust, trust = run(mutual_trust(0.0)), run(mutual_trust(0.9))
    assert_mean_rises(agreed_levels(distrust), agreed_levels(trust))
    assert_mean_rises(distrust["agreed.exchange"], trust["agreed.exchange"])
    assert_mean_rises(distrust["exchanged_share"], trust["exchanged_share"])


def test_a_mediator_holding_the_exchange_makes_it_bigger():
    """Custody (Türkiye or the UAE holding the exchange, issue 10) tops up the parties' trust
    for the exchange as far as they trust the mediator (docs/model.md §3)."""
    held = baseline_dict()
    held["actors"]["turkey"]["custody"] = 0.8
    plain, custody = run(baseline_dict()), run(held)
    assert_mean_rises(agreed_levels(plain), agreed_levels(custody))
    assert_mean_rises(plain["agreed.exchange"], custody["agreed.exchange"])


def test_custody_acts_only_as_far_as_the_mediator_is_trusted():
    """A mediator nobody trusts holds the exchange in vain: identical records."""
    untrusted = baseline_dict()
    untrusted["trust"]["ukraine"]["turkey"] = untrusted["trust"]["russia"]["turkey"] = 0.0
    held = baseline_dict()
    held["trust"]["ukraine"]["turkey"] = held["trust"]["russia"]["turkey"] = 0.0
    held["actors"]["turkey"]["custody"] = 1.0
    assert run(untrusted, 3000).equals(run(held, 3000))


def test_later_tranches_follow_completed_stages_more_often_than_stalled_ones():
    """Graduated reciprocation (Osgood 1962) through costly signals (Kydd 2005): among
    histories that agreed an exchange at the first session (day 0), a further tranche is
    agreed at the second session (day 14) more often when the first stage (day 7) was
    completed than when it stalled. Conceders (e = 3 on the exchange) agree on day 0 often,
    which gives both groups enough histories."""
    d = baseline_dict()
    for party in ("ukraine", "russia"):
        d["actors"][party]["concession"]["exchange"] = 3.0
    model = NegotiationModel(build(d), seed=SEED, replicates=N)
    while model.day <= 7:
        model.step()
    first_at_day_0 = model.agreed["exchange"] & (model.agreed_day["exchange"] == 0)
    completed = first_at_day_0 & (model.stages_done["exchange"] == 1)
    stalled = first_at_day_0 & (model.stages_done["exchange"] == 0)
    while model.day <= 14:
        model.step()
    second = model.tranches["exchange"] >= 2
    assert completed.sum() > 500 and stalled.sum() > 200  # both groups are large
    assert_mean_rises(second[stalled], second[completed])


def test_tranches_add_up_to_the_total_level():
    r = run(baseline_dict(), 5000)
    agreed = r["agreed.exchange"]
    assert ((r["tranches.exchange"] > 0) == agreed).all()
    assert (r["tranches.exchange"] <= 3).all()  # at most one per session
    assert (r.loc[r["tranches.exchange"] > 1, "level.exchange"] >= 0.1 - 1e-12).all()
    assert (r["tranches.exchange"] > 1).mean() > 0.05  # tranches happen in the baseline
    assert (r["exchanged_share"] <= r["level.exchange"] + 1e-12).all()
    assert ((r["tranches.ceasefire"] > 0) == r["agreed.ceasefire"]).all()
    assert (r["tranches.ceasefire"] <= 1).all()  # a ceasefire is agreed once


def test_opens_after_is_met_by_the_first_tranche():
    """'Exchange first': the ceasefire comes to the table at the first session after the
    exchange's FIRST agreement, whatever tranches follow."""
    d = baseline_dict()
    d["issues"]["ceasefire"]["opens_after"] = "exchange"
    r = run(d, 5000)
    cease = r["agreed.ceasefire"]
    assert cease.any()
    assert (r.loc[cease, "day.ceasefire"] > r.loc[cease, "day.exchange"]).all()
    never = ~r["agreed.exchange"] & (r["outcome"] != "no_talks")
    assert (r.loc[never, "reason.ceasefire"] == "not_opened").all()


# -- an independent oracle: the formulas worked out by hand -------------------------------


def one_session_exchange(*, exposure: float, custody: float, russia_reservation: float,
                         putin: str = "always", russia_mandate: float = 1.0) -> dict:
    """One session (τ = 1: aspiration = reservation), no pressure (no leverage), a mediator
    that always finds the maximin level (skill 1), no decision noise: nothing is random
    before the first agreement, so every replicate agrees (or not) identically."""
    party = {"role": "party", "attendance": {"mode": "always"}, "concession": 1.0,
             "exchange_exposure": exposure}
    return {
        "title": "Oracle", "calendar": {"sessions": 1},
        "talks": {"decision_noise": 0.0},
        "issues": {"exchange": {"label": "Exchange", "kind": "exchange"}},
        "actors": {
            "ukraine": {**party, "name": "Ukraine", "leader": "Z", "mandate": {"exchange": 1.0},
                        "positions": {"exchange": 1.0}, "reservation": {"exchange": 0.5}},
            "russia": {**party, "name": "Russia", "leader": "P",
                       "attendance": {"mode": putin}, "mandate": {"exchange": russia_mandate},
                       "positions": {"exchange": 0.5},
                       "reservation": {"exchange": russia_reservation}},
            "turkey": {"role": "mediator", "name": "Türkiye", "leader": "E",
                       "attendance": {"mode": "always"}, "skill": 1.0, "leverage": 0.0,
                       "trust_building": 0.0, "custody": custody},
        },
        "trust": {"ukraine": {"russia": 0.2, "turkey": 0.6},
                  "russia": {"ukraine": 0.2, "turkey": 0.6}},
    }


def by_hand(exposure: float, custody: float, russia_reservation: float) -> dict:
    """docs/model.md §2, §3, §5 by hand. T_x = 1 − (1 − 0.2)(1 − 0.6·custody); an exchange
    level x costs exposure·(1 − T_x)·x; u = 1 − |x − position| − cost; a level is in the
    zone when u ≥ reservation for both; the mediator proposes the grid level with the
    largest smallest margin u − a."""
    trust_x = 1 - (1 - 0.2) * (1 - 0.6 * custody)
    cost = exposure * (1 - trust_x)
    grid = [k / 20 for k in range(1, 21)]
    margins = {x: min(1 - abs(x - 1.0) - cost * x - 0.5,
                      1 - abs(x - 0.5) - cost * x - russia_reservation) for x in grid}
    zone = [x for x in grid if margins[x] >= 0]
    best = max(grid, key=lambda x: margins[x])
    return {"zone": zone, "best": best, "gaps": {
        "ukraine": 0.5 - (1 - abs(best - 1.0) - cost * best),
        "russia": russia_reservation - (1 - abs(best - 0.5) - cost * best)}}


@pytest.mark.parametrize(("exposure", "custody", "reservation", "zone", "agreed_at"), [
    # T_x = 0.44, cost 0.224: Ukraine needs 0.776x ≥ 0.5 (x ≥ 0.645), Russia
    # 1.5 − 1.224x ≥ 0.5 (x ≤ 0.817); margins cross at 0.75 (0.082 each)
    (0.4, 0.5, 0.5, [0.65, 0.70, 0.75, 0.80], 0.75),
    # T_x = 0.2, cost 0.4: Ukraine needs x ≥ 0.834, Russia 1.5 − 1.4x ≥ 0.45 (x ≤ 0.75)
    (0.5, 0.0, 0.45, [], None),
    # the same with Türkiye holding half the exchange: T_x = 0.44, cost 0.28: Ukraine needs
    # 0.72x ≥ 0.5 (x ≥ 0.695), Russia x ≤ 0.820; maximin at 0.75 (margins 0.04, 0.09)
    (0.5, 0.5, 0.45, [0.70, 0.75, 0.80], 0.75),
])
def test_oracle_zone_and_agreement_by_hand(exposure, custody, reservation, zone, agreed_at):
    hand = by_hand(exposure, custody, reservation)
    assert hand["zone"] == pytest.approx(zone)  # the worked numbers in the comments
    scenario = build(one_session_exchange(exposure=exposure, custody=custody,
                                          russia_reservation=reservation))
    chunk = simulate_chunk(scenario, SEED, 0, 200)
    r, daily = chunk.replicates, daily_means(chunk.daily_sums, 200)
    day_0 = daily.loc[daily["day"] == 0, "zone_open.exchange"].item()
    assert day_0 == (1.0 if zone else 0.0)
    assert (daily.loc[daily["day"] != 0, "zone_open.exchange"] == 0).all()
    if agreed_at is not None:
        assert hand["best"] == agreed_at
        assert (r["level.exchange"] == agreed_at).all() and (r["day.exchange"] == 0).all()
        assert (r["reason.exchange"] == "agreed").all() and r["blocker.exchange"].isna().all()
    else:
        assert not r["agreed.exchange"].any()
        assert (r["reason.exchange"] == "no_overlap").all()
        blocker = max(hand["gaps"], key=hand["gaps"].get)  # Ukraine: 0.05 short at 0.75
        assert hand["best"] == 0.75 and blocker == "ukraine"
        assert (r["blocker.exchange"] == blocker).all()


def test_oracle_no_mandate_by_hand():
    """Putin stays away and his delegation may agree at most 0.5: the zone by utility is
    0.70–0.80 (as above), all beyond the mandate: no_mandate, Russia blocks."""
    scenario = build(one_session_exchange(exposure=0.5, custody=0.5, russia_reservation=0.45,
                                          putin="never", russia_mandate=0.5))
    r = simulate_chunk(scenario, SEED, 0, 200).replicates
    assert not r["agreed.exchange"].any()
    assert (r["reason.exchange"] == "no_mandate").all()
    assert (r["blocker.exchange"] == "russia").all()
