"""The reliability suite's tally: what was fuzzed, interrupted and injected, printed at the end
of the run (docs/reliability.md quotes it); and the uninterrupted sweep and compare that the
interruption and worker-loss tests compare their resumed results with."""

from pathlib import Path

import pytest
from reliability_support import COMPARE_ARGS, COUNTS, SWEEP_ARGS, negsim, run_folders, sweep_folder


def pytest_terminal_summary(terminalreporter):
    if not COUNTS:
        return
    terminalreporter.section("reliability tally")
    for name in sorted(COUNTS):
        terminalreporter.write_line(f"{name}: {COUNTS[name]}")


@pytest.fixture(scope="session")
def sweep_reference(tmp_path_factory) -> Path:
    """``negsim sweep`` of reliability_support's SWEEP, uninterrupted, one process."""
    cwd = sweep_folder(tmp_path_factory.mktemp("sweep-reference"))
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
