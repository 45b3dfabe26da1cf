"""The scenario loader: finding, reading, extending, overriding and validating scenarios.

The wording of error messages is pinned by golden files: each ``tests/data/invalid/<case>.yaml``
is loaded from the repository root and its message must equal ``<case>.expected`` line for
line. Files whose name starts with ``_`` are helpers that a case extends, not cases.
"""

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.errors import UserError
from sim.scenario.loader import (
    load_scenario,
    load_scenario_dict,
    resolve_scenario,
    shipped_scenarios,
)
from sim.scenario.problems import Origin, ScenarioError
from sim.scenario.yamlsource import MAX_BYTES, read_value

INVALID = Path("tests/data/invalid")
CASES = sorted(p.stem for p in (Path(__file__).parents[1] / "data" / "invalid").glob("*.yaml")
               if not p.name.startswith("_"))
SHIPPED = ["istanbul-2025", "putin-attends", "trump-joins"]


def message_of(path_or_name, overrides=()) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path_or_name, overrides)
    return str(caught.value).splitlines()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def leaf_differences(a: object, b: object, path: str = "") -> set[str]:
    """Dotted paths at which two plain data trees differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: set[str] = set()
        for key in a.keys() | b.keys():
            out |= leaf_differences(a.get(key), b.get(key), f"{path}.{key}".lstrip("."))
        return out
    return set() if a == b else {path}


@pytest.fixture
def at_root(repo_root, monkeypatch) -> Path:
    monkeypatch.chdir(repo_root)
    return repo_root


# --- golden files ---------------------------------------------------------------------------


def test_the_golden_cases_cover_what_the_issue_asks_for():
    wanted = {"unknown_key", "out_of_range", "wrong_type", "missing_field", "bad_role",
              "bad_enum", "syntax_error", "duplicate_key", "yes_no_bool", "unknown_issue",
              "trust_missing", "trust_unknown_actor", "extends_cycle", "extends_missing",
              "null_delete", "nan", "alias_bomb", "too_deep", "empty", "not_utf8",
              "all_at_once"}
    assert wanted <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_golden_message(case, at_root):
    expected = (INVALID / f"{case}.expected").read_text(encoding="utf-8").splitlines()
    assert message_of(INVALID / f"{case}.yaml") == expected


@pytest.mark.parametrize("case", CASES)
def test_golden_messages_are_sorted_by_line_within_each_file(case, at_root):
    lines = (INVALID / f"{case}.expected").read_text(encoding="utf-8").splitlines()
    places = [line.split("  ")[0].rsplit(":", 2) for line in lines]
    for (file_a, *pos_a), (file_b, *pos_b) in zip(places, places[1:], strict=False):
        if file_a == file_b:
            assert [int(x) for x in pos_a] <= [int(x) for x in pos_b]


def test_invalid_scenarios_are_user_errors_exit_code_2(at_root):
    with pytest.raises(UserError) as caught:
        load_scenario(INVALID / "out_of_range.yaml")
    assert caught.value.exit_code == 2
    assert len(caught.value.problems) == 5
    assert [p.line for p in caught.value.problems] == [4, 7, 8, 10, 12]


def test_field_errors_and_cross_reference_problems_come_in_one_run(at_root):
    """A misspelt key no longer hides a missing trust entry or an unknown issue id."""
    lines = [line.split("  ", 1)[1] for line in message_of(INVALID / "all_at_once.yaml")]
    assert [line.split(":")[0] for line in lines] == [
        "actors.turkey.skil", "trust.russia.qatar", "actors.russia.mandate"]


def test_an_error_in_an_extended_file_cites_that_file(at_root):
    lines = message_of(INVALID / "bad_in_parent.yaml")
    assert lines[1].startswith("tests/data/invalid/_bad_parent.yaml:6:5  actors.turkey.skill:")


# --- shipped scenarios ----------------------------------------------------------------------


def test_the_shipped_scenarios_are_found_as_package_data():
    assert set(SHIPPED) <= set(shipped_scenarios())


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_every_shipped_scenario_loads(name):
    scenario = load_scenario(name)
    assert scenario.stem == name
    assert scenario.source == name
    assert len(scenario.parties) >= 2


def test_the_baseline_starts_on_15_may_2025():
    assert load_scenario("istanbul-2025").start_date == datetime.date(2025, 5, 15)


@pytest.mark.parametrize("name, changed", [
    ("putin-attends", "actors.russia.attendance.mode"),
    ("trump-joins", "actors.usa.attendance.mode"),
])
def test_a_variant_differs_from_the_baseline_only_where_it_says(name, changed):
    base = load_scenario("istanbul-2025").model_dump()
    variant = load_scenario(name).model_dump()
    assert leaf_differences(base, variant) == {"title", "description", changed}


def test_the_origin_of_each_value_is_the_file_that_set_it():
    merged = load_scenario_dict("putin-attends")
    assert merged.origin(("actors", "russia", "attendance", "mode")).source.endswith(
        "putin-attends.yaml")
    assert merged.origin(("actors", "russia", "attendance", "propensity")).source.endswith(
        "istanbul-2025.yaml")
    assert "extends" not in merged.data


def test_a_shipped_name_loads_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_scenario("putin-attends").actors["russia"].attendance.mode == "always"


def test_a_local_scenarios_folder_comes_before_the_shipped_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    write(tmp_path / "scenarios", "istanbul-2025.yaml",
          "extends: istanbul-2025\ntitle: My own baseline\n")
    write(tmp_path / "scenarios", "mine.yaml", "extends: istanbul-2025\ntitle: Mine\n")
    assert load_scenario("istanbul-2025").title == "My own baseline"
    assert load_scenario("mine").stem == "mine"
    assert load_scenario("mine.yaml").title == "Mine"


def test_an_unknown_name_lists_the_shipped_ones_with_a_suggestion(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    [line] = message_of("istanbul-2024")
    assert "did you mean 'istanbul-2025'?" in line
    assert line.endswith("shipped: " + ", ".join(shipped_scenarios()))
    assert "istanbul-2025, " in line


def test_a_missing_path_and_a_folder_are_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert message_of("no/such.yaml") == ["cannot find the scenario file 'no/such.yaml'"]
    assert "is a folder" in message_of(tmp_path)[0]


def test_a_sweep_file_is_named_as_such_not_picked_apart(tmp_path, monkeypatch):
    """Issue 11: a sweep file given where a scenario is expected says what it is, instead of
    listing its keys as unknown; also when a scenario extends it."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "sweep.yaml", "# a sweep\nkind: sweep\nbase: istanbul-2025\n")
    assert message_of("sweep.yaml") == [
        "sweep.yaml:2:1  kind: this is a sweep file, not a scenario: run it with negsim sweep "
        "sweep.yaml"]
    write(tmp_path, "mine.yaml", "extends: sweep.yaml\ntitle: Mine\n")
    assert message_of("mine.yaml") == [message_of("sweep.yaml")[0]]


