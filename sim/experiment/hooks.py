"""The points of a run to a results folder where a caller may step in.

A run to a folder (``negsim run``, ``compare`` and ``sweep``, and their ``--resume``) goes
through the same fixed points, in this order: it names its new ``.partial`` folder, sets it
up (metadata and scenario), stores chunk after chunk (a run of one chunk keeps it in
memory), assembles the chunks into the tables, renames the folder to its final name, and
removes the chunk files. :class:`RunHooks`
has one method per point; the library calls them, and the methods of this class do nothing
(the folder's name comes from the clock and a random suffix).

negsim itself never passes other hooks. They exist so that a caller can act at an exact
point rather than at a moment in time: the reliability tests pass a subclass that interrupts
the run after chunk K, pauses it while the tables are written so that a real signal arrives
there, or gives two runs the same folder name so that they clash. The other thing a caller
chooses is *where* the chunks are simulated, the executor (:mod:`sim.experiment.executor`);
a test that needs a worker to die wraps the real executor. Both are ordinary arguments of
the experiment functions: no environment variable and no replaced module function.
"""

from __future__ import annotations


class RunHooks:
    """Called by a run to a folder at each point of its life; these do nothing.

    Subclass and override the points you need. Every method runs in the process that called
    the experiment function, never in a worker.
    """

    def folder_name(self) -> str:
        """A name to try for the new results folder; called again if the name is taken."""
        from sim.results.folder import stamped_name

        return stamped_name()

    def setting_up(self) -> None:
        """The new ``.partial`` folder exists; its first files (metadata, scenario) are about
        to be written. An interruption here removes the folder again."""

    def chunk_done(self, index: int) -> None:
        """Chunk ``index`` (0-based, in plan order) is simulated and stored in the
        ``.partial`` folder (or, when it is a run's only chunk, kept in memory)."""

    def assembling(self) -> None:
        """Every chunk is stored; the tables are being written from them (for a run, the
        replicate tables are written and the summary and daily table not yet)."""

    def before_rename(self) -> None:
        """Every table is written; the ``.partial`` folder is about to get its final name."""

    def after_rename(self) -> None:
        """The folder has its final name; its chunk files are about to be removed."""


NO_HOOKS = RunHooks()
"""The hooks a run uses when it is given none."""
