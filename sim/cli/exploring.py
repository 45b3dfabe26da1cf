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

from sim.cli.app import app
from sim.cli.errors import reported_errors
from sim.cli.experiments import _write_figures
from sim.cli.options import NoPlots, OutDir, Quiet


@app.command(epilog="Example: negsim discover results/baseline-sobol/20261125-120000-ab12 "
                    "--outcome ceasefire_holding")
def discover(
    sweep_folder: Annotated[Path, typer.Argument(
        metavar="SWEEP_FOLDER", help="A finished results folder of `negsim sweep`.",
        show_default=False)],
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
        _write_figures(result.path, no_plots)
        print_discovery(result, quiet)
