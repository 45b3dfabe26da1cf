"""Run a ``negsim`` command line as a reader types it, and read what it wrote.

The docs tell readers to type commands such as ``negsim run putin-attends --out class``; the
doc generators run exactly those command lines, through the same Typer app the ``negsim``
script calls (in this process, which saves a second of start-up per command), each in a
fresh empty folder, so that the relative paths in the command mean what they mean for the
reader. A generator may add ``--no-plots``, which changes no number (figures are drawn from
the results folder after it is written); it says so where it does.

Output is captured as a terminal of 80 columns without colour would show it: the width the
tables are laid out for (``sim/cli/tables.py``).
"""

from __future__ import annotations

import contextlib
import re
import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path

FOLDER_STAMP = re.compile(r"\d{8}-\d{6}-[0-9a-f]{4}")
"""The time and id in a results folder's name (``20261202-042819-5c89``)."""

STAMP_SHOWN = "<time>-<id>"
"""How the docs show that part of a folder's name, which changes at every run."""

TERMINAL = {"COLUMNS": "80", "LINES": "40", "FORCE_COLOR": None, "TTY_COMPATIBLE": None,
            "NO_COLOR": "1"}
"""The environment of the captured terminal: 80 columns, no colour codes."""


class CommandFailed(RuntimeError):
    """A command a doc tells readers to run did not succeed."""


@dataclass(frozen=True)
class Ran:
    """What one command printed, and the results folders it wrote (if any)."""

    command: str
    stdout: str
    folders: list[Path]
    stderr: str = ""
    """What it printed on the error stream (notes such as the size of --series)."""

    @property
    def folder(self) -> Path:
        """The one results folder the command wrote."""
        if len(self.folders) != 1:
            raise CommandFailed(f"`{self.command}` wrote {len(self.folders)} results folders, "
                                "expected one")
        return self.folders[0]

    @property
    def shown(self) -> str:
        """The output with each results folder's time and id as the docs show them."""
        return FOLDER_STAMP.sub(STAMP_SHOWN, self.stdout)


def negsim(command: str, workdir: Path, *extra: str) -> Ran:
    """Run ``command`` (a line starting with ``negsim``) in a new empty folder under
    ``workdir``, with ``extra`` arguments appended; raise :class:`CommandFailed` unless it
    exits with 0."""
    from typer.testing import CliRunner

    from sim.cli import app

    words = shlex.split(command)
    if words[0] != "negsim":
        raise CommandFailed(f"not a negsim command: {command!r}")
    here = Path(tempfile.mkdtemp(dir=workdir))
    with contextlib.chdir(here):
        result = CliRunner().invoke(app, [*words[1:], *extra], env=TERMINAL)
    if result.exit_code != 0:
        raise CommandFailed(f"`{command}` exited with {result.exit_code}: "
                            f"{result.output.strip() or result.exception!r}")
    folders = sorted(p.parent for p in here.rglob("metadata.json"))
    return Ran(command, result.stdout, folders, result.stderr)