def test_sim_exports_load_scenario():
    assert sim.load_scenario("trump-joins").actors["usa"].attendance.mode == "always"


# --- overrides ------------------------------------------------------------------------------


def test_a_scenario_remembers_its_overrides_as_given_in_order():
    """They name a --set run in its title, metadata.json and report (issue 11)."""
    given = ["actors.usa.attendance.mode=always", "trust.ukraine.russia = 0.2"]
    assert load_scenario("istanbul-2025", iter(given)).overrides == tuple(given)
    assert load_scenario("istanbul-2025").overrides == ()
    twice = load_scenario_dict("istanbul-2025", given[:1]).with_overrides(given[1:])
    assert twice.validate().overrides == tuple(given)


def test_overrides_set_values_by_dotted_path():
    scenario = load_scenario("istanbul-2025", ["actors.usa.attendance.mode=always",
                                               "trust.ukraine.russia=0.2"])
    assert scenario.actors["usa"].attendance.mode == "always"
    assert scenario.trust["ukraine"]["russia"] == 0.2
    assert scenario.stem == "istanbul-2025"


def test_an_override_gives_the_same_scenario_as_the_file_that_says_the_same():
    by_override = load_scenario("istanbul-2025", ["actors.russia.attendance.mode=always"])
    by_file = load_scenario("putin-attends")
    assert leaf_differences(by_override.model_dump(), by_file.model_dump()) == {
        "title", "description"}


def test_override_errors_cite_the_override():
    lines = message_of("istanbul-2025", ["trust.ukraine.russia=0.2", "trust.ukraine.russia=2",
                                         "actors.usa.attendance.mode=sometimes"])
    assert lines == [
        "--set #2  trust.ukraine.russia: must be at most 1 (got 2)",
        "--set #3  actors.usa.attendance.mode: must be one of auto, always, never "
        "(got 'sometimes')",
    ]


@pytest.mark.parametrize("text, words", [
    ("actors.usa.leverage", "expected PATH=VALUE"),
    ("=0.3", "the path before '=' is empty"),
    ("actors..leverage=0.3", "empty part"),
    ("actors.usa.leverage=[0.3", "YAML syntax error"),
])
def test_a_malformed_override_is_an_error(text, words):
    [line] = message_of("istanbul-2025", ["trust.ukraine.russia=0.2", text])
    assert line.startswith("--set #2  ")
    assert words in line


def test_override_values_follow_the_same_yaml_rules():
    lines = message_of("istanbul-2025", ["actors.ukraine.delegation=no",
                                         "talks.proposal_sd=1e-3"])
    assert lines == ["--set #1  actors.ukraine.delegation: must be true or false (got 'no')"]
    assert load_scenario("istanbul-2025", ["talks.proposal_sd=1e-3"]).talks.proposal_sd == 0.001


