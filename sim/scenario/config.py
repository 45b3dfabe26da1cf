"""The typed scenario configuration: what a YAML scenario file may say.

Every field has a type, bounds and a description (meaning and unit). Every default carries
a short reason in ``json_schema_extra["why"]``: the section of ``docs/model.md`` that states
it (with its source), or a sentence that starts with "Judgement:". These classes are the only
place where defaults live; the loader, the CLI's ``show``, the JSON schema and the docs all
read them from here.

The section numbers (§) refer to ``docs/model.md``, the model's specification.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from sim.scenario.references import reference_problems

LEVEL_GRID_STEP = 0.05
"""Proposals and agreements use levels 0.05 … 1 in steps of 0.05 (§4)."""


def param(default: Any, description: str, why: str, unit: str | None = None,
          **bounds: Any) -> Any:
    """A config field with its description, its unit (when it has one) and the reason for
    its default."""
    extra = {"why": why} | ({"unit": unit} if unit else {})
    return Field(default, description=description, json_schema_extra=extra, **bounds)


class Frozen(BaseModel):
    """Base for every config block: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Level = Annotated[float, Field(ge=0.0, le=1.0)]
Weight = Annotated[float, Field(ge=-1.0, le=1.0)]
Exponent = Annotated[float, Field(gt=0.0, le=20.0)]


# ---------------------------------------------------------------------------------------
# Model-wide settings
# ---------------------------------------------------------------------------------------


class Calendar(Frozen):
    """When things happen (§2, §5, §6). Day 0 is the first session."""

    announcement_days: int = param(
        3, "Days before day 0 on which leaders may announce attendance (A in §2).",
        "Judgement: three days (the article: talks announced days ahead); docs/model.md §1.1.",
        ge=1, le=30, unit="days")
    sessions: int = param(
        3, "Number of negotiation sessions (S in §5).",
        "Judgement: three sessions (docs/model.md §1.1).", ge=1, le=20, unit="sessions")
    session_every_days: int = param(
        14, "Days between sessions; the first is on day 0 (§5).",
        "Judgement: every 14 days (docs/model.md §1.1).", ge=1, le=90, unit="days")
    horizon_days: int = param(
        90, "Days simulated from day 0; outcomes are read at the end of the last day (§6).",
        "Judgement: 90 days, long enough to see a 30-day ceasefire hold or fail "
        "(docs/model.md §1.1).", ge=1, le=3650, unit="days")

    @model_validator(mode="after")
    def _sessions_inside_horizon(self) -> Calendar:
        last = (self.sessions - 1) * self.session_every_days
        if last >= self.horizon_days:
            raise ValueError(
                f"the last session (day {last}) must fall before the horizon "
                f"(day {self.horizon_days}): add days or remove sessions")
        return self


class Talks(Frozen):
    """Noise and pressure at the table (§5)."""

    proposal_sd: float = param(
        0.1, "Standard deviation of the Normal noise on an unmediated proposal (level units).",
        "Judgement: sd 0.1 (docs/model.md §5.3).", ge=0.0, le=1.0, unit="level")
    decision_noise: float = param(
        0.05, "Scale of the logistic noise added to a party's utility when it decides (utility units).",
        "Judgement: a twentieth of the utility scale (docs/model.md §5.4).", ge=0.0, le=1.0,
        unit="utility")
    pressure_scale: float = param(
        0.1, "How much one unit of a present third party's leverage lowers aspirations.",
        "Judgement: a present leader with full leverage lowers aspirations by a tenth "
        "(docs/model.md §5.2).", ge=0.0, le=1.0,
        unit="aspiration per unit of leverage")
    bias_scale: float = param(
        0.5, "How far a mediator's bias of 1 moves its proposal toward that party's position "
        "(share of the distance).",
        "Judgement: half the distance at full bias (docs/model.md §5.3); the literature gives no "
        "number.", ge=0.0, le=1.0,
        unit="share of the distance")


class Observation(Frozen):
    """How parties see each other's conduct during a ceasefire (§3)."""

    detection: Probability = param(
        0.6, "Chance that a real violation is seen without monitoring (d0), per unit of scope.",
        "Judgement: 0.6, so that an unmonitored claim is weak evidence (docs/model.md §3.3; OSCE "
        "SMM: unmonitored claims are mostly unverifiable).",
        unit="probability per violation")
    false_alarm: Probability = param(
        0.3, "Daily chance of a false alarm without monitoring (f0), per unit of scope.",
        "Judgement: 0.3, so a claim's likelihood ratio is at most d0/f0 = 2 (docs/model.md §3.3).",
        unit="probability per day")
    signal_strength: float = param(
        1.75, "Likelihood ratio of a completed prisoner exchange as evidence of reciprocity.",
        "Judgement: 1.75 (docs/model.md §3.4; costly signals, Kydd 2005).", ge=1.0, le=100.0,
        unit="likelihood ratio")


