"""negsim sweep: the sweep file, the designs, point = run exactness, resume, the CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from faults import Interrupt
from typer.testing import CliRunner

from sim.cli import app
from sim.cli.experiments import Machinery
from sim.errors import UserError
from sim.experiment import sweep as sweeps
from sim.experiment.run import RunInterrupted, simulate
from sim.experiment.sweepfile import sweep_schema
from sim.scenario.loader import load_scenario

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted((REPO / "scenarios" / "sweeps").glob("*.yaml"))


def write(folder: Path, text: str, name: str = "sweep.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GRID = """\
    kind: sweep
    base: istanbul-2025
    design: grid
    parameters:
      trust.ukraine.russia: {values: [0.1, 0.45]}
      actors.usa.attendance.mode: {values: [auto, always]}
    runs: 300
    seed: 7
    outputs: [ceasefire_holding, exchange_only, no_agreement, attended.usa, agreed.ceasefire,
              leaders_met]
"""


# -- point = run --------------------------------------------------------------------------


def test_each_point_equals_the_run_with_its_overrides(tmp_path):
    """Point p = negsim run BASE --set ... --runs N --seed S, to the last digit; chunks of 250
    make points straddle chunks, and the attendance mode makes two ensemble groups."""
    sweep = sweeps.load_sweep(write(tmp_path, GRID))
    assert sweep.per_replicate == {"trust.ukraine.russia"}
    result = sweeps.run_sweep(sweep, out=tmp_path / "out", chunk_size=250)
    assert result.metadata["groups"] == 2 and len(result.points) == 4
    for row in result.points.itertuples(index=False):
        values = dict(zip(result.points.columns, row, strict=True))
        overrides = [f"trust.ukraine.russia={values['trust.ukraine.russia']!r}",
                     f"actors.usa.attendance.mode={values['actors.usa.attendance.mode']}"]
        summary = simulate(load_scenario("istanbul-2025", overrides), runs=300, seed=7).summary
        for output in sweep.spec.outputs:
            metric, _, category = output.rpartition(".")
            metric, category = (metric, category) if metric else (
                ("leaders_met", "all") if output == "leaders_met" else ("outcome", output))
            expected = summary.query("metric == @metric and category == @category").iloc[0]
            assert values[f"{output}.share"] == expected.share
            assert values[f"{output}.ci_low"] == expected.ci_low
            assert values[f"{output}.ci_high"] == expected.ci_high


def test_points_share_their_draws(tmp_path):
    """Common random numbers: a monotone effect shows at every step of a fine grid."""
    path = write(tmp_path, """\
        kind: sweep
        base: istanbul-2025
        design: grid
        parameters:
          actors.russia.attendance.propensity: {range: [0.05, 0.65], steps: 4}
        runs: 400
        outputs: [attended.russia]
    """)
    points = sweeps.run_sweep(sweeps.load_sweep(path), out=tmp_path / "out").points
    assert np.all(np.diff(points["attended.russia.share"]) > 0)


# -- designs ------------------------------------------------------------------------------


def design_file(folder: Path, design: str, samples: int | None, seed: int = 3) -> Path:
    samples_line = f"samples: {samples}" if samples else ""
    return write(folder, f"""\
        kind: sweep
        base: istanbul-2025
        design: {design}
        parameters:
          trust.ukraine.russia: {{range: [0.05, 0.5]{', steps: 3' if design == 'grid' else ''}}}
          trust.russia.ukraine: {{same_as: trust.ukraine.russia}}
          actors.usa.monitoring: {{range: [0, 1]{', steps: 2' if design == 'grid' else ''}}}
          actors.usa.attendance.mode: {{values: [auto, always]}}
        {samples_line}
        seed: {seed}
        runs: 10
    """, f"{design}-{seed}.yaml")


@pytest.mark.parametrize(("design", "samples", "points"), [
    ("grid", None, 3 * 2 * 2), ("random", 17, 17), ("lhs", 16, 16),
    ("sobol", 16, 16 * (3 + 2)), ("morris", 5, 5 * (3 + 1))])
def test_designs_have_the_right_size_and_are_seeded(tmp_path, design, samples, points):
    table, unit = sweeps.design(sweeps.load_sweep(design_file(tmp_path, design, samples)))
    again, _ = sweeps.design(sweeps.load_sweep(design_file(tmp_path, design, samples)))
    other, _ = sweeps.design(sweeps.load_sweep(design_file(tmp_path, design, samples, seed=4)))
    assert len(table) == points and list(table["point"]) == list(range(points))
    pd.testing.assert_frame_equal(table, again)
    assert (table["trust.ukraine.russia"] == table["trust.russia.ukraine"]).all()  # same_as
    assert table["trust.ukraine.russia"].between(0.05, 0.5).all()
    assert set(table["actors.usa.attendance.mode"]) <= {"auto", "always"}
    if design == "grid":
        assert unit is None
    else:
        assert unit.shape == (points, 3)  # same_as is not a dimension
        assert not table.equals(other)


def test_lhs_puts_one_point_in_each_stratum(tmp_path):
    _, unit = sweeps.design(sweeps.load_sweep(design_file(tmp_path, "lhs", 16)))
    for column in unit.T:
        assert sorted((column * 16).astype(int)) == list(range(16))


def test_sobol_and_morris_write_indices_and_warn_when_too_small(tmp_path):
    for design, samples, index in (("sobol", 8, "ST"), ("morris", 4, "mu_star")):
        path = write(tmp_path, f"""\
            kind: sweep
            base: istanbul-2025
            design: {design}
            parameters:
              actors.russia.attendance.propensity: {{range: [0.05, 0.6]}}
              actors.usa.monitoring: {{range: [0, 1]}}
            samples: {samples}
            runs: 40
            outputs: [attended.russia, no_talks]
        """, f"{design}.yaml")
        result = sweeps.run_sweep(sweeps.load_sweep(path), out=tmp_path / "out")
        indices = pd.read_csv(result.path / "indices.csv")
        assert list(indices.columns) == ["output", "parameter", "index", "value", "conf"]
        main = indices[(indices["index"] == index) & (indices["output"] == "attended.russia")]
        assert set(main["parameter"]) == {"actors.russia.attendance.propensity",
                                         "actors.usa.monitoring"}
        top = main.sort_values("value")["parameter"].iloc[-1]
        assert top == "actors.russia.attendance.propensity"
        text = " ".join(result.warnings)
        assert ("Sobol indices from N = 8" if design == "sobol" else "4 Morris trajectories") in text
        assert "no_talks is 0 at every point" in text


# -- results folder and resume --------------------------------------------------------------


def test_results_folder_layout(tmp_path):
    result = sweeps.run_sweep(sweeps.load_sweep(write(tmp_path, GRID)), out=tmp_path / "out")
    assert result.path.parent == tmp_path / "out" / "sweep"
    names = {p.name for p in result.path.iterdir()}
    assert names == {"metadata.json", "sweep.yaml", "scenario.yaml", "design.parquet",
                     "points.parquet", "points.csv"}
    csv = pd.read_csv(result.path / "points.csv")
    assert list(csv.columns[:3]) == ["point", "trust.ukraine.russia",
                                     "actors.usa.attendance.mode"]
    assert list(csv.columns[3:6]) == ["ceasefire_holding.share", "ceasefire_holding.ci_low",
                                      "ceasefire_holding.ci_high"]
    meta = json.loads((result.path / "metadata.json").read_text())
    assert meta["kind"] == "sweep" and meta["points"] == 4 and meta["runs"] == 300
    assert (result.path / "sweep.yaml").read_text() == (tmp_path / "sweep.yaml").read_text()


def test_resume_after_an_interruption_gives_identical_points(tmp_path):
    sweep = sweeps.load_sweep(write(tmp_path, GRID))
    whole = sweeps.run_sweep(sweep, out=tmp_path / "a", chunk_size=250)
    with pytest.raises(RunInterrupted) as stopped:
        sweeps.run_sweep(sweep, out=tmp_path / "b", chunk_size=250,
                         hooks=Interrupt(after_chunk=1))
    assert "negsim sweep --resume" in str(stopped.value)
    partial = stopped.value.partial_dir
    assert len(list((partial / "chunks").glob("*.parquet"))) == 2
    resumed = sweeps.resume_sweep(partial)
    assert (resumed.path / "points.csv").read_bytes() == (whole.path / "points.csv").read_bytes()
    assert resumed.metadata["resumed"]


# -- bad sweep files -----------------------------------------------------------------------


BAD = {
    "unknown key": ("parameters:\n  trust.ukraine.russia: {rnage: [0, 1]}",
                    "sweep.yaml:5:26  parameters.trust.ukraine.russia.rnage: unknown key "
                    "'rnage'; did you mean 'range'?"),
    "design": ("design: sobl", "sweep.yaml:3:1  design: must be 'grid', 'random', 'lhs', "
                               "'sobol' or 'morris' (got 'sobl')"),
    "sobol N": ("design: sobol\nsamples: 100", "samples: Sobol sampling needs a power of 2 "
                                               "(got 100); use 64 or 128"),
    "out of bounds": ("parameters:\n  trust.ukraine.russia: {values: [0.2, 1.5]}",
                      "sweep.yaml:5:3  parameters.trust.ukraine.russia: 1.5 is not allowed: "
                      "trust.ukraine.russia: must be at most 1 (got 1.5)"),
    "unknown path": ("parameters:\n  actors.usa.monitorin: {values: [0.2]}",
                     "did you mean 'monitoring'?"),
    "new actor": ("parameters:\n  actors.poland.role: {values: [party]}",
                  "changes the set of actors or issues (actors: +poland); a sweep varies the "
                  "parameters of one cast. To compare different casts, write a scenario file "
                  "for each and run: negsim compare A B"),
    "output": ("outputs: [ceasefire_hold]", "sweep.yaml:6:11  outputs.0: unknown output "
                                            "'ceasefire_hold'; did you mean 'ceasefire_holding'?"),
    "base": ("base: istanbul-2052", "sweep.yaml:2:1  base: cannot find scenario"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_sweep_files_are_one_line_each_with_file_and_line_exit_2(tmp_path, monkeypatch,
                                                                      case):
    change, message = BAD[case]
    lines = {"kind": "kind: sweep", "base": "base: istanbul-2025", "design": "design: grid",
             "parameters": "parameters:\n  trust.ukraine.russia: {values: [0.2]}",
             "outputs": "outputs: [ceasefire_holding]"}
    key = change.split(":")[0]
    lines[key] = change
    if key == "design" and "samples" in change:
        lines["parameters"] = "parameters:\n  trust.ukraine.russia: {range: [0.1, 0.2]}"
    (tmp_path / "sweep.yaml").write_text("\n".join(lines.values()) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sweep", "sweep.yaml", "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())
    assert "Traceback" not in result.output and not (tmp_path / "results").exists()


def test_a_scenario_file_is_named_as_such_not_picked_apart(tmp_path, monkeypatch):
    """Issue 11: a scenario given where a sweep is expected says what it is (and which command
    takes it), instead of listing its keys as unknown and the sweep's as missing."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "extends: istanbul-2025\ntitle: Mine\n", "mine.yaml")
    with pytest.raises(UserError) as caught:
        sweeps.load_sweep("mine.yaml")
    assert str(caught.value) == ("mine.yaml:1:1  this is a scenario, not a sweep: run it with "
                                 "negsim run mine.yaml (a sweep file starts with kind: sweep)")
    write(tmp_path, GRID.replace("    kind: sweep\n", ""), "no-kind.yaml")  # a sweep all the same
    with pytest.raises(UserError, match="no-kind.yaml:1:1  kind: required field missing"):
        sweeps.load_sweep("no-kind.yaml")


