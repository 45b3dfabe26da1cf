"""negsim discover: a planted box is found, the folder, the figures, bad input."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment import discover as discovery
from sim.report.plots import figure_text, figures
from sim.results import folder as files
from sim.results.sweep import points_with_shares

REPO = Path(__file__).resolve().parents[2]
RUNS = 200
INSIDE, OUTSIDE = 0.6, 0.1
"""The planted shares: 0.6 inside the box, 0.1 outside. With 200 runs a point's share has a
standard error of at most 0.035, so a threshold of 0.35 sits more than 7 standard errors from
either: the points of interest are, in effect, exactly the points inside the box."""


def planted_sweep(root: Path, n: int = 2000, seed: int = 1) -> tuple[Path, np.ndarray]:
    """A finished sweep folder whose ceasefire_holding is high in one box: Ukraine's trust in
    Russia ≤ 0.2, US monitoring ≥ 0.5 and Trump always attending (about 8.9% of the points);
    Russia's momentum does nothing."""
    rng = np.random.default_rng(seed)
    points = pd.DataFrame({
        "point": np.arange(n),
        "trust.ukraine.russia": rng.uniform(0.05, 0.5, n),
        "actors.usa.monitoring": rng.uniform(0.0, 1.0, n),
        "actors.russia.momentum": rng.uniform(0.0, 0.6, n),
        "actors.usa.attendance.mode": rng.choice(["auto", "always"], n)})
    inside = ((points["trust.ukraine.russia"] <= 0.2) & (points["actors.usa.monitoring"] >= 0.5)
              & (points["actors.usa.attendance.mode"] == "always")).to_numpy()
    counts = pd.DataFrame({"runs": RUNS, "no_talks": 0,
                           "ceasefire_holding": rng.binomial(RUNS, np.where(inside, INSIDE,
                                                                            OUTSIDE))})
    table = points_with_shares(points, counts, ["ceasefire_holding", "no_talks"])
    folder = root / "planted"
    folder.mkdir(parents=True)
    files.write_metadata(folder, {
        "kind": "sweep", "sweep": {"stem": "planted", "source": "planted.yaml"},
        "scenario": {"stem": "istanbul-2025", "source": "istanbul-2025"}, "design": "random",
        "parameters": list(points.columns[1:]), "points": n, "runs": RUNS, "seed": seed,
        "outputs": ["ceasefire_holding", "no_talks"], "groups": 1})
    files.write_text(folder, "sweep.yaml", "kind: sweep\n")
    shutil.copyfile(REPO / "scenarios" / "istanbul-2025.yaml", folder / "scenario.yaml")
    files.write_parquet(folder, "design", points)
    files.write_parquet(folder, "points", table)
    files.write_table(folder, "points", table)
    return folder, inside


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Path, np.ndarray]:
    return planted_sweep(tmp_path_factory.mktemp("sweep"))


@pytest.fixture(scope="module")
def found(planted, tmp_path_factory):
    folder, _ = planted
    return discovery.run_discover(folder, "ceasefire_holding", 0.35,
                                  out=tmp_path_factory.mktemp("out"))


# -- known answers ---------------------------------------------------------------------------


def test_prim_finds_the_planted_box(found, planted):
    """Coverage and density of the first box at least 0.9, restricting exactly the three
    planted parameters, with limits within 0.05 of the planted ones."""
    _, inside = planted
    box = found.boxes[found.boxes["box"] == 1].set_index("parameter")
    assert found.metadata["of_interest"] == inside.sum()
    assert box["coverage"].iloc[0] >= 0.9 and box["density"].iloc[0] >= 0.9
    assert set(box.index) == {"trust.ukraine.russia", "actors.usa.monitoring",
                              "actors.usa.attendance.mode"}
    assert abs(box.loc["trust.ukraine.russia", "high"] - 0.2) < 0.05
    assert abs(box.loc["actors.usa.monitoring", "low"] - 0.5) < 0.05
    assert box.loc["actors.usa.attendance.mode", "categories"] == "always"
    assert box["quasi_p"].max() < 1e-6


def test_cart_has_a_leaf_that_is_the_planted_box(found):
    """The tree's leaves are read off the tree itself: a leaf reached by the split 'Trump
    always attends' keeps only that category (EMA Workbench 3.0.0's own CART boxes lose it)."""
    leaves = found.tree.groupby("leaf")
    best = max(leaves, key=lambda item: item[1]["density"].iloc[0])[1].set_index("parameter")
    assert best["density"].iloc[0] >= 0.9 and best["coverage"].iloc[0] >= 0.9
    assert best.loc["actors.usa.attendance.mode", "categories"] == "always"
    assert "actors.russia.momentum" not in best.index
    total = leaves.first()
    assert total["mass"].sum() == pytest.approx(1.0) and total["coverage"].sum() == pytest.approx(1)


