"""``negsim run``, ``compare`` and ``sweep``: simulate, save a results folder, print tables.

Each command is the same sequence: check the options, load the input, call the library
(:mod:`sim.experiment`), draw the figures (:mod:`sim.report.plots`, from the folder alone) and
print the tables (:mod:`sim.cli.tables`). Heavy modules load inside the commands.

What the library simulates with (engine, executor, hooks) comes from :class:`Machinery`,
which :func:`sim.cli.main` passes to every command (the library's own unless a test gives
another).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from sim.cli import paths
from sim.cli.app import app
from sim.cli.errors import reported_errors
from sim.cli.options import (
    ChunkSize,
    Dask,
    NoPlots,
    OptionalScenario,
    OutDir,
    Overrides,
    Quiet,
    Resume,
    Runs,
    Seed,
    Series,
    SeriesLimit,
    Workers,
    seed_or_default,
    workers_for,
)
from sim.errors import UserError
from sim.experiment.hooks import NO_HOOKS, RunHooks

PROGRESS_MIN_RUNS = 50_000
"""Runs from which ``negsim run`` shows a progress bar (on a terminal)."""

DEFAULT_RUNS = 10_000
"""Replicates per scenario when ``--runs`` is not given: shares to within about ±1 point."""

SERIES_LIMIT = 500 * 10**6
"""``--series-limit`` when not given: the largest ``series.parquet`` a run writes (bytes)."""


@dataclass(frozen=True)
class Machinery:
    """What run, compare and sweep simulate with: the engine, the executor for ``--workers``
    and ``--dask``, and the run's hooks (:mod:`sim.experiment.hooks`).

    ``negsim`` uses the library's own (the defaults). A test passes another to
    :func:`sim.cli.main`, e.g. an executor whose worker dies at a chosen chunk, and gets the
    real command line around it.
    """

    engine: Callable | None = None
    """Simulates one chunk; None: the model (``sim.experiment.run.default_engine``)."""
    executor_for: Callable | None = None
    """``(workers, dask) -> executor``; None: ``sim.experiment.executor.executor_for``."""
    hooks: RunHooks = NO_HOOKS

    def executor(self, workers: int, dask: str | None):
        from sim.experiment.executor import executor_for

        return (self.executor_for or executor_for)(workers, dask)


def machinery_of(ctx: typer.Context) -> Machinery:
    """The :class:`Machinery` that :func:`sim.cli.main` was given, or the library's own."""
    return ctx.find_object(Machinery) or Machinery()


@app.command(epilog="Example: negsim run istanbul-2025 --runs 100000 --workers 2\n\n"
                   "Example: negsim run istanbul-2025 --series trust,ceasefire,violations")
def run(
    ctx: typer.Context,
    scenario: OptionalScenario = None,
    runs: Runs = None,
    seed: Seed = None,
    workers: Workers = None,
    chunk_size: ChunkSize = None,
    out: OutDir = None,
    resume: Resume = None,
    overrides: Overrides = None,
    quiet: Quiet = False,
    no_plots: NoPlots = False,
    dask: Dask = None,
    series: Series = None,
    series_limit: SeriesLimit = None,
) -> None:
    """Simulate a scenario many times; print outcome shares with 95% intervals; save them.

    --runs defaults to 10,000. The results folder holds metadata.json, scenario.yaml,
    summary.json/.csv, replicates.parquet (.csv up to 100,000 runs) and daily.csv; with
    --series, series.parquet too (its estimated size is printed first).
    """
    with reported_errors():
        from sim.cli.tables import print_results
        from sim.experiment import run as experiment

        argv = ["negsim", *sys.argv[1:]]
        show_progress = not quiet and sys.stderr.isatty()
        machinery = machinery_of(ctx)
        if resume is not None:
            refuse_with_resume({"--out": out, "--set": None if scenario else overrides})
            given = load_scenario_arg(scenario, overrides) if scenario else None
            workers = workers_for(workers, runs)
            refuse_with_resume({"--series-limit": series_limit})
            results = experiment.resume_run(
                resume, scenario=given, runs=runs, seed=seed, chunk_size=chunk_size,
                workers=workers, progress=show_progress, argv=argv,
                executor=machinery.executor(workers, dask), engine=machinery.engine,
                hooks=machinery.hooks, series=series)
        else:
            runs, seed = DEFAULT_RUNS if runs is None else runs, seed_or_default(seed)
            workers = workers_for(workers, runs)
            experiment.check_settings(runs, seed, workers=workers, chunk_size=chunk_size)
            loaded = load_scenario_arg(scenario, overrides)
            if series:
                check_series_size(loaded, series, runs, seed, series_limit, machinery, quiet)
            results = experiment.run_to_folder(
                loaded, runs, seed, workers=workers, chunk_size=chunk_size,
                out=out or "results", progress=show_progress and runs >= PROGRESS_MIN_RUNS,
                argv=argv, executor=machinery.executor(workers, dask),
                engine=machinery.engine, hooks=machinery.hooks, series=series or ())
        draw_figures(results.path, no_plots)
        print_results(results, quiet)


