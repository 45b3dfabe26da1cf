"""The ``negsim`` command line: thin commands over the library (load → call → print).

Only Typer and Rich are imported at module level so that ``negsim --help`` stays fast;
pandas, numpy, pydantic and Mesa load inside the commands that need them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sim import DEFAULT_SEED, __version__
from sim.commandline import reported_errors
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

DASK_HELP = ("Simulate on the Dask cluster whose scheduler is at ADDRESS (e.g. "
             "tcp://10.0.0.5:8786) instead of local processes; the numbers are the same.")

# Options that run, compare and sweep share (one definition each).
Quiet = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Print only where the results were written.")]
NoPlots = Annotated[bool, typer.Option(
    "--no-plots", help="Skip the figures (PNG and SVG in the folder's figures/).")]
Dask = Annotated[str | None, typer.Option(
    "--dask", metavar="ADDRESS", help=DASK_HELP, show_default=False)]
Workers = Annotated[int | None, typer.Option(
    "--workers", "-w", help="Local worker processes.",
    show_default="the number of cores; 1 for small jobs")]


def _workers(given: int | None, replicates: int | None) -> int:
    """``--workers`` as given, else every core (1 for a job known to be small)."""
    from sim.experiment.executor import AUTO_PROCESSES_MIN_RUNS, default_workers

    if given is not None:
        return given
    return default_workers(AUTO_PROCESSES_MIN_RUNS if replicates is None else replicates)


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
    quiet: Quiet = False,
    no_plots: NoPlots = False,
    dask: Dask = None,
) -> None:
    """Simulate a scenario many times; print outcome shares with 95% intervals; save them.

    The results folder holds metadata.json, scenario.yaml, summary.json/.csv,
    replicates.parquet (.csv up to 100,000 runs) and daily.csv.
    """
    with reported_errors():
        from sim.experiment import run as experiment

        argv = ["negsim", *sys.argv[1:]]
        show_progress = not quiet and sys.stderr.isatty()
        if resume is not None:
            _refuse_with_resume({"--out": out, "--set": None if scenario else overrides})
            given = _load(scenario, overrides) if scenario else None
            results = experiment.resume_run(
                resume, scenario=given, runs=runs, seed=_parse_seed(seed),
                chunk_size=chunk_size, workers=workers, progress=show_progress, argv=argv,
                executor=_executor(workers, dask))
        else:
            runs, seed_value = 10_000 if runs is None else runs, _parse_seed(seed)
            seed_value = DEFAULT_SEED if seed_value is None else seed_value
            experiment.check_settings(runs, seed_value, workers=workers, chunk_size=chunk_size)
            loaded = _load(scenario, overrides)
            results = experiment.run_to_folder(
                loaded, runs, seed_value, workers=workers, chunk_size=chunk_size,
                out=out or "results", progress=show_progress and runs >= PROGRESS_MIN_RUNS,
                argv=argv, executor=_executor(workers, dask))
        _write_figures(results.path, no_plots)
        _print_results(results, quiet)


@app.command(epilog="Example: negsim compare istanbul-2025 trump-joins putin-attends --runs 50000")
def compare(
    scenarios: Annotated[list[str] | None, typer.Argument(
        help="Two or more shipped scenario names or YAML files; the first is the baseline.",
        show_default=False)] = None,
    runs: Annotated[int, typer.Option(
        "--runs", "-n", help="Replicates of each scenario (the same indices for all).")] = 10_000,
    seed: Annotated[str | None, typer.Option(
        "--seed", metavar="S|random", help="Root seed shared by all scenarios (common random "
                                           "numbers).", show_default=str(DEFAULT_SEED))] = None,
    workers: Workers = None,
    dask: Dask = None,
    chunk_size: Annotated[int | None, typer.Option(
        "--chunk-size", help="Replicates per chunk (changes no number).",
        show_default="20000, fewer if workers would idle")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder that receives compare-<A>-<B>.../<time>-<id>/.",
        show_default="results")] = None,
    resume: Annotated[Path | None, typer.Option(
        "--resume", metavar="DIR", help="Finish an interrupted compare: its .partial folder.",
        show_default=False)] = None,
    quiet: Quiet = False,
    no_plots: NoPlots = False,
) -> None:
    """Compare scenarios replicate by replicate: each outcome's share per scenario and each
    scenario's difference from the first, with 95% intervals.

    All scenarios use the same seed, so replicate k of each draws the same random numbers
    (common random numbers): differences are measured on pairs, with much narrower intervals
    than two independent samples would give. * marks a difference whose interval excludes 0.
    Writes parameters.csv, shares.csv, differences.csv and daily.csv.
    """
    with reported_errors():
        from sim.experiment import compare as experiment
        from sim.experiment.run import check_settings

        argv = ["negsim", *sys.argv[1:]]
        workers = _workers(workers, None if resume else runs * max(2, len(scenarios or [])))
        show_progress = not quiet and sys.stderr.isatty()
        executor = _executor(workers, dask)
        if resume is not None:
            _refuse_with_resume({"SCENARIOS": scenarios, "--out": out})
            result = experiment.resume_compare(resume, workers=workers, executor=executor,
                                               progress=show_progress, argv=argv)
        else:
            if len(scenarios or []) < 2:
                raise UserError("compare needs at least two scenarios, e.g. negsim compare "
                                "istanbul-2025 trump-joins")
            seed_value = _parse_seed(seed)
            seed_value = DEFAULT_SEED if seed_value is None else seed_value
            check_settings(runs, seed_value, workers=workers, chunk_size=chunk_size)
            loaded = [_load(name, None) for name in scenarios]
            result = experiment.compare(loaded, runs, seed_value, out=out or "results",
                                        workers=workers, executor=executor,
                                        chunk_size=chunk_size, progress=show_progress,
                                        argv=argv)
        _write_figures(result.path, no_plots)
        _print_comparison(result, quiet)


@app.command(epilog="Example: negsim sweep scenarios/sweeps/trust-vs-monitoring.yaml")
def sweep(
    file: Annotated[Path | None, typer.Argument(
        metavar="SWEEP.yaml", help="A sweep file (kind: sweep); see docs/experiments.md.",
        show_default=False)] = None,
    workers: Workers = None,
    dask: Dask = None,
    chunk_size: Annotated[int | None, typer.Option(
        "--chunk-size", help="Replicates per chunk, across points (changes no number).",
        show_default="20000, fewer if workers would idle")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder that receives <sweep name>/<time>-<id>/.",
        show_default="results")] = None,
    resume: Annotated[Path | None, typer.Option(
        "--resume", metavar="DIR", help="Finish an interrupted sweep: its .partial folder.",
        show_default=False)] = None,
    quiet: Quiet = False,
    no_plots: NoPlots = False,
) -> None:
    """Run a scenario at many points of parameter space (grid, random, lhs, sobol, morris);
    write each point's outcome shares and, for sobol and morris, sensitivity indices.

    Point p uses replicates 0 … runs−1 with the sweep's seed: it equals negsim run BASE --set
    ... --runs RUNS --seed SEED. Writes points.parquet/.csv and indices.csv.
    """
    with reported_errors():
        from sim.experiment import sweep as experiment

        argv = ["negsim", *sys.argv[1:]]
        show_progress = not quiet and sys.stderr.isatty()
        if resume is not None:
            _refuse_with_resume({"SWEEP.yaml": file, "--out": out})
            workers = _workers(workers, None)
            result = experiment.resume_sweep(resume, workers=workers,
                                             executor=_executor(workers, dask),
                                             progress=show_progress, argv=argv)
        else:
            if file is None:
                raise UserError("missing SWEEP.yaml: a sweep file, e.g. "
                                "scenarios/sweeps/trust-vs-monitoring.yaml (or --resume DIR)")
            loaded = experiment.load_sweep(file)
            workers = _workers(workers, loaded.replicates)
            result = experiment.run_sweep(loaded, out=out or "results", workers=workers,
                                          executor=_executor(workers, dask),
                                          chunk_size=chunk_size, progress=show_progress,
                                          argv=argv)
        _write_figures(result.path, no_plots)
        _print_sweep(result, quiet)


def _write_figures(folder: Path, skip: bool) -> None:
    """The figures of a finished results folder (sim.report.plots reads only the folder)."""
    if not skip:
        from sim.report.plots import write_figures

        write_figures(folder)


def _written(path) -> str:
    figures = " (figures in figures/)" if (Path(path) / "figures").is_dir() else ""
    return f"Results written to {path}/{figures}"


def _executor(workers: int, dask: str | None):
    from sim.experiment.executor import executor_for

    if workers < 1:
        raise UserError(f"--workers must be at least 1 (got {workers})")
    return executor_for(workers, dask)


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
    console.print(_written(results.path), soft_wrap=True)


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


def _print_comparison(result, quiet: bool) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    if not quiet:
        meta = result.metadata
        console.print(f"[bold]Compare[/bold] {', '.join(result.labels)}  ({meta['runs']:,} "
                      f"paired runs each, seed {meta['seed']})", soft_wrap=True)
        console.print()
        console.print(_parameter_table(result))
        console.print()
        console.print(_comparison_table(result))
        console.print("Shares in % (95% Wilson interval). Δ: difference from the first "
                      "scenario in points, mean of the per-replicate paired differences ± its "
                      "95% interval (normal approximation); * the interval excludes 0.",
                      soft_wrap=True)
        console.print()
    console.print(_written(result.path), soft_wrap=True)


def _parameter_table(result):
    from rich.table import Table

    table = Table(title="Parameters that differ", show_edge=False, pad_edge=False)
    table.add_column("Path")
    for label in result.labels:
        table.add_column(label)
    for row in result.parameters.itertuples(index=False):
        table.add_row(*row)
    if result.parameters.empty:
        table.add_row("(none: the scenarios are identical)", *[""] * len(result.labels))
    return table


def _comparison_table(result):
    from rich.table import Table

    labels, shares = result.labels, result.shares
    diffs = result.differences.set_index(["scenario", "metric", "category"])
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Metric")
    for label in labels:
        table.add_column(label, justify="right")
    for label in labels[1:]:
        table.add_column(f"Δ {label}", justify="right")
    keys = list(dict.fromkeys(zip(shares["metric"], shares["category"], strict=True)))
    by = shares.set_index(["scenario", "metric", "category"])
    for metric, category in keys:
        cells = [_share_cell(by, label, metric, category) for label in labels]
        cells += [_diff_cell(diffs, label, metric, category) for label in labels[1:]]
        name = category if metric == "outcome" else f"{metric} {category}".replace(
            "leaders_met all", "leaders met")
        table.add_row(name, *cells)
    return table


def _share_cell(by, label: str, metric: str, category: str) -> str:
    if (label, metric, category) not in by.index:
        return "–"
    r = by.loc[(label, metric, category)]
    return f"{100 * r.share:.1f} ({100 * r.ci_low:.1f}–{100 * r.ci_high:.1f})"


def _diff_cell(diffs, label: str, metric: str, category: str) -> str:
    if (label, metric, category) not in diffs.index:
        return "–"
    r = diffs.loc[(label, metric, category)]
    mark = "*" if r.significant else " "
    return f"{100 * r['diff']:+.1f} ± {50 * (r.ci_high - r.ci_low):.1f}{mark}"


def _print_sweep(result, quiet: bool) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    meta = result.metadata
    if not quiet:
        console.print(f"[bold]Sweep[/bold] {meta['sweep']['stem']} of {meta['scenario']['stem']}"
                      f": {meta['design']}, {meta['points']:,} points × {meta['runs']:,} runs "
                      f"(seed {meta['seed']}, {meta['groups']} ensemble group"
                      f"{'s' if meta['groups'] != 1 else ''})", soft_wrap=True)
        console.print()
        console.print(_sweep_table(result))
        if result.indices is not None and len(result.indices):
            console.print()
            console.print(_indices_table(result))
    for note in result.warnings:
        console.print(f"warning: {note}", soft_wrap=True, style="yellow")
    if not quiet:
        console.print()
    console.print(_written(result.path), soft_wrap=True)


def _sweep_table(result):
    from rich.table import Table

    table = Table(title="Outputs across the points", show_edge=False, pad_edge=False)
    for name in ("Output", "Lowest", "Median", "Highest"):
        table.add_column(name, justify="left" if name == "Output" else "right")
    for output in result.metadata["outputs"]:
        share = result.points[f"{output}.share"]
        table.add_row(output, *(f"{100 * v:.1f}%" for v in (share.min(), share.median(),
                                                             share.max())))
    return table


def _indices_table(result):
    from rich.table import Table

    indices = result.indices
    main, first = ("ST", "S1") if "ST" in set(indices["index"]) else ("mu_star", "sigma")
    table = Table(title=f"Sensitivity ({main} ± 95% interval; {first})", show_edge=False,
                  pad_edge=False)
    table.add_column("Parameter")
    outputs = list(dict.fromkeys(indices["output"]))
    for output in outputs:
        table.add_column(output, justify="right")
    by = indices.set_index(["output", "parameter", "index"])
    for parameter in dict.fromkeys(indices["parameter"]):
        cells = []
        for output in outputs:
            if (output, parameter, main) not in by.index:
                cells.append("–")
                continue
            m, f = by.loc[(output, parameter, main)], by.loc[(output, parameter, first)]
            cells.append(f"{m.value:.2f} ± {m.conf:.2f}; {f.value:.2f}")
        table.add_row(parameter, *cells)
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
from sim import app_command as _view_command  # noqa: E402
from sim.report import commands as _report_commands  # noqa: E402
from sim.scenario import commands as _scenario_commands  # noqa: E402

for _commands in (_scenario_commands, _report_commands, _view_command):
    _commands.register(app)
