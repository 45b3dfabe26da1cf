"""Provenance of a run: what produced the numbers, so that anyone can reproduce them."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from importlib import metadata as package_metadata
from pathlib import Path

import sim


def run_metadata(scenario, *, seed: int, runs: int, chunk_size: int, first_replicate: int,
                 argv: list[str] | None, series: tuple[str, ...] = ()) -> dict:
    """The ``metadata.json`` of a run (``kind: "run"``); ``overrides`` lists the scenario's
    ``--set`` changes as given (``["trust.ukraine.russia=0.2"]``); ``series``, only when some
    were asked for, the variables of ``series.parquet``.

    Args:
        scenario: the :class:`~sim.scenario.config.Scenario` simulated.
        argv: the command line that started the run, or None when called from Python.
    """
    recorded = {"series": list(series)} if series else {}
    return experiment_metadata(
        "run", scenario={"stem": scenario.stem, "source": scenario.source},
        overrides=list(scenario.overrides), seed=seed, runs=runs,
        first_replicate=first_replicate, chunk_size=chunk_size, **recorded, argv=argv)


def with_changes(title: str, metadata: dict) -> str:
    """A run's title followed by its ``--set`` changes, as every display names the run:
    ``Istanbul talks (baseline), with trust.ukraine.russia=0.2``.

    The results folder keeps the scenario's name (the changes are in ``metadata.json``'s
    ``overrides``), so the changes are shown wherever the title is.
    """
    changes = metadata.get("overrides") or []
    return f"{title}, with {', '.join(changes)}" if changes else title


def experiment_metadata(kind: str, *, argv: list[str] | None, **fields) -> dict:
    """The ``metadata.json`` of a run, compare or sweep: ``kind``, the versions of what
    computed it, then ``fields`` (seed, runs, ...), the command line, the time and the commit."""
    return {
        "kind": kind,
        "negsim": sim.__version__,
        "model": sim.MODEL_VERSION,
        "mesa": _version("mesa"),
        "numpy": _version("numpy"),
        "python": platform.python_version(),
        **fields,
        "argv": argv,
        "time_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
    }


def _version(package: str) -> str | None:
    try:
        return package_metadata.version(package)
    except package_metadata.PackageNotFoundError:
        return None


def git_commit() -> str | None:
    """The commit of the code that ran, when it runs from a git checkout; else None.

    ``-dirty`` is appended when tracked files differ from that commit.
    """
    here = Path(sim.__file__).resolve().parent
    try:
        head = _git(here, "rev-parse", "HEAD")
        dirty = _git(here, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("-dirty" if dirty else "") if head else None


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=5,
                          check=True)
    return done.stdout.strip()
