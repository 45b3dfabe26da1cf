"""The story of one history: replicate K of a scenario told day by day (``negsim trace``).

:func:`trace` runs the reference model (:class:`sim.model.reference.ReferenceModel`, the same
rules and keyed draws as the ensemble engine) for ONE replicate with a narrator attached. The
rules report what happens (:meth:`ReferenceModel.tell`); :class:`Narrator` collects those
facts and :func:`compose` turns them into :class:`Event` s, each with a plain sentence and
its numbers. Text, JSON and CSV are three renderings of that one event list.

Replicate K here is replicate K of ``negsim run`` with the same seed: the final event carries
the same outcome record as row K of the run's replicate table (a test checks it).

Example::

    story = trace(load_scenario("istanbul-2025"), seed=20250514, replicate=7)
    print(to_text(story))
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict, dataclass, field

from sim.errors import UserError
from sim.model.outcomes import ENDING_WORDS, REASON_TABLE

FIND_LIMIT = 200_000
"""``--find`` looks at replicates 0 … FIND_LIMIT − 1 before giving up."""

FIND_CHUNKS = (500, 2_000, 10_000, 50_000)
"""Chunk sizes of the ``--find`` search: small first (common outcomes are found at once)."""

REASON_WORDS = {reason.id: reason.meaning for reason in REASON_TABLE}
"""Why an issue was not agreed (``reason.<issue>``), in words."""


@dataclass(frozen=True)
class Event:
    """One thing that happened, in words and numbers.

    Attributes:
        day: the day (negative: announcement days; 0: the first session).
        date: the calendar date (ISO) when the scenario has ``start_date``, else None.
        actor: the actor who acted or changed (an id), or "" for the talks as a whole.
        kind: what happened: announce, proposal, response, agreement, violation, ...
        text: one plain sentence (or two).
        numbers: the facts behind the sentence (probabilities, levels, trust before/after).
    """

    day: int
    date: str | None
    actor: str
    kind: str
    text: str
    numbers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Trace:
    """Replicate ``replicate`` of scenario ``stem`` with root seed ``seed``, as events."""

    stem: str
    title: str
    seed: int
    replicate: int
    events: list[Event]
    record: dict
    """The outcome record: the same columns and values as row K of ``negsim run``."""


class Narrator:
    """Collects the facts the reference model tells, as ``(day, kind, facts)``."""

    def __init__(self) -> None:
        self.facts: list[tuple[int, str, dict]] = []

    def __call__(self, day: int, kind: str, facts: dict) -> None:
        self.facts.append((day, kind, dict(facts)))


# -- running one history -----------------------------------------------------------------


def trace(scenario, seed: int, replicate: int) -> Trace:
    """Replicate ``replicate`` of ``scenario`` with root seed ``seed``, told as events."""
    from sim.model.reference import ReferenceModel

    narrator = Narrator()
    model = ReferenceModel(scenario=scenario, root_seed=seed, replicate=replicate,
                           narrator=narrator)
    opening = _opening(model)
    model.run()
    events = [*opening, *compose(model, narrator.facts), _ending(model)]
    return Trace(stem=scenario.stem, title=scenario.title, seed=int(seed),
                 replicate=int(replicate), events=events, record=dict(model.outcome_record))


def find_replicate(scenario, seed: int, outcome: str, limit: int = FIND_LIMIT) -> int:
    """The first replicate (from 0 upward) whose outcome is ``outcome``.

    The fast engine searches in chunks; the reference model confirms the hit (the two agree
    except, very rarely, on a call within 1e-9 of its threshold; then the search goes on).

    Raises:
        UserError: an unknown outcome name, or none found among the first ``limit``.
    """
    from sim.model import simulate_chunk
    from sim.model.outcomes import OUTCOMES
    from sim.scenario.problems import did_you_mean

    if outcome not in OUTCOMES:
        raise UserError(f"unknown outcome {outcome!r}{did_you_mean(outcome, OUTCOMES) or ':'} "
                        f"choose one of {', '.join(OUTCOMES)}")
    first = 0
    for size in _chunk_sizes():
        if first >= limit:
            break
        count = min(size, limit - first)
        table = simulate_chunk(scenario, seed, first, count).replicates
        for k in table.loc[table["outcome"] == outcome, "replicate"]:
            if trace(scenario, seed, int(k)).record["outcome"] == outcome:
                return int(k)
        first += count
    raise UserError(f"no replicate among the first {limit:,} ended in {outcome} with seed "
                    f"{seed}: this scenario makes it very rare or impossible")


def _chunk_sizes():
    yield from FIND_CHUNKS
    while True:
        yield FIND_CHUNKS[-1]


# -- turning facts into events -----------------------------------------------------------


class _Words:
    """Names, dates and number formats of one scenario, for sentences (names by the rules of
    :class:`sim.model.labels.Labels`, as in every table and figure)."""

    def __init__(self, model) -> None:
        from sim.model.labels import Labels

        self.config = model.config
        self.start = model.config.start_date
        self.labels = Labels(model.config)

    def date(self, day: int) -> str | None:
        return None if self.start is None else (self.start + dt.timedelta(days=day)).isoformat()

    def when(self, day: int) -> str:
        """``Day 3 · Sun 18 May 2025`` (the date only when the scenario has one)."""
        if self.start is None:
            return f"Day {day}"
        date = self.start + dt.timedelta(days=day)
        return f"Day {day} · {date:%a} {date.day} {date:%b %Y}"

    def name(self, actor: str) -> str:
        return self.labels.actor(actor)

    def leader(self, actor: str) -> str:
        return self.labels.leader(actor)

    def issue(self, issue: str) -> str:
        return self.labels.issue(issue)

    def kind(self, issue: str) -> str:
        return self.config.issues[issue].kind


def _pct(p: float) -> str:
    p = 100 * float(p)
    return f"{p:.0f}%" if p >= 1 or p == 0 else f"{p:.1f}%"


def _t(x: float) -> str:
    return f"{float(x):.3f}"


def _lvl(x: float) -> str:
    return f"{float(x):.2f}"


def _event(words: _Words, day: int, actor: str, kind: str, text: str, /, **numbers) -> Event:
    return Event(day=day, date=words.date(day), actor=actor, kind=kind, text=text,
                 numbers=_flat(numbers))


def _flat(numbers: dict, prefix: str = "") -> dict:
    """Nested facts as one flat dict with dotted keys; lists as comma-separated text."""
    out: dict = {}
    for key, value in numbers.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, name + "."))
        elif isinstance(value, (list, tuple)):
            out[name] = ",".join(map(str, value))
        elif hasattr(value, "item"):  # a numpy scalar
            out[name] = value.item()
        else:
            out[name] = value
    return out


def _opening(model) -> list[Event]:
    """Before day −A: the hidden draws of this history and the leaders whose choice is fixed."""
    words, day = _Words(model), model.day
    events = []
    for party in model.parties:
        if party.reciprocating:
            text = (f"Hidden draw: {party.config.name} is a reciprocating type in this history: "
                    f"it never violates on purpose (chance {_pct(party.trustworthiness)}).")
        else:
            text = (f"Hidden draw: {party.config.name} is an opportunistic type in this history: "
                    f"it may violate on purpose (chance of the reciprocating type was "
                    f"{_pct(party.trustworthiness)}).")
        events.append(_event(words, day, party.key, "type", text,
                             reciprocating=party.reciprocating,
                             trustworthiness=party.trustworthiness))
    for g in model.guarantors:
        if g.committed:
            text = (f"Hidden draw: {g.config.name} is committed: it would punish the violations "
                    f"it sees (credibility {_pct(g.credibility)}).")
        else:
            text = (f"Hidden draw: {g.config.name} is not committed: its threat is empty, but the "
                    f"parties cannot know that (credibility {_pct(g.credibility)}).")
        events.append(_event(words, day, g.key, "commitment", text, committed=g.committed,
                             credibility=g.credibility))
    for actor in model.actors.values():
        if actor.mode in ("always", "never"):
            verb = "will attend (set to always)" if actor.mode == "always" else \
                "will stay away (set to never)"
            events.append(_event(words, day, actor.key, "attendance_fixed",
                                 f"{words.leader(actor.key)} {verb}.", mode=actor.mode))
    for party in model.parties:
        if not party.delegation:
            events.append(_event(words, day, party.key, "boycott",
                                 f"{party.config.name} sends no delegation: there will be no talks."))
    return events


def _ending(model) -> Event:
    words, record, cfg = _Words(model), model.outcome_record, model.config
    last = model.calendar.horizon_days - 1
    parts = [f"End of the horizon (day {last}). Outcome: "
             f"{words.labels.outcome(record['outcome'])} ({record['outcome']})."]
    if model.ceasefire is not None and record[f"agreed.{model.ceasefire}"]:
        parts.append(f"Ceasefire days in force: {record['ceasefire_days']}.")
    if model.exchanges:
        exchanges = " and ".join(words.issue(k) for k in model.exchanges)
        parts.append(f"{exchanges}: {_lvl(record['exchanged_share'])} of the full exchange "
                     "delivered.")
    parts.append("Violations: " + ", ".join(
        f"{words.name(p)} {record[f'violations.{p}']}" for p in cfg.parties) + ".")
    parts.append("Final trust: " + "; ".join(
        f"{words.name(p)} in {words.name(j)} {_t(record[f'trust.{p}.{j}'])}"
        for p in cfg.parties for j in cfg.parties if j != p) + ".")
    parts.append("Payoff: " + ", ".join(
        f"{words.name(p)} {record[f'payoff.{p}']:.2f}" for p in cfg.parties) + ".")
    parts += _why(words, record, cfg)
    return _event(words, last, "", "end", " ".join(parts), **record)


def _why(words: _Words, record: dict, cfg) -> list[str]:
    """Why each issue not agreed ended so, who blocked it, and who ended a ceasefire."""
    parts = []
    for k in cfg.issues:
        reason = record[f"reason.{k}"]
        if reason == "agreed":
            continue
        text = f"No {words.issue(k)}: {REASON_WORDS[reason]}"
        blocker = record[f"blocker.{k}"]
        parts.append(text + (f"; blocked by {words.name(blocker)}." if blocker else "."))
    if record["ended_by"]:
        after = ENDING_WORDS[record["ended_after"]]
        parts.append(f"{words.name(record['ended_by'])} ended the ceasefire {after}.")
    return parts


def compose(model, facts: list[tuple[int, str, dict]]) -> list[Event]:
    """The narrated facts as events: one sentence each, with quiet ceasefire days folded
    into spans and a session's (or a signal's) trust changes into one event."""
    words = _Words(model)
    events: list[Event] = []
    for day, kind, f in _folded(facts):
        events.append(SENTENCES[kind](words, model, day, f))
    return events


def _folded(facts: list[tuple[int, str, dict]]) -> list[tuple[int, str, dict]]:
    """Merge runs of facts that read better as one sentence.

    * a ceasefire day on which nobody violated and nobody saw anything becomes ``quiet``, and
      consecutive quiet days one span (with trust before the first and after the last);
    * consecutive ``trust`` changes of one day and one cause (a mediator's session, a
      completed stage, a no-show) become one ``trust`` fact listing every pair.
    """
    days: dict[int, list] = {}
    for day, kind, f in facts:
        days.setdefault(day, []).append((day, kind, f))
    out: list[tuple[int, str, dict]] = []
    for day, day_facts in days.items():
        observed = [f for _, kind, f in day_facts if kind == "observation"]
        violated = any(kind == "violation" for _, kind, _ in day_facts)
        quiet = observed and not violated and not any(f["saw"] or f["violated"] for f in observed)
        placed = False
        for item in day_facts:
            if quiet and item[1] == "observation":
                if not placed:
                    out.append((day, "quiet", {"last": day, "pairs": {
                        (f["actor"], f["other"]): [f["before"], f["after"]] for f in observed}}))
                    placed = True
                continue
            out.append(item)
    return _merge_runs(out)


def _merge_runs(items: list[tuple[int, str, dict]]) -> list[tuple[int, str, dict]]:
    merged: list[tuple[int, str, dict]] = []
    for day, kind, f in items:
        if merged and _joins(merged[-1], (day, kind, f)):
            last = merged[-1][2]
            if kind == "quiet":
                last["last"] = day
                for pair, (_, after) in f["pairs"].items():
                    last["pairs"][pair][1] = after
            else:
                last["pairs"][(f["actor"], f["other"])] = [f["before"], f["after"]]
            continue
        if kind == "trust":
            f = {**f, "pairs": {(f["actor"], f["other"]): [f["before"], f["after"]]}}
        merged.append((day, kind, f))
    return merged


def _joins(previous: tuple, item: tuple) -> bool:
    (day0, kind0, f0), (day, kind, f) = previous, item
    if kind == "quiet" and kind0 == "quiet":
        return day == f0["last"] + 1
    if kind == "trust" and kind0 == "trust" and day == day0 and f["cause"] == f0["cause"]:
        return f["cause"] != "mediation" or f["source"] == f0["source"]
    return False


# -- one sentence per kind -----------------------------------------------------------------


def _announce(w, model, day, f):
    actor = model.actors[f["actor"]]
    overall = min(1.0, max(0.0, actor.propensity + f["pull"]))
    why = f"propensity {_pct(actor.propensity)}"
    if f["followed"]:
        followed = ", ".join(w.leader(j) for j in f["followed"])
        why += f", {f['pull']:+.0%} because {followed} announced earlier"
    text = (f"{w.leader(f['actor'])} announces attendance: today's chance was {_pct(f['chance'])} "
            f"(overall {_pct(overall)}: {why}).")
    return _event(w, day, f["actor"], "announce", text, chance=f["chance"], overall=overall,
                  propensity=actor.propensity, pull=f["pull"], followed=f["followed"])


def _talks_open(w, model, day, f):
    present = [a.key for a in model.actors.values() if a.present]
    away = [a.key for a in model.actors.values() if not a.present]
    text = ("Leaders present: " + (", ".join(w.leader(a) for a in present) or "none")
            + ". Stayed away: " + (", ".join(w.leader(a) for a in away) or "none") + ".")
    if not f["held"]:
        text += " No talks are held: a party sent no delegation."
    for p in f["absent"]:
        cost = model.actors[p].audience_cost
        text += (f" {w.leader(p)} stayed away while another party's leader came: an audience "
                 f"cost of {cost:.2f} for {w.name(p)}.")
    if f["held"]:
        text += " Pressure on aspirations: " + ", ".join(
            f"{w.name(p)} {v:.2f}" for p, v in f["pressure"].items()) + "."
    return _event(w, day, "", "talks_open", text, present=present, away=away,
                  pressure=f["pressure"], absent=f["absent"])


def _session(w, model, day, f):
    text = f"Session {f['session']} of {model.calendar.sessions}."
    return _event(w, day, "", "session", text, session=f["session"],
                  sessions=model.calendar.sessions)


def _proposal(w, model, day, f):
    issue, level = f["issue"], f["level"]
    if f["by"] is not None:
        text = (f"{w.issue(issue)}: {w.name(f['by'])} proposes level {_lvl(level)}, the level "
                f"that leaves the least satisfied party best off")
        if abs(level - f["maximin"]) > 1e-12:
            text += f" ({_lvl(f['maximin'])}), moved toward the party it favours"
        text += "."
        return _event(w, day, f["by"], "proposal", text, issue=issue, level=level, by=f["by"],
                      maximin=f["maximin"], margin=f["margin"])
    if model.mediators:
        best = max(model.mediators, key=lambda m: m.skill)
        lead = (f"{best.config.name}'s mediation misses this time (it finds the best proposal "
                f"with chance {_pct(best.skill)}), so the proposal")
    else:
        lead = "with no mediator, the proposal"
    text = (f"{w.issue(issue)}: {lead} is the parties' midpoint "
            f"{_lvl(f['midpoint'])} plus noise {f['noise']:+.2f}: level {_lvl(level)}.")
    return _event(w, day, "", "proposal", text, issue=issue, level=level, by="midpoint",
                  midpoint=f["midpoint"], noise=f["noise"])


def _response(w, model, day, f):
    who, issue, level = f["actor"], f["issue"], f["level"]
    if "utility" not in f:
        text = (f"{w.name(who)}'s delegation refuses level {_lvl(level)}: beyond its mandate "
                f"({_lvl(f['mandate'])}) while {model.actors[who].config.leader} "
                f"is absent.")
        return _event(w, day, who, "response", text, issue=issue, level=level, accepted=False,
                      reason="mandate", mandate=f["mandate"])
    value, noise, aspiration = f["utility"], f["noise"], f["aspiration"]
    margin = value + noise - aspiration
    if f["accepted"]:
        text = (f"{w.name(who)} accepts: utility {value:.2f} {noise:+.2f} (noise) = "
                f"{value + noise:.2f} ≥ aspiration {aspiration:.2f}, {margin:.2f} to spare.")
    else:
        text = (f"{w.name(who)} refuses: utility {value:.2f} {noise:+.2f} (noise) = "
                f"{value + noise:.2f} < aspiration {aspiration:.2f}, short by {-margin:.2f}.")
    return _event(w, day, who, "response", text, issue=issue, level=level,
                  accepted=f["accepted"], reason="utility", utility=value, noise=noise,
                  aspiration=aspiration, margin=margin)


def _agreement(w, model, day, f):
    issue, level, tranche = f["issue"], f["level"], f["tranche"]
    if tranche > 1:
        text = (f"Agreed: a further tranche of {w.issue(issue)} (tranche {tranche}): the total "
                f"rises to level {_lvl(level)}.")
    else:
        text = f"Agreed: {w.issue(issue)} at level {_lvl(level)}."
    if w.kind(issue) == "ceasefire":
        text += " It comes into force tomorrow."
    elif w.kind(issue) == "exchange":
        spec = model.config.issues[issue]
        text += (f" Its {spec.stages} stages follow any stages still pending, the first no "
                 f"sooner than in {spec.first_stage_days} days.")
    return _event(w, day, "", "agreement", text, issue=issue, level=level, tranche=tranche)


def _zone(w, model, day, f):
    issue, name = f["issue"], w.issue(f["issue"])
    if f["open"]:
        levels = (f"level {_lvl(f['low'])} is" if f["low"] == f["high"]
                  else f"levels {_lvl(f['low'])}–{_lvl(f['high'])} are")
        text = (f"{name}: the zone of agreement is open: {levels} acceptable to every party "
                f"without decision noise, within the delegations' mandates.")
    elif f["if_leaders"]:
        limits = ", ".join(f"{w.name(p)}'s delegation up to {_lvl(m)}"
                           for p, m in f["mandate"].items())
        text = (f"{name}: no zone of agreement within the mandates ({limits}), though a level "
                f"would be acceptable to every party with the absent leaders present.")
    else:
        text = (f"{name}: no zone of agreement: no level is acceptable to every party, even "
                f"with every leader present.")
    return _event(w, day, "", "zone", text, issue=issue, open=f["open"],
                  if_leaders=f["if_leaders"], low=f["low"], high=f["high"])


def _ranges(w, model, day, f):
    """Each party's acceptable range at this session, with its leader and without (§5.8)."""
    parts, numbers = [], {}
    for p, r in f["ranges"].items():
        party = model.actors[p]
        leader = party.config.leader or "its leader"
        if r["present"] == r["absent"]:
            parts.append(f"{w.name(p)} accepts {_span(r['present'])}, with or without {leader}")
        else:
            here = "came" if party.present else "stayed away"
            parts.append(f"{w.name(p)} accepts {_span(r['present'])} with {leader} and "
                         f"{_span(r['absent'])} through its delegation alone (mandate "
                         f"{_lvl(party.mandate[f['issue']])}; {leader} {here})")
        numbers[p] = {leader_: {"low": ends[0] if ends else None,
                                "high": ends[1] if ends else None}
                      for leader_, ends in (("present", r["present"]), ("absent", r["absent"]))}
        numbers[p]["leader_present"] = party.present
    text = f"{w.issue(f['issue'])}: without decision noise, " + "; ".join(parts) + "."
    return _event(w, day, "", "ranges", text, issue=f["issue"], ranges=numbers)


