"""The results folder of ``negsim compare``: writers and readers side by side.

Layout::

    <out>/compare-<A>-<B>.../<YYYYMMDD-HHMMSS>-<4 hex>/
        metadata.json       kind: compare; the scenarios (label, stem, source), seed, runs, ...
        scenario.yaml       the first scenario (the baseline), resolved
        scenarios/<label>.yaml   every scenario, resolved
        parameters.csv      path, then one column per scenario: the values that differ
        shares.csv/.json    scenario, metric, category, share, ci_low, ci_high, n
        differences.csv/.json   scenario, baseline, metric, category, diff, ci_low, ci_high,
                            significant, paired_se, independent_se
        daily.csv           scenario, day, then the daily shares and means of each scenario

Replicate rows are not kept (``negsim run`` keeps them for one scenario). Values in
``parameters.csv`` are JSON text (``0.5``, ``"always"``, ``{"russia": 0.2}``) and ``(absent)``
where a scenario has no such path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.results import folder as files

SHARE_COLUMNS = ["scenario", "metric", "category", "share", "ci_low", "ci_high", "n"]
DIFFERENCE_COLUMNS = ["scenario", "baseline", "metric", "category", "diff", "ci_low", "ci_high",
                      "significant", "paired_se", "independent_se"]
FILES = ("metadata.json", "scenario.yaml", "parameters.csv", "shares.csv", "shares.json",
         "differences.csv", "differences.json", "daily.csv")


@dataclass
class Comparison:
    """What ``negsim compare`` produced (see the module docstring for each table).

    Attributes:
        shares: each scenario's outcome shares with Wilson 95% intervals (the run summary's
            columns, ``scenario`` holding the label).
        differences: each scenario minus the first, paired replicate by replicate.
        parameters: the dotted paths whose values differ between the scenarios.
        daily: one row per scenario and day.
        metadata: provenance (``metadata.json``).
        path: the results folder, when written.
    """

    shares: pd.DataFrame
    differences: pd.DataFrame
    parameters: pd.DataFrame
    daily: pd.DataFrame
    metadata: dict
    path: Path | None = None

    @property
    def labels(self) -> list[str]:
        return [s["label"] for s in self.metadata["scenarios"]]

    @property
    def scenario(self) -> dict:
        """The first scenario (the baseline), resolved, as a plain dict (``scenario.yaml``); empty
        before the folder is written."""
        return files.read_scenario(self.path) if self.path is not None else {}

    def save_tables(self, folder: Path) -> None:
        """Write every table of the folder (metadata and scenarios are written earlier)."""
        files.write_table(folder, "parameters", self.parameters)
        files.write_table(folder, "shares", self.shares, json_too=True)
        files.write_table(folder, "differences", self.differences, json_too=True)
        files.write_table(folder, "daily", self.daily)


def value_text(text: str) -> str:
    """A value of ``parameters.csv`` (JSON text) as a student writes it in YAML (``auto``,
    ``0.5``, ``true``, ``{russia: 0.2}``); ``(absent)`` stays as it is."""
    try:
        return yaml_text(json.loads(text))
    except ValueError:
        return text


def yaml_text(value: object) -> str:
    """A resolved value as YAML text: ``null``, ``true``/``false``, ``{key: value}``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def write_scenarios(folder: Path, labels: list[str], resolved: list[dict]) -> None:
    """``scenario.yaml`` (the baseline) and ``scenarios/<label>.yaml`` (every scenario)."""
    files.write_scenario(folder, resolved[0])
    for label, data in zip(labels, resolved, strict=True):
        files.write_yaml(folder / "scenarios" / f"{label}.yaml", data)


def read_scenarios(folder: Path, labels: list[str]) -> list[dict]:
    return [files.read_yaml(folder / "scenarios" / f"{label}.yaml") for label in labels]


def load_comparison(folder: str | Path) -> Comparison:
    """Read a finished compare folder back."""
    from sim.errors import UserError

    folder = Path(folder)
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise UserError(f"{folder}: not a finished compare folder (missing {', '.join(missing)})")
    parameters = pd.read_csv(folder / "parameters.csv", dtype=str, keep_default_na=False)
    return Comparison(shares=files.read_table(folder, "shares"),
                      differences=files.read_table(folder, "differences"),
                      parameters=parameters, daily=files.read_table(folder, "daily"),
                      metadata=files.read_metadata(folder), path=folder)
