"""Figures of results folders: every expected file, written and non-empty, and every figure
naming its scenario and run count (read from the matplotlib Figure objects)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app as negsim_app
from sim.experiment.run import run_to_folder
from sim.model.labels import Labels
from sim.model.outcomes import OUTCOMES
from sim.report import plots
from sim.results.summary import wilson
from sim.results.sweep import sweep_parameters, tied_parameters
from sim.scenario.loader import load_scenario

SEED = 20250514
RUNS = 2000
CEASEFIRE_HEAVY = (
    "actors.russia.positions.ceasefire=1", "actors.russia.reservation.ceasefire=0",
    "actors.russia.momentum=0", "actors.russia.mandate.ceasefire=1",
    "actors.ukraine.reservation.ceasefire=0", "actors.usa.monitoring=0.5")
RUN_FIGURES = {"outcomes", "attendance", "ceasefire_survival", "trust", "why",
               "bargaining_ranges"}


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
    base = {("outcome", "no_talks"): 0, ("outcome", "no_agreement"): 2,
            ("outcome", "exchange_only"): 976, ("outcome", "ceasefire_collapsed"): 8,
            ("outcome", "ceasefire_holding"): 14, ("attended", "russia"): 206,
            ("attended", "usa"): 333, ("leaders_met", "all"): 190,
            ("agreed", "ceasefire"): 22}
    other = {("outcome", "no_talks"): 0, ("outcome", "no_agreement"): 1,
             ("outcome", "exchange_only"): 910, ("outcome", "ceasefire_collapsed"): 31,
             ("outcome", "ceasefire_holding"): 58, ("attended", "russia"): 592,
             ("attended", "usa"): 1000, ("leaders_met", "all"): 565,
             ("agreed", "ceasefire"): 89}
    for label, hits in zip(labels, (base, other), strict=True):
        for (metric, category), k in hits.items():
            shares.append((label, metric, category, k / runs, *wilson(k, runs), runs))
    for metric, category in base:
        d = (other[(metric, category)] - base[(metric, category)]) / runs
        diffs.append(("trump-joins", "istanbul-2025", metric, category, d, d - 0.01, d + 0.01,
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
    "compare": {"compare_outcomes", "compare_differences", "compare_attendance",
                "compare_attendance_differences"},
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
    records = pd.read_parquet(folders["run"] / "replicates.parquet")
    agreed = (records["reason.exchange"] == "agreed").mean()
    reasons = plots.figure_text(drawn["why"])
    assert "Why no 30-day ceasefire" in reasons and "Why no All-for-all prisoner exchange" in reasons
    assert f"{100 * agreed:.1f}%" in reasons  # the exchange's "Agreed (any size)" bar
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
    tied = tied_parameters(points)
    assert sweep_parameters(tied) == ["trust.a.b = trust.b.a", "actors.g.monitoring"]
    untouched = tied_parameters(points.assign(**{"trust.b.a": [0.1, 0.2, 0.5, 0.5]}))
    assert len(sweep_parameters(untouched)) == 3


# -- one vocabulary and the figure fixes of issue 11 --------------------------------------------


def test_outcome_bars_take_their_labels_and_colours_from_the_outcome_table(folders):
    from matplotlib.colors import to_hex

    fig = plots.figures(folders["run"])["outcomes"]
    ax = fig.axes[0]
    labels = Labels(plots.open_folder(folders["run"]).scenario)
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert shown == [labels.outcome(o) for o in OUTCOMES][::-1]
    colours = [to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colours == [Labels.colour(o).lower() for o in OUTCOMES][::-1]


def _drawn(fig):
    """The figure laid out and drawn as for its PNG (positions are final only then)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    return fig


