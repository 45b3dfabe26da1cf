"""Outcomes that explain themselves: what was agreed, how much, and why the rest was not.

The one place that turns a run's records into the rows that ``negsim run``, ``negsim report``,
``negsim plot`` and the browser view show, so that all of them say the same thing in the same
words (reason words: :data:`sim.model.outcomes.REASON_TABLE`; names and issue labels:
:class:`sim.model.labels.Labels`):

* :func:`agreements`, from the summary, per issue: agreed (any size), agreed in full, the
  sizes agreed, and the mean share of an exchange delivered;
* :func:`why`, from the replicate records, per issue "Why no <issue>" (the reason and the
  party that blocked it, docs/model.md §7.6), and "Who ended the <ceasefire>".

Every share is a share of ALL the run's replicates, with its Wilson 95% interval, except "Who
ended the <ceasefire>", which is a share of the runs whose ceasefire collapsed (each table's
title says which). Folders written by model 1 have neither reasons nor sizes: :func:`missing`
says so in one sentence instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.model.labels import Labels
from sim.model.outcomes import ENDING_WORDS, REASON_TABLE
from sim.results.summary import wilson

ALL_RUNS = "share of all runs"
"""What the shares of :func:`agreements` and of "Why no <issue>" are of."""

SIZE_SHOWN = 0.01
"""A size (agreed level) gets a row of its own from this share of all runs; rarer sizes are
added up in one row ("at other levels"), so the table stays short."""

WHY_COLUMNS = ("reason.", "blocker.", "ended_by", "ended_after")
"""The replicate columns (or column prefixes) :func:`why` reads."""


@dataclass(frozen=True)
class Line:
    """One row: words, a share (or a mean) and its 95% interval."""

    text: str
    share: float
    low: float
    high: float


@dataclass(frozen=True)
class Section:
    """A titled group of rows, e.g. "Why no 30-day ceasefire" or one issue's agreements.

    Attributes:
        title: what the rows are about ("Why no 30-day ceasefire").
        of: what the shares are of ("share of all runs").
        lines: the rows, in the order shown.
        empty: what to say when there are no rows.
    """

    title: str
    of: str
    lines: tuple[Line, ...]
    empty: str = ""

    @property
    def heading(self) -> str:
        """The title with what its shares are of: "Why no 30-day ceasefire (share of all
        runs)"."""
        return f"{self.title} ({self.of})"


def _line(text: str, k: int, n: int) -> Line:
    return Line(text, k / n if n else 0.0, *(wilson(k, n) if n else (0.0, 1.0)))


# -- what was agreed, and how much --------------------------------------------------------


def agreements(summary: pd.DataFrame, labels: Labels) -> list[Section]:
    """Per issue (in the summary's order): agreed (any size); then, where the summary has
    them (model 2 on), agreed in full, the share agreed at each size, and for an exchange
    the mean share delivered. Sizes rarer than :data:`SIZE_SHOWN` share one row."""
    rows = {(m, c): r for m, c, r in zip(summary["metric"], summary["category"],
                                         summary.itertuples(), strict=True)}
    sections = []
    for (metric, issue), r in rows.items():
        if metric != "agreed":
            continue
        lines = [Line("agreed (any size)", r.share, r.ci_low, r.ci_high)]
        full = rows.get(("agreed_in_full", issue))
        if full is not None:
            lines.append(Line("agreed in full (level 1.00)", full.share, full.ci_low,
                              full.ci_high))
        lines += _sizes(summary, f"level.{issue}")
        if labels.issues.get(issue, {}).get("kind") == "exchange":
            lines += _delivered(rows, labels)
        sections.append(Section(labels.issue(issue), ALL_RUNS, tuple(lines)))
    return sections


def _sizes(summary: pd.DataFrame, metric: str) -> list[Line]:
    """"agreed at 0.75" per level reached (largest first), the rare ones added up."""
    table = summary[summary["metric"] == metric]
    if table.empty:
        return []
    n = int(table["n"].iloc[0])
    counts = {float(c): round(s * n) for c, s in zip(table["category"], table["share"],
                                                      strict=True)}
    shown = [level for level, k in counts.items() if k >= SIZE_SHOWN * n]
    lines = [_line(f"agreed at {level:.2f}", counts[level], n)
             for level in sorted(shown, reverse=True)]
    rest = sum(k for level, k in counts.items() if level not in shown)
    if rest:
        lines.append(_line(f"agreed at other levels (each under {100 * SIZE_SHOWN:.0f}%)",
                           rest, n))
    return lines


