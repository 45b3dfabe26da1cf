"""docs/experiments.md: "Why the differences are so precise", paired against independent
interval widths, from the two ``negsim compare`` commands the page names; and the size of
``series.parquet`` that ``negsim run --series`` estimates and writes.

Each command is run as the page shows it (``--no-plots`` added; it changes no number), and
the table is read from its ``differences.csv``: a width is the full 95% interval,
``2 × 1.96 × se``, in percentage points.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tools.docnumbers.commands import negsim
from tools.docnumbers.generated import Generated

COMMANDS = ("negsim compare istanbul-2025 trump-joins --runs 100000",
            "negsim compare istanbul-2025 us-monitoring putin-attends --runs 100000")

ROWS = (("trump-joins", "outcome", "exchange_only", "exchange_only"),
        ("trump-joins", "outcome", "ceasefire_holding", "ceasefire_holding"),
        ("trump-joins", "outcome", "ceasefire_collapsed", "ceasefire_collapsed"),
        ("trump-joins", "leaders_met", "all", "leaders met"),
        ("trump-joins", "attended", "ukraine", "Zelenskyy attends"),
        ("us-monitoring", "outcome", "exchange_only", "exchange_only"),
        ("us-monitoring", "outcome", "ceasefire_holding", "ceasefire_holding"),
        ("us-monitoring", "outcome", "no_agreement", "no_agreement"),
        ("putin-attends", "outcome", "ceasefire_holding", "ceasefire_holding"))
"""The rows the page shows: (scenario, metric, category, as the page names it)."""

Z = 1.96


def generate(workdir: Path) -> Generated:
    differences = pd.concat([pd.read_csv(negsim(c, workdir, "--no-plots").folder
                                         / "differences.csv") for c in COMMANDS])
    rows = [_row(differences, *key) for key in ROWS]
    made = Generated()
    made.value("experiments.commands", "`" + "` and `".join(COMMANDS) + "`")
    made.value("experiments.table", _table(rows))
    ratios = [r["ratio"] for r in rows]
    made.value("experiments.narrower", f"{1 - max(ratios):.0%}–{1 - min(ratios):.0%}")
    holding, zelenskyy = rows[1], rows[4]
    made.value("experiments.trump.ratio", f"{holding['ratio']:.2f}")
    made.value("experiments.trump.runs", f"{holding['ratio'] ** -2:.1f}")
    made.value("experiments.zelenskyy.runs", f"{zelenskyy['ratio'] ** -2:.1f}")
    putin = _row(differences, "trump-joins", "attended", "russia", "")
    made.value("experiments.trump.putin", f"{100 * putin['diff']:.0f}")
    made.claim("experiments: pairing narrows every interval in the table",
               all(0 < r < 1 for r in ratios))
    made.claim("experiments: Trump's confirmed attendance flips Putin's attendance in many "
               "histories (more than 20 points)", putin["diff"] > 0.2)
    made.merge(_series(workdir))
    return made


SERIES_COMMAND = "negsim run istanbul-2025 --series trust,ceasefire,violations"


def _series(workdir: Path) -> Generated:
    """What ``negsim run --series`` prints first (its estimate) and the file it writes."""
    from sim.experiment.series import file_size

    ran = negsim(SERIES_COMMAND, workdir, "--no-plots")
    printed = ran.stderr.splitlines()[0]
    estimate = _bytes(printed.removeprefix("series: about ").split(" for ")[0])
    written = (ran.folder / "series.parquet").stat().st_size
    made = Generated()
    made.value("experiments.series.command", f"`{SERIES_COMMAND}`")
    made.value("experiments.series.printed", f"`{printed}`")
    made.value("experiments.series.size", file_size(written))
    made.claim("experiments: the printed series estimate is within a factor 1.5 of the file",
               1 / 1.5 <= estimate / written <= 1.5)
    return made


def _bytes(shown: str) -> float:
    """``1.1 MB`` (as :func:`sim.experiment.run.file_size` writes it) in bytes."""
    number, unit = shown.split()
    scale = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[unit]
    return float(number.replace(",", "")) * scale


def _row(differences: pd.DataFrame, scenario: str, metric: str, category: str,
         shown: str) -> dict:
    hit = differences[(differences["scenario"] == scenario) & (differences["metric"] == metric)
                      & (differences["category"] == category)].iloc[0]
    paired, independent = 2 * Z * hit["paired_se"], 2 * Z * hit["independent_se"]
    return {"scenario": scenario, "shown": shown, "diff": hit["diff"], "paired": paired,
            "independent": independent, "ratio": paired / independent}


def _table(rows: list[dict]) -> str:
    head = ["| Comparison with the baseline | Outcome | Difference | Paired width | "
            "Independent width | Paired / independent |",
            "| --- | --- | ---: | ---: | ---: | ---: |"]
    body = [f"| {r['scenario']} | {r['shown']} | {_points(r['diff'])} | "
            f"{100 * r['paired']:.2f} | {100 * r['independent']:.2f} | {r['ratio']:.2f} |"
            for r in rows]
    return "\n".join(head + body)


def _points(diff: float) -> str:
    """A difference in points with its sign, as the page writes it (−6.10, +3.80)."""
    return f"{100 * diff:+.2f}".replace("-", "−")
