"""How large a run's daily series will be, asked before the run starts.

What a variable is and how the engine records it is :mod:`sim.model.series`; how the chunks'
series reach ``series.parquet`` is :mod:`sim.experiment.run` (with the chunks) and
:mod:`sim.results.folder` (the file). ``negsim run --series`` prints the estimate made here
and refuses a run beyond ``--series-limit``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sim import DEFAULT_SEED
from sim.experiment.run import default_engine, series_names

SERIES_PILOT_RUNS = 500
"""Runs simulated to estimate the size of a run's ``series.parquet``."""


@dataclass(frozen=True)
class SeriesSize:
    """The estimated size of a run's ``series.parquet`` (:func:`estimate_series`)."""

    bytes: int
    runs: int
    variables: tuple[str, ...]
    days: int

    def __str__(self) -> str:
        return (f"about {file_size(self.bytes)} for {self.runs:,} runs × "
                f"{len(self.variables)} variables × {self.days} days")


def estimate_series(scenario, series: Iterable[str] | str, runs: int,
                    seed: int = DEFAULT_SEED, *, engine: Callable | None = None) -> SeriesSize:
    """The size of ``series.parquet`` for ``runs`` replicates: the first
    :data:`SERIES_PILOT_RUNS` of the run are simulated here and their series written in
    memory as the file is, and the size is scaled to ``runs`` (the replicates are
    independent draws, so the first few hundred compress like the rest; the tests hold the
    estimate to within a factor 1.5 of the file).

    Raises:
        UserError: a series name that selects nothing.
    """
    from sim.results.folder import series_bytes

    names = series_names(scenario, series)
    calendar = scenario.calendar
    days = calendar.announcement_days + calendar.horizon_days
    pilot = min(runs, SERIES_PILOT_RUNS)
    chunk = (engine or default_engine())(scenario, seed, 0, pilot, series=names)
    return SeriesSize(math.ceil(series_bytes(chunk.series) * runs / pilot), runs, names, days)


def file_size(size: float) -> str:
    """Bytes in words a reader takes in at once: ``1.2 MB``, ``620 MB``, ``3.4 GB``."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{size:.0f} bytes"


