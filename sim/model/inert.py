"""Values that cannot act: which parameters of a scenario can change no result, and why
(docs/model.md §13).

Most rules read a parameter only in some circumstances: a leader's propensity to come only
while the leader decides (attendance mode ``auto``), a delegation's mandate only while its
leader is away, a guarantor's credibility in a ceasefire only as far as it monitors. In a
scenario where the circumstance never arises, the parameter can take any valid value without
changing a byte of the results (the replicate table and the daily table, so nothing computed
from them either). :func:`cannot_act` knows these circumstances: it is the one place that
says which values of a scenario are idle, and why, in words. ``negsim show``, the report and
``negsim screen`` all ask it.

The rules are conservative: a value is listed only when no valid value of it can change a
result, the scenario's other values staying as they are; a value that only "usually" changes
nothing is not listed. Where the circumstance rests on another number (a guarantor's
monitoring of 0), the entry names that number in ``given``: change it and the value may act.
Each rule of :data:`RULES` is proved by a test that changes such a value and compares the
results byte for byte, and countered by one where the rule does not apply and the same value
changes something (``tests/model/test_inert.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from sim.model import rules
from sim.model.labels import Labels

RULES = {
    "attendance_settled": "a leader whose attendance is settled (mode always or never) never "
                          "uses a propensity to come or a follows weight (§2.2)",
    "nothing_to_follow": "following a leader who never announces, or who can announce only on "
                         "the last announcement day, adds nothing (§2.2)",
    "leader_present": "a delegation whose leader always attends is not limited by its mandate "
                      "(§5.4)",
    "no_talks": "what acts only at the talks, when a party sends no delegation (§5.1)",
    "off_table": "what is used only to bargain over an issue that never comes to the table "
                 "(§4.3, §5)",
    "never_agreed": "what acts only once an issue is agreed, for an issue that can never be "
                    "(§5.4, §6, §7.3)",
    "no_ceasefire_on_table": "the costs of ceasefire scope and monitoring, with no ceasefire "
                             "on the table (§3.2, §3.3, §4.4)",
    "no_ceasefire_in_force": "what acts only while a ceasefire is in force, when none can be "
                             "(§3.3, §6.2, §6.3)",
    "no_deliberate_violations": "a party's type, when its violation rate is 0: the types "
                                "differ only in deliberate violations (§6.2)",
    "no_exchange_on_table": "the cost of an exchange's risk, with no exchange on the table "
                            "(§4.4)",
    "no_exchange_agreed": "the evidence of completed exchange stages, when no exchange can be "
                          "agreed (§3.4)",
    "never_absent": "what counts only when a party's leader stays away while another's comes, "
                    "when that cannot happen (§3.6, §5.2, §7.3)",
    "no_pressure": "leverage, forgiveness and the pressure scale, when no third party with "
                   "leverage can press at the talks (§5.2)",
    "never_proposes": "a mediator's bias, and the bias scale, when no biased mediator ever "
                      "proposes (§5.3)",
    "always_mediated": "the noise of an unmediated proposal, when a mediator of skill 1 "
                       "proposes every time (§5.3)",
    "mediator_unused": "a mediator's trust-building and custody, and the parties' trust in it, "
                       "when what they multiply is 0 (§3.5, §3.7)",
    "guarantee_unused": "a guarantor's credibility and enforcement, and the parties' trust in "
                        "it, when every ceasefire and exchange term they enter is 0 (§3.2, "
                        "§3.7, §6.2)",
}
"""Every rule :func:`cannot_act` applies, by id, in words (docs/model.md §13 lists them)."""


class CannotAct(NamedTuple):
    """A value of the scenario that cannot change any result, and why."""

    path: str
    """Its dotted path, as ``--set`` writes it (``actors.turkey.attendance.propensity``)."""
    reason: str
    """Why, in words, ending with the section of docs/model.md that states the rule."""
    rule: str
    """Which rule of :data:`RULES` says so."""
    given: tuple[str, ...] = ()
    """The other numeric values the reason rests on (empty: only on the scenario's
    structure: attendance modes, delegations, issues, calendar)."""


def cannot_act(scenario) -> list[CannotAct]:
    """Every value of ``scenario`` (a validated :class:`~sim.scenario.config.Scenario`) that
    cannot change any result, block by block as a scenario file is written (calendar,
    talks, observation, issues, actors, trust), each once, with the first reason found: the
    most general."""
    found: dict[str, CannotAct] = {}
    for entry in _Situation(scenario).idle():
        found.setdefault(entry.path, entry)
    return list(found.values())


# -- the circumstances: why something never happens ------------------------------------------


@dataclass(frozen=True)
class _Why:
    """A circumstance in words, and the numeric values it rests on."""

    text: str
    given: tuple[str, ...] = ()


class _Situation:
    """What can and cannot happen in one scenario, read off its structure and values."""

    def __init__(self, scenario) -> None:
        self.s = scenario
        self.words = Labels(scenario)
        self.parties = sorted(scenario.parties)  # the engine's order: by id
        self.mediators = sorted(scenario.mediators)
        self.guarantors = sorted(scenario.guarantors)

    # -- small facts ----------------------------------------------------------------------

    def mode(self, actor: str) -> str:
        return self.s.actors[actor].attendance.mode

    def value(self, actor: str, field: str) -> float:
        return getattr(self.s.actors[actor], field)

    def issues(self, kind: str) -> list[str]:
        return [k for k, issue in self.s.issues.items() if issue.kind == kind]

    def settled(self, actor: str) -> _Why:
        """The actor's leader always, or never, attends (mode ``always`` or ``never``)."""
        word = "always" if self.mode(actor) == "always" else "never"
        return _Why(f"{self.words.leader(actor)} {word} attends")

    # -- talks and issues -----------------------------------------------------------------

    def no_talks(self) -> _Why | None:
        """Talks are held only if every party sends a delegation (§5.1)."""
        boycott = [p for p in self.parties if not self.s.actors[p].delegation]
        if not boycott:
            return None
        return _Why(f"{self.words.actor(boycott[0])} sends no delegation, so no talks are held")

    def off_table(self, issue: str) -> _Why | None:
        """Why ``issue`` never comes to the table, or None if it may (§4.3, §5.1)."""
        if (why := self.no_talks()) is not None:
            return why
        first = self.s.issues[issue].opens_after
        if first is None:
            return None
        if (why := self.never_agreed(first)) is not None:
            return _Why(f"it waits until {self.words.issue(first)} is agreed (opens_after), "
                        f"which never happens: {why.text}", why.given)
        if self.first_session(first) >= self.s.calendar.sessions:
            return _Why(f"it waits until {self.words.issue(first)} is agreed at an earlier "
                        f"session (opens_after), and with {self.s.calendar.sessions} "
                        "session(s) that cannot happen before the last")
        return None

    def first_session(self, issue: str) -> int:
        """The first session at which ``issue`` may be on the table (§4.3)."""
        first = self.s.issues[issue].opens_after
        return 1 if first is None else self.first_session(first) + 1

    def never_agreed(self, issue: str) -> _Why | None:
        """Why ``issue`` can never be agreed, or None if it may be: off the table, or a party
        whose leader never attends has no mandate for any level of it (§5.4)."""
        if (why := self.off_table(issue)) is not None:
            return why
        for p in self.parties:
            mandate = self.s.actors[p].mandate.get(issue, 0.0)
            if self.mode(p) == "never" and mandate < rules.GRID[0]:
                return _Why(f"{self.words.leader(p)} never attends and {self.words.actor(p)}'s "
                            "delegation has no mandate for it",
                            (f"actors.{p}.mandate.{issue}",))
        return None

    def issue_off(self, issue: str, agreed: bool) -> _Why | None:
        """"<issue> never comes to the table: …" (or "can never be agreed"), or None."""
        why = self.never_agreed(issue) if agreed else self.off_table(issue)
        if why is None:
            return None
        state = "can never be agreed" if agreed else "never comes to the table"
        return _Why(f"{self.words.issue(issue)} {state}: {why.text}", why.given)

    def kind_off(self, kind: str, agreed: bool) -> _Why | None:
        """Why no issue of ``kind`` comes to the table (or can be agreed), or None."""
        issues = self.issues(kind)
        if not issues:
            return _Why(f"the scenario has no {kind} issue")
        whys = [self.issue_off(k, agreed) for k in issues]
        if any(why is None for why in whys):
            return None
        return _Why("; ".join(w.text for w in whys), sum((w.given for w in whys), ()))

    # -- attendance -------------------------------------------------------------------------

    def can_be_absent(self, party: str) -> bool:
        """Whether the party's leader can stay away while another party's comes (§3.6)."""
        return self.mode(party) != "always" and any(
            self.mode(q) != "never" for q in self.parties if q != party)

    def nobody_absent(self) -> _Why | None:
        """Why no party's leader can ever stay away while another's comes: all always attend,
        or none ever does (the only two ways, with two parties or more)."""
        modes = {self.mode(p) for p in self.parties}
        if modes == {"always"}:
            return _Why("every party's leader always attends")
        if modes == {"never"}:
            return _Why("no party's leader ever attends")
        return None

    # -- the talks ----------------------------------------------------------------------------

    def proposer(self) -> str | None:
        """The mediator who proposes when any does: the most skilled, the first by id on ties
        (§5.3)."""
        if not self.mediators:
            return None
        return max(self.mediators, key=lambda m: (self.value(m, "skill"),
                                                  -self.mediators.index(m)))

    def never_proposes(self, mediator: str) -> _Why | None:
        """Why ``mediator`` never puts a proposal, or None (§5.3)."""
        chosen = self.proposer()
        name = self.words.actor(mediator)
        if chosen != mediator:
            return _Why(f"{self.words.actor(chosen)} is the most skilled mediator (the first by "
                        f"id on a tie) and only it proposes, so {name} never does",
                        tuple(f"actors.{m}.skill" for m in (chosen, mediator)))
        if self.value(mediator, "skill") == 0:
            return _Why(f"{name} has skill 0, so it never proposes", (f"actors.{mediator}.skill",))
        return None

    def no_biased_proposal(self) -> _Why | None:
        """Why no proposal is ever moved by a bias: no mediator that proposes has one (§5.3)."""
        biased = [m for m in self.mediators if any(b != 0 for b in self.s.actors[m].bias.values())]
        if any(self.never_proposes(m) is None for m in biased):
            return None
        given = [f"actors.{m}.bias.{p}" for m in self.mediators for p in self.s.actors[m].bias]
        if not biased:
            return _Why("no mediator has a bias", tuple(given))
        return _Why("no mediator with a bias ever proposes",
                    tuple(given) + tuple(f"actors.{m}.skill" for m in self.mediators))

    def no_pressure_from(self, actor: str) -> _Why | None:
        """Why a third party never presses at the talks (§5.2), or None."""
        if (why := self.no_talks()) is not None:
            return why
        if self.mode(actor) == "never":
            return _Why(f"{self.words.leader(actor)} never attends, and only a present leader "
                        "presses")
        if self.s.talks.pressure_scale == 0:
            return _Why("the pressure scale (talks.pressure_scale) is 0",
                        ("talks.pressure_scale",))
        return None

    # -- walking the scenario -------------------------------------------------------------------

    def idle(self) -> Iterator[CannotAct]:
        yield from self.calendar()
        yield from self.talks()
        yield from self.observation()
        for k, issue in self.s.issues.items():
            yield from self.issue(k, issue.kind)
        by_role = {"party": self.party, "mediator": self.mediator, "guarantor": self.guarantor}
        for a, actor in self.s.actors.items():
            yield from self.attendance(a)
            yield from by_role[actor.role](a)
        for p, row in self.s.trust.items():
            for a in row:
                if self.s.actors[a].role != "party":
                    yield from self.third_trust(p, a)

    def calendar(self) -> Iterator[CannotAct]:
        if (why := self.no_talks()) is not None:
            for field in ("sessions", "session_every_days"):
                yield _entry(f"calendar.{field}", "Places the sessions in time", why, "no_talks",
                             "§5.1")

    def talks(self) -> Iterator[CannotAct]:
        if (no_talks := self.no_talks()) is not None:
            for field in ("proposal_sd", "decision_noise", "pressure_scale", "bias_scale"):
                yield _entry(f"talks.{field}", "Used only at the talks", no_talks, "no_talks",
                             "§5")
            return
        chosen = self.proposer()
        if chosen is not None and self.value(chosen, "skill") == 1:
            yield _entry("talks.proposal_sd", "The noise of an unmediated proposal only",
                         _Why(f"{self.words.actor(chosen)} has skill 1, so a mediator proposes "
                              "every time", (f"actors.{chosen}.skill",)), "always_mediated",
                         "§5.3")
        if (why := self.no_leverage()) is not None:
            yield _entry("talks.pressure_scale", "Scales the leverage of third parties whose "
                         "leaders attend", why, "no_pressure", "§5.2")
        if (why := self.no_biased_proposal()) is not None:
            yield _entry("talks.bias_scale", "Scales the mediators' biases", why,
                         "never_proposes", "§5.3")

    def no_leverage(self) -> _Why | None:
        """Why no third party ever presses: none that can attend has leverage (§5.2)."""
        able = [k for k in self.mediators + self.guarantors if self.mode(k) != "never"]
        if any(self.value(k, "leverage") != 0 for k in able):
            return None
        return _Why("no third party whose leader can attend has leverage above 0" if able else
                    "no third party's leader can attend", tuple(f"actors.{k}.leverage"
                                                                for k in able))

    def observation(self) -> Iterator[CannotAct]:
        if (why := self.kind_off("ceasefire", agreed=True)) is not None:
            for field in ("detection", "false_alarm"):
                yield _entry(f"observation.{field}", "Acts only while a ceasefire is in force",
                             why, "no_ceasefire_in_force", "§3.3")
        if (why := self.kind_off("exchange", agreed=True)) is not None:
            yield _entry("observation.signal_strength", "Weighs completed exchange stages",
                         why, "no_exchange_agreed", "§3.4")

    def issue(self, k: str, kind: str) -> Iterator[CannotAct]:
        why = self.issue_off(k, agreed=True)
        if why is None:
            return
        fields = {"ceasefire": ("duration_days",),
                  "exchange": ("stall", "stages", "first_stage_days", "stage_every_days")}
        for field in fields.get(kind, ()):
            yield _entry(f"issues.{k}.{field}", "Acts only once the issue is agreed", why,
                         "never_agreed", "§6")

    def attendance(self, a: str) -> Iterator[CannotAct]:
        follows = self.s.actors[a].attendance.follows
        if self.mode(a) != "auto":
            why = _Why(f"{self.settled(a).text} (attendance mode {self.mode(a)})")
            for path in (f"actors.{a}.attendance.propensity",
                         *(f"actors.{a}.attendance.follows.{j}" for j in follows)):
                yield _entry(path, "Used only while the leader decides whether to come", why,
                             "attendance_settled", "§2.2")
            return
        for j in follows:
            if (why := self.nothing_to_follow(j)) is not None:
                yield _entry(f"actors.{a}.attendance.follows.{j}", "Acts once "
                             f"{self.words.leader(j)} has announced", why, "nothing_to_follow",
                             "§2.2")

    def nothing_to_follow(self, j: str) -> _Why | None:
        if self.mode(j) == "never":
            return _Why(f"{self.words.leader(j)} never announces (attendance mode never)")
        if self.mode(j) == "auto" and self.s.calendar.announcement_days == 1:
            return _Why("with one announcement day, a leader reacts only to announcements of "
                        "earlier days, and there are none")
        return None

    def party(self, p: str) -> Iterator[CannotAct]:
        yield from self.party_issues(p)
        ceasefire, exchange = self.kind_off("ceasefire", False), self.kind_off("exchange", False)
        for field, what, why, rule in (
                ("momentum", "A cost of ceasefire scope", ceasefire, "no_ceasefire_on_table"),
                ("exposure", "The cost of being cheated on a ceasefire", ceasefire,
                 "no_ceasefire_on_table"),
                ("exchange_exposure", "The cost of being cheated on an exchange", exchange,
                 "no_exchange_on_table")):
            if why is not None:
                yield _entry(f"actors.{p}.{field}", what, why, rule, "§4.4")
        if not self.can_be_absent(p):
            yield _entry(f"actors.{p}.audience_cost", "Counts only when "
                         f"{self.words.leader(p)} stays away while another party's leader "
                         "comes", self.settled(p) if self.mode(p) == "always" else
                         _Why("no other party's leader ever attends"), "never_absent", "§3.6")
        yield from self.party_ceasefire(p)

    def party_issues(self, p: str) -> Iterator[CannotAct]:
        for k in self.s.issues:
            if (why := self.issue_off(k, agreed=False)) is not None:
                for field in ("mandate", "positions", "reservation", "concession"):
                    yield _entry(f"actors.{p}.{field}.{k}", "Used only to bargain over "
                                 f"{self.words.issue(k)}", why, "off_table", "§5")
            if self.mode(p) == "always":
                yield _entry(f"actors.{p}.mandate.{k}", "Limits the delegation only while its "
                             "leader is away", self.settled(p), "leader_present", "§5.4")
            if (why := self.salience_idle(p, k)) is not None:
                yield _entry(f"actors.{p}.salience.{k}", "Weighs the issue in the payoff once "
                             "it is agreed", why, "never_agreed", "§7.3")

    def salience_idle(self, p: str, k: str) -> _Why | None:
        """Why party ``p``'s weight for ``k`` cannot act: it counts only for an agreed issue,
        and no weight of an issue that can be agreed is filled from it (weights missing from
        the file share what the given ones leave of 1, §7.3)."""
        why = self.issue_off(k, agreed=True)
        filled = [q for q in self.s.issues if q != k and q not in self.s.actors[p].salience
                  and self.issue_off(q, agreed=True) is None]
        return why if not filled else None

    def party_ceasefire(self, p: str) -> Iterator[CannotAct]:
        why = self.kind_off("ceasefire", agreed=True)
        if why is not None:
            for field in ("trustworthiness", "violation_rate", "accident_rate", "retaliation",
                          "exit_rate"):
                yield _entry(f"actors.{p}.{field}", "Acts only while a ceasefire is in force",
                             why, "no_ceasefire_in_force", "§6.2")
        elif self.value(p, "violation_rate") == 0:
            yield _entry(f"actors.{p}.trustworthiness", "Decides whether the party is an "
                         "opportunist, and the types differ only in deliberate violations",
                         _Why(f"{self.words.actor(p)}'s violation rate is 0",
                              (f"actors.{p}.violation_rate",)), "no_deliberate_violations",
                         "§6.2")

    def mediator(self, m: str) -> Iterator[CannotAct]:
        name = self.words.actor(m)
        if (why := self.no_talks()) is not None:
            for field in ("skill", "trust_building"):
                yield _entry(f"actors.{m}.{field}", "Used only at the talks", why, "no_talks",
                             "§5")
        for p in self.s.actors[m].bias:
            if (why := self.bias_idle(m)) is not None:
                yield _entry(f"actors.{m}.bias.{p}", f"Moves {name}'s proposals", why,
                             "never_proposes", "§5.3")
        yield from self.pressure(m)
        untrusted = self.untrusted(m)
        if untrusted is not None and self.no_talks() is None:
            yield _entry(f"actors.{m}.trust_building", "Raises trust in proportion to the "
                         f"parties' trust in {name}", untrusted, "mediator_unused", "§3.5")
        if (why := self.kind_off("exchange", False)) is not None:
            yield _entry(f"actors.{m}.custody", "Covers an exchange's risk", why,
                         "no_exchange_on_table", "§3.7")
        elif untrusted is not None:
            yield _entry(f"actors.{m}.custody", "Covers an exchange's risk as far as the "
                         f"parties trust {name}", untrusted, "mediator_unused", "§3.7")

    def bias_idle(self, m: str) -> _Why | None:
        if (why := self.no_talks()) is not None:
            return why
        if self.s.talks.bias_scale == 0:
            return _Why("the bias scale (talks.bias_scale) is 0", ("talks.bias_scale",))
        return self.never_proposes(m)

    def untrusted(self, m: str) -> _Why | None:
        if any(self.s.trust[p][m] != 0 for p in self.parties):
            return None
        return _Why(f"no party trusts {self.words.actor(m)} (trust 0)",
                    tuple(f"trust.{p}.{m}" for p in self.parties))

    def pressure(self, k: str) -> Iterator[CannotAct]:
        why = self.no_pressure_from(k)
        if why is not None:
            yield _entry(f"actors.{k}.leverage", "Presses the parties only when its leader "
                         "attends the talks", why, "no_pressure", "§5.2")
        if self.s.actors[k].role != "guarantor":
            return
        if why is None and self.value(k, "leverage") == 0:
            why = _Why(f"{self.words.actor(k)}'s leverage is 0", (f"actors.{k}.leverage",))
        rule = "no_pressure"
        if why is None and (why := self.nobody_absent()) is not None:
            rule = "never_absent"
        if why is not None:
            yield _entry(f"actors.{k}.forgiveness", "Adds pressure on a party whose leader "
                         "stayed away while another's came", why, rule, "§5.2")

    def guarantor(self, g: str) -> Iterator[CannotAct]:
        if (why := self.kind_off("ceasefire", False)) is not None:
            yield _entry(f"actors.{g}.monitoring", "Watches a ceasefire and covers its risk",
                         why, "no_ceasefire_on_table", "§3.2, §3.3")
        for field in ("credibility", "enforcement"):
            if (why := self.guarantee_idle(g, field)) is not None:
                yield _entry(f"actors.{g}.{field}", _GUARANTEE_TERMS[field], why,
                             "guarantee_unused", "§3.2, §3.7, §6.2")
        yield from self.pressure(g)

    def guarantee_idle(self, g: str, field: str) -> _Why | None:
        """Why ``field`` of guarantor ``g`` (credibility, enforcement, or ``trust``: a party's
        trust in it) enters no term that is not 0. On a ceasefire every term is a product of
        credibility (or the commitment it decides), enforcement and monitoring, the cover
        also of trust; on an exchange, of credibility, enforcement and trust (§3.2, §3.7,
        §6.2)."""
        ceasefire = self.kind_off("ceasefire", False) or self.factor_zero(
            g, ("credibility", "enforcement", "monitoring"), field)
        exchange = self.kind_off("exchange", False) or self.factor_zero(
            g, ("credibility", "enforcement"), field) or (
            self.untrusted(g) if field != "trust" else None)
        if ceasefire is None or exchange is None:
            return None
        return _Why(f"on a ceasefire, {ceasefire.text}; on an exchange, {exchange.text}",
                    ceasefire.given + exchange.given)

    def factor_zero(self, g: str, factors: tuple[str, ...], field: str) -> _Why | None:
        """The first of the guarantor's ``factors``, other than ``field``, that is 0."""
        zero = next((f for f in factors if f != field and self.value(g, f) == 0), None)
        if zero is None:
            return None
        return _Why(f"{self.words.actor(g)} has {zero} 0", (f"actors.{g}.{zero}",))

    def third_trust(self, p: str, a: str) -> Iterator[CannotAct]:
        if self.s.actors[a].role == "guarantor":
            if (why := self.guarantee_idle(a, "trust")) is not None:
                yield _entry(f"trust.{p}.{a}", _GUARANTEE_TERMS["trust"], why,
                             "guarantee_unused", "§3.2, §3.7")
        elif (why := self.mediator_trust(a)) is not None:
            yield _entry(f"trust.{p}.{a}", f"Counts only through {self.words.actor(a)}'s "
                         "trust-building and custody of an exchange", why, "mediator_unused",
                         "§3.5, §3.7")

    def mediator_trust(self, m: str) -> _Why | None:
        """Why the parties' trust in mediator ``m`` multiplies nothing but 0 (§3.5, §3.7)."""
        building = self.no_talks() or (
            _Why(f"{self.words.actor(m)}'s trust-building is 0", (f"actors.{m}.trust_building",))
            if self.value(m, "trust_building") == 0 else None)
        custody = self.kind_off("exchange", False) or (
            _Why(f"{self.words.actor(m)}'s custody is 0", (f"actors.{m}.custody",))
            if self.value(m, "custody") == 0 else None)
        if building is None or custody is None:
            return None
        return _Why(f"for trust-building, {building.text}; for an exchange, {custody.text}",
                    building.given + custody.given)


_GUARANTEE_TERMS = {
    "credibility": "Acts on a ceasefire only together with enforcement and monitoring, and on "
                   "an exchange only together with enforcement and the parties' trust",
    "enforcement": "Acts on a ceasefire only together with credibility and monitoring, and on "
                   "an exchange only together with credibility and the parties' trust",
    "trust": "Acts on a ceasefire only together with the guarantor's credibility, enforcement "
             "and monitoring, and on an exchange only together with its credibility and "
             "enforcement",
}
"""What each factor of a guarantor's terms multiplies (§3.2, §3.7, §6.2)."""


def _entry(path: str, what: str, why: _Why, rule: str, section: str) -> CannotAct:
    """One entry: "What it does, but why that never happens here (docs/model.md §n)."."""
    return CannotAct(path, f"{what}, but {why.text} (docs/model.md {section}).", rule,
                     tuple(dict.fromkeys(why.given)))