def _span(ends: list[float] | None) -> str:
    """``levels 0.30–0.60``, ``level 0.30`` or ``no level``."""
    if ends is None:
        return "no level"
    low, high = ends
    return f"level {_lvl(low)}" if low == high else f"levels {_lvl(low)}–{_lvl(high)}"


def _impasse(w, model, day, f):
    text = f"No agreement on {w.issue(f['issue'])} at this session."
    return _event(w, day, "", "impasse", text, issue=f["issue"], level=f["level"])


def _trust(w, model, day, f):
    changes = "; ".join(f"{w.name(i)} in {w.name(j)} {_t(b)} → {_t(a)}"
                        for (i, j), (b, a) in f["pairs"].items())
    cause = f["cause"]
    if cause == "mediation":
        text = f"{w.name(f['source'])}'s mediation builds trust: {changes}."
    elif cause == "signal":
        text = f"The completed stage is a costly signal of good faith; trust rises: {changes}."
    else:
        source = f["source"]
        text = (f"{w.leader(source)} stayed away while the other side's leader came; "
                f"trust falls by {_pct(model.actors[source].audience_cost)}: {changes}.")
    return _event(w, day, f["actor"] if cause != "mediation" else f["source"], "trust", text,
                  cause=cause, source=f["source"], **_pairs(f["pairs"]))


