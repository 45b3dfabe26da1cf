"""Finding, reading, combining and validating a scenario.

``load_scenario("istanbul-2025", overrides=["trust.ukraine.russia=0.2"])`` does, in order:

1. **find** the file: a path; else ``scenarios/NAME.yaml`` in the current folder; else the
   shipped scenario of that name (:func:`resolve_scenario`);
2. **read** it safely with a line for every value (:mod:`sim.scenario.yamlsource`);
3. **extends**: read the scenario it builds on, and deep-merge this one over it
   (:func:`sim.scenario.tree.merge`; ``key: null`` deletes an inherited key);
4. **overrides**: each ``dotted.path=value`` is merged the same way, as if it were a tiny file
   called ``--set #n``;
5. **validate** the merged data with the typed config (:mod:`sim.scenario.config`) and turn
   every error into a :class:`~sim.scenario.problems.Problem` citing the file and line, or
   the override, that holds the bad value (:mod:`sim.scenario.messages`).

Steps 1-4 give a :class:`ScenarioDict` (plain data plus where each value came from); sweeps
apply overrides to it per point and validate each (:meth:`ScenarioDict.with_overrides`).
"""

from __future__ import annotations

import importlib.resources
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path as FilePath
from typing import NoReturn

from pydantic import ValidationError

from sim.scenario.config import Scenario
from sim.scenario.messages import explain, explain_references
from sim.scenario.problems import Origin, Problem, ScenarioError, did_you_mean
from sim.scenario.references import reference_problems
from sim.scenario.tree import Path, Tree, dotted, merge
from sim.scenario.yamlsource import read_file, read_value

SUFFIXES = (".yaml", ".yml")
MAX_EXTENDS = 20
"""Longest chain of ``extends:`` followed (a longer one is surely a mistake)."""


@dataclass(frozen=True)
class ScenarioDict:
    """A scenario read and merged but not yet validated.

    Attributes:
        tree: the merged data with the origin of every value (see :class:`Tree`).
        source: the file or name as the user gave it.
        stem: the file's stem (``istanbul-2025``), the scenario's name in results folders.
        overrides: the ``PATH=VALUE`` texts applied so far, in order, as given.
    """

    tree: Tree
    source: str
    stem: str
    overrides: tuple[str, ...] = ()

    @property
    def data(self) -> dict:
        """The merged scenario as plain data (do not modify: use :meth:`with_overrides`)."""
        return self.tree.data

    def origin(self, path: Path) -> Origin:
        """The file and line, or the override, that set the value at `path`."""
        return self.tree.origin(path)

    def with_overrides(self, overrides: Iterable[str], label: str = "--set") -> ScenarioDict:
        """This scenario with ``dotted.path=value`` overrides applied, numbered on from any
        applied before; problems with them cite ``{label} #n``."""
        if isinstance(overrides, str):
            raise TypeError("overrides must be a list of 'path=value' strings, not one string")
        overrides = tuple(overrides)
        tree, problems = self.tree, []
        for text in overrides:
            n = tree.overrides + 1
            try:
                overlay = _override_tree(text, Origin(f"{label} #{n}"))
            except ScenarioError as err:
                problems += err.problems
                overlay = Tree({}, {}, sources=[f"{label} #{n}"])
            tree = merge(tree, overlay)
            tree.overrides = n
        tree = replace(tree, problems=[*tree.problems, *problems])
        return replace(self, tree=tree, overrides=(*self.overrides, *overrides))

    def validate(self) -> Scenario:
        """The typed, frozen scenario.

        Raises:
            ScenarioError: every problem found, sorted by file (the user's first, then the
                ones it extends, then the overrides) and line.
        """
        tree = self.tree
        problems = list(tree.problems)
        try:
            # Strict, from JSON: no 'yes' → True or '0.5' → 0.5 coercion; dates from text.
            scenario = Scenario.model_validate_json(json.dumps(tree.data), strict=True)
        except ValidationError as err:
            # The references are checked on the data, so that they are reported even when
            # a field is invalid (the config's own check then never runs).
            explained = [*explain(err, tree, references=False),
                         *explain_references(reference_problems(tree.data), tree)]
            problems += [_problem(tree, e) for e in dict.fromkeys(explained)
                         if not _covered(e.path, tree.problems)]
            problems = problems or [Problem.at(tree.origin(()), "", str(err))]  # never silent
        if problems:
            raise ScenarioError(_in_order(problems, tree.sources))
        return scenario.with_source(self.source, self.stem, self.overrides)


