"""The world and its calendar: ``NegotiationModel`` steps an ensemble of replicates, one
``step()`` per day, from the first announcement day (−A) to the horizon (docs/model.md §1).

A day's phases, in order (:meth:`NegotiationModel.step`)::

    announce            days −A … −1: undecided leaders decide whether to come       (§2)
    negotiate           session days: aspiration, zone of agreement, proposal, response,
                        trust-building (§5)
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
from sim.model.outcomes import (
    ENDINGS,
    FIXED_POINT,
    HISTOGRAM_BINS,
    OUTCOMES,
    REASONS,
    TRUST_HISTOGRAM,
    Chunk,
    trust_histogram,
)
from sim.model.ranges import RangeTally, grid_index, mandate_index
from sim.model.series import DailySeries

AGENT_CLASSES = {"party": Party, "mediator": Mediator, "guarantor": Guarantor}
REASON = {name: code for code, name in enumerate(REASONS)}
NOBODY = -1
"""Code of an empty ``blocker`` or ``ended_by`` (NA in the outcome record)."""


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
        self.scenario_values: dict[str, float] = {}  # their values in the scenario, unvaried
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
        self.scenario_values[path] = float(default)
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
        self.agreed_day = {k: np.full(R, NEVER, dtype=np.int64) for k in self.issue_ids}  # first
        self.tranches = {k: np.zeros(R, dtype=np.int64) for k in self.issue_ids}
        self.talks_held = np.all([p.delegation & np.ones(R, dtype=bool) for p in self.parties], axis=0)
        self.session_days = {s * cal.session_every_days: s + 1 for s in range(cal.sessions)}
        # why an issue was not agreed, judged at the last session it was on the table (§5, §7)
        self.opened = {k: np.zeros(R, dtype=bool) for k in self.issue_ids}
        self.zone_open = {k: np.zeros(R, dtype=bool) for k in self.issue_ids}
        self.zone_if_leaders = {k: np.zeros(R, dtype=bool) for k in self.issue_ids}
        self.blocker = {k: np.full(R, NOBODY, dtype=np.int8) for k in self.issue_ids}
        self.zone_open_today = dict.fromkeys(self.issue_ids, 0)
        # two (grid levels × replicates) work arrays for the margins of the zone of agreement:
        # allocated once, because fresh arrays this size at every session cost more than the
        # arithmetic (the operating system zeroes their pages)
        self.grid_space = np.empty((2, rules.GRID.size, R))
        # each party's acceptable range and the proposals, summed per session (§5.8)
        self.range_tally = RangeTally(cal.sessions, self.issue_ids, [p.key for p in self.parties],
                                      R)
        # exchanges (§6): tranches in order of agreement, carried out one stage at a time
        self.exchanges = [k for k in self.issue_ids if cfg.issues[k].kind == "exchange"]
        self.stages_done = {k: np.zeros(R, dtype=np.int64) for k in self.exchanges}  # all tranches
        self.tranche_size = {k: np.zeros((R, cal.sessions)) for k in self.exchanges}
        self.delivered = {k: np.zeros(R) for k in self.exchanges}  # share of all-for-all
        self.next_stage = {k: np.full(R, NEVER, dtype=np.int64) for k in self.exchanges}
        self.stage_days: dict[str, set[int]] = {k: set() for k in self.exchanges}  # cheap guard
        # the ceasefire (§6): at most one issue of kind "ceasefire"
        self.ceasefire = next((k for k in self.issue_ids if cfg.issues[k].kind == "ceasefire"), None)
        self.in_force = np.zeros(R, dtype=bool)
        self.ceasefire_days = np.zeros(R, dtype=np.int64)
        self.collapsed = np.zeros(R, dtype=bool)
        self.ended_by = np.full(R, NOBODY, dtype=np.int8)
        self.ended_after_violation = np.zeros(R, dtype=bool)
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
        """Days −A … −1: every undecided leader may announce (§2). How many replicates have
        each leader announced is counted here: from day 0 on it no longer changes."""
        if self.day < 0:
            for actor in self.actors.values():
                actor.announce()
            self.announced = {a: int((actor.announced_day <= self.day).sum())
                              for a, actor in self.actors.items()}

    def negotiate(self) -> None:
        """Session days: each issue on the table is proposed and answered; then mediators
        build trust."""
        self.zone_open_today = dict.fromkeys(self.issue_ids, 0)
        session = self.session_days.get(self.day)
        if session is None:
            return
        where = np.flatnonzero(self.talks_held)
        if session == 1:
            self.open_talks(where)
        for issue in self.issue_ids:
            self.bargain(issue, session, where)
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

    def on_table(self, issue: str, where: np.ndarray) -> np.ndarray:
        """Whether ``issue`` is on the table at today's session: its prerequisite
        (``opens_after``) first agreed on an earlier day, and not settled: an exchange until
        all-for-all is agreed (further tranches, §4.5), any other issue until agreed."""
        if issue in self.exchanges:
            open_ = self.level[issue][where] < 1.0
        else:
            open_ = ~self.agreed[issue][where]
        first = self.config.issues[issue].opens_after
        if first is not None:
            open_ &= self.agreed_day[first][where] < self.day
        return open_

    def bargain(self, issue: str, session: int, where: np.ndarray) -> None:
        """One issue at one session: aspirations, the zone of agreement, a proposal, every
        party's answer; at the last session, who blocked it (§5, §7)."""
        where = where[self.on_table(issue, where)]
        if where.size == 0:
            return
        self.opened[issue][where] = True
        agreed_so_far = self.level[issue][where]
        tau = session / self.calendar.sessions
        aspirations = {p.key: p.aspiration(issue, tau, where) for p in self.parties}
        margins = self.margins(issue, session, where, aspirations, agreed_so_far)
        maximin = np.argmax(margins, axis=0)  # the best compromise; ties: the lowest level
        lowest = self.judge_zone(issue, where, margins, maximin)
        best = rules.GRID[maximin]
        level = self.propose(issue, where, best, agreed_so_far)
        answers = [p.respond(issue, level, aspirations[p.key], where) for p in self.parties]
        shortfalls = np.array([shortfall for _, shortfall in answers])
        accepts = np.all(shortfalls <= 0.0, axis=0)
        self.range_tally.add_proposals(session, self.issue_ids.index(issue), level, accepts)
        for party, (value, _) in zip(self.parties, answers, strict=True):
            party.agreed_utility[issue][where[accepts]] = value[accepts]
        self.agree(issue, where[accepts], level[accepts])
        if session == self.calendar.sessions:
            left = ~self.agreed[issue][where]
            self.blame(issue, where[left], best[left], lowest[left], shortfalls[:, left],
                       {k: a[left] for k, a in aspirations.items()})

    def margins(self, issue: str, session: int, where: np.ndarray, aspirations: dict,
                agreed_so_far: np.ndarray) -> np.ndarray:
        """``min_i (u_i(x) − a_i)``, one row per grid level x, one column per replicate; −inf at
        levels not above what is already agreed (§5.7). A level with margin ≥ 0 every party
        accepts without noise; each party's own margins give its acceptable range (§5.8). The
        array is a view of a work array: valid until the next issue is bargained."""
        first, *others = self.parties  # in place, in the model's two work arrays (set-up)
        offered_from = grid_index(rules.next_level(agreed_so_far))
        margins = first.grid_utility(issue, where, self.grid_space[0, :, :where.size])
        margins -= aspirations[first.key]
        self.record_range(issue, session, where, 0, margins, offered_from)
        for n, p in enumerate(others, start=1):
            margin = p.grid_utility(issue, where, self.grid_space[1, :, :where.size])
            margin -= aspirations[p.key]
            self.record_range(issue, session, where, n, margin, offered_from)
            np.minimum(margins, margin, out=margins)
        further = np.flatnonzero(agreed_so_far)  # a further tranche: only levels above
        if further.size:
            margins[:, further] = np.where(rules.GRID[:, None] <= agreed_so_far[further], -np.inf,
                                           margins[:, further])
        return margins

    def record_range(self, issue: str, session: int, where: np.ndarray, n: int,
                     margin: np.ndarray, offered_from: np.ndarray) -> None:
        """Party n's acceptable range (its margins ``u − a ≥ 0``), with and without its
        leader, into the run's sums (§5.8)."""
        mandate = mandate_index(pick(self.parties[n].mandate[issue], where))
        self.range_tally.add_range(session, self.issue_ids.index(issue), n, margin,
                                   offered_from, mandate)

    def judge_zone(self, issue: str, where: np.ndarray, margins: np.ndarray,
                   maximin: np.ndarray) -> np.ndarray:
        """Record whether the zone of agreement is open: a grid level every party accepts
        without noise (the best compromise ``maximin`` has margin ≥ 0), within every absent
        leader's delegation mandate; and whether it would be with every leader present (§5).
        Returns the lowest level index of the zone where a mandate may bind (else 0)."""
        open_if_leaders = margins[maximin, np.arange(where.size)] >= 0.0
        cap = np.min([np.where(p.present[where], np.inf, pick(p.mandate[issue], where))
                      for p in self.parties], axis=0)
        zone_open = open_if_leaders.copy()
        lowest = np.zeros(where.size, dtype=np.int64)
        capped = np.flatnonzero(open_if_leaders & (cap < rules.GRID[-1]))  # a mandate may bind
        if capped.size:
            lowest[capped] = rules.zone_floor(margins[:, capped])
            zone_open[capped] = rules.GRID[lowest[capped]] <= cap[capped]
        self.zone_open[issue][where] = zone_open
        self.zone_if_leaders[issue][where] = open_if_leaders
        self.zone_open_today[issue] = int(zone_open.sum())
        return lowest

    def propose(self, issue: str, where: np.ndarray, best: np.ndarray,
                agreed_so_far: np.ndarray) -> np.ndarray:
        """The most skilled mediator proposes with chance ``skill``; otherwise the parties'
        midpoint plus Normal noise, snapped to the grid (§5 step 2). A proposal is a total level
        above what is already agreed."""
        day, draw = self.day, self.draws.uniform
        level = np.empty(where.size)
        mediated = np.zeros(where.size, dtype=bool)
        if self.mediators:
            skills = np.array([np.broadcast_to(pick(m.skill, where), where.shape)
                               for m in self.mediators])
            chosen = np.argmax(skills, axis=0)  # ties: the first mediator by id
            mediated = draw("mediate", day, "", issue, where) < skills[chosen, np.arange(where.size)]
            for i, mediator in enumerate(self.mediators):
                sel = mediated & (chosen == i)
                if sel.any():
                    level[sel] = mediator.propose(issue, where[sel], best[sel], agreed_so_far[sel])
        alone = np.flatnonzero(~mediated)  # keyed draws: only these replicates need the noise
        at = where[alone]
        midpoint = sum(pick(p.position[issue], at) for p in self.parties) / len(self.parties)
        noise = normal_from(draw("proposal_a", day, "", issue, at), draw("proposal_b", day, "", issue, at))
        level[alone] = np.maximum(rules.snap(midpoint + pick(self.proposal_sd, at) * noise),
                                  rules.next_level(agreed_so_far[alone]))
        return level

    def agree(self, issue: str, done: np.ndarray, level: np.ndarray) -> None:
        """Every party accepted: the issue is agreed at ``level`` (for an exchange, a further
        tranche up to that total level is added to the queue of stages, §6)."""
        first = done[~self.agreed[issue][done]]
        self.agreed_day[issue][first] = self.day
        self.agreed[issue][done] = True
        if issue in self.exchanges:
            self.queue_tranche(issue, done, level)
        self.level[issue][done] = level
        self.tranches[issue][done] += 1

    def queue_tranche(self, issue: str, done: np.ndarray, level: np.ndarray) -> None:
        """A tranche (the new total minus what was agreed) joins the queue of stages; if the
        queue was empty, its first stage is due ``first_stage_days`` from today (§6)."""
        spec = self.config.issues[issue]
        tranche = self.tranches[issue][done]
        self.tranche_size[issue][done, tranche] = level - self.level[issue][done]
        idle = done[self.stages_done[issue][done] == tranche * spec.stages]
        if idle.size:
            self.next_stage[issue][idle] = self.day + spec.first_stage_days
            self.stage_days[issue].add(self.day + spec.first_stage_days)

    def blame(self, issue: str, left: np.ndarray, best: np.ndarray, lowest: np.ndarray,
              shortfalls: np.ndarray, aspirations: dict) -> None:
        """At the last session, for the replicates that never agreed ``issue``: the party
        that blocked it, first by id on ties (§7.6). With a zone of agreement, the one that
        refused the proposal by the widest margin (beyond its mandate counts as infinitely
        wide); without one, but with one had the absent leaders come, the first whose
        delegation's mandate is below every level all would accept; with none at all, the
        one furthest from accepting the best compromise (the maximin level)."""
        zone_open = self.zone_open[issue][left]
        if_leaders = self.zone_if_leaders[issue][left]
        blocker = np.argmax(shortfalls, axis=0)  # refused
        no_mandate = ~zone_open & if_leaders
        if no_mandate.any():
            idx, floor = left[no_mandate], rules.GRID[lowest[no_mandate]]
            lacks = [~p.present[idx] & (pick(p.mandate[issue], idx) < floor) for p in self.parties]
            blocker[no_mandate] = np.argmax(lacks, axis=0)
        no_overlap = ~if_leaders
        if no_overlap.any():
            idx = left[no_overlap]
            gaps = [aspirations[p.key][no_overlap] - p.utility(issue, best[no_overlap], idx)
                    for p in self.parties]
            blocker[no_overlap] = np.argmax(gaps, axis=0)
        self.blocker[issue][left] = blocker

    def exchange_prisoners(self) -> None:
        """Stage dates: the next stage in the queue completes with ``1 − stall·(1 − T_x)``, or
        is retried at the next stage date; a completed stage is a costly signal (§3, §6)."""
        for k in self.exchanges:
            if self.day not in self.stage_days[k]:
                continue
            where = np.flatnonzero(self.next_stage[k] == self.day)
            if where.size == 0:
                continue
            spec = self.config.issues[k]
            least = np.min([p.exchange_trust(where) for p in self.parties], axis=0)
            chance = rules.stage_success(pick(self.stall[k], where), least)
            done = where[self.draws.uniform("stage", self.day, "", k, where) < chance]
            size = self.tranche_size[k][done, self.stages_done[k][done] // spec.stages]
            self.stages_done[k][done] += 1
            self.delivered[k][done] = self.delivered_share(k, done)
            pending = self.stages_done[k][where] < self.tranches[k][where] * spec.stages
            self.next_stage[k][where] = np.where(pending, self.day + spec.stage_every_days, NEVER)
            if pending.any():
                self.stage_days[k].add(self.day + spec.stage_every_days)
            ratio = rules.stage_signal(pick(self.signal_strength, done), size, spec.stages)
            for party in self.parties:
                party.receive_signal(done, ratio)

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
        exits = [party.exit(where) for party in self.parties]
        ends = np.any(exits, axis=0)
        self.ceasefire_days[where] += 1
        self.in_force[where[ends]] = False
        self.collapsed[where[ends]] = True
        if ends.any():
            self.record_ending(where, ends, exits)
        term = self.config.issues[k].duration_days
        if term is not None:
            self.in_force[where[~ends & (self.ceasefire_days[where] >= term)]] = False

    def record_ending(self, where: np.ndarray, ends: np.ndarray, exits: list) -> None:
        """Who declared the ceasefire over (first by id when several did the same day), and
        whether any violation it saw that day was real (§7.6)."""
        first = np.argmax(exits, axis=0)[ends]
        real = np.array([p.saw_real_violation(where) for p in self.parties])[:, ends]
        self.ended_by[where[ends]] = first
        self.ended_after_violation[where[ends]] = real[first, np.arange(first.size)]

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
            reporters[f"announced.{a}"] = lambda m, a=a: m.announced[a]
        for k in self.config.issues:
            reporters[f"zone_open.{k}"] = lambda m, k=k: m.zone_open_today[k]
        return reporters

    def delivered_share(self, issue: str, where: np.ndarray) -> np.ndarray:
        """Share of an all-for-all exchange its completed stages delivered: each stage of a
        tranche delivers ``tranche / stages``, tranches in order of agreement (§6)."""
        stages = self.config.issues[issue].stages
        done, sizes = self.stages_done[issue][where], self.tranche_size[issue][where]
        total = np.zeros(done.shape)
        for t in range(sizes.shape[1]):
            total += sizes[:, t] * np.clip(done - t * stages, 0, stages)
        return total / stages

    def exchanged_share(self) -> np.ndarray:
        """Share of an all-for-all exchange delivered, averaged over exchange issues (§7)."""
        if not self.exchanges:
            return np.zeros(self.replicates)
        return sum(self.delivered[k] for k in self.exchanges) / len(self.exchanges)

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
            level = self.level[issue]
            return np.divide(self.delivered[issue], level, out=np.zeros(self.replicates),
                             where=level > 0)
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
        for k in cfg.issues:
            cols[f"tranches.{k}"] = self.tranches[k].copy()
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
        cols.update(self.reasons())
        return pd.DataFrame(cols)

    def reasons(self) -> dict[str, pd.Categorical]:
        """Why each issue ended as it did, who blocked it, who ended the ceasefire and after
        what (§7.6): categoricals with fixed categories, NA where there is nothing to say."""
        parties = [p.key for p in self.parties]  # sorted by id
        cols = {}
        for k in self.config.issues:
            codes = np.select(
                [self.agreed[k], ~self.talks_held, ~self.opened[k], self.zone_open[k],
                 self.zone_if_leaders[k]],
                [REASON["agreed"], REASON["no_talks"], REASON["not_opened"], REASON["refused"],
                 REASON["no_mandate"]], default=REASON["no_overlap"])
            cols[f"reason.{k}"] = pd.Categorical.from_codes(codes, categories=list(REASONS))
        for k in self.config.issues:
            cols[f"blocker.{k}"] = pd.Categorical.from_codes(self.blocker[k], categories=parties)
        cols["ended_by"] = pd.Categorical.from_codes(self.ended_by, categories=parties)
        after = np.where(self.ended_after_violation, ENDINGS.index("violation"),
                         ENDINGS.index("false_alarm"))
        cols["ended_after"] = pd.Categorical.from_codes(
            np.where(self.ended_by == NOBODY, NOBODY, after), categories=list(ENDINGS))
        return cols

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

    def range_sums(self) -> pd.DataFrame:
        """Each party's acceptable ranges and the proposals, summed per session and issue
        (§5.8): integers, so chunks add up exactly."""
        return self.range_tally.sums(sorted(self.session_days))


def simulate_chunk(scenario, seed: int, first_replicate: int, count: int,
                   varying: Mapping[str, np.ndarray] | None = None,
                   replicate_ids: np.ndarray | None = None, series: tuple[str, ...] = ()) -> Chunk:
    """Simulate replicates ``first_replicate … first_replicate + count − 1`` of a scenario
    (or the explicit ``replicate_ids``, with per-replicate parameters ``varying``), recording
    the daily ``series`` variables (:mod:`sim.model.series`) only if some are named."""
    model = NegotiationModel(scenario, seed=seed, first_replicate=first_replicate,
                             replicates=count, varying=varying, replicate_ids=replicate_ids)
    if not series:
        model.run()
        return Chunk(first_replicate, count, model.outcomes(), model.daily_sums(),
                     model.range_sums())
    recorder = DailySeries(model, series)
    while model.running:
        model.step()
        recorder.record(model)
    return Chunk(first_replicate, count, model.outcomes(), model.daily_sums(),
                 model.range_sums(), recorder.table(model.replicate_index))
