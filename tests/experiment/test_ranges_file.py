"""``ranges.csv`` (docs/model.md §7.7): the same bytes whatever the chunking, the workers and an
interruption with ``--resume``; a ``.partial`` folder whose chunks lack range sums (an older
negsim) finishes without it, and such a folder still loads, plots and reports."""

from __future__ import annotations

import pandas as pd
import pytest
from faults import Interrupt

import sim
from sim.experiment.run import RunInterrupted, resume_run, run_to_folder, simulate
from sim.report import plots, report
from sim.results import folder as files

SEED = 11
RUNS = 600


@pytest.fixture(scope="module")
def scenario():
    return sim.load_scenario("istanbul-2025")


@pytest.fixture(scope="module")
def reference(scenario, tmp_path_factory):
    """One chunk, in this process."""
    return run_to_folder(scenario, RUNS, SEED, out=tmp_path_factory.mktemp("one")).path


@pytest.mark.parametrize(("chunk_size", "workers"), [(101, 1), (250, 2), (37, 2)])
def test_the_same_bytes_whatever_the_chunking_and_workers(scenario, reference, tmp_path,
                                                          chunk_size, workers):
    other = run_to_folder(scenario, RUNS, SEED, out=tmp_path, chunk_size=chunk_size,
                          workers=workers).path
    assert (other / "ranges.csv").read_bytes() == (reference / "ranges.csv").read_bytes()


def test_in_memory_equals_the_file(scenario, reference):
    results = simulate(scenario, RUNS, SEED, chunk_size=77)
    pd.testing.assert_frame_equal(results.ranges, files.read_ranges(reference))
    assert set(results.ranges.columns) == {"day", "session", "issue", "series", "party",
                                           "leader", "metric", "value"}


def test_resume_after_an_interruption_gives_the_same_bytes(scenario, reference, tmp_path):
    with pytest.raises(RunInterrupted) as stopped:
        run_to_folder(scenario, RUNS, SEED, out=tmp_path, chunk_size=100,
                      hooks=Interrupt(after_chunk=2))
    partial = stopped.value.partial_dir
    assert {0, 1, 2} <= files.finished_chunks(partial)
    assert (partial / files.CHUNKS / "000001.ranges.parquet").is_file()
    resumed = resume_run(partial).path
    assert (resumed / "ranges.csv").read_bytes() == (reference / "ranges.csv").read_bytes()


def test_chunks_of_an_older_negsim_finish_without_ranges(scenario, tmp_path):
    """Chunks stored before ranges were recorded have no range sums: the run finishes, whole,
    without ranges.csv rather than with ranges of only some replicates."""
    with pytest.raises(RunInterrupted) as stopped:
        run_to_folder(scenario, RUNS, SEED, out=tmp_path, chunk_size=100,
                      hooks=Interrupt(after_chunk=1))
    partial = stopped.value.partial_dir
    for old in (partial / files.CHUNKS).glob("*.ranges.parquet"):
        old.unlink()
    folder = resume_run(partial).path
    assert not (folder / "ranges.csv").exists()
    loaded = sim.load_results(folder)
    assert loaded.ranges is None and len(loaded.replicates) == RUNS


def test_a_folder_without_ranges_still_plots_and_reports(reference, tmp_path):
    """An older results folder (no ranges.csv): the figures are drawn, the ranges figure is
    left out, and the report says it is not available."""
    import shutil

    old = tmp_path / "old"
    shutil.copytree(reference, old)
    (old / "ranges.csv").unlink()
    assert "bargaining_ranges" not in plots.figures(old)
    page = report.write_report(old).read_text(encoding="utf-8")
    assert "What each party would accept</h2>" in page
    assert "Not available: this results folder has no ranges.csv" in page
    assert page.count("<svg") == 5  # the five run figures, the why figure among them
