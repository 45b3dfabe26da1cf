"""The scenario-language commands through Typer's runner: validate, show, list, new, schema, docs."""

import json

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario.loader import load_scenario

runner = CliRunner(env={"COLUMNS": "300"})  # wide enough that tables do not fold


def invoke(*args):
    return runner.invoke(app, list(args))


def test_validate_reports_every_problem_and_sets_the_exit_status(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: istanbul-2025\nactors:\n  usa:\n    monitoring: 2\n    skil: 1\n")
    ok = invoke("validate", "istanbul-2025", "trump-joins")
    assert ok.exit_code == 0 and ok.output.count("ok  ") == 2
    result = invoke("validate", "istanbul-2025", str(bad))
    assert result.exit_code == 2
    assert "bad.yaml:4:5  actors.usa.monitoring: must be at most 1 (got 2)" in result.output
    assert "actors.usa.skil: unknown key" in result.output
    assert "1 of 2 scenario(s) invalid" in result.output


def test_show_lists_resolved_values_with_their_origin():
    result = invoke("show", "putin-attends", "--set", "trust.ukraine.russia=0.2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "actors.russia.attendance.mode = always  [shipped putin-attends.yaml:13]" in lines
    assert "trust.ukraine.russia = 0.2 probability  [--set #1]" in lines
    assert "calendar.horizon_days = 90 days  [default]" in lines
    mode = lines.index("actors.russia.attendance.mode = always  [shipped putin-attends.yaml:13]")
    assert lines[mode + 1].strip().startswith("auto: the leader decides")


def test_show_of_an_invalid_scenario_is_a_one_line_error():
    result = invoke("show", "istanbul-2025", "--set", "actors.usa.monitoring=3")
    assert result.exit_code == 2
    assert "--set #1  actors.usa.monitoring: must be at most 1 (got 3)" in result.output


def test_list_names_every_shipped_scenario():
    result = invoke("list")
    assert result.exit_code == 0
    for name in ("istanbul-2025", "putin-attends", "trump-joins", "us-monitoring"):
        assert name in result.output


def test_new_writes_a_loadable_file_and_its_schema_and_never_overwrites(tmp_path):
    folder = tmp_path / "mine"
    result = invoke("new", "my-talks", "--from", "trump-joins", "--folder", str(folder))
    assert result.exit_code == 0, result.output
    scenario = load_scenario(folder / "my-talks.yaml")
    assert scenario.actors["usa"].attendance.mode == "always"  # inherited from trump-joins
    assert json.loads((folder / "schema.json").read_text())["$schema"]
    again = invoke("new", "my-talks", "--folder", str(folder))
    assert again.exit_code == 2 and "exists already" in again.output


def test_schema_prints_the_committed_schema():
    result = invoke("schema")
    assert result.exit_code == 0
    from pathlib import Path

    committed = Path(__file__).resolve().parents[2] / "scenarios" / "schema.json"
    assert json.loads(result.output) == json.loads(committed.read_text())


def test_docs_regenerates_the_reference(tmp_path):
    out = tmp_path / "scenarios.md"
    result = invoke("docs", "--out", str(out))
    assert result.exit_code == 0
    from pathlib import Path

    committed = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"
    assert out.read_text() == committed.read_text()


@pytest.mark.parametrize("command", ["validate", "show", "list", "new", "schema", "docs"])
def test_every_scenario_command_has_help_with_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Example: negsim" in result.output
