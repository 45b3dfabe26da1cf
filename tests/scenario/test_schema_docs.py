"""The JSON Schema and the reference docs are generated from the config classes and kept in
step with them: the committed ``scenarios/schema.json`` and ``docs/scenarios.md`` must equal
what the code generates now."""

import subprocess
import sys
from pathlib import Path

import pytest

from sim.scenario.docs import REGENERATE, scenario_reference_markdown
from sim.scenario.fields import field_doc, field_docs
from sim.scenario.loader import load_scenario, shipped_scenarios
from sim.scenario.schema import DIALECT, scenario_schema, schema_text, write_schema
from sim.scenario.yamlsource import read_file

INVALID = Path(__file__).parents[1] / "data" / "invalid"


def test_the_committed_schema_is_the_generated_one(repo_root):
    committed = (repo_root / "scenarios" / "schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "scenarios/schema.json is out of date with sim/scenario/config.py: regenerate it with "
        "`negsim schema --out scenarios/schema.json` from the repository's root")


def test_the_committed_reference_is_the_generated_one(repo_root):
    committed = (repo_root / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert committed == scenario_reference_markdown(), (
        f"docs/scenarios.md is out of date with sim/scenario/config.py: regenerate it with "
        f"`{REGENERATE}` from the repository's root")


def test_negsim_docs_prints_the_reference_from_any_folder(tmp_path):
    """Issue 11: ``negsim docs`` outside the repository's root was a FileNotFoundError; it now
    prints the reference and writes nothing (``--out FILE`` writes)."""
    done = subprocess.run([sys.executable, "-m", "sim", "docs"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout == scenario_reference_markdown() and done.stderr == ""
    assert list(tmp_path.iterdir()) == []


def test_write_schema_writes_the_schema(tmp_path):
    write_schema(tmp_path / "schema.json")
    assert (tmp_path / "schema.json").read_text(encoding="utf-8") == schema_text()


# --- the schema -------------------------------------------------------------------------------


def objects(node):
    """Every object schema (one with properties) anywhere in `node`."""
    if isinstance(node, dict):
        if "properties" in node:
            yield node
        for child in node.values():
            yield from objects(child)
    elif isinstance(node, list):
        for child in node:
            yield from objects(child)


def test_the_schema_is_draft_2020_12_and_allows_extends():
    schema = scenario_schema()
    assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["extends"]["type"] == "string"
    assert "extends" in schema["$defs"]["ScenarioOverlay"]["properties"]
    assert "extends" not in schema["$defs"]["Scenario"]["properties"]


def test_every_config_block_forbids_unknown_keys_in_the_schema():
    schema = scenario_schema()
    blocks = list(objects(schema["$defs"]))
    assert {block["title"] for block in blocks} == {
        "Scenario", "Calendar", "Talks", "Observation", "CeasefireIssue", "ExchangeIssue",
        "GenericIssue", "Attendance", "Party", "Mediator", "Guarantor"}
    assert len(blocks) == 2 * 11  # complete and overlay
    assert all(block["additionalProperties"] is False for block in blocks)


def test_the_overlay_requires_nothing_and_accepts_null():
    overlay = scenario_schema()["$defs"]["PartyOverlay"]
    assert "required" not in overlay
    assert "null" in overlay["properties"]["momentum"]["type"]
    assert "null" in overlay["type"]


def test_the_schema_carries_descriptions_units_and_reasons():
    party = scenario_schema()["$defs"]["Party"]["properties"]
    assert party["exposure"]["description"].startswith("Cost per unit of ceasefire scope")
    assert party["exposure"]["unit"] == "utility per unit of scope"
    assert party["exposure"]["why"].startswith("Kydd 2000")


# --- the fields: the reference's rows ---------------------------------------------------------


def test_every_field_has_a_description_and_every_default_a_reason():
    for doc in field_docs():
        assert doc.description, f"{doc.path} ({doc.variant}) needs a description"
        if doc.default not in ("required", "none"):
            assert doc.why, f"{doc.path} ({doc.variant}): say why the default is {doc.default}"
            assert doc.why.startswith("Judgement") or "docs/model.md §" in doc.why, (
                f"{doc.path}: cite a section of docs/model.md or say 'Judgement:'")


def test_fields_are_listed_once_per_role_and_kind():
    paths = [(d.path, d.variant) for d in field_docs()]
    assert len(paths) == len(set(paths))
    roles = {d.variant for d in field_docs() if d.path == "actors.<id>.attendance.propensity"}
    assert roles == {"party", "mediator", "guarantor"}


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_every_value_of_every_shipped_scenario_is_documented(name):
    data = load_scenario(name).model_dump(mode="json")

    def walk(node, path):
        if isinstance(node, dict) and node:
            for key, child in node.items():
                yield from walk(child, (*path, key))
        else:
            yield path

    for path in walk(data, ()):
        assert field_doc(path, data) is not None, path


def test_the_reference_documents_every_field_with_range_and_default():
    text = scenario_reference_markdown()
    for doc in field_docs():
        assert f"| `{doc.path}` |" in text
    assert ("| `actors.<id>.attendance.propensity` | Chance that the leader comes if nobody "
            "else's choice mattered. | number, 0 to 1 | probability | 0.5 | Judgement:") in text
    for heading in ("### role: party", "### role: mediator", "### role: guarantor",
                    "### kind: ceasefire", "## `trust`"):
        assert heading in text


# --- validating files with the schema (needs the jsonschema package) --------------------------


def plain(path: Path) -> dict:
    return read_file(path, str(path)).data


def test_the_shipped_scenarios_are_valid_under_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(scenario_schema())
    for name, path in shipped_scenarios().items():
        assert not list(validator.iter_errors(plain(path))), name


@pytest.mark.parametrize("case", ["unknown_key", "out_of_range", "wrong_type", "missing_field"])
def test_the_schema_flags_the_mistakes_an_editor_can_see(case):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(scenario_schema())
    assert list(validator.iter_errors(plain(INVALID / f"{case}.yaml")))
