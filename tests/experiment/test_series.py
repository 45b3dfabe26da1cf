"""Daily series in runs: ``series=`` in sim.simulate, ``series.parquet`` in a results folder.

The series of a replicate depend on its index and the seed only, so the table, and the file's
bytes, are the same whatever the chunking or the number of workers.
"""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.errors import UserError
from sim.results.results import load_results

ASKED = "trust,ceasefire,violations"
VARIABLES = ["trust.ukraine.russia", "trust.russia.ukraine", "ceasefire_in_force",
             "ceasefire_days", "violations.ukraine", "violations.russia"]


@pytest.fixture(scope="module")
def scenario():
    return sim.load_scenario("istanbul-2025")


@pytest.fixture(scope="module")
def whole(scenario):
    """600 replicates in one chunk, with series."""
    return sim.simulate(scenario, runs=600, seed=7, series=ASKED)


def test_series_are_the_same_in_any_chunking_and_on_any_number_of_workers(scenario, whole):
    chunked = sim.simulate(scenario, runs=600, seed=7, chunk_size=130, workers=2,
                           series=VARIABLES)
    assert chunked.metadata["chunk_size"] == 130
    pd.testing.assert_frame_equal(whole.series, chunked.series)
    pd.testing.assert_frame_equal(whole.replicates, chunked.replicates)
    assert len(whole.series) == 600 * len(VARIABLES) * 93


def test_metadata_lists_the_variables_and_a_run_without_series_has_none(scenario, whole):
    assert whole.metadata["series"] == whole.series_names == VARIABLES
    plain = sim.simulate(scenario, runs=600, seed=7)
    assert "series" not in plain.metadata and plain.series_names == []
    with pytest.raises(UserError, match="recorded no daily series; ask for them with negsim "
                                        "run --series"):
        plain.series  # noqa: B018
    pd.testing.assert_frame_equal(plain.replicates, whole.replicates)


def test_a_saved_run_reads_its_series_back_byte_for_byte(scenario, whole, tmp_path):
    chunked = sim.simulate(scenario, runs=600, seed=7, chunk_size=77, series=ASKED)
    whole.save(tmp_path / "a")
    chunked.save(tmp_path / "b")
    files = [(tmp_path / side / "series.parquet").read_bytes() for side in "ab"]
    assert files[0] == files[1]
    back = load_results(tmp_path / "a")
    pd.testing.assert_frame_equal(back.series, whole.series)
    assert back.series_names == VARIABLES
    plain = sim.simulate(scenario, runs=600, seed=7)
    plain.save(tmp_path / "c")
    assert not (tmp_path / "c" / "series.parquet").exists()
    assert ((tmp_path / "c" / "replicates.parquet").read_bytes()
            == (tmp_path / "a" / "replicates.parquet").read_bytes())


def test_an_unknown_name_is_refused_before_anything_runs(scenario):
    with pytest.raises(UserError, match="no variable 'trsut'.*did you mean 'trust'"):
        sim.simulate(scenario, runs=10, series="trsut")


def test_a_chunk_holds_a_bounded_number_of_series_rows_unless_told(scenario):
    from sim.experiment.run import SERIES_CHUNK_ROWS, check_settings, series_rows

    rows = series_rows(scenario, tuple(VARIABLES))
    assert rows == 6 * 93
    assert check_settings(100_000, 1, series_rows=rows) == SERIES_CHUNK_ROWS // rows
    assert check_settings(100_000, 1, series_rows=rows, chunk_size=20_000) == 20_000
    assert check_settings(100_000, 1) == 20_000
