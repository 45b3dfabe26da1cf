"""``negsim discover`` and ``negsim robust``: exploring a scenario beyond one sweep.

Thin commands over :mod:`sim.experiment.discover` and :mod:`sim.experiment.robust`: check the
options, call the library, draw the figures from the folder, print the tables. Only Typer is
imported here, so that ``negsim --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli import paths
from sim.cli.app import app
from sim.cli.errors import reported_errors
from sim.cli.experiments import draw_figures
from sim.cli.options import ChunkSize, Dask, NoPlots, OutDir, Quiet, Resume, Workers, workers_for
from sim.errors import UserError


@app.command(epilog="Example: negsim discover results/baseline-sobol/20261125-120000-ab12 "
                    "--outcome ceasefire_holding")
def discover(
    sweep_folder: Annotated[Path, typer.Argument(
        metavar="SWEEP_FOLDER", help="A finished results folder of `negsim sweep`.",
        parser=paths.SWEEP_RESULTS, show_default=False)],
    outcome: Annotated[str, typer.Option(
        "--outcome", metavar="OUTPUT",
        help="One of the sweep's outputs, e.g. ceasefire_holding or attended.russia.",
        show_default=False)],
    threshold: Annotated[float | None, typer.Option(
        "--threshold", metavar="X",
        help="A point is of interest when its share of OUTPUT is at least X (0-1).",
        show_default="the 80th percentile of the shares")] = None,
    out: OutDir = None,
    quiet: Quiet = False,
    no_plots: NoPlots = False,
) -> None:
    """Find the regions of a sweep where an outcome is common: PRIM boxes and a CART tree.

    Needs the explore extra (EMA Workbench). Writes boxes.csv (each box's limits, coverage,
    density and quasi-p-values), peeling.csv (PRIM's trade-off), tree.csv and tree.txt
    (CART's leaves) and figures into results/discover-<sweep>/.
    """
    with reported_errors():
        from sim.cli.tables import print_discovery
        from sim.experiment.discover import run_discover

        result = run_discover(sweep_folder, outcome, threshold, out=out or "results",
                              argv=["negsim", *sys.argv[1:]])
        draw_figures(result.path, no_plots)
        print_discovery(result, quiet)


@app.command(epilog="Example: negsim robust us-levers --satisfice 0.3")
def robust(
    ctx: typer.Context,
    file: Annotated[str | None, typer.Argument(
        metavar="ROBUST.yaml",
        help="A robust file (kind: robust), or the name of a shipped one such as us-levers; "
             "see docs/experiments.md.", parser=paths.ROBUST, show_default=False)] = None,
    satisfice: Annotated[float | None, typer.Option(
        "--satisfice", metavar="X",
        help="Also give, per combination, the share of worlds in which the objective meets X "
             "(a share of runs, 0-1: at least X for max, at most X for min).",
        show_default=False)] = None,
    workers: Workers = None,
    dask: Dask = None,
    chunk_size: ChunkSize = None,
    out: OutDir = None,
    resume: Resume = None,
    quiet: Quiet = False,
    no_plots: NoPlots = False,
) -> None:
    """Weigh levers against uncertainties: every lever combination in the same sampled worlds.

    Per combination: the objective's mean and percentiles across worlds, its regret (in each
    world, how much better the best combination did: maximum and 90th percentile), and with
    --satisfice the share of worlds meeting a threshold; ranked by minimax regret. Every
    combination and world uses the same replicates and seed. Writes points.parquet/.csv and
    combinations.csv.
    """
    with reported_errors():
        from sim.cli.experiments import machinery_of, refuse_with_resume
        from sim.cli.tables import print_robust
        from sim.experiment import robust as experiment

        argv = ["negsim", *sys.argv[1:]]
        show_progress = not quiet and sys.stderr.isatty()
        machinery = machinery_of(ctx)
        if resume is not None:
            refuse_with_resume({"ROBUST.yaml": file, "--out": out, "--satisfice": satisfice})
            workers = workers_for(workers, None)
            result = experiment.resume_robust(resume, workers=workers,
                                              executor=machinery.executor(workers, dask),
                                              progress=show_progress, argv=argv,
                                              engine=machinery.engine, hooks=machinery.hooks)
        else:
            if file is None:
                raise UserError("missing ROBUST.yaml: a robust file, e.g. us-levers (shipped) "
                                "or scenarios/robust/us-levers.yaml (or --resume DIR)")
            loaded = experiment.load_robust(file)
            workers = workers_for(workers, loaded.replicates)
            result = experiment.run_robust(loaded, out=out or "results", workers=workers,
                                           executor=machinery.executor(workers, dask),
                                           chunk_size=chunk_size, satisfice=satisfice,
                                           progress=show_progress, argv=argv,
                                           engine=machinery.engine, hooks=machinery.hooks)
        draw_figures(result.path, no_plots)
        print_robust(result, quiet)
