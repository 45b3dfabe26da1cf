"""``negsim report``: one self-contained HTML handout of a results folder."""

from __future__ import annotations

import re

import pytest
from test_plots import (
    CEASEFIRE_HEAVY,
    RUNS,
    SEED,
    make_compare_folder,
    make_run_folder,
    make_sweep_folder,
)
from typer.testing import CliRunner

from sim.cli import app as negsim_app
from sim.report import report

EXTERNAL = [r"<script\b", r"<link\b", r"@import", r"src=\"https?:", r"href=\"https?:",
            r"url\(\s*['\"]?https?:"]
"""Anything that would make the page fetch something (the SVG namespaces are not fetched)."""


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    run = make_run_folder(root / "results")
    return {"run": run, "compare": make_compare_folder(root / "compare", run),
            "sweep": make_sweep_folder(root / "sweep", run, {
                "trust.ukraine.russia": (0.05, 0.5, 3), "actors.usa.monitoring": (0.0, 1.0, 3)})}


@pytest.fixture(scope="module")
def run_page(folders):
    path = report.write_report(folders["run"])
    return path, path.read_text(encoding="utf-8")


def test_one_self_contained_file(run_page, folders):
    path, page = run_page
    assert path == folders["run"] / "report.html"
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for pattern in EXTERNAL:
        assert not re.search(pattern, page, re.IGNORECASE), pattern
    assert "<style>" in page
    assert page.count("<svg") == 6  # the run's five figures inline, and the ranges in a section
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page


def test_what_was_run_and_the_caveat(run_page):
    _, page = run_page
    assert "Istanbul talks, 15 May 2025 (baseline)" in page
    changes = ", ".join(CEASEFIRE_HEAVY)
    assert f"<h1>Istanbul talks, 15 May 2025 (baseline), with {changes}</h1>" in page
    assert f"<tr><th>Changed with --set</th><td>{'; '.join(CEASEFIRE_HEAVY)}</td></tr>" in page
    assert f"{RUNS:,}" in page and str(SEED) in page
    assert "Mesa 3.5" in page and "numpy" in page
    assert report.NOT_A_FORECAST in page


def test_the_parameter_table_has_descriptions(run_page):
    _, page = run_page
    row = re.search(r"<tr><td>actors\.russia\.attendance\.propensity</td><td>0\.15</td>"
                    r"<td>(.*?)</td>", page)
    assert row and "Chance that the leader comes" in row.group(1)
    assert "actors.russia.mandate.ceasefire</td><td>1.0</td>" in page  # a --set value
    assert "Actor: Russia (party)" in page


def test_the_values_that_cannot_act_are_listed_with_their_reasons(run_page, folders):
    """Issue 10 item 6: under the assumptions, from the one function that knows the rules."""
    import html

    import yaml

    from sim.model.inert import cannot_act
    from sim.scenario.config import Scenario

    _, page = run_page
    section = page[page.index("<h3>Values that cannot act in this scenario</h3>"):]
    scenario = yaml.safe_load((folders["run"] / "scenario.yaml").read_text(encoding="utf-8"))
    idle = cannot_act(Scenario.model_validate(scenario))
    assert "actors.turkey.attendance.propensity" in {e.path for e in idle}
    for entry in idle:
        assert f"({entry.path})</td><td>{html.escape(entry.reason)}</td>" in section
    assert section.index("Values that cannot act") < section.index("How to reproduce")


def test_an_old_scenario_file_is_said_not_to_validate(folders, tmp_path):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(folders["run"], old)
    text = (old / "scenario.yaml").read_text(encoding="utf-8")
    (old / "scenario.yaml").write_text(text + "retired_field: 1\n", encoding="utf-8")
    page = report.write_report(old).read_text(encoding="utf-8")
    assert "Not listed: this folder's scenario.yaml does not validate" in page


def test_the_reproduce_command_is_exact_and_portable(run_page, folders):
    _, page = run_page
    sets = " ".join(f"--set {o}" for o in (
        "actors.russia.positions.ceasefire=1", "actors.russia.reservation.ceasefire=0",
        "actors.russia.momentum=0", "actors.russia.mandate.ceasefire=1",
        "actors.ukraine.reservation.ceasefire=0", "actors.usa.monitoring=0.5"))
    assert f"<pre>negsim run istanbul-2025 {sets} --runs {RUNS} --seed {SEED}</pre>" in page
    assert f"negsim trace istanbul-2025 {sets} --seed {SEED} --replicate K" in page
    root = str(folders["run"].parents[2])
    assert root not in page and "/tmp" not in page


def test_reproduce_command_rules():
    meta = {"argv": ["negsim", "run", "/home/ana/scenarios/mine.yaml", "--out=/data/x",
                     "--workers", "2", "-n", "500", "--set", "trust.ukraine.russia=0.2"],
            "runs": 500, "seed": 7}
    assert report.reproduce_command(meta, "run") == (
        "negsim run mine.yaml -n 500 --set trust.ukraine.russia=0.2 --seed 7")
    meta = {"argv": None, "runs": 100, "seed": 3, "scenario": {"stem": "putin-attends"}}
    assert report.reproduce_command(meta, "run") == (
        "negsim run putin-attends --runs 100 --seed 3")


@pytest.mark.parametrize("kind, needed", [
    ("compare", ["Comparison: istanbul-2025 vs trump-joins", "Where the scenarios differ",
                 "actors.usa.attendance.mode", "+4.4 pp",
                 "negsim compare istanbul-2025 trump-joins --runs 1000 --seed 20250514"]),
    ("sweep", ["Sweep over", "Sensitivity indices", "trust.ukraine.russia",
               "<pre>negsim sweep trust.yaml</pre>"]),
])
def test_compare_and_sweep_reports(folders, kind, needed):
    page = report.write_report(folders[kind]).read_text(encoding="utf-8")
    for text in [*needed, report.NOT_A_FORECAST]:
        assert text in page, text
    for pattern in EXTERNAL:
        assert not re.search(pattern, page, re.IGNORECASE), pattern
    assert "/home/student" not in page


def test_report_command(folders, tmp_path):
    app = negsim_app
    target = tmp_path / "handout.html"
    result = CliRunner().invoke(app, ["report", str(folders["compare"]), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(target) and target.stat().st_size > 10_000
    missing = CliRunner().invoke(app, ["report", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2
    assert missing.output.strip().count("\n") == 0 and "nowhere' does not exist" in missing.output
