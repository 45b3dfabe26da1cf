"""``Results``: what a run produced, in memory or read back from its folder.

One type whatever made it: :func:`sim.simulate` returns one holding every row;
:func:`load_results` returns one that reads ``replicates.parquet`` only when ``.replicates``
is first asked for, so summarising a run of a million replicates never loads its rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.results import folder as files


class Results:
    """The outcome distribution of one scenario, seed and number of runs.

    Attributes:
        daily: one row per day: ``day``, the share of replicates with a ceasefire in force,
            mean trust per pair, mean exchanged share, share of leaders announced.
        summary: the long table ``scenario, metric, category, share, ci_low, ci_high, n``.
        metadata: provenance (the contents of ``metadata.json``).
        scenario: the resolved scenario as a plain dict (``scenario.yaml``).
        path: the folder the results were read from or saved to, else None.
        ranges: per session, issue and party, the acceptable ranges with and without the
            leader, and the proposals (``ranges.csv``, long format, docs/model.md §5.8);
            None for a folder made before negsim recorded them.
    """

    def __init__(self, *, replicates: pd.DataFrame | None, daily: pd.DataFrame,
                 summary: pd.DataFrame, metadata: dict, scenario: dict,
                 path: Path | None = None, ranges: pd.DataFrame | None = None,
                 series: pd.DataFrame | None = None):
        self._replicates, self._series = replicates, series
        self.daily, self.summary, self.metadata = daily, summary, metadata
        self.scenario, self.path, self.ranges = scenario, path, ranges

    @property
    def replicates(self) -> pd.DataFrame:
        """One row per replicate, ``replicate`` (the global index) first."""
        if self._replicates is None:
            self._replicates = files.read_replicates(self.path)
        return self._replicates

    @property
    def series_names(self) -> list[str]:
        """The variables of the daily series recorded (empty if the run asked for none)."""
        return list(self.metadata.get("series", []))

    @property
    def series(self) -> pd.DataFrame:
        """The daily series: ``replicate, day, variable, value``, one row per replicate,
        variable and day, in that order (:mod:`sim.model.series`).

        Raises:
            UserError: the run recorded none (``series=`` in :func:`sim.simulate`,
                ``--series`` in ``negsim run``).
        """
        if self._series is None:
            if not self.series_names:
                from sim.errors import UserError

                raise UserError("this run recorded no daily series; ask for them with "
                                "negsim run --series trust,ceasefire (or series= in sim.simulate)")
            self._series = files.read_series(self.path)
        return self._series

    @property
    def runs(self) -> int:
        return int(self.metadata["runs"])

    @property
    def seed(self) -> int:
        return int(self.metadata["seed"])

    def save(self, folder: str | Path) -> Path:
        """Write the results folder (see :mod:`sim.results.folder`) to ``folder``.

        The folder is created; it must not already hold files.
        """
        folder = files.prepare_empty(folder)
        write_tables(folder, self.metadata, self.scenario, self.summary, self.daily)
        if self.ranges is not None:
            files.write_ranges(folder, self.ranges)
        with files.ReplicateWriter(folder, len(self.replicates)) as writer:
            writer.write(self.replicates)
        if self.series_names:
            with files.series_writer(folder) as writer:
                writer.write(self.series)
        self.path = folder
        return folder

    def __repr__(self) -> str:
        stem = self.metadata.get("scenario", {}).get("stem")
        return f"<Results {stem}: {self.runs} runs, seed {self.seed}>"


def write_tables(folder: Path, metadata: dict, scenario: dict, summary: pd.DataFrame,
                 daily: pd.DataFrame) -> None:
    """Every file of a results folder except the replicate tables."""
    files.write_metadata(folder, metadata)
    files.write_scenario(folder, scenario)
    files.write_summary(folder, summary)
    files.write_daily(folder, daily)


def load_results(folder: str | Path) -> Results:
    """Read a finished results folder back (the replicate rows on first use)."""
    from sim.errors import UserError

    folder = Path(folder)
    missing = [name for name in files.FILES if not (folder / name).is_file()]
    if missing:
        raise UserError(f"{folder}: not a finished results folder (missing {', '.join(missing)})")
    return Results(replicates=None, daily=files.read_daily(folder),
                   summary=files.read_summary(folder), metadata=files.read_metadata(folder),
                   scenario=files.read_scenario(folder), path=folder,
                   ranges=files.read_ranges(folder))
