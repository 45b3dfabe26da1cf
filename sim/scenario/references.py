"""Cross-references: every actor and issue id that a scenario names must exist.

:func:`reference_problems` reads plain data: the loader's merged dict, before the typed
config has accepted it, or a validated scenario's ``model_dump()``. So the config's model
validator and the loader share one set of checks, and a student sees a misspelt key, a
missing trust entry and an unknown issue id in one run, not one per run.

It checks only what it can read: a part that has the wrong shape (``positions: 0.5``, an
actor whose ``role`` is misspelt) is skipped here, since the typed config reports it, and
checks that need that part (is this actor a party?) are skipped too rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from numbers import Real

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
"""Actor and issue ids: lower case, digits and underscores (they appear in dotted paths)."""

ROLES = ("party", "mediator", "guarantor")
ISSUE_FIELDS = ("positions", "reservation", "mandate", "salience", "concession")
"""The party fields that are ``{issue: value}`` mappings."""
COMPLETE_FIELDS = ("positions", "reservation")
"""The party fields that need an entry for every issue (``concession`` too, when a mapping)."""

Path = tuple[str, ...]
RefProblem = tuple[Path, str]
"""A problem as (path, message), e.g. ``(("trust", "ukraine", "usa"), "missing (...)")``."""


def reference_problems(data: object) -> Iterator[RefProblem]:
    """Every cross-reference problem in a scenario's plain data, as ``(path, message)``."""
    if not isinstance(data, Mapping):
        return
    ids = _Ids(data)
    yield from _id_problems(ids)
    yield from _issue_problems(ids)
    for a, actor in ids.actors.items():
        yield from _actor_problems(a, actor, ids)
    yield from _trust_problems(data.get("trust"), ids)


class _Ids:
    """The ids a scenario defines; ``None`` where that part cannot be read."""

    def __init__(self, data: Mapping):
        issues, actors = data.get("issues"), data.get("actors")
        self.issues_readable = isinstance(issues, Mapping)
        self.issue_map: Mapping = issues if self.issues_readable else {}
        self.issues: set[str] = set(self.issue_map)
        self.actors: Mapping = actors if isinstance(actors, Mapping) else {}
        self.roles = {a: _get(v, "role") for a, v in self.actors.items()}
        self.parties = {a for a, role in self.roles.items() if role == "party"}
        self.unknown_role = {a for a, role in self.roles.items() if role not in ROLES}
        """Actors whose role cannot be read: they may or may not be parties."""


def _id_problems(ids: _Ids) -> Iterator[RefProblem]:
    for field, names in (("issues", ids.issues), ("actors", set(ids.actors))):
        for i in sorted(names, key=str):
            if not re.match(ID_PATTERN, str(i)):
                yield (field, str(i)), "an id must be lower case letters, digits and underscores"
    if ids.actors and not ids.unknown_role and len(ids.parties) < 2:
        yield ("actors",), (f"a scenario needs at least two parties (role: party), "
                            f"found {len(ids.parties)}")


def _issue_problems(ids: _Ids) -> Iterator[RefProblem]:
    kinds = [_get(issue, "kind") for issue in ids.issue_map.values()]
    if kinds.count("ceasefire") > 1:
        yield ("issues",), "at most one issue may be of kind 'ceasefire'"
    after = {k: _get(issue, "opens_after") for k, issue in ids.issue_map.items()}
    for k, first in after.items():
        if isinstance(first, str) and first not in ids.issues - {k}:
            yield ("issues", k, "opens_after"), f"no other issue '{first}'"
    for start in after:
        seen, k = {start}, after[start]
        while isinstance(k, str) and k in after:
            if k in seen:
                yield ("issues", start, "opens_after"), "the chain of prerequisites loops back"
                break
            seen.add(k)
            k = after[k]


def _actor_problems(a: str, actor: object, ids: _Ids) -> Iterator[RefProblem]:
    follows = _get(_get(actor, "attendance"), "follows")
    for j in _keys(follows):
        if j not in set(ids.actors) - {a}:
            yield ("actors", a, "attendance", "follows"), f"no other actor '{j}'"
    if ids.roles[a] == "party":
        yield from _party_problems(a, actor, ids)
    if ids.roles[a] == "mediator":
        for p in _keys(_get(actor, "bias")):
            if p not in ids.parties and p not in ids.unknown_role:
                yield ("actors", a, "bias"), f"no party '{p}'"


def _party_problems(a: str, party: object, ids: _Ids) -> Iterator[RefProblem]:
    if not ids.issues_readable:
        return
    for field in ISSUE_FIELDS:
        mapping = _get(party, field)
        if not isinstance(mapping, Mapping):
            continue  # absent (a default), a number (concession) or the wrong shape
        if field in (*COMPLETE_FIELDS, "concession"):
            for k in sorted(ids.issues - set(mapping)):
                yield ("actors", a, field), f"missing issue '{k}'"
        for k in mapping:
            if k not in ids.issues:
                yield ("actors", a, field), f"no issue '{k}'"
    weights = _get(party, "salience")
    if isinstance(weights, Mapping) and all(_is_number(w) for w in weights.values()):
        if sum(weights.values()) > 1.0 + 1e-9:
            yield ("actors", a, "salience"), "weights must sum to at most 1"


def _trust_problems(trust: object, ids: _Ids) -> Iterator[RefProblem]:
    if not isinstance(trust, Mapping):
        return  # missing or the wrong shape: the typed config says so
    actors = set(ids.actors)
    for i, row in trust.items():
        if i not in ids.parties:
            if i not in ids.unknown_role:
                yield ("trust", i), f"only parties hold trust, and '{i}' is not a party"
            continue
        for j in _keys(row):
            if j not in actors - {i}:
                yield ("trust", i, j), f"no other actor '{j}'"
    for i in sorted(ids.parties):
        row = trust.get(i, {})
        if not isinstance(row, Mapping):
            continue
        for j in sorted(actors - {i}):
            if j not in row:
                yield ("trust", i, j), f"missing ({i}'s trust in {j}, 0–1)"


def _get(value: object, key: str) -> object:
    return value.get(key) if isinstance(value, Mapping) else None


def _keys(value: object) -> list:
    return list(value) if isinstance(value, Mapping) else []


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)
