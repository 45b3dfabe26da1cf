"""A real Dask cluster on 127.0.0.1 for the tests (``tests/conftest.py``'s ``dask_cluster``).

A ``dask scheduler`` and two ``dask worker`` processes (one thread each, each under its
nanny, which restarts a killed worker as in a real deployment) on free ports, from this
virtual environment, with ``tests/`` and the repository on ``PYTHONPATH`` so that workers
import this checkout's ``sim`` and can unpickle the chunk functions of ``tests/faults.py``.
The scheduler runs with ``distributed.scheduler.allowed-failures: 0``: a worker death fails
its task at once, so that negsim's own retry (``DaskCluster``) is what is exercised (with
Dask's default of 3 the scheduler would quietly reschedule the chunk itself).

Without the ``distributed`` package the tests that use it are skipped on a developer's
machine but FAIL in CI (``CI=true``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ports import free_port

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
START_SECONDS = 90


@dataclass(frozen=True)
class Cluster:
    address: str
    """The scheduler, e.g. ``tcp://127.0.0.1:40123`` (what ``--dask`` takes)."""
    nannies: list[subprocess.Popen]
    """The nanny processes; each worker is a child of one."""


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


@contextlib.contextmanager
def running_cluster(logs: Path, workers: int = 2):
    """Start the cluster described above, logging into ``logs``; yield its :class:`Cluster`;
    stop it."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "TEST_FAULT"}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(REPO)])
    script = Path(sys.executable).with_name("dask")
    dask = [str(script)] if script.exists() else [sys.executable, "-m", "dask"]
    commands = [([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                  "--no-dashboard"], env | {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"})]
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
            client.wait_for_workers(workers, timeout=START_SECONDS)
        yield Cluster(address, [process for process, _ in processes[1:]])
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


def kill_worker(pid: int, cluster: Cluster) -> None:
    """SIGKILL the worker process ``pid``, after checking that it is one of ours (a child of
    one of the cluster's nannies), and wait until it is gone."""
    import psutil

    worker = psutil.Process(pid)
    assert worker.ppid() in {n.pid for n in cluster.nannies}, f"pid {pid} is not our worker"
    os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=30)
