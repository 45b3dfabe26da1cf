"""Interrupting ``negsim sweep`` and ``negsim compare`` in real processes, at deterministic
points, and resuming them until they finish.

The points are placed by faults, never by timing (``tests/faults.py``): a Ctrl-C raised by
the run's hooks (``interrupt-after-chunk:K``, ``interrupt-before-rename``), or a real SIGINT /
SIGTERM sent once the process reports that it has reached chunk K (``pause:K``: the negsim
process waits before simulating it; ``hold:K``: a ``--workers 2`` worker process is in the
middle of it). Each test interrupts twice (the second time while resuming), then resumes
to the end. After every interruption: exit 130 (SIGINT) or 143 (SIGTERM), exactly the message
``interrupted; finished chunks kept in <dir>.partial; continue with: negsim <command> --resume
<dir>.partial``, no traceback, the finished chunks kept, and no folder that looks complete but
is not. At the end the tables are **bit-identical** to an uninterrupted run (conftest's
``sweep_reference`` and ``compare_reference``).

The sweep: the workloads' SWEEP (sobol, 40 points in 2 groups × 60 runs, 8 chunks; its
``indices.csv`` depends on every point). The compare: istanbul-2025 against trump-joins, 300
replicates in 6 chunks.
"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest
from folders import assert_no_false_complete, run_folders, same_bytes
from processes import ended, negsim, start, wait_for, wait_for_pid
from tally import COUNTS
from workloads import (
    COMPARE_ARGS,
    COMPARE_CHUNKS,
    COMPARE_TABLES,
    SWEEP_ARGS,
    SWEEP_CHUNKS,
    SWEEP_TABLES,
)

from sim.results import folder as files

pytestmark = pytest.mark.timeout(120)

QUIET = ("-q", "--no-plots")


def message(command: str) -> re.Pattern:
    return re.compile(rf"^interrupted; finished chunks kept in (?P<dir>\S+\.partial); "
                      rf"continue with: negsim {command} --resume (?P=dir)\n$")


def interrupted(done, cwd: Path, code: int, command: str) -> Path:
    """Check an interrupted sweep or compare: exit code, message, folders; return the
    ``.partial`` folder the message names."""
    COUNTS["interruptions tried"] += 1
    stderr = done.stderr if isinstance(done.stderr, str) else done.stderr.read()
    assert done.returncode == code, stderr
    assert "Traceback" not in stderr
    match = message(command).match(stderr)
    assert match, stderr
    assert_no_false_complete(cwd / "results")
    partial = cwd / match["dir"]
    assert partial.is_dir() and not files.final_path(partial).exists()
    assert [p for p in run_folders(cwd / "results")] == [partial]
    return partial


def paused(command_args, cwd: Path, chunk: int, signum: int, **options):
    """Start negsim, wait until it is about to simulate `chunk`, send `signum` to it."""
    marker = cwd / f"paused-{chunk}"
    process = start(*command_args, cwd=cwd, fault=f"pause:{chunk}:{marker}", **options)
    wait_for(marker, process)
    process.send_signal(signum)
    ended(process, 60)
    return process


def resume(command: str, partial: Path, cwd: Path, *, workers: str = "1", **options):
    return negsim(command, "--resume", str(partial.relative_to(cwd)), *QUIET, "--workers",
                  workers, cwd=cwd, **options)


def finished(command: str, partial: Path, cwd: Path, reference: Path, tables, *,
             workers: str = "1") -> Path:
    """Resume to the end; the tables must equal the uninterrupted run's, byte for byte."""
    done = resume(command, partial, cwd, workers=workers)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    final = files.final_path(partial)
    assert f"Results written to {final.relative_to(cwd)}/\n" in done.stdout, done.stdout
    assert not partial.exists() and not (final / files.CHUNKS).exists()
    differ = same_bytes(reference, final, tables)
    COUNTS["results lost or changed after resume"] += bool(differ)
    assert differ == []
    assert_no_false_complete(cwd / "results")
    return final


# -- negsim sweep -------------------------------------------------------------------------


def test_sweep_sigint_before_chunk_3_then_ctrl_c_before_rename(sweep_cwd, sweep_reference):
    cwd = sweep_cwd
    first = paused((*SWEEP_ARGS, "--workers", "1"), cwd, 3, signal.SIGINT)
    partial = interrupted(first, cwd, 130, "sweep")
    assert files.finished_chunks(partial) == {0, 1, 2}
    assert not (partial / "points.csv").exists()

    second = resume("sweep", partial, cwd, fault="interrupt-before-rename")
    assert interrupted(second, cwd, 130, "sweep") == partial
    assert files.finished_chunks(partial) == set(range(SWEEP_CHUNKS))
    assert (partial / "points.parquet").exists()  # every table written, yet still .partial

    final = finished("sweep", partial, cwd, sweep_reference, SWEEP_TABLES)
    assert len(files.read_metadata(final)["resumed"]) == 2


