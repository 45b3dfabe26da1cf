"""Errors that are the user's to fix (exit code 2), kept apart from bugs (exit code 1).

The lowest layer of the package: every other module may import it, it imports nothing of
negsim's, and the command line (:mod:`sim.cli.errors`) turns these into messages and exit codes.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager


class UserError(Exception):
    """Bad input or usage: the CLI prints the message on one line per problem and exits 2."""

    exit_code = 2


class ChunkFailed(RuntimeError):
    """A chunk could not be simulated, even after retries. Its finished siblings are kept.

    Raised by the executors (:mod:`sim.experiment.executor`, :mod:`sim.experiment.dask_executor`);
    the command line reports it in one line with exit code 1 (not the user's to fix).
    """


@contextmanager
def writing(path: str | os.PathLike) -> Iterator[None]:
    """Turn the system's refusal to write `path` into a :class:`UserError` naming it.

    The command line checks every place it writes before it starts (:mod:`sim.cli.paths`),
    but only with ``os.access``, which cannot see everything: ``/proc`` says writable and is
    not, a root user passes every permission check, a disk can be full. The real error is
    caught here, where the writing happens, and becomes one line the user can act on.
    """
    try:
        yield
    except OSError as error:
        raise UserError(f"cannot write {os.fspath(path)} ({error.strerror or error})") from None
