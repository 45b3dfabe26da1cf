"""The world and its calendar: ``NegotiationModel`` steps an ensemble of replicates, one
``step()`` per day, from the first announcement day (−A) to the horizon (docs/model.md §1).

A day's phases, in order (:meth:`NegotiationModel.step`)::

    announce            days −A … −1: undecided leaders decide whether to come       (§2)
    negotiate           session days: aspiration, proposal, response, trust-building (§5)
    exchange_prisoners  stage dates of agreed exchanges; completed stages are signals (§6)
    keep_ceasefire      violations, observations, Bayes on trust, exits            (§3, §6)
    collect             Mesa DataCollector: the day's ensemble aggregates           (§7)

Within a phase all agents act on the state the previous phase left (no activation order), so
reordering the actors in a scenario file changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import mesa
import numpy as np
import pandas as pd

from sim import DEFAULT_SEED
from sim.model import rules
from sim.model.agents import NEVER, Actor, Guarantor, Mediator, Party, pick
from sim.model.draws import Draws, normal_from
from sim.model.outcomes import (FIXED_POINT, HISTOGRAM_BINS, OUTCOMES, TRUST_HISTOGRAM, Chunk,
                                trust_histogram)

AGENT_CLASSES = {"party": Party, "mediator": Mediator, "guarantor": Guarantor}


class NegotiationModel(mesa.Model):
    """An ensemble of ``replicates`` histories of one scenario, stepped in lock-step.

    Args:
        config: the validated scenario (:class:`sim.scenario.config.Scenario`).
        seed: root seed of the keyed draws (§8).
        first_replicate: global index of the first replicate (replicate k of a run is
            replicate k here whatever the chunking).
        replicates: number of replicates R.
        replicate_ids: optional explicit global replicate indices, shape (R,), instead of
            ``first_replicate …``: a sweep repeats 0 … runs−1 once per parameter point so that
            every point sees the same draws (common random numbers).
        varying: optional per-replicate parameter values, ``{dotted path: array of shape (R,)}``
            (e.g. ``{"trust.ukraine.russia": ...}``): how a sweep runs many points at once.
    """

    def __init__(self, config, seed: int = DEFAULT_SEED, first_replicate: int = 0,
                 replicates: int = 1, varying: Mapping[str, np.ndarray] | None = None,
                 replicate_ids: np.ndarray | None = None) -> None:
        super().__init__(rng=seed)  # Mesa's own generator is unused: every draw is keyed (§8)
        self.config = config
        self.calendar, self.talks, self.observation = config.calendar, config.talks, config.observation
        if replicate_ids is None:
            replicate_ids = np.arange(first_replicate, first_replicate + replicates)
        self.replicate_index = np.asarray(replicate_ids, dtype=np.int64)
        self.replicates = len(self.replicate_index)
        self.varying = dict(varying or {})
        self.numeric_paths: set[str] = set()  # every path read through param(): what may vary
        self.draws = Draws(seed, self.replicate_index)
        self.day = -self.calendar.announcement_days
        self._create_agents()
        self._create_state()
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())
        unknown = set(self.varying) - self.numeric_paths
        if unknown:
            raise ValueError(f"cannot vary per replicate: {', '.join(sorted(unknown))}")

    # -- set-up ---------------------------------------------------------------------------

    def param(self, path: str, default) -> float | np.ndarray:
        """A numeric parameter: the scenario's value, or the per-replicate array in ``varying``."""
        self.numeric_paths.add(path)
        value = np.asarray(self.varying.get(path, default), dtype=float)
        if value.ndim == 0:
            return float(value)
        if value.shape != (self.replicates,):
            raise ValueError(f"{path}: per-replicate values need shape ({self.replicates},)")
        return value

    def _create_agents(self) -> None:
        cfg = self.config
        self.actors: dict[str, Actor] = {
            a: AGENT_CLASSES[cfg.actors[a].role](self, a, cfg.actors[a]) for a in sorted(cfg.actors)}
        by_role = lambda cls: [a for a in self.actors.values() if isinstance(a, cls)]  # noqa: E731
        self.parties: list[Party] = by_role(Party)
        self.mediators: list[Mediator] = by_role(Mediator)
        self.guarantors: list[Guarantor] = by_role(Guarantor)
        for party in self.parties:
            party.meet_counterparts()

    def _create_state(self) -> None:
        R, cal, cfg = self.replicates, self.calendar, self.config
        self.issue_ids = sorted(cfg.issues)
        self.agreed = {k: np.zeros(R, dtype=bool) for k in self.issue_ids}
        self.level = {k: np.zeros(R) for k in self.issue_ids}
        self.agreed_day = {k: np.full(R, NEVER, dtype=np.int64) for k in self.issue_ids}
        self.talks_held = np.all([p.delegation & np.ones(R, dtype=bool) for p in self.parties], axis=0)
        self.session_days = {s * cal.session_every_days: s + 1 for s in range(cal.sessions)}
        # exchanges (§6)
        self.exchanges = [k for k in self.issue_ids if cfg.issues[k].kind == "exchange"]
        self.stages_done = {k: np.zeros(R, dtype=np.int64) for k in self.exchanges}
        self.stage_days = {k: self._stage_days(cfg.issues[k]) for k in self.exchanges}
        # the ceasefire (§6): at most one issue of kind "ceasefire"
        self.ceasefire = next((k for k in self.issue_ids if cfg.issues[k].kind == "ceasefire"), None)
        self.in_force = np.zeros(R, dtype=bool)
        self.ceasefire_days = np.zeros(R, dtype=np.int64)
        self.collapsed = np.zeros(R, dtype=bool)
        self.stall = {k: self.param(f"issues.{k}.stall", cfg.issues[k].stall) for k in self.exchanges}
        # talks and observation settings (§3, §5), read once so that any may vary per replicate
        for block, names in (("talks", ("proposal_sd", "decision_noise", "pressure_scale", "bias_scale")),
                             ("observation", ("signal_strength",))):
            for name in names:
                setattr(self, name, self.param(f"{block}.{name}", getattr(getattr(cfg, block), name)))
        monitoring = rules.combined_monitoring([g.monitoring for g in self.guarantors])
        self.seen, self.false_alarm = rules.detection(
            self.param("observation.detection", self.observation.detection),
            self.param("observation.false_alarm", self.observation.false_alarm), monitoring)
        self.expected_deterrence = np.clip(
            sum((g.expected_deterrence() for g in self.guarantors), 0.0), 0.0, 1.0)

    def _stage_days(self, issue) -> set[int]:
        """Days on which some replicate may have an exchange stage due (cheap guard)."""
        return {s + issue.first_stage_days + n * issue.stage_every_days
                for s in self.session_days
                for n in range(self.calendar.horizon_days)
                if s + issue.first_stage_days + n * issue.stage_every_days < self.calendar.horizon_days}

    # -- the calendar ---------------------------------------------------------------------

    def step(self) -> None:
        """One day: the phases in order, then the day's aggregates."""
        self.announce()
        self.negotiate()
        self.exchange_prisoners()
        self.keep_ceasefire()
        self.datacollector.collect(self)
        self.day += 1
        self.running = self.day < self.calendar.horizon_days

    def run(self) -> None:
        """Step from the first announcement day to the horizon."""
        while self.running:
            self.step()

    # -- phases ---------------------------------------------------------------------------

    def announce(self) -> None:
        """Days −A … −1: every undecided leader may announce (§2)."""
        if self.day < 0:
            for actor in self.actors.values():
                actor.announce()

    def negotiate(self) -> None:
        """Session days: each open issue is proposed and answered; then mediators build trust."""
        session = self.session_days.get(self.day)
        if session is None:
            return
        where = np.flatnonzero(self.talks_held)
        if session == 1:
            self.open_talks(where)
        for issue in self.issue_ids:
            self.bargain(issue, session / self.calendar.sessions, where)
        for mediator in self.mediators:
            mediator.build_trust(where)

    def open_talks(self, where: np.ndarray) -> None:
        """Day 0: who came is settled; pressure on each party; no-shows cost trust (§3, §5)."""
        R = self.replicates
        third = self.mediators + self.guarantors
        leverage = sum((k.present * k.leverage for k in third), np.zeros(R))
        unforgiving = sum((k.present * k.leverage * (1.0 - k.forgiveness) for k in third), np.zeros(R))
        for party in self.parties:
            another_came = np.any([q.present for q in self.parties if q is not party], axis=0)
            party.absent = ~party.present & another_came
            party.pressure = rules.pressure(self.pressure_scale, leverage, unforgiving, party.absent)
        for party in self.parties:
            party.notice_no_show(where)

    def bargain(self, issue: str, tau: float, where: np.ndarray) -> None:
        """One issue at one session: aspirations, a proposal, every party's answer (§5)."""
        is_open = ~self.agreed[issue][where]
        first = self.config.issues[issue].opens_after
        if first is not None:
            is_open &= self.agreed_day[first][where] < self.day
        where = where[is_open]
        if where.size == 0:
            return
        aspirations = {p.key: p.aspiration(issue, tau, where) for p in self.parties}
        level = self.propose(issue, where, aspirations)
        accepts = np.all([p.respond(issue, level, aspirations[p.key], where)
                          for p in self.parties], axis=0)
        done = where[accepts]
        self.agreed[issue][done] = True
        self.level[issue][done] = level[accepts]
        self.agreed_day[issue][done] = self.day

    def propose(self, issue: str, where: np.ndarray, aspirations: dict) -> np.ndarray:
        """The most skilled mediator proposes with chance ``skill``; otherwise the parties'
        midpoint plus Normal noise, snapped to the grid (§5 step 2)."""
        day, draw = self.day, self.draws.uniform
        midpoint = sum(pick(p.position[issue], where) for p in self.parties) / len(self.parties)
        noise = normal_from(draw("proposal_a", day, "", issue, where),
                            draw("proposal_b", day, "", issue, where))
        level = rules.snap(midpoint + pick(self.proposal_sd, where) * noise)
        if not self.mediators:
            return level
        skills = np.array([np.broadcast_to(pick(m.skill, where), where.shape) for m in self.mediators])
        chosen = np.argmax(skills, axis=0)  # ties: the first mediator by id
        mediated = draw("mediate", day, "", issue, where) < skills[chosen, np.arange(where.size)]
        for i, mediator in enumerate(self.mediators):
            sel = mediated & (chosen == i)
            if sel.any():
                level[sel] = mediator.propose(issue, where[sel],
                                              {k: a[sel] for k, a in aspirations.items()})
        return level

    def exchange_prisoners(self) -> None:
        """Stage dates: each due stage completes with ``1 − stall·(1 − T_eff)`` (§6)."""
        for k in self.exchanges:
            if self.day not in self.stage_days[k]:
                continue
            issue = self.config.issues[k]
            since = self.day - self.agreed_day[k] - issue.first_stage_days
            due = (self.agreed[k] & (self.stages_done[k] < issue.stages) & (since >= 0)
                   & (since % issue.stage_every_days == 0))
            where = np.flatnonzero(due)
            if where.size == 0:
                continue
            least = np.min([p.least_trust(where) for p in self.parties], axis=0)
            chance = rules.stage_success(pick(self.stall[k], where), least)
            done = where[self.draws.uniform("stage", self.day, "", k, where) < chance]
            self.stages_done[k][done] += 1
            ratio = self.signal_strength ** (1.0 / issue.stages)
            for party in self.parties:
                party.receive_signal(done, pick(ratio, done))

    def keep_ceasefire(self) -> None:
        """Each day in force: violate, observe, update trust, perhaps exit (§3, §6)."""
        k = self.ceasefire
        if k is None:
            return
        starts = self.agreed[k] & (self.agreed_day[k] == self.day - 1)
        self.in_force |= starts
        where = np.flatnonzero(self.in_force)
        if where.size == 0:
            return
        scope = self.level[k][where]
        deterrence = np.clip(sum((g.deterrence(where) for g in self.guarantors), np.zeros(where.size)),
                             0.0, 1.0)
        seen, false_alarm = pick(self.seen, where), pick(self.false_alarm, where)
        for party in self.parties:
            party.violate(where, scope, deterrence)
        for party in self.parties:
            party.observe(where, scope, seen, false_alarm)
        for party in self.parties:
            party.update_trust(where, scope, seen, false_alarm, pick(self.expected_deterrence, where))
        ends = np.any([party.exit(where) for party in self.parties], axis=0)
        self.ceasefire_days[where] += 1
        self.in_force[where[ends]] = False
        self.collapsed[where[ends]] = True
        term = self.config.issues[k].duration_days
        if term is not None:
            self.in_force[where[~ends & (self.ceasefire_days[where] >= term)]] = False

    # -- records --------------------------------------------------------------------------

    def _reporters(self) -> dict:
        """The day's ensemble aggregates as integer sums (exact whatever the chunking)."""
        fixed = lambda x: int(np.round(np.asarray(x) * FIXED_POINT).astype(np.int64).sum())  # noqa: E731
        reporters = {
            "ceasefire_in_force": lambda m: int(m.in_force.sum()),
            "exchanged_share": lambda m: fixed(m.exchanged_share()),
        }
        for p in self.parties:
            for j in sorted(p.trust):
                reporters[f"trust.{p.key}.{j}"] = lambda m, p=p, j=j: fixed(p.trust[j])
                reporters[f"{TRUST_HISTOGRAM}.{p.key}.{j}"] = lambda m, p=p, j=j: trust_histogram(p.trust[j])
        for a in self.config.actors:
            reporters[f"announced.{a}"] = lambda m, a=a: int((m.actors[a].announced_day <= m.day).sum())
        return reporters

    def exchanged_share(self) -> np.ndarray:
        """Share of an all-for-all exchange delivered, averaged over exchange issues (§7)."""
        if not self.exchanges:
            return np.zeros(self.replicates)
        return sum(self.level[k] * self.stages_done[k] / self.config.issues[k].stages
                   for k in self.exchanges) / len(self.exchanges)

    def outcome_codes(self) -> np.ndarray:
        """Index into OUTCOMES; a ceasefire outranks an exchange (§7)."""
        none = np.zeros(self.replicates, dtype=bool)
        ceasefire = self.agreed[self.ceasefire] if self.ceasefire else none
        exchange = np.any([self.agreed[k] for k in self.exchanges], axis=0) if self.exchanges else none
        code = np.select([~self.talks_held, ceasefire & self.collapsed, ceasefire, exchange],
                         [0, 3, 4, 2], default=1)
        return code.astype(np.int8)

    def held_share(self, issue: str) -> np.ndarray:
        """How much of an agreed issue was delivered, for payoffs: 0 … 1 (§7)."""
        kind = self.config.issues[issue].kind
        if kind == "exchange":
            return self.stages_done[issue] / self.config.issues[issue].stages
        if kind == "ceasefire":
            left = self.calendar.horizon_days - (self.agreed_day[issue] + 1)
            term = self.config.issues[issue].duration_days
            term = np.minimum(left, term) if term is not None else left
            return self.ceasefire_days / np.maximum(term, 1)
        return np.ones(self.replicates)

    def payoff(self, party: Party) -> np.ndarray:
        """Salience-weighted utility of what was agreed and delivered, minus audience cost."""
        total = np.zeros(self.replicates)
        for k in self.issue_ids:
            total += (self.agreed[k] * pick(party.salience[k], None) * party.agreed_utility[k]
                      * self.held_share(k))
        return total - party.audience_cost * party.absent

    def outcomes(self) -> pd.DataFrame:
        """The outcome record, one row per replicate, columns named by dotted paths (§7)."""
        cfg = self.config
        cols: dict[str, object] = {
            "replicate": self.replicate_index,
            "outcome": pd.Categorical.from_codes(self.outcome_codes(), categories=list(OUTCOMES)),
        }
        for a in cfg.actors:
            cols[f"attended.{a}"] = self.actors[a].present.copy()
        cols["leaders_met"] = np.all([p.present for p in self.parties], axis=0)
        for k in cfg.issues:
            cols[f"agreed.{k}"] = self.agreed[k].copy()
        for k in cfg.issues:
            cols[f"level.{k}"] = self.level[k].copy()
        for k in cfg.issues:
            cols[f"day.{k}"] = pd.array(self.agreed_day[k], dtype="Int64")
            cols[f"day.{k}"][~self.agreed[k]] = pd.NA
        cols["ceasefire_days"] = self.ceasefire_days.copy()
        cols["exchanged_share"] = self.exchanged_share()
        for p in cfg.parties:
            cols[f"violations.{p}"] = self.actors[p].violations.copy()
        for p in cfg.parties:
            for j in cfg.parties:
                if j != p:
                    cols[f"trust.{p}.{j}"] = self.actors[p].trust[j].copy()
        for p in cfg.parties:
            cols[f"payoff.{p}"] = self.payoff(self.actors[p])
        return pd.DataFrame(cols)

    def daily_sums(self) -> pd.DataFrame:
        """The DataCollector's table with a ``day`` column first."""
        table = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        table.insert(0, "day", np.arange(-self.calendar.announcement_days,
                                         -self.calendar.announcement_days + len(table)))
        histograms = [c for c in table.columns if c.startswith(TRUST_HISTOGRAM)]
        bins = [pd.DataFrame(np.stack(table[c].to_numpy()),
                             columns=[f"{c}.{b:03d}" for b in range(HISTOGRAM_BINS)])
                for c in histograms]
        return pd.concat([table.drop(columns=histograms), *bins], axis=1).astype("int64")


def simulate_chunk(scenario, seed: int, first_replicate: int, count: int,
                   varying: Mapping[str, np.ndarray] | None = None,
                   replicate_ids: np.ndarray | None = None) -> Chunk:
    """Simulate replicates ``first_replicate … first_replicate + count − 1`` of a scenario
    (or the explicit ``replicate_ids``, with per-replicate parameters ``varying``)."""
    model = NegotiationModel(scenario, seed=seed, first_replicate=first_replicate,
                             replicates=count, varying=varying, replicate_ids=replicate_ids)
    model.run()
    return Chunk(first_replicate, count, model.outcomes(), model.daily_sums())
