"""The ``negsim`` command line, the package's one front door.

Every command is a thin load → call → print sequence over the library; the options that
several commands share are defined once (:mod:`sim.cli.options`), errors reach the user
through one context (:mod:`sim.cli.errors`), and the printed tables live in
:mod:`sim.cli.tables`. Importing this package registers every command on :data:`app`; only
Typer is imported at module level, so that ``negsim --help`` stays fast. Nothing in the
library imports this package.

Modules: ``app`` (the Typer application and :func:`main`), ``experiments`` (run, compare,
sweep), ``exploring`` (discover, robust), ``screen``, ``scenarios`` (validate, show, list,
new, schema, docs), ``teaching`` (trace, plot, report), ``view``.
"""

from sim.cli import (  # noqa: F401  (importing them registers the commands)
    experiments,
    exploring,
    scenarios,
    screen,
    teaching,
    view,
)
from sim.cli.app import app, main

__all__ = ["app", "main"]
