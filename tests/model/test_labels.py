"""One vocabulary (issue 11): every outcome's label and colour is written once, in
``sim/model/outcomes.py``, and every name follows the rules of ``sim/model/labels.py``.

Golden labels for the baseline and for the invented ``three-rivers-talks`` (a release of
engineers, not a prisoner exchange), and scans of ``sim/`` for a second copy of an outcome's
colour or wording."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sim.model.labels import SERIES_COLOURS, Labels, output_metric, plain_description
from sim.model.outcomes import OUTCOME_TABLE, OUTCOMES, PALETTE
from sim.scenario.loader import load_scenario

SIM = Path(__file__).resolve().parents[2] / "sim"
HOME = SIM / "model" / "outcomes.py"
"""The one file allowed to write an outcome's colour or words."""


@pytest.fixture(scope="module")
def istanbul() -> Labels:
    return Labels(load_scenario("istanbul-2025"))


@pytest.fixture(scope="module")
def rivers() -> Labels:
    return Labels(load_scenario("three-rivers-talks"))


def test_outcome_labels_of_the_baseline(istanbul):
    assert [istanbul.outcome(o) for o in OUTCOMES] == [
        "No talks (a party sent no delegation)",
        "Talks held, no ceasefire or exchange",
        "All-for-all prisoner exchange only",
        "30-day ceasefire agreed, then collapsed",
        "30-day ceasefire agreed and held",
    ]


def test_outcome_labels_come_from_the_scenarios_issue_labels(rivers):
    labels = [rivers.outcome(o) for o in OUTCOMES]
    assert labels[2:] == ["Release of detained engineers only",
                          "60-day border truce agreed, then collapsed",
                          "60-day border truce agreed and held"]
    assert not [label for label in labels if re.search(r"prisoner|all-for-all", label, re.I)]


def test_a_scenario_without_such_an_issue_reads_the_kind():
    labels = Labels({"issues": {"memo": {"label": "Memorandum", "kind": "generic"}}})
    assert labels.outcome("exchange_only") == "Exchange only"
    assert labels.outcome("ceasefire_holding") == "Ceasefire agreed and held"


def test_several_exchanges_are_named_together():
    labels = Labels({"issues": {"a": {"label": "Soldiers", "kind": "exchange"},
                                "b": {"label": "Civilians", "kind": "exchange"}}})
    assert labels.outcome("exchange_only") == "Soldiers or Civilians only"


def test_actor_leader_and_trust_labels(istanbul, rivers):
    assert istanbul.actor("russia") == "Russia"
    assert istanbul.leader("russia") == "Vladimir Putin (Russia)"
    assert istanbul.trust("ukraine", "russia") == "Ukraine's trust in Russia"
    assert rivers.leader("orin") == "Speaker Idris Fane (Council of Orin)"


@pytest.mark.parametrize("path, label", [
    ("actors.usa.monitoring", "United States: monitoring"),
    ("actors.russia.attendance.propensity", "Russia: attendance propensity"),
    ("actors.russia.attendance.follows.usa", "Russia: attendance follows (United States)"),
    ("actors.russia.positions.ceasefire", "Russia: positions (30-day ceasefire)"),
    ("actors.ukraine.mandate.exchange", "Ukraine: mandate (All-for-all prisoner exchange)"),
    ("trust.ukraine.russia", "Ukraine's trust in Russia"),
    ("trust.ukraine.russia = trust.russia.ukraine",
     "Ukraine's trust in Russia and Russia's trust in Ukraine"),
    ("issues.exchange.stall", "All-for-all prisoner exchange: stall"),
    ("calendar.horizon_days", "Calendar: horizon days"),
    ("observation.false_alarm", "Observation: false alarm"),
    ("start_date", "Start date"),
])
def test_parameter_labels(istanbul, path, label):
    assert istanbul.parameter(path) == label