def _delivered(rows: dict, labels: Labels) -> list[Line]:
    r = rows.get(("exchanged_share", "mean"))
    if r is None:
        return []
    exchanges = [k for k, x in labels.issues.items() if x.get("kind") == "exchange"]
    over = "" if len(exchanges) < 2 else " (averaged over the exchanges)"
    return [Line(f"share delivered: mean of all runs{over}", r.share, r.ci_low, r.ci_high)]


# -- why -----------------------------------------------------------------------------------


def why(replicates: pd.DataFrame, labels: Labels) -> list[Section]:
    """"Why no <issue>" for every issue with a ``reason.<issue>`` column, then "Who ended the
    <ceasefire>" if the scenario has a ceasefire; [] for records without reasons (model 1).

    In "Why no <issue>" each row is a reason (with its blocker where it has one), largest
    first, and the last row is "Agreed (any size)", so that the rows add up to 100% of the
    runs. Rows no run had are left out.
    """
    n = len(replicates)
    sections = []
    for column in replicates.columns:
        if column.startswith("reason."):
            issue = column.removeprefix("reason.")
            sections.append(Section(f"Why no {labels.issue(issue)}", ALL_RUNS,
                                    tuple(_reason_lines(replicates, issue, labels, n))))
    if sections and "ended_by" in replicates and _ceasefire(labels) is not None:
        sections.append(_endings(replicates, labels))
    return sections


def _reason_lines(replicates: pd.DataFrame, issue: str, labels: Labels, n: int) -> list[Line]:
    reasons = replicates[f"reason.{issue}"].astype(object)
    blockers = replicates.get(f"blocker.{issue}", pd.Series(None, index=replicates.index))
    waits_for = labels.issues.get(issue, {}).get("opens_after")
    counts = pd.DataFrame({"reason": reasons, "blocker": blockers.astype(object)}).value_counts(
        dropna=False, sort=False)
    words = {r.id: r for r in REASON_TABLE}
    lines = []
    for (reason, blocker), k in counts.items():
        if reason == "agreed":
            continue
        text = words[reason].line.format(
            blocker=labels.actor(blocker) if isinstance(blocker, str) else "a party",
            waits_for=labels.issue(waits_for) if waits_for else "another issue")
        lines.append(_line(text[:1].upper() + text[1:], int(k), n))
    lines.sort(key=lambda line: (-line.share, line.text))
    agreed = int((reasons == "agreed").sum())
    return [*lines, _line(words["agreed"].line, agreed, n)]


def _ceasefire(labels: Labels) -> str | None:
    return next((k for k, x in labels.issues.items() if x.get("kind") == "ceasefire"), None)


def _endings(replicates: pd.DataFrame, labels: Labels) -> Section:
    """Who declared the ceasefire over, and after what; of the runs where it collapsed."""
    ended = replicates[replicates["ended_by"].notna()]
    title = f"Who ended the {labels.issue(_ceasefire(labels))}"
    runs = len(ended)
    counts = pd.DataFrame({"by": ended["ended_by"].astype(object),
                           "after": ended["ended_after"].astype(object)}).value_counts()
    lines = [_line(f"{labels.actor(by)} {ENDING_WORDS[after]}", int(k), runs)
             for (by, after), k in counts.items()]
    lines.sort(key=lambda line: (-line.share, line.text))
    of = f"share of the {runs:,} run{'s' if runs != 1 else ''} where it collapsed"
    return Section(title, of, tuple(lines), empty="It collapsed in none of the runs.")


# -- older folders -------------------------------------------------------------------------


def missing(metadata: dict) -> str:
    """The sentence shown instead of the reasons and sizes of a folder without them."""
    model = metadata.get("model", "1")
    return (f"Why each issue ended as it did, the sizes agreed and the share of an exchange "
            f"delivered are not available for this folder: it was written by model {model} "
            "of negsim, which did not record them. Run the scenario again to see them.")


def has_why(columns: Iterable[str]) -> bool:
    """Whether a replicate table records reasons (model 2 on)."""
    return any(c.startswith("reason.") for c in columns)


def records(folder: str | Path) -> pd.DataFrame:
    """Only the columns :func:`why` reads, from a results folder's replicate table (a run of
    a million replicates reads a few columns, not all of them)."""
    from sim.results import folder as files

    return files.read_replicate_columns(Path(folder), WHY_COLUMNS)


def sizes_recorded(summary: pd.DataFrame) -> bool:
    """Whether a summary has the rows of agreed sizes (model 2 on)."""
    return bool((summary["metric"] == "agreed_in_full").any())