def load_scenario(path_or_name: str | os.PathLike, overrides: Iterable[str] = ()) -> Scenario:
    """The scenario at a path or of a name, with ``dotted.path=value`` overrides applied.

    Raises:
        ScenarioError: the scenario cannot be found, read or validated; its message has one
            line per problem, ``file:line:col  field.path: message``.
    """
    return load_scenario_dict(path_or_name, overrides).validate()


def load_scenario_dict(path_or_name: str | os.PathLike,
                       overrides: Iterable[str] = ()) -> ScenarioDict:
    """The merged plain data of a scenario (``extends`` and overrides applied), unvalidated.

    Raises:
        ScenarioError: the file cannot be found or read (syntax, encoding, a missing or
            looping ``extends``). Problems that do not stop reading are raised by
            :meth:`ScenarioDict.validate` with all the others.
    """
    path = resolve_scenario(path_or_name)
    tree = _read_chain(path, [os.path.abspath(path)])
    return ScenarioDict(tree, str(path_or_name), file_stem(path)).with_overrides(overrides)


# ---------------------------------------------------------------------------------------
# Finding scenario files
# ---------------------------------------------------------------------------------------


LOCAL_FOLDER = FilePath("scenarios")
"""The user's own scenarios: ``scenarios/`` of the current folder (sweeps in its ``sweeps/``,
robust files in its ``robust/``)."""
SWEEPS = "sweeps"
ROBUST = "robust"


def shipped_folder() -> FilePath:
    """The folder of the scenarios that come with negsim (the package ``sim.scenarios``: the
    repository's ``scenarios/`` in an editable install)."""
    return FilePath(str(importlib.resources.files("sim.scenarios")))


def shipped_scenarios() -> dict[str, FilePath]:
    """The scenarios that come with negsim, by name."""
    return _by_name(shipped_folder())


def local_scenarios() -> dict[str, FilePath]:
    """The scenarios in ``scenarios/`` of the current folder, by name."""
    return _by_name(LOCAL_FOLDER)


def shipped_sweeps() -> dict[str, FilePath]:
    """The sweep files that come with negsim (``scenarios/sweeps/``), by name."""
    return _by_name(shipped_folder() / SWEEPS)


def local_sweeps() -> dict[str, FilePath]:
    """The sweep files in ``scenarios/sweeps/`` of the current folder, by name."""
    return _by_name(LOCAL_FOLDER / SWEEPS)


def shipped_robust() -> dict[str, FilePath]:
    """The robust files that come with negsim (``scenarios/robust/``), by name."""
    return _by_name(shipped_folder() / ROBUST)


def local_robust() -> dict[str, FilePath]:
    """The robust files in ``scenarios/robust/`` of the current folder, by name."""
    return _by_name(LOCAL_FOLDER / ROBUST)


EXPERIMENT_FILES = {
    "sweep": ("sweep file", "sweep", "sweeps", shipped_sweeps, local_sweeps),
    "robust": ("robust file", "robust file", "robust files", shipped_robust, local_robust),
}
"""Per kind of experiment file: what messages call one (in full, and short), and several
shipped ones; where they are."""


