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
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol


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
    """

    shared_disk = True

    def __init__(self, workers: int):
        self.workers = workers

    def map_chunks(self, fn, tasks):
        if len(tasks) <= 1:  # starting a process for one chunk only costs time
            yield from InProcess().map_chunks(fn, tasks)
            return
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(tasks)),
                                   mp_context=context, initializer=_ignore_sigint)
        todo, in_flight = iter(tasks), deque()
        try:
            for task in todo:
                in_flight.append((task, pool.submit(fn, task)))
                if len(in_flight) >= 2 * self.workers:
                    break
            while in_flight:
                task, future = in_flight.popleft()
                result = future.result()
                following = next(todo, None)
                if following is not None:
                    in_flight.append((following, pool.submit(fn, following)))
                yield task, result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def local_executor(workers: int) -> Executor:
    """The executor for ``--workers N``: in-process for 1, local processes otherwise."""
    return InProcess() if workers == 1 else LocalProcesses(workers)


AUTO_PROCESSES_MIN_RUNS = 300_000
"""With the default worker count, jobs smaller than this run in this process: starting worker
processes (each imports Mesa, pandas, ...) costs more than it saves (about 1 s)."""


def default_workers(replicates: int) -> int:
    """The worker count when none is given: every core, unless the job is small."""
    import os

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
