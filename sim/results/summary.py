"""The summary table: shares of replicates with Wilson 95% intervals, from integer counts.

The summary is computed from :class:`Counts` (how many replicates had each outcome, each
leader present, each issue agreed ...), never from the rows themselves, so that a run of a
million replicates is summarised chunk by chunk: count each chunk, add the counts, summarise
once. ``Results.summary`` uses the same two functions on the rows it holds.

Its rows (``metric``, ``category``), in this order; ``share`` is a share of ALL replicates of
the run (``n``), with its Wilson 95% interval, unless said otherwise:

* ``outcome`` × each of the five outcomes (zeros included);
* ``attended`` × each actor; ``leaders_met`` × ``all``;
* ``agreed`` × each issue: agreed at any level (0.05 … 1);
* ``reason.<issue>`` × each of the six reasons of :data:`sim.model.outcomes.REASONS` (zeros
  included): why the issue ended as it did (docs/model.md §7.6);
* ``agreed_in_full`` × each issue: agreed at the total level 1.0 (for an exchange,
  all-for-all, in one tranche or several);
* ``level.<issue>`` × each grid level reached (``"0.05"`` … ``"1.00"``, only those with at
  least one replicate): the issue's total agreed level was that level;
* ``exchanged_share`` × ``mean``: NOT a share of replicates but the MEAN over all replicates of
  the share of an all-for-all exchange delivered (0 where none was), with a normal-approximation
  95% interval ``mean ± 1.96·sd/√n`` clipped to 0–1 (``[0, 1]`` when n = 1). It is summed in
  fixed point (:data:`sim.model.outcomes.FIXED_POINT`), so chunking changes no bit of it.

Folders written before model version 2 have no ``reason.*``, ``agreed_in_full``, ``level.*``
or ``exchanged_share`` rows; :func:`count` adds those only for the columns a table has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.model.outcomes import FIXED_POINT, OUTCOMES, REASONS

Z95 = 1.959963984540054
"""The standard normal quantile for a two-sided 95% interval."""

COLUMNS = ["scenario", "metric", "category", "share", "ci_low", "ci_high", "n"]
"""The summary contract: one row per (metric, category), long format."""


@dataclass
class Counts:
    """How many of ``runs`` replicates had each (metric, category), in table order.

    Adding two ``Counts`` adds their integers, so the counts of chunks add up to the counts of
    the run whatever the chunking.
    """

    runs: int = 0
    hits: dict[tuple[str, str], int] = field(default_factory=dict)
    sums: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    """For means: the fixed-point sums of the values and of their squares (exact integers)."""

    def __add__(self, other: Counts) -> Counts:
        hits = dict(self.hits)
        for key, k in other.hits.items():
            hits[key] = hits.get(key, 0) + k
        sums = dict(self.sums)
        for key, (total, squares) in other.sums.items():
            before = sums.get(key, (0, 0))
            sums[key] = (before[0] + total, before[1] + squares)
        return Counts(self.runs + other.runs, hits, sums)


def count(replicates: pd.DataFrame) -> Counts:
    """Count one replicate table (a chunk or a whole run).

    The rows of the module docstring, in its order; actors and issues in the order of the
    table's ``attended.*`` and ``agreed.*`` columns.
    """
    outcomes = replicates["outcome"].value_counts()
    hits = {("outcome", o): int(outcomes.get(o, 0)) for o in OUTCOMES}
    hits.update(_column_counts(replicates, "attended"))
    hits[("leaders_met", "all")] = int(replicates["leaders_met"].sum())
    hits.update(_column_counts(replicates, "agreed"))
    hits.update(_reason_counts(replicates))
    hits.update(_level_counts(replicates))
    sums = {}
    if "exchanged_share" in replicates:
        sums[("exchanged_share", "mean")] = _fixed_sums(replicates["exchanged_share"].to_numpy())
    return Counts(len(replicates), hits, sums)


PAIRED_METRICS = ("outcome", "attended", "leaders_met", "agreed")
"""The metrics that ``negsim compare`` (paired differences) and ``negsim sweep`` report: the
first rows of the summary, computed per replicate by :func:`indicators`."""


def indicators(replicates: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """Per replicate, whether it counts towards each row of :func:`count` whose metric is one
    of :data:`PAIRED_METRICS`, in its order, as boolean arrays (for paired differences and
    sweeps)."""
    outcome = replicates["outcome"].to_numpy()
    flags = {("outcome", o): outcome == o for o in OUTCOMES}
    for metric in PAIRED_METRICS[1:]:
        for col in replicates.columns:
            if col == metric or col.startswith(metric + "."):
                category = col.removeprefix(metric + ".") if col != metric else "all"
                flags[(metric, category)] = replicates[col].to_numpy(dtype=bool)
    return flags


def _column_counts(replicates: pd.DataFrame, metric: str) -> dict[tuple[str, str], int]:
    prefix = metric + "."
    return {(metric, col.removeprefix(prefix)): int(replicates[col].sum())
            for col in replicates.columns if col.startswith(prefix)}


def _reason_counts(replicates: pd.DataFrame) -> dict[tuple[str, str], int]:
    """``reason.<issue>`` × each reason, zeros included."""
    hits = {}
    for col in replicates.columns:
        if col.startswith("reason."):
            found = replicates[col].value_counts()
            hits.update({(col, r): int(found.get(r, 0)) for r in REASONS})
    return hits


def _level_counts(replicates: pd.DataFrame) -> dict[tuple[str, str], int]:
    """``agreed_in_full`` × each issue, then ``level.<issue>`` × every grid level (zeros
    included here, so that the keys do not depend on the chunk; :func:`summarise` shows only
    the levels reached)."""
    grid = {col.removeprefix("level."): _grid_steps(replicates[col].to_numpy())
            for col in replicates.columns if col.startswith("level.")}
    hits = {("agreed_in_full", k): int(steps[GRID_STEPS]) for k, steps in grid.items()}
    for k, steps in grid.items():
        hits.update({(f"level.{k}", f"{s / GRID_STEPS:.2f}"): int(steps[s])
                     for s in range(1, GRID_STEPS + 1)})
    return hits


GRID_STEPS = 20
"""Agreed levels are multiples of 1/20 (docs/model.md §4.2)."""


def _grid_steps(levels: np.ndarray) -> np.ndarray:
    """How many replicates have each level 0/20 … 20/20 (0: not agreed)."""
    return np.bincount(np.rint(levels * GRID_STEPS).astype(np.int64), minlength=GRID_STEPS + 1)


def _fixed_sums(values: np.ndarray) -> tuple[int, int]:
    """Σx and Σx² in fixed point, as exact integers (the same total whatever the chunking)."""
    def fixed(x):
        return int(np.round(x * FIXED_POINT).astype(np.int64).sum())
    return fixed(values), fixed(values * values)


def summarise(counts: Counts, scenario: str) -> pd.DataFrame:
    """The long summary table of ``counts`` for the scenario named ``scenario`` (its stem)."""
    rows = []
    for (metric, category), k in counts.hits.items():
        if metric.startswith("level.") and k == 0:
            continue  # only the grid levels reached
        low, high = wilson(k, counts.runs)
        rows.append([scenario, metric, category, k / counts.runs, low, high, counts.runs])
    for (metric, category), (total, squares) in counts.sums.items():
        mean, low, high = mean_interval(total, squares, counts.runs)
        rows.append([scenario, metric, category, mean, low, high, counts.runs])
    return pd.DataFrame(rows, columns=COLUMNS)


def mean_interval(total: int, squares: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """The mean of n values in 0–1 from their fixed-point sums, and its normal-approximation
    interval ``mean ± z·sd/√n`` (sd with n − 1), clipped to 0–1; ``[0, 1]`` when n = 1."""
    mean = total / FIXED_POINT / n
    if n < 2:
        return mean, 0.0, 1.0
    variance = max(0.0, (squares / FIXED_POINT - n * mean * mean) / (n - 1))
    half = z * math.sqrt(variance / n)
    return mean, max(0.0, mean - half), min(1.0, mean + half)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials.

    Unlike the normal (Wald) interval it stays inside [0, 1] and is sensible for shares near 0
    or 1, which rare outcomes are.
    """
    p = k / n
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n)
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high
