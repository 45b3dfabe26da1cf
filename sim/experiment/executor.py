"""Executors: where chunks are simulated.

An executor has one method, ``map_chunks(fn, tasks)``: it calls ``fn(task)`` for every task
and yields ``(task, result)`` pairs **in task order**, whatever order they finish in, so
nothing downstream depends on timing. ``fn`` must be picklable (a module-level function or a
``functools.partial`` of one). Three backends: :class:`InProcess`, :class:`LocalProcesses`
and :class:`~sim.experiment.dask_executor.DaskCluster` (``--dask ADDRESS``);
:func:`executor_for` picks one from the command-line options.

Worker processes are started with an explicit ``spawn`` context: never the global start method,
which Mesa's ``batch_run`` switches to spawn whenever it is called.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Protocol

from sim.errors import ChunkFailed


class Executor(Protocol):
    shared_disk: bool
    """Whether tasks run where this process's files are (so a task may write them)."""

    def map_chunks(self, fn: Callable[[Any], Any], tasks: Sequence) -> Iterator[tuple[Any, Any]]:
        """Yield ``(task, fn(task))`` for every task, in the order of ``tasks``."""
        ...


class InProcess:
    """Simulates every chunk in this process, one after the other (``--workers 1``)."""

    shared_disk = True
    """Tasks may write files that this process reads (local executors only)."""

    def map_chunks(self, fn, tasks):
        for task in tasks:
            yield task, fn(task)


class LocalProcesses:
    """Simulates chunks in ``workers`` local processes (``--workers N``).

    At most two chunks per worker are in flight, so results waiting to be consumed in order
    stay few (memory stays bounded whatever the number of chunks). Workers ignore Ctrl-C: the
    main process handles the interruption, lets running chunks finish and cancels the rest.
    A worker that dies (killed, out of memory) breaks the pool: a new pool takes over the
    chunks that were in flight, one at a time until each has finished once, so that a death
    can be blamed on its chunk; a chunk whose worker died ``retries + 1`` times stops the run
    with :class:`ChunkFailed` naming it. No chunk is dropped or yielded twice.
    """

    shared_disk = True

    def __init__(self, workers: int, retries: int = 2):
        self.workers, self.retries = workers, retries

    def map_chunks(self, fn, tasks):
        if len(tasks) <= 1:  # starting a process for one chunk only costs time
            yield from InProcess().map_chunks(fn, tasks)
            return
        pool = self._pool(len(tasks))
        waiting, in_flight, deaths, suspects = deque(tasks), deque(), {}, set()

        def fill() -> None:  # after a worker died, one chunk at a time until it is found
            while waiting and len(in_flight) < (1 if suspects else 2 * self.workers):
                task = waiting.popleft()
                with _sigint_blocked():
                    in_flight.append((task, pool.submit(fn, task)))

        try:
            fill()
            while in_flight:
                task, future = in_flight[0]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    if len(in_flight) == 1:  # alone in the pool: this chunk's worker died
                        deaths[_index(task)] = deaths.get(_index(task), 0) + 1
                        if deaths[_index(task)] > self.retries:
                            raise ChunkFailed(
                                f"chunk {_index(task)} failed: the worker process simulating "
                                f"it died {deaths[_index(task)]} times") from None
                    suspects |= {_index(t) for t, _ in in_flight}
                    waiting.extendleft(reversed([t for t, _ in in_flight]))
                    in_flight.clear()
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = self._pool(len(tasks))
                    fill()
                    continue
                in_flight.popleft()
                suspects.discard(_index(task))
                fill()
                yield task, result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _pool(self, tasks: int) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(max_workers=min(self.workers, tasks), mp_context=context,
                                   initializer=_ignore_sigint)


def _index(task) -> object:
    return getattr(task, "index", task)


def _ignore_sigint() -> None:
    """In a worker: Ctrl-C is the main process's to handle. The worker was started with
    SIGINT blocked (see :func:`_sigint_blocked`), so a Ctrl-C that arrived while it was
    starting is discarded here rather than killing it with a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block SIGINT while submitting (which may start worker processes: they inherit the
    mask); a Ctrl-C meanwhile reaches the main process right after."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def local_executor(workers: int) -> Executor:
    """The executor for ``--workers N``: in-process for 1, local processes otherwise."""
    return InProcess() if workers == 1 else LocalProcesses(workers)


AUTO_PROCESSES_MIN_RUNS = 300_000
"""With the default worker count, jobs smaller than this run in this process: starting worker
processes (each imports Mesa, pandas, ...) costs more than it saves (about 1 s)."""


def default_workers(replicates: int) -> int:
    """The worker count when none is given: every core, unless the job is small."""
    if replicates < AUTO_PROCESSES_MIN_RUNS:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def executor_for(workers: int = 1, dask: str | None = None) -> Executor:
    """The executor for ``--workers N`` or, when given, ``--dask ADDRESS`` (which wins)."""
    if dask:
        from sim.experiment.dask_executor import DaskCluster

        return DaskCluster(dask)
    return local_executor(workers)
