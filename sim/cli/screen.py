"""``negsim screen``: which numbers of a scenario matter for each outcome (issue 12).

A thin command over :mod:`sim.experiment.screen`: check the options, load the scenario, plan
and run the screen, draw its figures, print its tables. Only Typer is imported at module
level, so that ``negsim --help`` stays fast; the defaults quoted in the help are the library's
(a test checks that they agree).
"""

from __future__ import annotations

import math
import sys
from typing import Annotated

import typer

from sim.cli.app import app
from sim.cli.errors import reported_errors
from sim.cli.experiments import draw_figures, load_scenario_arg, machinery_of, refuse_with_resume
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
    Workers,
    parse_count,
    seed_or_default,
    workers_for,
)


def parse_range(text: str) -> tuple[str, tuple[float, float]]:
    """``--range PATH=LO:HI``: a dotted path and two finite numbers."""
    path, equals, bounds = text.partition("=")
    lo, colon, hi = bounds.partition(":")
    try:
        low, high = float(lo), float(hi)
    except ValueError:
        low = high = math.nan
    if not (equals and colon and path and math.isfinite(low) and math.isfinite(high)):
        raise typer.BadParameter("must be PATH=LO:HI, e.g. actors.usa.monitoring=0:0.5 (got "
                                 f"{text!r})")
    return path, (low, high)


Ranges = Annotated[list[str] | None, typer.Option(
    "--range", metavar="PATH=LO:HI", parser=parse_range,
    help="Screen this value over LO … HI instead of its default range (repeatable), e.g. "
         "actors.russia.concession.ceasefire=0.1:5.", show_default=False)]
Trajectories = Annotated[int | None, typer.Option(
    "--trajectories", metavar="R", parser=parse_count,
    help="Morris trajectories: each moves every parameter once; points = R × (parameters + "
         "1).", show_default="20")]
Levels = Annotated[int | None, typer.Option(
    "--levels", metavar="L", parser=parse_count,
    help="Grid levels of each range (even; a step is L/(2(L−1)) of the range).",
    show_default="4")]
Outputs = Annotated[list[str] | None, typer.Option(
    "--output", metavar="NAME",
    help="What to screen for (repeatable): an outcome, leaders_met, attended.<actor> or "
         "agreed.<issue>.",
    show_default="no_agreement, exchange_only, ceasefire_collapsed, ceasefire_holding")]


@app.command(epilog="Example: negsim screen istanbul-2025 --range "
                    "actors.russia.attendance.propensity=0:0.6")
def screen(
    ctx: typer.Context,
    scenario: OptionalScenario = None,
    ranges: Ranges = None,
    trajectories: Trajectories = None,
    levels: Levels = None,
    runs: Runs = None,
    seed: Seed = None,
    outputs: Outputs = None,
    overrides: Overrides = None,
    workers: Workers = None,
    dask: Dask = None,
    chunk_size: ChunkSize = None,
    out: OutDir = None,
    resume: Resume = None,
    quiet: Quiet = False,
    no_plots: NoPlots = False,
) -> None:
    """Which numbers matter here? Screen every numeric parameter at once (Morris).

    Every number the model reads (about 70 in the baseline) moves one at a time along random
    trajectories, all in one ensemble with common random numbers (--runs, default 500 per
    point). Each is ranked per outcome by μ*, its mean absolute effect, with a 95% interval.
    Kept apart: the values that cannot act here (the model's own rules, docs/model.md §13)
    and those with no measured effect (every step changed no count). True/false values,
    choices, whole numbers and payoff weights are left out, and listed.

    Ranges: the scenario's value ± 0.2 of the field's valid range, clipped to it (±0.2 for a
    probability). Judgement: most values are judgements, and two analysts easily differ by
    that much; it stays near the scenario asked about. A concession exponent (valid up to
    20) or a likelihood ratio (up to 100) goes from half to twice its value instead.
    --range overrides. Writes screen.csv, points.parquet, figures and metadata.json.
    """
    with reported_errors():
        from sim.cli.tables import print_screen
        from sim.experiment import screen as experiment

        argv = ["negsim", *sys.argv[1:]]
        show_progress = not quiet and sys.stderr.isatty()
        machinery = machinery_of(ctx)
        if resume is not None:
            refuse_with_resume({"SCENARIO": scenario, "--range": ranges, "--set": overrides,
                                 "--trajectories": trajectories, "--levels": levels,
                                 "--runs": runs, "--seed": seed, "--output": outputs,
                                 "--out": out})
            workers = workers_for(workers, None)
            result = experiment.resume_screen(resume, workers=workers,
                                              executor=machinery.executor(workers, dask),
                                              progress=show_progress, argv=argv,
                                              engine=machinery.engine, hooks=machinery.hooks)
        else:
            planned = experiment.plan_screen(
                load_scenario_arg(scenario, overrides), ranges=dict(ranges or []),
                outputs=tuple(outputs) if outputs else None, seed=seed_or_default(seed),
                **_given(trajectories=trajectories, levels=levels, runs=runs))
            workers = workers_for(workers, planned.trajectories * (len(planned.axes) + 1)
                                  * planned.runs)
            result = experiment.run_screen(planned, out=out or "results", workers=workers,
                                           executor=machinery.executor(workers, dask),
                                           chunk_size=chunk_size, progress=show_progress,
                                           argv=argv, engine=machinery.engine,
                                           hooks=machinery.hooks)
        draw_figures(result.path, no_plots)
        print_screen(result, quiet)


def _given(**settings) -> dict:
    """The settings given on the command line; the library's defaults for the others."""
    return {name: value for name, value in settings.items() if value is not None}