def _pairs(pairs: dict) -> dict:
    return {f"trust.{i}.{j}": {"before": b, "after": a} for (i, j), (b, a) in pairs.items()}


def _exchange_stage(w, model, day, f):
    name = w.issue(f["issue"])
    stage = f"stage {f['stage']} of {f['stages']}"
    if f["tranche"] > 1:
        stage += f" of tranche {f['tranche']}"
    if f["completed"]:
        text = f"{name}: {stage} completed (chance {_pct(f['chance'])})."
    else:
        text = (f"{name}: {stage} stalls (chance of completing was {_pct(f['chance'])}); it is "
                f"retried at the next stage date.")
    return _event(w, day, "", "exchange_stage", text, issue=f["issue"], stage=f["stage"],
                  stages=f["stages"], tranche=f["tranche"], chance=f["chance"],
                  completed=f["completed"])


def _ceasefire_starts(w, model, day, f):
    term = model.config.issues[f["issue"]].duration_days
    length = f"for {term} days" if term else "open-ended"
    text = f"The ceasefire (scope {_lvl(f['scope'])}, {length}) is in force from today."
    return _event(w, day, "", "ceasefire_starts", text, issue=f["issue"], scope=f["scope"],
                  term=term)


def _violation(w, model, day, f):
    who, reason = f["actor"], f["reason"]
    how = {"deliberate": "deliberately: it is an opportunistic type",
           "accident": "by accident", "retaliation": "in retaliation for the violation it "
                                                     "reported yesterday"}[reason]
    text = f"{w.name(who)} violates the ceasefire {how} (today's chance {_pct(f['chance'])})."
    return _event(w, day, who, "violation", text, reason=reason, chance=f["chance"])


