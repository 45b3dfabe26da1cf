"""The outcome record of a replicate (MODEL.md §7) and the shape of a simulated chunk.

A *chunk* is a contiguous block of replicates simulated in one ensemble. Chunks are what
executors send to worker processes and what a ``.partial`` results folder stores for
``--resume``; :func:`sim.experiment.run.simulate` concatenates their replicate tables and
adds up their daily sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

OUTCOMES = ("no_talks", "no_agreement", "exchange_only", "ceasefire_collapsed", "ceasefire_holding")
"""The five outcomes of MODEL.md §7, in the order tables list them."""

FIXED_POINT = 2**32
"""Daily float aggregates are summed as integers of value × 2**32, so that adding the sums of
chunks gives the same total, to the last bit, whatever the chunking."""


@dataclass(frozen=True)
class Chunk:
    """Replicates ``first_replicate … first_replicate + count − 1`` of one scenario and seed.

    Attributes:
        replicates: one row per replicate; the columns of the results contract (``replicate``
            first, then ``outcome`` as a categorical with categories :data:`OUTCOMES`, ...).
        daily_sums: one row per simulated day (``day`` column, from −announcement_days to
            horizon − 1); every other column is an int64 sum over the chunk's replicates:
            counts for shares, values × :data:`FIXED_POINT` for means.
    """

    first_replicate: int
    count: int
    replicates: pd.DataFrame
    daily_sums: pd.DataFrame


def add_daily_sums(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Sum two chunks' daily tables (integer arithmetic: exact and order-free)."""
    total = a.set_index("day").add(b.set_index("day"), fill_value=0)
    return total.astype("int64").reset_index()


def daily_means(sums: pd.DataFrame, runs: int) -> pd.DataFrame:
    """Turn summed daily counts into shares and means over ``runs`` replicates.

    Column ``ceasefire_in_force`` becomes the share of replicates with a ceasefire in force at
    the end of the day (the survival curve); ``announced.<actor>`` the share of replicates in
    which that leader has announced; the fixed-point columns (``exchanged_share``,
    ``trust.<i>.<j>``) become means.
    """
    out = pd.DataFrame({"day": sums["day"].to_numpy()})
    for col in sums.columns.drop("day"):
        scale = FIXED_POINT if _is_fixed_point(col) else 1
        out[col] = sums[col].to_numpy() / (scale * runs)
    return out


def _is_fixed_point(column: str) -> bool:
    return column == "exchanged_share" or column.startswith("trust.")
