"""What is wrong with a scenario, said so that a student can fix it from the message alone.

Every problem carries the place that holds the bad value (a file, line and column, or the
``--set #n`` override that supplied it) and the dotted field path, so the CLI can print one
line per problem::

    scenarios/mine.yaml:12:5  actors.turkey.skil: unknown key 'skil'; did you mean 'skill'? ...
    --set #2  trust.ukraine.russia: must be at most 1 (got 2)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from sim.errors import UserError


@dataclass(frozen=True)
class Origin:
    """Where a value was written: a file position (1-based) or a source without lines."""

    source: str
    """The file as shown to the user (relative to the current folder when below it), or
    ``--set #n`` for the n-th command-line override."""
    line: int | None = None
    col: int | None = None


@dataclass(frozen=True)
class Problem:
    """One thing to fix. ``str()`` gives the ``file:line:col  field.path: message`` line."""

    file: str | None
    line: int | None
    col: int | None
    path: str
    message: str

    @classmethod
    def at(cls, origin: Origin | None, path: str, message: str) -> Problem:
        if origin is None:
            return cls(None, None, None, path, message)
        return cls(origin.source, origin.line, origin.col, path, message)

    def __str__(self) -> str:
        where = self.file or ""
        if self.file and self.line is not None:
            where = f"{self.file}:{self.line}:{self.col}"
        what = f"{self.path}: {self.message}" if self.path else self.message
        return f"{where}  {what}" if where else what


class ScenarioError(UserError):
    """A scenario that cannot be used, with every problem found in it (one per line)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of `choices`, or ``""`` when none is close."""
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def show_value(value: object) -> str:
    """A value as the user wrote it in YAML, short: ``'yes'``, ``2``, ``null``, ``a mapping``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text)
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return repr(value)
