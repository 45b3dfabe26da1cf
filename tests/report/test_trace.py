"""``negsim trace``: one history told day by day is exactly replicate K of ``negsim run``.

The trace runs the reference model with a narrator; its final record must equal row K of the
engine's replicate table for the same seed (several scenarios, several K, including histories
chosen for their ceasefire so that violations, observations, trust and exits are compared).
"""

from __future__ import annotations

import csv
import io
import json
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app as negsim_app
from sim.model import simulate_chunk
from sim.model.outcomes import OUTCOMES
from sim.report import trace as story
from sim.scenario.loader import load_scenario

SEED = 20250514

CEASEFIRE_HEAVY = (  # both sides want a full ceasefire and Russia's delegation may sign it
    "actors.russia.positions.ceasefire=1", "actors.russia.reservation.ceasefire=0",
    "actors.russia.momentum=0", "actors.russia.mandate.ceasefire=1",
    "actors.ukraine.reservation.ceasefire=0", "actors.usa.monitoring=0.5")


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("istanbul-2025")


@pytest.fixture(scope="module")
def ceasefire_heavy():
    return load_scenario("istanbul-2025", overrides=CEASEFIRE_HEAVY)


def engine_row(scenario, replicate: int) -> dict:
    return simulate_chunk(scenario, SEED, replicate, 1).replicates.iloc[0].to_dict()


def assert_same_record(traced: dict, row: dict) -> None:
    assert list(traced) == list(row)
    for column, value in traced.items():
        other = row[column]
        if value is None:
            assert other is None or pd.isna(other), column
        elif isinstance(value, float):
            assert math.isclose(value, other, rel_tol=0, abs_tol=1e-12), column
        else:
            assert value == other, column


@pytest.mark.parametrize("name, overrides, replicates", [
    ("istanbul-2025", (), (0, 1, 7, 125, 4321)),
    ("putin-attends", (), (3, 250_000)),
    ("istanbul-2025", ("actors.russia.delegation=false",), (0, 9)),
])
def test_trace_is_replicate_k_of_the_run(name, overrides, replicates):
    scenario = load_scenario(name, overrides=overrides)
    for k in replicates:
        told = story.trace(scenario, SEED, k)
        assert told.replicate == k and told.record["replicate"] == k
        assert_same_record(told.record, engine_row(scenario, k))
        assert told.events[-1].kind == "end"
        assert told.events[-1].numbers["outcome"] == told.record["outcome"]


def test_ceasefire_histories_equal_the_run(ceasefire_heavy):
    table = simulate_chunk(ceasefire_heavy, SEED, 0, 60).replicates
    outcomes = set(table["outcome"].astype(str))
    assert {"ceasefire_collapsed", "ceasefire_holding"} <= outcomes  # the variant does its job
    for k in range(0, 60, 3):
        assert_same_record(story.trace(ceasefire_heavy, SEED, k).record,
                           table.iloc[k].to_dict())


def test_a_collapse_is_told_with_its_causes(ceasefire_heavy):
    k = story.find_replicate(ceasefire_heavy, SEED, "ceasefire_collapsed")
    told = story.trace(ceasefire_heavy, SEED, k)
    kinds = [e.kind for e in told.events]
    for kind in ("type", "announce", "talks_open", "session", "proposal", "response",
                 "agreement", "ceasefire_starts", "exit", "collapse", "end"):
        assert kind in kinds, kind
    assert {"observed_violation", "false_alarm"} & set(kinds)
    exit_event = next(e for e in told.events if e.kind == "exit")
    assert 0 < exit_event.numbers["chance"] < 1
    collapse = next(e for e in told.events if e.kind == "collapse")
    assert collapse.numbers["days"] == told.record["ceasefire_days"]


def test_trust_changes_carry_before_and_after(ceasefire_heavy):
    told = story.trace(ceasefire_heavy, SEED, story.find_replicate(
        ceasefire_heavy, SEED, "ceasefire_holding"))
    trust = [e for e in told.events if e.kind in ("trust", "quiet")]
    assert trust
    for event in trust:
        pairs = [key for key in event.numbers if key.endswith(".before")]
        assert pairs
        for key in pairs:
            after = event.numbers[key.removesuffix(".before") + ".after"]
            assert 0 <= event.numbers[key] <= 1 and 0 <= after <= 1
    assert any(e.kind == "term_completed" for e in told.events)


