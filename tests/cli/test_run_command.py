"""The ``negsim`` command line: output, exit codes, bad input, resume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import BASELINE, real_engine_available
from faults import Interrupt
from typer.testing import CliRunner

import sim
from sim.cli import app, main
from sim.cli.experiments import Machinery
from sim.experiment.hooks import NO_HOOKS, RunHooks

runner = CliRunner()
TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """Run in an empty folder, so that ``results/`` is the default output."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str, engine=None, hooks: RunHooks = NO_HOOKS):
    """``negsim ARGS`` in this process, simulating with ``engine`` (None: the model)."""
    return runner.invoke(app, list(args), obj=Machinery(engine=engine, hooks=hooks))


def _run_folders(root: Path) -> list[Path]:
    return sorted((root / "results" / "istanbul-2025").iterdir())


def test_run_prints_the_tables_and_where_it_wrote(in_tmp, engine):
    result = invoke("run", str(BASELINE), "--runs", "300", "--chunk-size", "100", engine=engine)
    assert result.exit_code == 0, result.output
    for text in ("300 runs, seed 20250514", "30-day ceasefire agreed and held", "95% interval",
                 "Vladimir Putin (Russia)", "Donald Trump (United States)",
                 "All party leaders met", "30-day ceasefire", "All-for-all prisoner exchange"):
        assert text in result.stdout
    (folder,) = _run_folders(in_tmp)
    written = f"Results written to results/istanbul-2025/{folder.name}/ (figures in figures/)"
    assert result.stdout.strip().endswith(written)
    assert (folder / "figures" / "outcomes.png").stat().st_size > 0
    meta = json.loads((folder / "metadata.json").read_text())
    assert (meta["runs"], meta["seed"], meta["chunk_size"]) == (300, sim.DEFAULT_SEED, 100)
    assert meta["argv"][0] == "negsim"


def test_run_table_says_what_was_agreed_and_why_in_words(in_tmp, monkeypatch):
    """The breakdowns in the run table, with shares counted by hand from the folder's
    records (issue 10 items 3 and 4)."""
    import pandas as pd

    monkeypatch.setenv("COLUMNS", "200")  # one row per line (at 80 the labels wrap)
    result = invoke("run", str(BASELINE), "--runs", "400", "--no-plots")
    assert result.exit_code == 0, result.output
    (folder,) = _run_folders(in_tmp)
    records = pd.read_parquet(folder / "replicates.parquet")
    out = " ".join(result.stdout.split())
    for text in ("Issue agreed (share of all runs)", "agreed (any size)",
                 "agreed in full (level 1.00)", "share delivered: mean of all runs",
                 "Why no 30-day ceasefire (share of all runs)",
                 "Why no All-for-all prisoner exchange (share of all runs)",
                 "Who ended the 30-day ceasefire (share of the"):
        assert text in out
    furthest = ((records["reason.ceasefire"] == "no_overlap")
                & (records["blocker.ceasefire"] == "russia")).mean()
    assert furthest > 0.5  # the baseline's ceasefire zone is shut (docs/model.md §5.7)
    assert f"Russia furthest from one │ {100 * furthest:.1f}%" in out
    refused = ((records["reason.exchange"] == "refused")
               & (records["blocker.exchange"] == "ukraine")).mean()
    assert f"Ukraine refused the proposal │ {100 * refused:.1f}%" in out


def test_quiet_prints_only_the_folder(in_tmp, fake_engine):
    result = invoke("run", str(BASELINE), "--runs", "20", "--quiet", "--out", "elsewhere",
                    "--no-plots", engine=fake_engine)
    assert result.exit_code == 0
    (folder,) = (in_tmp / "elsewhere" / "istanbul-2025").iterdir()
    assert result.stdout == f"Results written to elsewhere/istanbul-2025/{folder.name}/\n"
    assert not (folder / "figures").exists()


def test_random_seed_is_printed_and_recorded(in_tmp, fake_engine):
    result = invoke("run", str(BASELINE), "--runs", "10", "--seed", "random", engine=fake_engine)
    assert result.exit_code == 0
    (folder,) = _run_folders(in_tmp)
    seed = json.loads((folder / "metadata.json").read_text())["seed"]
    assert 0 <= seed < 2**63 and f"seed {seed})" in result.stdout