def _observation(w, model, day, f):
    i, j, b, a = f["actor"], f["other"], f["before"], f["after"]
    seen = {(True, True): f"sees {w.name(j)}'s violation",
            (True, False): f"reports a violation by {w.name(j)} that did not happen "
                           f"(a false alarm)",
            (False, True): f"does not see {w.name(j)}'s violation",
            (False, False): f"sees nothing from {w.name(j)}"}[(f["saw"], f["violated"])]
    text = f"{w.name(i)} {seen}; its trust in {w.name(j)}: {_t(b)} → {_t(a)}."
    kind = {(True, True): "observed_violation", (True, False): "false_alarm",
            (False, True): "missed_violation", (False, False): "nothing_seen"}
    return _event(w, day, i, kind[(f["saw"], f["violated"])], text, other=j, saw=f["saw"],
                  violated=f["violated"], trust_before=b, trust_after=a)


def _quiet(w, model, day, f):
    first, last = day, f["last"]
    span = "A quiet day" if first == last else f"Days {first}–{last}{_date_span(w, first, last)} quiet"
    changes = "; ".join(f"{w.name(i)} in {w.name(j)} {_t(b)} → {_t(a)}"
                        for (i, j), (b, a) in f["pairs"].items())
    text = f"{span}: no violation and none reported. Trust: {changes}."
    return _event(w, day, "", "quiet", text, first_day=first, last_day=last,
                  days=last - first + 1, **_pairs(f["pairs"]))