def test_sweep_ctrl_c_after_chunk_1_then_sigterm_before_chunk_5(sweep_cwd, sweep_reference):
    cwd = sweep_cwd
    first = negsim(*SWEEP_ARGS, "--workers", "1", cwd=cwd, fault="interrupt-after-chunk:1")
    partial = interrupted(first, cwd, 130, "sweep")
    assert files.finished_chunks(partial) == {0, 1}

    rel = str(partial.relative_to(cwd))
    second = paused(("sweep", "--resume", rel, *QUIET, "--workers", "1"), cwd, 5,
                    signal.SIGTERM)
    assert interrupted(second, cwd, 143, "sweep") == partial
    assert files.finished_chunks(partial) == {0, 1, 2, 3, 4}

    finished("sweep", partial, cwd, sweep_reference, SWEEP_TABLES)


def test_sweep_ctrl_c_to_the_process_group_while_a_worker_runs_chunk_4(tmp_path, sweep_cwd,
                                                                        sweep_reference):
    """Ctrl-C in a terminal signals every process of the group: the workers ignore it, the
    main process stops handing out chunks. Both workers have started (each has run a chunk)
    and one is held inside chunk 4 until the signal has been sent."""
    cwd = sweep_cwd
    marker = tmp_path / "held"
    process = start(*SWEEP_ARGS, "--workers", "2", cwd=cwd, fault=f"hold:4:{marker}:2")
    wait_for_pid(marker, process)
    os.killpg(process.pid, signal.SIGINT)
    (tmp_path / "held.release").touch()
    ended(process, 60)
    partial = interrupted(process, cwd, 130, "sweep")
    kept = files.finished_chunks(partial)
    assert 4 not in kept and kept == set(range(len(kept))), kept  # chunks are saved in order

    finished("sweep", partial, cwd, sweep_reference, SWEEP_TABLES)


def test_sweep_ctrl_c_while_a_worker_is_still_starting(tmp_path, sweep_cwd):
    """Ctrl-C to the process group while the first worker process of ``--workers 2`` is
    still starting (held there by ``slow-start``, as a slow laptop or a cold disk holds it
    for a moment at every run). The main process's message and exit code are right, and the
    folder is resumable, and no worker prints a traceback: workers start with SIGINT blocked
    and drop a pending one as they start ignoring it."""
    cwd = sweep_cwd
    marker = tmp_path / "starting"
    process = start(*SWEEP_ARGS, "--workers", "2", cwd=cwd, fault=f"slow-start:{marker}")
    wait_for_pid(marker, process)
    os.killpg(process.pid, signal.SIGINT)
    (tmp_path / "starting.release").touch()
    ended(process, 60)
    stderr = process.stderr.read()
    COUNTS["interruptions tried"] += 1
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1].startswith("interrupted; finished chunks kept in "), stderr
    assert_no_false_complete(cwd / "results")
    assert "Traceback" not in stderr, stderr


# -- negsim compare -----------------------------------------------------------------------


def test_compare_sigterm_before_chunk_2_then_ctrl_c_after_chunk_4(tmp_path,
                                                                   compare_reference):
    first = paused((*COMPARE_ARGS, "--workers", "1"), tmp_path, 2, signal.SIGTERM)
    partial = interrupted(first, tmp_path, 143, "compare")
    assert files.finished_chunks(partial) == {0, 1}

    second = resume("compare", partial, tmp_path, fault="interrupt-after-chunk:4")
    assert interrupted(second, tmp_path, 130, "compare") == partial
    assert files.finished_chunks(partial) == {0, 1, 2, 3, 4}

    final = finished("compare", partial, tmp_path, compare_reference, COMPARE_TABLES)
    assert len(files.read_metadata(final)["resumed"]) == 2


def test_compare_sigint_before_chunk_4_then_ctrl_c_before_rename(tmp_path,
                                                                  compare_reference):
    first = paused((*COMPARE_ARGS, "--workers", "1"), tmp_path, 4, signal.SIGINT)
    partial = interrupted(first, tmp_path, 130, "compare")
    assert files.finished_chunks(partial) == {0, 1, 2, 3}

    second = resume("compare", partial, tmp_path, fault="interrupt-before-rename")
    assert interrupted(second, tmp_path, 130, "compare") == partial
    assert files.finished_chunks(partial) == set(range(COMPARE_CHUNKS))
    assert (partial / "shares.csv").exists()

    finished("compare", partial, tmp_path, compare_reference, COMPARE_TABLES, workers="2")


def test_the_reference_folders_are_whole(sweep_reference, compare_reference):
    """The references themselves: complete, loadable, every chunk file gone."""
    for folder in (sweep_reference, compare_reference):
        assert not (folder / files.CHUNKS).exists()
        assert_no_false_complete(folder.parent.parent)
