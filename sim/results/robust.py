"""The results folder of ``negsim robust``: writers and readers side by side.

Layout::

    <out>/<robust file stem>/<YYYYMMDD-HHMMSS>-<4 hex>/
        metadata.json     kind: robust; levers, uncertainties, combinations, worlds, runs,
                          seed, objective, satisfice, groups, command, versions
        robust.yaml       the robust file as given
        scenario.yaml     the base scenario, resolved
        points.parquet    every combination in every world: point, combination, world, the
        points.csv        levers, the uncertainties, <output>.share, .ci_low, .ci_high
        combinations.csv  per combination: the levers, mean, p10, p50, p90, regret_max,
                          regret_p90, meets (share of worlds meeting --satisfice), rank

Per-replicate rows are not stored. A lever whose options are text, true/false or null is
written as text (``null``, ``exchange``). Shares are counts over ``runs`` with Wilson 95%
intervals, as in a sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.results import folder as files
from sim.results.sweep import points_with_shares

FILES = ("metadata.json", "robust.yaml", "scenario.yaml", "points.parquet", "points.csv",
         "combinations.csv")


@dataclass
class RobustResults:
    """What ``negsim robust`` produced.

    Attributes:
        points: one row per combination and world: levers, uncertainties, the objective's
            share and interval.
        combinations: one row per combination: levers, the objective across worlds, regret,
            the share of worlds meeting the threshold, the rank by minimax regret.
        metadata: provenance (``metadata.json``).
        path: the results folder.
    """

    points: pd.DataFrame
    combinations: pd.DataFrame
    metadata: dict
    path: Path | None = None


def points_table(points: pd.DataFrame, counts: pd.DataFrame, output: str) -> pd.DataFrame:
    """The design's points with the objective's share and Wilson 95% interval."""
    return points_with_shares(as_text(points), counts, [output])


def as_text(table: pd.DataFrame) -> pd.DataFrame:
    """Columns of text, true/false or null values as text (``null``, ``true``, ``exchange``):
    one type per column in Parquet and CSV."""
    table = table.copy()
    for column in table.columns:
        if table[column].dtype == object:
            table[column] = table[column].map(_text).astype(str)
    return table


def _text(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_results(folder: Path, points: pd.DataFrame, combinations: pd.DataFrame,
                  metadata: dict) -> None:
    files.write_parquet(folder, "points", points)
    files.write_table(folder, "points", points)
    files.write_table(folder, "combinations", as_text(combinations))
    files.write_metadata(folder, metadata)


def load_robust_results(folder: str | Path) -> RobustResults:
    """Read a finished robust folder back."""
    from sim.errors import UserError

    folder = Path(folder)
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise UserError(f"{folder}: not a finished robust folder (missing "
                        f"{', '.join(missing)})")
    return RobustResults(
        points=files.read_parquet(folder, "points"),
        combinations=pd.read_csv(folder / "combinations.csv", keep_default_na=False,
                                 na_values={"meets": [""]}),  # 'null' is an option's text
        metadata=files.read_metadata(folder), path=folder)
