"""The scenario reference, ``docs/scenarios.md``, generated from the config classes.

Every field with its dotted path, meaning, value type and range, unit, default and the reason
for the default, read from the same JSON Schema that editors use (:mod:`sim.scenario.fields`),
so the reference cannot drift from the code. A reason that cites a section of the model's
specification ("docs/model.md §5.3") links to it (:mod:`sim.scenario.modeldoc`). A test keeps
the committed file equal to :func:`scenario_reference_markdown`; regenerate it, from the
repository's root, with ``negsim docs --out docs/scenarios.md`` (``negsim docs`` alone prints it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from sim.errors import writing
from sim.scenario.fields import FieldDoc, field_docs
from sim.scenario.modeldoc import link_citations, model_sections
from sim.scenario.schema import scenario_schema

REGENERATE = "negsim docs --out docs/scenarios.md"

_INTRO = f"""\
<!-- Generated from sim/scenario/config.py by `{REGENERATE}`. Do not edit by hand. -->

# Scenario file reference

A scenario is a YAML file: who negotiates, what is on the table, and the settings of the
model's rules (the model is specified in [`docs/model.md`](model.md); section numbers §
refer to it). To write your own, start with [`scenarios/README.md`](../scenarios/README.md).

Every field is named by its **dotted path**, the same path that `--set` takes on the command
line (`negsim run istanbul-2025 --set actors.usa.attendance.mode=always`). In a path,
`<id>` is the id you give an issue or actor (its YAML key, lower case: `ukraine`,
`ceasefire`), and `<issue>`, `<actor>` and `<party>` are the ids of an issue, of any
actor, or of a party, used as keys: `actors.<id>.positions.<issue>` is
`positions: {{ceasefire: 1.0, exchange: 1.0}}` inside an actor.

**Default** is the value used when neither the file nor the scenario it `extends` sets the
field; *required* fields have none. **Why** gives the reason for the default: the section of
[`docs/model.md`](model.md) that states it, with its source, or a sentence starting
"Judgement:". A file that `extends` another changes only what it names; `key: null` deletes
an inherited key (so an actor can be removed).

Checked across fields (all problems are reported together, each with its file and line):
every actor or issue id that a field names must exist; every party needs a `trust` entry
for every other actor; each party's `positions` and `reservation` (and `concession`, when
given per issue) name every issue; a scenario has at least two parties and at most one
ceasefire issue; `opens_after` chains may not loop; a party's `salience` weights sum to at
most 1; the last session falls before the horizon.
"""

_BLOCKS = [
    # (heading, dotted prefix, variant key in $defs or None, text)
    ("The file", (), None, "Top-level keys."),
    ("calendar", ("calendar",), "Calendar", None),
    ("talks", ("talks",), "Talks", None),
    ("observation", ("observation",), "Observation", None),
]
_VARIANTS = {
    "issues": ["CeasefireIssue", "ExchangeIssue", "GenericIssue"],
    "actors": ["Party", "Mediator", "Guarantor"],
}
_HEADER = ("| field | meaning | value | unit | default | why this default |\n"
           "|---|---|---|---|---|---|")


def scenario_reference_markdown() -> str:
    """The text of ``docs/scenarios.md``."""
    defs = scenario_schema()["$defs"]
    docs = field_docs()
    known = model_sections()
    parts = [_INTRO]
    for heading, prefix, name, text in _BLOCKS:
        rows = [d for d in docs if _in_block(d, prefix)]
        parts.append(_section(f"## `{heading}`" if prefix else f"## {heading}",
                              text or defs[name]["description"], rows, known))
    for block, names in _VARIANTS.items():
        parts.append(f"## `{block}`\n\n{defs['Scenario']['properties'][block]['description']}\n")
        for name in names:
            variant = _tag(defs[name])
            rows = [d for d in docs if d.pattern[0] == block and d.variant == variant]
            key = "kind" if block == "issues" else "role"
            parts.append(_section(f"### {key}: {variant}", defs[name]["description"], rows, known))
    trust = [d for d in docs if d.pattern[0] == "trust"]
    parts.append(_section("## `trust`", "Each party's prior beliefs (§3).", trust, known))
    return "\n".join(parts)


def write_reference(path: str | os.PathLike) -> None:
    """Write :func:`scenario_reference_markdown` to `path` (``negsim docs --out``)."""
    text = scenario_reference_markdown()
    with writing(path), open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)


def _in_block(doc: FieldDoc, prefix: tuple) -> bool:
    if prefix:
        return doc.pattern[: len(prefix)] == prefix
    return len(doc.pattern) == 1 and doc.pattern[0] not in ("issues", "actors", "trust")


def _tag(definition: dict) -> str:
    discriminator = definition["properties"].get("role") or definition["properties"]["kind"]
    return discriminator.get("const") or discriminator["enum"][0]


def _section(heading: str, text: str, rows: Iterable[FieldDoc], known: dict[str, str]) -> str:
    lines = [heading, "", text, "", _HEADER]
    lines += [_row(d, known) for d in rows]
    return "\n".join(lines) + "\n"


def _row(doc: FieldDoc, known: dict[str, str]) -> str:
    """One field's table row; the reason's section citations link to docs/model.md."""
    value = ", ".join(part for part in (doc.kind, doc.range) if part)
    cells = [f"`{doc.path}`", doc.description, value, doc.unit, doc.default, doc.why]
    cells = [_cell(c) for c in cells]
    cells[-1] = link_citations(cells[-1], known)
    return "| " + " | ".join(cells) + " |"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")

