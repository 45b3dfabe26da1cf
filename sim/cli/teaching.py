"""The teaching commands: ``negsim trace``, ``negsim plot`` and ``negsim report``.

Thin commands over :mod:`sim.report.trace`, :mod:`sim.report.plots` and
:mod:`sim.report.report`. Only Typer is imported here, so that ``negsim --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli import paths
from sim.cli.app import app
from sim.cli.errors import reported_errors
from sim.cli.options import OutFile, Overrides, ResultsDir, Scenario, Seed, seed_or_default
from sim.errors import UserError

FORMATS = ("text", "json", "csv")


@app.command(epilog="Example: negsim trace istanbul-2025 --find ceasefire_holding "
                      "--figure ranges.png")
def trace(
    scenario: Scenario,
    replicate: Annotated[int | None, typer.Option(
        "--replicate", "-r", metavar="K",
        help="Which replicate to tell: row K of `negsim run` with the same seed.",
        show_default="0")] = None,
    seed: Seed = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", metavar="text|json|csv",
        help="text: sentences day by day; json or csv: the same events with their numbers.")
    ] = "text",
    find: Annotated[str | None, typer.Option(
        "--find", metavar="OUTCOME",
        help="Tell the first replicate with this outcome: no_talks, no_agreement, "
             "exchange_only, ceasefire_collapsed or ceasefire_holding.",
        show_default=False)] = None,
    overrides: Overrides = None,
    figure: Annotated[Path | None, typer.Option(
        "--figure", metavar="FILE", parser=paths.OUTPUT_FILE,
        help="Also draw each party's acceptable range at every session (with and without "
             "its leader) and the proposals into FILE (.png or .svg).",
        show_default=False)] = None,
) -> None:
    """Tell one possible history of a scenario, day by day, in plain sentences.

    Who came and why; at each session, the levels each party would accept, each proposal,
    and who accepted or refused it (utility vs aspiration). Agreements, exchange stages,
    violations seen and unseen, false alarms, trust before and after, and how it ended. It
    is exactly run K of `negsim run` with the same seed.
    """
    with reported_errors():
        from sim.report import trace as story
        from sim.scenario.loader import load_scenario

        if output_format not in FORMATS:
            raise UserError(f"--format must be one of {', '.join(FORMATS)} (got "
                            f"{output_format!r})")
        if find is not None and replicate is not None:
            raise UserError("use --replicate K or --find OUTCOME, not both")
        seed = seed_or_default(seed)
        if replicate is not None and replicate < 0:
            raise UserError(f"--replicate must be 0 or more (got {replicate})")
        loaded = load_scenario(scenario, overrides=tuple(overrides or ()))
        if find is not None:
            replicate = story.find_replicate(loaded, seed, find)
            typer.echo(f"First replicate with outcome {find}: {replicate}", err=True)
        told = story.trace(loaded, seed, replicate or 0)
        if figure is not None:
            from sim.report.plots import write_trace_figure

            written = write_trace_figure(told, loaded.model_dump(mode="json"), figure)
            typer.echo(f"Ranges figure written to {written}", err=True)
        sys.stdout.write(story.RENDERERS[output_format](told))


@app.command(epilog="Example: negsim plot results/istanbul-2025/20250514-120000-ab12")
def plot(
    results_dir: ResultsDir,
) -> None:
    """Draw the figures of a results folder into its figures/ folder (PNG and SVG).

    A run: outcome shares, attendance, ceasefire survival, trust over time, why an issue
    was not agreed (a folder written by model 1 has no reasons: a note says so).
    A comparison: shares per scenario and differences from the first.
    A sweep: lines (one parameter), heatmaps (two) and sensitivity bars.
    """
    with reported_errors():
        from sim.report.plots import notes, write_figures

        for path in write_figures(results_dir):
            typer.echo(str(path))
        for note in notes(results_dir):
            typer.echo(f"note: {note}")


@app.command(epilog="Example: negsim report results/istanbul-2025/20250514-120000-ab12 "
                      "--out handout.html")
def report(
    results_dir: ResultsDir,
    out: OutFile = None,
) -> None:
    """Write a self-contained HTML handout of a results folder (opens offline).

    What was run, the results tables and figures, the assumptions (every parameter with its
    meaning), and the command that reproduces the numbers. Written to
    RESULTS_DIR/report.html, or to --out FILE.
    """
    with reported_errors():
        from sim.report.report import write_report

        typer.echo(str(write_report(results_dir, out)))

