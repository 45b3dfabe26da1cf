"""docs/teaching.md: the commands of "Before class" and the exercises' expected answers.

Each exercise changes ONE thing against a base scenario. The commands it tells students to
type are listed here once; the page shows them from here, and the expected answers are what
those very commands write (their results folders' ``summary.csv``, ``daily.csv`` and
``replicates.parquet``; default seed, 10,000 runs). The generator adds ``--no-plots``, which
changes no number. The prose around the answers is the page's; the claims below are what it
says about them, checked on every regeneration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.results.results import load_results
from tools.docnumbers import story
from tools.docnumbers.commands import STAMP_SHOWN, negsim
from tools.docnumbers.generated import Generated
from tools.docnumbers.words import pct, whole_pct

BEFORE_CLASS = {
    "baseline": "negsim run istanbul-2025 --out class",
    "putin": "negsim run putin-attends --out class",
    "monitoring": "negsim run us-monitoring --out class",
}
EXERCISES = {
    "no_noise": "negsim run putin-attends --set talks.decision_noise=0 --out class",
    "trust": "negsim run istanbul-2025 --set trust.ukraine.russia=0.4 --out class",
    "retaliation": "negsim run putin-attends --set actors.ukraine.retaliation=0.9 --out class",
    "false_alarm": "negsim run putin-attends --set observation.false_alarm=0.1 --out class",
}
"""The commands of exercises 1 and 3 (exercise 2 uses the runs made before class)."""


def generate(workdir: Path) -> Generated:
    runs = {key: load_results(negsim(command, workdir, "--no-plots").folder)
            for key, command in {**BEFORE_CLASS, **EXERCISES}.items()}
    made = Generated()
    made.value("teaching.before_class", _before_class(runs["baseline"].runs))
    for key, command in EXERCISES.items():
        made.value(f"teaching.command.{key}", f"`{command}`")
    _putin(made, runs)
    _guarantor(made, runs)
    _one_change(made, runs)
    return made.merge(story.generate(workdir, runs["baseline"]))


def _before_class(runs: int) -> str:
    first = BEFORE_CLASS["baseline"]
    lines = [f"{first:<48}# {runs:,} histories of the baseline, with figures",
             *[c for k, c in BEFORE_CLASS.items() if k != "baseline"],
             f"{'negsim report class/istanbul-2025/' + STAMP_SHOWN:<48}# report.html in that "
             "folder"]
    return "```sh\n" + "\n".join(lines) + "\n```"


# -- what students read, and where ---------------------------------------------------------


def share(metric: str, category: str) -> Callable:
    """A reader of one row of a run's ``summary.csv``."""
    def measure(results) -> float:
        rows = results.summary
        hit = rows[(rows["metric"] == metric) & (rows["category"] == category)]
        return float(hit["share"].iloc[0])
    return measure


agreed = share("agreed", "ceasefire")


def collapsed_of_agreed(results) -> float:
    """Of the histories that agreed a ceasefire, the share whose ceasefire collapsed."""
    return share("outcome", "ceasefire_collapsed")(results) / agreed(results)


def zone_at_last_session(results) -> float:
    """``daily.csv``'s ``zone_open.ceasefire`` on the day of the last session."""
    calendar = results.scenario["calendar"]
    last = (calendar["sessions"] - 1) * calendar["session_every_days"]
    daily = results.daily
    return float(daily.loc[daily["day"] == last, "zone_open.ceasefire"].iloc[0])


def zone_at_any_session(results) -> float:
    """The largest ``zone_open.ceasefire`` of any day: the sessions' days, others are 0."""
    return float(results.daily["zone_open.ceasefire"].max())


def violations_when_agreed(party: str) -> Callable:
    """A reader of a party's mean violations over the histories that agreed a ceasefire."""
    def measure(results) -> float:
        rows = results.replicates
        return float(rows.loc[rows["agreed.ceasefire"], f"violations.{party}"].mean())
    return measure


def after_false_alarm(results) -> float:
    """Of the collapsed ceasefires, the share ended after a false alarm (``ended_after``)."""
    ended = results.replicates["ended_after"].dropna()
    return float((ended == "false_alarm").mean())


@dataclass(frozen=True)
class Row:
    """One line of an answer table: what to read, where, and how it is written."""

    what: str
    where: str
    measure: Callable
    written: Callable = pct


def _answers(columns: dict[str, object], rows: list[Row]) -> str:
    """A Markdown table: one row per :class:`Row`, one column per run."""
    head = ["| what to read | where | " + " | ".join(columns) + " |",
            "|---|---|" + "---:|" * len(columns)]
    body = [f"| {row.what} | {row.where} | "
            + " | ".join(row.written(row.measure(r)) for r in columns.values()) + " |"
            for row in rows]
    return "\n".join(head + body)


AGREED = Row("ceasefire agreed", "the run table", agreed)
COLLAPSED = Row("agreed ceasefires that collapsed", "the run table: collapsed ÷ agreed",
                collapsed_of_agreed, whole_pct)


def _reason(reason: str, words: str) -> Row:
    return Row(words, f"`summary.csv`: `reason.ceasefire`, `{reason}`",
               share("reason.ceasefire", reason))


NO_OVERLAP = _reason("no_overlap", "no ceasefire, and no level acceptable to both parties "
                                   "even with every leader present")


# -- the exercises -------------------------------------------------------------------------


