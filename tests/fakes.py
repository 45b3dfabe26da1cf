"""A stand-in for the engine (the ``engine`` fixtures choose it or the real one).

``simulate_chunk`` here has the engine's signature and returns a correctly shaped
:class:`~sim.model.outcomes.Chunk` whose every value is a pure function of
``(seed, replicate index)`` (a SplitMix64 hash, like the keyed draws of docs/model.md §8). It
knows no negotiation rules: it exists so that the experiment and results layers can be tested
on their own, and it keeps the property they rely on, that a replicate does not depend on the
chunk it is simulated in.

The ``engine`` fixture (``tests/conftest.py``) runs a test once with this fake (id ``fake``)
and, once ``sim.model.simulate_chunk`` exists, once more with the real engine (id ``real``);
the test passes it to negsim as the ``engine`` argument (or in the command line's
``Machinery``); ``fake_engine`` gives the fake only.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.model.outcomes import ENDINGS, FIXED_POINT, OUTCOMES, REASONS, Chunk
from sim.scenario.config import Scenario

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "istanbul-2025.yaml"


def baseline_scenario() -> Scenario:
    """The shipped baseline, read without the loader (it has no ``extends``)."""
    scenario = Scenario.model_validate(yaml.safe_load(BASELINE.read_text(encoding="utf-8")))
    return scenario.with_source(str(BASELINE), "istanbul-2025")


def real_engine_available() -> bool:
    """Whether ``sim.model.simulate_chunk`` (the lead's engine) imports."""
    try:
        from sim.model import simulate_chunk as real
    except Exception:  # not written yet, or broken mid-edit: test the fake only
        return False
    return real.__module__ != __name__


ENGINES = ["fake"] + (["real"] if real_engine_available() else [])
"""The engines the ``engine`` fixture (``tests/conftest.py``) runs a test with."""


# -- the fake ----------------------------------------------------------------------------

_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser (wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


def _uniform(seed: int, replicates: np.ndarray, purpose: str) -> np.ndarray:
    """A float in [0, 1) per replicate, keyed by (seed, replicate, purpose)."""
    key = int.from_bytes(purpose.encode()[:8].ljust(8, b"\0"), "little") ^ len(purpose)
    with np.errstate(over="ignore"):
        base = _mix(np.array([seed ^ key], dtype=np.uint64) + _GOLDEN)
        bits = _mix(base ^ _mix(replicates.astype(np.uint64) * _GOLDEN))
    return (bits >> np.uint64(11)).astype(np.float64) / 2.0**53


def simulate_chunk(scenario: Scenario, seed: int, first_replicate: int, count: int) -> Chunk:
    """Fake engine: deterministic per (seed, replicate), shaped like the real one."""
    index = np.arange(first_replicate, first_replicate + count, dtype=np.int64)

    def u(purpose: str) -> np.ndarray:
        return _uniform(seed, index, purpose)

    columns, parties = {"replicate": index}, scenario.parties
    attended = {a: u(f"att{a}") < 0.6 for a in scenario.actors}
    leaders_met = np.logical_and.reduce([attended[p] for p in parties])
    no_talks = u("talks") < 0.05
    agreed = {k: (u(f"agr{k}") < 0.5) & ~no_talks for k in scenario.issues}
    level = {k: np.where(agreed[k], 0.05 * np.ceil(u(f"lvl{k}") * 20), 0.0) for k in agreed}
    day = {k: np.where(agreed[k], (u(f"day{k}") * 30).astype(np.int64), -1) for k in agreed}
    ceasefire = next((k for k, i in scenario.issues.items() if i.kind == "ceasefire"), None)
    has_cf = agreed[ceasefire] if ceasefire else np.zeros(count, bool)
    horizon = scenario.calendar.horizon_days
    cf_days = np.where(has_cf, (u("cfdays") * (horizon - 30)).astype(np.int64), 0)
    exchanged = np.round(u("exch") * 4) / 4
    columns["outcome"] = pd.Categorical.from_codes(
        _outcome_codes(no_talks, agreed, has_cf, cf_days, horizon - 30), categories=OUTCOMES)
    columns |= {f"attended.{a}": v for a, v in attended.items()}
    columns["leaders_met"] = leaders_met
    columns |= {f"agreed.{k}": v for k, v in agreed.items()}
    columns |= {f"level.{k}": v for k, v in level.items()}
    columns |= {f"day.{k}": pd.arrays.IntegerArray(v, mask=v < 0) for k, v in day.items()}
    columns |= {f"tranches.{k}": agreed[k] * (1 + (u(f"trn{k}") < 0.3)) for k in agreed}
    columns |= {"ceasefire_days": cf_days, "exchanged_share": exchanged}
    columns |= {f"violations.{p}": (u(f"vio{p}") * 5).astype(np.int64) for p in parties}
    trust = {(i, j): u(f"tr{i}{j}") for i, j in itertools.permutations(parties, 2)}
    columns |= {f"trust.{i}.{j}": v for (i, j), v in trust.items()}
    columns |= {f"payoff.{p}": u(f"pay{p}") - 0.5 for p in parties}
    columns |= _reasons(u, scenario, no_talks, agreed, np.asarray(columns["outcome"]) == OUTCOMES[3])
    replicates = pd.DataFrame(columns)
    daily = _daily_sums(scenario, u, attended, day.get(ceasefire), cf_days, exchanged, trust)
    return Chunk(first_replicate, count, replicates, daily)


def _reasons(u, scenario: Scenario, no_talks, agreed, collapsed) -> dict:
    """The why-columns, shaped like the engine's: a reason per issue consistent with
    ``agreed`` and ``no_talks``, a blocker where not agreed, an ender where collapsed."""
    parties, cols = sorted(scenario.parties), {}
    for k in scenario.issues:
        other = 2 + (u(f"rsn{k}") * (len(REASONS) - 2)).astype(np.int64)
        cols[f"reason.{k}"] = pd.Categorical.from_codes(
            np.where(agreed[k], 0, np.where(no_talks, 1, other)), categories=list(REASONS))
    for k in scenario.issues:
        who = (u(f"blk{k}") * len(parties)).astype(np.int64)
        cols[f"blocker.{k}"] = pd.Categorical.from_codes(
            np.where(agreed[k] | no_talks, -1, who), categories=parties)
    who = (u("endby") * len(parties)).astype(np.int64)
    cols["ended_by"] = pd.Categorical.from_codes(np.where(collapsed, who, -1), categories=parties)
    after = (u("endafter") < 0.5).astype(np.int64)
    cols["ended_after"] = pd.Categorical.from_codes(np.where(collapsed, after, -1),
                                                    categories=list(ENDINGS))
    return cols


def _outcome_codes(no_talks, agreed, has_cf, cf_days, term) -> np.ndarray:
    any_agreed = np.logical_or.reduce(list(agreed.values()))
    codes = np.where(any_agreed, 2, 1)
    codes = np.where(has_cf, np.where(cf_days >= term, 4, 3), codes)
    return np.where(no_talks, 0, codes).astype(np.int8)


def _daily_sums(scenario, u, attended, cf_start, cf_days, exchanged, trust) -> pd.DataFrame:
    cal = scenario.calendar
    days = np.arange(-cal.announcement_days, cal.horizon_days)[:, None]
    out = {"day": days[:, 0].astype(np.int64)}
    if cf_start is not None:
        in_force = (cf_start >= 0) & (days >= cf_start) & (days < cf_start + cf_days)
    else:
        in_force = np.zeros((len(days), 1), bool)
    out["ceasefire_in_force"] = in_force.sum(axis=1).astype(np.int64)
    progress = np.clip((days + 1) / cal.horizon_days, 0, 1)
    out["exchanged_share"] = _fixed(exchanged * progress)
    for (i, j), v in trust.items():
        out[f"trust.{i}.{j}"] = _fixed(np.broadcast_to(v, (len(days), len(v))) * progress)
    for a, came in attended.items():
        announce_day = -(u(f"ann{a}") * cal.announcement_days).astype(np.int64) - 1
        out[f"announced.{a}"] = (came & (days >= announce_day)).sum(axis=1).astype(np.int64)
    sessions = (days[:, 0] >= 0) & (days[:, 0] % cal.session_every_days == 0) & (
        days[:, 0] < cal.sessions * cal.session_every_days)
    for k in scenario.issues:
        out[f"zone_open.{k}"] = np.where(sessions, (u(f"zone{k}") < 0.4).sum(), 0).astype(np.int64)
    return pd.DataFrame(out)


def _fixed(values: np.ndarray) -> np.ndarray:
    """Per-replicate fixed-point integers, summed over replicates (exact, order-free)."""
    return np.floor(values * FIXED_POINT).astype(np.int64).sum(axis=1)
