"""A box of scenario discovery in words: ``≤ 0.44``, ``≥ 0.3``, ``0.1 to 0.4`` or the kept
categories, as the discover table, figure and report show a box's limits."""

from __future__ import annotations


def range_text(low: float, high: float, swept_low: float, swept_high: float) -> str:
    """A box's range of a parameter in words: ``≤ 0.44`` or ``≥ 0.3`` when one end is the
    end of the range swept (the box leaves that side open), else ``0.1 to 0.4``."""
    if low <= swept_low and high >= swept_high:
        return "any value"
    if low <= swept_low:
        return f"≤ {high:.3g}"
    if high >= swept_high:
        return f"≥ {low:.3g}"
    return f"{low:.3g} to {high:.3g}"


def restriction_text(row, points) -> str:
    """One row of ``boxes.csv`` or ``tree.csv`` in words, the swept range read from the
    discover folder's ``points.csv`` (``points``): kept categories joined by 'or', or a
    :func:`range_text`."""
    if row.categories:
        return row.categories.replace("|", " or ")
    swept = points[row.parameter]
    return range_text(float(row.low), float(row.high), float(swept.min()), float(swept.max()))
