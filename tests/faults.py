"""Faults placed at exact points of a run, never at a moment in time.

negsim's experiment functions take two things as ordinary arguments that the tests replace:
the run's hooks (:mod:`sim.experiment.hooks`, called at the points of a run's life in the
negsim process) and the executor (where the chunks run). Nothing here patches negsim.

- :class:`Interrupt`: Ctrl-C (``KeyboardInterrupt``) after chunk K is saved, or just before
  the final rename;
- :class:`Pause`: create a marker file and wait there (a minute at most), so that the test
  sends a *real* signal at that point: while the tables are assembled, or after the rename;
- :class:`SameName`: the first folder name tried is fixed, so that two runs started together
  clash;
- :class:`ChunkFaults`: the real executor, with a :class:`ChunkFault` placed in chunk K's
  function, which acts wherever that chunk runs (this process, a local worker, a Dask worker:
  the fault travels inside the pickled function, so Dask workers started long before the test
  obey it).

:func:`machinery` reads a fault written as text (``kill:3``, ``pause-assembling:FILE``, ...)
and returns the :class:`~sim.cli.experiments.Machinery` that ``sim.cli.main`` takes; the
entry script ``negsim_with_faults.py`` runs negsim with it in a real process.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sim.experiment.hooks import RunHooks

GUARD_STEPS = 1200
"""Every wait below polls every 0.05 s at most this many times (a minute): the hang guard."""


# -- the points of a run's life (in the negsim process) ---------------------------------------


class Interrupt(RunHooks):
    """Ctrl-C right after chunk ``after_chunk`` is saved, or just before the final rename."""

    def __init__(self, after_chunk: int | None = None, before_rename: bool = False):
        self.after_chunk, self.at_rename = after_chunk, before_rename

    def chunk_done(self, index: int) -> None:
        if index == self.after_chunk:
            raise KeyboardInterrupt(f"test: interrupted after chunk {index}")

    def before_rename(self) -> None:
        if self.at_rename:
            raise KeyboardInterrupt("test: interrupted before the rename")


class Pause(RunHooks):
    """Wait at ``point`` (``assembling`` or ``after_rename``) for the test's signal."""

    def __init__(self, point: str, marker: Path):
        if point not in ("assembling", "after_rename"):
            raise ValueError(f"no pause point {point!r}")
        self.point, self.marker = point, marker

    def assembling(self) -> None:
        if self.point == "assembling":
            wait_here(self.marker)

    def after_rename(self) -> None:
        if self.point == "after_rename":
            wait_here(self.marker)


class SameName(RunHooks):
    """The first name tried for the results folder is always :data:`NAME` (later tries, after
    a clash, are the usual stamped names)."""

    NAME = "20250514-120000-beef"

    def __init__(self):
        self.tried = False

    def folder_name(self) -> str:
        if self.tried:
            return super().folder_name()
        self.tried = True
        return self.NAME


def wait_here(marker: Path) -> None:
    """Create ``marker`` (the test waits for it), then wait: the test sends a signal."""
    marker.touch()
    for _ in range(GUARD_STEPS):
        time.sleep(0.05)


# -- faults inside a chunk (wherever it runs) ------------------------------------------------


