"""The scenario-language commands through Typer's runner: validate, show, list, new, schema, docs."""

import json

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario.loader import load_scenario, shipped_robust, shipped_scenarios, shipped_sweeps

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


def test_show_ends_with_the_values_that_cannot_act_and_why():
    """Issue 10 item 6: the reasons come from sim.model.inert, the one place that knows."""
    from sim.model.inert import cannot_act

    result = invoke("show", "putin-attends", "--set", "actors.turkey.bias.russia=0.5",
                    "--set", "talks.bias_scale=0")
    assert result.exit_code == 0, result.output
    tail = result.output[result.output.index("Values that cannot act in this scenario"):]
    listed = cannot_act(load_scenario("putin-attends", ["actors.turkey.bias.russia=0.5",
                                                        "talks.bias_scale=0"]))
    assert {"actors.russia.mandate.ceasefire", "actors.turkey.bias.russia"} <= {
        e.path for e in listed}
    lines = tail.splitlines()
    for entry in listed:
        at = lines.index(entry.path)
        assert lines[at + 1].strip() == entry.reason
    assert "Vladimir Putin (Russia) always attends" in tail
    baseline = invoke("show", "istanbul-2025").output
    assert "actors.usa.credibility\n" not in baseline  # it acts: through the exchange (§3.7)


def test_show_of_an_invalid_scenario_is_a_one_line_error():
    result = invoke("show", "istanbul-2025", "--set", "actors.usa.monitoring=3")
    assert result.exit_code == 2
    assert "--set #1  actors.usa.monitoring: must be at most 1 (got 3)" in result.output


def test_list_names_every_shipped_scenario_and_sweep():
    result = invoke("list")
    assert result.exit_code == 0
    for name in ("istanbul-2025", "putin-attends", "trump-joins", "us-monitoring",
                 "trust-vs-monitoring", "baseline-sobol", "ceasefire-regions", "us-levers"):
        assert name in result.output
    assert "Sweeps (negsim sweep NAME)" in result.output
    assert "Robust files (negsim robust NAME)" in result.output


def test_list_tells_your_files_from_shipped_ones_by_where_they_are(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios" / "sweeps").mkdir(parents=True)
    (tmp_path / "scenarios" / "istanbul-2025.yaml").write_text(
        "extends: istanbul-2025\ntitle: My own Istanbul\n", encoding="utf-8")
    (tmp_path / "scenarios" / "sweeps" / "mine.yaml").write_text(
        "kind: sweep\ntitle: My sweep\n", encoding="utf-8")
    (tmp_path / "scenarios" / "robust").mkdir()
    (tmp_path / "scenarios" / "robust" / "levers.yaml").write_text(
        "kind: robust\ntitle: My levers\n", encoding="utf-8")
    (tmp_path / "scenarios" / "robust" / "us-levers.yaml").write_text(
        "kind: robust\ntitle: My US levers\n", encoding="utf-8")
    table = listed_rows()
    assert ("istanbul-2025", "shipped", "Istanbul talks, 15 May 2025 (baseline)") in table
    assert ("istanbul-2025", "./scenarios", "My own Istanbul") in table  # same name, yours
    assert ("mine", "./scenarios/sweeps", "My sweep") in table
    assert ("levers", "./scenarios/robust", "My levers") in table
    assert ("us-levers", "./scenarios/robust", "My US levers") in table
    assert ("us-levers", "shipped") in [row[:2] for row in table]
    output = invoke("list").output
    assert ("scenarios/istanbul-2025.yaml comes first: negsim run istanbul-2025 uses it, not "
            "the shipped one") in output
    assert ("scenarios/robust/us-levers.yaml comes first: negsim robust us-levers uses it, "
            "not the shipped one") in output


def test_list_in_the_repository_lists_each_shipped_file_once_as_shipped(repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)  # ./scenarios is the shipped folder itself
    table = listed_rows()
    assert {where for _, where, _ in table} == {"shipped"}
    shipped = len(shipped_scenarios()) + len(shipped_sweeps()) + len(shipped_robust())
    assert len({name for name, _, _ in table}) == len(table) == shipped


def listed_rows() -> list[tuple[str, str, str]]:
    """The (name, where, title) rows that ``negsim list`` prints."""
    rows = [line.split("│") for line in invoke("list").output.splitlines() if "│" in line]
    return [tuple(cell.strip() for cell in row) for row in rows]


def test_new_writes_into_your_scenarios_folder_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("new", "my-talks")
    assert result.exit_code == 0, result.output
    assert result.output == ("wrote scenarios/my-talks.yaml; edit it, then: negsim validate "
                             "scenarios/my-talks.yaml\n")
    assert load_scenario("my-talks").title.startswith("my-talks (a variant of istanbul-2025")
    assert "./scenarios" in invoke("list").output


def test_new_in_the_repository_refuses_the_shipped_folder_and_says_what_to_do(repo_root,
                                                                             monkeypatch):
    monkeypatch.chdir(repo_root)
    before = sorted(p.name for p in (repo_root / "scenarios").iterdir())
    result = invoke("new", "my-talks")
    assert result.exit_code == 2
    assert result.output == (
        "error: Invalid value for '--folder': 'scenarios' is negsim's own folder of shipped "
        "scenarios: keep yours apart, e.g. --folder my-scenarios (then negsim run "
        "my-scenarios/NAME.yaml), or run negsim from a folder of your own\n")
    assert sorted(p.name for p in (repo_root / "scenarios").iterdir()) == before


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


def test_docs_prints_the_reference_and_writes_it_only_with_out(tmp_path, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    committed = (Path(__file__).resolve().parents[2] / "docs" / "scenarios.md").read_text()
    printed = invoke("docs")
    assert printed.exit_code == 0 and printed.output == committed
    assert list(tmp_path.iterdir()) == []
    result = invoke("docs", "--out", "scenarios.md")
    assert result.exit_code == 0 and result.output == "wrote scenarios.md\n"
    assert (tmp_path / "scenarios.md").read_text() == committed


@pytest.mark.parametrize("command", ["validate", "show", "list", "new", "schema", "docs"])
def test_every_scenario_command_has_help_with_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Example: negsim" in result.output
