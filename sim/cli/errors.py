"""How errors and interruptions reach the user: one context that every command runs in.

Light on purpose (Typer and the error types only), so that ``negsim --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from sim.errors import ChunkFailed, UserError


@contextmanager
def reported_errors() -> Iterator[None]:
    """User errors, interruptions and failed chunks become a short message on stderr and an
    exit code (2, 130/143, 1), never a traceback."""
    try:
        yield
    except UserError as error:
        for line in str(error).splitlines() or [type(error).__name__]:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(UserError.exit_code) from None
    except KeyboardInterrupt as interruption:  # RunInterrupted names the .partial folder
        typer.echo(str(interruption) or "interrupted", err=True)
        raise typer.Exit(getattr(interruption, "exit_code", 130)) from None
    except ChunkFailed as failure:  # not the user's to fix, but no traceback helps either
        typer.echo(f"error: {failure}", err=True)
        raise typer.Exit(1) from None
