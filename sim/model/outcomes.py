"""The outcome record of a replicate (docs/model.md §7) and the shape of a simulated chunk.

A *chunk* is a contiguous block of replicates simulated in one ensemble. Chunks are what
executors send to worker processes and what a ``.partial`` results folder stores for
``--resume``; :func:`sim.experiment.run.simulate` concatenates their replicate tables and
adds up their daily sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7", "sky_blue": "#56B4E9", "vermillion": "#D55E00",
    "yellow": "#F0E442", "black": "#000000", "grey": "#999999",
}
"""Every colour negsim draws with: the Okabe–Ito palette, whose colours readers with the
common colour-vision deficiencies can tell apart, and a neutral grey. No other module writes a
colour of this palette as a literal (a test scans ``sim/`` for them)."""


@dataclass(frozen=True)
class Outcome:
    """One outcome of a replicate, as every table, figure, report, trace and the view show it.

    Attributes:
        id: the name in results files, ``--find`` and sweep outputs (a contract).
        label: the plain-English label; ``{ceasefire}`` and ``{exchange}`` stand for the
            scenario's own issue labels (:meth:`sim.model.labels.Labels.outcome` fills them
            in), so that no label speaks of prisoners where a scenario exchanges engineers.
        colour: its colour in every figure.
        meaning: when a replicate has this outcome (docs/model.md §7.1).
    """

    id: str
    label: str
    colour: str
    meaning: str


OUTCOME_TABLE = (
    Outcome("no_talks", "No talks (a party sent no delegation)", PALETTE["grey"],
            "a party sent no delegation, so no session was held"),
    Outcome("no_agreement", "Talks held, no ceasefire or exchange", PALETTE["orange"],
            "talks were held but neither a ceasefire nor an exchange was agreed"),
    Outcome("exchange_only", "{exchange} only", PALETTE["sky_blue"],
            "an exchange was agreed and no ceasefire"),
    Outcome("ceasefire_collapsed", "{ceasefire} agreed, then collapsed", PALETTE["vermillion"],
            "a ceasefire was agreed and a party declared it over before its term or the "
            "horizon"),
    Outcome("ceasefire_holding", "{ceasefire} agreed and held", PALETTE["bluish_green"],
            "a ceasefire was agreed and was still in force at its term or the horizon"),
)
"""The five outcomes of docs/model.md §7.1: id, label, colour and meaning, in the order tables list
them. The one place where an outcome's words and colour are written."""

OUTCOMES = tuple(outcome.id for outcome in OUTCOME_TABLE)
"""The five outcome ids, in table order (the categories of the ``outcome`` column)."""


@dataclass(frozen=True)
class Reason:
    """Why an issue ended as it did, in the words every table, the report, the view and the
    trace use.

    Attributes:
        id: the category of ``reason.<issue>`` (a contract).
        line: a row of a "Why no <issue>" breakdown; ``{blocker}`` stands for the name of the
            party in ``blocker.<issue>`` and ``{waits_for}`` for the label of the issue that
            this one ``opens_after``.
        meaning: the clause the trace tells after "No <issue>:" (and when it applies).
    """

    id: str
    line: str
    meaning: str


REASON_TABLE = (
    Reason("agreed", "Agreed (any size)",
           "it was agreed at some session (any level, any number of tranches)"),
    Reason("no_talks", "No talks held (a party sent no delegation)", "no talks were held"),
    Reason("not_opened", "Never on the table: it waits for “{waits_for}”, not agreed "
                         "in time",
           "it never came to the table (what it waits for was not agreed in time)"),
    Reason("no_mandate", "{blocker}'s delegation had no mandate",
           "no level was acceptable to every party within the delegations' mandates (one "
           "would have been with the absent leaders present)"),
    Reason("no_overlap", "No level acceptable to all; {blocker} furthest from one",
           "no level was acceptable to every party, even with every leader present"),
    Reason("refused", "A level was acceptable to all; {blocker} refused the proposal",
           "a level was acceptable to every party, but the proposal was refused"),
)
"""Why an issue ended as it did (``reason.<issue>``), judged at the last session it was on the
table; the first that applies, in this order (docs/model.md §7.6):

* ``agreed``: agreed at some session (any level, any number of tranches);
* ``no_talks``: a party sent no delegation;
* ``not_opened``: its ``opens_after`` issue was never agreed in time, so it never came up;
* ``no_mandate``: no grid level was acceptable to every party (without decision noise) within
  the delegations' mandates, but one would have been with the absent leaders present;
* ``no_overlap``: no level was acceptable to every party even with every leader present;
* ``refused``: a level was acceptable to every party, but the proposal was refused.

The one place where a reason's words are written."""

REASONS = tuple(reason.id for reason in REASON_TABLE)
"""The six reason ids, in the order they are judged (the categories of ``reason.<issue>``):
``agreed``, ``no_talks``, ``not_opened``, ``no_mandate``, ``no_overlap``, ``refused``."""

