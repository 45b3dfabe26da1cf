"""The model's formulas as pure functions (docs/model.md §2-6).

Each function works on numpy arrays (one entry per replicate) and on plain floats alike, so
the ensemble engine and the one-replicate reference model compute every number with the
same arithmetic. Nothing here imports Mesa or draws random numbers.
"""

from __future__ import annotations

import numpy as np

GRID = np.arange(1, 21) / 20.0
"""Proposal and agreement levels 0.05, 0.10, …, 1.00 (§4)."""


def announce_chance(propensity, follows_pull, days: int):
    """Daily chance that an undecided leader announces (§2).

    ``p = clip(propensity + Σ follows·announced, 0, 1)`` is spread over the ``days``
    announcement days as ``1 − (1 − p)^(1/days)``, so that with nobody to follow the leader
    comes with probability exactly ``propensity``.
    """
    p = np.clip(propensity + follows_pull, 0.0, 1.0)
    return 1.0 - (1.0 - p) ** (1.0 / days)


def aspiration(reservation, tau, exponent, pressure):
    """Lowest utility a party accepts at session ``τ = s/S`` (§5, Faratin et al. 1998).

    ``a = r + (1 − r)(1 − τ^(1/e)) − pressure``, clipped to 0–1: starts near 1 and falls to the
    reservation value at the last session; e < 1 concedes late (Boulware), e > 1 early.
    """
    return np.clip(reservation + (1.0 - reservation) * (1.0 - tau ** (1.0 / exponent)) - pressure,
                   0.0, 1.0)


def pressure(scale, leverage_present, leverage_unforgiving, absent):
    """Pressure on a party's aspiration from third parties whose leaders attend (§5).

    Args:
        scale: ``pressure_scale``.
        leverage_present: ``Σ_k present_k · leverage_k`` over mediators and guarantors.
        leverage_unforgiving: ``Σ_k present_k · leverage_k · (1 − forgiveness_k)``.
        absent: 1 where this party's leader stayed away while another party's came.
    """
    return scale * (leverage_present + leverage_unforgiving * absent)


def utility(level, position, cost=0.0, delivered=0.0):
    """A party's utility for ``level`` of an issue (§4), clipped to 0–1.

    ``u = 1 − |x − position| − cost·(x − delivered)``: the cost falls on the part of the level
    not yet delivered. For a ceasefire ``cost = momentum + exposure·(1 − T_eff)`` and nothing is
    delivered before it starts; for an exchange ``cost = exchange_exposure·(1 − T_x)`` and
    ``delivered`` is the share of an all-for-all exchange its completed stages have already
    delivered (that part can no longer be withheld); 0 and 0 for a generic issue.
    """
    return np.clip(1.0 - np.abs(level - position) - cost * (level - delivered), 0.0, 1.0)


def grid_utility(out, position, cost=0.0, delivered=0.0):
    """:func:`utility` at every grid level, written into ``out`` (one row per grid level, one
    column per replicate; parameters of shape (replicates,) or scalars) and returned. The same
    arithmetic in the same order (a test checks it equals ``utility``), computed in place and
    with the replicates along the contiguous axis, because these (20, replicates) arrays are
    the largest the engine makes."""
    value = out
    np.subtract(GRID[:, None], delivered, out=value)  # x − delivered
    np.multiply(value, cost, out=value)  # cost·(x − delivered)
    np.subtract(1.0 - np.abs(GRID[:, None] - position), value, out=value)
    return np.clip(value, 0.0, 1.0, out=value)


def ceasefire_cost(momentum, exposure, effective_trust):
    """Cost per unit of ceasefire scope: fighting on pays (momentum), being cheated hurts."""
    return momentum + exposure * (1.0 - effective_trust)


def exchange_cost(exchange_exposure, exchange_trust):
    """Cost per unit of an exchange still to be delivered: the risk that the other side stalls
    or reneges on later stages, ``exchange_exposure·(1 − T_x)`` (§4; Kydd 2000)."""
    return exchange_exposure * (1.0 - exchange_trust)


def next_level(agreed):
    """The lowest grid level above the level already agreed: a further tranche of an
    exchange must add at least one grid step (§4.5)."""
    return np.minimum(np.rint(agreed * 20.0) + 1.0, 20.0) / 20.0


