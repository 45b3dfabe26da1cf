"""negsim robust: regret by hand, a dominant lever, point = run, the folder, resume, bad files."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from faults import Interrupt
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment import robust as robusts
from sim.experiment.robustfile import robust_schema
from sim.experiment.robustness import measures, regret
from sim.experiment.run import RunInterrupted, simulate
from sim.report.plots import figure_text, figures
from sim.scenario.loader import load_scenario

REPO = Path(__file__).resolve().parents[2]


def write(folder: Path, text: str, name: str = "robust.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


SMALL = """\
    kind: robust
    base: istanbul-2025
    levers:
      actors.usa.attendance.mode: [never, always]
      actors.usa.monitoring: [0.0, 0.8]
      issues.ceasefire.opens_after: [null, exchange]
    uncertainties:
      trust.ukraine.russia: [0.05, 0.5]
      actors.russia.momentum: [0.0, 0.6]
    samples: 6
    runs: 40
    seed: 11
    objective: {attended.usa: max}
"""


# -- the measures, by hand -------------------------------------------------------------------


def test_regret_and_the_measures_by_hand():
    values = np.array([[0.5, 0.2, 0.9],    # best in worlds 0 and 2
                       [0.4, 0.6, 0.1],    # best in world 1
                       [0.3, 0.1, 0.8]])   # never best
    assert np.allclose(regret(values, "max"), [[0, 0.4, 0], [0.1, 0, 0.8], [0.2, 0.5, 0.1]])
    assert np.allclose(regret(values, "min"), [[0.2, 0.1, 0.8], [0.1, 0.5, 0], [0, 0, 0.7]])
    table = measures(values, "max", satisfice=0.5)
    assert np.allclose(table["mean"], [1.6 / 3, 1.1 / 3, 1.2 / 3])
    assert np.allclose(table["p50"], [0.5, 0.4, 0.3])
    assert np.allclose(table["regret_max"], [0.4, 0.8, 0.5])
    assert np.allclose(table["meets"], [2 / 3, 1 / 3, 1 / 3])
    assert list(table["rank"]) == [1, 3, 2]  # minimax regret: 0.4 < 0.5 < 0.8
    low = measures(values, "min")
    assert np.allclose(low["regret_max"], [0.8, 0.5, 0.7])
    assert low["meets"].isna().all() and list(low["rank"]) == [3, 1, 2]


def test_ties_go_to_the_90th_percentile_of_regret_then_file_order():
    values = np.array([[1.0, 0.0, 1.0, 1.0], [1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 1.0]])
    table = measures(values, "max")
    assert list(table["regret_max"]) == [1.0, 1.0, 1.0]
    assert np.allclose(table["regret_p90"], [0.7, 1.0, 0.7])
    assert list(table["mean"]) == [0.75, 0.5, 0.75]
    assert list(table["rank"]) == [1, 3, 2]


# -- known answers ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("robust")
    return robusts.run_robust(robusts.load_robust(write(folder, SMALL)), out=folder / "out",
                              satisfice=0.9, chunk_size=150)


def test_a_dominant_lever_ranks_first_with_zero_regret(small):
    """With Trump always attending, attended.usa is 1 in every run of every world: those
    combinations are best everywhere, so their regret is exactly 0 and they rank first;
    'never' gives 0 everywhere: regret 1 in every world."""
    table = small.combinations.sort_values("rank")
    always = table[table["actors.usa.attendance.mode"] == "always"]
    never = table[table["actors.usa.attendance.mode"] == "never"]
    assert set(always["rank"]) == {1, 2, 3, 4}
    assert (always["regret_max"] == 0).all() and (always["mean"] == 1).all()
    assert (never["regret_max"] == 1).all() and (never["regret_p90"] == 1).all()
    assert (always["meets"] == 1).all() and (never["meets"] == 0).all()


def test_min_turns_the_ranking_round(tmp_path):
    text = SMALL.replace("{attended.usa: max}", "{attended.usa: min}").replace(
        "samples: 6", "samples: 4")
    result = robusts.run_robust(robusts.load_robust(write(tmp_path, text)), out=tmp_path)
    best = result.combinations.sort_values("rank").head(4)
    assert (best["actors.usa.attendance.mode"] == "never").all()
    assert (best["regret_max"] == 0).all()


def test_each_point_equals_the_run_with_its_overrides(small):
    """Point = negsim run BASE --set (levers and uncertainties) --runs N --seed S exactly:
    the same replicate ids and seed in every combination and world."""
    points = small.points
    for point in (0, 13, len(points) - 1):
        row = points.iloc[point]
        overrides = [f"actors.usa.attendance.mode={row['actors.usa.attendance.mode']}",
                     *(f"{path}={float(row[path])!r}" for path in (
                         "actors.usa.monitoring", "trust.ukraine.russia",
                         "actors.russia.momentum"))]
        if row["issues.ceasefire.opens_after"] != "null":
            overrides.append(f"issues.ceasefire.opens_after={row['issues.ceasefire.opens_after']}")
        summary = simulate(load_scenario("istanbul-2025", overrides), runs=40, seed=11).summary
        expected = summary.query("metric == 'attended' and category == 'usa'").iloc[0]
        assert row["attended.usa.share"] == expected.share


def test_every_combination_meets_the_same_worlds(small):
    points = small.points
    assert len(points) == 8 * 6 and list(points["point"]) == list(range(48))
    assert list(points["combination"]) == [c for c in range(8) for _ in range(6)]
    for path in ("trust.ukraine.russia", "actors.russia.momentum"):
        worlds = points.pivot(index="world", columns="combination", values=path)
        assert (worlds.nunique(axis=1) == 1).all() and worlds[0].nunique() == 6


def test_lhs_and_sobol_worlds_fill_their_ranges(tmp_path):
    for sampling, samples in (("lhs", 16), ("sobol", 16)):
        text = SMALL.replace("samples: 6", f"samples: {samples}\n    sampling: {sampling}")
        table = robusts.worlds(robusts.load_robust(write(tmp_path, text, f"{sampling}.yaml")))
        trust = table["trust.ukraine.russia"].to_numpy()
        assert len(table) == samples and trust.min() >= 0.05 and trust.max() <= 0.5
        strata = np.floor((trust - 0.05) / 0.45 * samples).astype(int)
        assert sorted(strata) == list(range(samples))  # one world per sixteenth of the range


# -- the folder -------------------------------------------------------------------------------


def test_results_folder_layout_and_figure(small):
    names = {p.name for p in small.path.iterdir()}
    assert names == {"metadata.json", "robust.yaml", "scenario.yaml", "points.parquet",
                     "points.csv", "combinations.csv"}
    meta = json.loads((small.path / "metadata.json").read_text())
    assert meta["kind"] == "robust" and meta["combinations"] == 8 and meta["worlds"] == 6
    assert meta["groups"] == 4 and meta["per_replicate"] == [
        "actors.russia.momentum", "actors.usa.monitoring", "trust.ukraine.russia"]
    assert meta["objective"] == {"output": "attended.usa", "direction": "max"}
    csv = pd.read_csv(small.path / "combinations.csv", keep_default_na=False)
    assert list(csv.columns) == ["combination", "actors.usa.attendance.mode",
                                 "actors.usa.monitoring", "issues.ceasefire.opens_after",
                                 "mean", "p10", "p50", "p90", "regret_max", "regret_p90",
                                 "meets", "rank"]
    assert set(csv["issues.ceasefire.opens_after"]) == {"null", "exchange"}
    text = figure_text(figures(small.path)["robust_levers"])
    assert "United States: monitoring" in text and "always · 0.8 · exchange" in text


def test_resume_after_a_fault_gives_identical_tables(tmp_path, small):
    robust = robusts.load_robust(write(tmp_path, SMALL))
    with pytest.raises(RunInterrupted) as stopped:
        robusts.run_robust(robust, out=tmp_path / "b", satisfice=0.9, chunk_size=150,
                           hooks=Interrupt(after_chunk=1))
    assert "negsim robust --resume" in str(stopped.value)
    resumed = robusts.resume_robust(stopped.value.partial_dir)
    for name in ("points.csv", "combinations.csv"):
        assert (resumed.path / name).read_bytes() == (small.path / name).read_bytes(), name


def test_the_same_on_two_workers(tmp_path, small):
    robust = robusts.load_robust(write(tmp_path, SMALL))
    again = robusts.run_robust(robust, out=tmp_path, satisfice=0.9, chunk_size=97, workers=2)
    for name in ("points.csv", "combinations.csv"):
        assert (again.path / name).read_bytes() == (small.path / name).read_bytes(), name


# -- the command line -------------------------------------------------------------------------


def test_cli_prints_a_table_that_fits_80_columns(tmp_path, monkeypatch):
    write(tmp_path, SMALL.replace("samples: 6", "samples: 3"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(app, ["robust", "robust.yaml", "--satisfice", "0.5",
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "8 lever combinations × 3 worlds × 40 runs" in result.stdout
    assert "L1 United States: attendance mode" in result.stdout
    rows = [line for line in result.stdout.splitlines() if "│" in line or "┃" in line]
    assert len(rows) >= 9 and max(len(line) for line in rows) <= 80
    # opens_after's null option reads "none" (the file's YAML token stays in combinations.csv)
    assert any("none" in line for line in rows) and not any("null" in line for line in rows)
    assert "Results written to results/robust/" in result.stdout
    (folder,) = (tmp_path / "results" / "robust").iterdir()
    assert (folder / "figures" / "robust_levers.png").stat().st_size > 0


BAD = {
    "unknown key": ("levers:\n  actors.usa.monitoring: [0, 0.5]\nsampels: 4",
                    "robust.yaml:5:1  sampels: unknown key 'sampels'; did you mean 'samples'?"),
    "one option": ("levers:\n  actors.usa.monitoring: [0.5]",
                   "levers.actors.usa.monitoring: a lever needs at least two options"),
    "bad option": ("levers:\n  actors.usa.monitoring: [0, 1.5]",
                   "levers.actors.usa.monitoring: 1.5 is not allowed: actors.usa.monitoring: "
                   "must be at most 1 (got 1.5)"),
    "unknown lever": ("levers:\n  actors.usa.monitorin: [0, 1]", "did you mean 'monitoring'?"),
    "objective": ("objective: {ceasefire_hold: max}",
                  "objective.ceasefire_hold: unknown output 'ceasefire_hold'; did you mean "
                  "'ceasefire_holding'?"),
    "direction": ("objective: {ceasefire_holding: maximum}",
                  "objective.ceasefire_holding: must be 'max' or 'min' (got 'maximum')"),
    "range": ("uncertainties:\n  trust.ukraine.russia: [0.5, 0.1]",
              "uncertainties.trust.ukraine.russia: lo must be below hi (got [0.5, 0.1])"),
    "structural": ("uncertainties:\n  calendar.sessions: [2, 5]",
                   "uncertainties.calendar.sessions: the model reads this once for a whole "
                   "ensemble, so it cannot be sampled world by world; make it a lever"),
    "sobol": ("samples: 100\nsampling: sobol",
              "samples: a Sobol sequence needs a power of 2 (got 100); use 64 or 128"),
    "sweep file": ("kind: sweep", "robust.yaml:1:1  kind: this is a sweep file, not a robust "
                                  "file: run it with negsim sweep robust.yaml"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_robust_files_are_one_line_exit_2_nothing_written(tmp_path, monkeypatch, case):
    change, message = BAD[case]
    lines = {"kind": "kind: robust", "base": "base: istanbul-2025",
             "levers": "levers:\n  actors.usa.monitoring: [0, 0.5]",
             "uncertainties": "uncertainties:\n  trust.ukraine.russia: [0.1, 0.3]",
             "samples": "samples: 4", "objective": "objective: {ceasefire_holding: max}"}
    key = change.split(":")[0]
    lines[key] = change
    (tmp_path / "robust.yaml").write_text("\n".join(lines.values()) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["robust", "robust.yaml", "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output and not (tmp_path / "results").exists()


def test_sweep_refuses_a_robust_file_with_a_pointer(tmp_path, monkeypatch):
    write(tmp_path, SMALL)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sweep", "robust.yaml"])
    assert result.exit_code == 2
    assert result.stderr == ("error: robust.yaml:1:1  kind: this is a robust file, not a sweep "
                             "file: run it with negsim robust robust.yaml\n")


@pytest.mark.parametrize(("args", "message"), [
    (["robust.yaml", "--satisfice", "2"], "--satisfice is a share of runs, from 0 to 1 (got 2)"),
    (["missing.yaml"], "cannot find the robust file 'missing.yaml'; shipped robust files: "
                       "us-levers"),
    ([], "missing ROBUST.yaml"),
])
def test_bad_options_are_one_line_exit_2(tmp_path, monkeypatch, args, message):
    write(tmp_path, SMALL)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["robust", *args])
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "results").exists()


# -- shipped files ----------------------------------------------------------------------------


def test_the_shipped_file_loads_with_the_levers_the_issue_asks_for():
    robust = robusts.load_robust("us-levers")
    assert robust.base.stem == "coalition-ceasefire-push"
    assert [a.path for a in robust.levers] == [
        "actors.usa.monitoring", "actors.usa.attendance.mode", "issues.ceasefire.opens_after",
        "actors.coalition.attendance.mode"]
    assert robust.spec.combinations == 16 and robust.spec.samples == 512
    assert robust.structural == ["actors.usa.attendance.mode", "issues.ceasefire.opens_after",
                                 "actors.coalition.attendance.mode"]
    assert len(robusts.groups(robust, robusts.design(robust))) == 8


def test_schema_file_is_generated_from_the_config():
    committed = json.loads((REPO / "scenarios" / "robust" / "schema.json").read_text())
    assert committed == robust_schema(), "regenerate: python -m sim.experiment.robustfile"


def test_the_report_has_a_robust_section(small, tmp_path):
    from sim.report.report import write_report

    html = write_report(small.path, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "levers against uncertainties (negsim robust)" in html
    assert "minimax regret" in html and "United States: attendance mode" in html
    assert "negsim robust" in html and "--runs" not in html.split("How to reproduce")[1]
