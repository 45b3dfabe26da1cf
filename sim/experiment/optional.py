"""EMA Workbench, the optional package behind ``negsim discover`` and :mod:`sim.ema`.

It is the ``explore`` extra (it pulls in scikit-learn, statsmodels, seaborn and platypus, so it
stays out of the core install): imported only when a command needs it, and when it is missing
the user gets one line naming the command that installs it, not an ``ImportError``.
"""

from __future__ import annotations

import warnings
from types import ModuleType

from sim.errors import UserError

INSTALL = 'pip install -c constraints.txt -e ".[explore]"'
"""The install command, run from the negsim folder (the README's way of installing)."""


def ema_workbench(needed_by: str) -> ModuleType:
    """The ``ema_workbench`` package.

    Args:
        needed_by: what needs it, for the message (``negsim discover``).

    Raises:
        UserError: it is not installed; the message names the install command.
    """
    try:
        with warnings.catch_warnings():
            # EMA announces at import that an evaluator we never use (ipyparallel) is missing
            warnings.filterwarnings("ignore", message="ipyparallel not installed")
            import ema_workbench
    except ImportError:
        raise UserError(f"{needed_by} needs EMA Workbench (the explore extra), which is not "
                        f"installed: from the negsim folder, run {INSTALL}") from None
    return ema_workbench
