"""Every resolved value of a scenario, with its meaning and where it was set (``negsim show``).

A student who opens ``putin-attends.yaml`` sees five lines; :func:`resolved_rows` shows the
hundred values the model will actually use, each with the file and line that set it (the
file itself, the one it ``extends``, a ``--set`` override) or ``default`` when the config's
default applies.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sim.scenario.fields import field_doc
from sim.scenario.loader import ScenarioDict, load_scenario_dict
from sim.scenario.problems import Origin
from sim.scenario.tree import Path, dotted

DEFAULT = "default"


@dataclass(frozen=True)
class Row:
    """One resolved value."""

    path: str
    """Dotted path, e.g. ``actors.usa.attendance.mode``."""
    value: str
    """The value as YAML text (``0.5``, ``always``, ``true``, ``{}``; ``null`` for empty)."""
    description: str
    unit: str
    range: str
    set_by: str
    """``file:line``, ``--set #n``, or ``default`` (followed by where an inherited value
    was deleted with null, if it was)."""


def resolved_rows(path_or_name: str | os.PathLike, overrides: Iterable[str] = ()) -> list[Row]:
    """Every value of the scenario after ``extends``, overrides and defaults, in file order.

    Raises:
        ScenarioError: the scenario cannot be read or is invalid (every problem listed).
    """
    merged = load_scenario_dict(path_or_name, overrides)
    data = merged.validate().model_dump(mode="json")
    return [_row(path, value, merged, data) for path, value in _leaves(data, ())]


def _leaves(node: object, path: Path) -> Iterator[tuple[Path, object]]:
    """Every (path, value) below `node`; an empty mapping is a value of its own."""
    if isinstance(node, dict) and node:
        for key, child in node.items():
            yield from _leaves(child, (*path, key))
    else:
        yield path, node


def _row(path: Path, value: object, merged: ScenarioDict, data: dict) -> Row:
    doc = field_doc(path, data)
    return Row(
        path=dotted(path), value=yaml_text(value),
        description=doc.description if doc else "", unit=doc.unit if doc else "",
        range=doc.range if doc else "", set_by=_set_by(path, merged))


def _set_by(path: Path, merged: ScenarioDict) -> str:
    tree = merged.tree
    if path in tree.origins:
        return _place(tree.origins[path])
    for end in range(len(path), 0, -1):
        if path[:end] in tree.deleted:
            return f"{DEFAULT} (inherited value deleted at {_place(tree.deleted[path[:end]])})"
    return DEFAULT


def _place(origin: Origin) -> str:
    return origin.source if origin.line is None else f"{origin.source}:{origin.line}"


def yaml_text(value: object) -> str:
    """A plain value as a student would write it in YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
