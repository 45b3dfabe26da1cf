"""Plain scenario data that remembers where every value was written.

A :class:`Tree` is what the loader works on before validation: the nested dicts, lists and
scalars read from YAML, plus the :class:`Origin` (file and line, or ``--set #n``) of every
value. ``extends:`` and ``--set`` overrides are both a :func:`merge` of one tree over
another, so error messages always point into the file, or at the override, that actually
holds the bad value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from sim.scenario.problems import Origin, Problem

Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    """``('actors', 'usa', 'leverage')`` → ``'actors.usa.leverage'``."""
    return ".".join(str(part) for part in path)


@dataclass
class Tree:
    """Scenario data with the origin of every value.

    Attributes:
        data: the top-level mapping (plain dicts, lists, str, int, float, bool, None).
        origins: for every path in ``data``, where its key (or list item) was written;
            ``()`` is the top of the file that was named by the user.
        deleted: paths removed by ``key: null`` over an inherited value, with where.
        problems: problems found while reading that did not stop the reading.
        sources: the files and overrides read, in the order errors are listed.
        overrides: how many ``--set`` overrides have been applied (they are numbered on).
    """

    data: dict
    origins: dict[Path, Origin]
    deleted: dict[Path, Origin] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    overrides: int = 0

    def origin(self, path: Path) -> Origin:
        """Where `path` was set, or deleted; else its nearest ancestor that exists."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.origins:
                return self.origins[prefix]
            if prefix in self.deleted:
                return self.deleted[prefix]
        return Origin(self.sources[0] if self.sources else "<scenario>", 1, 1)

    def get(self, path: Path, default: object = None) -> object:
        """The value at `path`, or `default` when the path does not exist."""
        node: object = self.data
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return default
        return node


def merge(base: Tree, overlay: Tree) -> Tree:
    """`overlay` deep-merged over `base`: mappings merge key by key, other values replace.

    ``key: null`` in the overlay deletes an inherited key (a null over nothing stays a
    null, for the schema to judge). Mappings present in both keep the base's origin, since
    the base created them; every value the overlay sets carries the overlay's origin.
    """
    result = Tree(
        data=copy.deepcopy(base.data),
        origins=dict(base.origins),
        deleted=dict(base.deleted),
        problems=[*base.problems, *overlay.problems],
        sources=[*base.sources, *(s for s in overlay.sources if s not in base.sources)],
        overrides=max(base.overrides, overlay.overrides),
    )
    _merge_mapping(result, result.data, overlay.data, (), overlay)
    return result


def _merge_mapping(result: Tree, target: dict, over: dict, prefix: Path, overlay: Tree) -> None:
    for key, value in over.items():
        path = (*prefix, key)
        if value is None and key in target:
            del target[key]
            _forget(result, path)
            result.deleted[path] = overlay.origins[path]
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_mapping(result, target[key], value, path, overlay)
        else:
            target[key] = copy.deepcopy(value)
            _forget(result, path)
            result.origins.update(_subtree(overlay.origins, path))
            result.deleted.update(_subtree(overlay.deleted, path))


def _forget(tree: Tree, path: Path) -> None:
    """Drop the origins and deletions recorded at and below `path`."""
    for table in (tree.origins, tree.deleted):
        for p in list(_subtree(table, path)):
            del table[p]


def _subtree(table: dict[Path, Origin], path: Path) -> dict[Path, Origin]:
    n = len(path)
    return {p: o for p, o in table.items() if p[:n] == path}
