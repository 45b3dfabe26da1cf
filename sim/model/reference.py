"""The reference model: ONE replicate of the negotiation, written the conventional Mesa way.

:class:`ReferenceModel` is the plainest reading of the rules of docs/model.md §1-8: one history per
model, agents with scalar state (:mod:`sim.model.reference_agents`), if-statements, one
``step()`` per day from day −A to the horizon, in the same phase order as the ensemble engine
(:class:`sim.model.model.NegotiationModel`)::

    announce            days −A … −1: undecided leaders decide whether to come       (§2)
    negotiate           session days: aspiration, zone of agreement, proposal, response,
                        trust-building (§5)
    exchange_prisoners  stage dates of an agreed exchange; completed stages are signals (§6)
    keep_ceasefire      violations, observations, Bayes on trust, exits            (§3, §6)

It reads the same keyed draws (:func:`sim.model.draws.uniform_one`, §8) and computes with the
same formula functions (:mod:`sim.model.rules`), so replicate k here equals replicate k of the
engine. It serves three purposes: students read it; the tests compare the engine with it
replicate by replicate; the benchmark runs it through ``mesa.batch_run`` as the baseline.

Every comparison that decides something (a draw against a chance, ``u + ε`` against an
aspiration, the rounding of a proposal to the grid, the mediator's best grid level against
the runner-up) records how close it came to its threshold in :attr:`ReferenceModel.closest_call`,
so a test can tell a float rounding difference (a call within 1e-9) from a real disagreement.
(``level ≤ mandate`` is not recorded: a grid level k/20 against a number from the scenario is
exact in both models; what could tip it, the rounding of the proposal, is recorded.)

Where the rules leave room, this model reads them as the engine does (docs/model.md §11):

* an accident happens with ``accident_rate·scope`` a day (§6), and the observer's Bayes update
  uses that same chance for a reciprocating type (§3 writes ``accident_j``);
* a mediator finds the maximin grid level first, then moves it toward the parties it favours
  by ``bias·bias_scale`` of the distance to their positions, and snaps again (§5 step 2);
* sessions, and the mediators' trust-building after them, continue once every issue is agreed;
* who stayed away is settled on day 0 even when a boycott means no talks, so the audience
  cost still enters the payoff (§7), while the no-show loss of trust needs a session (§3);
* an issue that ``opens_after`` another comes to the table at the first session after the day
  that one was first agreed;
* an exchange stays on the table after an agreement until all-for-all is agreed: each later
  agreement adds a tranche (the new total minus the old), whose stages join the queue after the
  stages still pending (one stage per stage date);
* the zone of agreement and the blocker use the parties' utilities without decision noise,
  except that a refusal of the proposal is measured with the noise that caused it (§7);
* outcomes: a replicate whose only agreements are ``generic`` issues is ``no_agreement``.

Narration: the rules call :meth:`ReferenceModel.tell` at each event worth telling (an
announcement, a proposal, an answer, a violation, a change of trust ...). It does nothing
unless a narrator is attached; ``negsim trace`` (:mod:`sim.report.trace`) attaches one and
turns the events into sentences. Telling draws nothing and decides nothing.

Example::

    model = ReferenceModel(scenario=scenario, root_seed=20250514, replicate=7)
    model.run()
    model.record()["outcome"]
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim import DEFAULT_SEED
from sim.model import rules
from sim.model.draws import normal_from, uniform_one
from sim.model.reference_agents import RefActor, RefGuarantor, RefMediator, RefParty

AGENT_CLASSES = {"party": RefParty, "mediator": RefMediator, "guarantor": RefGuarantor}


class ReferenceModel(mesa.Model):
    """One replicate of a scenario, stepped one day at a time.

    Args:
        scenario: the validated scenario (:class:`sim.scenario.config.Scenario`).
        root_seed: root seed of the keyed draws (§8); not called ``seed``, because
            ``mesa.batch_run`` would then pass its own seed under that name.
        replicate: the global replicate index (a key of every draw).
        rng: seed of Mesa's own generator, which nothing here uses (every draw is keyed);
            ``mesa.batch_run`` passes it.
        narrator: optional ``narrator(day, kind, facts)`` called by :meth:`tell`.
    """

    def __init__(self, scenario, root_seed: int = DEFAULT_SEED, replicate: int = 0,
                 rng=None, narrator=None) -> None:
        super().__init__(rng=root_seed if rng is None else rng)
        self.config = scenario  # Mesa's Model.scenario is Mesa's own experiment object
        self.calendar = scenario.calendar
        self.root_seed, self.replicate = int(root_seed), int(replicate)
        self.day = -self.calendar.announcement_days
        self.closest_call = math.inf
        self.narrator = narrator
        self._create_agents()
        self._create_state()
        self.outcome_record: dict | None = None
        self.datacollector = mesa.DataCollector(model_reporters={
            column: (lambda m, c=column: m.outcome_record[c]) for column in self.columns()})

    # -- set-up ---------------------------------------------------------------------------

    def _create_agents(self) -> None:
        cfg = self.config
        self.actors: dict[str, RefActor] = {
            a: AGENT_CLASSES[cfg.actors[a].role](self, a, cfg.actors[a]) for a in sorted(cfg.actors)}
        self.parties = [a for a in self.actors.values() if isinstance(a, RefParty)]
        self.mediators = [a for a in self.actors.values() if isinstance(a, RefMediator)]
        self.guarantors = [a for a in self.actors.values() if isinstance(a, RefGuarantor)]
        for party in self.parties:
            party.meet_counterparts()

    def _create_state(self) -> None:
        cfg, cal = self.config, self.calendar
        self.issue_ids = sorted(cfg.issues)
        self.agreed = dict.fromkeys(self.issue_ids, False)
        self.level = dict.fromkeys(self.issue_ids, 0.0)
        self.agreed_day: dict[str, int | None] = dict.fromkeys(self.issue_ids, None)  # first
        self.tranches = dict.fromkeys(self.issue_ids, 0)
        self.talks_held = all(p.delegation for p in self.parties)  # a boycott: no talks (§5)
        self.session_of_day = {s * cal.session_every_days: s + 1 for s in range(cal.sessions)}
        # why an issue was not agreed: judged at the last session it was on the table (§7)
        self.opened = dict.fromkeys(self.issue_ids, False)
        self.zone_open = dict.fromkeys(self.issue_ids, False)
        self.zone_if_leaders = dict.fromkeys(self.issue_ids, False)
        self.blocker: dict[str, str | None] = dict.fromkeys(self.issue_ids, None)
        self.exchanges = [k for k in self.issue_ids if cfg.issues[k].kind == "exchange"]
        self.stages_done = dict.fromkeys(self.exchanges, 0)  # over all tranches
        self.tranche_sizes: dict[str, list[float]] = {k: [] for k in self.exchanges}
        self.next_stage: dict[str, int | None] = dict.fromkeys(self.exchanges, None)
        self.ceasefire = next((k for k in self.issue_ids if cfg.issues[k].kind == "ceasefire"), None)
        self.in_force = False
        self.collapsed = False
        self.ceasefire_days = 0
        self.ended_by: str | None = None
        self.ended_after: str | None = None
        monitoring = rules.combined_monitoring([g.monitoring for g in self.guarantors])
        self.seen, self.false_alarm = rules.detection(cfg.observation.detection,
                                                      cfg.observation.false_alarm, monitoring)
        self.expected_deterrence = min(1.0, sum(g.expected_deterrence() for g in self.guarantors))

    # -- keyed draws and near calls (§8) --------------------------------------------------

    def draw(self, purpose: str, actor: str = "", other: str = "", day: int | None = None) -> float:
        """This replicate's keyed uniform for ``purpose`` on ``day`` (today by default)."""
        return uniform_one(self.root_seed, self.replicate, purpose,
                           self.day if day is None else day, actor, other)

    def happens(self, purpose: str, chance: float, actor: str = "", other: str = "",
                day: int | None = None) -> bool:
        """An event with probability ``chance``: the keyed draw falls below it."""
        return self.less(self.draw(purpose, actor, other, day), chance)

    def less(self, lhs: float, rhs: float) -> bool:
        """``lhs < rhs``, remembering how close the call was."""
        self.closest_call = min(self.closest_call, abs(float(lhs) - float(rhs)))
        return lhs < rhs

    def snap(self, level: float) -> float:
        """The nearest grid level (§4); a level halfway between two is a near call."""
        scaled = float(level) * 20.0
        self.closest_call = min(self.closest_call, abs(scaled - math.floor(scaled) - 0.5) / 20.0)
        return float(rules.snap(level))

    def note_argmax(self, values: list[float], best_at: int) -> None:
        """The mediator's best grid level is a near call if a runner-up almost ties it."""
        others = [v for i, v in enumerate(values) if i != best_at]
        if others:
            self.closest_call = min(self.closest_call, float(values[best_at] - max(others)))

    def tell(self, kind: str, **facts) -> None:
        """Report an event to the narrator, if one is attached (``negsim trace``)."""
        if self.narrator is not None:
            self.narrator(self.day, kind, facts)

    # -- the calendar ---------------------------------------------------------------------

    def step(self) -> None:
        """One day: the phases in order; at the horizon, the outcome record."""
        self.announce()
        self.negotiate()
        self.exchange_prisoners()
        self.keep_ceasefire()
        self.day += 1
        if self.day >= self.calendar.horizon_days:
            self.running = False
            self.outcome_record = self.record()
            self.datacollector.collect(self)

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
        """A session day: settle who came (first session), bargain over each open issue,
        then let each mediator in turn build trust (§5)."""
        session = self.session_of_day.get(self.day)
        if session == 1:
            self.open_talks()
        if session is None or not self.talks_held:
            return
        self.tell("session", session=session)
        for issue in self.issue_ids:
            if self.is_open(issue):
                self.bargain(issue, session)
        for mediator in self.mediators:
            mediator.build_trust()

    def open_talks(self) -> None:
        """Day 0: who stayed away, the pressure on each party, no-show costs (§3, §5).

        Who stayed away is settled even when a boycott means no talks (it enters the payoff
        through the audience cost, §7), as the engine does.
        """
        third = self.mediators + self.guarantors
        leverage = sum(k.leverage for k in third if k.present)
        unforgiving = sum(k.leverage * (1.0 - k.forgiveness) for k in third if k.present)
        for party in self.parties:
            another_came = any(q.present for q in self.parties if q is not party)
            party.absent = not party.present and another_came
            party.pressure = rules.pressure(self.config.talks.pressure_scale, leverage,
                                            unforgiving, party.absent)
        self.tell("talks_open", held=self.talks_held,
                  pressure={p.key: p.pressure for p in self.parties},
                  absent=[p.key for p in self.parties if p.absent])
        for party in self.parties:
            party.notice_no_show()

    def is_open(self, issue: str) -> bool:
        """On the table: its prerequisite (``opens_after``) first agreed on an earlier day, and
        not settled: an exchange until all-for-all is agreed, any other issue until agreed."""
        first = self.config.issues[issue].opens_after
        if first is not None and not (self.agreed[first] and self.agreed_day[first] < self.day):
            return False
        if issue in self.exchanges:
            return self.level[issue] < 1.0
        return not self.agreed[issue]

    def bargain(self, issue: str, session: int) -> None:
        """One issue at one session: aspirations, the zone of agreement, a proposal, every
        party's answer; at the last session, who blocked it (§5, §7)."""
        self.opened[issue] = True
        agreed_so_far = self.level[issue]
        tau = session / self.calendar.sessions
        aspirations = {p.key: p.aspiration(issue, tau) for p in self.parties}
        # each party's margin u_i(x) − a_i per grid level; levels already agreed are not on
        # offer; the zone of agreement reads the smallest
        own = {p.key: [p.utility(issue, float(x)) - aspirations[p.key] if x > agreed_so_far
                       else -math.inf for x in rules.GRID] for p in self.parties}
        margins = [min(column) for column in zip(*own.values(), strict=True)]
        self.tell("ranges", issue=issue,
                  ranges={p.key: self.acceptable_range(p, issue, own[p.key]) for p in self.parties})
        acceptable = self.judge_zone(issue, margins)
        level = self.propose(issue, aspirations, margins, agreed_so_far)
        answers = [p.respond(issue, level, aspirations[p.key]) for p in self.parties]
        agreed = all(shortfall <= 0.0 for _, shortfall in answers)
        if agreed:
            for party, (value, _) in zip(self.parties, answers, strict=True):
                party.agreed_utility[issue] = value
            self.agree(issue, level)
        self.tell("agreement" if agreed else "impasse", issue=issue, level=level,
                  total=self.level[issue], tranche=self.tranches[issue])
        if session == self.calendar.sessions and not self.agreed[issue]:
            self.blame(issue, margins, acceptable, aspirations, [s for _, s in answers])

    @staticmethod
    def acceptable_range(party: RefParty, issue: str, margins: list[float]) -> dict:
        """The party's acceptable range (§5.8): the lowest and highest grid level on offer that
        it accepts without noise (margin ≥ 0), with its leader present and without (within its
        delegation's mandate); None where there is none."""
        levels = [float(x) for x, margin in zip(rules.GRID, margins, strict=True) if margin >= 0.0]
        within = [x for x in levels if x <= party.mandate[issue]]
        return {"present": [levels[0], levels[-1]] if levels else None,
                "absent": [within[0], within[-1]] if within else None,
                "interval": not levels or len(levels) == round((levels[-1] - levels[0]) * 20) + 1}

    def judge_zone(self, issue: str, margins: list[float]) -> list[float]:
        """The zone of agreement: the grid levels every party accepts without noise (every
        margin ≥ 0); open if one of them is within every absent leader's delegation mandate
        (§5). Returns the levels acceptable by utility alone."""
        acceptable = [float(x) for x, margin in zip(rules.GRID, margins, strict=True) if margin >= 0.0]
        within = [x for x in acceptable
                  if all(p.present or x <= p.mandate[issue] for p in self.parties)]
        self.zone_if_leaders[issue] = bool(acceptable)
        self.zone_open[issue] = bool(within)
        self.tell("zone", issue=issue, open=bool(within), if_leaders=bool(acceptable),
                  low=within[0] if within else None, high=within[-1] if within else None,
                  mandate={p.key: p.mandate[issue] for p in self.parties if not p.present})
        return acceptable

    def propose(self, issue: str, aspirations: dict[str, float], margins: list[float],
                agreed_so_far: float) -> float:
        """With chance ``skill`` the most skilled mediator proposes; otherwise the parties'
        midpoint plus Normal noise, snapped to the grid (§5 step 2). A proposal is a total
        level above what is already agreed."""
        if self.mediators:
            mediator = max(self.mediators, key=lambda m: m.skill)  # ties: the first by id
            if self.happens("mediate", mediator.skill, other=issue):
                return mediator.propose(issue, margins, agreed_so_far)
        midpoint = sum(p.positions[issue] for p in self.parties) / len(self.parties)
        noise = normal_from(self.draw("proposal_a", other=issue), self.draw("proposal_b", other=issue))
        level = max(self.snap(midpoint + self.config.talks.proposal_sd * noise),
                    float(rules.next_level(agreed_so_far)))
        self.tell("proposal", issue=issue, level=level, by=None, midpoint=midpoint,
                  noise=self.config.talks.proposal_sd * noise)
        return level

    def agree(self, issue: str, level: float) -> None:
        """Every party accepted: agreed at ``level``; for an exchange, a tranche up to that
        total joins the queue of stages (§6)."""
        if not self.agreed[issue]:
            self.agreed_day[issue] = self.day
        self.agreed[issue] = True
        if issue in self.exchanges:
            spec = self.config.issues[issue]
            idle = self.stages_done[issue] == len(self.tranche_sizes[issue]) * spec.stages
            self.tranche_sizes[issue].append(level - self.level[issue])
            if idle:
                self.next_stage[issue] = self.day + spec.first_stage_days
        self.level[issue] = level
        self.tranches[issue] += 1

    def blame(self, issue: str, margins: list[float], acceptable: list[float],
              aspirations: dict[str, float], shortfalls: list[float]) -> None:
        """The party that blocked an issue never agreed, judged at the last session (§7), the
        first by id on ties: with a zone of agreement, the one that refused the proposal by
        the widest margin (beyond its mandate: infinitely wide); without one but with one had
        the absent leaders come, the first whose delegation's mandate is below every level
        all would accept; with none at all, the one furthest from accepting the best
        compromise (the maximin level)."""
        parties = self.parties
        if self.zone_open[issue]:
            widest = max(range(len(parties)), key=shortfalls.__getitem__)
            self.blocker[issue] = parties[widest].key
        elif self.zone_if_leaders[issue]:
            lowest = acceptable[0]
            self.blocker[issue] = next(p.key for p in parties
                                       if not p.present and p.mandate[issue] < lowest)
        else:
            best = float(rules.GRID[max(range(len(margins)), key=margins.__getitem__)])
            gaps = [aspirations[p.key] - p.utility(issue, best) for p in parties]
            self.blocker[issue] = parties[max(range(len(parties)), key=gaps.__getitem__)].key

    def exchange_prisoners(self) -> None:
        """On a stage date, the next stage in the queue completes with chance
        ``1 − stall·(1 − T_x)``, the lowest exchange trust T_x among the parties, or is retried
        at the next stage date; a completed stage of a tranche of size y is a costly signal
        with likelihood ratio ``signal_strength^(y/stages)`` (§3, §6)."""
        for k in self.exchanges:
            if self.next_stage[k] != self.day:
                continue
            issue = self.config.issues[k]
            least = min(p.exchange_trust() for p in self.parties)
            chance = rules.stage_success(issue.stall, least)
            completed = self.happens("stage", chance, other=k)
            tranche = self.stages_done[k] // issue.stages
            self.tell("exchange_stage", issue=k, stage=self.stages_done[k] % issue.stages + 1,
                      stages=issue.stages, tranche=tranche + 1, chance=chance, completed=completed)
            if completed:
                size = self.tranche_sizes[k][tranche]
                self.stages_done[k] += 1
                ratio = rules.stage_signal(self.config.observation.signal_strength, size,
                                           issue.stages)
                for party in self.parties:
                    party.receive_signal(ratio)
            pending = self.stages_done[k] < len(self.tranche_sizes[k]) * issue.stages
            self.next_stage[k] = self.day + issue.stage_every_days if pending else None

    def keep_ceasefire(self) -> None:
        """A day of ceasefire (in force from the day after agreement): every party may
        violate, then observes the others, updates its trust, and may declare it over (§6)."""
        k = self.ceasefire
        if k is None:
            return
        if self.agreed[k] and self.agreed_day[k] == self.day - 1:
            self.in_force = True
            self.tell("ceasefire_starts", issue=k, scope=self.level[k])
        if not self.in_force:
            return
        scope = self.level[k]
        deterrence = min(1.0, max(0.0, sum(g.deterrence() for g in self.guarantors)))
        for party in self.parties:
            party.violate(scope, deterrence)
        for party in self.parties:
            party.observe(scope, self.seen, self.false_alarm)
        for party in self.parties:
            party.update_trust(scope, self.seen, self.false_alarm, self.expected_deterrence)
        ends = self.exits()
        self.ceasefire_days += 1
        term = self.config.issues[k].duration_days
        if ends:
            self.in_force, self.collapsed = False, True
            self.tell("collapse", issue=k, days=self.ceasefire_days)
        elif term is not None and self.ceasefire_days >= term:
            self.in_force = False  # reached its term: held
            self.tell("term_completed", issue=k, days=self.ceasefire_days)

    def exits(self) -> bool:
        """Each party in turn (by id) may declare the ceasefire over; one declaration ends it
        for all. Records who ended it and whether any violation it saw today was real (§7)."""
        for party in self.parties:
            if party.exit():
                self.ended_by = party.key
                self.ended_after = "violation" if party.saw_real_violation() else "false_alarm"
                return True
        return False

    # -- the outcome record (§7) ----------------------------------------------------------

    def outcome(self) -> str:
        """The replicate's outcome; a ceasefire outranks an exchange (§7)."""
        if not self.talks_held:
            return "no_talks"
        if self.ceasefire is not None and self.agreed[self.ceasefire]:
            return "ceasefire_collapsed" if self.collapsed else "ceasefire_holding"
        if any(self.agreed[k] for k in self.exchanges):
            return "exchange_only"
        return "no_agreement"

    def delivered(self, k: str) -> float:
        """Share of an all-for-all exchange the completed stages of issue k delivered: each
        stage of a tranche delivers ``tranche / stages``, tranches in order (§6)."""
        stages = self.config.issues[k].stages
        total = 0.0
        for t, size in enumerate(self.tranche_sizes[k]):
            total += size * min(max(self.stages_done[k] - t * stages, 0), stages)
        return total / stages

    def exchanged_share(self) -> float:
        """Share of an all-for-all exchange delivered, averaged over exchange issues."""
        if not self.exchanges:
            return 0.0
        return sum(self.delivered(k) for k in self.exchanges) / len(self.exchanges)

    def held_share(self, k: str) -> float:
        """How much of agreed issue k was delivered: stages done, or the share of the
        ceasefire's term (or of the days left to the horizon) it held; 1 otherwise."""
        issue = self.config.issues[k]
        if issue.kind == "exchange":
            return self.delivered(k) / self.level[k] if self.level[k] > 0 else 0.0
        if issue.kind == "ceasefire":
            left = self.calendar.horizon_days - (self.agreed_day[k] + 1)
            term = left if issue.duration_days is None else min(left, issue.duration_days)
            return self.ceasefire_days / max(term, 1)
        return 1.0

    def payoff(self, party: RefParty) -> float:
        """Salience-weighted utility of what was agreed and delivered, minus the audience
        cost if this leader stayed away while another party's came (§7)."""
        total = 0.0
        for k in self.issue_ids:
            if self.agreed[k]:
                total += party.salience[k] * party.agreed_utility[k] * self.held_share(k)
        return total - party.audience_cost if party.absent else total

    def columns(self) -> list[str]:
        """The record's column names, in the order of the engine's replicate table."""
        cfg = self.config
        parties = cfg.parties
        return ["replicate", "outcome", *[f"attended.{a}" for a in cfg.actors], "leaders_met",
                *[f"agreed.{k}" for k in cfg.issues], *[f"level.{k}" for k in cfg.issues],
                *[f"day.{k}" for k in cfg.issues], *[f"tranches.{k}" for k in cfg.issues],
                "ceasefire_days", "exchanged_share",
                *[f"violations.{p}" for p in parties],
                *[f"trust.{p}.{j}" for p in parties for j in parties if j != p],
                *[f"payoff.{p}" for p in parties],
                *[f"reason.{k}" for k in cfg.issues], *[f"blocker.{k}" for k in cfg.issues],
                "ended_by", "ended_after"]

    def reason(self, k: str) -> str:
        """Why issue k ended as it did: the first that applies, in the order of §7."""
        if self.agreed[k]:
            return "agreed"
        if not self.talks_held:
            return "no_talks"
        if not self.opened[k]:
            return "not_opened"
        if not self.zone_open[k] and self.zone_if_leaders[k]:
            return "no_mandate"
        if not self.zone_if_leaders[k]:
            return "no_overlap"
        return "refused"

    def record(self) -> dict:
        """The outcome record as one dict, the engine's column names (``day.<issue>`` is
        None where the issue was not agreed)."""
        cfg, actors = self.config, self.actors
        row: dict = {"replicate": self.replicate, "outcome": self.outcome()}
        row.update({f"attended.{a}": actors[a].present for a in cfg.actors})
        row["leaders_met"] = all(p.present for p in self.parties)
        row.update({f"agreed.{k}": self.agreed[k] for k in cfg.issues})
        row.update({f"level.{k}": self.level[k] for k in cfg.issues})
        row.update({f"day.{k}": self.agreed_day[k] for k in cfg.issues})
        row.update({f"tranches.{k}": self.tranches[k] for k in cfg.issues})
        row["ceasefire_days"] = self.ceasefire_days
        row["exchanged_share"] = self.exchanged_share()
        row.update({f"violations.{p}": actors[p].violations for p in cfg.parties})
        row.update({f"trust.{p}.{j}": actors[p].trust[j]
                    for p in cfg.parties for j in cfg.parties if j != p})
        row.update({f"payoff.{p}": self.payoff(actors[p]) for p in cfg.parties})
        row.update({f"reason.{k}": self.reason(k) for k in cfg.issues})
        row.update({f"blocker.{k}": self.blocker[k] for k in cfg.issues})
        row["ended_by"], row["ended_after"] = self.ended_by, self.ended_after
        return {c: _plain(v) for c, v in row.items()}


def _plain(value):
    """numpy scalars (from the formula functions) as Python numbers."""
    return value.item() if isinstance(value, np.generic) else value


def run_reference(scenario, root_seed: int, first_replicate: int, count: int) -> list[dict]:
    """Records of replicates ``first_replicate … first_replicate + count − 1``, one model each
    (with their closest calls under ``closest_call``)."""
    records = []
    for replicate in range(first_replicate, first_replicate + count):
        model = ReferenceModel(scenario=scenario, root_seed=root_seed, replicate=replicate)
        model.run()
        records.append({**model.outcome_record, "closest_call": model.closest_call})
    return records
