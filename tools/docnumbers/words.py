"""How the docs write numbers: the same forms as negsim's own tables."""

from __future__ import annotations


def pct(share: float) -> str:
    """A share as the run table prints it: ``0.103 -> '10.3%'``."""
    return f"{100 * share:.1f}%"


def whole_pct(share: float) -> str:
    """A share to the whole percent, for ratios of shares: ``0.385 -> '39%'``."""
    return f"{100 * share:.0f}%"


def index(value: float) -> str:
    """A sensitivity index or its interval, as the sweep table prints it."""
    return f"{value:.2f}"


def span(low: str, high: str) -> str:
    """``'0.47 to 0.55'``, or one number when both ends are written the same."""
    return low if low == high else f"{low} to {high}"
