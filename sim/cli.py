"""The ``negsim`` command line: thin commands over the library (load → call → print).

Only Typer and Rich are imported at module level so that ``negsim --help`` stays fast;
pandas, numpy, pydantic and Mesa load inside the commands that need them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from sim import DEFAULT_SEED, __version__
from sim.errors import UserError

app = typer.Typer(
    name="negsim",
    help="Simulate negotiation scenarios many times and count how often each outcome happens.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

PROGRESS_MIN_RUNS = 50_000
"""Runs from which ``negsim run`` shows a progress bar (on a terminal)."""


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"negsim {__version__}")
        raise typer.Exit()


@app.callback(epilog="Example: negsim run istanbul-2025")
def root(
    version: Annotated[bool, typer.Option(
        "--version", help="Show the version and exit.", callback=_show_version,
        is_eager=True)] = False,
) -> None:
    """negsim: how likely is each outcome of a negotiation? Run a scenario and count."""


@app.command(epilog="Example: negsim run istanbul-2025 --runs 100000 --workers 2")
def run(
    scenario: Annotated[str | None, typer.Argument(
        help="A shipped scenario by name (e.g. istanbul-2025) or the path to a YAML file.",
        show_default=False)] = None,
    runs: Annotated[int | None, typer.Option(
        "--runs", "-n", help="Number of replicates to simulate.", show_default="10000")] = None,
    seed: Annotated[str | None, typer.Option(
        "--seed", metavar="S|random",
        help="Root seed (0 ≤ S < 2**63), or 'random' to draw one (it is printed and "
             "recorded).", show_default=str(DEFAULT_SEED))] = None,
    workers: Annotated[int, typer.Option(
        "--workers", "-w", help="Local worker processes; the numbers are the same for any "
                                "count.")] = 1,
    chunk_size: Annotated[int | None, typer.Option(
        "--chunk-size", help="Replicates per chunk (memory and resume grain; changes no "
                             "number).", show_default="20000, fewer if workers would idle")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder that receives <scenario>/<time>-<id>/.",
        show_default="results")] = None,
    resume: Annotated[Path | None, typer.Option(
        "--resume", metavar="DIR",
        help="Finish an interrupted run: its .partial folder. Settings come from the folder.",
        show_default=False)] = None,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", metavar="PATH=VALUE",
        help="Change one scenario value, e.g. trust.ukraine.russia=0.2 (repeatable).",
        show_default=False)] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print only where the results were written.")] = False,
) -> None:
    """Simulate a scenario many times; print outcome shares with 95% intervals; save them.

    The results folder holds metadata.json, scenario.yaml, summary.json/.csv,
    replicates.parquet (.csv up to 100,000 runs) and daily.csv.
    """
    with _reported_errors():
        from sim.experiment import run as experiment

        argv = ["negsim", *sys.argv[1:]]
        show_progress = not quiet and sys.stderr.isatty()
        if resume is not None:
            _refuse_with_resume({"--out": out, "--set": None if scenario else overrides})
            given = _load(scenario, overrides) if scenario else None
            results = experiment.resume_run(
                resume, scenario=given, runs=runs, seed=_parse_seed(seed),
                chunk_size=chunk_size, workers=workers, progress=show_progress, argv=argv)
        else:
            runs, seed_value = 10_000 if runs is None else runs, _parse_seed(seed)
            seed_value = DEFAULT_SEED if seed_value is None else seed_value
            experiment.check_settings(runs, seed_value, workers=workers, chunk_size=chunk_size)
            loaded = _load(scenario, overrides)
            results = experiment.run_to_folder(
                loaded, runs, seed_value, workers=workers, chunk_size=chunk_size,
                out=out or "results", progress=show_progress and runs >= PROGRESS_MIN_RUNS,
                argv=argv)
        _print_results(results, quiet)


def _load(scenario: str | None, overrides: list[str] | None):
    if scenario is None:
        raise UserError("missing SCENARIO: a shipped name such as istanbul-2025, or a YAML "
                        "file (or --resume DIR to finish an interrupted run)")
    from sim.scenario.loader import load_scenario

    return load_scenario(scenario, overrides=tuple(overrides or ()))


def _refuse_with_resume(given: dict) -> None:
    clashes = [option for option, value in given.items() if value]
    if clashes:
        raise UserError(f"{' and '.join(clashes)} cannot be used with --resume: an interrupted "
                        "run continues in its own folder with its own scenario")


def _parse_seed(text: str | None) -> int | None:
    if text is None:
        return None
    if text == "random":
        import secrets

        from sim.experiment.run import SEED_LIMIT

        return secrets.randbelow(SEED_LIMIT)
    try:
        return int(text)
    except ValueError:
        raise UserError(f"--seed must be a whole number or 'random' (got {text!r})") from None


@contextmanager
def _reported_errors() -> Iterator[None]:
    """User errors and interruptions become a short message on stderr and an exit code."""
    try:
        yield
    except UserError as error:
        for line in str(error).splitlines() or [type(error).__name__]:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(UserError.exit_code) from None
    except KeyboardInterrupt as interruption:  # RunInterrupted names the .partial folder
        typer.echo(str(interruption) or "interrupted", err=True)
        raise typer.Exit(getattr(interruption, "exit_code", 130)) from None


# -- output ------------------------------------------------------------------------------


def _print_results(results, quiet: bool) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    if not quiet:
        meta = results.metadata
        console.print(f"[bold]{results.scenario['title']}[/bold]  ({meta['scenario']['stem']}: "
                      f"{meta['runs']:,} runs, seed {meta['seed']})", soft_wrap=True)
        for table in _tables(results):
            console.print()
            console.print(table)
        console.print()
    console.print(f"Results written to {results.path}/", soft_wrap=True)


def _tables(results) -> list:
    summary, config = results.summary, results.scenario
    actors, issues = config["actors"], config["issues"]
    rows = {metric: group for metric, group in summary.groupby("metric", sort=False)}

    def leader(actor: str) -> str:
        return f"{actors[actor]['leader']} ({actors[actor]['name']})"

    attendance = [(leader(r.category), r) for r in rows["attended"].itertuples()]
    attendance += [("All party leaders met", r) for r in rows["leaders_met"].itertuples()]
    return [
        _table("Outcome", [(r.category, r) for r in rows["outcome"].itertuples()]),
        _table("Leader attends", attendance),
        _table("Issue agreed", [(issues[r.category]["label"], r)
                                for r in rows["agreed"].itertuples()]),
    ]


def _table(title: str, rows: list):
    from rich.table import Table

    table = Table(title=None, show_edge=False, pad_edge=False)
    table.add_column(title)
    table.add_column("Share", justify="right")
    table.add_column("95% interval", justify="right")
    for label, r in rows:
        table.add_row(label, f"{100 * r.share:.1f}%",
                      f"{100 * r.ci_low:.1f}–{100 * r.ci_high:.1f}%")
    return table


def main(argv: list[str] | None = None) -> None:
    """The ``negsim`` console script: usage errors on one line, exit codes of issue 2."""
    try:
        code = app(args=argv, prog_name="negsim", standalone_mode=False)
    except typer.TyperException as error:  # usage errors: bad option, missing value
        if error.format_message():  # empty when the help was shown instead (no arguments)
            typer.echo(f"error: {error.format_message()}", err=True)
        code = error.exit_code
    except UserError as error:  # raised outside a command's own handling
        typer.echo(f"error: {error}", err=True)
        code = UserError.exit_code
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        code = 130
    sys.exit(code or 0)


# -- commands defined beside the library they wrap ---------------------------------------
from sim.scenario import commands as _scenario_commands  # noqa: E402

_scenario_commands.register(app)