# ---------------------------------------------------------------------------------------
# Issues (§4)
# ---------------------------------------------------------------------------------------


KIND = "What kind of issue: ceasefire, exchange or generic (decides its other fields)."


class IssueBase(Frozen):
    label: str = Field(description="Name shown in tables and charts.", min_length=1)
    opens_after: str | None = param(
        None, "Id of an issue that must be agreed at an earlier session before this one "
        "comes to the table (e.g. 'exchange first').",
        "Judgement: by default every issue is on the table from the first session.",
        unit="issue id")


class CeasefireIssue(IssueBase):
    """A ceasefire: level = scope (0 none … 1 full, unconditional, all domains)."""

    kind: Literal["ceasefire"] = Field(description=KIND)
    duration_days: int | None = param(
        None, "Term of the ceasefire in days; reaching it without collapse counts as held. "
        "Empty: open-ended (held if still in force at the horizon).",
        "docs/model.md §4.3: empty = open-ended.", ge=1, le=3650, unit="days")


class ExchangeIssue(IssueBase):
    """A prisoner exchange: level = share of an all-for-all exchange, done in stages (§6)."""

    kind: Literal["exchange"] = Field(description=KIND)
    stages: int = param(3, "Number of stages the exchange is carried out in.",
                        "Judgement: three stages (docs/model.md §6.1).", ge=1, le=50,
                        unit="stages")
    first_stage_days: int = param(
        7, "Days from agreement to the first stage.", "Judgement: a week (docs/model.md §6.1).",
        ge=1, le=365, unit="days")
    stage_every_days: int = param(
        7, "Days between stage dates.", "Judgement: a week (docs/model.md §6.1).", ge=1, le=365,
        unit="days")
    stall: Probability = param(
        0.3, "Chance a stage stalls when the least trusting party has no effective trust; "
        "a stage completes with probability 1 − stall·(1 − T_eff).",
        "Judgement: 0.3 (docs/model.md §6.1).", unit="probability")


class GenericIssue(IssueBase):
    """An issue that is only agreed (a memorandum, a date for a leaders' meeting)."""

    kind: Literal["generic"] = Field(description=KIND)


Issue = Annotated[CeasefireIssue | ExchangeIssue | GenericIssue, Field(discriminator="kind")]


# ---------------------------------------------------------------------------------------
# Actors (§2)
# ---------------------------------------------------------------------------------------


class Attendance(Frozen):
    """Whether the actor's leader comes to the talks (§2)."""

    mode: Literal["auto", "always", "never"] = param(
        "auto", "auto: the leader decides during the announcement days; always: announced "
        "from the start ('Putin attends'); never: stays away.",
        "docs/model.md §2.2: leaders decide unless the scenario settles it.")
    propensity: Probability = param(
        0.5, "Chance that the leader comes if nobody else's choice mattered.",
        "Judgement: no information either way; every shipped scenario sets it.",
        unit="probability")
    follows: dict[str, Weight] = param(
        {}, "{actor: weight} added to the propensity once that actor's leader has announced.",
        "docs/model.md §2.2: {} (nobody's choice matters).", unit="probability added per actor")


ROLE = "What the actor does: party, mediator or guarantor (decides its other fields)."


class ActorBase(Frozen):
    name: str = Field(description="Display name (a state or organisation).", min_length=1)
    leader: str = Field(description="The leader whose attendance the model decides.", min_length=1)
    attendance: Attendance = param(Attendance(), "Whether the leader comes (§2).",
                                   "docs/model.md §2.2 defaults.")


