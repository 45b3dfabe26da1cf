"""How robust is each combination of levers across the sampled worlds? Pure functions.

``values[c, w]`` is the objective (an output's share of runs) of lever combination ``c`` in
world ``w``. With *better* meaning higher for ``max`` and lower for ``min``:

- **regret** of ``c`` in ``w``: how much better the best combination did in that world,
  ``max_c' values[c', w] − values[c, w]`` for ``max`` (``values[c, w] − min_c' values[c', w]``
  for ``min``); 0 for the best combination of each world;
- per combination: the objective's **mean** and its 10th, 50th and 90th percentiles across
  worlds; regret's **maximum** and **90th percentile**; with a threshold X, the share of worlds
  in which the objective **meets** it (≥ X for ``max``, ≤ X for ``min``);
- **rank** by minimax regret: the smallest maximum regret first; ties by the smaller 90th
  percentile of regret, then by the better mean, then by file order.

Every combination meets the same worlds with the same replicate indices and seed (common
random numbers), so regret compares combinations on the same chance events, not on noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

QUANTILES = (0.1, 0.5, 0.9)
"""The objective's percentiles reported per combination (``p10``, ``p50``, ``p90``)."""

COLUMNS = ["mean", "p10", "p50", "p90", "regret_max", "regret_p90", "meets", "rank"]


def regret(values: np.ndarray, direction: str) -> np.ndarray:
    """``regret[c, w]``: how much better the best combination did in world ``w``."""
    better = values if direction == "max" else -values
    return better.max(axis=0, keepdims=True) - better


def measures(values: np.ndarray, direction: str, satisfice: float | None = None
             ) -> pd.DataFrame:
    """One row per combination (in order): the columns of :data:`COLUMNS`; ``meets`` is
    empty (NaN) without a threshold."""
    values = np.asarray(values, dtype=float)
    lost = regret(values, direction)
    table = pd.DataFrame({"mean": values.mean(axis=1)})
    for q in QUANTILES:
        table[f"p{round(100 * q):02d}"] = np.quantile(values, q, axis=1)
    table["regret_max"] = lost.max(axis=1)
    table["regret_p90"] = np.quantile(lost, 0.9, axis=1)
    table["meets"] = np.nan if satisfice is None else (
        values >= satisfice if direction == "max" else values <= satisfice).mean(axis=1)
    table["rank"] = ranks(table, direction)
    return table


def ranks(table: pd.DataFrame, direction: str) -> np.ndarray:
    """1 for the combination with the smallest maximum regret (ties as in the module doc)."""
    mean = table["mean"].to_numpy()
    order = np.lexsort((np.arange(len(table)), -mean if direction == "max" else mean,
                        table["regret_p90"].to_numpy(), table["regret_max"].to_numpy()))
    rank = np.empty(len(table), dtype=np.int64)
    rank[order] = np.arange(1, len(table) + 1)
    return rank
