"""The scenarios a student can use, and a start for a new one (``negsim list``, ``negsim new``).

Shipped scenarios come with negsim (``sim.scenarios``, the repository's ``scenarios/``);
the user's own are the ``scenarios/*.yaml`` of the current folder, found first by name.
Sweep files sit in the ``sweeps/`` folder of each, robust files in its ``robust/``. What is
shipped and what is the user's is told by where the file is, never by its name: a user's
``istanbul-2025.yaml`` is theirs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path as FilePath
from typing import Literal, NamedTuple

from sim.errors import UserError, writing
from sim.scenario.config import Scenario
from sim.scenario.fields import field_doc
from sim.scenario.loader import (
    load_scenario,
    load_scenario_dict,
    local_robust,
    local_scenarios,
    local_sweeps,
    resolve_scenario,
    shipped_robust,
    shipped_scenarios,
    shipped_sweeps,
)
from sim.scenario.problems import Problem, ScenarioError
from sim.scenario.schema import write_schema
from sim.scenario.show import yaml_text
from sim.scenario.yamlsource import read_file

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
VALUES_MARKER = "# ---- values from {base}: uncomment a line (and the keys above it) to change it"
"""The line after which ``new_scenario_text`` lists the base's values, commented out."""


class Entry(NamedTuple):
    """One scenario, sweep or robust file in the catalogue."""

    name: str
    where: Literal["shipped", "local"]
    """``shipped`` for a file in negsim's own folder, ``local`` for one in ``./scenarios/``."""
    title: str
    """Its one-line title, or ``(cannot be read: ...)`` with the first problem."""
    path: FilePath


def scenario_catalogue() -> list[Entry]:
    """The shipped scenarios, then the local ones (``./scenarios/*.yaml``), by name.

    A local file that is a shipped one (run from the repository's root) is listed once, as
    shipped. A scenario that cannot be read is listed with its first problem instead of a
    title.
    """
    return _catalogue(shipped_scenarios(), local_scenarios(), _title)


def sweep_catalogue() -> list[Entry]:
    """The shipped sweep files, then the local ones (``./scenarios/sweeps/*.yaml``)."""
    return _catalogue(shipped_sweeps(), local_sweeps(), _file_title)


def robust_catalogue() -> list[Entry]:
    """The shipped robust files, then the local ones (``./scenarios/robust/*.yaml``)."""
    return _catalogue(shipped_robust(), local_robust(), _file_title)


def _catalogue(shipped: dict[str, FilePath], local: dict[str, FilePath],
               title) -> list[Entry]:
    entries = [Entry(name, "shipped", title(path), path) for name, path in shipped.items()]
    for name, path in local.items():
        if not any(_same(path, p) for p in shipped.values()):
            entries.append(Entry(name, "local", title(path), path))
    return entries


def _title(path: FilePath) -> str:
    try:
        title = load_scenario_dict(path).data.get("title")
    except ScenarioError as err:
        return f"(cannot be read: {err.problems[0].message})"
    return " ".join(str(title).split()) if title else "(no title)"


def _file_title(path: FilePath) -> str:
    """The title of a sweep or robust file (read as YAML only: its base is not loaded)."""
    try:
        title = read_file(path, str(path)).data.get("title")
    except ScenarioError as err:
        return f"(cannot be read: {err.problems[0].message})"
    return " ".join(str(title).split()) if title else "(no title)"


def _same(a: FilePath, b: FilePath) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


# ---------------------------------------------------------------------------------------
# negsim new
# ---------------------------------------------------------------------------------------


