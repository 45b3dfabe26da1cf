"""A local worker process killed in the middle of ``negsim run --workers 2``.

The worker simulating chunk 3 (replicates 30-39) exits at once (``os._exit(1)``, as the
kernel's OOM killer or a crash would end it), placed by the fault ``kill:3``
(``tests/faults.py``).
What must hold: no folder that looks complete, no chunk lost or counted twice once the run is
finished with ``--resume``, and a message naming the failed chunk instead of a
traceback. A worker that dies once is replaced and its chunk retried. A killed Dask worker is
in test_dask_worker_loss.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from folders import assert_no_false_complete, run_folders, same_bytes
from processes import negsim
from tally import COUNTS

from sim.results import folder as files

RUN = ("run", "istanbul-2025", "--runs", "60", "--chunk-size", "10", "--seed", "11", "-q",
       "--no-plots")

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    cwd = tmp_path_factory.mktemp("reference")
    done = negsim(*RUN, cwd=cwd)
    assert done.returncode == 0, done.stderr
    (folder,) = run_folders(cwd / "results")
    return folder


@pytest.fixture(scope="module")
def killed(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """The run with two workers whose worker of chunk 3 is killed: (process, cwd, folder)."""
    cwd = tmp_path_factory.mktemp("killed")
    done = negsim(*RUN, "--workers", "2", cwd=cwd, fault="kill:3")
    COUNTS["worker failures injected"] += 1
    (folder,) = run_folders(cwd / "results")
    return done, cwd, folder


def test_a_killed_worker_is_named_with_the_folder_to_resume(killed):
    done, cwd, folder = killed
    assert "Traceback" not in done.stderr and "BrokenProcessPool" not in done.stderr
    assert "chunk 3" in done.stderr
    assert f"negsim run --resume {folder.relative_to(cwd)}" in done.stderr


def test_a_killed_worker_loses_no_chunk_and_counts_none_twice(killed, reference):
    done, cwd, partial = killed
    assert done.returncode != 0
    assert_no_false_complete(cwd / "results")
    assert partial.name.endswith(files.PARTIAL_SUFFIX)
    assert 3 not in files.finished_chunks(partial)
    resumed = negsim("run", "--resume", str(partial.relative_to(cwd)), "-q", "--no-plots",
                     cwd=cwd)
    assert resumed.returncode == 0, resumed.stderr
    differ = same_bytes(reference, files.final_path(partial))
    COUNTS["results lost or changed after resume"] += bool(differ)
    assert differ == []


def test_a_worker_killed_in_a_middle_chunk_is_named(tmp_path):
    """Chunk 1 of 3 keeps killing its worker: the run stops naming it and the folder to
    resume, or (were it retried to success) exits 0; never a traceback."""
    done = negsim("run", "istanbul-2025", "--runs", "30", "--chunk-size", "10", "-q",
                  "--no-plots", "--workers", "2", cwd=tmp_path, fault="kill:1")
    COUNTS["worker failures injected"] += 1
    assert "Traceback" not in done.stderr
    assert "chunk 1" in done.stderr
    assert_no_false_complete(tmp_path / "results")
    if done.returncode != 0:
        (folder,) = run_folders(tmp_path / "results")
        assert f"negsim run --resume {folder.relative_to(tmp_path)}" in done.stderr


def test_a_worker_that_dies_once_is_replaced_and_its_chunk_retried(tmp_path, reference):
    """A transient death (the fault ``kill-once:2``): the chunk is simulated again in a new
    pool, the run finishes, and the results equal an undisturbed run byte for byte."""
    marker = tmp_path / "died-once"
    done = negsim(*RUN, "--workers", "2", cwd=tmp_path, fault=f"kill-once:2:{marker}")
    COUNTS["worker failures injected"] += 1
    assert marker.exists(), "the worker of chunk 2 never died: the hook did not fire"
    assert done.returncode == 0, done.stderr
    (folder,) = run_folders(tmp_path / "results")
    differ = same_bytes(reference, folder)
    COUNTS["results lost or changed after resume"] += bool(differ)
    assert differ == []
