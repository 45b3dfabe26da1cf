"""Interrupting ``negsim run`` in a real process, at deterministic points, and resuming it.

Every interruption is placed at a point of the run, never by timing (``tests/faults.py``): a
Ctrl-C raised by the run's hooks (after chunk K is saved, just before the final rename), or a
real SIGINT / SIGTERM sent once the process has reached a pause point (before chunk K, while
the chunks are assembled, after the rename). After each: the exit code is 130 (SIGINT) or 143
(SIGTERM), the message names the ``.partial`` folder and the command that continues it, no
traceback, no folder that looks complete but is not, and ``--resume`` finishes with tables
bit-identical to an uninterrupted run of the same settings.

The run: ``istanbul-2025``, 60 replicates in 6 chunks of 10, real engine.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
from folders import assert_no_false_complete, run_folders, same_bytes
from processes import ended, negsim, start, wait_for
from tally import COUNTS

from sim.results import folder as files

RUN = ("run", "istanbul-2025", "--runs", "60", "--chunk-size", "10", "--seed", "7", "-q",
       "--no-plots")
TABLES = ("replicates.parquet", "replicates.csv", "summary.csv", "summary.json", "daily.csv",
          "scenario.yaml")
MESSAGE = re.compile(r"^interrupted; finished chunks kept in (?P<dir>\S+\.partial); "
                     r"continue with: negsim run --resume (?P=dir)\n$")

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The same run, uninterrupted."""
    cwd = tmp_path_factory.mktemp("reference")
    done = negsim(*RUN, cwd=cwd)
    assert done.returncode == 0, done.stderr
    (folder,) = run_folders(cwd / "results")
    return folder


def interrupted(done, cwd: Path, code: int) -> Path:
    """Check an interrupted run's exit and message and return its ``.partial`` folder."""
    COUNTS["interruptions tried"] += 1
    stderr = done.stderr if isinstance(done.stderr, str) else done.stderr.read()
    assert done.returncode == code, stderr
    assert "Traceback" not in stderr
    match = MESSAGE.match(stderr)
    assert match, stderr
    assert_no_false_complete(cwd / "results")
    partial = cwd / match["dir"]
    assert partial.is_dir() and not files.final_path(partial).exists()
    return partial


def resumed(partial: Path, cwd: Path, reference: Path, *, workers: str = "1") -> Path:
    done = negsim("run", "--resume", str(partial.relative_to(cwd)), "-q", "--no-plots",
                  "--workers", workers, cwd=cwd)
    assert done.returncode == 0, done.stderr
    final = files.final_path(partial)
    assert done.stdout.startswith(f"Results written to {final.relative_to(cwd)}/")
    assert not partial.exists() and not (final / files.CHUNKS).exists()
    differ = same_bytes(reference, final, TABLES)
    COUNTS["results lost or changed after resume"] += bool(differ)
    assert differ == []
    assert_no_false_complete(cwd / "results")
    return final


def test_ctrl_c_after_chunk_0_then_4_then_resume(tmp_path, reference):
    """Interrupted twice (the second time while resuming), then finished."""
    first = negsim(*RUN, cwd=tmp_path, fault="interrupt-after-chunk:0")
    partial = interrupted(first, tmp_path, 130)
    assert files.finished_chunks(partial) == {0}
    second = negsim("run", "--resume", str(partial.relative_to(tmp_path)), "--workers", "1",
                    cwd=tmp_path, fault="interrupt-after-chunk:4")  # one process: in order
    assert interrupted(second, tmp_path, 130) == partial
    assert files.finished_chunks(partial) == {0, 1, 2, 3, 4}
    final = resumed(partial, tmp_path, reference)
    assert len(files.read_metadata(final)["resumed"]) == 2


def test_ctrl_c_before_rename_then_resume(tmp_path, reference):
    partial = interrupted(negsim(*RUN, cwd=tmp_path, fault="interrupt-before-rename"),
                          tmp_path, 130)
    assert files.finished_chunks(partial) == set(range(6))
    assert (partial / "replicates.parquet").exists()  # assembled, yet not renamed: still partial
    resumed(partial, tmp_path, reference)


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["SIGINT", "SIGTERM"])
def test_a_real_signal_before_chunk_3(tmp_path, reference, signum, code):
    marker = tmp_path / "paused"
    process = start(*RUN, cwd=tmp_path, fault=f"pause:3:{marker}")
    wait_for(marker, process)
    process.send_signal(signum)
    ended(process, 60)
    partial = interrupted(process, tmp_path, code)
    assert files.finished_chunks(partial) == {0, 1, 2}
    resumed(partial, tmp_path, reference, workers="2")


def test_sigterm_while_the_chunks_are_assembled(tmp_path, reference):
    marker = tmp_path / "paused"
    process = start(*RUN, cwd=tmp_path, fault=f"pause-assembling:{marker}")
    wait_for(marker, process)
    process.send_signal(signal.SIGTERM)
    ended(process, 60)
    partial = interrupted(process, tmp_path, 143)
    assert not (partial / "summary.csv").exists()
    resumed(partial, tmp_path, reference)


def test_sigterm_to_the_whole_process_group_with_two_workers(tmp_path, reference):
    """``timeout`` and ``docker stop`` signal every process: the workers die too."""
    done = negsim(*RUN, "--workers", "2", cwd=tmp_path, fault="kill-group:3")
    partial = interrupted(done, tmp_path, 143)
    # The worker of chunk 3 died with the group. Which other chunks were saved depends on
    # timing: a replacement pool may finish a few before the main process handles its SIGTERM
    # (the signal can reach another thread first). What must hold: the run stops with 143,
    # and --resume gives the uninterrupted bytes.
    assert files.finished_chunks(partial) < set(range(6))
    resumed(partial, tmp_path, reference)


def test_sigterm_after_the_rename_does_not_point_at_a_vanished_folder(tmp_path, reference):
    marker = tmp_path / "paused"
    process = start(*RUN, cwd=tmp_path, fault=f"pause-after-rename:{marker}")
    wait_for(marker, process)
    process.send_signal(signal.SIGTERM)
    ended(process, 60)
    COUNTS["interruptions tried"] += 1
    stderr = process.stderr.read()
    (final,) = run_folders(tmp_path / "results")
    assert same_bytes(reference, final, TABLES) == []  # what holds today: the results are whole
    assert_no_false_complete(tmp_path / "results")
    for named in re.findall(r"(\S+\.partial)", stderr):
        assert (tmp_path / named).exists(), f"the message names {named}, which does not exist"
