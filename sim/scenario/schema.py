"""The JSON Schema of a scenario file, generated from the config classes.

Editors that understand JSON Schema (VS Code's YAML extension, via the
``# yaml-language-server: $schema=schema.json`` comment at the top of every shipped
scenario) use it to autocomplete keys, show each field's description and flag mistakes
while the student types. The loader never reads it: the config classes are the truth, and a
test keeps the committed ``scenarios/schema.json`` equal to :func:`scenario_schema`.

A file comes in two shapes, and the schema says so with ``if``/``then``/``else``:

- **complete** (no ``extends``): every required field present, as the config demands;
- **overlay** (with ``extends: BASE``): the same keys and bounds, but nothing is required
  (the base supplies it), any value may be ``null`` (``key: null`` deletes an inherited
  key), and an actor or issue need not repeat its ``role`` or ``kind``.

Each field also carries the reason for its default (``why``) and, where it has one, its
``unit``: annotation keywords that JSON Schema allows and validators ignore.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from sim.errors import writing
from sim.scenario.config import Scenario

DIALECT = "https://json-schema.org/draft/2020-12/schema"
OVERLAY = "Overlay"
"""Suffix of the overlay variant of each definition (``PartyOverlay``)."""

EXTENDS = {
    "type": "string",
    "minLength": 1,
    "description": "The scenario this one builds on: a shipped scenario's name "
                   "(istanbul-2025) or a path relative to this file. Every key given here is "
                   "deep-merged over it; 'key: null' deletes an inherited key.",
}


class _Generator(GenerateJsonSchema):
    """Pydantic's generator without the automatic per-field titles ("Horizon Days"), which
    repeat the key and add nothing to the description."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def scenario_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a scenario file, complete or ``extends``-based."""
    complete = Scenario.model_json_schema(schema_generator=_Generator)
    defs = complete.pop("$defs")
    defs["Scenario"] = complete
    overlays = {f"{name}{OVERLAY}": _overlay(schema) for name, schema in defs.items()}
    overlays[f"Scenario{OVERLAY}"]["properties"] = {
        "extends": EXTENDS, **overlays[f"Scenario{OVERLAY}"]["properties"]}
    return {
        "$schema": DIALECT,
        "title": "negsim scenario",
        "description": "A negotiation scenario for negsim. Without 'extends' it must be "
                       "complete (title, issues, actors, trust); with 'extends: BASE' it "
                       "changes only what it names. Reference: docs/scenarios.md; section "
                       "numbers (§) refer to the model's specification, docs/model.md.",
        "type": "object",
        "properties": {"extends": EXTENDS},
        "if": {"required": ["extends"]},
        "then": {"$ref": f"#/$defs/Scenario{OVERLAY}"},
        "else": {"$ref": "#/$defs/Scenario"},
        "$defs": dict(sorted({**defs, **overlays}.items())),
    }


def schema_text() -> str:
    """:func:`scenario_schema` as the text of ``scenarios/schema.json``."""
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: str | os.PathLike) -> None:
    """Write the schema to `path` (``negsim schema``; the shipped copy is
    ``scenarios/schema.json``)."""
    text = schema_text()
    with writing(path), open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)


# ---------------------------------------------------------------------------------------
# The overlay variant
# ---------------------------------------------------------------------------------------


def _overlay(schema: dict) -> dict:
    """`schema` loosened for a file that ``extends`` another (see the module docstring)."""
    node = copy.deepcopy(schema)
    _loosen(node)
    return _nullable(node)


def _loosen(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _loosen(item)
        return
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        node["$ref"] += OVERLAY
    node.pop("required", None)
    node.pop("minProperties", None)
    if "oneOf" in node:  # a partial actor may fit several roles: any will do
        node["anyOf"] = node.pop("oneOf")
        node.pop("discriminator", None)
    _loosen(node.get("anyOf"))
    properties = node.get("properties", {})
    for name, child in properties.items():
        _loosen(child)
        properties[name] = _nullable(child)
    if isinstance(node.get("additionalProperties"), dict):
        _loosen(node["additionalProperties"])
        node["additionalProperties"] = _nullable(node["additionalProperties"])


def _nullable(schema: dict) -> dict:
    """`schema`, also accepting null: widened in place (``type: [number, "null"]``) rather
    than wrapped in ``anyOf``, so that validators and editors still point at the deepest
    wrong key instead of a whole block."""
    if "$ref" in schema:
        return schema  # the overlay definitions accept null themselves
    if "type" in schema and schema["type"] != "null":
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    elif "anyOf" in schema and {"type": "null"} not in schema["anyOf"]:
        schema["anyOf"].append({"type": "null"})
    return schema
