"""A Dask worker killed (SIGKILL) in the middle of ``negsim sweep --dask``.

The cluster is real (``tests/conftest.py``'s ``dask_cluster``): a ``dask scheduler`` and two
``dask worker`` processes (one thread each, each under its nanny, which restarts a killed
worker as in a real deployment) on free 127.0.0.1 ports, from this virtual environment. The
scheduler runs with ``distributed.scheduler.allowed-failures: 0``, so that every worker death
reaches negsim's own retry in ``DaskCluster`` (with Dask's default of 3 the scheduler would
quietly reschedule the chunk itself, and negsim's code would not be exercised).

The kill is placed, not timed: the ``hold`` fault (``tests/faults.py``) makes the worker that
starts chunk K write its pid to a marker file and wait; the test checks that the pid is a
child of one of its own nannies and sends it SIGKILL. What must hold: the sweep finishes with
tables bit-identical to a local run (conftest's ``sweep_reference``), or, when the chunk keeps
killing its workers, stops naming that chunk and the ``.partial`` folder to resume, and the
resumed tables are bit-identical. No chunk is lost or counted twice either way.

Determinism local against Dask is shown in ``tests/experiment/test_dask.py`` (``points.csv`` and
``indices.csv`` of a sobol sweep, a run's tables, a compare's tables); the first test here adds
``points.parquet`` and the design files, after a worker death.

Without the ``distributed`` package the tests are skipped on a developer's machine but FAIL in
CI (``CI=true``).
"""

from __future__ import annotations

import re

import pytest
from dask_cluster import kill_worker
from folders import assert_no_false_complete, run_folders, same_bytes
from processes import ended, negsim, start, wait_for_pid
from tally import COUNTS
from workloads import SWEEP_ARGS, SWEEP_CHUNKS, SWEEP_TABLES

from sim.results import folder as files

pytestmark = pytest.mark.timeout(150)


def killed(pid: int, cluster) -> None:
    kill_worker(pid, cluster)
    COUNTS["worker failures injected"] += 1


def test_a_worker_killed_in_chunk_3_is_replaced_and_the_tables_equal_a_local_run(
        dask_cluster, tmp_path, sweep_cwd, sweep_reference):
    cwd = sweep_cwd
    marker = tmp_path / "held"
    process = start(*SWEEP_ARGS, "--dask", dask_cluster.address, cwd=cwd,
                    fault=f"hold:3:{marker}")
    killed(wait_for_pid(marker, process), dask_cluster)
    ended(process, 90)
    stderr = process.stderr.read()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    (final,) = run_folders(cwd / "results")
    assert not final.name.endswith(files.PARTIAL_SUFFIX)
    assert_no_false_complete(cwd / "results")
    differ = same_bytes(sweep_reference, final, SWEEP_TABLES)
    COUNTS["results lost or changed after resume"] += bool(differ)
    assert differ == []
    assert list(tmp_path.glob("held.taken")), "chunk 3 was never held"


def test_a_chunk_whose_workers_keep_dying_is_named_and_resumed(dask_cluster, tmp_path,
                                                             sweep_cwd, sweep_reference):
    """Every worker that starts chunk 0 is killed: after negsim's 2 retries the sweep stops
    with ``ChunkFailed`` naming chunk 0 (chunk 0, so that no other chunk, whose worker may have
    died beside it, can be the first to run out of retries) and the folder to resume; the
    resume (locally) gives the local run's tables."""
    address, cwd = dask_cluster.address, sweep_cwd
    attempts = tmp_path / "attempts"
    attempts.mkdir()
    process = start(*SWEEP_ARGS, "--dask", address, cwd=cwd, fault=f"hold-every:0:{attempts}")
    for attempt in range(3):  # the first try and negsim's 2 retries
        killed(wait_for_pid(attempts / f"attempt-{attempt}", process, 90), dask_cluster)
    ended(process, 90)
    stderr = process.stderr.read()
    assert process.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("error: chunk 0 (300 replicates) failed on the Dask cluster at "
                             f"{address} after 2 retries: KilledWorker"), stderr
    match = re.search(r"; finished chunks kept in (\S+\.partial); continue with: negsim sweep "
                      r"--resume (\S+\.partial)$", stderr.rstrip("\n"))
    assert match and match[1] == match[2], stderr
    assert not (attempts / "attempt-3").exists()  # no fourth try
    partial = cwd / match[1]
    assert_no_false_complete(cwd / "results")
    assert files.finished_chunks(partial) == set()  # nothing after chunk 0 is taken out of order

    done = negsim("sweep", "--resume", match[1], "-q", "--no-plots", "--workers", "1", cwd=cwd)
    assert done.returncode == 0, done.stderr
    final = files.final_path(partial)
    differ = same_bytes(sweep_reference, final, SWEEP_TABLES)
    COUNTS["results lost or changed after resume"] += bool(differ)
    assert differ == []
    assert len(files.read_metadata(final)["resumed"]) == 1
    assert SWEEP_CHUNKS == 8
