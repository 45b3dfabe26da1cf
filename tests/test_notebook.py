"""docs/api.ipynb runs from top to bottom (its code cells, in order, in one namespace)."""

from pathlib import Path

import matplotlib
import nbformat

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "api.ipynb"


def test_the_api_notebook_runs(monkeypatch, tmp_path):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # it must not depend on the working folder
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    namespace: dict = {}
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert len(cells) >= 5
    for cell in cells:
        exec(compile(cell.source, f"{NOTEBOOK.name} cell", "exec"), namespace)  # noqa: S102
    assert namespace["shares"]["Trump joins"] > namespace["shares"]["baseline"]
    assert len(namespace["daily"]) == 93
    assert namespace["ax"].get_title().startswith("Trust between the parties")
