"""Folders written by model 1 still read (issue 10 item 9): ``negsim plot`` and ``negsim
report`` draw and write what the folder has, and say in one sentence that the reasons and
sizes are not in it; the view (which simulates, and cannot open a results folder) opens the
folder's scenario.yaml and shows the breakdowns of the current model. The folder is a real
one of model 1: tests/data/model1/README.md says how it was made.

A run of the current model is written beside it, so that each check is seen both ways: the
breakdowns are there for model 2 and said to be missing for model 1.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment.run import run_to_folder
from sim.scenario.loader import load_scenario

MODEL_1 = Path(__file__).resolve().parents[1] / "data" / "model1" / "results"
MISSING = "not available for this folder: it was written by model 1"


@pytest.fixture
def model1(tmp_path) -> Path:
    """A copy of the model-1 folder (plot and report write into the folder)."""
    return Path(shutil.copytree(MODEL_1, tmp_path / "model1"))


@pytest.fixture(scope="module")
def model2(tmp_path_factory) -> Path:
    return run_to_folder(load_scenario("istanbul-2025"), 300, 5,
                         out=tmp_path_factory.mktemp("model2")).path


def negsim(*args: str):
    return CliRunner().invoke(app, list(args))


def test_the_fixture_is_a_model1_folder():
    meta = json.loads((MODEL_1 / "metadata.json").read_text())
    assert meta["model"] == "1" and meta["runs"] == 300
    records = pd.read_parquet(MODEL_1 / "replicates.parquet")
    assert not [c for c in records.columns if c.startswith(("reason.", "blocker.", "ended_"))]
    summary = pd.read_csv(MODEL_1 / "summary.csv")
    assert set(summary["metric"]) == {"outcome", "attended", "leaders_met", "agreed"}


def test_plot_draws_the_figures_and_says_the_reasons_are_missing(model1, model2):
    result = negsim("plot", str(model1))
    assert result.exit_code == 0, result.output
    assert (model1 / "figures" / "outcomes.png").stat().st_size > 0
    assert not (model1 / "figures" / "why.png").exists()
    notes = [line for line in result.output.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and MISSING in notes[0]
    result = negsim("plot", str(model2))
    assert result.exit_code == 0, result.output
    assert (model2 / "figures" / "why.png").stat().st_size > 0
    assert "note:" not in result.output


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_report_shows_what_it_has_and_says_once_what_it_lacks(model1):
    result = negsim("report", str(model1))
    assert result.exit_code == 0, result.output
    text = _text((model1 / "report.html").read_text(encoding="utf-8"))
    assert text.count(MISSING) == 1
    agreed = pd.read_csv(model1 / "summary.csv").query("metric == 'agreed'")
    ceasefire = agreed.set_index("category").loc["ceasefire", "share"]
    assert f"30-day ceasefire Share of all runs 95% interval agreed (any size) " \
           f"{100 * ceasefire:.1f}%" in text
    assert "Why no" not in text and "agreed in full" not in text


def test_report_of_model2_has_the_breakdowns_and_no_missing_note(model2):
    result = negsim("report", str(model2))
    assert result.exit_code == 0, result.output
    text = _text((model2 / "report.html").read_text(encoding="utf-8"))
    assert MISSING not in text
    records = pd.read_parquet(model2 / "replicates.parquet")
    furthest = ((records["reason.ceasefire"] == "no_overlap")
                & (records["blocker.ceasefire"] == "russia")).mean()
    assert (f"No level acceptable to all; Russia furthest from one {100 * furthest:.1f}%"
            in text)
    for words in ("Why no 30-day ceasefire Share of all runs",
                  "Who ended the 30-day ceasefire Share of the", "agreed in full (level 1.00)",
                  "share delivered: mean of all runs", "Why an issue was not agreed"):
        assert words in text  # the last one: the why figure's title (inline SVG text)


def test_view_refuses_the_folder_and_opens_its_scenario(model1):
    result = negsim("view", str(model1))
    assert result.exit_code == 2 and "is a folder" in result.output
    page = pytest.importorskip("sim.view.page", reason="the view's optional dependencies "
                               "(pip install -e '.[view]') are not installed")
    from sim.scenario.loader import load_scenario_dict

    base = load_scenario_dict(str(model1 / "scenario.yaml"))
    ensemble = page.simulate_ensemble(base, (), 300, 1)
    assert "Why no 30-day ceasefire" in page.why_html(ensemble)
    assert "agreed in full (level 1.00)" in page.agreed_html(ensemble)
