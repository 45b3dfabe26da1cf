"""Every file and folder the command line takes, checked before the command starts.

A path parameter declares its KIND where it is declared: ``parser=paths.RESULTS`` in
:mod:`sim.cli.options` or in a command's signature. A kind is a name and a list of checks;
they run in order while the command line is parsed, before anything is loaded, simulated or
written, and the first that fails becomes one line and exit code 2
(``error: Invalid value for '--out': 'notes.txt' is a file, not a folder``).
``tests/cli/test_paths.py`` finds every path parameter of every command and drives it through
a table of bad paths, so a new command cannot forget to declare one.

Two things a kind cannot see are caught where they happen:

- a folder that ``os.access`` calls writable but the system refuses anyway (``/proc``, or any
  folder when negsim runs as root, for whom permissions are not enforced) fails when the
  library writes, and :func:`sim.errors.writing` turns that into one line too;
- whether a YAML file is a scenario or a sweep: the loaders read the file and say so
  (``this is a sweep file, not a scenario: run it with negsim sweep ...``).

Only the standard library, Typer and a constant are imported here (``negsim --help`` must
stay fast); a check that needs negsim's loaders imports them when it runs.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import typer

from sim.results import PARTIAL_SUFFIX

Check = Callable[[Path], "str | None"]
"""A check: the message for a path that fails it, else None."""


@dataclass(frozen=True)
class PathKind:
    """A kind of path parameter: its name and the checks a value must pass.

    Used as the Typer ``parser`` of the parameter: it receives the text as typed and returns
    the value the command gets (a :class:`~pathlib.Path`, or the text itself for a scenario or
    sweep, which may be a name rather than a file).
    """

    name: str
    checks: tuple[Check, ...]
    as_text: bool = False

    def __call__(self, given: str | os.PathLike) -> Path | str:
        path = Path(given)
        for check in self.checks:
            problem = check(path)
            if problem:
                raise typer.BadParameter(problem)
        return str(given) if self.as_text else path


# -- what a path is --------------------------------------------------------------------------


def _shown(path: Path) -> str:
    """A path as messages quote it: printable, at most 80 characters."""
    text = str(path) if str(path).isprintable() else repr(str(path))[1:-1]
    return f"'{text if len(text) <= 80 else text[:77] + '...'}'"


def _stat(path: Path) -> os.stat_result | None:
    """The path's status, or None when nothing is there (also below a file)."""
    try:
        return path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None


def _is_dir(path: Path) -> bool:
    status = _stat(path)
    return status is not None and stat.S_ISDIR(status.st_mode)


def _usable(path: Path) -> str | None:
    """A name the system refuses outright (too long, a loop of links, no permission to look)."""
    try:
        _stat(path)
    except OSError as error:
        return f"{_shown(path)} cannot be used ({error.strerror or error})"
    return None


def _nearest_existing(path: Path) -> Path:
    """The nearest ancestor of `path` that exists, written as `path` was (``.`` for a
    relative path in the current folder)."""
    return next((p for p in path.parents if _stat(p) is not None), Path(path.absolute().anchor))


# -- checks of things to read ----------------------------------------------------------------


def _exists(path: Path) -> str | None:
    if _stat(path) is not None:
        return None
    finished = path.with_name(path.name.removesuffix(PARTIAL_SUFFIX))
    if path.name.endswith(PARTIAL_SUFFIX) and _is_dir(finished):
        return (f"{_shown(path)} does not exist any more: it was finished as "
                f"{_shown(finished)}")
    return f"{_shown(path)} does not exist"


def _a_folder(path: Path) -> str | None:
    return None if _is_dir(path) else f"{_shown(path)} is a file, not a folder"


def _readable(path: Path) -> str | None:
    wanted = os.R_OK | (os.X_OK if _is_dir(path) else 0)
    return None if os.access(path, wanted) else f"{_shown(path)} cannot be read (permission denied)"


def _writable(path: Path) -> str | None:
    if os.access(path, os.W_OK | os.X_OK):
        return None
    return f"cannot write in {_shown(path)} (permission denied)"


def _finished(path: Path) -> str | None:
    """Not a ``.partial`` folder: that one is an interrupted job, with no results yet."""
    if not path.name.endswith(PARTIAL_SUFFIX):
        return None
    kind = _recorded_kind(path) or "run"
    return (f"{_shown(path)} is an interrupted {kind}, not finished results: finish it with "
            f"negsim {kind} --resume {path}")


def _results(path: Path) -> str | None:
    """A folder of ``negsim run``, ``compare`` or ``sweep`` (it holds ``metadata.json``)."""
    if (path / "metadata.json").is_file():
        return None
    inside = sorted(p for p in path.iterdir() if (p / "metadata.json").is_file()
                    and not p.name.endswith(PARTIAL_SUFFIX))
    if inside:
        return (f"{_shown(path)} holds results folders; give one of them, e.g. "
                f"{inside[-1]}")
    return f"{_shown(path)} is not a results folder (it has no metadata.json)"


def _unfinished(path: Path) -> str | None:
    """A ``.partial`` folder, as the interruption message names it."""
    if path.name.endswith(PARTIAL_SUFFIX):
        return None
    if (path / "metadata.json").is_file():
        return f"{_shown(path)} is already complete; there is nothing to resume"
    return (f"{_shown(path)} is not an interrupted job (its name would end in "
            f"'{PARTIAL_SUFFIX}', as the interruption message says)")


def _recorded_kind(folder: Path) -> str | None:
    """The ``kind`` in a folder's ``metadata.json`` (run, compare, sweep, screen), if it can be
    read."""
    from sim.results.folder import read_metadata

    try:
        kind = read_metadata(folder).get("kind")
    except (OSError, ValueError, AttributeError):
        return None
    return kind if kind in ("run", "compare", "sweep", "discover", "robust", "screen") else None


