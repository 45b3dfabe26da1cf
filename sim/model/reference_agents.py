"""The reference model's agents: one replicate, plain Python numbers, if-statements.

These are the rules of docs/model.md §2-6 written the conventional Mesa way, for reading. Each
agent holds the state of ONE replicate (floats, bools, dicts); each rule is a short verb
method (``announce``, ``aspiration``, ``respond``, ``violate``, ``observe``, ``update_trust``,
``exit``). Every number comes from the formula functions of :mod:`sim.model.rules` (the same
ones the ensemble engine calls with arrays) and every random number from a keyed draw
(:meth:`ReferenceModel.happens`, §8), so this model reproduces the engine's replicate k
exactly. Parameters are read from the scenario as it is written (sweeps with per-replicate
parameter values are the engine's business).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from sim.model import rules
from sim.model.draws import logistic_from

if TYPE_CHECKING:
    from sim.model.reference import ReferenceModel


class RefActor(mesa.Agent):
    """What every actor has: an id, a leader, and the leader's attendance decision (§2)."""

    model: ReferenceModel

    def __init__(self, model: ReferenceModel, actor_id: str, config) -> None:
        super().__init__(model)
        self.key = actor_id
        self.config = config
        self.mode = config.attendance.mode
        self.propensity = config.attendance.propensity
        self.follows = dict(sorted(config.attendance.follows.items()))
        # An 'always' leader counts as announced before the first announcement day (§2).
        self.announced_day = -model.calendar.announcement_days - 1 if self.mode == "always" else None

    @property
    def present(self) -> bool:
        """The leader attends every session: announced before day 0 (announcements stand)."""
        return self.announced_day is not None and self.announced_day < 0

    def announced_before(self, day: int) -> bool:
        return self.announced_day is not None and self.announced_day < day

    def announce(self) -> None:
        """An undecided 'auto' leader announces with the daily chance ``1 − (1 − p)^(1/A)``.

        ``p`` adds the ``follows`` weights of leaders who announced on EARLIER days only:
        announcements of the same day are simultaneous (§2).
        """
        model = self.model
        if self.mode != "auto" or self.announced_day is not None:
            return
        pull = sum(w * model.actors[j].announced_before(model.day) for j, w in self.follows.items())
        chance = rules.announce_chance(self.propensity, pull, model.calendar.announcement_days)
        if model.happens("announce", chance, self.key):
            self.announced_day = model.day
            model.tell("announce", actor=self.key, chance=chance, pull=pull,
                       followed=[j for j in self.follows if model.actors[j].announced_before(model.day)])


class RefMediator(RefActor):
    """Hosts the talks, proposes, presses when its leader attends, builds trust (§2, §5)."""

    forgiveness = 1.0  # a mediator presses every party alike (§5)

    def __init__(self, model: ReferenceModel, actor_id: str, config) -> None:
        super().__init__(model, actor_id, config)
        self.skill = config.skill
        self.bias = dict(sorted(config.bias.items()))
        self.trust_building = config.trust_building
        self.leverage = config.leverage
        self.custody = config.custody

    def propose(self, issue: str, margins: list[float], agreed_so_far: float) -> float:
        """The grid level with the largest smallest margin ``u_i(x) − a_i`` (``margins``, one
        per grid level), then shifted toward favoured parties by the bias, and above what is
        already agreed (§5 step 2; Kydd 2003, Svensson 2007)."""
        model = self.model
        best_at = max(range(len(margins)), key=margins.__getitem__)  # ties: the lowest level
        model.note_argmax(margins, best_at)
        best = float(rules.GRID[best_at])
        shift = sum(b * (model.actors[p].positions[issue] - best) for p, b in self.bias.items())
        level = max(model.snap(best + model.config.talks.bias_scale * shift),
                    float(rules.next_level(agreed_so_far)))
        model.tell("proposal", actor=self.key, issue=issue, level=level, by=self.key,
                   maximin=best, margin=margins[best_at])
        return level

    def build_trust(self) -> None:
        """After a session, each party's trust in each other party rises by
        ``trust_building · trust in this mediator · (1 − trust)`` (§3; Kydd 2003, 2006)."""
        for party in self.model.parties:
            in_me = party.trust_in_third[self.key]
            for j in party.trust:
                before = party.trust[j]
                party.trust[j] = rules.mediation(party.trust[j], self.trust_building, in_me)
                self.model.tell("trust", actor=party.key, other=j, before=before,
                                after=party.trust[j], cause="mediation", source=self.key)


class RefGuarantor(RefActor):
    """Monitors any ceasefire, deters when committed, presses at the talks (§2)."""

    def __init__(self, model: ReferenceModel, actor_id: str, config) -> None:
        super().__init__(model, actor_id, config)
        self.monitoring = config.monitoring
        self.credibility = config.credibility
        self.enforcement = config.enforcement
        self.leverage = config.leverage
        self.forgiveness = config.forgiveness
        # Committed or not is drawn once per replicate; the parties never see it (§2).
        self.committed = model.happens("commitment", self.credibility, self.key, day=0)

    def deterrence(self) -> float:
        """What its punishment takes off deliberate violations: only if committed (§6)."""
        return self.enforcement * self.monitoring if self.committed else 0.0

    def expected_deterrence(self) -> float:
        """The parties' estimate of its deterrence: they know credibility, not commitment (§3)."""
        return self.credibility * self.enforcement * self.monitoring


