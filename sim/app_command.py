"""``negsim view``: serve the browser view (:mod:`sim.app`) on this computer.

Kept light: only Typer is imported here, so that ``negsim --help`` stays fast; Solara,
matplotlib and the model load when the command runs. ``sim.cli`` adds the command with
:func:`register`; ``python -m sim.app_command SCENARIO`` runs the same command alone.
"""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from sim import DEFAULT_SEED
from sim.errors import UserError

DEFAULT_PORT = 8765
MAX_RUNS = 50_000
"""More replicates than this would make the charts lag behind the sliders."""


def register(app: typer.Typer) -> None:
    """Add the ``view`` command to the ``negsim`` application."""
    app.command(name="view", epilog="Example: negsim view istanbul-2025 --port 8765")(view)


def view(
    scenario: Annotated[str, typer.Argument(
        help="A shipped scenario by name (e.g. istanbul-2025) or the path to a YAML file.",
        show_default=False)],
    port: Annotated[int, typer.Option(
        "--port", help="Port to serve on.")] = DEFAULT_PORT,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on; the default serves this computer only. "
                       "0.0.0.0 lets others on the network connect.")] = "127.0.0.1",
    runs: Annotated[int, typer.Option(
        "--runs", "-n", help="Replicates behind every chart (recomputed at each change).",
        min=1, max=MAX_RUNS)] = 2000,
    seed: Annotated[int, typer.Option(
        "--seed", help="Root seed (0 ≤ S < 2**63).", min=0, max=2**63 - 1)] = DEFAULT_SEED,
) -> None:
    """Open a scenario in the browser: sliders, live charts of many runs, one history.

    Prints the address to open; stop it with Ctrl+C. Nothing is loaded from the internet.
    """
    try:
        _check_scenario(scenario)
        _check_port(host, port)
        serve(scenario, host=host, port=port, runs=runs, seed=seed)
    except UserError as error:
        for line in str(error).splitlines():
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(UserError.exit_code) from None


def serve(scenario: str, host: str, port: int, runs: int, seed: int) -> None:
    """Run the Solara server in this process until interrupted."""
    # Read when Solara is imported: no telemetry (offline classrooms), no "runs on Solara" banner.
    os.environ.update({"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
                       "SOLARA_THEME_SHOW_BANNER": "False"})
    try:
        from solara.__main__ import run as solara_run

        from sim import app as page
    except ImportError as missing:
        raise UserError(f"the browser view needs its optional dependencies ({missing.name} is "
                        "missing): pip install -e '.[view]'") from None
    os.environ.update({page.SCENARIO_ENV: scenario, page.RUNS_ENV: str(runs),
                       page.SEED_ENV: str(seed)})
    typer.echo(f"negsim view: {scenario}, {runs:,} runs per chart. "
               f"Open http://{host}:{port}/ in a browser (Ctrl+C stops it).")
    solara_run.main(args=["sim.app", "--host", host, "--port", str(port), "--production",
                          "--no-open", "--no-check-version", "--log-level", "warning"],
                    prog_name="negsim view", standalone_mode=False)


def _check_scenario(name: str) -> None:
    """Fail now, with the loader's message, rather than in the browser."""
    from sim.scenario.loader import load_scenario

    load_scenario(name)


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(f"cannot listen on {host}:{port} ({error.strerror}): "
                            "choose another port with --port") from None


if __name__ == "__main__":
    command = typer.Typer(add_completion=False)
    register(command)
    command(prog_name="negsim view")
