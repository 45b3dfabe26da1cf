"""Errors that are the user's to fix (exit code 2), kept apart from bugs (exit code 1).

The lowest layer of the package: every other module may import it, it imports nothing of
negsim's, and the command line (:mod:`sim.cli.errors`) turns these into messages and exit codes.
"""


class UserError(Exception):
    """Bad input or usage: the CLI prints the message on one line per problem and exits 2."""

    exit_code = 2


class ChunkFailed(RuntimeError):
    """A chunk could not be simulated, even after retries. Its finished siblings are kept.

    Raised by the executors (:mod:`sim.experiment.executor`, :mod:`sim.experiment.dask_executor`);
    the command line reports it in one line with exit code 1 (not the user's to fix).
    """
