"""Bargaining ranges: what each party would accept at each session, and where proposals fell
(docs/model.md §5.8).

A party's **acceptable range** for an issue at a session is the set of grid levels on offer
that it accepts without decision noise: its utility reaches its aspiration. It is computed
twice: **with its leader present** (no mandate binds) and **without** (only levels within its
delegation's mandate). Utility is concave in the level (§4.4), so the set is an interval of
the grid and its lowest and highest levels describe it; a delegation's mandate cuts its top.

The engine keeps, per session and issue, integer sums over the replicates that had the issue
on the table (:class:`RangeTally`): how many had a non-empty range, the sums of the lowest and
highest grid indices, and counts of proposals (and of accepted ones) per grid level. Integer
sums add up exactly over chunks, so the run's table (:func:`range_table`, ``ranges.csv``) is
the same whatever the chunking, the workers or the backend, like ``daily.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model import rules

LEADER = ("present", "absent")
"""The two ranges of a party: with its leader present (no mandate), and without (the
delegation's mandate binds)."""

RANGE_SUMS = ("acceptable", "low", "high")
"""Per party and leader: replicates with a non-empty range, and the sums of the lowest and
highest grid index (0 = level 0.05) over them."""

LEVELS = rules.GRID.size

METRICS = {
    "range": ("acceptable", "low", "high"),
    "proposal": ("made", "p10", "median", "p90", "accepted", "accepted_median"),
}
"""The metrics of ``ranges.csv``, by series (docs/model.md §5.8):

* ``range`` (one row per party and leader): ``acceptable``, the share of the runs with the
  issue on the table whose range is not empty; ``low`` and ``high``, the mean lowest and
  highest acceptable level over those runs (empty when there are none);
* ``proposal``: ``made``, the share of ALL runs with a proposal that day (the issue on the
  table); ``p10``, ``median``, ``p90``, quantiles of the proposed level; ``accepted``, the
  share of proposals accepted; ``accepted_median``, the median level of those accepted.
"""

COLUMNS = ("day", "session", "issue", "series", "party", "leader", "metric", "value")
"""The columns of ``ranges.csv`` (long format: one number per row)."""


UP = np.arange(1, LEVELS + 1, dtype=np.int8)[:, None]
"""Grid index + 1, one row per level: the largest of ``acceptable · UP`` is the highest
acceptable index + 1; reversed, it gives the lowest."""
ROW = np.arange(LEVELS)[:, None]


def ends(acceptable: np.ndarray, work: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest grid index of each column's acceptable levels: exact min and
    max, whatever the set's shape; low > high in a column with none.

    ``acceptable`` has one row per grid level from the lowest (the first ``rows`` levels),
    one column per replicate; ``work`` is an int8 array with at least as many rows. Multiplying by small
    integers and taking the largest is by far numpy's fastest way over the rows of a
    (levels, replicates) array (``argmax`` along them is ten times slower).
    """
    rows, size = acceptable.shape
    if rows == 0:
        return np.full(size, LEVELS, dtype=np.int64), np.full(size, -1, dtype=np.int64)
    work = work[:rows]
    np.multiply(acceptable.view(np.int8), UP[:rows], out=work)
    high = work.max(axis=0).astype(np.int64) - 1  # −1: none
    np.multiply(acceptable.view(np.int8), UP[rows - 1::-1], out=work)  # rows … 1
    low = rows - work.max(axis=0).astype(np.int64)  # rows: none
    return low, high


def grid_index(level) -> np.ndarray:
    """The grid index of a grid level (0.05 → 0, 1.0 → 19)."""
    return np.rint(np.asarray(level) * LEVELS).astype(np.int64) - 1


def mandate_index(mandate) -> np.ndarray:
    """The index of the highest grid level within a mandate (−1: none), compared as
    :meth:`Party.respond` compares a level with it (``level ≤ mandate``)."""
    return np.searchsorted(rules.GRID, mandate, side="right") - 1


class RangeTally:
    """The integer sums of one ensemble: per session, issue, party and leader.

    Args:
        sessions, issues, parties: the scenario's calendar, issue ids and party ids (sorted).
        replicates: the ensemble's size (for two work arrays, allocated once).
    """

    def __init__(self, sessions: int, issues: list[str], parties: list[str],
                 replicates: int) -> None:
        self.issues, self.parties = list(issues), list(parties)
        shape = (sessions, len(self.issues))
        self.on_table = np.zeros(shape, dtype=np.int64)
        self.ranges = np.zeros((*shape, len(self.parties), len(LEADER), len(RANGE_SUMS)),
                               dtype=np.int64)
        self.proposals = np.zeros((*shape, 2, LEVELS), dtype=np.int64)  # proposed, accepted
        self.acceptable = np.empty((LEVELS, replicates), dtype=bool)
        self.work = np.empty((LEVELS, replicates), dtype=np.int8)

    def add_range(self, session: int, issue: int, party: int, margin: np.ndarray,
                  offered_from: np.ndarray, mandate: np.ndarray | int) -> None:
        """One party's range at one session. ``margin`` is ``u − a`` per grid level (rows) and
        replicate (columns); levels below index ``offered_from`` are not on offer (an
        exchange's further tranche); ``mandate`` is the index of the highest level its
        delegation may agree (:func:`mandate_index`)."""
        size = margin.shape[1]
        acceptable = np.greater_equal(margin, 0.0, out=self.acceptable[:, :size])
        if offered_from.any():
            acceptable &= ROW >= offered_from
        work = self.work[:, :size]
        cell = self.ranges[session - 1, issue, party]
        cell[0] = _sums(*ends(acceptable, work))
        if np.ndim(mandate) == 0 and mandate >= LEVELS - 1:  # a full mandate: the same
            cell[1] = cell[0]
        elif np.ndim(mandate) == 0:  # the levels within the mandate are the first mandate + 1
            cell[1] = _sums(*ends(acceptable[:max(int(mandate) + 1, 0)], work))
        else:
            cell[1] = _sums(*ends(acceptable & (ROW <= mandate), work))

    def add_proposals(self, session: int, issue: int, level: np.ndarray,
                      accepted: np.ndarray) -> None:
        """The proposals of one session on one issue (grid levels), and which were accepted."""
        index = grid_index(level)
        cell = self.proposals[session - 1, issue]
        self.on_table[session - 1, issue] += level.size
        cell[0] += np.bincount(index, minlength=LEVELS)
        cell[1] += np.bincount(index[accepted], minlength=LEVELS)

    def sums(self, session_days: list[int]) -> pd.DataFrame:
        """The sums as one table: one row per session day and issue (``day``, ``issue``),
        every other column an int64 count or sum."""
        keys, rows = [], []
        for s, day in enumerate(session_days):
            for k, issue in enumerate(self.issues):
                keys.append((day, issue))
                rows.append(np.concatenate([[self.on_table[s, k]], self.ranges[s, k].ravel(),
                                            self.proposals[s, k].ravel()]))
        columns = ["on_table", *(f"range.{party}.{leader}.{name}" for party in self.parties
                                 for leader in LEADER for name in RANGE_SUMS),
                   *(f"{name}.{level:02d}" for name in ("proposed", "accepted")
                     for level in range(LEVELS))]
        table = pd.DataFrame(np.array(rows, dtype=np.int64).reshape(len(rows), -1),
                             columns=columns)
        table.insert(0, "day", np.array([day for day, _ in keys], dtype=np.int64))
        table.insert(1, "issue", [issue for _, issue in keys])
        return table


def _sums(low: np.ndarray, high: np.ndarray) -> tuple[int, int, int]:
    """Replicates with a range, and the sums of its lowest and highest index over them."""
    some = low <= high  # dot products: twice as fast as sums over boolean-indexed copies
    return int(np.count_nonzero(some)), int(np.dot(low, some)), int(np.dot(high, some))


def add_range_sums(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Sum two chunks' range sums (integer arithmetic: exact and order-free)."""
    keys = ["day", "issue"]
    if not a[keys].equals(b[keys]) or list(a.columns) != list(b.columns):
        raise ValueError("range sums of different scenarios or calendars cannot be added")
    columns = a.columns.drop(keys)
    total = a[columns].to_numpy(dtype=np.int64) + b[columns].to_numpy(dtype=np.int64)
    return pd.concat([a[keys].reset_index(drop=True), pd.DataFrame(total, columns=columns)],
                     axis=1)


def range_table(sums: pd.DataFrame, runs: int) -> pd.DataFrame:
    """Turn summed counts into ``ranges.csv``: shares, mean levels and proposal quantiles
    (columns :data:`COLUMNS`; see :data:`METRICS`)."""
    parties = [c.split(".")[1] for c in sums.columns
               if c.startswith("range.") and c.endswith(f".{LEADER[0]}.{RANGE_SUMS[0]}")]
    rows = []
    session_of = {day: s for s, day in enumerate(sorted(sums["day"].unique()), start=1)}
    for row in sums.to_dict(orient="records"):
        day, issue = int(row["day"]), row["issue"]
        session = session_of[row["day"]]
        on_table = int(row["on_table"])
        for party in parties:
            for leader in LEADER:
                n, low, high = (int(row[f"range.{party}.{leader}.{q}"]) for q in RANGE_SUMS)
                values = (n / on_table if on_table else np.nan,
                          _mean_level(low, n), _mean_level(high, n))
                rows += [(day, session, issue, "range", party, leader, metric, value)
                         for metric, value in zip(METRICS["range"], values, strict=True)]
        proposed = np.array([row[f"proposed.{v:02d}"] for v in range(LEVELS)])
        accepted = np.array([row[f"accepted.{v:02d}"] for v in range(LEVELS)])
        values = (on_table / runs, grid_quantile(proposed, 0.1), grid_quantile(proposed, 0.5),
                  grid_quantile(proposed, 0.9),
                  accepted.sum() / on_table if on_table else np.nan,
                  grid_quantile(accepted, 0.5))
        rows += [(day, session, issue, "proposal", "", "", metric, float(value))
                 for metric, value in zip(METRICS["proposal"], values, strict=True)]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _mean_level(index_sum: int, n: int) -> float:
    """The mean level of ``n`` grid indices summing to ``index_sum`` (NaN when n is 0)."""
    return (index_sum / n + 1) / LEVELS if n else np.nan


def grid_quantile(counts: np.ndarray, q: float) -> float:
    """The q-quantile of levels counted per grid level: the lowest level at which the share of
    counts at or below it reaches q (NaN without counts)."""
    total = counts.sum()
    if total == 0:
        return np.nan
    return float(rules.GRID[np.searchsorted(np.cumsum(counts), q * total, side="left")])