def test_a_parameters_explanation_is_its_fields_description(istanbul):
    from sim.scenario.config import Guarantor

    description = Guarantor.model_fields["monitoring"].description
    assert istanbul.explanation("actors.usa.monitoring") == f"{description} (share)"
    assert istanbul.explanation("actors.russia.attendance.follows.usa").startswith(
        "Weight added to the propensity")
    assert plain_description("{party: {actor: trust}}: each party's belief, one entry for "
                             "every other actor.") == "Each party's belief."


def test_rows_and_sweep_outputs(istanbul):
    assert istanbul.category("attended", "russia") == "Vladimir Putin (Russia)"
    assert istanbul.row("attended", "russia") == "Vladimir Putin (Russia) attends"
    assert istanbul.output("agreed.ceasefire") == "30-day ceasefire agreed (any size)"
    assert istanbul.output("leaders_met") == "All party leaders met"
    assert istanbul.output("exchange_only") == "All-for-all prisoner exchange only"
    assert output_metric("attended.usa") == ("attended", "usa")


def test_unknown_ids_are_shown_as_they_are():
    labels = Labels({})
    assert labels.leader("ruritania") == "ruritania"
    assert labels.issue("memo") == "memo"
    assert labels.outcome("war") == "war"
    assert labels.parameter("actors.ruritania.skill") == "ruritania: skill"


def test_every_outcome_has_its_own_palette_colour():
    colours = [o.colour for o in OUTCOME_TABLE]
    assert len(set(colours)) == len(OUTCOMES) == 5
    assert set(colours) <= set(PALETTE.values())
    assert [Labels.colour(o) for o in OUTCOMES] == colours
    # the view and the figures once swapped these two: collapse is vermillion
    assert Labels.colour("ceasefire_collapsed") == PALETTE["vermillion"]
    assert Labels.colour("no_agreement") == PALETTE["orange"]
    assert set(SERIES_COLOURS) <= set(PALETTE.values())


def _source_files():
    return [p for p in SIM.rglob("*.py") if p != HOME]


def test_no_palette_colour_is_written_twice_in_sim():
    """A colour of the palette appears as a literal only in outcomes.py: everything else
    names it (``PALETTE["blue"]``) or asks the outcome table."""
    literals = {colour.lower() for colour in PALETTE.values()}
    found = [f"{path.relative_to(SIM)}: {hit}" for path in _source_files()
             for hit in re.findall(r"#[0-9a-fA-F]{6}\b", path.read_text(encoding="utf-8"))
             if hit.lower() in literals]
    assert found == []


def test_the_scan_would_find_a_second_copy(tmp_path):
    copy = tmp_path / "copy.py"
    copy.write_text('COLOURS = {"ceasefire_collapsed": "#d55e00"}\n')
    assert re.findall(r"#[0-9a-fA-F]{6}\b", copy.read_text())[0].lower() in {
        c.lower() for c in PALETTE.values()}


def _string_literals(path: Path) -> list[str]:
    """The strings a module's code holds (docstrings, which may quote a label as an example,
    left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_outcome_wording_is_written_twice_in_sim():
    """The fixed words of each outcome label ("agreed, then collapsed", "No talks (a party
    sent no delegation)") are in no string of the code but the outcome table's."""
    fragments = [part.strip() for o in OUTCOME_TABLE
                 for part in re.split(r"\{\w+\}", o.label) if len(part.strip()) >= 8]
    assert len(fragments) >= 4
    found = [f"{path.relative_to(SIM)}: {fragment!r}" for path in _source_files()
             for text in _string_literals(path) for fragment in fragments if fragment in text]
    assert found == []


def test_the_wording_scan_reads_code_not_docstrings(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""Held: "agreed and held"."""\nLABEL = "Ceasefire agreed and held"\n')
    assert _string_literals(module) == ["Ceasefire agreed and held"]


def test_a_lever_option_reads_as_words_not_as_yaml():
    from sim.model.labels import option_text

    assert [option_text(v) for v in (0.8, 0.0, "null", None, "always", True)] == [
        "0.8", "0", "none", "none", "always", "True"]