def _date_span(w, first: int, last: int) -> str:
    """`` (17–18 Jun)`` or `` (29 Jun–2 Jul)``; empty without a start date."""
    if w.start is None:
        return ""
    d0, d1 = (w.start + dt.timedelta(days=d) for d in (first, last))
    if d0.month == d1.month:
        return f" ({d0.day}–{d1.day} {d1:%b})"
    return f" ({d0.day} {d0:%b}–{d1.day} {d1:%b})"


def _exit(w, model, day, f):
    i, j = f["actor"], f["other"]
    text = (f"{w.name(i)} declares the ceasefire over after what it saw from {w.name(j)} "
            f"(chance {_pct(f['chance'])}, from effective trust {_t(f['effective_trust'])}).")
    return _event(w, day, i, "exit", text, other=j, chance=f["chance"],
                  effective_trust=f["effective_trust"])


def _stays(w, model, day, f):
    i, j = f["actor"], f["other"]
    text = (f"{w.name(i)} stays in the ceasefire despite what it saw from {w.name(j)} "
            f"(chance of leaving was {_pct(f['chance'])}).")
    return _event(w, day, i, "stays", text, other=j, chance=f["chance"],
                  effective_trust=f["effective_trust"])


def _collapse(w, model, day, f):
    text = f"The ceasefire has collapsed after {f['days']} days in force."
    return _event(w, day, "", "collapse", text, issue=f["issue"], days=f["days"])


