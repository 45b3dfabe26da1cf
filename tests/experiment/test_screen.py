"""negsim screen (issue 12 item 1): the known answer, the two lists kept apart, ranges, the
folder, resume, and the command line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from faults import Interrupt
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import UserError
from sim.experiment import screen as screening
from sim.experiment.run import RunInterrupted, simulate
from sim.model.inert import cannot_act
from sim.results.screen import COLUMNS
from sim.scenario.loader import load_scenario

SMALL = {"trajectories": 4, "runs": 200, "seed": 11}
"""A screen small enough for a test: 4 × 69 points × 200 runs on the baseline."""

runner = CliRunner(env={"COLUMNS": "300"})


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    planned = screening.plan_screen(load_scenario("istanbul-2025"), **SMALL)
    return screening.run_screen(planned, out=tmp_path_factory.mktemp("screen"))


def rows(result, status: str) -> pd.DataFrame:
    return result.table[result.table["status"] == status]


# -- what it finds ---------------------------------------------------------------------------


def test_known_answer_a_propensity_under_mode_always_cannot_act(baseline):
    """Issue 12's "Done when": Türkiye's leader always attends, so its propensity is listed
    as cannot act here, with the model's reason, and has no effect on any output."""
    path = "actors.turkey.attendance.propensity"
    found = baseline.table[baseline.table["parameter"] == path]
    assert len(found) == len(screening.OUTPUTS)
    assert set(found["status"]) == {"cannot act here"} and (found["mu_star"] == 0).all()
    assert found["rank"].isna().all()
    reason = {e.path: e.reason for e in cannot_act(load_scenario("istanbul-2025"))}[path]
    assert set(found["reason"]) == {reason}
    assert {"path": path, "reason": reason, "rule": "attendance_settled", "given": []} in \
        baseline.metadata["cannot_act"]
    assert not [w for w in baseline.warnings if "report this as a bug" in w]


def test_every_value_that_cannot_act_measures_exactly_zero(tmp_path):
    """Where the rules rest on nothing screened, every elementary effect is 0 under common
    random numbers; where they rest on a screened value, the value is screened as any other
    and listed apart (it may act where that value moves)."""
    scenario = load_scenario("putin-attends", ["trust.ukraine.turkey=0", "trust.russia.turkey=0"])
    result = screening.run_screen(screening.plan_screen(scenario, **SMALL), out=tmp_path)
    idle = rows(result, "cannot act here")
    assert {"actors.russia.mandate.ceasefire", "actors.russia.audience_cost",
            "actors.russia.attendance.propensity"} <= set(idle["parameter"])
    assert (idle["mu_star"] == 0).all() and (idle["mu"] == 0).all()
    at_values = {e["path"] for e in result.metadata["idle_at_values"]}
    assert "actors.turkey.trust_building" in at_values  # rests on the trust in Türkiye
    assert "actors.turkey.trust_building" not in set(idle["parameter"])


def test_no_measured_effect_means_no_step_changed_a_count(baseline):
    """Checked from the points themselves: along every trajectory, each step that moved a
    parameter with no measured effect left the output's share unchanged, and a ranked one
    changed it at least once."""
    points = pd.read_parquet(baseline.path / "points.parquet")
    unit = pd.read_parquet(baseline.path / "unit_sample.parquet")
    moved = unit.diff().iloc[1:].ne(0)  # which parameter each step moved
    same_trajectory = (np.arange(1, len(unit)) % (unit.shape[1] + 1)) != 0
    for output in baseline.metadata["outputs"]:
        steps = points[f"{output}.share"].diff().iloc[1:].to_numpy()
        for row in baseline.table[baseline.table["output"] == output].itertuples():
            step = moved[row.parameter].to_numpy() & same_trajectory
            changed = np.any(steps[step] != 0)
            assert changed == (row.status == "ranked"), (output, row.parameter, row.status)


def test_ranked_rows_are_ordered_by_mu_star(baseline):
    for _, table in baseline.table.groupby("output"):
        ranked = table[table["status"] == "ranked"].sort_values("rank")
        assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
        assert ranked["mu_star"].is_monotonic_decreasing and (ranked["mu_star"] > 0).all()
    assert list(baseline.table.columns) == COLUMNS


