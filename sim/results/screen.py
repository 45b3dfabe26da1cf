"""The results folder of ``negsim screen``: writers and readers side by side.

Layout::

    <out>/screen-<scenario stem>/<YYYYMMDD-HHMMSS>-<4 hex>/
        metadata.json        kind: screen; trajectories, levels, runs, seed, outputs, every
                             parameter's range and where it came from, the values that cannot
                             act (with their reasons), those left out, warnings, versions
        scenario.yaml        the scenario, resolved
        design.parquet       the points: ``point``, then one column per parameter path
        unit_sample.parquet  the Morris trajectories in the unit cube (SALib reads them)
        points.parquet       the points with each output's share and Wilson interval
        screen.csv           one row per output and parameter (:data:`COLUMNS`)
        figures/             screen_<output>.png and .svg: μ* bars with their intervals

Per-replicate rows are not stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.results import folder as files

FILES = ("metadata.json", "scenario.yaml", "design.parquet", "unit_sample.parquet",
         "points.parquet", "screen.csv")

COLUMNS = ["output", "parameter", "status", "rank", "mu_star", "mu_star_conf", "mu", "sigma",
           "value", "low", "high", "reason"]
"""``screen.csv``: for each output and screened parameter, its status (``ranked``, ``no
measured effect`` or ``cannot act here``), its rank by μ* among the ranked (1 = largest), the
Morris indices (share units per whole screened range; ``mu_star_conf``: half-width of the 95%
bootstrap interval), the scenario's value and the screened range, and, where the model's own
rules say the value is idle at the scenario's values, why."""

STATUSES = ("ranked", "no measured effect", "cannot act here")


@dataclass
class ScreenResults:
    """What ``negsim screen`` produced.

    Attributes:
        table: ``screen.csv`` (:data:`COLUMNS`).
        metadata: provenance and the lists (``metadata.json``).
        path: the results folder.
    """

    table: pd.DataFrame
    metadata: dict
    path: Path | None = None

    @property
    def warnings(self) -> list[str]:
        return list(self.metadata.get("warnings", []))

    @property
    def scenario(self) -> dict:
        """The scenario, resolved, as plain data (``scenario.yaml``)."""
        return files.read_scenario(self.path) if self.path is not None else {}


def write_results(folder: Path, points: pd.DataFrame, table: pd.DataFrame,
                  metadata: dict) -> None:
    files.write_parquet(folder, "points", points)
    files.write_table(folder, "screen", table[COLUMNS])
    files.write_metadata(folder, metadata)


def read_screen_table(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "screen.csv", keep_default_na=False,
                       na_values={"rank": [""]}).astype({"rank": "Int64"})


def load_screen_results(folder: str | Path) -> ScreenResults:
    """Read a finished screen folder back."""
    from sim.errors import UserError

    folder = Path(folder)
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise UserError(f"{folder}: not a finished screen folder (missing {', '.join(missing)})")
    return ScreenResults(read_screen_table(folder), files.read_metadata(folder), folder)
