"""The rows that say what was agreed and why (:mod:`sim.results.why`), against records and a
summary counted by hand: the words come from the reason table and the scenario's labels, the
shares from the counts, with Wilson intervals."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.model.labels import Labels
from sim.model.outcomes import REASON_TABLE, REASONS
from sim.results import why
from sim.results.summary import count, summarise, wilson

SCENARIO = {
    "actors": {"kyiv": {"name": "Ukraine", "role": "party"},
               "moscow": {"name": "Russia", "role": "party"}},
    "issues": {"truce": {"label": "Truce", "kind": "ceasefire", "opens_after": "swap"},
               "swap": {"label": "Swap of detainees", "kind": "exchange"}},
}
"""Ids unlike the shipped scenario's, so that a label taken from the ids would show."""


def records() -> pd.DataFrame:
    """Ten runs, counted by hand below.

    truce: 2 agreed, 3 no_mandate (moscow 2, kyiv 1), 1 no_overlap (kyiv), 1 refused (moscow),
    2 not_opened, 1 no_talks. Collapsed truces: the two agreed ones, both ended by moscow,
    one after a false alarm and one after a real violation.
    """
    reasons = ["agreed", "agreed", "no_mandate", "no_mandate", "no_mandate", "no_overlap",
               "refused", "not_opened", "not_opened", "no_talks"]
    blockers = [None, None, "moscow", "moscow", "kyiv", "kyiv", "moscow", None, None, None]
    swap = ["agreed"] * 7 + ["refused", "refused", "no_talks"]
    swap_blockers = [None] * 7 + ["kyiv", "kyiv", None]
    ended_by = ["moscow", "moscow"] + [None] * 8
    ended_after = ["false_alarm", "violation"] + [None] * 8
    return pd.DataFrame({
        "reason.truce": pd.Categorical(reasons, categories=list(REASONS)),
        "blocker.truce": pd.Categorical(blockers, categories=["kyiv", "moscow"]),
        "reason.swap": pd.Categorical(swap, categories=list(REASONS)),
        "blocker.swap": pd.Categorical(swap_blockers, categories=["kyiv", "moscow"]),
        "ended_by": pd.Categorical(ended_by, categories=["kyiv", "moscow"]),
        "ended_after": pd.Categorical(ended_after, categories=["violation", "false_alarm"]),
    })


def rows(section) -> dict[str, float]:
    return {line.text: line.share for line in section.lines}


def test_reason_ids_are_the_contract():
    assert REASONS == ("agreed", "no_talks", "not_opened", "no_mandate", "no_overlap", "refused")
    assert [r.id for r in REASON_TABLE] == list(REASONS)


def test_why_no_issue_counts_reason_and_blocker_in_words():
    truce, swap, ended = why.why(records(), Labels(SCENARIO))
    assert truce.heading == "Why no Truce (share of all runs)"
    assert rows(truce) == {
        "Russia's delegation had no mandate": 0.2,
        "Never on the table: it waits for “Swap of detainees”, not agreed in time": 0.2,
        "Ukraine's delegation had no mandate": 0.1,
        "No level acceptable to all; Ukraine furthest from one": 0.1,
        "A level was acceptable to all; Russia refused the proposal": 0.1,
        "No talks held (a party sent no delegation)": 0.1,
        "Agreed (any size)": 0.2,
    }
    texts = [line.text for line in truce.lines]
    assert texts[-1] == "Agreed (any size)"  # last, so the rows add up to all runs
    assert texts[:2] == sorted(texts[:2])  # equal shares: alphabetical, largest first
    assert sum(line.share for line in truce.lines) == pytest.approx(1.0)
    assert rows(swap) == {"A level was acceptable to all; Ukraine refused the proposal": 0.2,
                          "No talks held (a party sent no delegation)": 0.1,
                          "Agreed (any size)": 0.7}
    low, high = wilson(2, 10)
    line = truce.lines[0]
    assert (line.low, line.high) == (low, high)


def test_who_ended_the_ceasefire_is_a_share_of_the_collapsed_runs():
    *_, ended = why.why(records(), Labels(SCENARIO))
    assert ended.heading == "Who ended the Truce (share of the 2 runs where it collapsed)"
    assert rows(ended) == {"Russia after a false alarm": 0.5, "Russia after a real violation": 0.5}
    assert (ended.lines[0].low, ended.lines[0].high) == wilson(1, 2)


def test_no_collapse_says_so():
    none_ended = records().assign(ended_by=pd.Categorical([None] * 10, categories=["kyiv"]),
                                  ended_after=pd.Categorical([None] * 10, categories=["violation"]))
    *_, ended = why.why(none_ended, Labels(SCENARIO))
    assert ended.lines == () and ended.empty == "It collapsed in none of the runs."
    assert "0 runs" in ended.of


def test_records_without_reasons_give_no_rows():
    model1 = records().drop(columns=[c for c in records().columns if c.startswith("reason.")])
    assert why.why(model1, Labels(SCENARIO)) == []
    assert not why.has_why(model1.columns) and why.has_why(records().columns)
    assert "model 1" in why.missing({"model": "1"})


def summary_of(levels: dict[str, list[float]], exchanged: list[float]) -> pd.DataFrame:
    """The summary of a run whose records have these agreed levels (0: not agreed)."""
    n = len(exchanged)
    table = pd.DataFrame({
        "outcome": pd.Categorical(["no_agreement"] * n), "leaders_met": [False] * n,
        **{f"agreed.{k}": [x > 0 for x in v] for k, v in levels.items()},
        **{f"level.{k}": v for k, v in levels.items()},
        "exchanged_share": exchanged})
    return summarise(count(table), "test")


def test_agreements_say_any_size_in_full_each_size_and_the_share_delivered():
    swap = [0.75] * 50 + [0.8] * 30 + [1.0] * 5 + [0.55] + [0.0] * 114  # 200 runs
    truce = [0.4] * 3 + [0.0] * 197
    summary = summary_of({"truce": truce, "swap": swap}, [x * 0.5 for x in swap])
    t, s = why.agreements(summary, Labels(SCENARIO))
    assert (t.title, s.title, s.of) == ("Truce", "Swap of detainees", "share of all runs")
    assert rows(s) == {"agreed (any size)": 86 / 200, "agreed in full (level 1.00)": 5 / 200,
                       "agreed at 1.00": 5 / 200, "agreed at 0.80": 30 / 200,
                       "agreed at 0.75": 50 / 200,
                       "agreed at other levels (each under 1%)": 1 / 200,
                       "share delivered: mean of all runs": pytest.approx(
                           sum(swap) * 0.5 / 200)}
    assert [line.text for line in s.lines][2:5] == [
        "agreed at 1.00", "agreed at 0.80", "agreed at 0.75"]  # largest size first
    assert rows(t) == {"agreed (any size)": 0.015, "agreed in full (level 1.00)": 0.0,
                       "agreed at 0.40": 0.015}  # no share delivered: not an exchange
    other = next(line for line in s.lines if "other" in line.text)
    assert (other.low, other.high) == wilson(1, 200)


def test_a_model1_summary_has_only_agreed_any_size():
    summary = summary_of({"truce": [0.4, 0.0], "swap": [0.75, 0.75]}, [0.5, 0.5])
    model1 = summary[summary["metric"].isin(["outcome", "leaders_met", "agreed"])]
    assert not why.sizes_recorded(model1) and why.sizes_recorded(summary)
    assert [[line.text for line in s.lines] for s in why.agreements(model1, Labels(SCENARIO))] \
        == [["agreed (any size)"], ["agreed (any size)"]]