def new_scenario_text(name: str, base: str = "istanbul-2025",
                      folder: str | os.PathLike = "scenarios") -> str:
    """The text of a new scenario file ``NAME.yaml`` that extends `base`.

    The file loads as it is (it changes nothing yet). Below a marker line it lists, commented
    out with their current values and a one-line description, the fields students change
    most: every leader's attendance, each party's positions and reservation, each
    guarantor's monitoring, credibility and enforcement, and the trust between the parties.

    Args:
        name: the new scenario's name (its file stem).
        base: a scenario name or a path; a path is written relative to `folder`, the folder
            the new file will be saved in.

    Raises:
        ScenarioError: the name is not a usable file name, or the base cannot be loaded.
    """
    if not NAME_PATTERN.match(name) or name.endswith((".yaml", ".yml")):
        raise ScenarioError([Problem(None, None, None, "", (
            f"'{name}' cannot be a scenario name: use letters, digits, '-' and '_', "
            "without .yaml (e.g. my-scenario)"))])
    scenario = load_scenario(base)
    extends = _extends_value(base, folder)
    lines = [
        "# yaml-language-server: $schema=schema.json",
        f"# {name}: a what-if built on {extends}. It changes only what it sets; every other",
        f"# value comes from {extends}. Check it with `negsim validate`, see every value with",
        "# `negsim show`, and every field in docs/scenarios.md.",
        f"extends: {extends}",
        f"title: {name} (a variant of {extends}; edit this title)",
        "description: >",
        "  What this scenario represents (quote or cite the passage of the article it is",
        f"  about) and what it changes relative to {extends}, as dotted paths, e.g.",
        "  Changes: actors.usa.attendance.mode = always.",
        "",
        VALUES_MARKER.format(base=extends),
        *("# " + line for line in _useful_fields(scenario)),
    ]
    return "\n".join(lines) + "\n"


def write_new_scenario(name: str, base: str = "istanbul-2025",
                       folder: str | os.PathLike = "scenarios") -> FilePath:
    """Write ``folder/NAME.yaml`` (:func:`new_scenario_text`), and ``schema.json`` beside it
    if missing (the file's first line points editors at it). Returns the new file.

    Raises:
        ScenarioError: a name that cannot be a file name, or a base that cannot be loaded.
        UserError: the file exists already (it is never overwritten), or cannot be written.
    """
    folder = FilePath(folder)
    target = folder / f"{name}.yaml"
    text = new_scenario_text(name, base, folder)
    with writing(target):
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "x", encoding="utf-8", newline="\n") as file:
                file.write(text)
        except FileExistsError:
            raise UserError(f"{target} exists already; choose another name or edit it") from None
    if not (folder / "schema.json").exists():
        write_schema(folder / "schema.json")
    return target


def _extends_value(base: str, folder: str | os.PathLike) -> str:
    given = FilePath(base)
    if len(given.parts) == 1 and given.suffix in ("", ".yaml", ".yml"):
        return given.stem if given.suffix else base
    return FilePath(os.path.relpath(resolve_scenario(base), folder)).as_posix()


def _useful_fields(scenario: Scenario) -> list[str]:
    data = scenario.model_dump(mode="json")
    out = ["actors:"]
    for a, actor in data["actors"].items():
        out.append(f"  {a}:")
        out.append("    attendance:")
        for key in ("mode", "propensity"):
            out.append(_line(6, key, actor["attendance"][key], ("actors", a, "attendance", key),
                             data))
        fields = {"party": ("positions", "reservation"),
                  "guarantor": ("monitoring", "credibility", "enforcement")}
        for key in fields.get(actor["role"], ()):
            out.append(_line(4, key, actor[key], ("actors", a, key), data))
    parties = [a for a, actor in data["actors"].items() if actor["role"] == "party"]
    out.append("trust:")
    for i in parties:
        row = {j: data["trust"][i][j] for j in parties if j != i}
        out.append(_line(2, i, row, ("trust", i, parties[0]), data,
                         f"{i}'s trust in the other parties"))
    return out


def _line(indent: int, key: str, value: object, path: tuple, data: dict,
          note: str | None = None) -> str:
    text = f"{' ' * indent}{key}: {_flow(value)}"
    return f"{text:<40}  # {note or _one_line(path, data)}"


def _flow(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return yaml_text(value)


def _one_line(path: tuple, data: dict, width: int = 56) -> str:
    """The first clause of the field's description, short, with its range."""
    doc = field_doc(path, data)
    if doc is None:
        return ""
    if doc.kind.startswith("one of "):
        return doc.kind
    sentence = re.split(r"\. |; |, | \(", doc.description)[0].rstrip(".")
    if len(sentence) > width:
        sentence = sentence[: width - 1].rsplit(" ", 1)[0] + "…"
    return f"{sentence} ({doc.range})" if doc.range else sentence
