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


# -- negsim run --series: chunk by chunk into the results folder --------------------------


def invoke(*args: str, engine=None, hooks=None):
    from typer.testing import CliRunner

    from sim.cli import app
    from sim.cli.experiments import Machinery
    from sim.experiment.hooks import NO_HOOKS

    machinery = Machinery(engine=engine, hooks=hooks or NO_HOOKS)
    return CliRunner().invoke(app, list(args), obj=machinery)


def folders(out) -> list:
    return sorted(p for p in (out / "istanbul-2025").iterdir()) if (out / "istanbul-2025").exists() else []


class CountingEngine:
    """The real engine, noting the first replicate of every chunk it simulates."""

    def __init__(self):
        from sim.experiment.run import default_engine

        self.inner, self.firsts = default_engine(), []

    def __call__(self, scenario, seed, first_replicate, count, **options):
        self.firsts.append((first_replicate, tuple(options.get("series", ()))))
        return self.inner(scenario, seed, first_replicate, count, **options)


RUN = ("run", "istanbul-2025", "--runs", "2400", "--seed", "5", "--no-plots", "-q",
       "--series", ASKED)


def test_negsim_run_writes_the_same_series_in_any_chunking(tmp_path, scenario):
    for name, extra in (("one", ()), ("chunks", ("--chunk-size", "500")),
                        ("workers", ("--chunk-size", "700", "--workers", "2"))):
        result = invoke(*RUN, "--out", str(tmp_path / name), *extra)
        assert result.exit_code == 0, result.output
    written = [folders(tmp_path / name)[0] for name in ("one", "chunks", "workers")]
    first = (written[0] / "series.parquet").read_bytes()
    for folder in written[1:]:
        assert (folder / "series.parquet").read_bytes() == first, folder
        assert not (folder / "chunks").exists()
    expected = sim.simulate(scenario, runs=2400, seed=5, series=ASKED).series
    pd.testing.assert_frame_equal(load_results(written[1]).series, expected)
    assert load_results(written[1]).metadata["series"] == VARIABLES


def test_a_resumed_run_computes_only_the_missing_chunks_series_and_all(tmp_path):
    from faults import Interrupt

    whole = invoke(*RUN, "--chunk-size", "600", "--out", str(tmp_path / "whole"))
    assert whole.exit_code == 0, whole.output
    stopped = invoke(*RUN, "--chunk-size", "600", "--out", str(tmp_path / "cut"),
                     hooks=Interrupt(after_chunk=1))
    assert stopped.exit_code == 130, stopped.output
    (partial,) = folders(tmp_path / "cut")
    assert sorted(p.name for p in (partial / "chunks").glob("*.series.parquet")) == [
        "000000.series.parquet", "000001.series.parquet"]

    refused = invoke("run", "--resume", str(partial), "--series", "trust")
    assert refused.exit_code == 2 and refused.output.count("\n") == 1, refused.output
    assert "cannot resume: --series selects trust.ukraine.russia, trust.russia.ukraine but " \
           "the interrupted run records trust.ukraine.russia," in refused.output
    limit = invoke("run", "--resume", str(partial), "--series-limit", "1GB")
    assert limit.exit_code == 2 and "--series-limit cannot be used with --resume" in limit.output

    engine = CountingEngine()
    resumed = invoke("run", "--resume", str(partial), "--series", "ceasefire,violations,trust",
                     "--workers", "1", "--no-plots", "-q", engine=engine)
    assert resumed.exit_code == 0, resumed.output
    assert engine.firsts == [(1200, tuple(VARIABLES)), (1800, tuple(VARIABLES))]
    (done,) = folders(tmp_path / "cut")
    (reference,) = folders(tmp_path / "whole")
    for name in ("series.parquet", "replicates.parquet", "daily.csv", "summary.csv"):
        assert (done / name).read_bytes() == (reference / name).read_bytes(), name


def test_resuming_a_run_started_without_series_refuses_series(tmp_path):
    from faults import Interrupt

    stopped = invoke("run", "istanbul-2025", "--runs", "900", "--chunk-size", "300",
                     "--no-plots", "-q", "--out", str(tmp_path), hooks=Interrupt(after_chunk=0))
    assert stopped.exit_code == 130
    (partial,) = folders(tmp_path)
    refused = invoke("run", "--resume", str(partial), "--series", "trust")
    assert refused.exit_code == 2
    assert "the interrupted run records none" in refused.output


def test_the_estimate_is_printed_first_and_is_within_a_factor_1_5_of_the_file(tmp_path):
    for out, runs, asked in (("a", "3000", ASKED), ("b", "2000", "all"),
                             ("c", "5000", "ceasefire_in_force")):
        result = invoke("run", "coalition-ceasefire-push", "--runs", runs, "--no-plots",
                        "--series", asked, "--out", str(tmp_path / out))
        assert result.exit_code == 0, result.output
        line = result.stderr.splitlines()[0]
        assert line.startswith("series: about ") and f"for {int(runs):,} runs × " in line
        (folder,) = (tmp_path / out / "coalition-ceasefire-push").iterdir()
        real = (folder / "series.parquet").stat().st_size
        from sim.experiment.series import estimate_series

        estimate = estimate_series(sim.load_scenario("coalition-ceasefire-push"), asked,
                                   int(runs), sim.DEFAULT_SEED).bytes
        assert real / 1.5 <= estimate <= real * 1.5, (asked, estimate, real)
    quiet = invoke(*RUN, "--out", str(tmp_path / "q"))
    assert quiet.exit_code == 0 and "series:" not in quiet.output


def test_beyond_the_limit_nothing_is_written(tmp_path):
    result = invoke("run", "istanbul-2025", "--runs", "50000", "--series", "all",
                    "--series-limit", "100kB", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith("error: series: about ")
    assert "for 50,000 runs × 17 variables × 93 days, beyond --series-limit 100 kB" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_series_name_is_one_line_and_writes_nothing(tmp_path):
    result = invoke("run", "istanbul-2025", "--series", "trust,ceasfire", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert "no variable 'ceasfire' in this scenario; did you mean 'ceasefire'?" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_help_names_every_family():
    """``--series``'s help (sim/cli/options.py, which imports only Typer) lists the families
    of sim/model/series.py by hand: this keeps the two together."""
    from typing import get_args

    from sim.cli.options import Series
    from sim.model.series import FAMILIES

    help_text = get_args(Series)[1].help
    for family in FAMILIES:
        shown = "ceasefire" if family.startswith("ceasefire_") else family
        assert f" {shown}," in help_text or f" {shown};" in help_text, family
