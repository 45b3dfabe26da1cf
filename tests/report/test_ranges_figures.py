"""The bargaining-range figures (docs/model.md §5.8): one history's (``negsim trace --figure``)
and the run's (``negsim plot``, the report's section), with the scenario's own words."""

from __future__ import annotations

import pytest
from test_plots import make_run_folder
from typer.testing import CliRunner

from sim.cli import app as negsim_app
from sim.report import plots, report
from sim.report import trace as story
from sim.scenario.loader import load_scenario

SEED = 20250514
runner = CliRunner()


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    return make_run_folder(tmp_path_factory.mktemp("ranges") / "results")


def test_the_trace_says_each_partys_range_at_every_session():
    told = story.trace(load_scenario("istanbul-2025"), SEED, 3)
    ranges = [e for e in told.events if e.kind == "ranges"]
    assert len(ranges) == 6  # three sessions, two issues on the table at each
    first = ranges[0]
    assert first.text.startswith("30-day ceasefire: without decision noise, Russia accepts ")
    assert "Volodymyr Zelenskyy" in first.text
    last_ceasefire = [e for e in ranges if e.numbers["issue"] == "ceasefire"][-1]
    # Putin stayed away and Russia's delegation has no mandate for a ceasefire
    assert "Russia accepts levels 0.05–0.35 with Vladimir Putin and no level through its " \
           "delegation alone (mandate 0.00; Vladimir Putin stayed away)" in last_ceasefire.text
    assert last_ceasefire.numbers["ranges.russia.absent.low"] is None
    assert last_ceasefire.numbers["ranges.russia.present.high"] == pytest.approx(0.35)


def test_the_trace_figure_names_parties_leaders_and_issues_from_the_scenario():
    scenario = load_scenario("three-rivers-talks")
    told = story.trace(scenario, SEED, 0)
    text = plots.figure_text(plots.trace_ranges_figure(told, scenario.model_dump(mode="json")))
    text = " ".join(text.split())  # legend labels are wrapped
    for issue in scenario.issues.values():
        assert issue.label in text
    for actor in scenario.actors.values():
        if actor.role == "party":
            assert f"{actor.name}'s delegation" in text and actor.leader in text
    assert "Session 1" in text and "all-for-all" not in text.lower()
    assert f"replicate 0 · seed {SEED}" in text


def test_negsim_trace_figure_writes_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = runner.invoke(negsim_app, ["trace", "istanbul-2025", "-r", "3", "--figure",
                                      "ranges.svg"])
    assert done.exit_code == 0, done.output
    svg = (tmp_path / "ranges.svg").read_text(encoding="utf-8")
    assert "What each party would accept in this history" in svg
    assert "(stayed away)" in svg and "Russia's delegation" in svg
    done = runner.invoke(negsim_app, ["trace", "istanbul-2025", "--figure", "ranges.pdf"])
    assert done.exit_code == 2
    assert done.output.strip().splitlines()[-1] == (
        "error: --figure ranges.pdf: the file name must end in .png or .svg (got .pdf)")
    assert not (tmp_path / "ranges.pdf").exists()


def test_the_run_figure_and_the_report_section(run_folder):
    fig = plots.figures(run_folder)["bargaining_ranges"]
    text = " ".join(plots.figure_text(fig).split())
    for words in ("What each party would accept, session by session", "30-day ceasefire",
                  "All-for-all prisoner exchange", "Russia's delegation", "zone open",
                  "Median proposal"):
        assert words in text
    assert "came in" in text  # how often each leader came
    page = report.write_report(run_folder).read_text(encoding="utf-8")
    section = page[page.index("What each party would accept</h2>"):]
    assert "ranges.csv" in section[:2000]
    assert "What each party would accept, session by session" in section