ENDING_WORDS = {"violation": "after a real violation", "false_alarm": "after a false alarm"}
"""What the party that declared a ceasefire over had seen that day (``ended_after``), in words:
a real violation among what it saw, or only false alarms."""

ENDINGS = tuple(ENDING_WORDS)
"""The categories of ``ended_after``: ``violation``, ``false_alarm``."""

FIXED_POINT = 2**32
"""Daily float aggregates are summed as integers of value × 2**32, so that adding the sums of
chunks gives the same total, to the last bit, whatever the chunking."""


TRUST_HISTOGRAM = "trust_histogram"
"""Prefix of the daily sums' trust histogram columns: ``trust_histogram.<i>.<j>.<bin>``."""

HISTOGRAM_BINS = 200
"""Bins of width 0.005 over trust 0–1: the 10–90% band of trust is read off these counts
(exact integer sums, so chunking cannot change it), to within a bin's width."""

BAND = (0.1, 0.9)
"""The quantiles reported as ``trust.<i>.<j>.p10`` and ``.p90`` in the daily table."""


def trust_histogram(trust: np.ndarray) -> np.ndarray:
    """Counts of replicates per trust bin [b/200, (b+1)/200); the last bin includes 1."""
    bins = np.minimum((np.asarray(trust) * HISTOGRAM_BINS).astype(np.int64), HISTOGRAM_BINS - 1)
    return np.bincount(bins, minlength=HISTOGRAM_BINS)


def histogram_quantile(counts: np.ndarray, q: float) -> float:
    """The q-quantile of a binned distribution, interpolating linearly within a bin."""
    cdf = np.concatenate([[0.0], np.cumsum(counts) / max(counts.sum(), 1)])
    edges = np.arange(HISTOGRAM_BINS + 1) / HISTOGRAM_BINS
    k = int(np.searchsorted(cdf, q, side="left"))
    if k == 0:
        return 0.0
    lo, hi = cdf[k - 1], cdf[k]
    return float(edges[k - 1] + (q - lo) / (hi - lo) * (edges[k] - edges[k - 1]))


@dataclass(frozen=True)
class Chunk:
    """Replicates ``first_replicate … first_replicate + count − 1`` of one scenario and seed.

    Attributes:
        replicates: one row per replicate; the columns of the results contract (``replicate``
            first, then ``outcome`` as a categorical with categories :data:`OUTCOMES`, ...).
        daily_sums: one row per simulated day (``day`` column, from −announcement_days to
            horizon − 1); every other column is an int64 sum over the chunk's replicates:
            counts for shares, values × :data:`FIXED_POINT` for means.
        range_sums: one row per session and issue: the parties' acceptable ranges and the
            proposals as int64 sums (:mod:`sim.model.ranges`); None from an engine that does
            not record them (the run then has no ``ranges.csv``).
        series: the daily series asked for (``replicate, day, variable, value``, see
            :mod:`sim.model.series`), or None when none were.
    """

    first_replicate: int
    count: int
    replicates: pd.DataFrame
    daily_sums: pd.DataFrame
    range_sums: pd.DataFrame | None = None
    series: pd.DataFrame | None = None


def add_daily_sums(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Sum two chunks' daily tables (integer arithmetic: exact and order-free)."""
    if not a["day"].equals(b["day"]) or set(a.columns) != set(b.columns):
        raise ValueError("daily sums of different scenarios or calendars cannot be added")
    columns = a.columns.drop("day")
    total = a[columns].to_numpy(dtype=np.int64) + b[columns].to_numpy(dtype=np.int64)
    return pd.concat([a[["day"]].reset_index(drop=True),
                      pd.DataFrame(total, columns=columns)], axis=1)


def daily_means(sums: pd.DataFrame, runs: int) -> pd.DataFrame:
    """Turn summed daily counts into shares and means over ``runs`` replicates.

    Column ``ceasefire_in_force`` becomes the share of replicates with a ceasefire in force at
    the end of the day (the survival curve); ``announced.<actor>`` the share of replicates in
    which that leader has announced; the fixed-point columns (``exchanged_share``,
    ``trust.<i>.<j>``) become means; the trust histograms become the band
    ``trust.<i>.<j>.p10`` and ``.p90``.
    """
    out = {"day": sums["day"].to_numpy()}
    histograms: dict[str, list[str]] = {}
    for col in sums.columns.drop("day"):
        if col.startswith(TRUST_HISTOGRAM + "."):
            histograms.setdefault(col.rsplit(".", 1)[0], []).append(col)
            continue
        scale = FIXED_POINT if _is_fixed_point(col) else 1
        out[col] = sums[col].to_numpy() / (scale * runs)
    for name, cols in histograms.items():
        pair = name[len(TRUST_HISTOGRAM) + 1:]
        counts = sums[sorted(cols)].to_numpy()
        for q in BAND:
            out[f"trust.{pair}.p{round(q * 100):02d}"] = [histogram_quantile(c, q) for c in counts]
    return pd.DataFrame(out)


def _is_fixed_point(column: str) -> bool:
    return column == "exchanged_share" or column.startswith("trust.")