def _putin(made: Generated, runs: dict) -> None:
    base, putin = runs["baseline"], runs["putin"]
    made.value("teaching.ex1.answers", _answers(
        {"`istanbul-2025`": base, "`putin-attends`": putin},
        [Row("Putin attends", "the run table; `attendance.png`", share("attended", "russia")),
         AGREED, COLLAPSED, NO_OVERLAP,
         Row("a zone of agreement on the ceasefire, at any session", "`daily.csv`: "
             "`zone_open.ceasefire`", zone_at_any_session)]))
    made.value("teaching.ex1.no_noise", pct(agreed(runs["no_noise"])))
    made.value("teaching.ex1.times", f"{agreed(putin) / agreed(base):.1f}")
    made.claim("ex1: with Putin present the ceasefire is agreed more often",
               agreed(putin) > agreed(base))
    made.claim("ex1: in neither scenario is there a zone of agreement on the ceasefire at any "
               "session", zone_at_any_session(base) == 0 == zone_at_any_session(putin))
    made.claim("ex1: every ceasefire of the baseline was agreed with Putin present",
               base.replicates.loc[base.replicates["agreed.ceasefire"], "attended.russia"].all())
    made.claim("ex1: without decision noise putin-attends agrees no ceasefire",
               agreed(runs["no_noise"]) == 0)
    made.claim("ex1: agreed ceasefires collapse no less often with Putin present",
               collapsed_of_agreed(putin) >= collapsed_of_agreed(base))


def _guarantor(made: Generated, runs: dict) -> None:
    base, watched = runs["baseline"], runs["monitoring"]
    no_mandate = _reason("no_mandate", "no ceasefire: a level acceptable to both with every "
                                       "leader present, but not within the mandates")
    made.value("teaching.ex2.answers", _answers(
        {"`istanbul-2025`": base, "`us-monitoring`": watched},
        [AGREED, COLLAPSED, no_mandate,
         Row("a zone of agreement on the ceasefire at the last session", "`daily.csv`: "
             "`zone_open.ceasefire`", zone_at_last_session)]))
    made.claim("ex2: the monitoring guarantor at least halves the share of agreed ceasefires "
               "that collapse", collapsed_of_agreed(watched) <= collapsed_of_agreed(base) / 2)
    made.claim("ex2: the monitoring guarantor raises agreement", agreed(watched) > agreed(base))
    made.claim("ex2: no_mandate appears only with the guarantor",
               no_mandate.measure(base) == 0 < no_mandate.measure(watched))
    made.claim("ex2: the guarantor opens a zone of agreement in some histories",
               zone_at_last_session(base) == 0 < zone_at_last_session(watched))


def _one_change(made: Generated, runs: dict) -> None:
    _trust(made, runs["baseline"], runs["trust"])
    _implementation(made, "retaliation", runs["putin"], runs["retaliation"],
                    Row("Ukraine's violations per agreed ceasefire", "`replicates.csv`: mean of "
                        "`violations.ukraine` where `agreed.ceasefire`",
                        violations_when_agreed("ukraine"), lambda v: f"{v:.2f}"))
    _implementation(made, "false_alarm", runs["putin"], runs["false_alarm"])
    retaliated, alarmed = runs["retaliation"], runs["false_alarm"]
    made.claim("ex3: retaliation moves the share of agreed ceasefires that collapse by less "
               "than 5 points (judgement: 'a little'), while Ukraine violates more",
               0 <= collapsed_of_agreed(retaliated) - collapsed_of_agreed(runs["putin"]) < 0.05
               and violations_when_agreed("ukraine")(retaliated)
               > violations_when_agreed("ukraine")(runs["putin"]))
    made.claim("ex3: most collapses on putin-attends, with or without more retaliation, "
               "follow a false alarm", all(after_false_alarm(r) > 0.5
                                           for r in (runs["putin"], retaliated)))
    made.claim("ex3: a third of the false alarms about halves the share of agreed ceasefires "
               "that collapse (judgement: to between 0.4 and 0.6 of it)",
               0.4 <= collapsed_of_agreed(alarmed) / collapsed_of_agreed(runs["putin"]) <= 0.6)


def _trust(made: Generated, base, trusting) -> None:
    rows = [AGREED,
            Row("a zone of agreement on the ceasefire at the last session", "`daily.csv`: "
                "`zone_open.ceasefire`", zone_at_last_session),
            NO_OVERLAP,
            _reason("no_mandate", "no ceasefire: acceptable to both with every leader present, "
                                  "not within the mandates"),
            _reason("refused", "no ceasefire: acceptable to both, but the proposal was "
                               "refused")]
    made.value("teaching.ex3.trust.answers", _answers(
        {"`istanbul-2025`": base, "`--set trust.ukraine.russia=0.4`": trusting}, rows))
    made.claim("ex3: in the baseline every history without a ceasefire is no_overlap",
               abs(NO_OVERLAP.measure(base) + agreed(base) - 1) < 1e-12)
    made.claim("ex3: more trust opens a zone of agreement at the last session",
               zone_at_last_session(base) == 0 < zone_at_last_session(trusting))
    made.claim("ex3: with more trust the mandate and refused proposals appear as reasons",
               all(r.measure(base) == 0 < r.measure(trusting) for r in rows[3:]))


def _implementation(made: Generated, key: str, base, changed, *extra: Row) -> None:
    change = EXERCISES[key].split("--set ")[1].split()[0]
    made.value(f"teaching.ex3.{key}.answers", _answers(
        {"`putin-attends`": base, f"`--set {change}`": changed}, [AGREED, COLLAPSED, *extra]))
    made.claim(f"ex3: {change} acts only on a ceasefire in force: agreement is unchanged",
               agreed(base) == agreed(changed))
