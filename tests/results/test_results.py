"""The summary (Wilson intervals, counts) and the results folder (save, load, atomic files)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from fakes import baseline_scenario

import sim
from sim.errors import UserError
from sim.model.outcomes import OUTCOMES, REASONS
from sim.results import folder as files
from sim.results.summary import COLUMNS, Z95, Counts, count, summarise, wilson

# -- Wilson intervals ----------------------------------------------------------------------

# Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score).
NEWCOMBE = [((81, 263), (0.2553, 0.3662)), ((15, 148), (0.0624, 0.1605)),
            ((0, 20), (0.0, 0.1611)), ((1, 29), (0.0061, 0.1718))]


@pytest.mark.parametrize(("k_n", "expected"), NEWCOMBE)
def test_wilson_matches_published_values(k_n, expected):
    assert wilson(*k_n) == pytest.approx(expected, abs=5e-5)


def test_wilson_closed_forms_at_the_edges():
    z2 = 1.959963984540054**2
    assert wilson(0, 10) == (0.0, pytest.approx(z2 / (10 + z2)))
    assert wilson(10, 10) == (pytest.approx(10 / (10 + z2)), 1.0)
    assert wilson(5, 10) == pytest.approx((0.236593, 0.763407), abs=1e-6)


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 3), (7, 1000), (999_999, 1_000_000)])
def test_wilson_is_symmetric_and_contains_the_share(k, n):
    low, high = wilson(k, n)
    mirror_low, mirror_high = wilson(n - k, n)
    assert low == pytest.approx(1 - mirror_high) and high == pytest.approx(1 - mirror_low)
    assert 0.0 <= low <= k / n <= high <= 1.0


# -- counts and the summary --------------------------------------------------------------


def _fake_rows(runs: int, seed: int = 11) -> pd.DataFrame:
    from fakes import simulate_chunk

    return simulate_chunk(baseline_scenario(), seed, 0, runs).replicates


def test_summary_from_streamed_counts_equals_summary_from_rows():
    rows = _fake_rows(1000)
    pieces = [rows.iloc[i:i + 137] for i in range(0, len(rows), 137)]
    streamed = sum((count(p) for p in pieces), Counts())
    assert streamed == count(rows)
    pd.testing.assert_frame_equal(summarise(streamed, "x"), summarise(count(rows), "x"))


def test_summary_lists_every_metric_and_all_five_outcomes():
    scenario = baseline_scenario()
    rows = _fake_rows(500)
    rows = rows[rows["outcome"] != "no_talks"]  # a zero count must still be listed
    summary = summarise(count(rows), scenario.stem)
    assert list(summary.columns) == COLUMNS
    keys = list(zip(summary["metric"], summary["category"], strict=True))
    levels = [(f"level.{k}", f"{s / 20:.2f}") for k in scenario.issues for s in range(1, 21)
              if np.isclose(rows[f"level.{k}"], s / 20).any()]
    assert keys == ([("outcome", o) for o in OUTCOMES]
                    + [("attended", a) for a in scenario.actors] + [("leaders_met", "all")]
                    + [("agreed", k) for k in scenario.issues]
                    + [(f"reason.{k}", r) for k in scenario.issues for r in REASONS]
                    + [("agreed_in_full", k) for k in scenario.issues] + levels
                    + [("exchanged_share", "mean")])
    assert len(levels) > 10  # the fake reaches most grid levels, not all
    outcome = summary["metric"] == "outcome"
    assert summary.loc[outcome & (summary["category"] == "no_talks"), "share"].item() == 0.0
    assert (summary["n"] == len(rows)).all() and (summary["scenario"] == "istanbul-2025").all()
    assert (summary["ci_low"] <= summary["share"]).all()
    assert (summary["share"] <= summary["ci_high"]).all()
    outcome_shares = summary.loc[summary["metric"] == "outcome", "share"]
    assert outcome_shares.sum() == pytest.approx(1.0)


def test_summary_shares_are_counts_over_runs():
    rows = _fake_rows(400)
    summary = summarise(count(rows), "x").set_index(["metric", "category"])
    assert summary.loc[("attended", "russia"), "share"] == rows["attended.russia"].mean()
    assert summary.loc[("agreed", "exchange"), "share"] == rows["agreed.exchange"].mean()
    assert summary.loc[("outcome", "exchange_only"), "share"] == (
        (rows["outcome"] == "exchange_only").mean())
    assert summary.loc[("reason.ceasefire", "refused"), "share"] == (
        (rows["reason.ceasefire"] == "refused").mean())
    assert summary.loc[("agreed_in_full", "exchange"), "share"] == (
        (rows["level.exchange"] == 1.0).mean())
    assert summary.loc[("level.exchange", "0.35"), "share"] == (
        np.isclose(rows["level.exchange"], 0.35).mean())


def test_exchanged_share_is_a_mean_with_its_interval():
    """The one row that is not a share of replicates: the mean exchanged share, its 95%
    interval by the normal approximation (worked out here from the rows)."""
    rows = _fake_rows(400)
    row = summarise(count(rows), "x").set_index(["metric", "category"]).loc[
        ("exchanged_share", "mean")]
    values = rows["exchanged_share"]
    half = Z95 * values.std(ddof=1) / math.sqrt(len(values))
    assert row["share"] == pytest.approx(values.mean(), abs=1e-9)
    assert row["ci_low"] == pytest.approx(values.mean() - half, abs=1e-9)
    assert row["ci_high"] == pytest.approx(values.mean() + half, abs=1e-9)
    assert row["n"] == 400
    one = summarise(count(rows.iloc[:1]), "x").set_index(["metric", "category"])
    assert tuple(one.loc[("exchanged_share", "mean"), ["ci_low", "ci_high"]]) == (0.0, 1.0)


# -- save and load -----------------------------------------------------------------------


def _frames_equal(a, b) -> None:
    pd.testing.assert_frame_equal(a.replicates, b.replicates)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.summary, b.summary)


def test_save_and_load_round_trip(tmp_path, engine):
    results = sim.simulate(baseline_scenario(), runs=300, seed=5, chunk_size=128, engine=engine)
    folder = results.save(tmp_path / "run")
    recorded = ["ranges.csv"] if results.ranges is not None else []  # the fake engine has none
    assert sorted(p.name for p in folder.iterdir()) == sorted([*files.FILES, "replicates.csv",
                                                               *recorded])
    loaded = sim.load_results(folder)
    _frames_equal(results, loaded)
    if recorded:
        pd.testing.assert_frame_equal(results.ranges, loaded.ranges)
    else:
        assert loaded.ranges is None
    assert loaded.metadata == results.metadata and loaded.scenario == results.scenario
    assert list(loaded.replicates["outcome"].cat.categories) == list(OUTCOMES)
    assert loaded.path == folder and loaded.runs == 300 and loaded.seed == 5


def test_save_refuses_a_folder_with_files(tmp_path, fake_engine):
    (tmp_path / "old.txt").write_text("keep me")
    results = sim.simulate(baseline_scenario(), runs=5, engine=fake_engine)
    with pytest.raises(UserError, match="not empty"):
        results.save(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


def test_load_results_names_missing_files(tmp_path):
    with pytest.raises(UserError, match="missing metadata.json"):
        sim.load_results(tmp_path)


def test_replicates_csv_only_for_small_runs(tmp_path, fake_engine, monkeypatch):
    monkeypatch.setattr(files, "CSV_MAX_ROWS", 99)
    small = sim.simulate(baseline_scenario(), runs=99, engine=fake_engine).save(tmp_path / "small")
    large = sim.simulate(baseline_scenario(), runs=100, engine=fake_engine).save(tmp_path / "large")
    assert (small / "replicates.csv").exists() and not (large / "replicates.csv").exists()
    csv = pd.read_csv(small / "replicates.csv")
    assert list(csv.columns) == list(sim.load_results(small).replicates.columns)


def test_tables_hold_no_timestamps_or_paths(tmp_path, fake_engine):
    folder = sim.simulate(baseline_scenario(), runs=50, engine=fake_engine).save(tmp_path / "run")
    for name in ("summary.csv", "summary.json", "daily.csv", "replicates.csv"):
        text = (folder / name).read_text()
        assert str(tmp_path) not in text and "/" not in text, name
        assert not re.search(r"\d\d:\d\d|\d{8}-\d{6}", text), name


def test_a_chunk_missing_an_outcome_reads_back_with_all_five(tmp_path):
    rows = _fake_rows(200)
    rows = rows[rows["outcome"].isin(["exchange_only"])].reset_index(drop=True)
    (tmp_path / files.CHUNKS).mkdir()
    files.write_chunk(tmp_path, 3, rows, pd.DataFrame({"day": [0], "x": [1]}))
    back, _ = files.read_chunk(tmp_path, 3)
    assert list(back["outcome"].cat.categories) == list(OUTCOMES)
    pd.testing.assert_frame_equal(back, rows)
    assert files.finished_chunks(tmp_path) == {3}


# -- folders and files ---------------------------------------------------------------------


def test_runs_started_the_same_second_get_different_folders(tmp_path):
    names = iter(["20250514-120000-abcd", "20250514-120000-abcd", "20250514-120000-beef"])
    first = files.new_partial(tmp_path, "s", lambda: next(names))
    second = files.new_partial(tmp_path, "s", lambda: next(names))
    assert first.name == "20250514-120000-abcd.partial"
    assert second.name == "20250514-120000-beef.partial"  # the clash was tried again
    assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{4}", files.final_path(
        files.new_partial(tmp_path, "s")).name)


def test_atomic_file_leaves_nothing_when_interrupted(tmp_path):
    target = tmp_path / "table.csv"
    with pytest.raises(KeyboardInterrupt), files.AtomicFile(target) as f:
        f.write("half a table")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    with files.AtomicFile(target) as f:
        f.write("whole")
    assert target.read_text() == "whole" and [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_loaded_results_read_rows_only_when_asked(tmp_path, fake_engine):
    folder = sim.simulate(baseline_scenario(), runs=20, engine=fake_engine).save(tmp_path / "run")
    loaded = sim.load_results(folder)
    (folder / "replicates.parquet").unlink()
    assert loaded.summary["n"].eq(20).all() and len(loaded.daily) > 0
    with pytest.raises(FileNotFoundError):
        _ = loaded.replicates
