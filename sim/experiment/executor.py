"""Executors: where chunks are simulated.

An executor has one method, ``map_chunks(fn, tasks)``: it calls ``fn(task)`` for every task
and yields ``(task, result)`` pairs **in task order**, whatever order they finish in, so
nothing downstream depends on timing. ``fn`` must be picklable (a module-level function or a
``functools.partial`` of one). Another backend (Dask, issue "experiments") only needs the same
method.

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
    def map_chunks(self, fn: Callable[[Any], Any], tasks: Sequence) -> Iterator[tuple[Any, Any]]:
        """Yield ``(task, fn(task))`` for every task, in the order of ``tasks``."""
        ...


class InProcess:
    """Simulates every chunk in this process, one after the other (``--workers 1``)."""

    def map_chunks(self, fn, tasks):
        for task in tasks:
            yield task, fn(task)


class LocalProcesses:
    """Simulates chunks in ``workers`` local processes (``--workers N``).

    At most two chunks per worker are in flight, so results waiting to be consumed in order
    stay few (memory stays bounded whatever the number of chunks). Workers ignore Ctrl-C: the
    main process handles the interruption, lets running chunks finish and cancels the rest.
    """

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
