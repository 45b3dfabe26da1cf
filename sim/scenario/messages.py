"""Pydantic's validation errors in plain words, at the YAML path the student wrote.

Pydantic reports places as *locations* that include the tag of a discriminated union (the
``guarantor`` in ``('actors', 'usa', 'guarantor', 'monitoring')``) or the branch of a plain
union (``'dict[str,constrained-float]'``); :func:`explain` walks the config classes along
the location to drop those, so the message names ``actors.usa.monitoring``. It also splits
the cross-reference problems that the config's model validators raise as one text.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from sim.scenario.config import Scenario
from sim.scenario.problems import did_you_mean, show_value
from sim.scenario.tree import Path, Tree


@dataclass(frozen=True)
class Explained:
    """One problem in plain words: the path shown, the path whose origin is cited, the text."""

    path: Path
    at: Path
    message: str


def explain(err: ValidationError, tree: Tree, references: bool = True) -> list[Explained]:
    """Every error in `err` as plain-words problems about the data in `tree`.

    With ``references=False`` the scenario's own cross-reference check (the error at the
    top level) is left out, for a caller that checks the references on the data itself.
    """
    out: list[Explained] = []
    for error in err.errors(include_url=False):
        if not references and is_reference_error(error):
            continue
        step = _walk(error["loc"], tree)
        if step is not None:
            out.extend(_explain_one(error, step, tree))
    return list(dict.fromkeys(out))


def is_reference_error(error: dict) -> bool:
    """Whether a pydantic error is the :class:`Scenario` model validator's (it runs only
    when every field is valid, and reports the cross-reference problems)."""
    return error["loc"] == () and error["type"] == "value_error"


# ---------------------------------------------------------------------------------------
# From a pydantic location to the YAML path
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    path: Path
    annotation: Any
    """The config type expected at `path`."""


def _walk(loc: tuple, tree: Tree) -> _Step | None:
    """The YAML path of `loc` and the type there; None for an error in a union branch that
    does not fit the value given (its sibling branch's error says what is wrong)."""
    annotation: Any = Scenario
    path: list = []
    for item in loc:
        core, discriminator = _core(annotation)
        if _is_union(core):
            members = _members(core)
            if discriminator:
                annotation = next((m for m in members if item in _tags(m, discriminator)), Any)
                continue
            if str(item).startswith("dict") != isinstance(tree.get(tuple(path)), dict):
                return None
            is_dict = str(item).startswith("dict")
            annotation = next((m for m in members if _is_dict(m) == is_dict), Any)
            continue
        annotation = _child(core, item)
        path.append(item)
    return _Step(tuple(path), annotation)


def _core(annotation: Any) -> tuple[Any, str | None]:
    """Strip ``Annotated`` and ``| None``; return the type and its discriminator, if any."""
    discriminator = None
    while True:
        if get_origin(annotation) is Annotated:
            base, *meta = get_args(annotation)
            for m in meta:
                if isinstance(m, FieldInfo) and isinstance(m.discriminator, str):
                    discriminator = m.discriminator
            annotation = base
        elif _is_union(annotation) and len(_members(annotation)) == 1:
            annotation = _members(annotation)[0]
        else:
            return annotation, discriminator


def _child(core: Any, item: Any) -> Any:
    if isinstance(core, type) and issubclass(core, BaseModel):
        field = core.model_fields.get(item)
        return field.annotation if field else Any
    if get_origin(core) is dict:
        return get_args(core)[1]
    return Any


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _members(union: Any) -> list[Any]:
    return [m for m in get_args(union) if m is not type(None)]


def _is_dict(annotation: Any) -> bool:
    return get_origin(_core(annotation)[0]) is dict


def _tags(model: Any, discriminator: str) -> tuple[str, ...]:
    core, _ = _core(model)
    return get_args(core.model_fields[discriminator].annotation)


def _union_tags(annotation: Any) -> tuple[str, list[str]]:
    """The discriminator of a tagged union and its tags in declaration order."""
    core, discriminator = _core(annotation)
    return discriminator or "kind", [t for m in _members(core) for t in _tags(m, discriminator)]


def _allowed_keys(annotation: Any) -> list[str]:
    core, _ = _core(annotation)
    if isinstance(core, type) and issubclass(core, BaseModel):
        return list(core.model_fields)
    return []


# ---------------------------------------------------------------------------------------
# Wording
# ---------------------------------------------------------------------------------------

_MAPPING = "must be a mapping of key: value pairs"
_TYPE_WORDS = {
    "float_type": "must be a number", "float_parsing": "must be a number",
    "int_type": "must be a whole number", "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false", "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "dict_type": _MAPPING, "model_type": _MAPPING, "model_attributes_type": _MAPPING,
    "list_type": "must be a list",
    "string_too_short": "must not be empty",
    "date_type": "must be a date like 2025-05-15",
}
_BOUND_WORDS = {"le": "at most", "lt": "less than", "ge": "at least", "gt": "more than"}


def _explain_one(error: dict, step: _Step, tree: Tree) -> list[Explained]:
    kind, ctx, path = error["type"], error.get("ctx") or {}, step.path
    given = error.get("input")
    if kind == "value_error":
        return _split_validator_text(str(ctx.get("error", error["msg"])), path, tree)
    if kind == "missing":
        return [Explained(path, path, "required field missing")]
    if kind == "extra_forbidden":
        return [Explained(path, path, _unknown_key(error["loc"], tree))]
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return [_tag_problem(kind, ctx, step)]
    return [Explained(path, path, _wording(kind, ctx, error["msg"], given))]


def _wording(kind: str, ctx: dict, msg: str, given: object) -> str:
    got = f" (got {show_value(given)})"
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind] + got
    bound = next((b for b in _BOUND_WORDS if b in ctx), None)
    if bound and kind.startswith(("less_than", "greater_than")):
        return f"must be {_BOUND_WORDS[bound]} {ctx[bound]:g}{got}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(given, allowed) if isinstance(given, str) else ""
        return f"must be one of {', '.join(allowed)}{hint}{got}"
    if kind == "too_short":
        n = ctx["min_length"]
        entries = "entry" if n == 1 else "entries"
        return f"must have at least {n} {entries} (got {ctx['actual_length']})"
    if kind.startswith("date"):
        detail = f"; {ctx['error']}" if ctx.get("error") else ""
        return f"must be a date like 2025-05-15{detail}{got}"
    text = msg.replace("Input should be", "must be")
    return text[:1].lower() + text[1:] + got


