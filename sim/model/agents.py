"""Who acts and how: parties, mediators and guarantors (docs/model.md §2-6).

Each agent is one actor of the scenario for a whole ensemble: its state holds one entry per
replicate (numpy arrays of shape ``(R,)``), and its rules are array operations on the
replicates given by ``where`` (an index array: the replicates the rule applies to today).
Parameters are floats or ``(R,)`` arrays (a sweep gives each replicate its own values);
:func:`pick` reads them at ``where`` either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model import rules
from sim.model.draws import logistic_from

if TYPE_CHECKING:
    from sim.model.model import NegotiationModel

NEVER = 10**9
"""Day number meaning 'has not happened' (announcement, agreement, collapse)."""


def pick(value: np.ndarray, where: np.ndarray | None) -> np.ndarray:
    """A parameter at the replicates ``where``: scalars as they are, arrays indexed."""
    if where is None or np.ndim(value) == 0:
        return value
    return value[where]


class Actor(mesa.Agent):
    """What every actor has: an id, a leader, and the leader's attendance decision (§2)."""

    model: NegotiationModel
    role = "actor"

    def __init__(self, model: NegotiationModel, actor_id: str, config) -> None:
        super().__init__(model)
        self.key = actor_id
        self.config = config
        attendance = config.attendance
        self.mode = attendance.mode
        self.propensity = self.param("attendance.propensity", attendance.propensity)
        self.follows = {j: self.param(f"attendance.follows.{j}", w)
                        for j, w in sorted(attendance.follows.items())}
        start = -model.calendar.announcement_days - 1 if self.mode == "always" else NEVER
        self.announced_day = np.full(model.replicates, start, dtype=np.int64)

    def param(self, field: str, default) -> np.ndarray:
        """This actor's parameter ``actors.<id>.<field>`` (scenario value or per-replicate)."""
        return self.model.param(f"actors.{self.key}.{field}", default)

    def announced_before(self, day: int) -> np.ndarray:
        return self.announced_day < day

    @property
    def present(self) -> np.ndarray:
        """The leader attends: announced on one of the announcement days, or always."""
        return self.announced_day < 0

    def announce(self) -> None:
        """Undecided leaders announce with the daily chance of §2 (simultaneous decisions)."""
        model, day = self.model, self.model.day
        if self.mode != "auto":
            return
        pull = sum(w * model.actors[j].announced_before(day) for j, w in self.follows.items())
        chance = rules.announce_chance(self.propensity, pull, model.calendar.announcement_days)
        undecided = self.announced_day == NEVER
        comes = undecided & (model.draws.uniform("announce", day, self.key) < chance)
        self.announced_day[comes] = day


class Mediator(Actor):
    """Hosts the talks, proposes, presses when its leader attends, builds trust (§2, §5)."""

    role = "mediator"

    def __init__(self, model: NegotiationModel, actor_id: str, config) -> None:
        super().__init__(model, actor_id, config)
        self.skill = self.param("skill", config.skill)
        self.bias = {p: self.param(f"bias.{p}", b) for p, b in sorted(config.bias.items())}
        self.trust_building = self.param("trust_building", config.trust_building)
        self.leverage = self.param("leverage", config.leverage)
        self.custody = self.param("custody", config.custody)
        self.forgiveness = 1.0  # mediators press every party alike (§5)

    def propose(self, issue: str, where: np.ndarray, best: np.ndarray,
                agreed_so_far: np.ndarray) -> np.ndarray:
        """``best``, the grid level with the largest smallest margin ``u_i(x) − a_i`` (the
        model finds it with the zone of agreement), shifted by bias, above what is already
        agreed."""
        shift = sum(pick(b, where) * (pick(self.model.actors[p].position[issue], where) - best)
                    for p, b in self.bias.items())
        return np.maximum(rules.snap(best + pick(self.model.bias_scale, where) * shift),
                          rules.next_level(agreed_so_far))

    def build_trust(self, where: np.ndarray) -> None:
        """After a session, every party's trust in every other rises, scaled by its trust in us."""
        for party in self.model.parties:
            in_me = pick(party.trust_in_third[self.key], where)
            for j in party.trust:
                party.trust[j][where] = rules.mediation(party.trust[j][where],
                                                        pick(self.trust_building, where), in_me)


