"""Values that cannot act (``sim/model/inert.py``, docs/model.md §13): every rule proved on the
engine, and countered (issue 10 item 6).

Proof: in each scenario of :data:`PROOFS` (the shipped ones, and variants made so that every
rule applies somewhere), every value that :func:`cannot_act` lists is set to two other valid
values (the ends of its valid range, or its middle); the replicate table and the daily sums
of :data:`RUNS` replicates must equal those of the scenario as it is, byte for byte (as CSV
text, where every float is written to the last bit).

Counter: for every rule, :data:`COUNTERS` names a scenario where the rule does not apply and a
value it would otherwise list; there the same change must alter some byte, and
:func:`cannot_act` must not list the value. A rule that claimed too much would fail the first
test; one that claimed something the engine never reads anyway would be caught by neither,
which is why each rule also has its counter.
"""

from __future__ import annotations

import functools
import json

import pytest

from sim import DEFAULT_SEED
from sim.model import NegotiationModel, simulate_chunk
from sim.model.inert import RULES, cannot_act
from sim.scenario.fields import field_doc
from sim.scenario.loader import ScenarioError, load_scenario, shipped_scenarios

RUNS = 2000
"""Replicates per run: enough that a change which acts shows in some row (the counters)."""

ONE_SESSION_EXCHANGE_LAST = ("calendar.sessions=1", "issues.exchange.opens_after=ceasefire")

PROOFS = {
    **{name: (name, ()) for name in shipped_scenarios()},
    "one announcement day": ("istanbul-2025", ("calendar.announcement_days=1",)),
    "no exchange can come up": ("istanbul-2025", ONE_SESSION_EXCHANGE_LAST),
    "no ceasefire can come up": ("exchange-first", ("calendar.sessions=1",)),
    "nobody trusts Türkiye": ("istanbul-2025", ("trust.ukraine.turkey=0", "trust.russia.turkey=0")),
    "Türkiye builds and holds nothing": ("istanbul-2025", ("actors.turkey.trust_building=0",)),
    "Türkiye always proposes": ("istanbul-2025", ("actors.turkey.skill=1",)),
    "no leverage can press": ("istanbul-2025", ("actors.turkey.leverage=0",
                                                "actors.usa.attendance.mode=never")),
    "no pressure scale": ("istanbul-2025", ("talks.pressure_scale=0",)),
    "Russia never violates on purpose": ("putin-and-trump-attend",
                                         ("actors.russia.violation_rate=0",)),
    "bias without a scale": ("istanbul-2025", ("actors.turkey.bias.russia=0.5",
                                               "talks.bias_scale=0")),
    "the US does not enforce": ("istanbul-2025", ("actors.usa.enforcement=0",)),
    "every leader attends": ("putin-and-trump-attend", ("actors.ukraine.attendance.mode=always",)),
}
"""Scenarios (base, ``--set`` overrides) in which every value listed is proved idle."""

