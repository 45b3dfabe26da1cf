"""Serve the browser view (:mod:`sim.view.page`) with Solara's server, in this process."""

from __future__ import annotations

import os
import socket
import warnings

from sim.errors import UserError

MAX_RUNS = 50_000
"""More replicates than this would make the charts lag behind the sliders."""


def check_port(host: str, port: int) -> None:
    """Fail now, in one line, if ``host:port`` cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(f"cannot listen on {host}:{port} ({error.strerror}): "
                            "choose another port with --port") from None


def serve(scenario: str, host: str, port: int, runs: int, seed: int) -> None:
    """Run the Solara server in this process until interrupted."""
    # Read when Solara is imported: no telemetry (offline classrooms), no "runs on Solara" banner.
    os.environ.update({"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
                       "SOLARA_THEME_SHOW_BANNER": "False"})
    try:
        from solara.__main__ import run as solara_run

        from sim.view import page
    except ImportError as missing:
        raise UserError(f"the browser view needs its optional dependencies ({missing.name} is "
                        "missing): pip install -e '.[view]'") from None
    os.environ.update({page.SCENARIO_ENV: scenario, page.RUNS_ENV: str(runs),
                       page.SEED_ENV: str(seed)})
    _quiet_cookie_warning()
    print(f"negsim view: {scenario}, {runs:,} runs per chart. "
          f"Open http://{host}:{port}/ in a browser (Ctrl+C stops it).", flush=True)
    solara_run.main(args=["sim.view.page", "--host", host, "--port", str(port), "--production",
                          "--no-open", "--no-check-version", "--log-level", "warning"],
                    prog_name="negsim view", standalone_mode=False)


def _quiet_cookie_warning() -> None:
    """Silence the 15 lines Solara prints at every page load over plain http.

    Solara (``solara/server/starlette.py``, ``root``) sets its session cookie with
    ``SameSite=None`` only over https or on the host name ``localhost``; otherwise it falls back
    to ``SameSite=Lax`` and warns, because ``None`` is needed when the page is embedded in
    another site's frame. The view is opened directly (http://127.0.0.1:PORT/, or a
    classroom address with ``--host``), where ``Lax`` is the right setting and the warning
    only alarms. Solara has no setting for it, so this one warning is filtered by its text.
    """
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https",
                            category=UserWarning, module="solara.server.starlette")
