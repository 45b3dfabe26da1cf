"""Every number the docs quote from a run is what its script makes now (tools/docnumbers).

The README's example, docs/teaching.md, docs/experiments.md, CHANGELOG.md, docs/exploring.md,
and the Sobol numbers of docs/sensitivity.md, docs/model.md §10 and docs/experiments.md are
regenerated here (the commands run again, about 25 s) and compared with the committed pages,
character for character. The Sobol sweep, and the screen, sweep and robust run of
docs/exploring.md, are too slow to repeat (millions of histories): their stored results are
checked instead, by simulating a few of their points again, and small versions check that
the scripts that store them still run. If a test here fails after a change on purpose, run
``python -m tools.docnumbers`` (add ``--sobol --exploring`` when the model changed) and
review the diff.
"""

import json
import subprocess

import pytest

import sim
from sim.model.labels import output_metric
from tools import baselines
from tools.docnumbers import __main__ as command
from tools.docnumbers import blocks, changelog, exploring, regenerate, sensitivity
from tools.docnumbers.generated import Generated


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return regenerate.generate(tmp_path_factory.mktemp("docnumbers"))


# -- the committed pages are the scripts' output --------------------------------------------


def test_every_claim_the_prose_makes_still_holds(made):
    assert not made.broken, "rewrite the prose that says:\n" + "\n".join(made.broken)


@pytest.mark.parametrize("page", regenerate.docs(), ids=lambda p: p.name)
def test_each_page_holds_the_numbers_its_script_makes(made, page):
    assert page.read_text(encoding="utf-8") == regenerate.rewritten(page, made.values), (
        f"{page.name} is out of date: run `python -m tools.docnumbers` and review the diff")


def test_every_number_made_has_a_place_in_a_page(made):
    assert regenerate.unused(made.values) == []


@pytest.mark.parametrize("page", ["README.md", "CHANGELOG.md", "docs/teaching.md",
                                  "docs/sensitivity.md", "docs/experiments.md", "docs/model.md",
                                  "docs/exploring.md"])
def test_the_pages_that_quote_runs_keep_their_generated_places(repo_root, page):
    """A page whose markers were deleted would pass the comparison with stale numbers."""
    assert blocks.names((repo_root / page).read_text(encoding="utf-8"))


def test_nothing_is_written_when_a_claim_fails(monkeypatch, tmp_path, capsys):
    broken = Generated()
    broken.claim("the moon is made of cheese", False)
    monkeypatch.setattr(regenerate, "generate", lambda workdir: broken)
    monkeypatch.setattr(regenerate, "docs", lambda root=None: [])
    assert command.main([]) == 1
    assert "the moon is made of cheese" in capsys.readouterr().err


# -- the stored Sobol sweep ------------------------------------------------------------------


def test_the_stored_sobol_run_is_the_shipped_sweep_on_this_model_version():
    _, record = sensitivity.stored()
    assert sensitivity.current(record) == []


@pytest.mark.parametrize("point", range(sensitivity.CHECK_POINTS))
def test_the_stored_sobol_points_are_what_the_model_gives_now(point):
    """Point p of a sweep is exactly ``negsim run`` with its values, runs and seed. Tolerance:
    one replicate in the sweep's runs per point (a float's last bits may differ elsewhere)."""
    _, record = sensitivity.stored()
    scenario, stored_shares = list(sensitivity.check_point_scenarios())[point]
    summary = sim.simulate(scenario, runs=record["runs"], seed=record["seed"]).summary
    for output, share in stored_shares.items():
        metric, category = output_metric(output)
        now = summary[(summary["metric"] == metric) & (summary["category"] == category)]
        assert abs(float(now["share"].iloc[0]) - share) <= 1 / record["runs"] + 1e-12, output


def test_the_sobol_script_still_runs(tmp_path, repo_root):
    """The same script on a small sweep of the same parameters (N = 8, 20 runs a point)."""
    shipped = (repo_root / "scenarios" / "sweeps" / "baseline-sobol.yaml").read_text()
    small = tmp_path / "small-sobol.yaml"
    small.write_text(shipped.replace("samples: 1024", "samples: 8").replace("runs: 500",
                                                                            "runs: 20"))
    data = tmp_path / "data"
    sensitivity.rerun(str(small), data=data, figures=None)
    record = json.loads((data / "run.json").read_text())
    assert (record["samples"], record["runs"], record["points"]) == (8, 20, 64)
    assert sensitivity.current(record) == []  # its own file, checked like the shipped one
    tables = sensitivity.generate(data).values["sensitivity.tables"]
    assert tables.count("| Russia: attendance propensity (`actors.russia.attendance."
                        "propensity`) |") == 4
    assert len(list(sensitivity.check_point_scenarios(data))) == sensitivity.CHECK_POINTS


# -- the stored runs of docs/exploring.md -----------------------------------------------------


def test_the_stored_exploring_runs_are_the_chapters_commands_on_this_model_version():
    assert exploring.current() == []