@app.command(epilog="Example: negsim compare istanbul-2025 trump-joins putin-attends --runs 50000")
def compare(
    ctx: typer.Context,
    scenarios: Annotated[list[str] | None, typer.Argument(
        metavar="SCENARIO",
        help="Two or more shipped scenario names or YAML files; the first is the baseline.",
        parser=paths.SCENARIO, show_default=False)] = None,
    runs: Runs = None,
    seed: Seed = None,
    workers: Workers = None,
    dask: Dask = None,
    chunk_size: ChunkSize = None,
    out: OutDir = None,
    resume: Resume = None,
    quiet: Quiet = False,
    no_plots: NoPlots = False,
) -> None:
    """Compare scenarios replicate by replicate: shares and paired differences, 95% intervals.

    Each outcome's share per scenario and each scenario's difference from the first. All
    scenarios use the same seed, so replicate k of each draws the same random numbers
    (common random numbers): differences are measured on pairs, with much narrower intervals
    than two independent samples would give. * marks a difference whose interval excludes 0.
    --runs (per scenario) defaults to 10,000. Writes parameters.csv, shares.csv,
    differences.csv and daily.csv.
    """
    with reported_errors():
        from sim.cli.tables import print_comparison
        from sim.experiment import compare as experiment
        from sim.experiment.run import check_settings

        argv = ["negsim", *sys.argv[1:]]
        runs = DEFAULT_RUNS if runs is None else runs
        workers = workers_for(workers, None if resume else runs * max(2, len(scenarios or [])))
        show_progress = not quiet and sys.stderr.isatty()
        machinery = machinery_of(ctx)
        executor = machinery.executor(workers, dask)
        if resume is not None:
            refuse_with_resume({"SCENARIOS": scenarios, "--out": out})
            result = experiment.resume_compare(resume, workers=workers, executor=executor,
                                               progress=show_progress, argv=argv,
                                               engine=machinery.engine, hooks=machinery.hooks)
        else:
            if len(scenarios or []) < 2:
                raise UserError("compare needs at least two scenarios, e.g. negsim compare "
                                "istanbul-2025 trump-joins")
            seed = seed_or_default(seed)
            check_settings(runs, seed, workers=workers, chunk_size=chunk_size)
            loaded = [load_scenario_arg(name, None) for name in scenarios]
            result = experiment.compare(loaded, runs, seed, out=out or "results",
                                        workers=workers, executor=executor,
                                        chunk_size=chunk_size, progress=show_progress,
                                        argv=argv, engine=machinery.engine,
                                        hooks=machinery.hooks)
        draw_figures(result.path, no_plots)
        print_comparison(result, quiet)