def test_set_overrides_reach_the_saved_scenario_the_title_and_the_metadata(in_tmp, fake_engine):
    result = invoke("run", str(BASELINE), "--runs", "10", "--set", "trust.ukraine.russia=0.25",
                    "--set", "actors.usa.monitoring = 0.9", "--no-plots", engine=fake_engine)
    assert result.exit_code == 0, result.output
    (folder,) = _run_folders(in_tmp)  # the folder is named after the scenario, as without --set
    assert "russia: 0.25" in (folder / "scenario.yaml").read_text()
    assert result.stdout.splitlines()[0] == (
        "Istanbul talks, 15 May 2025 (baseline), with trust.ukraine.russia=0.25, "
        "actors.usa.monitoring = 0.9  (istanbul-2025: 10 runs, seed 20250514)")
    overrides = json.loads((folder / "metadata.json").read_text())["overrides"]
    assert overrides == ["trust.ukraine.russia=0.25", "actors.usa.monitoring = 0.9"]


def test_a_run_without_set_records_no_overrides(in_tmp, fake_engine):
    result = invoke("run", str(BASELINE), "--runs", "10", "--no-plots", engine=fake_engine)
    assert result.stdout.startswith("Istanbul talks, 15 May 2025 (baseline)  (istanbul-2025")
    (folder,) = _run_folders(in_tmp)
    assert json.loads((folder / "metadata.json").read_text())["overrides"] == []


class InterruptedWhileSettingUp(RunHooks):
    def setting_up(self) -> None:
        raise KeyboardInterrupt


def test_an_interruption_while_the_folder_is_set_up_leaves_nothing_behind(in_tmp, fake_engine):
    """Ctrl-C between creating the .partial folder and writing its metadata: a folder that
    could not be resumed is not left behind (issue 11, item 5)."""
    result = invoke("run", str(BASELINE), "--runs", "10", "--no-plots", engine=fake_engine,
                    hooks=InterruptedWhileSettingUp())
    assert (result.exit_code, result.stderr) == (130, "interrupted\n")
    assert list((in_tmp / "results" / "istanbul-2025").iterdir()) == []


BAD_INPUT = {
    "runs 0": (["--runs", "0"], "'--runs' / '-n': must be at least 1 (got 0)"),
    "runs -5": (["--runs", "-5"], "'--runs' / '-n': must be at least 1"),
    "seed text": (["--seed", "soon"], "'--seed': must be a whole number or 'random'"),
    "seed too big": (["--seed", str(2**63)], "'--seed': must be between 0 and 2**63"),
    "workers 0": (["--workers", "0"], "'--workers' / '-w': must be at least 1"),
    "chunk 0": (["--chunk-size", "0"], "'--chunk-size': must be at least 1"),
    "missing file": (["--runs", "5", "missing.yaml"], "missing.yaml"),
    "bad yaml": (["--runs", "5", "bad.yaml"], "bad.yaml:1"),
    "unknown key": (["--runs", "5", "odd.yaml"], "odd.yaml"),
    "bad --set": (["--set", "nosuch=1"], "nosuch"),
    "no scenario": ([], "missing SCENARIO"),
    "resume and out": (["--resume", "x.partial", "--out", "o"], "--out cannot be used"),
    "resume a non-run": (["--resume", "."], "'.' is not an interrupted job"),
}