def test_overrides_create_mappings_and_null_deletes():
    scenario = load_scenario("istanbul-2025", [
        "actors.usa=null", "trust.ukraine.usa=null", "trust.russia.usa=null",
        "actors.russia.attendance.follows.usa=null",
        "actors.qatar.role=mediator", "actors.qatar.name=Qatar", "actors.qatar.leader=Emir",
        "trust.ukraine.qatar=0.5", "trust.russia.qatar=0.4",
    ])
    assert scenario.guarantors == []
    assert scenario.mediators == ["turkey", "qatar"]


def test_an_unknown_actor_created_by_an_override_is_reported_at_the_override():
    lines = message_of("istanbul-2025", ["trust.ukraine.russia=0.2",
                                         "actors.qatar.role=mediator"])
    assert lines == ["--set #2  actors.qatar.name: required field missing",
                     "--set #2  actors.qatar.leader: required field missing",
                     "--set #2  trust.russia.qatar: missing (russia's trust in qatar, 0–1)",
                     "--set #2  trust.ukraine.qatar: missing (ukraine's trust in qatar, 0–1)"]


def test_overrides_applied_later_are_numbered_on():
    merged = load_scenario_dict("istanbul-2025", ["trust.ukraine.russia=0.2"])
    point = merged.with_overrides(["actors.usa.credibility=1.5"])
    with pytest.raises(ScenarioError) as caught:
        point.validate()
    assert str(caught.value) == "--set #2  actors.usa.credibility: must be at most 1 (got 1.5)"
    assert merged.validate().actors["usa"].credibility == 0.5  # the base is left unchanged


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=-2, max_value=3, allow_nan=False))
def test_a_probability_override_is_taken_exactly_or_refused(value):
    text = f"actors.usa.credibility={value!r}"
    if 0 <= value <= 1:
        assert load_scenario("istanbul-2025", [text]).actors["usa"].credibility == value
    else:
        [line] = message_of("istanbul-2025", [text])
        assert line.startswith("--set #1  actors.usa.credibility: must be at ")


# --- YAML rules ------------------------------------------------------------------------------


def parsed(text: str) -> object:
    return read_value(text, Origin("--set #1"), ("v",)).data["v"]


@pytest.mark.parametrize("text, value", [
    ("1e-3", 0.001), ("1E3", 1000.0), ("-2.5e+2", -250.0), (".5", 0.5), ("3", 3),
    ("010", 10), ("0x1f", 31), ("0o17", 15),
    ("true", True), ("False", False), ("TRUE", True),
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"),
    ("2025-05-15", "2025-05-15"), ("12:30", "12:30"), ("1_000", "1_000"),
    ("~", None), ("null", None), ("", None), ("'0.5'", "0.5"),
    ("{mode: always}", {"mode": "always"}), ("[1, 2]", [1, 2]),
])
def test_scalars_follow_yaml_1_2_not_1_1(text, value):
    result = parsed(text)
    assert result == value and type(result) is type(value)


def test_keys_are_names_even_when_they_look_like_booleans(tmp_path):
    path = write(tmp_path, "s.yaml", "extends: istanbul-2025\ntitle: x\nno: 1\n")
    [line] = message_of(path)
    assert line.endswith("no: unknown key 'no'; allowed: title, description, start_date, "
                         "calendar, talks, observation, issues, actors, trust")


def test_a_file_scenario_reads_1e_minus_3_as_a_float(tmp_path):
    path = write(tmp_path, "s.yaml", "extends: istanbul-2025\ntitle: x\n"
                                     "talks: {proposal_sd: 1e-3, decision_noise: 1E-1}\n")
    talks = load_scenario(path).talks
    assert (talks.proposal_sd, talks.decision_noise) == (0.001, 0.1)


@pytest.mark.parametrize("text, words", [
    ("description: !!python/object/apply:os.system ['echo hi']\n",
     "the tag '!!python/object/apply:os.system' is not supported"),
    ("base: &b {title: y}\n<<: *b\n", "merge keys ('<<') are not supported"),
    ("description: &a [*a]\n", "nested deeper than 50 levels"),
    ("\tdescription: x\n", "YAML syntax error: a tab character; indent with spaces"),
    ("description: \"open\n", "closing quote is missing"),
    ("description: a: b\n", "YAML syntax error: unexpected ':'"),
    ("description: x\n---\ntitle: y\n", "only one YAML document"),
    ("description: \x07\n", "control character U+0007"),
])
def test_unsafe_or_broken_yaml_is_refused_with_a_clear_message(tmp_path, text, words):
    path = write(tmp_path, "s.yaml", "extends: istanbul-2025\ntitle: x\n" + text)
    assert any(words in line for line in message_of(path))


