"""The package's layers point one way, and no two files import each other (issue 11).

Layers, from the top: the command line, the browser view, reports and figures, negsim as an
EMA Workbench model (``sim/ema.py``), experiments, the results folder, the model, the scenario
language, and the base (``sim/errors.py``, ``sim/__init__.py``). A module may import its own
layer or a lower one, never a higher one: so no library module imports the command line, and
the model never reads a results folder. Every import counts, also those inside functions
(the command line imports late to stay fast); only ``if TYPE_CHECKING:`` blocks, which never
run, are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"

LAYERS = ["sim.cli", "sim.view", "sim.report", "sim.ema", "sim.experiment", "sim.results",
          "sim.model", "sim.scenario", "sim"]
"""Highest first; ``sim`` is the base: ``sim/__init__.py``, ``sim/errors.py``."""


def module_name(path: Path) -> str:
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    """Index into LAYERS (0 is the top); ``sim.__main__`` belongs to the command line."""
    if module == "sim.__main__":
        return 0
    return next(i for i, prefix in enumerate(LAYERS)
                if module == prefix or module.startswith(prefix + "."))


def runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """The negsim modules a file imports when it runs (``from a import b`` counts as
    importing ``a.b`` when that is a module, else ``a``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in _outside_type_checking(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
    return {name for name in found if name == "sim" or name.startswith("sim.")}


def _outside_type_checking(tree: ast.AST):
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in SIM.rglob("*.py")}
    return {name: runtime_imports(path, set(files)) - {name} for name, path in files.items()}


def test_the_graph_is_read_from_the_files():
    graph = import_graph()
    assert "sim.cli.experiments" in graph["sim.cli"]
    assert "sim.model.rules" in graph["sim.model.model"]
    assert "sim.errors" in graph["sim.experiment.executor"]


def test_imports_never_go_up_a_layer():
    upward = sorted(f"{a} imports {b}" for a, imported in import_graph().items()
                    for b in imported if layer(b) < layer(a))
    assert upward == []


def test_no_library_module_imports_the_command_line():
    graph = import_graph()
    users = sorted(a for a, imported in graph.items() if not a.startswith("sim.cli")
                   and a != "sim.__main__" and any(b.startswith("sim.cli") for b in imported))
    assert users == []


def test_no_two_files_import_each_other_even_through_others():
    graph = import_graph()
    cycles = [cycle for cycle in _cycles(graph) if len(cycle) > 1]
    assert cycles == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan): a component of two or more files is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
])
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert [c for c in _cycles(graph) if len(c) > 1] == expected