def _scenario(path: Path) -> str | None:
    """A scenario file, or the name of one (``./scenarios/`` first, then the shipped ones)."""
    from sim.scenario.loader import ScenarioError, resolve_scenario

    try:
        found = resolve_scenario(path)
    except ScenarioError as error:
        return error.problems[0].message
    return _readable(found)


def _sweep(path: Path) -> str | None:
    """A sweep file, or the name of one (``./scenarios/sweeps/`` first, then the shipped)."""
    if _is_dir(path):
        return (f"{_shown(path)} is a folder; give a sweep file, e.g. "
                "scenarios/sweeps/trust-vs-monitoring.yaml")
    from sim.errors import UserError
    from sim.experiment.sweep import resolve_sweep

    try:
        found = resolve_sweep(path)
    except UserError as error:
        return str(error)
    return _readable(found)


def _robust(path: Path) -> str | None:
    """A robust file, or the name of one (``./scenarios/robust/`` first, then the shipped)."""
    if _is_dir(path):
        return (f"{_shown(path)} is a folder; give a robust file, e.g. "
                "scenarios/robust/us-levers.yaml")
    from sim.errors import UserError
    from sim.experiment.robust import resolve_robust

    try:
        found = resolve_robust(path)
    except UserError as error:
        return str(error)
    return _readable(found)


def _of_a_sweep(path: Path) -> str | None:
    """The results folder of ``negsim sweep`` (scenario discovery reads its points)."""
    kind = _recorded_kind(path)
    if kind == "sweep":
        return None
    return (f"{_shown(path)} holds the results of negsim {kind or 'something else'}, not of a "
            "sweep: give the folder of negsim sweep")


# -- checks of places to write ---------------------------------------------------------------


def _can_hold_folder(path: Path) -> str | None:
    """An existing folder negsim may write in, or a place where one can be created."""
    if _stat(path) is not None:
        return _a_folder(path) or _writable(path)
    place = _nearest_existing(path)
    if not _is_dir(place):
        return f"{_shown(path)} cannot be created: {_shown(place)} is a file"
    if not os.access(place, os.W_OK | os.X_OK):
        return f"{_shown(path)} cannot be created: cannot write in {_shown(place)}"
    return None


def _can_hold_file(path: Path) -> str | None:
    """A file negsim may write over, or a new one in an existing folder."""
    if _stat(path) is not None:
        if _is_dir(path):
            return f"{_shown(path)} is a folder; give the name of a file to write"
        return None if os.access(path, os.W_OK) else (
            f"{_shown(path)} cannot be written over (permission denied)")
    folder = path.parent
    if _stat(folder) is None:
        return f"{_shown(path)} cannot be written: there is no folder {_shown(folder)}"
    if not _is_dir(folder):
        return f"{_shown(path)} cannot be written: {_shown(folder)} is a file"
    return None if os.access(folder, os.W_OK | os.X_OK) else (
        f"{_shown(path)} cannot be written: cannot write in {_shown(folder)}")


def _outside_the_package(path: Path) -> str | None:
    """Not negsim's own folders: a scenario written there would pass for a shipped one (and be
    lost when negsim is reinstalled)."""
    import sim
    from sim.scenario.loader import shipped_folder

    target = path.resolve()
    for root, what in ((shipped_folder().resolve(), "negsim's own folder of shipped scenarios"),
                       (Path(sim.__file__).resolve().parent, "inside negsim's own package")):
        if target == root or root in target.parents:
            return (f"{_shown(path)} is {what}: keep yours apart, e.g. --folder my-scenarios "
                    "(then negsim run my-scenarios/NAME.yaml), or run negsim from a folder of "
                    "your own")
    return None


# -- the kinds -------------------------------------------------------------------------------

SCENARIO = PathKind("scenario", (_usable, _scenario), as_text=True)
"""A scenario file or the name of one: found, and readable."""

SWEEP = PathKind("sweep file", (_usable, _sweep), as_text=True)
"""A sweep file or the name of one: found, and readable."""

RESULTS = PathKind("results folder", (_usable, _exists, _a_folder, _readable, _finished,
                                       _results))
"""A finished results folder of negsim run, compare, sweep, discover or robust (to plot or
report)."""

SWEEP_RESULTS = PathKind("sweep's results folder", (*RESULTS.checks, _of_a_sweep))
"""A finished results folder of negsim sweep (for scenario discovery)."""

ROBUST = PathKind("robust file", (_usable, _robust), as_text=True)
"""A robust file or the name of one: found, and readable."""

PARTIAL = PathKind("interrupted job's folder", (_usable, _exists, _a_folder, _readable,
                                                 _writable, _unfinished))
"""The ``.partial`` folder of an interrupted run, compare or sweep (for ``--resume``)."""

OUTPUT_FOLDER = PathKind("output folder", (_usable, _can_hold_folder))
"""A folder to write results into: existing and writable, or one that can be created."""

OUTPUT_FILE = PathKind("output file", (_usable, _can_hold_file))
"""A file to write: a writable file, or a new one in an existing, writable folder."""

SCENARIOS_FOLDER = PathKind("folder for your scenarios", (_usable, _outside_the_package,
                                                           _can_hold_folder))
"""Where ``negsim new`` writes: an output folder that is not inside the installed package."""

KINDS = (SCENARIO, SWEEP, ROBUST, RESULTS, SWEEP_RESULTS, PARTIAL, OUTPUT_FOLDER, OUTPUT_FILE,
         SCENARIOS_FOLDER)
