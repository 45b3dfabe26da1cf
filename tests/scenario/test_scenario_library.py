"""The shipped scenario library, and the functions behind ``negsim list / new / show``.

Every shipped scenario loads, runs, starts with the editor's schema comment, and says in
its description what it represents; each variant of the baseline changes exactly the dotted
paths its description lists after ``Changes:``.
"""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import simulate_chunk
from sim.scenario.library import VALUES_MARKER, new_scenario_text, scenario_catalogue
from sim.scenario.loader import load_scenario, load_scenario_dict, shipped_scenarios
from sim.scenario.problems import ScenarioError
from sim.scenario.references import reference_problems
from sim.scenario.show import resolved_rows

BASELINE = "istanbul-2025"
FICTIONAL = "three-rivers-talks"
LIBRARY = {BASELINE, "putin-attends", "putin-stays-away", "trump-joins",
           "putin-and-trump-attend", "us-monitoring", "no-guarantor",
           "coalition-ceasefire-push", "exchange-first", "russia-boycott", FICTIONAL}
SHIPPED = sorted(shipped_scenarios())
VARIANTS = sorted(set(SHIPPED) - {BASELINE, FICTIONAL})
SCHEMA_COMMENT = "# yaml-language-server: $schema=schema.json"
PATH = re.compile(r"\b(?:title|description|start_date|calendar|talks|observation|issues|"
                  r"actors|trust)(?:\.[a-z0-9_]+)*")


def leaf_differences(a: object, b: object, path: str = "") -> set[str]:
    """Dotted paths at which two plain data trees differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: set[str] = set()
        for key in a.keys() | b.keys():
            out |= leaf_differences(a.get(key), b.get(key), f"{path}.{key}".lstrip("."))
        return out
    return set() if a == b else {path}


def changed_paths(description: str) -> set[str]:
    """The dotted paths listed after 'Changes:' in a description."""
    assert "Changes:" in description, "a variant's description ends with 'Changes: ...'"
    return set(PATH.findall(description.split("Changes:", 1)[1]))


def raw(name: str) -> dict:
    """The file's own keys, before extends is applied."""
    from sim.scenario.yamlsource import read_file
    path = shipped_scenarios()[name]
    return read_file(path, str(path)).data


# --- the library ------------------------------------------------------------------------------


def test_the_library_has_every_scenario_the_issue_asks_for():
    assert LIBRARY <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_loads_and_runs(name):
    scenario = load_scenario(name)
    chunk = simulate_chunk(scenario, 1, 0, 500)
    assert len(chunk.replicates) == 500
    assert chunk.replicates["outcome"].notna().all()


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_starts_with_the_schema_comment(name):
    first = shipped_scenarios()[name].read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_COMMENT


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_says_what_it_represents(name):
    description = load_scenario(name).description
    assert len(description.split()) >= 30
    if name != FICTIONAL:
        assert '"' in description, "quote the article passage the scenario represents"


@pytest.mark.parametrize("name", VARIANTS)
def test_a_variant_extends_the_baseline_and_is_a_few_lines(name):
    assert raw(name)["extends"] == BASELINE
    assert len(shipped_scenarios()[name].read_text(encoding="utf-8").splitlines()) <= 50


@pytest.mark.parametrize("name", VARIANTS)
def test_a_variant_differs_from_the_baseline_exactly_where_its_description_says(name):
    variant = load_scenario(name)
    named = changed_paths(variant.description)
    assert named, f"{name}: list the changed dotted paths after 'Changes:'"
    differences = leaf_differences(load_scenario(BASELINE).model_dump(), variant.model_dump())
    assert differences == {"title", "description"} | named


def test_no_guarantor_has_no_guarantor_and_no_trace_of_the_us():
    scenario = load_scenario("no-guarantor")
    assert scenario.guarantors == []
    assert all("usa" not in row for row in scenario.trust.values())
    assert all("usa" not in actor.attendance.follows for actor in scenario.actors.values())


def test_the_coalition_is_a_second_guarantor():
    assert load_scenario("coalition-ceasefire-push").guarantors == ["usa", "coalition"]


def test_us_monitoring_uses_the_values_of_model_md_section_9():
    usa = load_scenario("us-monitoring").actors["usa"]
    assert (usa.monitoring, usa.enforcement, usa.credibility) == (0.8, 0.7, 0.7)


def test_exchange_first_puts_the_ceasefire_after_the_exchange():
    assert load_scenario("exchange-first").issues["ceasefire"].opens_after == "exchange"


def test_a_boycott_means_no_talks_in_every_replicate():
    outcomes = simulate_chunk(load_scenario("russia-boycott"), 1, 0, 200).replicates["outcome"]
    assert set(outcomes) == {"no_talks"}


def test_putin_stays_away_in_every_replicate_and_attends_in_every_one():
    away = simulate_chunk(load_scenario("putin-stays-away"), 1, 0, 200).replicates
    there = simulate_chunk(load_scenario("putin-attends"), 1, 0, 200).replicates
    assert not away["attended.russia"].any() and there["attended.russia"].all()


