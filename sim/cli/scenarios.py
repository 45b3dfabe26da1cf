"""``negsim validate | show | list | new | schema | docs``: the scenario-language commands.

Thin wrappers over :mod:`sim.scenario` (load → call → print). Only Typer is imported at
module level so that ``negsim --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli import paths
from sim.cli.app import app
from sim.cli.errors import reported_errors
from sim.cli.options import OutFile, Overrides, Scenario


@app.command(epilog="Example: negsim validate scenarios/*.yaml")
def validate(
    files: Annotated[list[str], typer.Argument(
        metavar="SCENARIO",
        help="Scenario files or shipped names; every problem of every file is listed.",
        parser=paths.SCENARIO)],
) -> None:
    """Check scenario files and list every problem with its file, line and field.

    Exit status 0 when all are valid, 2 when any is not (for scripts and CI).
    """
    from sim.scenario.loader import ScenarioError, load_scenario

    failed = 0
    for name in files:
        try:
            scenario = load_scenario(name)
        except ScenarioError as error:
            failed += 1
            for line in str(error).splitlines():
                typer.echo(f"error: {line}", err=True)
        else:
            typer.echo(f"ok  {name}  ({scenario.title})")
    if failed and len(files) > 1:
        typer.echo(f"{failed} of {len(files)} scenario(s) invalid", err=True)
    if failed:
        raise typer.Exit(2)


@app.command(epilog="Example: negsim show putin-attends --set trust.ukraine.russia=0.2")
def show(
    scenario: Scenario,
    overrides: Overrides = None,
) -> None:
    """Every value the model will use, with its meaning, range and the file that set it.

    It ends with the values that cannot act in this scenario (any value of theirs gives the
    same results), each with the reason (docs/model.md §13).
    """
    with reported_errors():
        from rich.console import Console
        from rich.markup import escape

        from sim.scenario.loader import load_scenario
        from sim.scenario.show import resolved_rows

        console = Console(highlight=False)
        rows = resolved_rows(scenario, tuple(overrides or ()))
        for row in rows:
            value = " ".join(row.value.split())
            value = value if len(value) <= 70 else value[:67] + "..."
            unit = f" {row.unit}" if row.unit else ""
            limits = f" ({row.range})" if row.range else ""
            console.print(f"[bold]{escape(row.path)}[/bold] = {escape(value)}{escape(unit)}"
                          f"  [dim]\\[{escape(_short(row.set_by))}][/dim]", soft_wrap=True)
            console.print(f"    {escape(row.description)}{escape(limits)}", soft_wrap=True)
        _print_cannot_act(console, load_scenario(scenario, tuple(overrides or ())))


def _print_cannot_act(console, loaded) -> None:
    """The closing section of ``show``: the values that cannot act, and why."""
    from rich.markup import escape

    from sim.model.inert import cannot_act

    idle = cannot_act(loaded)
    console.print()
    console.print(f"[bold]Values that cannot act in this scenario[/bold] ({len(idle)}; any value "
                  "of these gives the same results; docs/model.md §13)"
                  + ("" if idle else ": none"), soft_wrap=True)
    for entry in idle:
        console.print(f"[bold]{escape(entry.path)}[/bold]", soft_wrap=True)
        console.print(f"    {escape(entry.reason)}", soft_wrap=True)


def _short(place: str) -> str:
    """Shipped files by their name alone: the package's folder means nothing to a student."""
    from sim.scenario.loader import shipped_folder

    file, colon, line = place.rpartition(":")
    if colon and Path(file).resolve().parent == shipped_folder().resolve():
        return f"shipped {Path(file).name}:{line}"
    return place


@app.command("list", epilog="Example: negsim list")
def list_scenarios() -> None:
    """The scenarios, sweep files and robust files: shipped with negsim, and your own.

    Yours are the files in scenarios/ (and scenarios/sweeps/, scenarios/robust/) of the folder
    you run negsim from; a name is looked up there first, then among the shipped ones.
    """
    from rich.console import Console

    from sim.scenario.library import robust_catalogue, scenario_catalogue, sweep_catalogue

    console = Console(highlight=False)
    for what, command, entries, folder in (
            ("Scenarios", "run", scenario_catalogue(), "scenarios"),
            ("Sweeps", "sweep", sweep_catalogue(), "scenarios/sweeps"),
            ("Robust files", "robust", robust_catalogue(), "scenarios/robust")):
        if command != "run":
            console.print()
        console.print(_catalogue_table(f"{what} (negsim {command} NAME)", entries,
                                       f"./{folder}"))
        for note in _shadowed(entries, folder, command):
            console.print(note, soft_wrap=True)


def _catalogue_table(title: str, entries: list, local_folder: str):
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in ("name", "where", "title"):
        table.add_column(column)
    for entry in entries:
        table.add_row(entry.name, "shipped" if entry.where == "shipped" else local_folder,
                      entry.title)
    return table


def _shadowed(entries: list, folder: str, command: str) -> list[str]:
    """A note for each of your files that has a shipped one's name: yours is the one used."""
    shipped = {e.name for e in entries if e.where == "shipped"}
    return [f"{folder}/{e.path.name} comes first: negsim {command} {e.name} uses it, not the "
            "shipped one" for e in entries if e.where == "local" and e.name in shipped]


@app.command(epilog="Example: negsim new my-talks --from trump-joins")
def new(
    name: Annotated[str, typer.Argument(help="Name of the new scenario (file stem).")],
    base: Annotated[str, typer.Option(
        "--from", help="Scenario it extends: a shipped name or a YAML file.",
        parser=paths.SCENARIO)] = "istanbul-2025",
    folder: Annotated[Path, typer.Option(
        "--folder", help="Where to write it; not negsim's own folder of shipped scenarios.",
        parser=paths.SCENARIOS_FOLDER)] = Path("scenarios"),
) -> None:
    """Write a new scenario that extends BASE, with the most useful fields ready to edit.

    It goes to ./scenarios/ (where negsim finds it by name) unless --folder says otherwise;
    in negsim's own repository, ./scenarios/ holds the shipped scenarios, so choose a folder
    of your own there (e.g. --folder my-scenarios).
    """
    with reported_errors():
        from sim.scenario.library import write_new_scenario

        target = write_new_scenario(name, base, folder)
        typer.echo(f"wrote {target}; edit it, then: negsim validate {target}")


@app.command(epilog="Example: negsim schema --out scenarios/schema.json")
def schema(out: OutFile = None) -> None:
    """The JSON Schema of scenario files, for editors that autocomplete and flag errors.

    Printed, or written to --out FILE.
    """
    with reported_errors():
        from sim.scenario.schema import schema_text, write_schema

        if out is None:
            typer.echo(schema_text(), nl=False)
        else:
            write_schema(out)
            typer.echo(f"wrote {out}")


@app.command(epilog="Example: negsim docs --out docs/scenarios.md")
def docs(out: OutFile = None) -> None:
    """The scenario field reference (every field, meaning, range, default, why) in Markdown.

    Printed, or written to --out FILE. The repository's docs/scenarios.md is this reference:
    regenerate it from the repository's root with negsim docs --out docs/scenarios.md.
    """
    with reported_errors():
        from sim.scenario.docs import scenario_reference_markdown, write_reference

        if out is None:
            typer.echo(scenario_reference_markdown(), nl=False)
        else:
            write_reference(out)
            typer.echo(f"wrote {out}")
