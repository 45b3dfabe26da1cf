"""Fixtures of the reliability suite: the tally printed at the end of the run, a folder holding
the sweep file, and the uninterrupted sweep and compare that the interruption and worker-loss
tests compare their resumed results with.

Helpers, one concept each: ``processes`` (negsim in a real process, with a fault),
``folders`` (checks of results folders), ``located`` (the shape of a refusal), ``workloads``
(the sweep and compare that are interrupted), ``tally`` (the counts). The faults themselves
are in ``tests/faults.py``, the Dask cluster in ``tests/dask_cluster.py``.
"""

from pathlib import Path

import pytest
from folders import run_folders
from processes import negsim
from tally import COUNTS
from workloads import COMPARE_ARGS, SWEEP, SWEEP_ARGS, SWEEP_FILE


def pytest_terminal_summary(terminalreporter):
    if not COUNTS:
        return
    terminalreporter.section("reliability tally")
    for name in sorted(COUNTS):
        terminalreporter.write_line(f"{name}: {COUNTS[name]}")


def write_sweep_file(folder: Path) -> Path:
    """Write the sweep file into ``folder`` (every test uses the same name, hence the same
    stem) and return the folder."""
    (folder / SWEEP_FILE).write_text(SWEEP, encoding="utf-8")
    return folder


@pytest.fixture
def sweep_cwd(tmp_path) -> Path:
    """A temporary folder holding the sweep file, to run ``negsim sweep`` in."""
    return write_sweep_file(tmp_path)


@pytest.fixture(scope="session")
def sweep_reference(tmp_path_factory) -> Path:
    """``negsim sweep`` of the workloads' SWEEP, uninterrupted, one process."""
    cwd = write_sweep_file(tmp_path_factory.mktemp("sweep-reference"))
    done = negsim(*SWEEP_ARGS, "--workers", "1", cwd=cwd)
    assert done.returncode == 0, done.stderr
    (folder,) = run_folders(cwd / "results")
    return folder


@pytest.fixture(scope="session")
def compare_reference(tmp_path_factory) -> Path:
    """``negsim compare istanbul-2025 trump-joins``, uninterrupted, one process."""
    cwd = tmp_path_factory.mktemp("compare-reference")
    done = negsim(*COMPARE_ARGS, "--workers", "1", cwd=cwd)
    assert done.returncode == 0, done.stderr
    (folder,) = run_folders(cwd / "results")
    return folder