def _term_completed(w, model, day, f):
    text = f"The ceasefire completes its {f['days']}-day term: it held."
    return _event(w, day, "", "term_completed", text, issue=f["issue"], days=f["days"])


SENTENCES = {
    "announce": _announce, "talks_open": _talks_open, "session": _session,
    "proposal": _proposal, "response": _response, "agreement": _agreement,
    "impasse": _impasse, "ranges": _ranges, "zone": _zone, "trust": _trust, "exchange_stage": _exchange_stage,
    "ceasefire_starts": _ceasefire_starts, "violation": _violation,
    "observation": _observation, "quiet": _quiet, "exit": _exit, "stays": _stays,
    "collapse": _collapse, "term_completed": _term_completed,
}
"""How each kind of fact the reference model tells becomes an event."""


# -- renderings ----------------------------------------------------------------------------


def to_text(story: Trace, width: int = 100) -> str:
    """The history as text: a heading per day, one indented paragraph per event."""
    import textwrap

    lines = [f"{story.title}: replicate {story.replicate}, seed {story.seed}",
             f"(row {story.replicate} of `negsim run {story.stem} --seed {story.seed}`)"]
    heading = None
    for event in story.events:
        when = _when_heading(event, story)
        if when != heading:
            lines += ["", when]
            heading = when
        # a label such as "30-day ceasefire" is never split at its hyphen
        lines += textwrap.wrap(event.text, width=width, initial_indent="  ",
                               subsequent_indent="    ", break_on_hyphens=False)
    return "\n".join(lines) + "\n"


def _when_heading(event: Event, story: Trace) -> str:
    if event.kind in ("type", "commitment", "attendance_fixed", "boycott"):
        return "Before the announcements"
    if event.kind == "end":
        return "Outcome"
    if event.date is None:
        return f"Day {event.day}"
    date = dt.date.fromisoformat(event.date)
    return f"Day {event.day} · {date:%a} {date.day} {date:%b %Y}"


def to_records(story: Trace) -> list[dict]:
    return [asdict(e) for e in story.events]


def to_json(story: Trace) -> str:
    """The history as JSON: the run's identity, its outcome record, and the events."""
    document = {"scenario": story.stem, "title": story.title, "seed": story.seed,
                "replicate": story.replicate, "record": story.record,
                "events": to_records(story)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = ["day", "date", "actor", "kind", "text", "numbers"]


def to_csv(story: Trace) -> str:
    """The history as CSV: one row per event, its numbers as a JSON object."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in story.events:
        writer.writerow([e.day, e.date or "", e.actor, e.kind, e.text,
                         json.dumps(e.numbers, ensure_ascii=False, sort_keys=True)])
    return buffer.getvalue()


RENDERERS = {"text": to_text, "json": to_json, "csv": to_csv}
