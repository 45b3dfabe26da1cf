"""Shared by the reliability tests: the outcome checks, the tally of what was tried, and a way
to run ``negsim`` in a real process with a fault placed at a chosen chunk.

Faults in a real process
    ``negsim`` offers ``NEGSIM_FAULT=after-chunk:K|before-rename``, which raises
    ``KeyboardInterrupt`` inside the process. To send a *real* signal at a deterministic
    point, or to kill a *worker* process, :func:`negsim` starts ``python -m
    reliability_support`` (this file), which swaps the engine for :func:`faulty_engine`
    (a module-level function, so that spawned workers unpickle it from here) and then runs the
    ordinary ``sim.cli.main``. ``RELIABILITY_FAULT`` tells it what to do:

    - ``pause:R:FILE``: before simulating the chunk that starts at replicate R, create FILE
      and wait (up to a minute) for the test to send a signal;
    - ``pause-in:WHERE:FILE``: the same, inside ``sim.results.folder`` at WHERE
      (``write_summary``: while the finished chunks are being assembled; ``rmtree``: after
      the final rename, while the chunk files are removed);
    - ``kill:R``: a *worker process* simulating the chunk that starts at replicate R exits at
      once with ``os._exit(1)`` (the main process never does);
    - ``same-name``: the results folder's clock and first random suffix are fixed, so two
      processes started together try to create the same folder;
    - ``kill-group:R``: the process simulating chunk R (a worker, or the main process)
      sends SIGTERM to the whole process group, as ``timeout`` or ``docker stop`` do.
"""

from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import sim.model

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RESULT_FILES = ("replicates.parquet", "summary.csv", "summary.json", "daily.csv")
"""The tables whose bytes must not depend on how the run was made (metadata.json holds a time
and the command line; scenario.yaml is compared on its own where it matters)."""

COUNTS: collections.Counter = collections.Counter()
"""What the session tried; printed at the end of the run by ``conftest.py``."""

PROBLEM_LINE = re.compile(r"^(?P<file>\S.*?):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*)  (?P<what>.*\S)$")
"""``file:line:col  field.path: message``; the path is absent for a whole-file problem, and
may hold any key the student wrote (``actors.leader name: unknown key 'leader name'``)."""

UNPRINTABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
"""What must never reach a terminal inside a message: control characters (a tab aside), line
separators and lone surrogates."""

_REAL_ENGINE = sim.model.simulate_chunk


# -- loading -------------------------------------------------------------------------------


def check_loads_or_explains(path: Path) -> str:
    """Load the scenario at `path`: it either loads and a tiny run works, or it raises a
    ScenarioError whose every line is ``file:line:col  path: message``. Returns which."""
    from sim.scenario.loader import load_scenario
    from sim.scenario.problems import ScenarioError

    COUNTS["inputs fuzzed"] += 1
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        assert_located(error)
        COUNTS["inputs rejected with a located message"] += 1
        return "rejected"
    chunk = _REAL_ENGINE(scenario, 1, 0, 20)
    assert len(chunk.replicates) == 20
    assert chunk.replicates["replicate"].tolist() == list(range(20))
    COUNTS["inputs loaded and simulated"] += 1
    return "loaded"


def assert_located(error) -> None:
    """Every problem is one line, free of control characters, that names a file, line, column and message."""
    lines = str(error).splitlines()
    assert lines, "a ScenarioError without a message"
    assert len(lines) == len(error.problems), lines
    for line in lines:
        assert PROBLEM_LINE.match(line), f"badly shaped problem line: {line!r}"
        assert not UNPRINTABLE.search(line), f"control character in: {line!r}"
    for problem in error.problems:
        assert problem.file and problem.line and problem.col, problem
        assert problem.message.strip() == problem.message and problem.message, problem


# -- running negsim in a real process --------------------------------------------------------