def test_peeling_trajectory_keeps_the_step_with_the_best_coverage_times_density(found):
    steps = found.peeling[found.peeling["box"] == 1]
    assert list(steps["step"]) == list(range(len(steps)))
    assert steps["chosen"].sum() == 1
    product = steps["coverage"] * steps["density"]
    assert steps.loc[steps["chosen"], "step"].item() == int(product.to_numpy().argmax())
    assert steps["restricted"].iloc[0] == 0 and steps["coverage"].iloc[0] == 1.0


@pytest.mark.parametrize(("coverage", "density", "step"), [
    ([1.0, 0.9, 0.5], [0.2, 0.8, 1.0], 1),      # 0.2, 0.72, 0.5
    ([1.0, 1.0, 0.7], [0.5, 1.0, 1.0], 1),      # a tie at 1.0 goes to the larger box
    ([1.0], [0.3], 0),
])
def test_chosen_step(coverage, density, step):
    assert discovery.chosen_step(np.array(coverage), np.array(density)) == step


def test_no_box_when_nothing_stands_out(tmp_path):
    """Points of interest scattered at random: no box richer than the whole."""
    rng = np.random.default_rng(3)
    points = pd.DataFrame({"a": rng.random(500), "b": rng.random(500),
                           "y.share": rng.random(500)})
    found = discovery.discover(points, ["a", "b"], "y", threshold=0.5)
    assert found.boxes.empty or found.boxes["density"].max() < 0.7


# -- the folder --------------------------------------------------------------------------------


def test_the_folder_and_its_figures(found, planted):
    names = {p.name for p in found.path.iterdir()}
    assert names == {"metadata.json", "scenario.yaml", "points.csv", "boxes.csv", "peeling.csv",
                     "tree.csv", "tree.txt"}
    assert found.path.parent.name == "discover-planted"
    meta = json.loads((found.path / "metadata.json").read_text())
    assert meta["kind"] == "discover" and meta["output"] == "ceasefire_holding"
    assert meta["threshold"] == 0.35 and meta["packages"]["ema_workbench"] == "3.0.0"
    assert meta["sweep"]["folder"] == str(planted[0])
    assert list(pd.read_csv(found.path / "boxes.csv").columns) == [
        "box", "parameter", "low", "high", "categories", "coverage", "density", "mass",
        "quasi_p"]
    assert list(pd.read_csv(found.path / "peeling.csv").columns) == [
        "box", "step", "coverage", "density", "mass", "restricted", "chosen"]
    drawn = figures(found.path)
    assert set(drawn) == {"discover_peeling", "discover_box_1", "discover_tree"}
    text = figure_text(drawn["discover_box_1"]) + figure_text(drawn["discover_tree"])
    assert "United States: monitoring" in text and "Ukraine's trust in Russia" in text
    assert "actors.usa.monitoring" not in text  # labels in words


def test_a_box_figure_labels_only_the_limits_the_box_sets(found, planted):
    """Box 1 restricts Ukraine's trust from above only: its limit is labelled above the bar,
    and its open lower end only once, in grey, as the swept range's end; a sampled minimum
    near 0 reads 0, not in e-notation."""
    from sim.report.plots import limit_text

    box = found.boxes[found.boxes["box"] == 1].set_index("parameter")
    swept = pd.read_csv(found.path / "points.csv")["trust.ukraine.russia"]
    text = figure_text(figures(found.path)["discover_box_1"]).split("\n")
    assert text.count(limit_text(box.loc["trust.ukraine.russia", "high"], 0.45)) == 1
    assert text.count(limit_text(swept.min(), 0.45)) == 1
    assert limit_text(3.02e-05, 0.6) == "0" and limit_text(0.0874, 0.38) == "0.0874"
    assert limit_text(1234.5, 2000) == "1234"


def test_same_sweep_same_tables(found, planted, tmp_path):
    again = discovery.run_discover(planted[0], "ceasefire_holding", 0.35, out=tmp_path)
    for name in ("boxes.csv", "peeling.csv", "tree.csv", "tree.txt", "points.csv"):
        assert (again.path / name).read_bytes() == (found.path / name).read_bytes(), name


