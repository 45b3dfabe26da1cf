"""Generated blocks in Markdown: the places where a doc quotes a number that a script made.

A doc marks each such place with a pair of HTML comments, which Markdown does not show::

    Putin came in <!-- generated: readme.putin -->20.6%<!-- /generated --> of histories.

    <!-- generated: readme.example -->
    ...a whole table or excerpt...
    <!-- /generated -->

The text between the markers belongs to the script: :func:`fill` replaces it with the value
of that NAME, and everything outside the markers belongs to the author. A marker pair on one
line holds an inline value; markers on lines of their own hold a block, kept on lines of its
own. Blocks do not nest.
"""

from __future__ import annotations

import re

OPEN = "<!-- generated: {name} -->"
CLOSE = "<!-- /generated -->"

_BLOCK = re.compile(r"<!-- generated: (?P<name>[\w.-]+) -->(?P<body>.*?)<!-- /generated -->",
                    re.S)
_ANY_OPEN = re.compile(r"<!-- generated:")


class BlockError(ValueError):
    """A doc's markers are broken, or name a value that no script makes."""


def names(text: str, where: str = "<text>") -> list[str]:
    """The NAMEs of the generated places in ``text``, in order (a name may recur)."""
    _check_markers(text, where)
    return [m.group("name") for m in _BLOCK.finditer(text)]


def fill(text: str, values: dict[str, str], where: str = "<text>") -> str:
    """``text`` with the body of every generated place replaced by its value."""
    _check_markers(text, where)

    def replace(match: re.Match) -> str:
        name = match.group("name")
        if name not in values:
            raise BlockError(f"{where}:{_line(text, match.start())}: no generator in "
                             f"tools/docnumbers makes the value {name!r}")
        body = _body(match.group("body"), values[name], _indent(text, match.start()))
        return OPEN.format(name=name) + body + CLOSE

    return _BLOCK.sub(replace, text)


def _body(old: str, value: str, indent: str) -> str:
    """A block keeps its lines of its own, indented as its opening marker (inside a list
    item, say); an inline value stays inline."""
    if old.startswith("\n"):
        lines = [indent + line if line else line for line in value.strip("\n").split("\n")]
        return "\n" + "\n".join(lines) + "\n" + indent
    if "\n" in value:
        raise BlockError(f"an inline place cannot hold several lines: {value[:60]!r}...")
    return value


def _indent(text: str, offset: int) -> str:
    """The white space before ``offset`` on its line, if nothing else is there."""
    before = text[text.rfind("\n", 0, offset) + 1:offset]
    return before if not before.strip() else ""


def _check_markers(text: str, where: str) -> None:
    """Every opening marker has its closing one, with no other opening marker between."""
    matches = list(_BLOCK.finditer(text))
    for match in matches:
        inner = _ANY_OPEN.search(match.group("body"))
        if inner:
            at = match.start("body") + inner.start()
            raise BlockError(f"{where}:{_line(text, at)}: a generated block opens inside "
                             f"{match.group('name')!r}, which has no {CLOSE} before it")
    opened, closed = len(_ANY_OPEN.findall(text)), text.count(CLOSE)
    if opened != len(matches) or closed != len(matches):
        stray = _first_stray(text, matches)
        raise BlockError(f"{where}:{_line(text, stray)}: a generated marker without its pair "
                         f"({opened} opening, {closed} closing)")


def _first_stray(text: str, matches: list[re.Match]) -> int:
    """Where the first marker outside every complete pair is."""
    covered = [range(m.start(), m.end()) for m in matches]
    markers = [m.start() for m in re.finditer(r"<!-- generated:|<!-- /generated -->", text)]
    return next((at for at in markers if not any(at in span for span in covered)), 0)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
