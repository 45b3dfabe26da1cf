"""Every field a scenario may set, read off the JSON Schema: the rows of the reference
(``docs/scenarios.md``) and the descriptions that ``negsim show`` prints.

A field is named by a dotted *pattern*: ``actors.<id>.attendance.propensity`` for every
actor, ``actors.<id>.positions.<issue>`` for every issue of a party. Fields that depend on
an actor's role or an issue's kind are listed once per role or kind (``variant``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from sim.scenario.schema import EXTENDS, scenario_schema

Pattern = tuple[str, ...]

ID = "<id>"
PLACEHOLDERS = {
    "issues": ID, "actors": ID, "trust": "<party>",
    "positions": "<issue>", "reservation": "<issue>", "mandate": "<issue>",
    "salience": "<issue>", "concession": "<issue>", "follows": "<actor>", "bias": "<party>",
}
"""What the keys of each ``{key: value}`` mapping name, as shown in a pattern."""
ROW_KEYS = {"trust": "<actor>"}
"""The keys of a mapping nested in a mapping (``trust.<party>.<actor>``)."""
DISCRIMINATORS = {"issues": "kind", "actors": "role"}


@dataclass(frozen=True)
class FieldDoc:
    """One field: where it is, what it means and what it may hold."""

    pattern: Pattern
    variant: str | None
    """The actor role or issue kind the field belongs to; None when it applies to all."""
    kind: str
    """The type in words: number, whole number, text, date, true or false, one of ..."""
    description: str
    unit: str
    range: str
    default: str
    """The default as YAML text, or ``required``."""
    why: str
    """The reason for the default (a docs/model.md section or "Judgement: ...")."""
    bounds: tuple[float | None, float | None] = (None, None)
    """The lowest and highest valid number (None: no bound), as ``range`` says in words."""
    open_low: bool = False
    """Whether the lowest bound itself is excluded ("more than 0")."""

    @property
    def path(self) -> str:
        return ".".join(self.pattern)


@functools.cache
def field_docs() -> tuple[FieldDoc, ...]:
    """Every field of a scenario, in the order of the config classes, plus ``extends``."""
    schema = scenario_schema()
    walker = _Walker(schema["$defs"])
    rows = list(walker.model(schema["$defs"]["Scenario"], (), None))
    extends = _leaf(EXTENDS, ("extends",), None, required=False)
    return (rows[0], rows[1], extends, *rows[2:])


def field_doc(path: tuple, data: Mapping) -> FieldDoc | None:
    """The field documented for a concrete path (``('actors', 'usa', 'leverage')``) in a
    scenario's plain data, whose roles and kinds pick the variant; None if unknown."""
    path = tuple(str(p) for p in path)
    variant = _variant(path, data)
    best = None
    for doc in field_docs():
        pattern = doc.pattern
        if len(pattern) == len(path) + 1 and _is_placeholder(pattern[-1]):
            pattern = pattern[:-1]  # an empty mapping: `follows: {}`
        n = len(pattern)
        if doc.variant not in (None, variant) or n > len(path):
            continue
        if all(_matches(p, q) for p, q in zip(pattern, path, strict=False)):
            if best is None or n > best[0]:
                best = n, doc
    return best[1] if best else None


def _matches(pattern_part: str, part: str) -> bool:
    return pattern_part == part or _is_placeholder(pattern_part)


def _is_placeholder(part: str) -> bool:
    return part.startswith("<") and part.endswith(">")


def _variant(path: tuple, data: Mapping) -> str | None:
    if len(path) < 2 or path[0] not in DISCRIMINATORS:
        return None
    block = data.get(path[0])
    entry = block.get(path[1]) if isinstance(block, Mapping) else None
    return entry.get(DISCRIMINATORS[path[0]]) if isinstance(entry, Mapping) else None


# ---------------------------------------------------------------------------------------
# Walking the schema
# ---------------------------------------------------------------------------------------