@pytest.mark.parametrize("check", range(3 * exploring.CHECK_POINTS))
def test_the_stored_exploring_points_are_what_the_model_gives_now(check):
    """A point of a screen, sweep or robust run is exactly ``negsim run`` with its values,
    runs and seed. Tolerance: one replicate in the run's runs per point."""
    _, scenario, runs, seed, stored_shares = list(exploring.check_point_runs())[check]
    for output, share in stored_shares.items():
        now = exploring.share_now(scenario, runs, seed, output)
        assert abs(now - share) <= 1 / runs + 1e-12, output


def test_the_exploring_script_still_runs(tmp_path, repo_root):
    """The same script on small versions of the three slow steps (a screen of 2 trajectories,
    a sweep of 64 points and a robust run of 4 worlds, 20 to 40 runs a point)."""
    sweep = (repo_root / "scenarios" / "sweeps" / "ceasefire-regions.yaml").read_text()
    (tmp_path / "small-sweep.yaml").write_text(
        sweep.replace("samples: 2048", "samples: 64").replace("runs: 500", "runs: 40"))
    levers = (repo_root / "scenarios" / "robust" / "us-levers.yaml").read_text()
    (tmp_path / "small-levers.yaml").write_text(
        levers.replace("samples: 512", "samples: 4").replace("runs: 200", "runs: 20"))
    commands = {"screen": exploring.COMMANDS["screen"] + " --trajectories 2 --runs 20",
                "sweep": f"negsim sweep {tmp_path / 'small-sweep.yaml'}",
                "robust": f"negsim robust {tmp_path / 'small-levers.yaml'} --satisfice 0.3"}
    data = tmp_path / "data"
    exploring.rerun(commands, data=data, figures=None)  # figures: drawing them takes seconds
    record = json.loads((data / "run.json").read_text())
    assert {step: s["command"] for step, s in record["steps"].items()} == commands
    assert exploring.current(data) == [  # not the chapter's runs, and it says so
        f"{step}: stored {commands[step]!r}, now {exploring.COMMANDS[step]!r}"
        for step in commands] + ["scenarios/sweeps/ceasefire-regions.yaml changed since the "
                                 "stored run", "scenarios/robust/us-levers.yaml changed since "
                                 "the stored run"]
    checks = list(exploring.check_point_runs(data))
    assert len(checks) == 3 * exploring.CHECK_POINTS
    name, scenario, runs, seed, shares = checks[-1]
    assert name.startswith("robust point") and (runs, seed) == (20, 20250514)
    for output, share in shares.items():
        assert exploring.share_now(scenario, runs, seed, output) == pytest.approx(share)


# -- the changelog's "before" ----------------------------------------------------------------


def test_model_1_shares_cover_every_shipped_scenario_at_the_baseline_size():
    table = changelog._read(changelog.BEFORE)
    assert set(table) == set(baselines.stored()["scenario"])
    raw = changelog.BEFORE.read_text().splitlines()
    assert raw[0] == "scenario,metric,category,share,n"
    assert all(line.endswith(f",{baselines.RUNS}") for line in raw[1:])


def test_model_1_shares_are_the_baselines_committed_at_9e4ad60(repo_root):
    shown = subprocess.run(["git", "show", f"{changelog.BEFORE_COMMIT}:tests/tools/baselines.csv"],
                           cwd=repo_root, capture_output=True, text=True)
    if shown.returncode != 0:
        pytest.skip(f"git history without {changelog.BEFORE_COMMIT}: {shown.stderr.strip()}")
    assert changelog.BEFORE.read_text() == shown.stdout


# -- the markers -----------------------------------------------------------------------------


def test_fill_replaces_inline_and_block_places_and_nothing_else():
    text = ("Putin came in <!-- generated: a -->?<!-- /generated --> of runs.\n"
            "- item\n  <!-- generated: b -->\n  old\n  <!-- /generated -->\nend\n")
    filled = blocks.fill(text, {"a": "20.6%", "b": "| x |\n|---|"})
    assert filled == ("Putin came in <!-- generated: a -->20.6%<!-- /generated --> of runs.\n"
                      "- item\n  <!-- generated: b -->\n  | x |\n  |---|\n"
                      "  <!-- /generated -->\nend\n")
    assert blocks.fill(filled, {"a": "20.6%", "b": "| x |\n|---|"}) == filled
    assert blocks.names(text) == ["a", "b"]


@pytest.mark.parametrize(("text", "message"), [
    ("x\n<!-- generated: nope -->1<!-- /generated -->",
     "page.md:2: no generator in tools/docnumbers makes the value 'nope'"),
    ("<!-- generated: a -->1", "page.md:1: a generated marker without its pair"),
    ("1<!-- /generated -->\n", "page.md:1: a generated marker without its pair"),
    ("<!-- generated: a -->\n<!-- generated: b -->2<!-- /generated -->",
     "page.md:2: a generated block opens inside 'a'"),
])
def test_broken_markers_are_named_with_their_line(text, message):
    with pytest.raises(blocks.BlockError, match=message.replace("'", ".")):
        blocks.fill(text, {"a": "1", "b": "2"}, "page.md")


def test_an_inline_place_refuses_a_value_of_several_lines():
    with pytest.raises(blocks.BlockError, match="inline"):
        blocks.fill("<!-- generated: a -->x<!-- /generated -->", {"a": "1\n2"})
