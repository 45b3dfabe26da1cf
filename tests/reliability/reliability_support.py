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

    ``negsim sweep`` and ``negsim compare`` cut their work into chunks too, but a sweep calls
    the engine with ``first_replicate`` 0 for every chunk; so for them the fault is placed on
    the *chunk task* (``sim.experiment.sweep.simulate_task``, ``sim.experiment.compare.
    _compare_chunk``), by chunk index K. The fault text travels inside the pickled task
    function (a ``functools.partial``), so Dask workers started long before the test obey it
    without any environment of their own:

    - ``pause-chunk:K:FILE``: in the negsim process itself (``--workers 1``), before chunk K,
      create FILE and wait for the test's signal;
    - ``hold:K:FILE``: in a *worker* process (local or Dask), the first time chunk K starts
      anywhere: write the worker's pid to FILE, then wait until ``FILE.release`` exists (the
      test kills that worker, or signals negsim and releases it); later attempts run at once;
    - ``hold-every:K:DIR``: the same at every attempt of chunk K, each writing its pid to
      ``DIR/attempt-N`` (never released: the test kills every one);
    - ``hold:K:FILE:N``: like ``hold:K:FILE``, once N worker processes have each run a chunk
      (so that all of them have finished starting up);
    - ``slow-start:FILE``: the first local worker process to start writes its pid to FILE
      while it is still starting up (before negsim's pool initializer has run), then waits
      for ``FILE.release``: what a slow laptop does for a second at every ``--workers N``.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import sim.model
from sim.experiment import compare as _compare_module
from sim.experiment import sweep as _sweep_module

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

if __name__ == "__mp_main__" and os.environ.get("RELIABILITY_FAULT", "").startswith(
        "slow-start:"):  # a spawned worker re-imports this main module before its initializer
    _start_marker = Path(os.environ["RELIABILITY_FAULT"].partition(":")[2])
    try:  # the first worker to start is slow; the others start at once
        os.close(os.open(f"{_start_marker}.taken", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        pass
    else:
        _start_marker.with_name(_start_marker.name + ".tmp").write_text(str(os.getpid()))
        _start_marker.with_name(_start_marker.name + ".tmp").rename(_start_marker)
        for _ in range(200):  # released by the test; 10 s at most
            if _start_marker.with_name(_start_marker.name + ".release").exists():
                break
            time.sleep(0.05)

_REAL_ENGINE = sim.model.simulate_chunk
_REAL_SWEEP_TASK = _sweep_module.simulate_task
_REAL_COMPARE_CHUNK = _compare_module._compare_chunk

IN_NEGSIM_PROCESS = False
"""True only in the process that runs negsim's command line through :func:`main` (set there);
False in the local and Dask worker processes that import this module to unpickle a task."""


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
    or holds every results file of its kind (run, sweep or compare) and loads whole."""
    from sim.results import folder as files

    for folder in run_folders(out):
        if folder.name.endswith(files.PARTIAL_SUFFIX):
            continue
        assert (folder / "metadata.json").is_file(), f"{folder} looks finished but has no metadata"
        kind = files.read_metadata(folder).get("kind", "run")
        {"run": _whole_run, "sweep": _whole_sweep, "compare": _whole_compare}[kind](folder)


def _whole_run(folder: Path) -> None:
    from sim.results import folder as files
    from sim.results.results import load_results

    missing = [name for name in files.FILES if not (folder / name).is_file()]
    assert not missing, f"{folder} looks finished but lacks {missing}"
    results = load_results(folder)
    assert len(results.replicates) == results.metadata["runs"]


def _whole_sweep(folder: Path) -> None:
    from sim.results import sweep as tables

    needed = (*tables.FILES, "indices.csv") if _design(folder) in ("sobol", "morris") \
        else tables.FILES
    missing = [name for name in needed if not (folder / name).is_file()]
    assert not missing, f"{folder} looks finished but lacks {missing}"
    results = tables.load_sweep_results(folder)
    assert len(results.points) == results.metadata["points"]
    assert results.points["point"].tolist() == list(range(results.metadata["points"]))
    outputs = results.metadata["outputs"]
    assert results.points[[f"{o}.share" for o in outputs]].notna().all().all()
    if results.indices is not None:
        assert len(results.indices) > 0


def _design(folder: Path) -> str:
    from sim.results import folder as files

    return files.read_metadata(folder).get("design", "")


def _whole_compare(folder: Path) -> None:
    from sim.results import comparison as tables

    missing = [name for name in tables.FILES if not (folder / name).is_file()]
    assert not missing, f"{folder} looks finished but lacks {missing}"
    comparison = tables.load_comparison(folder)
    runs, labels = comparison.metadata["runs"], comparison.metadata["scenarios"]
    assert (comparison.shares["n"] == runs).all()
    assert sorted(set(comparison.shares["scenario"])) == sorted(s["label"] for s in labels)
    assert len(comparison.daily) > 0


def same_bytes(a: Path, b: Path, names=RESULT_FILES) -> list[str]:
    """The names of the files that differ between two results folders."""
    return [name for name in names if (a / name).read_bytes() != (b / name).read_bytes()]


def wait_for_pid(marker: Path, process: subprocess.Popen, seconds: float = 60) -> int:
    """Wait until a held worker has written its pid into `marker`; return the pid."""
    wait_for(marker, process, seconds)
    return int(marker.read_text())


# -- sweeps and compares -------------------------------------------------------------------

SWEEP_FILE = "reliability-sweep.yaml"
SWEEP = """\
kind: sweep
base: istanbul-2025
design: sobol
parameters:
  trust.ukraine.russia: {range: [0.05, 0.5]}
  actors.usa.monitoring: {range: [0, 1]}
  actors.usa.attendance.mode: {values: [auto, always]}
samples: 8
runs: 60
seed: 9
outputs: [ceasefire_holding, exchange_only, attended.russia]
"""
"""A sobol sweep of 40 points in 2 structural groups (USA's attendance mode), 60 runs each:
with ``--chunk-size 300``, 8 chunks of 5 points × 60 runs, 4 per group. Its ``indices.csv`` depends on
every point, so a lost or doubled chunk shows in every table."""

SWEEP_ARGS = ("sweep", SWEEP_FILE, "--chunk-size", "300", "-q", "--no-plots")
SWEEP_CHUNKS = 8
SWEEP_TABLES = ("points.parquet", "points.csv", "indices.csv", "design.parquet",
                "unit_sample.parquet", "scenario.yaml", "sweep.yaml")

COMPARE_ARGS = ("compare", "istanbul-2025", "trump-joins", "--runs", "300", "--chunk-size",
                "50", "--seed", "3", "-q", "--no-plots")
COMPARE_CHUNKS = 6
COMPARE_TABLES = ("shares.csv", "shares.json", "differences.csv", "differences.json",
                  "daily.csv", "parameters.csv", "scenario.yaml")


def sweep_folder(cwd: Path) -> Path:
    """Write the sweep file into `cwd` (every test uses the same name, hence the same stem)."""
    (cwd / SWEEP_FILE).write_text(SWEEP, encoding="utf-8")
    return cwd


# -- a real Dask cluster on 127.0.0.1 --------------------------------------------------------


def distributed_or_fail() -> None:
    """Skip without ``distributed`` on a developer's machine; FAIL in CI (``CI=true``)."""
    import pytest

    try:
        import distributed  # noqa: F401
    except ImportError:
        message = "dask.distributed is not installed (pip install -e '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": the Dask tests must run in CI")
        pytest.skip(message)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dask_cluster(logs: Path, workers: int = 2, scheduler_env: dict | None = None):
    """A ``dask scheduler`` and `workers` ``dask worker`` processes (one thread each, each
    under its nanny, which restarts a killed worker as in a real deployment) on free
    127.0.0.1 ports, from this virtual environment, with this folder on ``PYTHONPATH`` so
    that workers can unpickle this module's task wrappers. Yields ``(address, nannies)``:
    the nannies' ``Popen`` objects, whose child processes are the workers."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(HERE), str(REPO)])}
    env = {k: v for k, v in env.items() if k not in ("NEGSIM_FAULT", "RELIABILITY_FAULT")}
    script = Path(sys.executable).with_name("dask")
    dask = [str(script)] if script.exists() else [sys.executable, "-m", "dask"]
    commands = [([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                  "--no-dashboard"], env | (scheduler_env or {}))]
    commands += [([*dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                   "--host", "127.0.0.1", "--no-dashboard", "--name", f"w{i}"], env)
                 for i in range(1, workers + 1)]
    processes = []
    try:
        for i, (argv, process_env) in enumerate(commands):
            log = open(logs / f"{i}.log", "w")  # noqa: SIM115 - closed with the process
            processes.append((subprocess.Popen(argv, cwd=logs, env=process_env, stdout=log,
                                               stderr=subprocess.STDOUT), log))
            if i == 0:
                time.sleep(0.5)  # let the scheduler bind before the workers dial it
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=90)
        yield address, [process for process, _ in processes[1:]]
    finally:
        for process, _ in reversed(processes):
            process.terminate()
        for process, log in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def kill_worker(pid: int, nannies: list[subprocess.Popen]) -> None:
    """SIGKILL the worker process `pid`, after checking that it is one of ours (a child of
    one of the test's own nannies), and wait until it is gone."""
    import psutil

    worker = psutil.Process(pid)
    assert worker.ppid() in {n.pid for n in nannies}, f"pid {pid} is not one of our workers"
    os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=30)
    COUNTS["worker failures injected"] += 1


# -- the engine with faults (runs inside negsim processes) ------------------------------------


def faulty_engine(scenario, seed, first_replicate, count, **options):
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
    return _REAL_ENGINE(scenario, seed, first_replicate, count, **options)


def faulty_sweep_task(fault: str, engine, seed, runs, task):
    """``sim.experiment.sweep.simulate_task`` with the chunk fault `fault` (see the module
    docstring); :func:`main` puts ``partial(faulty_sweep_task, fault)`` in its place."""
    _chunk_fault(fault, task.index)
    return _REAL_SWEEP_TASK(engine, seed, runs, task)


def faulty_compare_chunk(fault: str, engine, scenarios, seed, task):
    """``sim.experiment.compare._compare_chunk`` with the chunk fault `fault`."""
    _chunk_fault(fault, task.index)
    return _REAL_COMPARE_CHUNK(engine, scenarios, seed, task)


def _chunk_fault(fault: str, index: int) -> None:
    kind, _, rest = fault.partition(":")
    at, _, where = rest.partition(":")
    if kind == "hold" and not IN_NEGSIM_PROCESS:  # every worker says it is up and working
        Path(f"{where.partition(':')[0]}.worker-{os.getpid()}").touch()
    if not at.isdigit() or int(at) != index:
        return
    if kind == "pause-chunk" and IN_NEGSIM_PROCESS:
        _pause(Path(where))
    elif kind == "hold" and not IN_NEGSIM_PROCESS:
        marker, _, workers = where.partition(":")
        marker = Path(marker)
        try:  # the first attempt anywhere takes the chunk; the others run it at once
            os.close(os.open(f"{marker}.taken", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        _wait_for_workers(marker, int(workers or 1))
        _hold(marker)
    elif kind == "hold-every" and not IN_NEGSIM_PROCESS:
        folder = Path(where)
        for attempt in range(100):
            try:
                os.close(os.open(folder / f"attempt-{attempt}.taken",
                                 os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                continue
            _hold(folder / f"attempt-{attempt}")
            return


def _wait_for_workers(marker: Path, count: int) -> None:
    """Wait (a minute at most) until `count` worker processes have run a chunk: they have all
    started, so that a signal sent to the process group finds none still starting up."""
    for _ in range(1200):
        if len(list(marker.parent.glob(f"{marker.name}.worker-*"))) >= count:
            return
        time.sleep(0.05)


def _hold(marker: Path) -> None:
    """Publish this worker's pid in `marker` (atomically), then wait for ``marker.release``
    (a minute at most: the hang guard)."""
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(str(os.getpid()))
    tmp.rename(marker)
    release = marker.with_name(marker.name + ".release")
    for _ in range(1200):
        if release.exists():
            return
        time.sleep(0.05)


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

    reliability_support.IN_NEGSIM_PROCESS = True
    sim.model.simulate_chunk = reliability_support.faulty_engine
    fault = os.environ.get("RELIABILITY_FAULT", "")
    _sweep_module.simulate_task = functools.partial(reliability_support.faulty_sweep_task, fault)
    _compare_module._compare_chunk = functools.partial(reliability_support.faulty_compare_chunk,
                                                       fault)
    from sim.cli import main as negsim_main

    negsim_main()


if __name__ == "__main__":
    sys.argv[0] = "negsim"
    main()