def test_a_point_equals_the_run_with_its_values(baseline):
    """The screen's per-replicate values are the scenario's values: point p equals negsim
    run with every screened value set with --set, to the last digit."""
    design = pd.read_parquet(baseline.path / "design.parquet")
    points = pd.read_parquet(baseline.path / "points.parquet")
    for p in (0, 137):
        overrides = [f"{path}={json.dumps(float(design.at[p, path]))}"
                     for path in design.columns if path != "point"]
        summary = simulate(load_scenario("istanbul-2025", overrides), runs=SMALL["runs"],
                           seed=SMALL["seed"]).summary
        for output in baseline.metadata["outputs"]:
            share = summary.query("metric == 'outcome' and category == @output").share.iloc[0]
            assert points.at[p, f"{output}.share"] == share


# -- ranges and what is left out ------------------------------------------------------------


def test_default_ranges_are_a_share_of_the_valid_range_clipped():
    scenario = load_scenario("istanbul-2025")
    planned = screening.plan_screen(scenario, ranges={"actors.usa.monitoring": (0.0, 0.9)})
    ranges = {a.path: (a.lo, a.hi) for a in planned.axes}
    share = screening.SHARE
    assert ranges["actors.russia.attendance.propensity"] == (0.0, 0.15 + share)  # clipped at 0
    assert ranges["actors.ukraine.attendance.follows.russia"] == pytest.approx(
        (0.2 - 2 * share, 0.2 + 2 * share))  # a weight: −1 … 1
    assert ranges["actors.ukraine.positions.ceasefire"] == (1.0 - share, 1.0)  # clipped at 1
    factor = screening.FACTOR
    assert ranges["actors.russia.concession.ceasefire"] == (0.3 / factor, 0.3 * factor)
    assert ranges["observation.signal_strength"] == (1.0, 1.75 * factor)  # clipped at 1
    assert ranges["actors.usa.monitoring"] == (0.0, 0.9)
    assert planned.given == {"actors.usa.monitoring"}
    assert "actors.russia.delegation" not in ranges


def test_left_out_are_true_false_choices_and_whole_numbers():
    scenario = load_scenario("istanbul-2025")
    planned = screening.plan_screen(scenario)
    found = {path: kind for path, kind, _ in planned.left}
    assert found["actors.russia.delegation"] == "true/false"
    assert found["actors.russia.salience.ceasefire"] == "payoff weight"
    assert found["actors.usa.attendance.mode"] == "choice"
    assert found["issues.ceasefire.opens_after"] == "choice"
    assert found["calendar.sessions"] == found["issues.exchange.stages"] == "whole number"
    assert not set(found) & set(planned.paths)


@pytest.mark.parametrize(("ranges", "message"), [
    ({"actors.usa.monitorin": (0, 1)}, "--range actors.usa.monitorin: is not a number the "
     "model reads in this scenario; did you mean 'actors.usa.monitoring'?"),
    ({"actors.usa.monitoring": (0.5, 0.2)}, "LO must be below HI"),
    ({"actors.usa.monitoring": (0, 2)}, "must lie within its valid range, 0 to 1"),
    ({"actors.russia.concession.ceasefire": (0, 2)}, "valid range, more than 0 to 20"),
    ({"actors.russia.delegation": (0, 1)}, "left out of every screen: it is true or false"),
    ({"actors.russia.salience.exchange": (0, 1)}, "it is a weight of the payoff, which no "
     "screen output counts"),
])
def test_a_bad_range_is_one_line(ranges, message):
    with pytest.raises(UserError) as refused:
        screening.plan_screen(load_scenario("istanbul-2025"), ranges=ranges)
    assert message in str(refused.value) and "\n" not in str(refused.value)


# -- the folder ---------------------------------------------------------------------------------