COUNTERS = [
    ("attendance_settled", "istanbul-2025", (), "actors.russia.attendance.propensity"),
    ("nothing_to_follow", "istanbul-2025", (), "actors.ukraine.attendance.follows.russia"),
    ("leader_present", "istanbul-2025", (), "actors.russia.mandate.ceasefire"),
    ("no_talks", "istanbul-2025", (), "talks.decision_noise"),
    ("no_talks", "istanbul-2025", (), "calendar.sessions"),
    ("off_table", "exchange-first", (), "actors.russia.positions.ceasefire"),
    ("never_agreed", "istanbul-2025", (), "issues.exchange.stall"),
    ("never_agreed", "istanbul-2025", (), "actors.russia.salience.exchange"),
    ("no_ceasefire_on_table", "istanbul-2025", (), "actors.russia.momentum"),
    ("no_ceasefire_on_table", "istanbul-2025", (), "actors.usa.monitoring"),
    ("no_ceasefire_in_force", "putin-and-trump-attend", (), "actors.russia.violation_rate"),
    ("no_ceasefire_in_force", "putin-and-trump-attend", (), "observation.false_alarm"),
    ("no_deliberate_violations", "putin-and-trump-attend", (), "actors.russia.trustworthiness"),
    ("no_exchange_on_table", "istanbul-2025", (), "actors.russia.exchange_exposure"),
    ("no_exchange_agreed", "istanbul-2025", (), "observation.signal_strength"),
    ("never_absent", "istanbul-2025", (), "actors.russia.audience_cost"),
    ("never_absent", "istanbul-2025", (), "actors.usa.forgiveness"),
    ("no_pressure", "istanbul-2025", (), "actors.usa.leverage"),
    ("no_pressure", "istanbul-2025", (), "talks.pressure_scale"),
    ("never_proposes", "istanbul-2025", ("actors.turkey.bias.russia=0.5",),
     "actors.turkey.bias.russia"),
    ("never_proposes", "istanbul-2025", ("actors.turkey.bias.russia=0.5",), "talks.bias_scale"),
    ("always_mediated", "istanbul-2025", (), "talks.proposal_sd"),
    ("mediator_unused", "istanbul-2025", (), "actors.turkey.trust_building"),
    ("mediator_unused", "istanbul-2025", ("actors.turkey.custody=0.5",), "actors.turkey.custody"),
    ("mediator_unused", "istanbul-2025", (), "trust.ukraine.turkey"),
    # issue 10's "Why": with monitoring 0, the guarantor's credibility and enforcement changed
    # nothing under model 1; under model 2 they act through the exchange's trust T_x (§3.7)
    ("guarantee_unused", "istanbul-2025", (), "actors.usa.credibility"),
    ("guarantee_unused", "istanbul-2025", (), "actors.usa.enforcement"),
    ("guarantee_unused", "istanbul-2025", (), "trust.russia.usa"),
]
"""(rule, base, overrides, path): where the rule does not apply, and the value acts."""


# -- running a scenario with one value changed ------------------------------------------------


def fingerprint(scenario, varying=None) -> tuple[str, str]:
    """The replicate table and the daily sums of RUNS replicates, as CSV text."""
    chunk = simulate_chunk(scenario, DEFAULT_SEED, 0, RUNS, varying=varying)
    return chunk.replicates.to_csv(index=False), chunk.daily_sums.to_csv(index=False)


def candidate_values(scenario, path: str) -> list:
    """The ends and the middle of the value's valid range; for a whole number also the two
    above the lowest (a calendar must fit its horizon)."""
    doc = field_doc(tuple(path.split(".")), scenario.model_dump(mode="json"))
    low, high = doc.bounds
    if doc.open_low:
        low = low + (high - low) / 100
    values = [low, high, (low + high) / 2]
    if doc.kind.startswith("whole"):
        return [round(v) for v in (*values, low + 1, low + 2)]
    return values


def changed(base: str, overrides: tuple, path: str) -> list[tuple[object, tuple[str, str]]]:
    """Two runs with ``path`` at two other valid values: through ``--set`` (the scenario
    file's meaning), or, where ``--set`` cannot write the path (a concession given as one
    number for every issue), as the engine's per-replicate value."""
    scenario, model = loaded(base, overrides)
    current = (model.scenario_values[path] if path in model.scenario_values
               else _resolved(scenario, path))
    runs = []
    for value in candidate_values(scenario, path):
        if value == current or len(runs) == 2:
            continue
        try:
            variant = load_scenario(base, (*overrides, f"{path}={json.dumps(value)}"))
        except ScenarioError:
            if path not in model.numeric_paths:
                continue
            runs.append((value, fingerprint(scenario, {path: [float(value)] * RUNS})))
            continue
        runs.append((value, fingerprint(variant)))
    assert len(runs) == 2, f"{path}: fewer than two other valid values to try"
    return runs