def test_cli_sweep_prints_and_writes(tmp_path, monkeypatch):
    write(tmp_path, GRID)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sweep", "sweep.yaml", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "grid, 4 points × 300 runs" in result.stdout
    assert "Results written to results/sweep/" in result.stdout


# -- shipped files -------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_sweeps_load(path):
    """Each shipped sweep runs as at most two vectorised ensembles (ceasefire-regions has one
    structural choice, Trump's attendance mode, whose points form two groups)."""
    sweep = sweeps.load_sweep(path)
    table, _ = sweeps.design(sweep)
    groups = table[sweep.structural].drop_duplicates() if sweep.structural else table[:1]
    assert len(groups) <= 2
    assert len(table) * sweep.spec.runs <= 5_000_000


def test_schema_file_is_generated_from_the_config():
    committed = json.loads((REPO / "scenarios" / "sweeps" / "schema.json").read_text())
    assert committed == sweep_schema(), "regenerate: python -m sim.experiment.sweepfile"


def test_cli_interrupted_sweep_names_its_folder_and_resumes(tmp_path, monkeypatch):
    write(tmp_path, GRID)
    monkeypatch.chdir(tmp_path)
    args = ["sweep", "sweep.yaml", "--workers", "1", "--chunk-size", "400"]
    stopped = CliRunner().invoke(app, args, obj=Machinery(hooks=Interrupt(after_chunk=0)))
    assert stopped.exit_code == 130 and "negsim sweep --resume" in stopped.stderr
    [partial] = (tmp_path / "results" / "sweep").glob("*.partial")
    resumed = CliRunner().invoke(app, ["sweep", "--resume", str(partial), "--workers", "1"])
    assert resumed.exit_code == 0, resumed.output
    assert not partial.exists() and partial.with_suffix("").is_dir()
    refused = CliRunner().invoke(app, ["sweep", "--resume", str(partial.with_suffix(""))])
    assert refused.exit_code == 2 and "already complete" in refused.stderr
