"""The tables of ``negsim run``, ``compare`` and ``sweep`` (issue 11): the words come from
:class:`sim.model.labels.Labels`, every line fits a terminal of 80 columns with nothing cut
off, and a sweep's lowest and highest shares name the point that gave them."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from sim.cli import tables
from sim.experiment import sweep as sweeps
from sim.experiment.compare import compare
from sim.experiment.run import run_to_folder
from sim.model.labels import Labels
from sim.model.outcomes import OUTCOMES
from sim.results.sweep import SweepResults
from sim.scenario.loader import load_scenario

RUNS, SEED = 300, 11

GRID = """\
    kind: sweep
    base: istanbul-2025
    design: grid
    parameters:
      trust.ukraine.russia: {values: [0.1, 0.5]}
      trust.russia.ukraine: {same_as: trust.ukraine.russia}
      actors.usa.monitoring: {values: [0.0, 1.0]}
    runs: 200
    seed: 7
    outputs: [ceasefire_holding, ceasefire_collapsed, attended.russia]
"""


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("tables")
    run = run_to_folder(load_scenario("istanbul-2025"), RUNS, SEED, out=root)
    compared = compare([load_scenario(s) for s in ("istanbul-2025", "trump-joins",
                                                   "us-monitoring")], RUNS, SEED, out=root)
    sweep_file = root / "grid.yaml"
    sweep_file.write_text(textwrap.dedent(GRID), encoding="utf-8")
    swept = sweeps.run_sweep(sweeps.load_sweep(sweep_file), out=root)
    return {"run": run, "compare": compared, "sweep": swept}


def printed(capsys, monkeypatch, show) -> list[str]:
    """What a table printer writes to a terminal of 80 columns, line by line."""
    monkeypatch.setenv("COLUMNS", "80")
    show()
    return capsys.readouterr().out.splitlines()


def table_lines(lines: list[str]) -> list[str]:
    """The lines of the tables (the title line, warnings and the "written to" line are prose
    that the terminal wraps)."""
    return [line for line in lines if not line.startswith(
        ("Results written", "Compare ", "Sweep ", "Istanbul talks", "warning:"))]


def assert_fits_80_columns(lines: list[str]) -> None:
    too_wide = [line for line in table_lines(lines) if len(line.rstrip()) > 80]
    assert too_wide == []
    assert not [line for line in lines if "…" in line]


def test_run_tables_use_the_labels(folders, capsys, monkeypatch):
    lines = printed(capsys, monkeypatch, lambda: tables.print_results(folders["run"], False))
    text = "\n".join(lines)
    labels = Labels(folders["run"].scenario)
    for outcome in OUTCOMES:
        assert labels.outcome(outcome) in text
    assert "Vladimir Putin (Russia)" in text and "exchange_only" not in text
    assert_fits_80_columns(lines)


def test_compare_rows_read_as_in_run_and_fit_80_columns(folders, capsys, monkeypatch):
    lines = printed(capsys, monkeypatch,
                    lambda: tables.print_comparison(folders["compare"], False))
    text = "\n".join(lines)
    assert "A: istanbul-2025 (baseline)   B: trump-joins   C: us-monitoring" in text
    assert "Vladimir Putin (Russia)" in text and "attended russia" not in text
    assert "United States: monitoring" in text and "actors.usa.monitoring" in text
    row = next(line for line in lines if line.startswith("Vladimir Putin (Russia)"))
    shares = folders["compare"].shares.set_index(["scenario", "metric", "category"])
    share = shares.loc[("trump-joins", "attended", "russia"), "share"]
    assert f"{100 * share:.1f}" in row
    assert_fits_80_columns(lines)


def test_sweep_summary_names_the_lowest_and_highest_point(folders, capsys, monkeypatch):
    result = folders["sweep"]
    lines = printed(capsys, monkeypatch, lambda: tables.print_sweep(result, False))
    held = result.points["ceasefire_holding.share"]
    lowest = result.points.loc[held.idxmin()]
    heading = lines.index("30-day ceasefire agreed and held")
    row = lines[heading + 1]
    assert row.split()[:2] == ["lowest", f"{100 * held.min():.1f}%"]
    point = " ".join(" ".join(lines[heading + 1:heading + 4]).split())
    assert (f"Ukraine's trust in Russia and Russia's trust in Ukraine = "
            f"{lowest['trust.ukraine.russia']:.3g}") in point
    assert f"United States: monitoring = {lowest['actors.usa.monitoring']:.3g}" in point
    assert "Vladimir Putin (Russia) attends" in lines
    assert_fits_80_columns(lines)


def test_sensitivity_table_names_every_parameter_in_full(folders, capsys, monkeypatch):
    """At 80 columns, ``actors.russia.momentum`` and ``actors.russia.attendance.propensity``
    were both cut to ``actors.russia…``: their labels now stand whole, one per row."""
    swept = folders["sweep"]
    parameters = ["trust.ukraine.russia", "actors.russia.momentum",
                  "actors.russia.attendance.propensity", "actors.usa.credibility"]
    indices = pd.DataFrame(
        [(o, p, i, 0.1 * n, 0.01) for o in ("ceasefire_holding", "leaders_met")
         for n, p in enumerate(parameters) for i in ("S1", "ST")],
        columns=["output", "parameter", "index", "value", "conf"])
    result = SweepResults(swept.points, indices, {**swept.metadata, "design": "sobol"},
                          swept.path)
    lines = printed(capsys, monkeypatch, lambda: tables.print_sweep(result, False))
    labels = [line.split("│")[0].strip() for line in lines if "│" in line]
    for expected in ("Ukraine's trust in Russia", "Russia: momentum",
                     "Russia: attendance propensity", "United States: credibility"):
        assert labels.count(expected) == 2  # once under each output
    assert_fits_80_columns(lines)
