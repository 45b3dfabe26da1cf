"""The ``negsim`` application object, its root options and the console-script entry point.

Commands are added by the modules of this package (``@app.command``); :mod:`sim.cli` imports
them all, so this module stays the one place that says how the program starts and ends.
"""

from __future__ import annotations

import atexit
import gc
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from sim import __version__
from sim.errors import UserError

if TYPE_CHECKING:
    from sim.cli.experiments import Machinery


class OneLineErrors(TyperGroup):
    """The ``negsim`` group: a usage mistake is one ``error:`` line and exit code 2, whoever
    calls it (the console script, ``python -m sim``, or a test's ``CliRunner``).

    Typer would otherwise draw a framed box with the usage in standalone mode. Errors raised
    inside a command are the command's own (:func:`sim.cli.errors.reported_errors`).
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra: Any) -> Any:
        try:
            code = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                                standalone_mode=False, **extra)
        except typer.TyperException as error:  # Typer's own click: usage errors and the like
            if error.format_message():  # empty when the help was shown (no arguments)
                typer.echo(f"error: {error.format_message()}", err=True)
            code = error.exit_code
        except UserError as error:  # raised outside a command's own handling
            typer.echo(f"error: {error}", err=True)
            code = UserError.exit_code
        except (typer.Abort, KeyboardInterrupt):
            typer.echo("interrupted", err=True)
            code = 130
        if standalone_mode:
            sys.exit(code or 0)
        return code


app = typer.Typer(
    name="negsim",
    cls=OneLineErrors,
    help="Simulate negotiation scenarios many times and count how often each outcome happens.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


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


def main(argv: list[str] | None = None, machinery: Machinery | None = None) -> None:
    """The ``negsim`` console script: exit 0, 1 (a bug or a failed chunk), 2 (the user's to
    fix), 130/143 (interrupted); see :class:`OneLineErrors`.

    ``machinery`` is what run, compare and sweep simulate with (None: the library's own); it
    reaches them as Typer's context object. Tests pass one with a fault placed in it.
    """
    # When Python exits, it unloads every module and runs the garbage collector over every
    # object pandas, Mesa and pydantic made, several times, to free memory the operating
    # system is about to take back: 0.3 s after negsim run had finished its work (measured
    # on the development machine), 0.03 s once those objects are frozen, since frozen
    # objects are skipped. Files are closed and output flushed by then.
    atexit.register(gc.freeze)
    app(args=argv, prog_name="negsim", obj=machinery)
