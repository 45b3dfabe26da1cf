"""Parameters in words: the label a figure or table shows instead of a dotted path.

One rule, read off the resolved scenario (names of actors, labels of issues):

- ``trust.<i>.<j>`` → "Ukraine's trust in Russia";
- ``actors.<id>.<field ...>`` → "United States: monitoring", "Russia: attendance propensity";
- ``issues.<id>.<field ...>`` → "30-day ceasefire: opens after";
- anything else → its words: "Calendar: sessions".

Two paths tied by ``same_as`` (``a = b``) are labelled each and joined by " = ".
"""

from __future__ import annotations


def parameter_label(path: str, scenario: dict) -> str:
    """The label of the parameter at the dotted ``path`` of ``scenario`` (plain data)."""
    if " = " in path:
        return " = ".join(parameter_label(part, scenario) for part in path.split(" = "))
    parts = path.split(".")
    actors, issues = scenario.get("actors") or {}, scenario.get("issues") or {}
    if parts[0] == "trust" and len(parts) == 3:
        return f"{_name(actors, parts[1])}'s trust in {_name(actors, parts[2])}"
    if parts[0] == "actors" and len(parts) > 2:
        return f"{_name(actors, parts[1])}: {_words(parts[2:])}"
    if parts[0] == "issues" and len(parts) > 2:
        label = (issues.get(parts[1]) or {}).get("label", parts[1])
        return f"{label}: {_words(parts[2:])}"
    if len(parts) > 1:
        return f"{_words(parts[:1]).capitalize()}: {_words(parts[1:])}"
    return _words(parts)


def _name(actors: dict, key: str) -> str:
    return (actors.get(key) or {}).get("name", key)


def _words(parts: list[str]) -> str:
    return " ".join(parts).replace("_", " ")


def value_text(value: object) -> str:
    """A parameter value as a student would write it in YAML (``null``, ``true``, 0.9)."""
    if value is None or (isinstance(value, float) and value != value):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


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