class _Walker:
    def __init__(self, defs: dict):
        self.defs = defs

    def resolve(self, node: dict) -> dict:
        ref = node.get("$ref")
        return self.defs[ref.rsplit("/", 1)[1]] if ref else node

    def model(self, node: dict, path: Pattern, variant: str | None) -> Iterator[FieldDoc]:
        required = set(node.get("required", ()))
        first = set(DISCRIMINATORS.values())  # role and kind lead their block
        for name, prop in sorted(node["properties"].items(), key=lambda kv: kv[0] not in first):
            yield from self.field(prop, (*path, name), variant, name in required)

    def field(self, prop: dict, path: Pattern, variant: str | None,
              required: bool) -> Iterator[FieldDoc]:
        target = self.resolve(prop)
        values = prop.get("additionalProperties")
        if "properties" in target:  # a block such as calendar or attendance
            yield from self.model(target, path, variant)
        elif isinstance(values, dict) and "oneOf" in values:  # issues, actors
            for ref in values["oneOf"]:
                member = self.resolve(ref)
                tag = _const(member["properties"][DISCRIMINATORS[path[-1]]])
                yield from self.model(member, (*path, PLACEHOLDERS[path[-1]]), tag)
        elif isinstance(values, dict) and values.get("type") == "object":  # trust
            inner = (*path, PLACEHOLDERS[path[-1]], ROW_KEYS[path[-1]])
            yield _leaf({**prop, **values["additionalProperties"]}, inner, variant, required)
        elif isinstance(values, dict):  # {key: number}
            yield _leaf({**values, **_annotations(prop)}, (*path, PLACEHOLDERS[path[-1]]),
                        variant, required)
        else:
            yield _leaf(prop, path, variant, required)


def _annotations(prop: dict) -> dict:
    return {k: prop[k] for k in ("description", "default", "why", "unit") if k in prop}


def _leaf(prop: dict, pattern: Pattern, variant: str | None, required: bool) -> FieldDoc:
    return FieldDoc(
        pattern=pattern, variant=variant, kind=_kind(prop),
        description=prop.get("description", ""), unit=prop.get("unit", ""),
        range=_range(prop), default=_default(prop, pattern, required), why=prop.get("why", ""),
        **_bounds(prop))


def _const(prop: dict) -> str:
    return prop["const"] if "const" in prop else prop["enum"][0]


def _options(prop: dict) -> list[dict]:
    """The non-null alternatives of a field."""
    return [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]


def _kind(prop: dict) -> str:
    words = [_kind_of_one(p) for p in _options(prop)]
    optional = " (or empty)" if any(p.get("type") == "null" for p in prop.get("anyOf", [])) \
        else ""
    return " or ".join(words) + optional


def _kind_of_one(p: dict) -> str:
    if "const" in p:
        return f"'{p['const']}'"
    if "enum" in p:
        return "one of " + ", ".join(str(v) for v in p["enum"])
    kind = p.get("type")
    if kind == "object":
        inner = p.get("additionalProperties", {})
        return "{issue: " + _kind_of_one(inner) + "}" if isinstance(inner, dict) else "mapping"
    if kind == "string" and p.get("format") == "date":
        return "date (YYYY-MM-DD)"
    return {"number": "number", "integer": "whole number", "string": "text",
            "boolean": "true or false"}.get(kind, str(kind))


def _range(prop: dict) -> str:
    ranges = [r for r in (_range_of_one(p) for p in _options(prop)) if r]
    return ranges[0] if ranges else ""


def _bounds(prop: dict) -> dict:
    """``bounds`` and ``open_low`` of a numeric field, from its first bounded option."""
    for p in _options(prop):
        if p.get("type") == "object" and isinstance(p.get("additionalProperties"), dict):
            p = p["additionalProperties"]
        low = p.get("minimum", p.get("exclusiveMinimum"))
        high = p.get("maximum", p.get("exclusiveMaximum"))
        if low is not None or high is not None:
            return {"bounds": (low, high), "open_low": "exclusiveMinimum" in p}
    return {}


def _range_of_one(p: dict) -> str:
    if p.get("type") == "object" and isinstance(p.get("additionalProperties"), dict):
        return _range_of_one(p["additionalProperties"])
    low = p.get("minimum", p.get("exclusiveMinimum"))
    high = p.get("maximum", p.get("exclusiveMaximum"))
    if low is None and high is None:
        return "not empty" if p.get("minLength") else ""
    lower = ("more than " if "exclusiveMinimum" in p else "") + _number(low)
    if high is None:
        return f"at least {_number(low)}"
    upper = ("less than " if "exclusiveMaximum" in p else "") + _number(high)
    return f"{lower} to {upper}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _default(prop: dict, pattern: Pattern, required: bool) -> str:
    if "default" not in prop:
        return "required" if required else "none"
    value = prop["default"]
    if value is None:
        return "empty"
    if value == {} and len(pattern) > 1 and pattern[-1].startswith("<"):
        return "no entries"
    if isinstance(value, (dict, list)):
        return json.dumps(value).replace('"', "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == "":
        return '""'
    return f"{value:g}" if isinstance(value, float) else str(value)
