"""Running ``negsim`` in a real process, with or without a fault, and waiting for it to reach
a fault's marker file.

With ``fault``, the process is ``python -m negsim_with_faults`` (``tests/negsim_with_faults.py``):
negsim's own command line with the fault placed in it (``tests/faults.py`` lists them).
Without, it is ``python -m sim``, the same as the ``negsim`` script.
"""

from __future__ import annotations

import os
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
                          start_new_session=True)  # its own process group, for kill-group


def start(*args: str, cwd: Path, fault: str | None = None, env: dict | None = None,
          **popen) -> subprocess.Popen:
    """``negsim ARGS`` started in the background."""
    return subprocess.Popen(command(*args, fault=fault), cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=environment(fault, env), start_new_session=True, **popen)


def command(*args: str, fault: str | None) -> list[str]:
    return [sys.executable, "-m", "negsim_with_faults" if fault else "sim", *args]


def environment(fault: str | None = None, extra: dict | None = None) -> dict:
    """This process's environment, ``tests/`` on ``PYTHONPATH`` and ``TEST_FAULT`` set to
    ``fault`` (and never inherited)."""
    env = {k: v for k, v in os.environ.items() if k != "TEST_FAULT"}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env.update({"TEST_FAULT": fault} if fault else {})
    env.update(extra or {})
    return env


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
