"""docs/teaching.md, "Following one history": a trace excerpt, and what it shows.

The history is chosen by a rule, not by hand: the first replicate of the baseline whose
ceasefire collapsed and that, with the same draws and a US monitoring mechanism
(:data:`MONITORING`), agrees the same ceasefire on the same day and holds it. So the page's
last hint ("try it with a monitoring guarantor") shows a history that differs, which the
first collapse (``--find ceasefire_collapsed``) does not: its false alarms come anyway.

The excerpt is cut from exactly what ``negsim trace`` prints (checked here): events are left
out by the rules of :func:`_left_out`, each gap marked ``...`` on the day it starts.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import sim
from sim.report.trace import Event, find_replicate, to_text, trace
from sim.scenario.loader import load_scenario
from tools.docnumbers.commands import CommandFailed, negsim
from tools.docnumbers.generated import Generated

SCENARIO = "istanbul-2025"
MONITORING = "actors.usa.monitoring=0.8"
"""The one change of the hint: the US runs a monitoring mechanism (docs/model.md §9.2's
value)."""


def generate(workdir: Path, baseline) -> Generated:
    """``baseline``: the results of ``negsim run istanbul-2025`` (the default seed)."""
    seed = baseline.seed
    k = story_replicate(baseline.replicates, seed)
    story = _told(f"negsim trace {SCENARIO} --replicate {k}", [], seed, k, workdir)
    monitored = _told(f"negsim trace {SCENARIO} --replicate {k} --set {MONITORING}",
                      [MONITORING], seed, k, workdir)
    made = Generated()
    made.value("teaching.trace.command", f"`negsim trace {SCENARIO} --replicate {k}`")
    made.value("teaching.trace.first_collapse",
               str(find_replicate(load_scenario(SCENARIO), seed, "ceasefire_collapsed")))
    made.value("teaching.trace.excerpt", "```text\n" + to_text(excerpt(story)) + "```")
    made.value("teaching.trace.monitored_command",
               f"`negsim trace {SCENARIO} --replicate {k} --set {MONITORING}`")
    _attendance(made, story)
    _talks(made, story)
    _implementation(made, story)
    _monitored(made, story, monitored)
    return made


def story_replicate(replicates, seed: int) -> int:
    """The first collapse of the baseline that a monitoring guarantor turns into a ceasefire
    agreed alike and held (see the module's docstring)."""
    watched = sim.simulate(load_scenario(SCENARIO, [MONITORING]), runs=len(replicates),
                           seed=seed).replicates
    same = ((replicates["day.ceasefire"] == watched["day.ceasefire"])
            & (replicates["level.ceasefire"] == watched["level.ceasefire"]))
    saved = ((replicates["outcome"] == "ceasefire_collapsed")
             & (watched["outcome"] == "ceasefire_holding") & same)
    if not saved.any():
        raise LookupError(f"no history of {SCENARIO} among {len(replicates):,} collapses and "
                          f"holds with {MONITORING}: the teaching page needs a new story")
    return int(replicates.loc[saved, "replicate"].iloc[0])


def _told(command: str, overrides: list[str], seed: int, k: int, workdir: Path):
    """The history as events, after checking that the command prints exactly its text."""
    story = trace(load_scenario(SCENARIO, overrides), seed, k)
    printed = negsim(command, workdir).stdout
    if printed != to_text(story):
        raise CommandFailed(f"`{command}` does not print the history it is said to print")
    return story


# -- the excerpt ---------------------------------------------------------------------------


def excerpt(story):
    """The story without the events :func:`_left_out` names, a ``...`` where each gap
    starts."""
    end = _ceasefire_end(story)
    first_session = min(e.day for e in story.events if e.kind == "session")
    agreed = _ceasefire_agreed(story).day
    kept, gap = [], None
    for event in story.events:
        if _left_out(event, story, first_session, agreed, end):
            gap = gap or event
            continue
        if gap is not None:
            kept.append(Event(gap.day, gap.date, "", "omitted", "..."))
            gap = None
        kept.append(event)
    return dataclasses.replace(story, events=kept)


def _left_out(event: Event, story, first_session: int, agreed: int, end: int) -> bool:
    """Left out: the exchange (proposals, stages and the trust its stages signal); the
    sessions between the first and the one that agreed the ceasefire; the mediators'
    trust-building after the first session; everything after the ceasefire ended but the
    outcome."""
    issue = event.numbers.get("issue")
    about_exchange = (issue is not None and issue != _ceasefire_issue(story)) or (
        event.kind == "trust" and event.numbers.get("cause") == "signal")
    middle_session = first_session < event.day < agreed
    later_mediation = (event.kind == "trust" and event.numbers.get("cause") == "mediation"
                       and event.day > first_session)
    after_end = event.day > end and event.kind != "end"
    return about_exchange or middle_session or later_mediation or after_end


def _ceasefire_issue(story) -> str:
    return _ceasefire_agreed(story).numbers["issue"]


def _ceasefire_agreed(story) -> Event:
    """The agreement that started the ceasefire (the first agreement followed by one)."""
    starts = next(e for e in story.events if e.kind == "ceasefire_starts")
    return next(e for e in story.events if e.kind == "agreement"
                and e.numbers["issue"] == starts.numbers["issue"])


def _ceasefire_end(story) -> int:
    return next(e.day for e in story.events if e.kind in ("collapse", "term_completed"))


def _of(story, kind: str, actor: str | None = None) -> list[Event]:
    return [e for e in story.events if e.kind == kind and actor in (None, e.actor)]


# -- what the notes under the excerpt say ------------------------------------------------


def _attendance(made: Generated, story) -> None:
    trump, putin = _of(story, "announce", "usa"), _of(story, "announce", "russia")
    opening = _of(story, "talks_open")[0]
    no_show = [e for e in _of(story, "trust", "russia") if e.numbers.get("cause") == "no_show"]
    made.claim("trace: Trump announced before Putin, and Putin's chance followed the US",
               trump and putin and trump[0].day < putin[0].day
               and putin[0].numbers["followed"] == "usa")
    made.claim("trace: Zelenskyy stayed away, and Russia's trust in Ukraine fell for it",
               "ukraine" in opening.numbers["away"] and len(no_show) == 1)
    if trump and putin:
        made.value("teaching.trace.trump_day", str(trump[0].day))
        made.value("teaching.trace.putin_day", str(putin[0].day))
        made.value("teaching.trace.putin_chance", f"{putin[0].numbers['overall']:.0%}")


def _talks(made: Generated, story) -> None:
    issue = _ceasefire_issue(story)
    zones = [e for e in _of(story, "zone") if e.numbers["issue"] == issue]
    agreed = _ceasefire_agreed(story)
    answers = [e for e in _of(story, "response", "ukraine")
               if e.numbers["issue"] == issue and e.day == agreed.day]
    made.claim("trace: the ceasefire's zone of agreement is shut at every session, even with "
               "every leader present",
               zones and not any(z.numbers["open"] or z.numbers["if_leaders"] for z in zones))
    made.claim("trace: the ceasefire is agreed at the last session",
               agreed.day == max(e.day for e in _of(story, "session")))
    made.claim("trace: Ukraine accepted the ceasefire only thanks to its decision noise",
               len(answers) == 1 and answers[0].numbers["accepted"]
               and answers[0].numbers["utility"] < answers[0].numbers["aspiration"])
    made.value("teaching.trace.agreed_session",
               str(next(e.numbers["session"] for e in _of(story, "session")
                        if e.day == agreed.day)))
    if answers:
        made.value("teaching.trace.ukraine_utility", f"{answers[0].numbers['utility']:.2f}")
        made.value("teaching.trace.ukraine_aspiration",
                   f"{answers[0].numbers['aspiration']:.2f}")
        made.value("teaching.trace.ukraine_noise", f"{answers[0].numbers['noise']:+.2f}")


def _implementation(made: Generated, story) -> None:
    types = _of(story, "type")
    violations = _of(story, "violation")
    russian = [v for v in violations if v.actor == "russia"]
    missed = _of(story, "missed_violation", "ukraine")
    last = violations[-1] if violations else None
    alarms = _of(story, "false_alarm")
    made.claim("trace: both parties are reciprocating types",
               len(types) == 2 and all(t.numbers["reciprocating"] for t in types))
    made.claim("trace: Russia's only violation was an accident that Ukraine did not see",
               len(russian) == 1 and russian[0].numbers["reason"] == "accident"
               and [m.day for m in missed] == [russian[0].day])
    made.claim("trace: the last violation was Ukraine's retaliation, the day after a false "
               "alarm Ukraine reported",
               last is not None and last.actor == "ukraine"
               and last.numbers["reason"] == "retaliation"
               and any(a.actor == "ukraine" and a.day == last.day - 1 for a in alarms))
    made.claim("trace: Russia ended the ceasefire after that real violation",
               story.record["ended_by"] == "russia" and story.record["ended_after"] == "violation"
               and last is not None and _ceasefire_end(story) == last.day)
    if russian and last is not None:
        made.value("teaching.trace.accident_day", str(russian[0].day))
        made.value("teaching.trace.false_alarms", _false_alarms(alarms))
        made.value("teaching.trace.retaliation_day", str(last.day))
        made.value("teaching.trace.days_in_force", str(story.record["ceasefire_days"]))


def _false_alarms(alarms: list[Event]) -> str:
    """``'Russia reported one on day 33, Ukraine on days 38 and 42'``."""
    names = {"russia": "Russia", "ukraine": "Ukraine"}
    parts = []
    for actor in dict.fromkeys(a.actor for a in alarms):
        days = [str(a.day) for a in alarms if a.actor == actor]
        when = f"day {days[0]}" if len(days) == 1 else \
            f"days {', '.join(days[:-1])} and {days[-1]}"
        parts.append(f"{names[actor]} {'reported one on' if not parts else 'on'} {when}")
    return ", ".join(parts)


def _monitored(made: Generated, story, monitored) -> None:
    record, watched = story.record, monitored.record
    made.claim("trace: with monitoring the same ceasefire is agreed on the same day",
               (record["day.ceasefire"], record["level.ceasefire"])
               == (watched["day.ceasefire"], watched["level.ceasefire"]))
    made.claim("trace: with monitoring no false alarm is raised and nobody retaliates",
               not _of(monitored, "false_alarm") and not any(
                   v.numbers["reason"] == "retaliation" for v in _of(monitored, "violation")))
    made.claim("trace: with monitoring the ceasefire holds its term",
               watched["outcome"] == "ceasefire_holding")
