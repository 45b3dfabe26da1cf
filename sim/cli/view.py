"""``negsim view``: serve the browser view (:mod:`sim.view`) on this computer.

Kept light: only Typer is imported here, so that ``negsim --help`` stays fast; Solara,
matplotlib and the model load when the command runs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from sim.cli.app import app
from sim.cli.errors import reported_errors
from sim.cli.options import Runs, Scenario, Seed, seed_or_default
from sim.errors import UserError

DEFAULT_PORT = 8765
"""The port of ``negsim view`` (Solara's own default): the address teachers write down."""
DEFAULT_RUNS = 2000
"""Replicates behind every chart: enough for shares to within about ±2 points, few enough
that the charts follow a slider at once."""


@app.command(epilog="Example: negsim view istanbul-2025 --port 8765")
def view(
    scenario: Scenario,
    port: Annotated[int, typer.Option(
        "--port", help="Port to serve on.", min=1, max=65535)] = DEFAULT_PORT,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on; the default serves this computer only. "
                       "0.0.0.0 lets others on the network connect.")] = "127.0.0.1",
    runs: Runs = DEFAULT_RUNS,
    seed: Seed = None,
) -> None:
    """Open a scenario in the browser: sliders, live charts of many runs, one history.

    --runs (replicates behind every chart, recomputed at each change) defaults to 2,000, at
    most 50,000. Prints the address to open; stop it with Ctrl+C. Nothing is loaded from the
    internet.
    """
    with reported_errors():
        from sim.scenario.loader import load_scenario
        from sim.view.server import MAX_RUNS, check_port, serve

        if runs > MAX_RUNS:
            raise UserError(f"--runs must be at most {MAX_RUNS:,} for the view (got {runs:,}): "
                            "more would make the charts lag behind the sliders")
        load_scenario(scenario)  # fail now, with the loader's message, not in the browser
        check_port(host, port)
        serve(scenario, host=host, port=port, runs=runs, seed=seed_or_default(seed))