def negsim(*args: str, cwd: Path, fault: str | None = None, negsim_fault: str | None = None,
           env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``negsim ARGS`` in a fresh process (through this module when `fault` is given)."""
    return subprocess.run(command(*args, fault=fault), cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=environment(fault, negsim_fault, env),
                          start_new_session=True)  # its own process group, for kill-group


def start(*args: str, cwd: Path, fault: str | None = None, env: dict | None = None,
          **popen) -> subprocess.Popen:
    """``negsim ARGS`` started in the background."""
    return subprocess.Popen(command(*args, fault=fault), cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=environment(fault, None, env), start_new_session=True, **popen)


def command(*args: str, fault: str | None) -> list[str]:
    return [sys.executable, "-m", "reliability_support" if fault else "sim", *args]


def environment(fault: str | None, negsim_fault: str | None, extra: dict | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NEGSIM_FAULT", "RELIABILITY_FAULT")}
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update({"RELIABILITY_FAULT": fault} if fault else {})
    env.update({"NEGSIM_FAULT": negsim_fault} if negsim_fault else {})
    env.update(extra or {})
    return env


def wait_for(marker: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until `marker` exists (the process reached its fault point)."""
    deadline = time.monotonic() + seconds
    while not marker.exists():
        if process.poll() is not None:
            raise AssertionError(f"the process ended before its fault point: "
                                 f"{process.returncode}\n{process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the process never reached its fault point")
        time.sleep(0.02)


# -- results folders -------------------------------------------------------------------------


def run_folders(out: Path) -> list[Path]:
    """Every folder below ``out/<scenario>/``, finished or ``.partial``."""
    return sorted(p for parent in out.iterdir() if parent.is_dir() for p in parent.iterdir())


def assert_no_false_complete(out: Path) -> None:
    """No folder under `out` looks finished unless it is: every folder is either ``.partial``
    or holds every results file and loads."""
    from sim.results import folder as files
    from sim.results.results import load_results

    for folder in run_folders(out):
        if folder.name.endswith(files.PARTIAL_SUFFIX):
            continue
        missing = [name for name in files.FILES if not (folder / name).is_file()]
        assert not missing, f"{folder} looks finished but lacks {missing}"
        results = load_results(folder)
        assert len(results.replicates) == results.metadata["runs"]


def same_bytes(a: Path, b: Path, names=RESULT_FILES) -> list[str]:
    """The names of the files that differ between two results folders."""
    return [name for name in names if (a / name).read_bytes() != (b / name).read_bytes()]


# -- the engine with faults (runs inside negsim processes) ------------------------------------


def faulty_engine(scenario, seed, first_replicate, count):
    """The real engine, with the fault ``RELIABILITY_FAULT`` names placed at its chunk."""
    kind, _, rest = os.environ.get("RELIABILITY_FAULT", "").partition(":")
    at, _, marker = rest.partition(":")
    if at.isdigit() and int(at) == first_replicate:
        in_worker = _in_worker()
        if kind == "pause" and not in_worker:
            _pause(Path(marker))
        elif kind == "kill" and in_worker:
            os._exit(1)
        elif kind == "kill-group":
            os.killpg(os.getpgid(0), signal.SIGTERM)
    return _REAL_ENGINE(scenario, seed, first_replicate, count)


def _in_worker() -> bool:
    import multiprocessing

    return multiprocessing.parent_process() is not None


def _pause(marker: Path) -> None:
    marker.touch()
    for _ in range(600):  # the test sends a signal; a minute is the hang guard
        time.sleep(0.1)


def _pause_inside(name: str, marker: Path) -> None:
    """Make ``sim.results.folder`` pause at `name` (see the module docstring)."""
    import shutil

    from sim.results import folder as files

    if name == "rmtree":
        original = shutil.rmtree

        def rmtree(path, *args, **kwargs):
            if Path(path).name == files.CHUNKS:
                _pause(marker)
            return original(path, *args, **kwargs)

        shutil.rmtree = rmtree
    else:
        original_fn = getattr(files, name)

        def paused(*args, **kwargs):
            _pause(marker)
            return original_fn(*args, **kwargs)

        setattr(files, name, paused)


def _same_name() -> None:
    """Give every run the same clock and the same first random suffix (``beef``), so that two
    processes started together both try to create the same results folder."""
    import datetime as dt
    import secrets
    import types

    from sim.results import folder as files

    fixed = dt.datetime(2025, 5, 14, 12, 0, 0, tzinfo=dt.UTC)
    clock = types.SimpleNamespace(UTC=dt.UTC, datetime=types.SimpleNamespace(
        now=lambda tz=None: fixed))
    suffixes = iter(["beef"])
    files.dt = clock
    files.secrets = types.SimpleNamespace(
        token_hex=lambda n: next(suffixes, None) or secrets.token_hex(n))


def main() -> None:
    kind, _, rest = os.environ.get("RELIABILITY_FAULT", "").partition(":")
    if kind == "same-name":
        _same_name()
    if kind == "pause-in":
        name, _, marker = rest.partition(":")
        _pause_inside(name, Path(marker))
    import reliability_support  # by its own name, so that spawned workers unpickle it

    sim.model.simulate_chunk = reliability_support.faulty_engine
    from sim.cli import main as negsim_main

    negsim_main()


if __name__ == "__main__":
    sys.argv[0] = "negsim"
    main()
