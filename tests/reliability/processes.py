"""Running ``negsim`` in a real process, with or without a fault, and waiting for it to reach
a fault's marker file.

With ``fault``, the process is ``python -m negsim_with_faults`` (``tests/negsim_with_faults.py``):
negsim's own command line with the fault placed in it (``tests/faults.py`` lists them).
Without, it is ``python -m sim``, the same as the ``negsim`` script.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
"""``tests/``: where the entry script and the faults module are (put on ``PYTHONPATH``)."""


def negsim(*args: str, cwd: Path, fault: str | None = None, env: dict | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess:
    """``negsim ARGS`` in a fresh process, to the end."""
    return subprocess.run(command(*args, fault=fault), cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=environment(fault, env),
                          start_new_session=True,  # its own process group, for kill-group
                          preexec_fn=_ctrl_c_as_in_a_terminal)


def start(*args: str, cwd: Path, fault: str | None = None, env: dict | None = None,
          **popen) -> subprocess.Popen:
    """``negsim ARGS`` started in the background."""
    return subprocess.Popen(command(*args, fault=fault), cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=environment(fault, env), start_new_session=True,
                            preexec_fn=_ctrl_c_as_in_a_terminal, **popen)


def _ctrl_c_as_in_a_terminal() -> None:
    """In the child, before negsim starts: SIGINT and SIGTERM act as they do for a command
    typed in a terminal. A test suite started in the background by a non-interactive shell
    (``pytest &``) ignores SIGINT, and an ignored signal stays ignored across ``exec``: negsim
    would then never see the Ctrl-C that the test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def command(*args: str, fault: str | None) -> list[str]:
    return [sys.executable, "-m", "negsim_with_faults" if fault else "sim", *args]


def environment(fault: str | None = None, extra: dict | None = None) -> dict:
    """This process's environment, ``tests/`` on ``PYTHONPATH`` and ``TEST_FAULT`` set to
    ``fault`` (and never inherited)."""
    env = {k: v for k, v in os.environ.items() if k != "TEST_FAULT"}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env.update({"TEST_FAULT": fault} if fault else {})
    env["PYTHONFAULTHANDLER"] = "1"  # SIGABRT dumps every thread's stack: see ended()
    env.update(extra or {})
    return env


def ended(process: subprocess.Popen, seconds: float = 60) -> int:
    """Wait for ``process`` to end and return its exit code. If it has not ended within
    ``seconds`` (a guard against a hang, not a time the test asserts), abort it: Python's
    fault handler then writes every thread's stack to its stderr, and the failure shows it."""
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        _, err = process.communicate(timeout=30)
        raise AssertionError(f"the process had not ended after {seconds} s; its stacks:\n"
                             f"{err[-6000:]}") from None


def wait_for(marker: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until ``marker`` exists (the process reached its fault point)."""
    deadline = time.monotonic() + seconds
    while not marker.exists():
        if process.poll() is not None:
            raise AssertionError(f"the process ended before its fault point: "
                                 f"{process.returncode}\n{process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the process never reached its fault point")
        time.sleep(0.02)


def wait_for_pid(marker: Path, process: subprocess.Popen, seconds: float = 60) -> int:
    """Wait until a held worker has written its pid into ``marker``; return the pid."""
    wait_for(marker, process, seconds)
    return int(marker.read_text())
