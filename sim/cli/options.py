"""Every option that more than one command takes, defined once: one type, one validator.

A command lists the options it takes in its signature (``seed: Seed = None``); the default in
the signature is the command's own (the view's ``--runs`` is 2,000 where ``run``'s is 10,000),
everything else (flag, help text, parsing, checks) is here. A file or folder is checked by
its kind (:mod:`sim.cli.paths`) as the command line is parsed. Only Typer is imported, so that
``negsim --help`` stays fast.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Annotated

import typer

from sim import DEFAULT_SEED, SEED_LIMIT
from sim.cli import paths


def parse_seed(text: str) -> int:
    """``--seed``: a whole number 0 ≤ S < 2**63, or ``random`` to draw one (commands print it)."""
    if text == "random":
        seed = secrets.randbelow(SEED_LIMIT)
        typer.echo(f"--seed random: drew {seed} (give it to --seed to repeat these numbers)",
                   err=True)
        return seed
    try:
        seed = int(text)
    except ValueError:
        raise typer.BadParameter(f"must be a whole number or 'random' (got {text!r})") from None
    if not 0 <= seed < SEED_LIMIT:
        raise typer.BadParameter(f"must be between 0 and 2**63 − 1 (got {seed})")
    return seed


def parse_count(text: str) -> int:
    """``--runs``, ``--workers``, ``--chunk-size``: a whole number, at least 1.

    Upper limits (most runs, most workers on this computer, most chunks) are the library's
    to check (:func:`sim.experiment.run.check_settings`): they depend on the job as a whole.
    """
    try:
        value = int(text)
    except ValueError:
        raise typer.BadParameter(f"must be a whole number (got {text!r})") from None
    if value < 1:
        raise typer.BadParameter(f"must be at least 1 (got {value})")
    return value


SIZE_UNITS = {"": 10**6, "b": 1, "bytes": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9,
              "tb": 10**12}
SIZE = re.compile(r"\s*(\d[\d,]*(?:\.\d+)?)\s*([a-z]*)\s*")


def parse_size(text: str) -> int:
    """``--series-limit``: a size such as ``500MB``, ``2 GB`` or ``800kB`` (a bare number is
    megabytes), in bytes."""
    match = SIZE.fullmatch(text.lower())
    if match is None or match[2] not in SIZE_UNITS:
        raise typer.BadParameter(f"must be a size such as 500MB or 2GB (got {text!r})")
    return round(float(match[1].replace(",", "")) * SIZE_UNITS[match[2]])


SCENARIO_HELP = "A shipped scenario by name (e.g. istanbul-2025) or the path to a YAML file."
Scenario = Annotated[str, typer.Argument(
    metavar="SCENARIO", help=SCENARIO_HELP, parser=paths.SCENARIO, show_default=False)]
OptionalScenario = Annotated[str | None, typer.Argument(
    metavar="SCENARIO", help=SCENARIO_HELP, parser=paths.SCENARIO, show_default=False)]
Seed = Annotated[int | None, typer.Option(
    "--seed", metavar="S|random", parser=parse_seed,
    help="Root seed (0 ≤ S < 2**63), or 'random' to draw one (it is printed and recorded). "
         "Runs with the same seed share their random numbers.",
    show_default=str(DEFAULT_SEED))]
Runs = Annotated[int | None, typer.Option(
    "--runs", "-n", metavar="N", parser=parse_count,
    help="Number of replicates (possible histories) to simulate.")]
Overrides = Annotated[list[str] | None, typer.Option(
    "--set", metavar="PATH=VALUE",
    help="Change one scenario value, e.g. trust.ukraine.russia=0.2 (repeatable).",
    show_default=False)]
OutDir = Annotated[Path | None, typer.Option(
    "--out", metavar="DIR", parser=paths.OUTPUT_FOLDER,
    help="Folder that receives the results folder.", show_default="results")]
OutFile = Annotated[Path | None, typer.Option(
    "--out", "-o", metavar="FILE", parser=paths.OUTPUT_FILE,
    help="File to write (the default is in the description above).", show_default=False)]
ResultsDir = Annotated[Path, typer.Argument(
    metavar="RESULTS_DIR", parser=paths.RESULTS,
    help="A results folder of `negsim run`, `compare` or `sweep` (the folder they print).",
    show_default=False)]
ChunkSize = Annotated[int | None, typer.Option(
    "--chunk-size", metavar="N", parser=parse_count,
    help="Replicates per chunk: the memory and resume grain; changes no number.",
    show_default="20000, fewer if workers would idle")]
Resume = Annotated[Path | None, typer.Option(
    "--resume", metavar="DIR", parser=paths.PARTIAL,
    help="Finish an interrupted job: its .partial folder (settings come from the folder).",
    show_default=False)]
Workers = Annotated[int | None, typer.Option(
    "--workers", "-w", metavar="N", parser=parse_count,
    help="Local worker processes; the numbers are the same for any count.",
    show_default="every core; 1 for jobs under 300,000 runs")]
Dask = Annotated[str | None, typer.Option(
    "--dask", metavar="ADDRESS",
    help="Simulate on the Dask cluster whose scheduler is at ADDRESS (e.g. "
         "tcp://10.0.0.5:8786) instead of local processes; the numbers are the same.",
    show_default=False)]
Series = Annotated[str | None, typer.Option(
    "--series", metavar="NAMES",
    help="Also record each replicate's daily series in series.parquet (replicate, day, "
         "variable, value): comma-separated variables such as trust.ukraine.russia, or "
         "families: trust, ceasefire, violations, agreed, level, zone_open, exchanged_share, "
         "announced; 'all' for every one (docs/experiments.md).",
    show_default=False)]
SeriesLimit = Annotated[int | None, typer.Option(
    "--series-limit", metavar="SIZE", parser=parse_size,
    help="Refuse a run whose series.parquet is estimated larger than SIZE (e.g. 2GB).",
    show_default="500MB")]
Quiet = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Print only where the results were written.")]
NoPlots = Annotated[bool, typer.Option(
    "--no-plots", help="Skip the figures (PNG and SVG in the folder's figures/).")]


def seed_or_default(seed: int | None) -> int:
    """The seed given, else the project's default (the seed article's date)."""
    return DEFAULT_SEED if seed is None else seed


def workers_for(given: int | None, replicates: int | None) -> int:
    """``--workers`` as given, else every core (1 for a job known to be small)."""
    from sim.experiment.executor import AUTO_PROCESSES_MIN_RUNS, default_workers

    if given is not None:
        return given
    return default_workers(AUTO_PROCESSES_MIN_RUNS if replicates is None else replicates)