def test_find_returns_the_first_replicate_with_that_outcome(baseline):
    for outcome in ("ceasefire_holding", "no_agreement"):
        k = story.find_replicate(baseline, SEED, outcome)
        table = simulate_chunk(baseline, SEED, 0, k + 1).replicates
        assert table["outcome"].iloc[k] == outcome
        assert not (table["outcome"].iloc[:k] == outcome).any()


def test_find_rejects_unknown_and_impossible_outcomes(baseline):
    with pytest.raises(Exception) as error:
        story.find_replicate(baseline, SEED, "peace")
    for outcome in OUTCOMES:
        assert outcome in str(error.value)
    with pytest.raises(Exception, match="no replicate among the first 1,000"):
        story.find_replicate(baseline, SEED, "no_talks", limit=1000)


def test_text_json_and_csv_carry_the_same_events(baseline):
    told = story.trace(baseline, SEED, 125)
    document = json.loads(story.to_json(told))
    rows = list(csv.DictReader(io.StringIO(story.to_csv(told))))
    text = " ".join(story.to_text(told).split())
    assert len(document["events"]) == len(rows) == len(told.events)
    for event, from_json, from_csv in zip(told.events, document["events"], rows, strict=True):
        assert from_json["text"] == from_csv["text"] == event.text
        assert from_json["kind"] == from_csv["kind"] == event.kind
        assert int(from_csv["day"]) == from_json["day"] == event.day
        assert json.loads(from_csv["numbers"]) == from_json["numbers"]
        assert " ".join(event.text.split()) in text
    assert document["record"] == told.record


def test_dates_appear_only_with_a_start_date(baseline):
    told = story.trace(baseline, SEED, 0)
    assert "Day 0 · Thu 15 May 2025" in story.to_text(told)
    assert next(e for e in told.events if e.day == 0).date == "2025-05-15"
    undated = load_scenario("istanbul-2025", overrides=("start_date=null",))
    text = story.to_text(story.trace(undated, SEED, 0))
    assert "Day 0\n" in text and "2025" not in text.split("\n", 2)[2]


# -- the command --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli():
    app = negsim_app
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_trace_command_formats(cli):
    text = cli("trace", "istanbul-2025", "--replicate", "7")
    assert text.exit_code == 0, text.output
    assert "replicate 7, seed 20250514" in text.output and "Outcome" in text.output
    as_json = cli("trace", "istanbul-2025", "-r", "7", "--format", "json")
    assert json.loads(as_json.output)["replicate"] == 7
    as_csv = cli("trace", "istanbul-2025", "-r", "7", "--format", "csv")
    assert as_csv.output.splitlines()[0] == ",".join(story.CSV_COLUMNS)


def test_trace_command_find_and_set(cli, ceasefire_heavy):
    sets = [word for o in CEASEFIRE_HEAVY for word in ("--set", o)]
    found = cli("trace", "istanbul-2025", *sets, "--find", "ceasefire_collapsed", "-f", "json")
    assert found.exit_code == 0, found.output
    document = json.loads(found.output[found.output.index("{"):])
    assert document["record"]["outcome"] == "ceasefire_collapsed"
    assert document["replicate"] == story.find_replicate(ceasefire_heavy, SEED,
                                                         "ceasefire_collapsed")


@pytest.mark.parametrize("args, message", [
    (("--find", "peace"), "unknown outcome 'peace': choose one of no_talks, no_agreement,"),
    (("--find", "ceasefire_colapsed"), "unknown outcome 'ceasefire_colapsed'; did you mean "
                                       "'ceasefire_collapsed'? choose one of no_talks,"),
    (("--format", "xml"), "--format must be one of text, json, csv"),
    (("--find", "no_agreement", "--replicate", "3"), "not both"),
    (("--replicate", "-1"), "--replicate must be 0 or more"),
    (("--set", "actors.russia.momentum=7"), "momentum"),
])
def test_trace_command_errors_exit_2_in_one_line(cli, args, message):
    result = cli("trace", "istanbul-2025", *args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