@dataclass(frozen=True)
class ChunkFault:
    """What happens when chunk ``chunk`` starts, before it is simulated.

    kinds:
        ``pause``: in the negsim process only: create ``marker`` and wait for a signal.
        ``kill``: in a worker process only: exit at once (``os._exit(1)``), as a process killed
            by the kernel would; every attempt.
        ``kill-once``: the same, the first attempt only (``marker`` records it).
        ``kill-group``: SIGTERM to the whole process group, as ``timeout`` or ``docker stop``.
        ``hold``: in a worker, the first attempt anywhere: write the worker's pid to
            ``marker``, then wait for ``<marker>.release`` (the test kills that worker, or
            signals negsim and releases it). With ``workers`` N, first wait until N workers
            have each started a chunk (so that none is still starting up).
        ``hold-every``: in a worker, every attempt: the same, attempt n writing its pid to
            ``<marker>/attempt-n`` (never released: the test kills each one).
    """

    kind: str
    chunk: int
    marker: str = ""
    workers: int = 1
    negsim_pid: int = field(default_factory=os.getpid)
    """The process that built the fault, i.e. negsim's: never a worker."""

    def strike(self, index: int) -> None:
        in_worker = os.getpid() != self.negsim_pid
        if self.kind == "hold" and in_worker:  # every worker says it has started
            Path(f"{self.marker}.worker-{os.getpid()}").touch()
        if index != self.chunk:
            return
        if self.kind == "pause" and not in_worker:
            wait_here(Path(self.marker))
        elif self.kind == "kill" and in_worker:
            os._exit(1)
        elif self.kind == "kill-once" and in_worker and _first(Path(self.marker)):
            os._exit(1)
        elif self.kind == "kill-group":
            os.killpg(os.getpgid(0), signal.SIGTERM)
        elif self.kind == "hold" and in_worker and _first(Path(f"{self.marker}.taken")):
            _wait_for_workers(Path(self.marker), self.workers)
            _hold(Path(self.marker))
        elif self.kind == "hold-every" and in_worker:
            _hold(Path(self.marker) / f"attempt-{_attempt(Path(self.marker))}")


def faulty_chunk(fault: ChunkFault, fn, task):
    """``fn(task)``, with ``fault`` struck first (module-level, so that workers unpickle it)."""
    fault.strike(task.index)
    return fn(task)


class ChunkFaults:
    """Runs chunks on ``inner`` (any executor) with ``fault`` placed in every chunk function."""

    def __init__(self, inner, fault: ChunkFault):
        self.inner, self.fault = inner, fault
        self.shared_disk = inner.shared_disk

    def map_chunks(self, fn, tasks):
        return self.inner.map_chunks(partial(faulty_chunk, self.fault, fn), tasks)


def _first(marker: Path) -> bool:
    """True for the first process to get here (``marker`` is created atomically)."""
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _attempt(folder: Path) -> int:
    """The number of this attempt: the first free ``attempt-n.taken`` in ``folder``."""
    return next(n for n in range(100) if _first(folder / f"attempt-{n}.taken"))


def _wait_for_workers(marker: Path, count: int) -> None:
    for _ in range(GUARD_STEPS):
        if len(list(marker.parent.glob(f"{marker.name}.worker-*"))) >= count:
            return
        time.sleep(0.05)


def _hold(marker: Path) -> None:
    """Publish this worker's pid in ``marker`` (atomically), then wait for ``marker.release``."""
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(str(os.getpid()))
    tmp.rename(marker)
    release = marker.with_name(marker.name + ".release")
    for _ in range(GUARD_STEPS):
        if release.exists():
            return
        time.sleep(0.05)


# -- a fault written as text -------------------------------------------------------------------


HOOK_FAULTS = {
    "interrupt-after-chunk": lambda k: Interrupt(after_chunk=int(k)),
    "interrupt-before-rename": lambda: Interrupt(before_rename=True),
    "pause-assembling": lambda marker: Pause("assembling", Path(marker)),
    "pause-after-rename": lambda marker: Pause("after_rename", Path(marker)),
    "same-name": SameName,
}
"""Faults at the points of a run's life: ``name[:argument]``."""

CHUNK_FAULTS = ("pause", "kill", "kill-once", "kill-group", "hold", "hold-every")
"""Faults in a chunk: ``kind:K[:marker[:workers]]`` (see :class:`ChunkFault`)."""


def machinery(text: str):
    """The :class:`~sim.cli.experiments.Machinery` with the fault ``text`` (empty: none).
    ``slow-start:FILE`` acts in the entry script itself, before any of this."""
    from sim.cli.experiments import Machinery
    from sim.experiment.executor import executor_for

    kind, *arguments = text.split(":") if text else [""]
    if kind in HOOK_FAULTS:
        return Machinery(hooks=HOOK_FAULTS[kind](*arguments))
    if kind in CHUNK_FAULTS:
        chunk, marker, workers = (*arguments, "", "")[:3]
        fault = ChunkFault(kind, int(chunk), marker, int(workers or 1))
        return Machinery(executor_for=lambda n, dask: ChunkFaults(executor_for(n, dask), fault))
    if kind in ("", "slow-start"):
        return Machinery()
    raise ValueError(f"unknown fault {text!r}")
