"""Fuzzing the scenario loader: whatever a student writes, it loads and runs, or it is refused
with ``file:line:col  field.path: message`` lines. Never another exception, never a hang.

Four sources of input: YAML documents generated from scratch (keys from the real schema mixed
with random ones), the shipped scenarios' data mutated (dropped keys, wrong types, swapped or
renamed ids, extreme numbers, unicode), the shipped files' *text* mutated (lines dropped,
doubled, swapped, cut, characters inserted), and random bytes. A sample also goes through
``negsim validate`` in a real process (exit 2, no traceback).

Example counts: :data:`TOTAL` examples in all (default 2,000; ``NEGSIM_FUZZ_EXAMPLES=20000``
for a long run), shared among the tests by :data:`SHARE`. Derandomized: the same inputs on
every run, so a failure reproduces.
"""

from __future__ import annotations

import copy
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from located import PROBLEM_LINE, check_loads_or_explains
from processes import environment
from tally import COUNTS

from sim.scenario.loader import load_scenario_dict, shipped_scenarios

TOTAL = int(os.environ.get("NEGSIM_FUZZ_EXAMPLES", "2000"))
SHARE = {"generated": 0.25, "mutated_data": 0.40, "mutated_text": 0.25, "bytes": 0.10}
SHIPPED = shipped_scenarios()
SCHEMA_KEYS = ["title", "description", "start_date", "calendar", "talks", "observation",
               "issues", "actors", "trust", "extends", "kind", "role", "label", "name",
               "leader", "attendance", "mode", "propensity", "follows", "positions",
               "reservation", "mandate", "concession", "salience", "horizon_days", "sessions",
               "duration_days", "ukraine", "russia", "usa", "turkey", "ceasefire", "exchange"]


def fuzz_settings(share: str):
    return settings(max_examples=max(1, round(TOTAL * SHARE[share])), derandomize=True,
                    deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


# -- strategies ----------------------------------------------------------------------------

EXTREME_NUMBERS = [0, -1, 1, 2**31, 2**63, 2**64, -(2**63), 10**29, 10**31, 1e308, -1e308,
                   5e-324, 1e-300, -0.0, 0.5, 1.0000000000000002, 3650, 3651, 1e9, 1e15]
UNICODE = ["Türkiye", "Україна", "Россия", "ドラフト", "😀", "e\u0301", "\u200b", "\ufeff",
           "\u202eevil", "a\tb", "line\nbreak", "\\ud800", "'quoted'", '"dq"', "#hash", "",
           " ", "- dash", "key: value", "&anchor", "*alias", "!tag", "%directive", "{", "["]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.sampled_from(EXTREME_NUMBERS), st.sampled_from(UNICODE),
    st.text(max_size=20), st.sampled_from(["yes", "no", "on", "2025-05-15", "2025-13-45",
                                           "auto", "never", "party", "ceasefire", "1e-3",
                                           "0x1F", "0o17", "1_000", "12:30", ".nan", ".inf"]))
keys = st.one_of(st.sampled_from(SCHEMA_KEYS), st.text(min_size=1, max_size=12),
                 st.sampled_from(UNICODE[:10]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)), max_leaves=25)
documents = st.dictionaries(keys, values, max_size=8)


def dump(data, flow: bool) -> str:
    return yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)


def write(folder: Path, text: str | bytes) -> Path:
    path = folder / "fuzzed.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# -- mutations of the shipped scenarios ---------------------------------------------------------


class Chooser:
    """Random choices from hypothesis (``data.draw``) or from a seeded ``random.Random``,
    so the same mutations serve the fuzz tests and the CLI sample."""

    def __init__(self, draw=None, rng: random.Random | None = None):
        self.draw, self.rng = draw, rng

    def pick(self, options):
        options = list(options)
        if self.draw:
            return self.draw(st.sampled_from(options))
        return self.rng.choice(options)

    def value(self):
        if self.draw:
            return self.draw(values)
        return self.pick([*EXTREME_NUMBERS, *UNICODE, None, True, [], {}, [1, 2], {"x": 1}])


def paths(data, prefix=()) -> list[tuple]:
    """Every path in nested dicts and lists (not the root)."""
    out = []
    children = data.items() if isinstance(data, dict) else (
        enumerate(data) if isinstance(data, list) else ())
    for key, child in children:
        out.append((*prefix, key))
        out += paths(child, (*prefix, key))
    return out


def parent_of(data, path):
    for part in path[:-1]:
        data = data[part]
    return data


def mutate(data: dict, choose: Chooser) -> dict:
    """One mutation of scenario data, of a kind the chooser picks."""
    data = copy.deepcopy(data)
    where = paths(data)
    if not where:
        return data
    path = choose.pick(where)
    parent, key = parent_of(data, path), path[-1]
    kind = choose.pick(["drop", "retype", "extreme", "unicode", "swap_ids", "rename_id",
                        "duplicate_actor"])
    if kind == "drop":
        del parent[key]
    elif kind == "retype":
        parent[key] = choose.value()
    elif kind == "extreme":
        parent[key] = choose.pick(EXTREME_NUMBERS)
    elif kind == "unicode" and isinstance(parent, dict):
        parent[choose.pick(UNICODE) or "k"] = parent.pop(key)
    elif kind == "unicode":
        parent[key] = choose.pick(UNICODE)
    elif kind == "swap_ids":
        _swap_ids(data, choose)
    elif kind == "rename_id":
        _rename_id(data, choose)
    elif isinstance(data.get("actors"), dict) and data["actors"]:
        name = choose.pick(list(data["actors"]))
        data["actors"][f"{name}_copy"] = copy.deepcopy(data["actors"][name])
    return data