def _unknown_key(loc: tuple, tree: Tree) -> str:
    parent = _walk(loc[:-1], tree)
    allowed = _allowed_keys(parent.annotation) if parent else []
    key = loc[-1]
    hint = did_you_mean(str(key), allowed) or ";"
    return f"unknown key '{key}'{hint} allowed: {', '.join(allowed)}"


def _tag_problem(kind: str, ctx: dict, step: _Step) -> Explained:
    discriminator, tags = _union_tags(step.annotation)
    allowed = ", ".join(tags)
    if kind == "union_tag_not_found":
        return Explained(step.path, step.path,
                         f"{discriminator} missing: it must be one of {allowed}")
    tag = ctx.get("tag", "")
    return Explained(step.path, (*step.path, discriminator),
                     f"{discriminator} must be one of {allowed}{did_you_mean(tag, tags)}"
                     f" (got {show_value(tag)})")


# ---------------------------------------------------------------------------------------
# The config's own checks: one "path: problem" per line
# ---------------------------------------------------------------------------------------

_PATH_PREFIX = re.compile(r"^([^\s:.]+(?:\.[^\s:.]+)*): (.*)$", re.S)
_REFERENCE = re.compile(r"no (?:other )?(actor|issue|party) '([^']*)'")
_NOT_A_PARTY = re.compile(r"'([^']*)' is not a party")


def explain_references(problems: Iterable[tuple[Path, str]], tree: Tree,
                       loc_path: Path = ()) -> list[Explained]:
    """Cross-reference problems ``(path, message)`` in plain words, with "did you mean" for
    a misspelt id, cited at the misspelt key itself when the data has it."""
    return [_reference_problem(path, message, loc_path, tree) for path, message in problems]


def _split_validator_text(text: str, loc_path: Path, tree: Tree) -> list[Explained]:
    """The problems in a validator's text: the config joins them one per line."""
    return explain_references(map(_path_and_message, _parts(text)), tree, loc_path)


def _parts(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _path_and_message(part: str) -> tuple[Path, str]:
    match = _PATH_PREFIX.match(part)
    return (tuple(match[1].split(".")), match[2]) if match else ((), part)


def _reference_problem(rel: Path, message: str, loc_path: Path, tree: Tree) -> Explained:
    path = (*loc_path, *rel)
    at = path
    if ref := _REFERENCE.search(message):
        kind, name = ref[1], ref[2]
        message += did_you_mean(name, sorted(set(_ids(tree, kind)) - set(path)))
        message += _deleted_by(tree, ("issues" if kind == "issue" else "actors", name))
        if isinstance(tree.get(path), dict) and name in tree.get(path):
            at = (*path, name)
    elif ref := _NOT_A_PARTY.search(message):
        message += did_you_mean(ref[1], _ids(tree, "party"))
    elif message.startswith("missing (") and path[:1] == ("trust",) and len(path) == 3:
        at = _where_trust_is_missing(path, tree)
    return Explained(path, at, message)


def _deleted_by(tree: Tree, path: Path) -> str:
    """Where an id was deleted with ``id: null``, when it was: the reference itself may sit
    in a file the student did not write (the baseline they extend)."""
    origin = tree.deleted.get(path)
    if origin is None:
        return ""
    where = f"{origin.source}:{origin.line}" if origin.line else origin.source
    return f" ('{path[-1]}' was deleted with null at {where})"


def _where_trust_is_missing(path: Path, tree: Tree) -> Path:
    """Cite a missing trust entry where the student can add it: where it was deleted, else
    the trust row or the actor it is about, whichever the most derived file wrote (a new
    actor in the student's file, not the baseline's trust row)."""
    if path in tree.deleted:
        return path
    row, actor = path[:2], ("actors", path[2])

    def rank(p: Path) -> int:  # an override (no line) is the most derived of all
        origin = tree.origin(p)
        if origin.line is None:
            return -1
        return tree.sources.index(origin.source) if origin.source in tree.sources else 99

    return actor if rank(actor) < rank(row) else row


def _ids(tree: Tree, kind: str) -> list[str]:
    if kind == "issue":
        issues = tree.get(("issues",))
        return list(issues) if isinstance(issues, dict) else []
    actors = tree.get(("actors",))
    if not isinstance(actors, dict):
        return []
    return [a for a, v in actors.items()
            if kind == "actor" or (isinstance(v, dict) and v.get("role") == "party")]