def snap(level):
    """Nearest grid level, 0.05 … 1 (§4)."""
    return np.clip(np.round(level * 20.0), 1.0, 20.0) / 20.0


def guarantee_cover(trust_in_guarantor, credibility, enforcement, monitoring):
    """Share of a counterpart's risk a guarantor does NOT cover: ``1 − t·c·e·m`` (§3)."""
    return 1.0 - trust_in_guarantor * credibility * enforcement * monitoring


def custody_cover(trust_in_mediator, custody):
    """Share of the exchange's risk a mediator holding it does NOT take over: ``1 − t·custody``
    (§3.7): prisoners pass through its hands, as far as the party trusts it."""
    return 1.0 - trust_in_mediator * custody


def exchange_guarantee_cover(trust_in_guarantor, credibility, enforcement):
    """Share of the exchange's risk a guarantor does NOT cover: ``1 − t·c·e`` (§3). A swap is
    public (the prisoners come home or they do not), so no monitoring is needed to see it."""
    return 1.0 - trust_in_guarantor * credibility * enforcement


def effective_trust(trust, uncovered):
    """``T_eff = 1 − (1 − trust)·Π_g uncovered_g`` (§3): a guarantor covers what it can see."""
    return 1.0 - (1.0 - trust) * uncovered


def combined_monitoring(monitorings):
    """``m = 1 − Π(1 − m_g)`` over guarantors (§2)."""
    m = 1.0
    for mg in monitorings:
        m = m * (1.0 - mg)
    return 1.0 - m


def detection(d0, f0, monitoring):
    """Chance of seeing a real violation and of a false alarm, per unit of scope (§3)."""
    return d0 + (1.0 - d0) * monitoring, f0 * (1.0 - monitoring)


def violation_beliefs(accident, violation_rate, scope, expected_deterrence):
    """What an observer takes P(j violates today) to be for each type of j (§3).

    Returns ``(reciprocating, opportunistic)``: ``accident·scope`` and
    ``1 − (1 − accident·scope)(1 − violation_rate·scope·(1 − D̂))``.
    """
    p_r = accident * scope
    return p_r, 1.0 - (1.0 - p_r) * (1.0 - violation_rate * scope * (1.0 - expected_deterrence))


def seen_chance(p_violate, seen, false_alarm):
    """P(a violation is reported) when the counterpart violates with probability p_violate."""
    return p_violate * seen + (1.0 - p_violate) * false_alarm


def bayes(trust, likelihood_reciprocating, likelihood_opportunistic):
    """Posterior that the counterpart is a reciprocating type (§3, Kydd 2000)."""
    num = trust * likelihood_reciprocating
    return num / (num + (1.0 - trust) * likelihood_opportunistic)


def bayes_ratio(trust, ratio):
    """Posterior after evidence with likelihood ratio ``ratio`` in favour of reciprocity."""
    return bayes(trust, ratio, 1.0)


def mediation(trust, trust_building, trust_in_mediator):
    """``trust += trust_building · trust_in_mediator · (1 − trust)`` (§3, Kydd 2003, 2006)."""
    return trust + trust_building * trust_in_mediator * (1.0 - trust)


def exit_chance(exit_rate, effective_trust):
    """After observing a violation: chance of declaring the ceasefire over (§6)."""
    return exit_rate * (1.0 - effective_trust)


def stage_success(stall, exchange_trust):
    """Chance an exchange stage completes: ``1 − stall·(1 − T_x)`` (§6), with the exchange's
    effective trust of the least trusting party."""
    return 1.0 - stall * (1.0 - exchange_trust)


def stage_signal(signal_strength, tranche, stages):
    """Likelihood ratio of one completed stage of a tranche of size ``tranche``:
    ``signal_strength^(tranche/stages)``, so that a whole all-for-all exchange, in any number of
    tranches, carries ``signal_strength`` (§3): a bigger swap is a costlier signal (Kydd 2005)."""
    return signal_strength ** (tranche / stages)


def zone_floor(margins):
    """The lowest grid index where every party's margin ``u − a`` is at least 0 (0 where there
    is none): the bottom of the zone of agreement without noise (§5.7). ``margins`` has one row
    per grid level, one column per replicate (−inf where a level is not on offer)."""
    return np.argmax(margins >= 0.0, axis=0)