def test_chunking_changes_no_number_and_resume_finishes_it(baseline, tmp_path):
    planned = screening.plan_screen(load_scenario("istanbul-2025"), **SMALL)
    with pytest.raises(RunInterrupted) as stopped:
        screening.run_screen(planned, out=tmp_path, chunk_size=7_000,
                             hooks=Interrupt(after_chunk=1))
    assert "negsim screen --resume" in str(stopped.value)
    resumed = screening.resume_screen(stopped.value.partial_dir)
    assert resumed.metadata["resumed"] and resumed.metadata["chunk_size"] == 7_000
    for name in ("screen.csv", "design.parquet", "points.parquet"):
        assert (resumed.path / name).read_bytes() == (baseline.path / name).read_bytes()


def test_metadata_records_what_produced_it(baseline):
    meta = baseline.metadata
    assert meta["kind"] == "screen" and meta["design"] == "morris"
    assert (meta["trajectories"], meta["runs"], meta["seed"]) == (4, 200, 11)
    assert meta["points"] == 4 * (len(meta["ranges"]) + 1) and meta["share"] == screening.SHARE
    assert {r["set_by"] for r in meta["ranges"]} == {"default"}
    assert meta["outputs"] == list(screening.OUTPUTS)


# -- the command line ---------------------------------------------------------------------------


def test_help_states_the_library_defaults():
    text = " ".join(runner.invoke(app, ["screen", "--help"]).output.split())
    assert f"± {screening.SHARE:g} of the field's valid range" in text
    assert "from half to twice" in text and screening.FACTOR == 2
    assert f"default: ({screening.TRAJECTORIES})" in text
    assert f"default: ({screening.LEVELS})" in text
    assert f"default {screening.RUNS:,} per point" in text
    assert ", ".join(screening.OUTPUTS) in text


def test_cli_screen_prints_both_lists_and_draws(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["screen", "istanbul-2025", "--trajectories", "3", "--runs",
                                 "100", "--output", "ceasefire_holding", "--range",
                                 "actors.usa.monitoring=0:0.6", "--workers", "1"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "30-day ceasefire agreed and held: ranked by μ*" in out
    assert "No measured effect on 30-day ceasefire agreed and held" in out
    assert ("Cannot act here, whatever the other screened values (2): talks.bias_scale: "
            "Scales the mediators' biases, but no mediator has a bias") in out
    assert "actors.russia.delegation = true (true/false)" in out
    [folder] = (tmp_path / "results" / "screen-istanbul-2025").iterdir()
    assert (folder / "figures" / "screen_ceasefire_holding.svg").is_file()
    svg = (folder / "figures" / "screen_ceasefire_holding.svg").read_text()
    assert "What matters for" in svg and "Russia: attendance propensity" in svg
    refused = runner.invoke(app, ["report", str(folder)])
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert "negsim report does not cover screen folders" in refused.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--range", "actors.usa.monitoring"], "must be PATH=LO:HI"),
    (["--levels", "3"], "--levels must be an even number from 2 to 20 (got 3)"),
    (["--output", "ceasefire_hold"], "did you mean 'ceasefire_holding'?"),
])
def test_cli_mistakes_are_one_line_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["screen", "istanbul-2025", *args])
    assert result.exit_code == 2 and message in result.stderr
    assert result.stderr.count("\n") == 1 and not (tmp_path / "results").exists()


def test_cli_resume_refuses_new_settings(tmp_path):
    partial = tmp_path / "x.partial"
    partial.mkdir()
    result = runner.invoke(app, ["screen", "istanbul-2025", "--resume", str(partial)])
    assert result.exit_code == 2
    assert "SCENARIO cannot be used with --resume" in result.stderr


def test_the_figure_cuts_an_interval_at_zero():
    """μ* is a mean of absolute changes: its interval is drawn no lower than 0, and its upper
    reach is SALib's half-width as it is."""
    from sim.report.plots import screen_interval

    ranked = pd.DataFrame({"mu_star": [0.035, 0.13], "mu_star_conf": [0.043, 0.08]})
    below, above = screen_interval(ranked)
    assert list(below) == [0.035, 0.08] and list(above) == [0.043, 0.08]
