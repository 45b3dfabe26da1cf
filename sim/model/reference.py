"""The reference model: ONE replicate of the negotiation, written the conventional Mesa way.

:class:`ReferenceModel` is the plainest reading of the rules of docs/model.md §1-8: one history per
model, agents with scalar state (:mod:`sim.model.reference_agents`), if-statements, one
``step()`` per day from day −A to the horizon, in the same phase order as the ensemble engine
(:class:`sim.model.model.NegotiationModel`)::

    announce            days −A … −1: undecided leaders decide whether to come       (§2)
    negotiate           session days: aspiration, proposal, response, trust-building (§5)
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
  that one was agreed;
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
        self.agreed_day: dict[str, int | None] = dict.fromkeys(self.issue_ids, None)
        self.talks_held = all(p.delegation for p in self.parties)  # a boycott: no talks (§5)
        self.session_of_day = {s * cal.session_every_days: s + 1 for s in range(cal.sessions)}
        self.exchanges = [k for k in self.issue_ids if cfg.issues[k].kind == "exchange"]
        self.stages_done = dict.fromkeys(self.exchanges, 0)
        self.ceasefire = next((k for k in self.issue_ids if cfg.issues[k].kind == "ceasefire"), None)
        self.in_force = False
        self.collapsed = False
        self.ceasefire_days = 0
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
                self.bargain(issue, session / self.calendar.sessions)
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
        """Not yet agreed, and its prerequisite (``opens_after``) agreed on an earlier day."""
        first = self.config.issues[issue].opens_after
        if self.agreed[issue]:
            return False
        return first is None or (self.agreed[first] and self.agreed_day[first] < self.day)

    def bargain(self, issue: str, tau: float) -> None:
        """One issue at one session: aspirations, a proposal, every party's answer (§5)."""
        aspirations = {p.key: p.aspiration(issue, tau) for p in self.parties}
        level = self.propose(issue, aspirations)
        answers = [p.respond(issue, level, aspirations[p.key]) for p in self.parties]
        if all(answers):
            self.agreed[issue], self.level[issue], self.agreed_day[issue] = True, level, self.day
        self.tell("agreement" if all(answers) else "impasse", issue=issue, level=level)

    def propose(self, issue: str, aspirations: dict[str, float]) -> float:
        """With chance ``skill`` the most skilled mediator proposes; otherwise the parties'
        midpoint plus Normal noise, snapped to the grid (§5 step 2)."""
        if self.mediators:
            mediator = max(self.mediators, key=lambda m: m.skill)  # ties: the first by id
            if self.happens("mediate", mediator.skill, other=issue):
                return mediator.propose(issue, aspirations)
        midpoint = sum(p.positions[issue] for p in self.parties) / len(self.parties)
        noise = normal_from(self.draw("proposal_a", other=issue), self.draw("proposal_b", other=issue))
        level = self.snap(midpoint + self.config.talks.proposal_sd * noise)
        self.tell("proposal", issue=issue, level=level, by=None, midpoint=midpoint,
                  noise=self.config.talks.proposal_sd * noise)
        return level

    def exchange_prisoners(self) -> None:
        """On a stage date of an agreed exchange, the next stage completes with chance
        ``1 − stall·(1 − T_eff)``, the lowest T_eff among the parties; a completed stage is a
        costly signal with likelihood ratio ``signal_strength^(1/stages)`` (§3, §6)."""
        for k in self.exchanges:
            if not self.stage_due(k):
                continue
            issue = self.config.issues[k]
            least = min(p.least_trust() for p in self.parties)
            chance = rules.stage_success(issue.stall, least)
            completed = self.happens("stage", chance, other=k)
            self.tell("exchange_stage", issue=k, stage=self.stages_done[k] + 1,
                      stages=issue.stages, chance=chance, completed=completed)
            if completed:
                self.stages_done[k] += 1
                ratio = self.config.observation.signal_strength ** (1.0 / issue.stages)
                for party in self.parties:
                    party.receive_signal(ratio)

    def stage_due(self, k: str) -> bool:
        """A stage date: ``first_stage_days`` after agreement, then every ``stage_every_days``."""
        issue = self.config.issues[k]
        if not self.agreed[k] or self.stages_done[k] >= issue.stages:
            return False
        since = self.day - self.agreed_day[k] - issue.first_stage_days
        return since >= 0 and since % issue.stage_every_days == 0

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
        ends = any(party.exit() for party in self.parties)  # one declaration ends it for all
        self.ceasefire_days += 1
        term = self.config.issues[k].duration_days
        if ends:
            self.in_force, self.collapsed = False, True
            self.tell("collapse", issue=k, days=self.ceasefire_days)
        elif term is not None and self.ceasefire_days >= term:
            self.in_force = False  # reached its term: held
            self.tell("term_completed", issue=k, days=self.ceasefire_days)

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

    def exchanged_share(self) -> float:
        """Share of an all-for-all exchange delivered, averaged over exchange issues."""
        if not self.exchanges:
            return 0.0
        return sum(self.level[k] * self.stages_done[k] / self.config.issues[k].stages
                   for k in self.exchanges) / len(self.exchanges)

    def held_share(self, k: str) -> float:
        """How much of agreed issue k was delivered: stages done, or the share of the
        ceasefire's term (or of the days left to the horizon) it held; 1 otherwise."""
        issue = self.config.issues[k]
        if issue.kind == "exchange":
            return self.stages_done[k] / issue.stages
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
                *[f"day.{k}" for k in cfg.issues], "ceasefire_days", "exchanged_share",
                *[f"violations.{p}" for p in parties],
                *[f"trust.{p}.{j}" for p in parties for j in parties if j != p],
                *[f"payoff.{p}" for p in parties]]

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
        row["ceasefire_days"] = self.ceasefire_days
        row["exchanged_share"] = self.exchanged_share()
        row.update({f"violations.{p}": actors[p].violations for p in cfg.parties})
        row.update({f"trust.{p}.{j}": actors[p].trust[j]
                    for p in cfg.parties for j in cfg.parties if j != p})
        row.update({f"payoff.{p}": self.payoff(actors[p]) for p in cfg.parties})
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
