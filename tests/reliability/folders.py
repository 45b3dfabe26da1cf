"""Checks of results folders: none looks finished unless it is, and two are byte-identical."""

from __future__ import annotations

from pathlib import Path

RESULT_FILES = ("replicates.parquet", "summary.csv", "summary.json", "daily.csv")
"""The tables whose bytes must not depend on how the run was made (metadata.json holds a time
and the command line; scenario.yaml is compared on its own where it matters)."""


def run_folders(out: Path) -> list[Path]:
    """Every folder below ``out/<scenario>/``, finished or ``.partial``."""
    return sorted(p for parent in out.iterdir() if parent.is_dir() for p in parent.iterdir())


def same_bytes(a: Path, b: Path, names=RESULT_FILES) -> list[str]:
    """The names of the files that differ between two results folders."""
    return [name for name in names if (a / name).read_bytes() != (b / name).read_bytes()]


def assert_no_false_complete(out: Path) -> None:
    """No folder under ``out`` looks finished unless it is: every folder is either
    ``.partial`` or holds every results file of its kind (run, sweep or compare) and loads
    whole."""
    from sim.results import folder as files

    for folder in run_folders(out):
        if folder.name.endswith(files.PARTIAL_SUFFIX):
            continue
        assert (folder / "metadata.json").is_file(), f"{folder} looks finished but has no metadata"
        kind = files.read_metadata(folder).get("kind", "run")
        {"run": _whole_run, "sweep": _whole_sweep, "compare": _whole_compare}[kind](folder)


def _whole_run(folder: Path) -> None:
    from sim.results import folder as files
    from sim.results.results import load_results

    missing = [name for name in files.FILES if not (folder / name).is_file()]
    assert not missing, f"{folder} looks finished but lacks {missing}"
    results = load_results(folder)
    assert len(results.replicates) == results.metadata["runs"]


def _whole_sweep(folder: Path) -> None:
    from sim.results import folder as files
    from sim.results import sweep as tables

    design = files.read_metadata(folder).get("design", "")
    needed = (*tables.FILES, "indices.csv") if design in ("sobol", "morris") else tables.FILES
    missing = [name for name in needed if not (folder / name).is_file()]
    assert not missing, f"{folder} looks finished but lacks {missing}"
    results = tables.load_sweep_results(folder)
    assert len(results.points) == results.metadata["points"]
    assert results.points["point"].tolist() == list(range(results.metadata["points"]))
    outputs = results.metadata["outputs"]
    assert results.points[[f"{o}.share" for o in outputs]].notna().all().all()
    if results.indices is not None:
        assert len(results.indices) > 0


def _whole_compare(folder: Path) -> None:
    from sim.results import comparison as tables

    missing = [name for name in tables.FILES if not (folder / name).is_file()]
    assert not missing, f"{folder} looks finished but lacks {missing}"
    comparison = tables.load_comparison(folder)
    runs, labels = comparison.metadata["runs"], comparison.metadata["scenarios"]
    assert (comparison.shares["n"] == runs).all()
    assert sorted(set(comparison.shares["scenario"])) == sorted(s["label"] for s in labels)
    assert len(comparison.daily) > 0