class Party(ActorBase):
    """A side of the conflict: bargains, complies or violates, updates trust."""

    role: Literal["party"] = Field(description=ROLE)
    delegation: bool = param(
        True, "Sends a delegation at all; false is a boycott (no talks).",
        "docs/model.md §5.1: a party negotiates unless the scenario says otherwise.")
    mandate: dict[str, Level] = param(
        {}, "{issue: highest level} the delegation may agree to while the leader is absent; "
        "missing issues: nothing. With the leader present, everything.",
        "Judgement: no mandate unless the scenario states one (docs/model.md §5.4); the article "
        "says nothing of the delegations' mandates.", unit="level")
    positions: dict[str, Level] = Field(
        description="Ideal level per issue (0–1), spatial bargaining model (§4).",
        json_schema_extra={"unit": "level"})
    reservation: dict[str, Level] = Field(
        description="Lowest utility per issue it accepts at the last session, before pressure "
        "and noise (0–1), Faratin et al. 1998.", json_schema_extra={"unit": "utility"})
    concession: Exponent | dict[str, Exponent] = param(
        1.0, "Exponent e of the concession curve, one number or one per issue: e < 1 concedes "
        "late (Boulware), e > 1 early (Conceder).",
        "Judgement: 1, linear concession, between Boulware and Conceder (Faratin et al. 1998; "
        "docs/model.md §5.2).",
        unit="exponent")
    momentum: Probability = param(
        0.0, "Cost per unit of ceasefire scope for a side that expects to gain by fighting on.",
        "Fearon 1995, Powell 2006 (docs/model.md §4.4): zero unless the scenario argues a "
        "commitment problem.",
        unit="utility per unit of scope")
    exposure: Probability = param(
        0.5, "Cost per unit of ceasefire scope of being cheated, weighted by distrust.",
        "Kydd 2000; docs/model.md §9.2 starting value for both parties.",
        unit="utility per unit of scope")
    exchange_exposure: Probability = param(
        0.25, "Cost per unit of an exchange's level agreed but not yet delivered, of being "
        "cheated on it (the other side stalls or reneges on later stages), weighted by distrust "
        "in the exchange: u = 1 − |x − position| − exchange_exposure·(1 − T_x)·(x − delivered) "
        "(docs/model.md §4.4).",
        "Judgement: half the weight of being cheated on a ceasefire (exposure 0.5, "
        "docs/model.md §9.2; Kydd 2000): stages are swaps, so a side cheated on a later stage "
        "loses what it was promised, not what it handed over. No source measures it "
        "(docs/model.md §4.4).",
        unit="utility per unit of level at risk")
    audience_cost: Probability = param(
        0.0, "Standing lost when its leader stays away while another party's leader comes.",
        "Fearon 1994 (docs/model.md §3.6): zero unless the scenario argues a domestic audience.",
        unit="utility, and share of trust lost")
    trustworthiness: Probability = param(
        0.5, "Chance that this party is, in truth, a reciprocating type (drawn once per replicate).",
        "Kydd 2000, 2005 (docs/model.md §3.1); Judgement: 0.5, no information either way.",
        unit="probability")
    violation_rate: Probability = param(
        0.10, "Daily chance of a deliberate violation by an opportunistic type, per unit of scope.",
        "docs/model.md §9.2 starting value for the less hostile party (Ukraine).",
        unit="probability per day, per unit of scope")
    accident_rate: Probability = param(
        0.02, "Daily chance of an unintended violation, any type, per unit of scope.",
        "docs/model.md §9.2 starting value for both parties.",
        unit="probability per day, per unit of scope")
    retaliation: Probability = param(
        0.5, "Chance of violating the next day after observing a violation by a counterpart.",
        "docs/model.md §9.2 starting value; tit-for-tat with forgiveness (§6.2).",
        unit="probability")
    exit_rate: Probability = param(
        0.08, "After observing a violation by j: chance of declaring the ceasefire over, "
        "times (1 − effective trust in j).",
        "docs/model.md §9.2 starting value for both parties.",
        unit="probability")
    salience: dict[str, Annotated[float, Field(ge=0.0, le=1.0)]] = param(
        {}, "Weight per issue in the payoff score only; missing issues weigh equally with "
        "the rest so that the weights sum to 1.", "Judgement: equal weights unless stated.",
        unit="share of the payoff")


class Mediator(ActorBase):
    """A third party that hosts, proposes and builds trust (§2, §5)."""

    role: Literal["mediator"] = Field(description=ROLE)
    skill: Probability = param(
        0.7, "How reliably it finds the proposal both sides can accept.",
        "docs/model.md §9.2 starting value (Türkiye).", unit="probability")
    bias: dict[str, Weight] = param(
        {}, "{party: −1…1}: shifts its proposals toward that party's position.",
        "Judgement: unbiased unless stated (Kydd 2003, Svensson 2007; docs/model.md §5.3).",
        unit="share of bias_scale")
    trust_building: Probability = param(
        0.05, "How much each session raises the parties' trust in each other, scaled by "
        "their trust in the mediator.", "Kydd 2003, 2006; docs/model.md §9.2 starting value.",
        unit="share of distrust removed per session")
    leverage: Probability = param(
        0.1, "Pressure on aspirations, applied only when its leader attends.",
        "Beardsley et al. 2006 (manipulation); docs/model.md §9.2 starting value.",
        unit="pressure, times pressure_scale")
    custody: Probability = param(
        0.0, "How far it holds a prisoner exchange (prisoners of both sides pass through its "
        "hands): each party's distrust of the exchange is reduced by its trust in this mediator "
        "times custody (docs/model.md §3.7).",
        "Judgement: hosting talks is not holding prisoners, so 0 unless the scenario says so "
        "(docs/model.md §3.7: a mediator that holds the exchange, as Türkiye and the UAE did).",
        unit="share of the exchange's risk it takes over")