@app.command(epilog="Example: negsim sweep scenarios/sweeps/trust-vs-monitoring.yaml")
def sweep(
    ctx: typer.Context,
    file: Annotated[str | None, typer.Argument(
        metavar="SWEEP.yaml", help="A sweep file (kind: sweep) or the name of a shipped one; "
                                   "see docs/experiments.md.",
        parser=paths.SWEEP, show_default=False)] = None,
    workers: Workers = None,
    dask: Dask = None,
    chunk_size: ChunkSize = None,
    out: OutDir = None,
    resume: Resume = None,
    quiet: Quiet = False,
    no_plots: NoPlots = False,
) -> None:
    """Run a scenario at many points of parameter space; outcome shares and sensitivity.

    Designs: grid, random, lhs, sobol, morris; sobol and morris also give sensitivity
    indices. Point p uses replicates 0 … runs−1 with the sweep's seed: it equals negsim run BASE --set
    ... --runs RUNS --seed SEED. Writes points.parquet/.csv and indices.csv.
    """
    with reported_errors():
        from sim.cli.tables import print_sweep
        from sim.experiment import sweep as experiment

        argv = ["negsim", *sys.argv[1:]]
        show_progress = not quiet and sys.stderr.isatty()
        machinery = machinery_of(ctx)
        if resume is not None:
            refuse_with_resume({"SWEEP.yaml": file, "--out": out})
            workers = workers_for(workers, None)
            result = experiment.resume_sweep(resume, workers=workers,
                                             executor=machinery.executor(workers, dask),
                                             progress=show_progress, argv=argv,
                                             engine=machinery.engine, hooks=machinery.hooks)
        else:
            if file is None:
                raise UserError("missing SWEEP.yaml: a sweep file, e.g. "
                                "scenarios/sweeps/trust-vs-monitoring.yaml (or --resume DIR)")
            loaded = experiment.load_sweep(file)
            workers = workers_for(workers, loaded.replicates)
            result = experiment.run_sweep(loaded, out=out or "results", workers=workers,
                                          executor=machinery.executor(workers, dask),
                                          chunk_size=chunk_size, progress=show_progress,
                                          argv=argv, engine=machinery.engine,
                                          hooks=machinery.hooks)
        draw_figures(result.path, no_plots)
        print_sweep(result, quiet)


def check_series_size(scenario, series: str, runs: int, seed: int, limit: int | None,
                      machinery: Machinery, quiet: bool) -> None:
    """Print the estimated size of ``series.parquet``; refuse a run beyond ``--series-limit``
    before anything is written."""
    from sim.experiment.series import estimate_series, file_size

    size = estimate_series(scenario, series, runs, seed, engine=machinery.engine)
    limit = SERIES_LIMIT if limit is None else limit
    if size.bytes > limit:
        raise UserError(f"series: {size}, beyond --series-limit {file_size(limit)}: ask for "
                        "fewer variables or runs, or raise --series-limit")
    if not quiet:
        typer.echo(f"series: {size} ({', '.join(size.variables)})", err=True)


def draw_figures(folder: Path, skip: bool) -> None:
    """The figures of a finished results folder (sim.report.plots reads only the folder)."""
    if not skip:
        from sim.report.plots import write_figures

        write_figures(folder)


def load_scenario_arg(scenario: str | None, overrides: list[str] | None):
    """The SCENARIO argument loaded with its ``--set`` changes (missing: a one-line error)."""
    if scenario is None:
        raise UserError("missing SCENARIO: a shipped name such as istanbul-2025, or a YAML "
                        "file (or --resume DIR to finish an interrupted job)")
    from sim.scenario.loader import load_scenario

    return load_scenario(scenario, overrides=tuple(overrides or ()))


def refuse_with_resume(given: dict) -> None:
    """Options that an interrupted job's folder already settles (given: option → value)."""
    clashes = [option for option, value in given.items() if value is not None and value != []]
    if clashes:
        raise UserError(f"{' and '.join(clashes)} cannot be used with --resume: an interrupted "
                        "job continues in its own folder with its own settings")