def _undrawn_ticks(fig) -> set[int]:
    """Tick labels that exist but are not drawn: their tick is outside the axis' range."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return hidden


MARGIN = 5
"""Pixels (at 100 dpi) that every text keeps from the figure's edge: text flush with the edge
is cut off when a browser draws the SVG with a slightly wider font."""


def _outside(fig) -> list[str]:
    """Texts drawn partly outside the figure, or closer than MARGIN to its edge."""
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    box, hidden = fig.bbox, _undrawn_ticks(fig)
    cut = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or id(text) in hidden:
            continue
        extent = text.get_window_extent(renderer)
        if min(extent.x0 - box.x0, box.x1 - extent.x1, extent.y0 - box.y0,
               box.y1 - extent.y1) < MARGIN:
            cut.append(text.get_text())
    return cut


def _overlapping_ticks(fig) -> list[tuple[str, str]]:
    """Neighbouring x tick labels of one axes that overlap."""
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        ticks = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
        boxes = sorted(((b.x0, b.x1, text) for b, text in
                        ((t.get_window_extent(renderer), t.get_text()) for t in ticks)))
        found += [(a[2], b[2]) for a, b in zip(boxes, boxes[1:], strict=False) if b[0] < a[1]]
    return found


@pytest.fixture(scope="module")
def year_folder(tmp_path_factory):
    """A run over a calendar of a year (the day axis once crowded its dates)."""
    scenario = load_scenario("istanbul-2025",
                             overrides=(*CEASEFIRE_HEAVY, "calendar.horizon_days=365"))
    return run_to_folder(scenario, 500, SEED, out=tmp_path_factory.mktemp("year")).path


@pytest.mark.parametrize("kind", ["run", "compare", "sweep2", "year"])
def test_no_text_is_cut_off_and_no_dates_overlap(folders, year_folder, kind):
    folder = year_folder if kind == "year" else folders[kind]
    with matplotlib.rc_context(plots.STYLE):
        for name, fig in plots.figures(folder).items():
            _drawn(fig)
            assert _outside(fig) == [], name
            assert _overlapping_ticks(fig) == [], name


def test_the_text_scan_finds_a_cut_label():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.set_xlim(0, 100)
    ax.text(101, 0.5, "100.0%  (100.0–100.0)")
    _drawn(fig)
    assert _outside(fig) == ["100.0%  (100.0–100.0)"]


def test_ceasefire_states_by_hand():
    """Agreed on day 5 (in force from day 6): one collapses on its 3rd day, one reaches its
    4-day term, one is still in force at the horizon; one run agrees nothing."""
    replicates = pd.DataFrame({
        "agreed.cf": [True, True, True, False], "day.cf": [5, 5, 7, None],
        "ceasefire_days": [3, 4, 2, 0],
        "outcome": ["ceasefire_collapsed", "ceasefire_holding", "ceasefire_holding",
                    "no_agreement"]})
    states = plots.ceasefire_states(replicates, "cf", np.arange(4, 10), term=4)
    # in force at the end of days 6-7 (the first), 6-8 (the second), 8-9 (the third)
    assert (4 * states["in_force"]).tolist() == [0, 0, 2, 2, 2, 1]  # days 4 … 9
    assert (4 * states["collapsed"]).tolist() == [0, 0, 0, 0, 1, 1]  # its 3rd day is day 8
    assert (4 * states["held_to_term"]).tolist() == [0, 0, 0, 0, 0, 1]  # its 4th day is day 9


def test_ceasefire_in_force_matches_the_daily_table(folders):
    """The stacked panel's "in force" band is the run's own daily ceasefire_in_force, day by
    day, so the drop at the end of the 30-day term is shown as ceasefires that held."""
    replicates = pd.read_parquet(folders["run"] / "replicates.parquet")
    daily = pd.read_csv(folders["run"] / "daily.csv")
    states = plots.ceasefire_states(replicates, "ceasefire", daily["day"].to_numpy(), term=30)
    in_force = np.round(daily["ceasefire_in_force"] * RUNS)
    assert np.array_equal(np.round(states["in_force"] * RUNS), in_force)
    held = replicates["outcome"].astype(str).eq("ceasefire_holding").sum()
    collapsed = replicates["outcome"].astype(str).eq("ceasefire_collapsed").sum()
    last = states.iloc[-1]
    assert round(RUNS * (last["held_to_term"] + last["in_force"])) == held
    assert round(RUNS * last["collapsed"]) == collapsed
    text = plots.figure_text(plots.figures(folders["run"])["ceasefire_survival"])
    assert "Ended at its 30-day term (held)" in text and "Collapsed" in text


def test_trust_has_one_panel_per_pair_and_its_legend_covers_none(folders):
    fig = plots.figures(folders["run"])["trust"]
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert sorted(ax.get_title() for ax in panels) == ["Russia's trust in Ukraine",
                                                       "Ukraine's trust in Russia"]
    _drawn(fig)
    legend = fig.legends[0].get_window_extent()
    assert not [ax for ax in panels if ax.get_window_extent().overlaps(legend)]
    assert "10th–90th" in plots.figure_text(fig) and "within 0.005" in plots.figure_text(fig)


def test_the_zero_line_does_not_strike_out_a_difference(folders):
    fig = plots.figures(folders["compare"])["compare_differences"]
    ax = fig.axes[0]
    zero = next(line for line in ax.lines if list(line.get_xdata()) == [0, 0])
    labels = [t for t in ax.texts if t.get_text().startswith(("+", "-"))]
    assert "+0.0" in [t.get_text() for t in labels]
    for text in labels:
        patch = text.get_bbox_patch()
        assert patch is not None and patch.get_facecolor()[:3] == (1, 1, 1)
        assert text.get_zorder() > zero.get_zorder()


def test_compare_figures_show_attendance_and_issues(folders):
    drawn = plots.figures(folders["compare"])
    text = plots.figure_text(drawn["compare_attendance_differences"])
    assert "Vladimir Putin (Russia) attends" in text and "30-day ceasefire agreed (any size)" in text
    assert "All party leaders met" in text and "+38.6" in text


def test_heatmaps_show_enough_decimals_and_name_their_parameters(folders):
    assert [plots.cell_decimals(x) for x in (0.4, 0.99, 1.0, 37.0)] == [2, 2, 1, 1]
    fig = plots.figures(folders["sweep2"])["sweep_heatmap_ceasefire_holding"]
    ax = fig.axes[0]
    cells = [t.get_text() for t in ax.texts]
    assert cells and all(re.fullmatch(r"\d+\.\d", c) for c in cells)
    assert ax.get_xlabel() == "Ukraine's trust in Russia"
    assert ax.get_ylabel() == "United States: monitoring"
    bars = plots.figures(folders["sweep2"])["sensitivity_ceasefire_holding"].axes[0]
    assert {t.get_text() for t in bars.get_yticklabels()} == {"Ukraine's trust in Russia",
                                                             "United States: monitoring"}


def test_a_leader_who_always_comes_keeps_the_whole_interval_on_the_figure(folders):
    """10,000 runs of 10,000: the numbers read "100.0%  (100.0–100.0)", the widest there are;
    they once ran off the figure's right edge."""
    opened = plots.open_folder(folders["run"])
    rows = [("istanbul-2025", "attended", actor, k / 10_000, *wilson(k, 10_000), 10_000)
            for actor, k in (("ukraine", 8290), ("russia", 2060), ("turkey", 10_000),
                             ("usa", 3330))]
    rows.append(("istanbul-2025", "leaders_met", "all", 0.19, *wilson(1900, 10_000), 10_000))
    summary = pd.DataFrame(rows, columns=["scenario", "metric", "category", "share", "ci_low",
                                          "ci_high", "n"])
    with matplotlib.rc_context(plots.STYLE):
        fig = _drawn(plots.attendance_figure(opened, summary))
    assert "100.0%  (100.0–100.0)" in plots.figure_text(fig)
    assert _outside(fig) == []