class Guarantor(Actor):
    """Monitors any ceasefire, deters when committed, presses at the talks (§2)."""

    role = "guarantor"

    def __init__(self, model: NegotiationModel, actor_id: str, config) -> None:
        super().__init__(model, actor_id, config)
        for field in ("monitoring", "credibility", "enforcement", "leverage", "forgiveness"):
            setattr(self, field, self.param(field, getattr(config, field)))
        self.committed = model.draws.uniform("commitment", 0, self.key) < self.credibility

    def deterrence(self, where: np.ndarray) -> np.ndarray:
        """What a committed guarantor's punishment takes off deliberate violations."""
        return (self.committed[where] * pick(self.enforcement, where)
                * pick(self.monitoring, where))

    def expected_deterrence(self) -> np.ndarray:
        """The parties' estimate of :meth:`deterrence`: they know credibility, not commitment."""
        return self.credibility * self.enforcement * self.monitoring


class Party(Actor):
    """A side of the conflict: bargains, complies or violates, and updates its trust (§2-6)."""

    role = "party"

    def __init__(self, model: NegotiationModel, actor_id: str, config) -> None:
        super().__init__(model, actor_id, config)
        issues = model.config.issues
        per_issue = lambda field, values, default=0.0: {  # noqa: E731
            k: self.param(f"{field}.{k}", values.get(k, default)) for k in issues}
        concession = config.concession
        concession = concession if isinstance(concession, dict) else dict.fromkeys(issues, concession)
        self.delegation = np.asarray(self.param("delegation", float(config.delegation))) > 0.5
        self.mandate = per_issue("mandate", config.mandate)
        self.position = per_issue("positions", config.positions)
        self.reservation = per_issue("reservation", config.reservation)
        self.concession = per_issue("concession", concession)
        self.salience = per_issue("salience", _filled_salience(config.salience, issues))
        for field in ("momentum", "exposure", "exchange_exposure", "audience_cost",
                      "trustworthiness", "violation_rate", "accident_rate", "retaliation",
                      "exit_rate"):
            setattr(self, field, self.param(field, getattr(config, field)))
        R = model.replicates
        self.reciprocating = model.draws.uniform("type", 0, self.key) < self.trustworthiness
        self.trust: dict[str, np.ndarray] = {}  # in other parties: changes with evidence
        self.trust_in_third: dict[str, np.ndarray] = {}  # in mediators, guarantors: fixed
        self.absent = np.zeros(R, dtype=bool)
        self.pressure = np.zeros(R)
        self.violated = np.zeros(R, dtype=bool)
        self.saw_violation = np.zeros(R, dtype=bool)
        self.violations = np.zeros(R, dtype=np.int64)
        self.agreed_utility = {k: np.zeros(R) for k in issues}
        self._seen: dict[str, np.ndarray] = {}

    def meet_counterparts(self) -> None:
        """Read this party's row of the trust matrix once all actors exist (§3)."""
        row = self.model.config.trust[self.key]
        R = self.model.replicates
        for j in sorted(row):
            value = self.model.param(f"trust.{self.key}.{j}", row[j])
            if self.model.actors[j].role == "party":
                self.trust[j] = np.broadcast_to(value, (R,)).astype(float)
            else:
                self.trust_in_third[j] = value
        uncovered = 1.0
        for g in self.model.guarantors:
            uncovered = uncovered * rules.guarantee_cover(
                self.trust_in_third[g.key], g.credibility, g.enforcement, g.monitoring)
        self.uncovered = uncovered
        self.uncovered_exchange = self.exchange_uncovered()

    def exchange_uncovered(self):
        """``Π_m (1 − t_m·custody_m) · Π_g (1 − t_g·c_g·e_g)``: the share of an exchange's
        risk that no mediator holding it and no guarantor covers, in this party's eyes (§3.7)."""
        uncovered = 1.0
        for m in self.model.mediators:
            uncovered = uncovered * rules.custody_cover(self.trust_in_third[m.key], m.custody)
        for g in self.model.guarantors:
            uncovered = uncovered * rules.exchange_guarantee_cover(
                self.trust_in_third[g.key], g.credibility, g.enforcement)
        return uncovered

    # -- trust ----------------------------------------------------------------------------

    def effective_trust(self, j: str, where: np.ndarray | None = None) -> np.ndarray:
        """``T_eff[i][j]``: trust in j topped up by what guarantors cover (§3)."""
        trust = self.trust[j] if where is None else self.trust[j][where]
        return rules.effective_trust(trust, pick(self.uncovered, where))

    def least_trust(self, where: np.ndarray | None = None) -> np.ndarray:
        """Effective trust in the least-trusted counterpart (§3)."""
        return np.min([self.effective_trust(j, where) for j in sorted(self.trust)], axis=0)

    def exchange_trust(self, where: np.ndarray | None = None) -> np.ndarray:
        """``T_x``: effective trust for an exchange in the least-trusted counterpart, topped up
        by mediators holding it and by guarantors (§3.7)."""
        uncovered = pick(self.uncovered_exchange, where)
        return np.min([rules.effective_trust(self.trust[j] if where is None else self.trust[j][where],
                                             uncovered) for j in sorted(self.trust)], axis=0)

    def notice_no_show(self, where: np.ndarray) -> None:
        """Before the first session: trust falls in a party whose leader stayed away (§3)."""
        for j in self.trust:
            other = self.model.actors[j]
            hit = where[self.present[where] & ~other.present[where]]
            self.trust[j][hit] *= 1.0 - pick(other.audience_cost, hit)

    def receive_signal(self, where: np.ndarray, ratio: float) -> None:
        """A costly signal (a completed exchange stage) is evidence of reciprocity (§3)."""
        for j in self.trust:
            self.trust[j][where] = rules.bayes_ratio(self.trust[j][where], ratio)

    # -- talks ----------------------------------------------------------------------------

    def aspiration(self, issue: str, tau: float, where: np.ndarray) -> np.ndarray:
        """Lowest utility this party accepts at this session (§5 step 1)."""
        return rules.aspiration(pick(self.reservation[issue], where), tau,
                                pick(self.concession[issue], where), self.pressure[where])

    def costs(self, issue: str, where: np.ndarray) -> tuple:
        """What a unit of ``issue`` costs this party, and what of it is already delivered (§4):
        a ceasefire's momentum and exposure; an exchange's risk on what is undelivered."""
        kind = self.model.config.issues[issue].kind
        if kind == "ceasefire":
            return rules.ceasefire_cost(pick(self.momentum, where), pick(self.exposure, where),
                                        self.least_trust(where)), 0.0
        if kind == "exchange":
            return (rules.exchange_cost(pick(self.exchange_exposure, where),
                                        self.exchange_trust(where)),
                    self.model.delivered[issue][where])
        return 0.0, 0.0

    def utility(self, issue: str, level: np.ndarray, where: np.ndarray) -> np.ndarray:
        """Utility of ``level`` (one per replicate ``where``) (§4)."""
        cost, delivered = self.costs(issue, where)
        return rules.utility(level, pick(self.position[issue], where), cost, delivered)

    def grid_utility(self, issue: str, where: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Utility of every grid level (rows) for the replicates ``where`` (columns), written
        into ``out`` (§4)."""
        cost, delivered = self.costs(issue, where)
        return rules.grid_utility(out, pick(self.position[issue], where), cost, delivered)

    def respond(self, issue: str, level: np.ndarray, aspiration: np.ndarray,
                where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Its utility for the proposal, and its shortfall ``a − (u + ε)``: it accepts if the
        shortfall is at most 0, and infinitely short beyond its delegation's mandate while its
        leader is absent (§5 step 3)."""
        model = self.model
        allowed = self.present[where] | (level <= pick(self.mandate[issue], where))
        value = self.utility(issue, level, where)
        noise = logistic_from(model.draws.uniform("respond", model.day, self.key, issue, where),
                              pick(model.decision_noise, where))
        shortfall = np.where(allowed, aspiration - (value + noise), np.inf)
        return value, shortfall

    # -- ceasefire ------------------------------------------------------------------------

    def violate(self, where: np.ndarray, scope: np.ndarray, deterrence: np.ndarray) -> None:
        """Deliberately (opportunistic types), by accident, or in retaliation (§6)."""
        draw = self.model.draws.uniform
        day = self.model.day
        deliberate = ~self.reciprocating[where] & (
            draw("violate", day, self.key, where=where)
            < pick(self.violation_rate, where) * scope * (1.0 - deterrence))
        accident = draw("accident", day, self.key, where=where) < pick(self.accident_rate, where) * scope
        retaliate = self.saw_violation[where] & (
            draw("retaliate", day, self.key, where=where) < pick(self.retaliation, where))
        self.violated[where] = deliberate | accident | retaliate
        self.violations[where] += self.violated[where]

    def observe(self, where: np.ndarray, scope: np.ndarray, seen: np.ndarray,
                false_alarm: np.ndarray) -> None:
        """See each counterpart's conduct through a noisy channel (§3)."""
        day = self.model.day
        for j in sorted(self.trust):
            chance = np.where(self.model.actors[j].violated[where], seen, false_alarm) * scope
            self._seen[j] = self.model.draws.uniform("observe", day, self.key, j, where) < chance
        self.saw_violation[where] = np.any(list(self._seen.values()), axis=0)

    def update_trust(self, where: np.ndarray, scope: np.ndarray, seen: np.ndarray,
                     false_alarm: np.ndarray, expected_deterrence: np.ndarray) -> None:
        """Bayes on today's observation of each counterpart (§3)."""
        for j, saw in self._seen.items():
            other = self.model.actors[j]
            p_r, p_o = rules.violation_beliefs(pick(other.accident_rate, where),
                                               pick(other.violation_rate, where), scope,
                                               expected_deterrence)
            report_r = rules.seen_chance(p_r, seen * scope, false_alarm * scope)
            report_o = rules.seen_chance(p_o, seen * scope, false_alarm * scope)
            like_r = np.where(saw, report_r, 1.0 - report_r)
            like_o = np.where(saw, report_o, 1.0 - report_o)
            self.trust[j][where] = rules.bayes(self.trust[j][where], like_r, like_o)

    def saw_real_violation(self, where: np.ndarray) -> np.ndarray:
        """Whether any violation it saw today was real (not a false alarm)."""
        return np.any([saw & self.model.actors[j].violated[where] for j, saw in self._seen.items()],
                      axis=0)

    def exit(self, where: np.ndarray) -> np.ndarray:
        """After seeing a violation by j, declare the ceasefire over with chance §6."""
        day = self.model.day
        leaves = np.zeros(where.size, dtype=bool)
        for j, saw in self._seen.items():
            chance = rules.exit_chance(pick(self.exit_rate, where), self.effective_trust(j, where))
            leaves |= saw & (self.model.draws.uniform("exit", day, self.key, j, where) < chance)
        return leaves


def _filled_salience(given: dict[str, float], issues) -> dict[str, float]:
    """Issues without a salience weight share what the given weights leave of 1, equally."""
    missing = [k for k in issues if k not in given]
    rest = max(0.0, 1.0 - sum(given.values()))
    return {**given, **{k: rest / len(missing) for k in missing}} if missing else dict(given)
