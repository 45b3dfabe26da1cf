"""Figures of results folders: every expected file, written and non-empty, and every figure
naming its scenario and run count (read from the matplotlib Figure objects)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.experiment.run import run_to_folder
from sim.report import plots
from sim.cli import app as negsim_app
from sim.results.summary import wilson
from sim.scenario.loader import load_scenario

SEED = 20250514
RUNS = 2000
CEASEFIRE_HEAVY = (
    "actors.russia.positions.ceasefire=1", "actors.russia.reservation.ceasefire=0",
    "actors.russia.momentum=0", "actors.russia.mandate.ceasefire=1",
    "actors.ukraine.reservation.ceasefire=0", "actors.usa.monitoring=0.5")
RUN_FIGURES = {"outcomes", "attendance", "ceasefire_survival", "trust"}


# -- results folders (also used by test_report.py) -----------------------------------------


def make_run_folder(out: Path) -> Path:
    """A small real run of a ceasefire-heavy variant, as `negsim run` writes it."""
    scenario = load_scenario("istanbul-2025", overrides=CEASEFIRE_HEAVY)
    argv = ["negsim", "run", "istanbul-2025", *[w for o in CEASEFIRE_HEAVY for w in ("--set", o)],
            "--runs", str(RUNS), "--out", str(out)]
    return run_to_folder(scenario, RUNS, SEED, out=out, argv=argv).path


def _metadata(kind: str, **fields) -> dict:
    return {"kind": kind, "negsim": "0.1.0", "model": "1", "mesa": "3.5.1", "numpy": "2.0",
            "python": "3.12.1", **fields, "time_utc": "2025-05-14T12:00:00+00:00",
            "git_commit": None}


def make_compare_folder(folder: Path, run_folder: Path) -> Path:
    """A synthetic compare folder in the format of sim.results.comparison."""
    folder.mkdir(parents=True)
    shutil.copy(run_folder / "scenario.yaml", folder / "scenario.yaml")
    labels, runs = ["istanbul-2025", "trump-joins"], 1000
    shares, diffs = [], []
    base = {"no_talks": 0, "no_agreement": 2, "exchange_only": 976, "ceasefire_collapsed": 8,
            "ceasefire_holding": 14}
    other = {"no_talks": 0, "no_agreement": 1, "exchange_only": 910, "ceasefire_collapsed": 31,
             "ceasefire_holding": 58}
    for label, hits in zip(labels, (base, other), strict=True):
        for outcome, k in hits.items():
            shares.append((label, "outcome", outcome, k / runs, *wilson(k, runs), runs))
    for outcome in base:
        d = (other[outcome] - base[outcome]) / runs
        diffs.append(("trump-joins", "istanbul-2025", "outcome", outcome, d, d - 0.01, d + 0.01,
                      abs(d) > 0.01, 0.005, 0.007))
    pd.DataFrame(shares, columns=["scenario", "metric", "category", "share", "ci_low",
                                  "ci_high", "n"]).to_csv(folder / "shares.csv", index=False)
    pd.DataFrame(diffs, columns=["scenario", "baseline", "metric", "category", "diff", "ci_low",
                                 "ci_high", "significant", "paired_se", "independent_se"]
                 ).to_csv(folder / "differences.csv", index=False)
    pd.DataFrame([["actors.usa.attendance.mode", '"auto"', '"always"']],
                 columns=["path", *labels]).to_csv(folder / "parameters.csv", index=False)
    scenarios = [{"label": label, "stem": label, "source": label} for label in labels]
    meta = _metadata("compare", scenarios=scenarios, seed=SEED, runs=runs,
                     argv=["negsim", "compare", *labels, "--runs", str(runs)])
    (folder / "metadata.json").write_text(json.dumps(meta))
    return folder


def make_sweep_folder(folder: Path, run_folder: Path, parameters: dict) -> Path:
    """A synthetic sweep folder: points.csv (parameters by path, then <outcome>.share,
    .ci_low, .ci_high) and, for two parameters, indices.csv."""
    folder.mkdir(parents=True)
    shutil.copy(run_folder / "scenario.yaml", folder / "scenario.yaml")
    grids = np.meshgrid(*[np.linspace(lo, hi, n) for lo, hi, n in parameters.values()])
    rows = []
    for values in zip(*[g.ravel() for g in grids], strict=True):
        row = dict(zip(parameters, values, strict=True))
        held = round(200 * min(0.9, 0.05 + 0.5 * values[0] + 0.3 * values[-1]))
        for output, k in (("ceasefire_holding", held), ("exchange_only", 200 - held)):
            low, high = wilson(k, 200)
            row |= {f"{output}.share": k / 200, f"{output}.ci_low": low,
                    f"{output}.ci_high": high}
        rows.append(row)
    pd.DataFrame(rows).to_csv(folder / "points.csv", index=False)
    if len(parameters) == 2:
        indices = [(o, p, i, v, 0.05) for o in ("ceasefire_holding", "exchange_only")
                   for p in parameters for i, v in (("S1", 0.4), ("ST", 0.5))]
        pd.DataFrame(indices, columns=["output", "parameter", "index", "value", "conf"]
                     ).to_csv(folder / "indices.csv", index=False)
    meta = _metadata("sweep", base="istanbul-2025",
                     scenario={"stem": "istanbul-2025", "source": "istanbul-2025"},
                     seed=1, runs=200, points=len(rows), design="grid",
                     argv=["negsim", "sweep", "/home/student/sweeps/trust.yaml"])
    (folder / "metadata.json").write_text(json.dumps(meta))
    return folder


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("plots")
    run = make_run_folder(root / "results")
    return {"run": run, "compare": make_compare_folder(root / "compare", run),
            "sweep1": make_sweep_folder(root / "sweep1", run,
                                        {"trust.ukraine.russia": (0.05, 0.5, 6)}),
            "sweep2": make_sweep_folder(root / "sweep2", run,
                                        {"trust.ukraine.russia": (0.05, 0.5, 4),
                                         "actors.usa.monitoring": (0.0, 1.0, 3)})}


# -- the tests -------------------------------------------------------------------------------


EXPECTED = {
    "run": RUN_FIGURES,
    "compare": {"compare_outcomes", "compare_differences"},
    "sweep1": {"sweep_lines"},
    "sweep2": {"sweep_heatmap_ceasefire_holding", "sweep_heatmap_exchange_only",
               "sensitivity_ceasefire_holding", "sensitivity_exchange_only"},
}
CAPTIONS = {"run": ("istanbul-2025", f"{RUNS:,} runs"),
            "compare": ("istanbul-2025 vs trump-joins", "1,000 runs each"),
            "sweep1": ("istanbul-2025", "6 points × 200 runs"),
            "sweep2": ("istanbul-2025", "12 points × 200 runs")}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_every_figure_names_its_scenario_and_run_count(folders, kind):
    drawn = plots.figures(folders[kind])
    assert set(drawn) == EXPECTED[kind]
    for name, fig in drawn.items():
        text = plots.figure_text(fig)
        for needed in CAPTIONS[kind]:
            assert needed in text, (name, needed)
        assert fig.texts or fig._suptitle is not None
        assert fig._suptitle.get_text(), name  # a title that says what is shown
        for ax in fig.axes:
            if ax.get_label() != "<colorbar>":
                assert ax.get_xlabel() or ax.get_ylabel(), (name, "axis labels")


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_write_figures_writes_png_and_svg(folders, kind):
    written = plots.write_figures(folders[kind])
    names = {p.name for p in written}
    assert names == {f"{n}{s}" for n in EXPECTED[kind] for s in (".png", ".svg")}
    for path in written:
        assert path.parent == folders[kind] / "figures"
        assert path.stat().st_size > 5000
    png = next(p for p in written if p.suffix == ".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_figures_show_what_the_folder_holds(folders):
    drawn = plots.figures(folders["run"])
    summary = pd.read_csv(folders["run"] / "summary.csv")
    held = summary.query("metric == 'outcome' and category == 'ceasefire_holding'").iloc[0]
    assert f"{100 * held.share:.1f}%" in plots.figure_text(drawn["outcomes"])
    assert "Vladimir Putin (Russia)" in plots.figure_text(drawn["attendance"])
    survival = plots.figure_text(drawn["ceasefire_survival"])
    assert "Kaplan–Meier" in survival and "30-day term ends" in survival
    trust = plots.figure_text(drawn["trust"])
    assert "Ukraine's trust in Russia" in trust and "15 May" in trust
    assert plots.NOT_A_FORECAST in " ".join(plots.figure_text(drawn["outcomes"]).split())
    changes = f"(baseline), with {', '.join(CEASEFIRE_HEAVY)} · {RUNS:,} runs"
    for fig in drawn.values():  # the --set changes, on every figure of the run
        assert changes in " ".join(plots.figure_text(fig).split())


def test_kaplan_meier_by_hand():
    # four ceasefires: collapsed after 2 and 3 days; held 3 and 5 days (censored)
    t, s, low, high = plots.kaplan_meier(np.array([2, 3, 3, 5]),
                                         np.array([True, True, False, False]))
    assert list(t) == [0, 1, 2, 3, 4, 5]
    # at t=2: 4 at risk, 1 collapses -> 3/4; t=3: 3 at risk, 1 collapses -> 3/4·2/3 = 1/2
    assert np.allclose(s, [1, 1, 0.75, 0.5, 0.5, 0.5])
    assert np.all(low <= s) and np.all(s <= high)
    t, s, _, _ = plots.kaplan_meier(np.array([30, 30]), np.array([False, False]))
    assert np.all(s == 1)


def test_a_folder_without_metadata_is_a_user_error(tmp_path):
    from sim.errors import UserError

    with pytest.raises(UserError, match="not a results folder"):
        plots.figures(tmp_path)
    (tmp_path / "metadata.json").write_text(json.dumps({"kind": "poem"}))
    with pytest.raises(UserError, match="kind 'poem'"):
        plots.figures(tmp_path)


def test_plot_command(folders, tmp_path):
    app = negsim_app
    result = CliRunner().invoke(app, ["plot", str(folders["sweep1"])])
    assert result.exit_code == 0, result.output
    assert result.output.split() == [str(folders["sweep1"] / "figures" / f"sweep_lines{s}")
                                     for s in (".png", ".svg")]
    missing = CliRunner().invoke(app, ["plot", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and missing.output.startswith("error:")


def test_tied_sweep_parameters_make_one_axis():
    """A sweep with ``same_as`` (both parties' trust moved together) has two identical
    parameter columns: they are one axis of the heatmap, named after both."""
    points = pd.DataFrame({"point": [0, 1, 2, 3], "trust.a.b": [0.1, 0.1, 0.5, 0.5],
                           "trust.b.a": [0.1, 0.1, 0.5, 0.5], "actors.g.monitoring": [0, 1, 0, 1],
                           "ceasefire_holding.share": [0.1, 0.2, 0.3, 0.4]})
    tied = plots.tied_parameters(points)
    assert plots.sweep_parameters(tied) == ["trust.a.b = trust.b.a", "actors.g.monitoring"]
    untouched = plots.tied_parameters(points.assign(**{"trust.b.a": [0.1, 0.2, 0.5, 0.5]}))
    assert len(plots.sweep_parameters(untouched)) == 3