class RefParty(RefActor):
    """A side of the conflict: bargains, complies or violates, updates its trust (§2-6)."""

    def __init__(self, model: ReferenceModel, actor_id: str, config) -> None:
        super().__init__(model, actor_id, config)
        issues = list(model.config.issues)
        concession = config.concession
        self.delegation = config.delegation
        self.mandate = {k: config.mandate.get(k, 0.0) for k in issues}  # missing: nothing
        self.positions = dict(config.positions)
        self.reservation = dict(config.reservation)
        self.concession = concession if isinstance(concession, dict) else dict.fromkeys(issues, concession)
        self.salience = filled_salience(config.salience, issues)
        for field in ("momentum", "exposure", "exchange_exposure", "audience_cost",
                      "trustworthiness", "violation_rate", "accident_rate", "retaliation",
                      "exit_rate"):
            setattr(self, field, getattr(config, field))
        # Reciprocating or opportunistic is drawn once per replicate (§2, Kydd 2000).
        self.reciprocating = model.happens("type", self.trustworthiness, self.key, day=0)
        self.trust: dict[str, float] = {}  # in the other parties: changes with evidence
        self.trust_in_third: dict[str, float] = {}  # in mediators and guarantors: fixed
        self.uncovered = 1.0
        self.uncovered_exchange = 1.0
        self.absent = False
        self.pressure = 0.0
        self.violated = False
        self.saw_violation = False  # yesterday's observations, for retaliation
        self.seen: dict[str, bool] = {}  # today's observation of each counterpart
        self.violations = 0
        self.agreed_utility = dict.fromkeys(issues, 0.0)

    def meet_counterparts(self) -> None:
        """Read this party's row of the trust matrix once every actor exists (§3)."""
        row = self.model.config.trust[self.key]
        for j in sorted(row):
            if isinstance(self.model.actors[j], RefParty):
                self.trust[j] = row[j]
            else:
                self.trust_in_third[j] = row[j]
        for g in self.model.guarantors:
            self.uncovered *= rules.guarantee_cover(self.trust_in_third[g.key], g.credibility,
                                                    g.enforcement, g.monitoring)
        # an exchange: a mediator holding it takes over part of the risk, and a guarantor needs
        # no monitors to see whether prisoners come home (§3)
        for m in self.model.mediators:
            self.uncovered_exchange *= rules.custody_cover(self.trust_in_third[m.key], m.custody)
        for g in self.model.guarantors:
            self.uncovered_exchange *= rules.exchange_guarantee_cover(
                self.trust_in_third[g.key], g.credibility, g.enforcement)

    # -- trust ----------------------------------------------------------------------------

    def effective_trust(self, j: str) -> float:
        """``T_eff[i][j] = 1 − (1 − trust[i][j])·Π_g(1 − trust[i][g]·c_g·e_g·m_g)`` (§3)."""
        return rules.effective_trust(self.trust[j], self.uncovered)

    def least_trust(self) -> float:
        """Effective trust in the least-trusted counterpart (§3)."""
        return min(self.effective_trust(j) for j in self.trust)

    def exchange_trust(self) -> float:
        """``T_x``: trust for an exchange in the least-trusted counterpart, topped up by the
        mediators holding it and the guarantors: ``1 − (1 − trust)·uncovered_exchange`` (§3)."""
        return min(rules.effective_trust(self.trust[j], self.uncovered_exchange)
                   for j in self.trust)

    def notice_no_show(self) -> None:
        """Once, before the first session: if this leader came and j's stayed away, trust in
        j falls by the fraction ``audience_cost_j`` (§3; Fearon 1994)."""
        if not self.model.talks_held:
            return
        for j in self.trust:
            other = self.model.actors[j]
            if self.present and not other.present:
                before = self.trust[j]
                self.trust[j] *= 1.0 - other.audience_cost
                self.model.tell("trust", actor=self.key, other=j, before=before,
                                after=self.trust[j], cause="no_show", source=j)

    def receive_signal(self, ratio: float) -> None:
        """A completed exchange stage is a costly signal of reciprocity, both ways (§3)."""
        for j in self.trust:
            before = self.trust[j]
            self.trust[j] = rules.bayes_ratio(self.trust[j], ratio)
            self.model.tell("trust", actor=self.key, other=j, before=before, after=self.trust[j],
                            cause="signal", source=j)

    # -- talks ----------------------------------------------------------------------------

    def aspiration(self, issue: str, tau: float) -> float:
        """Lowest utility it accepts at session ``τ = s/S``, less pressure (§5 step 1)."""
        return rules.aspiration(self.reservation[issue], tau, self.concession[issue], self.pressure)

    def utility(self, issue: str, level: float) -> float:
        """``1 − |x − position|``, less the ceasefire's costs for a ceasefire, and for an
        exchange the risk on what is agreed but not yet delivered (§4)."""
        kind = self.model.config.issues[issue].kind
        cost, delivered = 0.0, 0.0
        if kind == "ceasefire":
            cost = rules.ceasefire_cost(self.momentum, self.exposure, self.least_trust())
        elif kind == "exchange":
            cost = rules.exchange_cost(self.exchange_exposure, self.exchange_trust())
            delivered = self.model.delivered(issue)
        return rules.utility(level, self.positions[issue], cost, delivered)

    def respond(self, issue: str, level: float, aspiration: float) -> tuple[float, float]:
        """Its utility for the proposal and its shortfall ``aspiration − (u + ε)``, with
        logistic decision noise ε: it accepts if the shortfall is at most 0, which needs its
        leader here or the level within its delegation's mandate (infinitely short
        otherwise) (§5 step 3)."""
        model = self.model
        if not (self.present or level <= self.mandate[issue]):
            model.tell("response", actor=self.key, issue=issue, level=level, accepted=False,
                       mandate=self.mandate[issue])
            return 0.0, math.inf
        value = self.utility(issue, level)
        noise = logistic_from(model.draw("respond", self.key, issue), model.config.talks.decision_noise)
        accepted = not model.less(value + noise, aspiration)
        model.tell("response", actor=self.key, issue=issue, level=level, accepted=accepted,
                   utility=value, noise=noise, aspiration=aspiration)
        return value, aspiration - (value + noise)

    # -- the ceasefire --------------------------------------------------------------------

    def violate(self, scope: float, deterrence: float) -> None:
        """Violate today: deliberately (opportunistic types only), by accident, or in
        retaliation for a violation observed yesterday (§6)."""
        happens = self.model.happens
        deliberate_chance = self.violation_rate * scope * (1.0 - deterrence)
        deliberate = not self.reciprocating and happens("violate", deliberate_chance, self.key)
        accident = not deliberate and happens("accident", self.accident_rate * scope, self.key)
        retaliating = (not (deliberate or accident) and self.saw_violation
                       and happens("retaliate", self.retaliation, self.key))
        self.violated = deliberate or accident or retaliating
        self.violations += self.violated
        if self.violated:
            why = "deliberate" if deliberate else "accident" if accident else "retaliation"
            chances = {"deliberate": deliberate_chance, "accident": self.accident_rate * scope,
                       "retaliation": self.retaliation}
            self.model.tell("violation", actor=self.key, reason=why, chance=chances[why])

    def observe(self, scope: float, seen: float, false_alarm: float) -> None:
        """See each counterpart's conduct through a noisy channel: a real violation with
        chance ``d·scope``, a false alarm with chance ``f·scope`` (§3)."""
        for j in sorted(self.trust):
            chance = (seen if self.model.actors[j].violated else false_alarm) * scope
            self.seen[j] = self.model.happens("observe", chance, self.key, j)
        self.saw_violation = any(self.seen.values())

    def update_trust(self, scope: float, seen: float, false_alarm: float,
                     expected_deterrence: float) -> None:
        """Bayes on today's observation of each counterpart j, each type of j violating with
        the chance the observer believes (§3; Kydd 2000)."""
        for j, saw in self.seen.items():
            other = self.model.actors[j]
            p_r, p_o = rules.violation_beliefs(other.accident_rate, other.violation_rate, scope,
                                               expected_deterrence)
            report_r = rules.seen_chance(p_r, seen * scope, false_alarm * scope)
            report_o = rules.seen_chance(p_o, seen * scope, false_alarm * scope)
            like_r = report_r if saw else 1.0 - report_r
            like_o = report_o if saw else 1.0 - report_o
            before = self.trust[j]
            self.trust[j] = rules.bayes(self.trust[j], like_r, like_o)
            self.model.tell("observation", actor=self.key, other=j, saw=saw,
                            violated=other.violated, before=before, after=self.trust[j])

    def saw_real_violation(self) -> bool:
        """Whether any violation it saw today was real (not a false alarm)."""
        return any(saw and self.model.actors[j].violated for j, saw in self.seen.items())

    def exit(self) -> bool:
        """After seeing a violation by j, declare the ceasefire over with chance
        ``exit_rate·(1 − T_eff[i][j])``, using the trust just updated (§6)."""
        for j, saw in self.seen.items():
            chance = rules.exit_chance(self.exit_rate, self.effective_trust(j))
            if saw:
                leaves = self.model.happens("exit", chance, self.key, j)
                self.model.tell("exit" if leaves else "stays", actor=self.key, other=j,
                                chance=chance, effective_trust=self.effective_trust(j))
                if leaves:
                    return True
        return False


def filled_salience(given: dict[str, float], issues: list[str]) -> dict[str, float]:
    """Issues without a salience weight share equally what the given weights leave of 1."""
    missing = [k for k in issues if k not in given]
    if not missing:
        return dict(given)
    rest = max(0.0, 1.0 - sum(given.values()))
    return {**given, **{k: rest / len(missing) for k in missing}}