@pytest.mark.parametrize(("args", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_line_exit_2_and_creates_nothing(in_tmp, fake_engine, args, message):
    (in_tmp / "bad.yaml").write_text("title: [unclosed\n")
    (in_tmp / "odd.yaml").write_text(BASELINE.read_text() + "\nsurprise: 1\n")
    (in_tmp / "x.partial").mkdir()
    scenario = [] if any(a.endswith(".yaml") for a in args) or "--resume" in args or not args \
        else [str(BASELINE)]
    result = invoke("run", *scenario, *args, engine=fake_engine)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (in_tmp / "results").exists() and not (in_tmp / "o").exists()


def test_interrupted_run_names_its_folder_and_resumes(in_tmp, fake_engine):
    result = invoke("run", str(BASELINE), "--runs", "40", "--chunk-size", "10",
                    engine=fake_engine, hooks=Interrupt(after_chunk=1))
    assert result.exit_code == 130
    (partial,) = _run_folders(in_tmp)
    relative = f"results/istanbul-2025/{partial.name}"
    assert result.stderr == (f"interrupted; finished chunks kept in {relative}; "
                             f"continue with: negsim run --resume {relative}\n")
    result = invoke("run", "--resume", relative, "--runs", "41", engine=fake_engine)
    assert result.exit_code == 2 and "runs is 41" in result.stderr
    result = invoke("run", "--resume", relative, engine=fake_engine)
    assert result.exit_code == 0, result.output
    assert f"Results written to {relative.removesuffix('.partial')}/" in result.stdout
    result = invoke("run", "--resume", relative.removesuffix(".partial"))
    assert result.exit_code == 2 and "already complete" in result.stderr


def test_version_and_every_help_ends_with_an_example():
    assert invoke("--version").stdout == f"negsim {sim.__version__}\n"
    for args in ([], ["run"]):
        result = invoke(*args, "--help")
        assert result.exit_code == 0
        lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
        assert lines[-1].startswith("Example: negsim"), result.stdout


# -- main(): the console script's own handling ------------------------------------------------


def _main_exit(args: list[str], capsys, machinery=None) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args, machinery)
    out, err = capsys.readouterr()
    return done.value.code, out, err


def test_main_turns_usage_errors_into_one_line(capsys):
    code, out, err = _main_exit(["run", "x.yaml", "--runs", "many"], capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "--runs" in err
    code, _, err = _main_exit(["run", "--frobnicate"], capsys)
    assert code == 2 and err.startswith("error: No such option")


def test_main_exit_codes(in_tmp, capsys, fake_engine):
    fake = Machinery(engine=fake_engine)
    interrupted = Machinery(engine=fake_engine, hooks=Interrupt(before_rename=True))
    assert _main_exit(["--version"], capsys)[0] == 0
    assert _main_exit(["run", str(BASELINE), "--runs", "5", "-q"], capsys, fake)[0] == 0
    assert _main_exit(["run", str(BASELINE), "--runs", "0"], capsys, fake)[0] == 2
    assert _main_exit(["run", str(BASELINE), "--runs", "5"], capsys, interrupted)[0] == 130


# -- the real process --------------------------------------------------------------------------


def _negsim(*args: str, cwd: Path, module: str = "sim",
            env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=env)


def test_python_m_sim_reports_bad_input_without_traceback(tmp_path):
    done = _negsim("run", "istanbul-2025", "--runs", "-5", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "error: Invalid value for '--runs' / '-n': must be at least 1 (got -5)\n"
    done = _negsim("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == f"negsim {sim.__version__}\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not real_engine_available(), reason="needs the real engine in a subprocess")
def test_a_real_process_interrupted_exits_130_and_python_m_sim_resumes(tmp_path):
    """Interrupted after chunk 0 in a real process (negsim's command line with the fault, run
    by ``tests/negsim_with_faults.py``), then resumed by ``python -m sim``."""
    env = os.environ | {"TEST_FAULT": "interrupt-after-chunk:0",
                        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get(
                            "PYTHONPATH", "")]).rstrip(os.pathsep)}
    done = _negsim("run", "istanbul-2025", "--runs", "20", "--chunk-size", "10", cwd=tmp_path,
                   module="negsim_with_faults", env=env)
    assert done.returncode == 130 and "continue with: negsim run --resume" in done.stderr
    (partial,) = (tmp_path / "results" / "istanbul-2025").iterdir()
    done = _negsim("run", "--resume", str(partial.relative_to(tmp_path)), "-q", cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "results" / "istanbul-2025").iterdir()
    assert not partial.exists() and partial.with_suffix("").is_dir()


@pytest.mark.parametrize(("args", "words"), [
    (("--runs", str(10**9 + 1)), "runs must be at most 1,000,000,000"),
    (("--runs", str(10**8), "--chunk-size", "1"), "more than 1,000,000 chunks"),
    (("--workers", "100000"), "workers must be at most"),
])
def test_absurd_sizes_are_refused_before_anything_is_written(in_tmp, args, words):
    result = invoke("run", str(BASELINE), *args)
    assert result.exit_code == 2 and words in result.output
    assert not (in_tmp / "results").exists()