def find_experiment_file(path_or_name: str | os.PathLike, kind: str) -> FilePath:
    """A sweep or robust file (``kind``) given as a path, or as the name of one in
    ``scenarios/sweeps/`` (``scenarios/robust/``) of the current folder, then shipped.

    Raises:
        UserError: no such file (naming the shipped ones, with did-you-mean), or the name of
            a scenario (pointing at ``negsim run``).
    """
    from sim.errors import UserError

    noun, short, plural, shipped, local = EXPERIMENT_FILES[kind]
    given = FilePath(path_or_name)
    if _is_file(given):
        return given
    if len(given.parts) == 1:
        name = file_stem(given)
        found = local().get(name) or shipped().get(name)
        if found is not None:
            return found
        if name in local_scenarios() or name in shipped_scenarios():
            raise UserError(f"'{given}' is a scenario, not a {short}: run it with negsim run "
                            f"{given}")
    names = list(shipped())
    raise UserError(f"cannot find the {noun} '{given}'{did_you_mean(given.stem, names) or ';'} "
                    f"shipped {plural}: {', '.join(names)}")


def _by_name(folder: FilePath) -> dict[str, FilePath]:
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def resolve_scenario(path_or_name: str | os.PathLike) -> FilePath:
    """The file of a scenario given as a path or a name.

    Raises:
        ScenarioError: no such file or scenario (the message lists the shipped names).
    """
    given = FilePath(path_or_name)
    if _is_file(given):
        return given
    if _is_dir(given):
        inside = given / "scenario.yaml"  # a results folder keeps the scenario it ran
        hint = (f" (this looks like a results folder: its scenario is {inside})"
                if _is_file(inside) else "")
        raise ScenarioError([Problem(None, None, None, "", f"'{given}' is a folder; give a "
                                     f"scenario file or a scenario name{hint}")])
    name = file_stem(given) if _is_name(given) else None
    for candidates in (local_scenarios(), shipped_scenarios()):
        if name in candidates:
            return candidates[name]
    raise ScenarioError([Problem(None, None, None, "", _not_found(str(path_or_name), name))])


def _is_file(path: FilePath) -> bool:
    """``path.is_file()``, False also when the name cannot be a file (too long, ...)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _is_dir(path: FilePath) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _printable(text: str) -> str:
    """`text` as given, or with its control characters escaped; at most 80 characters."""
    text = text if text.isprintable() else repr(text)[1:-1]
    return text if len(text) <= 80 else text[:77] + "..."


def _not_found(given: str, name: str | None) -> str:
    shipped = list(shipped_scenarios())
    given = _printable(given)
    if name is None:
        return f"cannot find the scenario file '{given}'"
    if name in local_sweeps() or name in shipped_sweeps():
        return f"'{given}' is a sweep, not a scenario: run it with negsim sweep {given}"
    known = [*local_scenarios(), *shipped]
    return (f"cannot find scenario '{given}': no such file, no scenarios/{name}.yaml here, "
            f"and no shipped scenario of that name{did_you_mean(name, known) or ';'} "
            f"shipped: {', '.join(shipped)}")


def _is_name(path: FilePath) -> bool:
    return len(path.parts) == 1 and (path.suffix in SUFFIXES or not path.suffix)


def file_stem(path: FilePath) -> str:
    return path.stem if path.suffix in SUFFIXES else path.name


def shown_path(path: FilePath) -> str:
    """A file as messages show it: relative to the current folder when below it."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


# ---------------------------------------------------------------------------------------
# extends
# ---------------------------------------------------------------------------------------


def _read_chain(path: FilePath, chain: list[str]) -> Tree:
    """The file at `path` merged over the scenarios it extends; `chain` holds the absolute
    paths being read, to catch a cycle."""
    tree = read_file(path, shown_path(path))
    if tree.data.get("kind") == "sweep":
        raise ScenarioError([Problem.at(tree.origin(("kind",)), "kind", (
            f"this is a sweep file, not a scenario: run it with negsim sweep {shown_path(path)}"))])
    if "extends" not in tree.data:
        return tree
    value, origin = tree.data.pop("extends"), tree.origins.pop(("extends",))
    try:
        parent_path = _resolve_extends(value, path, origin, chain)
        parent = _read_chain(parent_path, [*chain, os.path.abspath(parent_path)])
    except ScenarioError as err:
        raise ScenarioError([*tree.problems, *err.problems]) from None
    merged = merge(parent, tree)
    merged.origins[()] = tree.origins[()]
    merged.sources = [*tree.sources, *(s for s in parent.sources if s not in tree.sources)]
    return merged