def test_the_invented_conflict_has_three_parties_and_two_mediators_of_its_own():
    scenario = load_scenario(FICTIONAL)
    assert len(scenario.parties) == 3 and len(scenario.mediators) == 2
    assert "extends" not in raw(FICTIONAL)
    assert not {"ukraine", "russia", "usa", "turkey"} & set(scenario.actors)
    assert "fictional" in scenario.title.lower()


# --- scenarios/README.md ----------------------------------------------------------------------


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", text, re.M | re.S)


@pytest.fixture(scope="module")
def scenarios_readme(repo_root) -> str:
    return (repo_root / "scenarios" / "README.md").read_text(encoding="utf-8")


def test_the_readme_examples_load_as_they_are(scenarios_readme, tmp_path):
    blocks = yaml_blocks(scenarios_readme)
    assert len(blocks) >= 2
    smallest = tmp_path / "smallest.yaml"
    smallest.write_text(blocks[0], encoding="utf-8")
    scenario = load_scenario(smallest)
    assert scenario.actors["usa"].monitoring == 0.8
    assert blocks[0].startswith(SCHEMA_COMMENT)
    for i, block in enumerate(blocks[1:]):
        (tmp_path / f"example{i}.yaml").write_text(block, encoding="utf-8")
        assert load_scenario(tmp_path / f"example{i}.yaml").title


def test_the_readme_names_every_shipped_scenario(scenarios_readme):
    missing = [name for name in SHIPPED if f"`{name}`" not in scenarios_readme]
    assert not missing, f"add {missing} to the table in scenarios/README.md"


# --- list -------------------------------------------------------------------------------------


def test_the_catalogue_lists_every_shipped_scenario_with_its_title():
    entries = {e.name: e for e in scenario_catalogue() if e.where == "shipped"}
    assert sorted(entries) == SHIPPED
    assert entries["putin-attends"].title == load_scenario("putin-attends").title
    assert entries[BASELINE].path == shipped_scenarios()[BASELINE]


def test_the_catalogue_adds_local_scenarios_even_broken_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "mine.yaml").write_text(
        "extends: istanbul-2025\ntitle: Mine\n", encoding="utf-8")
    (tmp_path / "scenarios" / "broken.yaml").write_text(
        "extends: istanbul-2052\ntitle: Broken\n", encoding="utf-8")
    local = {e.name: e for e in scenario_catalogue() if e.where == "local"}
    assert local["mine"].title == "Mine"
    assert local["broken"].title.startswith("(cannot be read: cannot find 'istanbul-2052'")


def test_the_catalogue_lists_the_repositorys_scenarios_once(repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)  # ./scenarios is the shipped folder itself
    names = [e.name for e in scenario_catalogue()]
    assert len(names) == len(set(names))


# --- new --------------------------------------------------------------------------------------


def uncommented(text: str, base: str = BASELINE) -> str:
    """The new file with every listed value uncommented (what a student does line by line)."""
    head, marker, values = text.partition(VALUES_MARKER.format(base=base))
    assert marker
    return head + marker + "\n".join(line.removeprefix("# ") for line in values.splitlines())


def test_a_new_scenario_loads_as_it_is_and_changes_nothing(tmp_path):
    text = new_scenario_text("my-question", BASELINE)
    assert text.startswith(SCHEMA_COMMENT + "\n")
    path = tmp_path / "my-question.yaml"
    path.write_text(text, encoding="utf-8")
    base = load_scenario(BASELINE).model_dump()
    assert leaf_differences(base, load_scenario(path).model_dump()) == {"title", "description"}


def test_a_new_scenario_lists_the_useful_fields_with_their_current_values(tmp_path):
    text = new_scenario_text("my-question", BASELINE)
    for words in ("mode: auto", "propensity: 0.15", "monitoring: 0.0", "credibility: 0.5",
                  "enforcement: 0.5", "positions: {ceasefire: 1.0, exchange: 1.0}",
                  "reservation: {ceasefire: 0.6, exchange: 0.5}", "ukraine: {russia: 0.1}"):
        assert re.search(rf"^#\s+{re.escape(words)}\s+# \S", text, re.M), words
    path = tmp_path / "all.yaml"
    path.write_text(uncommented(text), encoding="utf-8")
    base = load_scenario(BASELINE).model_dump()
    assert leaf_differences(base, load_scenario(path).model_dump()) == {"title", "description"}


def test_a_new_scenario_from_a_path_extends_it_relative_to_its_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "bases").mkdir()
    (tmp_path / "bases" / "b.yaml").write_text("extends: putin-attends\ntitle: B\n",
                                               encoding="utf-8")
    text = new_scenario_text("mine", "bases/b.yaml", folder="scenarios")
    assert "extends: ../bases/b.yaml\n" in text
    (tmp_path / "scenarios" / "mine.yaml").write_text(text, encoding="utf-8")
    assert load_scenario("mine").actors["russia"].attendance.mode == "always"