def _swap_ids(data: dict, choose: Chooser) -> None:
    """Swap two actor (or issue) ids in one place only: references go out of step."""
    table = data.get(choose.pick(["actors", "issues", "trust"]))
    if isinstance(table, dict) and len(table) >= 2:
        a, b = choose.pick(list(table)), choose.pick(list(table))
        table[a], table[b] = table[b], table[a]


def _rename_id(data: dict, choose: Chooser) -> None:
    table = data.get(choose.pick(["actors", "issues"]))
    if isinstance(table, dict) and table:
        old = choose.pick(list(table))
        table[choose.pick(["new_id", "Bad-Id", "1st", "x" * 60, old.upper(), "ü"])] = table.pop(old)


def text_mutation(text: str, choose: Chooser) -> str:
    lines = text.splitlines(keepends=True)
    i, j = choose.pick(range(len(lines))), choose.pick(range(len(lines)))
    kind = choose.pick(["drop", "double", "swap", "cut", "insert", "indent", "dedent"])
    if kind == "drop":
        del lines[i]
    elif kind == "double":
        lines.insert(i, lines[i])
    elif kind == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "cut":
        return text[: choose.pick(range(len(text)))]
    elif kind == "insert":
        at = choose.pick(range(len(lines[i]) + 1))
        lines[i] = lines[i][:at] + choose.pick([":", "- ", "{", "]", "'", '"', "&a ", "*a",
                                                 "!!str ", "\t", "#", "? ", "|", ">", "%",
                                                 "ü", "\u00a0", "\x85"]) + lines[i][at:]
    elif kind == "indent":
        lines[i] = "  " + lines[i]
    else:
        lines[i] = lines[i].lstrip()
    return "".join(lines)


SHIPPED_DATA = {name: load_scenario_dict(name).data for name in SHIPPED}
SHIPPED_TEXT = {name: path.read_text(encoding="utf-8") for name, path in SHIPPED.items()}


# -- the properties -------------------------------------------------------------------------------


@pytest.mark.timeout(300)
@fuzz_settings("generated")
@given(document=documents, flow=st.booleans())
def test_generated_documents_load_or_are_explained(folder, document, flow):
    check_loads_or_explains(write(folder, dump(document, flow)))


@pytest.mark.timeout(300)
@fuzz_settings("mutated_data")
@given(data=st.data())
def test_mutated_shipped_scenarios_load_or_are_explained(folder, data):
    choose = Chooser(draw=data.draw)
    scenario = dict(SHIPPED_DATA[choose.pick(sorted(SHIPPED_DATA))])
    for _ in range(data.draw(st.integers(1, 4))):
        scenario = mutate(scenario, choose)
    check_loads_or_explains(write(folder, dump(scenario, data.draw(st.booleans()))))


@pytest.mark.timeout(300)
@fuzz_settings("mutated_text")
@given(data=st.data())
def test_mutated_shipped_files_load_or_are_explained(folder, data):
    choose = Chooser(draw=data.draw)
    text = SHIPPED_TEXT[choose.pick(sorted(SHIPPED_TEXT))]
    for _ in range(data.draw(st.integers(1, 3))):
        text = text_mutation(text, choose) or "\n"
    check_loads_or_explains(write(folder, text))


@pytest.mark.timeout(300)
@fuzz_settings("bytes")
@given(raw=st.one_of(st.binary(max_size=300), st.binary(max_size=40).map(
    lambda b: SHIPPED_TEXT["istanbul-2025"].encode()[:500] + b)))
def test_random_bytes_are_explained(folder, raw):
    check_loads_or_explains(write(folder, raw))


def test_the_mutations_reach_both_outcomes(folder):
    """The fuzzing is not vacuous: some mutated scenarios still load and run, most do not."""
    rng = random.Random(7)
    outcomes = set()
    for _ in range(60):
        scenario = mutate(SHIPPED_DATA["istanbul-2025"], Chooser(rng=rng))
        outcomes.add(check_loads_or_explains(write(folder, dump(scenario, False))))
    assert outcomes == {"loaded", "rejected"}


# -- the same through the command line ---------------------------------------------------------


def cli_sample(folder: Path, n: int = 40) -> list[Path]:
    """`n` broken files made by the same mutations, from a fixed seed."""
    rng, out = random.Random(20250514), []
    names = sorted(SHIPPED_DATA)
    while len(out) < n:
        choose, k = Chooser(rng=rng), len(out)
        if k % 2:
            text = text_mutation(SHIPPED_TEXT[rng.choice(names)], choose)
        else:
            text = dump(mutate(SHIPPED_DATA[rng.choice(names)], choose), bool(k % 4))
        path = folder / f"sample-{k:02d}.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        if _is_invalid(path):
            out.append(path)
    return out


def _is_invalid(path: Path) -> bool:
    from sim.scenario.loader import ScenarioError, load_scenario

    try:
        load_scenario(path)
    except ScenarioError:
        return True
    return False


@pytest.mark.timeout(120)
def test_negsim_validate_explains_broken_files_without_a_traceback(tmp_path):
    sample = cli_sample(tmp_path)
    sample += [tmp_path / "empty.yaml", tmp_path / "bytes.yaml"]
    sample[-2].write_text("")
    sample[-1].write_bytes(bytes(range(256)))
    done = subprocess.run([sys.executable, "-m", "sim", "validate", *map(str, sample)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env=environment())
    COUNTS["inputs fuzzed through negsim validate"] += len(sample)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    *problems, last = done.stderr.splitlines()
    assert last == f"{len(sample)} of {len(sample)} scenario(s) invalid"
    for line in problems:
        assert line.startswith("error: ") and PROBLEM_LINE.match(line[7:]), line
    # every file is cited (an id deleted with null is cited where the baseline refers to it,
    # and the message names the line that deleted it)
    assert [p.name for p in sample if p.name not in done.stderr] == []
