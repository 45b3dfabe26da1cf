"""Simulating chunks on an existing Dask cluster (``--dask ADDRESS``).

The same chunks as on local processes are sent to the workers of a running
``dask.distributed`` scheduler; since every random draw is keyed by the replicate index
(docs/model.md §8), the numbers are identical to a local run. Results come back to this process,
which writes them: the workers need negsim installed (the same version), not a shared disk.

A chunk whose task fails (an exception, or a worker lost while running it) is submitted again
up to ``retries`` times; after that :class:`ChunkFailed` names it. None is ever dropped or
counted twice: results are taken in task order, one per task.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sim.errors import ChunkFailed, UserError

CONNECT_TIMEOUT = "20s"
"""How long to wait for the scheduler to answer."""

POLL_SECONDS = 2
"""How often a wait for a chunk checks that the cluster still has workers."""

WORKER_WAIT_SECONDS = 60
"""How long to wait for the cluster to have at least one worker."""


class DaskCluster:
    """Simulates chunks on the Dask cluster whose scheduler listens at ``address``.

    Args:
        address: the scheduler, e.g. ``tcp://10.0.0.5:8786`` (``tcp://`` may be omitted).
        retries: how many times a failed chunk is submitted again before giving up.
        timeout: how long to wait for the scheduler to answer (a Dask duration).
    """

    shared_disk = False
    """Workers may be other machines: results come back here to be written."""

    def __init__(self, address: str, retries: int = 2, timeout: str = CONNECT_TIMEOUT):
        self.address, self.retries, self.timeout = address, retries, timeout

    def map_chunks(self, fn: Callable[[Any], Any], tasks: Sequence) -> Iterator[tuple[Any, Any]]:
        if not tasks:
            return
        client = self._connect()
        run = secrets.token_hex(4)  # task keys unique to this call: no result reused by mistake
        try:
            slots = 2 * max(1, sum(client.nthreads().values()))
            todo, in_flight = iter(tasks), deque()

            def submit(task, attempt: int = 0):
                key = f"negsim-{run}-chunk-{task.index}-try-{attempt}"
                return client.submit(fn, task, key=key, pure=False)

            for task in todo:
                in_flight.append((task, submit(task)))
                if len(in_flight) >= slots:
                    break
            while in_flight:
                task, future = in_flight.popleft()
                result = self._result(task, future, submit)
                following = next(todo, None)
                if following is not None:
                    in_flight.append((following, submit(following)))
                yield task, result
        finally:
            for _, future in in_flight:
                future.cancel()
            client.close()

    def _result(self, task, future, submit: Callable) -> Any:
        for attempt in range(1, self.retries + 2):
            try:
                return self._wait(task, future)
            except ChunkFailed:
                raise
            except Exception as error:  # noqa: BLE001 - any failure of the task or its worker
                if attempt > self.retries:
                    raise ChunkFailed(f"chunk {task.index} ({_describe(task)}) failed on the "
                                      f"Dask cluster at {self.address} after {self.retries} "
                                      f"retries: {type(error).__name__}: {error}") from error
                future = submit(task, attempt)
        raise AssertionError("unreachable")

    def _wait(self, task, future) -> Any:
        """The chunk's result; a cluster left with no worker for WORKER_WAIT_SECONDS stops
        the run naming the chunk, instead of waiting forever."""
        from distributed import TimeoutError as DaskTimeout

        alone_since = None
        while True:
            try:
                return future.result(timeout=POLL_SECONDS)
            except (DaskTimeout, TimeoutError):
                if future.client.scheduler_info().get("workers"):
                    alone_since = None
                    continue
                alone_since = alone_since or time.monotonic()
                if time.monotonic() - alone_since > WORKER_WAIT_SECONDS:
                    raise ChunkFailed(
                        f"chunk {task.index} ({_describe(task)}) cannot run: the Dask cluster "
                        f"at {self.address} has had no worker for {WORKER_WAIT_SECONDS} s"
                    ) from None

    def _connect(self):
        try:
            from distributed import Client
        except ImportError:
            raise UserError("--dask needs the 'distributed' package: pip install "
                            "'dask[distributed]' (it is part of negsim's dependencies)") from None
        try:
            client = Client(self.address, timeout=self.timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise UserError(f"cannot reach the Dask scheduler at {self.address}: "
                            f"{error}") from None
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except (TimeoutError, OSError):
            client.close()
            raise UserError(f"the Dask scheduler at {self.address} has no workers (waited "
                            f"{WORKER_WAIT_SECONDS} s); start some with: dask worker "
                            f"{self.address}") from None
        return client


def _describe(task) -> str:
    first, count = getattr(task, "first_replicate", None), getattr(task, "count", None)
    if first is not None and count is not None:
        return f"replicates {first}–{first + count - 1}"
    return f"{count} replicates" if count is not None else repr(task)
