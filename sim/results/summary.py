"""The summary table: shares of replicates with Wilson 95% intervals, from integer counts.

The summary is computed from :class:`Counts` (how many replicates had each outcome, each
leader present, each issue agreed), never from the rows themselves, so that a run of a million
replicates is summarised chunk by chunk: count each chunk, add the counts, summarise once.
``Results.summary`` uses the same two functions on the rows it holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.model.outcomes import OUTCOMES

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

    def __add__(self, other: Counts) -> Counts:
        hits = dict(self.hits)
        for key, k in other.hits.items():
            hits[key] = hits.get(key, 0) + k
        return Counts(self.runs + other.runs, hits)


def count(replicates: pd.DataFrame) -> Counts:
    """Count one replicate table (a chunk or a whole run).

    Metrics: ``outcome`` × each of the five outcomes (zeros included), ``attended`` × each
    actor, ``leaders_met`` × ``all``, ``agreed`` × each issue; actors and issues in the order
    of the table's ``attended.*`` and ``agreed.*`` columns.
    """
    outcomes = replicates["outcome"].value_counts()
    hits = {("outcome", o): int(outcomes.get(o, 0)) for o in OUTCOMES}
    hits.update(_column_counts(replicates, "attended"))
    hits[("leaders_met", "all")] = int(replicates["leaders_met"].sum())
    hits.update(_column_counts(replicates, "agreed"))
    return Counts(len(replicates), hits)


def indicators(replicates: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """Per replicate, whether it counts towards each (metric, category) of :func:`count`:
    the same keys in the same order, as boolean arrays (for paired differences and sweeps)."""
    outcome = replicates["outcome"].to_numpy()
    flags = {("outcome", o): outcome == o for o in OUTCOMES}
    for metric in ("attended", "leaders_met", "agreed"):
        for col in replicates.columns:
            if col == metric or col.startswith(metric + "."):
                category = col.removeprefix(metric + ".") if col != metric else "all"
                flags[(metric, category)] = replicates[col].to_numpy(dtype=bool)
    return flags


def _column_counts(replicates: pd.DataFrame, metric: str) -> dict[tuple[str, str], int]:
    prefix = metric + "."
    return {(metric, col.removeprefix(prefix)): int(replicates[col].sum())
            for col in replicates.columns if col.startswith(prefix)}


def summarise(counts: Counts, scenario: str) -> pd.DataFrame:
    """The long summary table of ``counts`` for the scenario named ``scenario`` (its stem)."""
    rows = []
    for (metric, category), k in counts.hits.items():
        low, high = wilson(k, counts.runs)
        rows.append([scenario, metric, category, k / counts.runs, low, high, counts.runs])
    return pd.DataFrame(rows, columns=COLUMNS)


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