def test_default_threshold_is_the_80th_percentile(planted, tmp_path):
    folder, _ = planted
    result = discovery.run_discover(folder, "ceasefire_holding", out=tmp_path)
    shares = pd.read_parquet(folder / "points.parquet")["ceasefire_holding.share"]
    assert result.metadata["threshold"] == pytest.approx(np.quantile(shares, 0.8))


def test_same_as_twins_are_analysed_once(tmp_path):
    """A real sweep with mutual trust tied (same_as) and a non-numeric parameter."""
    from sim.experiment import sweep as sweeps

    (tmp_path / "tied.yaml").write_text(textwrap.dedent("""\
        kind: sweep
        base: istanbul-2025
        design: lhs
        parameters:
          trust.ukraine.russia: {range: [0.05, 0.6]}
          trust.russia.ukraine: {same_as: trust.ukraine.russia}
          actors.usa.monitoring: {range: [0, 1]}
          actors.usa.attendance.mode: {values: [auto, always]}
        samples: 48
        runs: 60
        seed: 5
        outputs: [ceasefire_holding, leaders_met]
    """), encoding="utf-8")
    sweep = sweeps.run_sweep(sweeps.load_sweep(tmp_path / "tied.yaml"), out=tmp_path / "out")
    result = discovery.run_discover(sweep.path, "leaders_met", out=tmp_path / "out")
    assert result.metadata["tied"] == {"trust.russia.ukraine": "trust.ukraine.russia"}
    assert "trust.russia.ukraine" not in set(result.boxes["parameter"])
    assert "trust.russia.ukraine" not in pd.read_csv(result.path / "points.csv").columns


# -- bad input --------------------------------------------------------------------------------


def _invoke(tmp_path, monkeypatch, *args):
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(app, ["discover", *args])


@pytest.mark.parametrize(("args", "message"), [
    (["--outcome", "ceasefire_hold"], "the sweep did not measure 'ceasefire_hold'; did you "
                                      "mean 'ceasefire_holding'? its outputs: "
                                      "ceasefire_holding, no_talks"),
    (["--outcome", "ceasefire_holding", "--threshold", "1.5"],
     "--threshold is a share of runs, from 0 to 1 (got 1.5)"),
    (["--outcome", "ceasefire_holding", "--threshold", "0.95"],
     "no point has ceasefire_holding ≥ 0.95"),
    (["--outcome", "no_talks"], "every point has no_talks ≥ 0"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(planted, tmp_path, monkeypatch, args,
                                                      message):
    result = _invoke(tmp_path, monkeypatch, str(planted[0]), *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output and not (tmp_path / "results").exists()


def test_not_a_sweep_folder(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    result = _invoke(tmp_path, monkeypatch, "empty", "--outcome", "ceasefire_holding")
    assert result.exit_code == 2 and result.stderr == (
        "error: Invalid value for 'SWEEP_FOLDER': 'empty' is not a results folder (it has no "
        "metadata.json)\n")
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "results").exists()


def test_missing_extra_names_the_install_command(planted, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ema_workbench", None)  # import now raises ImportError
    result = _invoke(tmp_path, monkeypatch, str(planted[0]), "--outcome", "ceasefire_holding")
    assert result.exit_code == 2
    assert result.stderr == ("error: negsim discover needs EMA Workbench (the explore extra), "
                             "which is not installed: from the negsim folder, run pip install "
                             "-c constraints.txt -e \".[explore]\"\n")
    assert not (tmp_path / "results").exists()


def test_cli_prints_the_box_and_writes_figures(planted, tmp_path, monkeypatch):
    result = _invoke(tmp_path, monkeypatch, str(planted[0]), "--outcome", "ceasefire_holding",
                     "--threshold", "0.35")
    assert result.exit_code == 0, result.output
    expected = f"{planted[1].sum()} of 2,000 points have ceasefire_holding ≥ 35.0% of runs"
    assert expected in " ".join(result.stdout.split())
    assert "Box 1: coverage" in result.stdout and "United States: monitoring" in result.stdout
    assert "Results written to results/discover-planted/" in result.stdout
    (folder,) = (tmp_path / "results" / "discover-planted").iterdir()
    assert (folder / "figures" / "discover_peeling.png").stat().st_size > 0


def test_the_report_has_a_discovery_section(found, tmp_path):
    from sim.report.report import write_report

    html = write_report(found.path, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "scenario discovery over a sweep (negsim discover)" in html
    assert "Box 1: coverage" in html and "United States: monitoring" in html