class Guarantor(ActorBase):
    """A third party that can monitor, deter and press (§2)."""

    role: Literal["guarantor"] = Field(description=ROLE)
    monitoring: Probability = param(
        0.0, "Raises detection of real violations and removes false alarms.",
        "docs/model.md §9.2: there was no monitoring mission in May 2025.", unit="share")
    credibility: Probability = param(
        0.5, "Chance it is committed in a replicate (unseen by the parties, who reason with "
        "this number).", "docs/model.md §9.2 starting value (USA).", unit="probability")
    enforcement: Probability = param(
        0.5, "How hard a committed guarantor punishes what it sees.",
        "docs/model.md §9.2 starting value (USA).", unit="share")
    leverage: Probability = param(
        0.5, "Pressure on aspirations at the talks, applied only when its leader attends.",
        "docs/model.md §9.2 starting value (USA).", unit="pressure, times pressure_scale")
    forgiveness: Probability = param(
        0.8, "How far it excuses a party's no-show; low values press the absent party harder.",
        "docs/model.md §9.2 starting value (USA).", unit="share")


Actor = Annotated[Party | Mediator | Guarantor, Field(discriminator="role")]


# ---------------------------------------------------------------------------------------
# The scenario
# ---------------------------------------------------------------------------------------


class Scenario(Frozen):
    """One negotiation episode: who is there, what is on the table, and the rules' settings."""

    title: str = Field(description="One-line title shown in tables and charts.", min_length=1)
    description: str = param("", "What this scenario represents and what it changes relative "
                             "to its baseline, citing the article.", "Judgement: optional text.")
    start_date: dt.date | None = param(
        None, "Calendar date of day 0 (the first session), for dates in traces and charts.",
        "Judgement: day numbers only unless stated.", unit="date")
    calendar: Calendar = param(Calendar(), "When things happen.",
                               "docs/model.md §1.1 defaults (each field says which).")
    talks: Talks = param(Talks(), "Noise and pressure at the table.",
                         "docs/model.md §5 defaults (each field says which).")
    observation: Observation = param(Observation(), "How conduct is observed.",
                                     "docs/model.md §3.3, §3.4 defaults (each field says which).")
    issues: dict[str, Issue] = Field(description="{id: issue} on the table.", min_length=1)
    actors: dict[str, Actor] = Field(description="{id: actor}: parties, mediators, guarantors.",
                                     min_length=2)
    trust: dict[str, dict[str, Probability]] = Field(
        description="{party: {actor: trust}}: each party's prior belief that another actor is "
        "a reciprocating type (Kydd), one entry for every other actor.",
        json_schema_extra={"unit": "probability"})

    _source: str | None = PrivateAttr(default=None)
    _stem: str = PrivateAttr(default="scenario")
    _overrides: tuple[str, ...] = PrivateAttr(default=())

    # -- derived views ------------------------------------------------------------------

    @property
    def stem(self) -> str:
        """The scenario's name for results folders: its file stem."""
        return self._stem

    @property
    def source(self) -> str | None:
        """The file the scenario was read from, when there was one."""
        return self._source

    @property
    def overrides(self) -> tuple[str, ...]:
        """The ``PATH=VALUE`` changes (``--set``) applied to the file, as given."""
        return self._overrides

    def with_source(self, source: str | None, stem: str,
                    overrides: tuple[str, ...] = ()) -> Scenario:
        self._source, self._stem, self._overrides = source, stem, tuple(overrides)
        return self

    def ids(self, role: str) -> list[str]:
        """Actor ids of one role, in file order."""
        return [a for a, actor in self.actors.items() if actor.role == role]

    @property
    def parties(self) -> list[str]:
        return self.ids("party")

    @property
    def mediators(self) -> list[str]:
        return self.ids("mediator")

    @property
    def guarantors(self) -> list[str]:
        return self.ids("guarantor")

    # -- cross-checks -------------------------------------------------------------------

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        """Every id named in trust, follows, bias, mandate, positions, reservation,
        salience, concession and opens_after exists (:mod:`sim.scenario.references`, which
        the loader also runs on the raw data when a field is invalid)."""
        problems = [f"{'.'.join(path)}: {message}"
                    for path, message in reference_problems(self.model_dump())]
        if problems:
            raise ValueError("\n".join(problems))
        return self
