"""negsim compare: paired differences (common random numbers), the tables, resume, the CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from faults import Interrupt
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment import compare as comparing
from sim.experiment.run import RunInterrupted, simulate
from sim.results.comparison import DIFFERENCE_COLUMNS, SHARE_COLUMNS
from sim.results.summary import PAIRED_METRICS, Z95
from sim.scenario.loader import load_scenario

SEED = 11


@pytest.fixture(scope="module")
def pair():
    return load_scenario("istanbul-2025"), load_scenario("trump-joins")


@pytest.fixture(scope="module")
def comparison(pair, tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    return comparing.compare(list(pair), runs=4000, seed=SEED, out=out, chunk_size=1500)


def test_paired_intervals_are_narrower_than_independent_ones(comparison):
    """Common random numbers: for the outcomes Trump's presence moves, the paired standard
    error is clearly below the independent one (fixed seed; 4,000 pairs, so each standard error
    is itself known to about ±2%, far less than the gap tested)."""
    d = comparison.differences.set_index(["metric", "category"])
    for key in [("outcome", "exchange_only"), ("outcome", "ceasefire_holding"),
                ("attended", "russia"), ("leaders_met", "all"), ("agreed", "ceasefire")]:
        assert d.loc[key, "paired_se"] < 0.9 * d.loc[key, "independent_se"], key
    ratio = (d["paired_se"] / d["independent_se"]).dropna()
    assert ratio.median() < 0.85


def test_paired_difference_is_the_mean_of_per_replicate_differences(pair):
    base, other = (simulate(s, runs=3000, seed=SEED).replicates for s in pair)
    a = (base["outcome"] == "ceasefire_holding").to_numpy(int)
    b = (other["outcome"] == "ceasefire_holding").to_numpy(int)
    d = b - a
    diff, paired, independent = comparing.paired_difference(
        int(a.sum()), int(b.sum()), int((a != b).sum()), len(d))
    assert diff == pytest.approx(d.mean(), abs=1e-15)
    assert paired == pytest.approx(d.std(ddof=1) / math.sqrt(len(d)), rel=1e-12)
    pa, pb = a.mean(), b.mean()
    assert independent == pytest.approx(math.sqrt((pa * (1 - pa) + pb * (1 - pb)) / len(d)))


def test_shares_equal_each_scenarios_own_run(pair, comparison):
    for scenario in pair:
        summary = simulate(scenario, runs=4000, seed=SEED).summary
        summary = summary[summary["metric"].isin(PAIRED_METRICS)].reset_index(drop=True)
        mine = comparison.shares.query("scenario == @scenario.stem").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, summary, check_dtype=False)


def test_differences_and_their_marks(comparison):
    d = comparison.differences
    assert list(d.columns) == DIFFERENCE_COLUMNS
    assert (d["baseline"] == "istanbul-2025").all() and (d["scenario"] == "trump-joins").all()
    assert np.allclose(d["ci_low"], d["diff"] - Z95 * d["paired_se"])
    assert (d["significant"] == ((d["ci_low"] > 0) | (d["ci_high"] < 0))).all()
    usa = d.set_index(["metric", "category"]).loc[("attended", "usa")]
    assert usa["significant"] and usa["diff"] > 0.5  # Trump comes in every replicate


def test_results_folder_layout(comparison, tmp_path):
    folder = comparison.path
    assert folder.parent.name == "compare-istanbul-2025-trump-joins"
    names = {p.name for p in folder.iterdir()}
    assert names == {"metadata.json", "scenario.yaml", "scenarios", "parameters.csv",
                     "shares.csv", "shares.json", "differences.csv", "differences.json",
                     "daily.csv"}
    assert {p.name for p in (folder / "scenarios").iterdir()} == {"istanbul-2025.yaml",
                                                                 "trump-joins.yaml"}
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["kind"] == "compare" and meta["runs"] == 4000 and meta["seed"] == SEED
    assert list(pd.read_csv(folder / "shares.csv").columns) == SHARE_COLUMNS
    parameters = pd.read_csv(folder / "parameters.csv")
    assert parameters.to_dict("records") == [{"path": "actors.usa.attendance.mode",
                                              "istanbul-2025": '"auto"',
                                              "trump-joins": '"always"'}]
    daily = pd.read_csv(folder / "daily.csv")
    assert list(daily.columns[:2]) == ["scenario", "day"]
    assert set(daily["scenario"]) == {"istanbul-2025", "trump-joins"}


def test_resume_after_an_interruption_gives_identical_tables(pair, comparison, tmp_path):
    with pytest.raises(RunInterrupted) as stopped:
        comparing.compare(list(pair), runs=4000, seed=SEED, out=tmp_path, chunk_size=1500,
                          hooks=Interrupt(after_chunk=0))
    assert "negsim compare --resume" in str(stopped.value)
    resumed = comparing.resume_compare(stopped.value.partial_dir)
    for name in ("shares.csv", "differences.csv", "daily.csv", "parameters.csv"):
        assert (resumed.path / name).read_bytes() == (comparison.path / name).read_bytes()


def test_identical_scenarios_differ_in_nothing(pair):
    table = comparing.differing_parameters([pair[0], pair[0]], ["a", "b"])
    assert table.empty


def test_labels_are_unique():
    assert comparing.scenario_labels(["a", "b", "a", "a"]) == ["a", "b", "a-2", "a-3"]


def test_cli_compare(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["compare", "istanbul-2025", "putin-attends", "--runs",
                                      "500", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "actors.russia.attendance.mode" in result.stdout
    assert "Results written to results/compare-istanbul-2025-putin-attends/" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["istanbul-2025"], "compare needs at least two scenarios"),
    (["istanbul-2025", "nowhere-land"], "cannot find scenario 'nowhere-land'"),
    (["istanbul-2025", "trump-joins", "--runs", "0"], "'--runs' / '-n': must be at least 1"),
    (["--resume", "."], "'.' is not an interrupted job"),
])
def test_cli_compare_bad_input(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["compare", *args])
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert not (tmp_path / "results").exists()
