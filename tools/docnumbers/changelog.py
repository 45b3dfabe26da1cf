"""CHANGELOG.md: every shipped scenario's shares before and after model version 2.

Before: ``docs/data/baselines-model-1.csv``, the regression baselines of model version 1 as
committed at 9e4ad60 (``git show 9e4ad60:tests/tools/baselines.csv``; that commit's own
``tools.baselines.summaries()`` reproduces them exactly). After: the current regression
baselines, ``tests/tools/baselines.csv``, which ``tests/tools/test_baselines.py`` checks
against the model. Both are fixed-seed summaries of 4,000 histories per scenario
(``tools.baselines.RUNS``), so the table needs no simulation of its own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim import DEFAULT_SEED
from sim.model.outcomes import OUTCOMES
from sim.scenario.loader import load_scenario, shipped_scenarios
from tools import baselines
from tools.docnumbers.generated import Generated
from tools.docnumbers.words import pct

ROOT = Path(__file__).resolve().parents[2]
BEFORE = ROOT / "docs" / "data" / "baselines-model-1.csv"
BEFORE_COMMIT = "9e4ad60"


def generate(before: Path = BEFORE, after: Path = baselines.FILE) -> Generated:
    old, new = _read(before), _read(after)
    made = Generated()
    made.value("changelog.runs", f"{baselines.RUNS:,}")
    made.value("changelog.seed", str(DEFAULT_SEED))
    made.value("changelog.commit", BEFORE_COMMIT)
    made.value("changelog.outcomes", _outcomes(old, new))
    made.value("changelog.agreed", _agreed(old, new))
    made.claim("changelog: every shipped scenario has shares before and after",
               set(shipped_scenarios()) <= set(old) & set(new))
    talks = [s for s in new if new[s][("outcome", "no_talks")] < 1]
    made.claim("changelog: in every scenario with talks an exchange is agreed less often",
               all(_exchange(s, new) < _exchange(s, old) for s in talks))
    made.claim("changelog: in every scenario with talks more histories end with nothing "
               "agreed", all(new[s][("outcome", "no_agreement")]
                             > old[s][("outcome", "no_agreement")] for s in talks))
    return made


def _read(path: Path) -> dict[str, dict[tuple[str, str], float]]:
    """Shares by scenario, then by (metric, category)."""
    table = pd.read_csv(path, keep_default_na=False)
    return {scenario: dict(zip(zip(rows["metric"], rows["category"], strict=True), rows["share"],
                             strict=True))
            for scenario, rows in table.groupby("scenario")}


def _change(before: float | None, after: float | None) -> str:
    shown = [pct(x) if x is not None else "–" for x in (before, after)]
    return shown[0] if shown[0] == shown[1] else f"{shown[0]} → {shown[1]}"


def _outcomes(old: dict, new: dict) -> str:
    head = ["| scenario | " + " | ".join(f"`{o}`" for o in OUTCOMES) + " |",
            "|---|" + "---:|" * len(OUTCOMES)]
    rows = [f"| `{s}` | " + " | ".join(_change(old[s].get(("outcome", o)),
                                               new[s].get(("outcome", o))) for o in OUTCOMES)
            + " |" for s in sorted(new)]
    return "\n".join(head + rows)


def _agreed(old: dict, new: dict) -> str:
    rows = ["| scenario | issue | agreed (any level) |", "|---|---|---:|"]
    for s in sorted(new):
        for issue in _issues(s):
            rows.append(f"| `{s}` | `{issue}` | "
                        f"{_change(old[s].get(('agreed', issue)), new[s].get(('agreed', issue)))} |")
    return "\n".join(rows)


def _issues(scenario: str) -> list[str]:
    return list(load_scenario(scenario).issues)


def _exchange(scenario: str, shares: dict) -> float:
    """The share agreeing the scenario's exchange (its first issue of kind exchange)."""
    issues = load_scenario(scenario).issues
    exchange = next(k for k, issue in issues.items() if issue.kind == "exchange")
    return shares[scenario][("agreed", exchange)]