@functools.cache
def loaded(base: str, overrides: tuple) -> tuple:
    """The scenario, and a one-replicate model of it (for its numeric paths and values)."""
    scenario = load_scenario(base, overrides)
    return scenario, NegotiationModel(scenario, replicates=1)


def _resolved(scenario, path: str):
    node = scenario.model_dump(mode="json")
    for part in path.split("."):
        node = node[part]
    return node


# -- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PROOFS))
def test_every_value_listed_changes_no_byte(name):
    base, overrides = PROOFS[name]
    scenario = load_scenario(base, overrides)
    listed = cannot_act(scenario)
    reference = fingerprint(scenario)
    for entry in listed:
        for value, result in changed(base, overrides, entry.path):
            assert result == reference, (f"{name}: {entry.path}={value} changed the results, "
                                         f"yet cannot_act says: {entry.reason}")


@pytest.mark.parametrize(("rule", "base", "overrides", "path"), COUNTERS,
                         ids=[f"{c[0]}-{c[3]}" for c in COUNTERS])
def test_where_the_rule_does_not_apply_the_value_acts(rule, base, overrides, path):
    scenario = load_scenario(base, overrides)
    assert path not in {entry.path for entry in cannot_act(scenario)}
    reference = fingerprint(scenario)
    assert any(result != reference for _, result in changed(base, overrides, path)), (
        f"{path} changed nothing in {base} {overrides}: rule {rule} may be too narrow")


def test_every_rule_is_proved_and_countered():
    proved = {entry.rule for base, overrides in PROOFS.values()
              for entry in cannot_act(load_scenario(base, overrides))}
    assert proved == set(RULES), f"rules with no proof scenario: {set(RULES) - proved}"
    assert {rule for rule, *_ in COUNTERS} == set(RULES)


@pytest.mark.parametrize("name", list(PROOFS))
def test_every_path_listed_is_a_value_of_the_scenario(name):
    """A numeric value the engine reads (``--set`` and ``screen`` can change it), or a whole
    number of the calendar or an issue."""
    scenario = load_scenario(*PROOFS[name])
    numeric = NegotiationModel(scenario, replicates=1).numeric_paths
    for entry in cannot_act(scenario):
        if entry.path not in numeric:
            assert isinstance(_resolved(scenario, entry.path), int), entry.path
        assert entry.reason.endswith(").") and "docs/model.md §" in entry.reason
        assert set(entry.given) <= numeric, entry


def test_the_issue_s_cases():
    """Issue 10's examples: a propensity under mode always; a mandate when the leader always
    attends; a bias when the bias scale is 0; a guarantor's credibility and enforcement
    without monitoring once no exchange can come to the table (with one, they act: see
    COUNTERS)."""
    def listed(base, overrides=()):
        return {e.path: e for e in cannot_act(load_scenario(base, overrides))}

    assert "actors.turkey.attendance.propensity" in listed("istanbul-2025")
    assert {"actors.russia.mandate.ceasefire", "actors.russia.mandate.exchange"} <= set(
        listed("putin-attends"))
    assert "actors.turkey.bias.russia" in listed("istanbul-2025", PROOFS[
        "bias without a scale"][1])
    without_exchange = listed("istanbul-2025", ONE_SESSION_EXCHANGE_LAST)
    for field in ("credibility", "enforcement"):
        entry = without_exchange[f"actors.usa.{field}"]
        assert "monitoring 0" in entry.reason and entry.given == ("actors.usa.monitoring",)
    baseline = listed("istanbul-2025")
    assert "actors.usa.credibility" not in baseline and "actors.usa.enforcement" not in baseline


def test_docs_model_lists_every_rule(repo_root):
    text = (repo_root / "docs" / "model.md").read_text(encoding="utf-8")
    section = text[text.index("## 13. Values that cannot act"):text.index("## References")]
    missing = [rule for rule in RULES if f"| `{rule}` |" not in section]
    assert missing == []
