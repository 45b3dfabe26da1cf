"""Reading YAML safely into a :class:`~sim.scenario.tree.Tree`, with a line for every value.

Only plain data is read (mappings, lists, text, numbers, true/false, null), with the YAML
1.2 rules a student expects rather than PyYAML's YAML 1.1 ones:

- only ``true``/``false`` (any case) are booleans; ``yes``, ``no``, ``on``, ``off`` stay
  text, so a true/false field rejects them by name instead of reading them silently;
- ``1e-3`` and ``1E3`` are numbers; ``010`` is ten; ``1_000`` and ``12:30`` stay text;
- dates stay text (``start_date: 2025-05-15`` is parsed by the typed config);
- ``.nan`` and ``.inf`` are refused: no parameter of the model has a use for them.

Guard rails keep a hostile or broken file from hanging the program or filling its memory: at
most 1 MiB, 10,000 values, 50 levels of nesting and 100 aliases, and aliases may not expand to
more than 10,000 extra values (the "billion laughs"). The value limit matters as much as the
size: PyYAML reads a 1 MiB file of small values for most of a minute and some hundreds of MB.
Numbers a scenario cannot mean (``1e999``, a 5,000-digit integer) and keys holding control
characters or broken ``\\u`` escapes are refused by name, so that every message stays one
printable line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import NoReturn

import yaml

from sim.scenario.problems import Origin, Problem, ScenarioError
from sim.scenario.tree import Path, Tree, dotted

MAX_BYTES = 1024 * 1024
MAX_VALUES = 10_000
"""Values (mappings, lists and scalars) in one file: the largest shipped scenario has ~300."""
MAX_DEPTH = 50
MAX_KEY_LENGTH = 200
"""Characters in a key (a name: an id, a field), so that a message citing it stays short."""
MAX_DIGITS = 30
"""Digits of an integer: more than any bound of the config needs, far fewer than Python's
4,300-digit limit on converting text to int."""
MAX_ALIASES = 100
MAX_ALIAS_EXPANSION = 10_000

_TAG = "tag:yaml.org,2002:"
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
"""Control characters and line separators, and the lone surrogates a broken ``"\\ud800"`` escape leaves."""
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


class _Fatal(Exception):
    """A problem after which the rest of the file cannot be read."""

    def __init__(self, mark: yaml.Mark | None, message: str):
        super().__init__(message)
        self.mark, self.message = mark, message


class ScenarioLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core-schema scalars and the guard rails.

    Only its node tree is used (:meth:`get_single_node`); no Python object is constructed.
    """

    yaml_implicit_resolvers: dict = {}

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = self.aliases = self.nodes = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Fatal(self.peek_event().start_mark,
                             f"more than {MAX_ALIASES} aliases (*name); a scenario needs few "
                             "or none (use extends: to reuse a scenario)")
        else:
            self.nodes += 1
            if self.nodes > MAX_VALUES:
                raise _Fatal(self.peek_event().start_mark,
                             f"more than {MAX_VALUES:,} values; a scenario has a few hundred")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH and not self.check_event(yaml.ScalarEvent):
                raise _Fatal(self.peek_event().start_mark,
                             f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


ScenarioLoader.add_implicit_resolver(_TAG + "null", re.compile(r"^(?:~|null|Null|NULL|)$"),
                                     ["~", "n", "N", ""])
ScenarioLoader.add_implicit_resolver(_TAG + "bool", re.compile(r"^(?:true|false)$", re.I),
                                     list("tTfF"))
ScenarioLoader.add_implicit_resolver(_TAG + "int", _INT, list("-+0123456789"))
ScenarioLoader.add_implicit_resolver(_TAG + "float", _FLOAT, list("-+0123456789."))


# ---------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------


def read_file(path: FilePath, shown: str) -> Tree:
    """The YAML file at `path` as a tree; `shown` is the file name used in messages.

    Raises:
        ScenarioError: the file cannot be read at all (syntax, encoding, size, guard rails,
            empty, not a mapping). Problems that leave the rest readable (a duplicate key,
            ``.nan``) are kept in ``tree.problems`` instead, so all are reported together.
    """
    text = _decode(path, shown)

    def locate(node: yaml.Node) -> Origin:
        return Origin(shown, node.start_mark.line + 1, node.start_mark.column + 1)

    top = Origin(shown, 1, 1)
    value, builder = _parse(text, locate, lambda mark: _at_mark(shown, mark, top))
    if value is None:
        _fail(top, "the file is empty; a scenario needs at least title, issues, actors "
                   "and trust")
    if not isinstance(value, dict):
        _fail(top, "the top level must be a mapping of keys (title:, issues:, actors:, "
                   f"trust:, ...), not {_kind(value)}")
    builder.origins[()] = top
    return Tree(value, builder.origins, problems=builder.problems, sources=[shown])


def read_value(text: str, origin: Origin, path: Path) -> Tree:
    """One value given on the command line, parsed by the same rules, placed at `path`.

    Every value in the result, and every mapping created on the way to `path`, has
    `origin` (``--set #n``); so do the problems.
    """
    value, builder = _parse(text, lambda node: origin, lambda mark: origin, prefix=path)
    data: object = value
    for end in range(len(path) - 1, -1, -1):
        data = {path[end]: data}
    origins = {path[:end]: origin for end in range(len(path) + 1)}
    origins.update(builder.origins)
    return Tree(data, origins, problems=builder.problems, sources=[origin.source])


# ---------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------


def _decode(path: FilePath, shown: str) -> str:
    top = Origin(shown, 1, 1)
    try:
        if path.stat().st_size > MAX_BYTES:
            _fail(top, f"the file is larger than {MAX_BYTES // 2**20} MiB; a scenario is a "
                       "few hundred lines")
        raw = path.read_bytes()
    except OSError as err:
        _fail(Origin(shown), f"cannot read the file: {err.strerror or err}")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        _fail(Origin(shown, line, col),
              f"the file is not UTF-8 text (byte 0x{raw[err.start]:02x} here); save it "
              "with the UTF-8 encoding")


def _parse(text: str, locate: Callable[[yaml.Node], Origin],
           at_mark: Callable[[yaml.Mark | None], Origin], prefix: Path = ()):
    """The plain value of `text` and the builder holding its origins and soft problems."""
    where = dotted(prefix)
    loader = None
    try:
        loader = ScenarioLoader(text)
        node = loader.get_single_node()
        builder = _Builder(locate, loader.nodes)
        value = None if node is None else builder.value(node, prefix)
    except _Fatal as err:
        _fail(at_mark(err.mark), err.message, where)
    except yaml.MarkedYAMLError as err:
        mark, message = _syntax_message(err)
        _fail(at_mark(mark), f"YAML syntax error: {message}", where)
    except yaml.reader.ReaderError as err:
        mark = yaml.Mark("", err.position, text.count("\n", 0, err.position),
                         err.position - (text.rfind("\n", 0, err.position) + 1), None, None)
        _fail(at_mark(mark), f"the control character U+{err.character:04X} is not allowed in "
                             "YAML text", where)
    finally:
        if loader is not None:
            loader.dispose()
    return value, builder


def _fail(origin: Origin, message: str, path: str = "") -> NoReturn:
    raise ScenarioError([Problem.at(origin, path, message)])


def _at_mark(shown: str, mark: yaml.Mark | None, default: Origin) -> Origin:
    return default if mark is None else Origin(shown, mark.line + 1, mark.column + 1)


def _kind(value: object) -> str:
    return {list: "a list", str: "text"}.get(type(value), f"the value {value!r}")


_SYNTAX = [
    # (PyYAML's words, plain words, point at the start of the construct rather than the end)
    ("mapping values are not allowed", "unexpected ':' (put text containing ': ' in quotes, "
     "or check the indentation)", False),
    ("found character '\\t'", "a tab character; indent with spaces", False),
    ("that cannot start any token", "this character cannot start a value; put the value in "
     "quotes", False),
    ("could not find expected ':'", "expected 'key: value' (is a ':' missing, or a quote "
     "not closed?)", True),
    ("found unexpected end of stream", "the file ends inside quoted text: a closing quote "
     "is missing", True),
    ("expected <block end>", "the indentation does not match the lines above", False),
    ("expected ',' or ']'", "a list opened with '[' is not closed with ']'", True),
    ("expected ',' or '}'", "a mapping opened with '{' is not closed with '}'", True),
    ("found undefined alias", "an alias (*name) refers to no anchor (&name) above it", False),
    ("found duplicate anchor", "the same anchor (&name) is defined twice", False),
    ("expected a single document", "only one YAML document is allowed per file (remove the "
     "second '---')", False),
]


def _syntax_message(err: yaml.MarkedYAMLError) -> tuple[yaml.Mark | None, str]:
    words = f"{err.context or ''} {err.problem or ''}"
    for pyyaml, plain, at_start in _SYNTAX:
        if pyyaml in words:
            mark = err.context_mark if at_start and err.context_mark else err.problem_mark
            return mark or err.context_mark, plain
    return err.problem_mark or err.context_mark, (err.problem or err.context or "invalid YAML")


# ---------------------------------------------------------------------------------------
# From YAML nodes to plain data with origins
# ---------------------------------------------------------------------------------------


class _Builder:
    """Turns a composed node tree into plain data, recording origins and soft problems."""

    def __init__(self, locate: Callable[[yaml.Node], Origin], composed_nodes: int):
        self.locate = locate
        self.origins: dict[Path, Origin] = {}
        self.problems: list[Problem] = []
        self.budget = composed_nodes + MAX_ALIAS_EXPANSION

    def value(self, node: yaml.Node, path: Path, depth: int = 1) -> object:
        self.budget -= 1
        if self.budget < 0:
            raise _Fatal(node.start_mark, "the aliases (*name) in this file expand to too "
                         f"many values (more than {MAX_ALIAS_EXPANSION} extra)")
        if depth > MAX_DEPTH and not isinstance(node, yaml.ScalarNode):
            raise _Fatal(node.start_mark, f"nested deeper than {MAX_DEPTH} levels (an alias "
                         "may refer to itself)")
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return self.sequence(node, path, depth)
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> object:
        self.check_tag(node, "map", path)
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, path)
            if key is None:
                continue
            key_path = (*path, key)
            if key in out:
                first = self.origins[key_path].line
                where = f"first given at line {first}" if first else "given twice"
                self.problem(key_node, key_path, f"duplicate key '{key}' ({where}); keep one")
            self.origins[key_path] = self.locate(key_node)
            out[key] = self.value(value_node, key_path, depth + 1)
        return out

    def sequence(self, node: yaml.SequenceNode, path: Path, depth: int) -> object:
        self.check_tag(node, "seq", path)
        out = []
        for i, item in enumerate(node.value):
            self.origins[(*path, i)] = self.locate(item)
            out.append(self.value(item, (*path, i), depth + 1))
        return out

    def key(self, node: yaml.Node, path: Path) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, "a key must be a plain name, not a list or mapping")
            return None
        if node.value == "<<" and node.style is None:
            self.problem(node, path, "merge keys ('<<') are not supported; use extends: to "
                         "build on another scenario")
            return None
        if len(node.value) > MAX_KEY_LENGTH:
            self.problem(node, path, f"a key of {len(node.value):,} characters "
                         f"({_escaped(node.value)}); a key is a short name")
            return None
        if _UNPRINTABLE.search(node.value):
            self.problem(node, path, f"the key {_escaped(node.value)} holds a control "
                         "character or a broken \\u escape; a key is a plain name")
            return None
        return node.value  # keys are names: `no:` or `1:` stay text

    def scalar(self, node: yaml.ScalarNode, path: Path) -> object:
        tag, text = node.tag, node.value
        if tag == _TAG + "str":
            if _SURROGATE.search(text):
                self.problem(node, path, f"the text {_escaped(text)} holds a broken \\u "
                             "escape (a lone surrogate); write the character itself")
                return _SURROGATE.sub("\ufffd", text)  # reported; keeps the rest checkable
            return text
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        if tag == _TAG + "int" and _INT.match(text):
            if len(text.lstrip("+-")) > MAX_DIGITS:
                self.problem(node, path, f"the number {text[:12]}… has {len(text)} digits; "
                             f"a scenario needs at most {MAX_DIGITS}")
                return text
            return _to_int(text)
        if tag == _TAG + "float" and _FLOAT.match(text):
            return self.number(node, path, text)
        if tag.startswith(_TAG) and tag[len(_TAG):] in ("bool", "int", "float"):
            self.problem(node, path, f"'{text}' is not a valid {tag[len(_TAG):]}")
        else:
            self.problem(node, path, f"the tag '{_short(tag)}' is not supported; write plain "
                         "values")
        return text

    def number(self, node: yaml.ScalarNode, path: Path, text: str) -> object:
        special = {"nan": "not-a-number", "inf": "infinity"}.get(text.lower()[-3:])
        if special:
            self.problem(node, path, f"{special} is not allowed; give a number in the "
                         f"field's range (got {text})")
            return text
        number = float(text)
        if number in (float("inf"), float("-inf")):
            self.problem(node, path, f"{text[:20]} is too large to be a number; give a number "
                         "in the field's range")
            return text
        return number

    def check_tag(self, node: yaml.Node, kind: str, path: Path) -> None:
        if node.tag != _TAG + kind:
            self.problem(node, path, f"the tag '{_short(node.tag)}' is not supported; write "
                         "plain values")

    def problem(self, node: yaml.Node, path: Path, message: str) -> None:
        self.problems.append(Problem.at(self.locate(node), dotted(path), message))


def _escaped(text: str) -> str:
    """`text` quoted, with control characters and surrogates shown as escapes."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _to_int(text: str) -> int:
    if text.startswith(("0o", "0x")):
        return int(text, 0)
    return int(text, 10)