@pytest.mark.parametrize("name", ["", "my question", "../x", "mine.yaml"])
def test_a_new_scenario_needs_a_usable_name(name):
    with pytest.raises(ScenarioError, match="cannot be a scenario name"):
        new_scenario_text(name, BASELINE)


def test_a_new_scenario_from_an_unknown_base_says_so():
    with pytest.raises(ScenarioError, match="did you mean 'istanbul-2025'"):
        new_scenario_text("mine", "istanbul-2052")


def test_a_new_scenario_works_for_a_three_party_base(tmp_path):
    text = new_scenario_text("mine", FICTIONAL)
    path = tmp_path / "mine.yaml"
    path.write_text(uncommented(text, FICTIONAL), encoding="utf-8")
    base = load_scenario(FICTIONAL).model_dump()
    assert leaf_differences(base, load_scenario(path).model_dump()) == {"title", "description"}


# --- show -------------------------------------------------------------------------------------


def leaves(node: object, path: str = ""):
    """Every dotted path of a value that is not a non-empty mapping."""
    if isinstance(node, dict) and node:
        for key, child in node.items():
            yield from leaves(child, f"{path}.{key}".lstrip("."))
    else:
        yield path


def line_of(name: str, text: str) -> int:
    lines = shipped_scenarios()[name].read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_show_gives_every_resolved_value_with_its_meaning():
    rows = resolved_rows("putin-attends")
    assert [row.path for row in rows] == list(leaves(load_scenario("putin-attends").model_dump()))
    assert all(row.description for row in rows)


def test_show_says_which_file_line_override_or_default_set_each_value():
    rows = {r.path: r for r in resolved_rows("putin-attends", ["actors.usa.leverage=0.7"])}
    mode = rows["actors.russia.attendance.mode"]
    assert (mode.value, mode.set_by) == (
        "always", f"{_shown('putin-attends')}:{line_of('putin-attends', 'mode: always')}")
    assert rows["actors.russia.momentum"].set_by == (
        f"{_shown(BASELINE)}:{line_of(BASELINE, 'momentum: 0.3')}")
    assert (rows["actors.usa.leverage"].value, rows["actors.usa.leverage"].set_by) == (
        "0.7", "--set #1")
    stall = rows["issues.exchange.stall"]
    assert (stall.value, stall.set_by, stall.range, stall.unit) == (
        "0.3", "default", "0 to 1", "probability")
    assert rows["actors.turkey.bias"].value == "{}"


def test_show_says_when_a_default_replaces_a_deleted_value(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("extends: istanbul-2025\ntitle: x\nactors: {usa: {leverage: null}}\n",
                    encoding="utf-8")
    row = next(r for r in resolved_rows(path) if r.path == "actors.usa.leverage")
    assert (row.value, row.set_by) == ("0.5", f"default (inherited value deleted at {path}:3)")


def test_show_refuses_an_invalid_scenario_with_every_problem():
    with pytest.raises(ScenarioError) as caught:
        resolved_rows(BASELINE, ["actors.usa.leverage=2", "trust.ukraine.usaa=0.1"])
    assert len(caught.value.problems) == 2


def _shown(name: str) -> str:
    return load_scenario_dict(name).origin(()).source


# --- cross-references over plain data ---------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_a_valid_scenario_has_no_reference_problems(name):
    assert list(reference_problems(load_scenario(name).model_dump())) == []
    assert list(reference_problems(load_scenario_dict(name).data)) == []


plain = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["party", "mediator", "role", "trust", "a", "b"]),
                      children, max_size=4),
    max_leaves=20)


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "issues": plain, "actors": st.dictionaries(st.sampled_from(["a", "b", "C"]), plain),
    "trust": plain}))
def test_reference_checks_never_fail_on_data_of_the_wrong_shape(data):
    for path, message in reference_problems(data):
        assert isinstance(path, tuple) and message


def test_reference_checks_skip_what_depends_on_an_unreadable_role():
    data = load_scenario_dict(BASELINE).data
    data["actors"]["turkey"]["role"] = "mediatr"
    data["trust"]["turkey"] = {"ukraine": 0.5}
    assert list(reference_problems(data)) == []  # turkey might be a party: no guess


def test_a_misspelt_key_no_longer_hides_the_other_problems(tmp_path):
    path = Path(tmp_path / "s.yaml")
    path.write_text("extends: istanbul-2025\ntitle: x\n"
                    "actors: {turkey: {skil: 0.9, bias: {ukrain: 0.2}}}\n"
                    "issues: {ceasefire: {opens_after: exchnge}}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    messages = [f"{p.path}: {p.message}" for p in caught.value.problems]
    assert any(m.startswith("actors.turkey.skil: unknown key") for m in messages)
    assert "actors.turkey.bias: no party 'ukrain'; did you mean 'ukraine'?" in messages
    assert ("issues.ceasefire.opens_after: no other issue 'exchnge'; did you mean "
            "'exchange'?") in messages
