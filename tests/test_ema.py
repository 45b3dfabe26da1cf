"""sim.ema: EMA Workbench's own perform_experiments on a negsim scenario (the real package)."""

from __future__ import annotations

import sys

import ema_workbench  # the explore extra is part of the test extra: CI has it
import numpy as np
import pytest

import sim.ema
from sim.errors import UserError
from sim.experiment.run import simulate
from sim.scenario.loader import load_scenario
from sim.scenario.problems import ScenarioError

RUNS, SEED = 60, 7


@pytest.fixture(scope="module")
def performed():
    built = sim.ema.model(
        "istanbul-2025", ["ceasefire_holding", "attended.usa", "leaders_met"],
        uncertainties={"trust.ukraine.russia": (0.05, 0.5), "calendar.sessions": (2, 4)},
        levers={"actors.usa.attendance.mode": ["auto", "always"],
                "issues.ceasefire.opens_after": [None, "exchange"]},
        runs=RUNS, seed=SEED)
    # every lever combination (a full factorial of the four) in three seeded scenarios
    experiments, outcomes = ema_workbench.perform_experiments(
        built, scenarios=3, policies=4, lever_sampling=ema_workbench.Samplers.FF,
        uncertainty_sampling_kwargs={"rng": 42})
    return built, experiments, outcomes


def test_the_model_speaks_in_dotted_paths_and_outcome_shares(performed):
    built, experiments, outcomes = performed
    assert [u.name for u in built.uncertainties] == ["trust.ukraine.russia", "calendar.sessions"]
    assert type(built.uncertainties["calendar.sessions"]).__name__ == "IntegerParameter"
    assert [lever.name for lever in built.levers] == ["actors.usa.attendance.mode",
                                                      "issues.ceasefire.opens_after"]
    assert set(outcomes) == {"ceasefire_holding", "attended.usa", "leaders_met"}
    assert len(experiments) == 12 and all(len(v) == 12 for v in outcomes.values())
    assert experiments.groupby(["actors.usa.attendance.mode",
                                "issues.ceasefire.opens_after"]).size().to_dict() == {
        ("always", "exchange"): 3, ("always", "null"): 3, ("auto", "exchange"): 3,
        ("auto", "null"): 3}
    for values in outcomes.values():
        assert ((0 <= values) & (values <= 1)).all()
    assert {"trust.ukraine.russia", "calendar.sessions", "actors.usa.attendance.mode"} <= set(
        experiments.columns)


def test_each_experiment_equals_negsim_run_with_its_values(performed):
    _, experiments, outcomes = performed
    for i in (0, 5, 11):
        row = experiments.iloc[i]
        overrides = [f"trust.ukraine.russia={float(row['trust.ukraine.russia'])!r}",
                     f"calendar.sessions={int(row['calendar.sessions'])}",
                     f"actors.usa.attendance.mode={row['actors.usa.attendance.mode']}"]
        if row["issues.ceasefire.opens_after"] != "null":
            overrides.append(f"issues.ceasefire.opens_after={row['issues.ceasefire.opens_after']}")
        summary = simulate(load_scenario("istanbul-2025", overrides), RUNS, SEED).summary
        for output in outcomes:
            assert outcomes[output][i] == sim.ema.share(summary, output), (i, output)


def test_a_lever_acts(performed):
    _, experiments, outcomes = performed
    always = (experiments["actors.usa.attendance.mode"] == "always").to_numpy()
    assert always.any() and (outcomes["attended.usa"][always] == 1).all()


def test_emas_own_analysis_reads_the_results(performed):
    from ema_workbench.analysis import feature_scoring

    _, experiments, outcomes = performed
    scores = feature_scoring.get_feature_scores_all(
        experiments.drop(columns=["model", "policy", "scenario"]),
        {"attended.usa": outcomes["attended.usa"]}, random_state=0)
    assert scores.loc["actors.usa.attendance.mode", "attended.usa"] == scores.max().max()


@pytest.mark.parametrize(("call", "message"), [
    (dict(outcomes=["ceasefire_hold"]), "unknown output 'ceasefire_hold'; did you mean "
                                        "'ceasefire_holding'?"),
    (dict(outcomes=["ceasefire_holding"], uncertainties={"trust.ukraine.russia": (0.1, 1.5)}),
     "trust.ukraine.russia: 1.5 is not allowed: trust.ukraine.russia: must be at most 1"),
    (dict(outcomes=["ceasefire_holding"], levers={"actors.usa.attendance.mode": ["sometimes"]}),
     "actors.usa.attendance.mode: \"sometimes\" is not allowed"),
])
def test_mistakes_are_reported_before_any_experiment(call, message):
    with pytest.raises((UserError, ScenarioError)) as raised:
        sim.ema.model("istanbul-2025", **call)
    assert message in str(raised.value)


def test_without_the_extra_the_message_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "ema_workbench", None)
    with pytest.raises(UserError, match=r'pip install -c constraints.txt -e "\.\[explore\]"'):
        sim.ema.model("istanbul-2025", ["ceasefire_holding"])


def test_share_reads_every_kind_of_output():
    summary = simulate(load_scenario("istanbul-2025"), 50, SEED).summary
    for output, metric, category in (("no_talks", "outcome", "no_talks"),
                                     ("leaders_met", "leaders_met", "all"),
                                     ("agreed.exchange", "agreed", "exchange")):
        row = summary[(summary["metric"] == metric) & (summary["category"] == category)]
        assert sim.ema.share(summary, output) == row["share"].item()
    assert np.isfinite(sim.ema.share(summary, "attended.russia"))