def _resolve_extends(value: object, child: FilePath, origin: Origin,
                     chain: list[str]) -> FilePath:
    """The file named by ``extends: value`` in `child`: a path relative to `child`, with or
    without ``.yaml``, else a shipped scenario; refused if it closes a cycle."""
    def fail(message: str) -> NoReturn:
        raise ScenarioError([Problem.at(origin, "extends", message)])

    if not isinstance(value, str) or not value.strip():
        fail(f"must be a scenario name or a path relative to this file (got {value!r})")
    existing = [c for c in _extends_candidates(value, child) if _is_file(c)]
    # A local copy named like a shipped scenario may extend the shipped one: skip itself.
    found = next((c for c in existing if not c.samefile(child)), existing[0] if existing else None)
    if found is None:
        hint = did_you_mean(file_stem(FilePath(value)), [*_neighbours(child), *shipped_scenarios()])
        fail(f"cannot find '{_printable(value)}': no such file next to this one, and no shipped "
             f"scenario of that name{hint}")
    if os.path.abspath(found) in chain:
        loop = [shown_path(FilePath(p)) for p in chain[chain.index(os.path.abspath(found)):]]
        fail(f"'{_printable(value)}' makes a cycle: {' → '.join([*loop, shown_path(found)])}")
    if len(chain) > MAX_EXTENDS:
        fail(f"more than {MAX_EXTENDS} scenarios extend one another")
    return found


def _extends_candidates(value: str, child: FilePath) -> list[FilePath]:
    wanted = FilePath(value)
    candidates = [child.parent / wanted]
    if not wanted.suffix:
        candidates.append(child.parent / f"{value}.yaml")
    shipped = shipped_scenarios()
    if _is_name(wanted) and file_stem(wanted) in shipped:
        candidates.append(shipped[file_stem(wanted)])
    return candidates


def _neighbours(child: FilePath) -> list[str]:
    return [p.stem for p in child.parent.glob("*.yaml") if p != child]


# ---------------------------------------------------------------------------------------
# Overrides and validation
# ---------------------------------------------------------------------------------------


def _override_tree(text: str, origin: Origin) -> Tree:
    """``actors.usa.attendance.mode=always`` as a one-value tree whose origin is `origin`."""
    def fail(message: str) -> NoReturn:
        raise ScenarioError([Problem.at(origin, "", message)])

    if "=" not in text:
        fail(f"expected PATH=VALUE, e.g. trust.ukraine.russia=0.2 (got {text!r})")
    path_text, value_text = text.split("=", 1)
    parts = tuple(part.strip() for part in path_text.split("."))
    if not path_text.strip():
        fail(f"the path before '=' is empty (got {text!r})")
    if not all(parts):
        fail(f"the path '{path_text.strip()}' has an empty part between dots")
    return read_value(value_text, origin, parts)


def _problem(tree: Tree, explained) -> Problem:
    message = explained.message
    if message == "required field missing" and explained.path in tree.deleted:
        message += " (deleted here with null, but it is required)"
    return Problem.at(tree.origin(explained.at), dotted(explained.path), message)


def _covered(path: Path, reading_problems: list[Problem]) -> bool:
    """Whether a problem found while reading already concerns `path` (e.g. a ``.nan``)."""
    text = dotted(path)
    return any(p.path and (text == p.path or text.startswith(p.path + "."))
               for p in reading_problems)


def _in_order(problems: list[Problem], sources: list[str]) -> list[Problem]:
    def key(p: Problem):
        rank = sources.index(p.file) if p.file in sources else -1
        return rank, p.line or 0, p.col or 0

    return sorted(dict.fromkeys(problems), key=key)