def test_aliases_may_not_expand_to_a_huge_value_even_when_few(tmp_path):
    lines = ["extends: istanbul-2025", "title: x", "a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    path = write(tmp_path, "s.yaml", "\n".join(lines) + "\n")
    [line] = message_of(path)
    assert "expand to too many values" in line


def test_a_file_over_1_mib_is_refused_before_it_is_parsed(tmp_path):
    path = write(tmp_path, "s.yaml", "title: x\n" + "# padding\n" * (MAX_BYTES // 10 + 1))
    [line] = message_of(path)
    assert line.endswith("s.yaml:1:1  the file is larger than 1 MiB; a scenario is a few "
                         "hundred lines")


def test_reading_problems_and_validation_problems_come_together_sorted(tmp_path):
    """A problem found while reading replaces the schema's complaint about the same value."""
    path = write(tmp_path, "s.yaml", "extends: istanbul-2025\ntitle: x\nactors:\n  usa:\n"
                                     "    leverage: 2\n    credibility: .nan\n    leverage: 3\n"
                                     "  turkey: {skill: 7}\n")
    lines = [line.split("  ", 1)[1] for line in message_of(path)]
    assert lines == [
        "actors.usa.credibility: not-a-number is not allowed; give a number in the field's "
        "range (got .nan)",
        "actors.usa.leverage: duplicate key 'leverage' (first given at line 5); keep one",
        "actors.turkey.skill: must be at most 1 (got 7)",
    ]


# --- extends ---------------------------------------------------------------------------------


def test_extends_takes_a_path_relative_to_the_file(tmp_path):
    (tmp_path / "base").mkdir()
    write(tmp_path / "base", "parent.yaml", "extends: istanbul-2025\ntitle: Parent\n"
                                            "talks: {proposal_sd: 0.2}\n")
    child = write(tmp_path, "child.yaml", "extends: base/parent.yaml\ntitle: Child\n"
                                          "talks: {bias_scale: 0.25}\n")
    scenario = load_scenario(child)
    assert (scenario.title, scenario.talks.proposal_sd, scenario.talks.bias_scale) == (
        "Child", 0.2, 0.25)
    assert scenario.stem == "child"


def test_a_file_that_extends_itself_is_a_cycle(tmp_path):
    path = write(tmp_path, "loop.yaml", "title: x\nextends: loop\n")
    [line] = message_of(path)
    assert ":2:1  extends: 'loop' makes a cycle" in line


def test_null_deletes_an_inherited_mapping_entry(tmp_path):
    path = write(tmp_path, "s.yaml", "extends: istanbul-2025\ntitle: No guarantor\n"
                                     "actors: {usa: null, russia: {attendance: {follows: null}}}\n"
                                     "trust: {ukraine: {usa: null}, russia: {usa: null}}\n")
    scenario = load_scenario(path)
    assert "usa" not in scenario.actors and "usa" not in scenario.trust["ukraine"]


def test_null_over_an_inherited_value_restores_the_default(tmp_path):
    path = write(tmp_path, "s.yaml", "extends: istanbul-2025\ntitle: x\n"
                                     "actors: {usa: {leverage: null}}\n")
    assert load_scenario(path).actors["usa"].leverage == 0.5  # the config's default


def test_validation_cross_checks_suggest_the_closest_id(tmp_path):
    path = write(tmp_path, "s.yaml", "extends: istanbul-2025\ntitle: x\n"
                                     "actors: {turkey: {bias: {ukrain: 0.1}}}\n")
    [line] = message_of(path)
    assert line.endswith("actors.turkey.bias: no party 'ukrain'; did you mean 'ukraine'?")


def test_whole_scenario_problems_are_split_and_placed(tmp_path):
    path = write(tmp_path, "s.yaml", "extends: istanbul-2025\ntitle: x\n"
                                     "actors: {ukraine: {role: mediator, positions: null, "
                                     "reservation: null, mandate: null, concession: null, "
                                     "salience: null, momentum: null, exposure: null, "
                                     "audience_cost: null, trustworthiness: null, "
                                     "violation_rate: null, accident_rate: null, "
                                     "retaliation: null, exit_rate: null}}\n"
                                     "trust: {ukraine: null}\n")
    lines = message_of(path)
    assert any(line.endswith("actors: a scenario needs at least two parties (role: party), "
                             "found 1") for line in lines)
    assert resolve_scenario(path) == path


def test_a_results_folder_given_as_a_scenario_points_at_the_scenario_it_kept(tmp_path):
    folder = tmp_path / "results" / "istanbul-2025" / "20250514-000000-abcd"
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text("extends: istanbul-2025\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    assert str(caught.value).endswith(f"is a folder; give a scenario file or a scenario name "
                                      f"(this looks like a results folder: its scenario is "
                                      f"{folder / 'scenario.yaml'})")
