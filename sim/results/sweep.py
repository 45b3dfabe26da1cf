"""The results folder of ``negsim sweep``: writers and readers side by side.

Layout::

    <out>/<sweep file stem>/<YYYYMMDD-HHMMSS>-<4 hex>/
        metadata.json       kind: sweep; design, parameters, points, runs, seed, warnings, ...
        sweep.yaml          the sweep file as given
        scenario.yaml       the base scenario, resolved
        design.parquet      the points: ``point``, then one column per parameter path
        unit_sample.parquet the unit-cube sample the points were mapped from (not for grid)
        points.parquet      ``point``, the parameter columns, then for each output
        points.csv          ``<output>.share``, ``<output>.ci_low``, ``<output>.ci_high``
        indices.csv         sobol/morris: output, parameter, index, value, conf

Per-replicate rows are not stored. Shares are counts over ``runs`` with Wilson 95% intervals,
exactly as in a run's summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.results import folder as files

FILES = ("metadata.json", "sweep.yaml", "scenario.yaml", "design.parquet", "points.parquet",
         "points.csv")


@dataclass
class SweepResults:
    """What ``negsim sweep`` produced.

    Attributes:
        points: one row per point: parameters, then each output's share and interval.
        indices: sobol/morris: ``output, parameter, index, value, conf``; else None.
        metadata: provenance (``metadata.json``), including ``warnings``.
        path: the results folder.
    """

    points: pd.DataFrame
    indices: pd.DataFrame | None
    metadata: dict
    path: Path | None = None

    @property
    def warnings(self) -> list[str]:
        return list(self.metadata.get("warnings", []))

    @property
    def scenario(self) -> dict:
        """The base scenario, resolved, as a plain dict (``scenario.yaml``); empty
        before the folder is written."""
        return files.read_scenario(self.path) if self.path is not None else {}


SHARE_SUFFIXES = (".share", ".ci_low", ".ci_high")
OTHER_COLUMNS = {"point", "runs", "n"}


def sweep_parameters(points: pd.DataFrame) -> list[str]:
    """The parameter columns of ``points.csv``: everything but the outputs' columns."""
    return [c for c in points.columns
            if not c.endswith(SHARE_SUFFIXES) and c not in OTHER_COLUMNS]


def sweep_outputs(points: pd.DataFrame) -> list[str]:
    return [c.removesuffix(".share") for c in points.columns if c.endswith(".share")]


def tied_parameters(points: pd.DataFrame) -> pd.DataFrame:
    """Merge parameter columns that always hold the same values (``same_as`` in a sweep
    file) into one axis named after both, e.g. ``trust.ukraine.russia = trust.russia.ukraine``."""
    kept: list[str] = []
    for column in sweep_parameters(points):
        twin = next((k for k in kept if points[k].equals(points[column])), None)
        if twin is None:
            kept.append(column)
            continue
        merged = f"{twin} = {column}"
        points = points.drop(columns=column).rename(columns={twin: merged})
        kept[kept.index(twin)] = merged
    return points


def points_with_shares(points: pd.DataFrame, counts: pd.DataFrame,
                       outputs: list[str]) -> pd.DataFrame:
    """The design's points with each output's share and Wilson 95% interval."""
    from sim.results.summary import wilson  # it loads the model: not needed to read a sweep

    table = points.copy()
    runs = counts["runs"].to_numpy()
    for name in outputs:
        hits = counts[name].to_numpy()
        bounds = np.array([wilson(int(k), int(n)) for k, n in zip(hits, runs, strict=True)])
        table[f"{name}.share"] = hits / runs
        table[f"{name}.ci_low"] = bounds[:, 0]
        table[f"{name}.ci_high"] = bounds[:, 1]
    return table


def write_design(folder: Path, points: pd.DataFrame, unit: np.ndarray | None,
                 dimensions: list[str]) -> None:
    """The points, and the unit sample (one column per dimension of the design)."""
    files.write_parquet(folder, "design", points)
    if unit is not None:
        names = dimensions
        files.write_parquet(folder, "unit_sample", pd.DataFrame(unit, columns=names))


def read_design(folder: Path) -> tuple[pd.DataFrame, np.ndarray | None]:
    points = files.read_parquet(folder, "design")
    unit = files.read_parquet(folder, "unit_sample").to_numpy() if (
        folder / "unit_sample.parquet").is_file() else None
    return points, unit


def write_results(folder: Path, points: pd.DataFrame, indices: pd.DataFrame | None,
                  metadata: dict) -> None:
    files.write_parquet(folder, "points", points)
    files.write_table(folder, "points", points)
    if indices is not None:
        files.write_table(folder, "indices", indices)
    files.write_metadata(folder, metadata)


def load_sweep_results(folder: str | Path) -> SweepResults:
    """Read a finished sweep folder back."""
    from sim.errors import UserError

    folder = Path(folder)
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise UserError(f"{folder}: not a finished sweep folder (missing {', '.join(missing)})")
    indices = files.read_table(folder, "indices") if (folder / "indices.csv").is_file() else None
    return SweepResults(points=files.read_parquet(folder, "points"), indices=indices,
                        metadata=files.read_metadata(folder), path=folder)
