"""Running in chunks: the same numbers for every chunk size and worker count; resume.

Every test given the ``engine`` fixture runs with the fake engine (``[fake]``) and, once it
imports, with the real one (``[real]``). Interruptions are placed by the run's hooks
(``tests/faults.py``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal

import fakes
import pandas as pd
import pytest
from fakes import baseline_scenario
from faults import Interrupt

import sim
from sim.errors import UserError
from sim.experiment import run as experiment
from sim.experiment.run import RunInterrupted, plan_chunks, resume_run, run_to_folder, simulate
from sim.results import folder as files

TABLES = ("replicates.parquet", "replicates.csv", "summary.json", "summary.csv", "daily.csv",
          "scenario.yaml")


def _assert_same_numbers(a, b) -> None:
    pd.testing.assert_frame_equal(a.replicates, b.replicates)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.summary, b.summary)


@pytest.fixture(scope="module")
def scenario():
    return baseline_scenario()


# -- planning and validation ---------------------------------------------------------------


def test_chunks_cover_the_global_indices_once():
    tasks = plan_chunks(runs=25, chunk_size=10, first_replicate=100)
    assert [(t.index, t.first_replicate, t.count) for t in tasks] == [
        (0, 100, 10), (1, 110, 10), (2, 120, 5)]


@pytest.mark.parametrize(("settings", "message"), [
    ({"runs": 0}, "runs must be at least 1"),
    ({"runs": -5}, "runs must be at least 1"),
    ({"runs": 2.5}, "runs must be a whole number"),
    ({"runs": True}, "runs must be a whole number"),
    ({"seed": -1}, "seed must be at least 0"),
    ({"seed": 2**63}, "seed must be below 2\\*\\*63"),
    ({"workers": 0}, "workers must be at least 1"),
    ({"chunk_size": 0}, "chunk size must be at least 1"),
    ({"first_replicate": -1}, "first_replicate must be at least 0"),
])
def test_bad_settings_are_user_errors(scenario, tmp_path, settings, message):
    for entry in (simulate, run_to_folder):
        extra = {"out": tmp_path} if entry is run_to_folder else {}
        with pytest.raises(UserError, match=message):
            entry(scenario, **({"runs": 10} | settings | extra))
    assert list(tmp_path.iterdir()) == []


def test_default_chunk_size_keeps_workers_busy():
    assert experiment.check_settings(10_000, 1, workers=2) == 5_000
    assert experiment.check_settings(10**6, 1, workers=2) == experiment.CHUNK_SIZE
    assert experiment.check_settings(10**6, 1, chunk_size=7) == 7


# -- the same numbers whatever the chunking ----------------------------------------------


@pytest.mark.parametrize(("chunk_size", "workers"), [(1, 1), (7, 1), (7, 2)])
def test_chunk_size_and_workers_change_nothing(scenario, engine, chunk_size, workers):
    reference = simulate(scenario, runs=40, seed=3, engine=engine)
    start_method = multiprocessing.get_start_method()  # workers must not change it
    other = simulate(scenario, runs=40, seed=3, chunk_size=chunk_size, workers=workers,
                     engine=engine)
    _assert_same_numbers(reference, other)
    assert multiprocessing.get_start_method() == start_method


def test_a_replicate_is_the_same_alone_and_inside_a_run(scenario, engine):
    whole = simulate(scenario, runs=30, seed=9, engine=engine).replicates
    part = simulate(scenario, runs=10, seed=9, first_replicate=15, engine=engine).replicates
    assert part["replicate"].tolist() == list(range(15, 25))
    pd.testing.assert_frame_equal(part, whole.iloc[15:25].reset_index(drop=True))


def test_seeds_change_the_draws(scenario, fake_engine):
    a = simulate(scenario, runs=50, seed=1, engine=fake_engine).replicates
    b = simulate(scenario, runs=50, seed=2, engine=fake_engine).replicates
    assert not a.equals(b)


def test_results_carry_their_provenance(scenario, fake_engine):
    results = simulate(scenario, runs=12, seed=4, chunk_size=5, engine=fake_engine)
    meta = results.metadata
    assert meta["kind"] == "run" and meta["model"] == sim.MODEL_VERSION
    settings = (meta["seed"], meta["runs"], meta["chunk_size"], meta["first_replicate"])
    assert settings == (4, 12, 5, 0)
    assert meta["scenario"] == {"stem": "istanbul-2025", "source": scenario.source}
    assert results.scenario == scenario.model_dump(mode="json")
    calendar = scenario.calendar
    assert len(results.daily) == calendar.announcement_days + calendar.horizon_days


# -- streamed to a folder --------------------------------------------------------------------


def test_folder_run_equals_in_memory_run(scenario, engine, tmp_path):
    saved = run_to_folder(scenario, runs=45, seed=8, chunk_size=10, out=tmp_path, argv=["x"],
                          engine=engine)
    assert saved.path.parent == tmp_path / "istanbul-2025"
    recorded = [] if engine is fakes.simulate_chunk else ["ranges.csv"]  # the fake has none
    assert sorted(p.name for p in saved.path.iterdir()) == sorted([*files.FILES, "replicates.csv",
                                                                   *recorded])
    assert [p.name for p in saved.path.parent.iterdir()] == [saved.path.name]  # no .partial
    in_memory = simulate(scenario, runs=45, seed=8, engine=engine)
    _assert_same_numbers(in_memory, saved)
    if recorded:
        pd.testing.assert_frame_equal(in_memory.ranges, saved.ranges)
    assert saved.metadata["argv"] == ["x"]


def test_folder_files_do_not_depend_on_chunking(scenario, fake_engine, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "ROW_GROUP_ROWS", 16)  # several row groups, unaligned to chunks
    one = run_to_folder(scenario, runs=50, seed=8, chunk_size=7, out=tmp_path / "a",
                        engine=fake_engine).path
    two = run_to_folder(scenario, runs=50, seed=8, out=tmp_path / "b", engine=fake_engine).path
    for name in TABLES:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


class Recorder:
    """Wraps an engine and records which chunks it was asked for (in this process only)."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []

    def __call__(self, scenario, seed, first_replicate, count):
        self.calls.append(first_replicate)
        return self.inner(scenario, seed, first_replicate, count)


@pytest.mark.parametrize("workers", [1, 2])
def test_resume_after_an_interruption_computes_only_missing_chunks(scenario, engine, tmp_path,
                                                                   workers):
    complete = run_to_folder(scenario, runs=100, seed=6, chunk_size=10, out=tmp_path / "a",
                             engine=engine).path
    with pytest.raises(RunInterrupted) as stopped:
        run_to_folder(scenario, runs=100, seed=6, chunk_size=10, out=tmp_path / "b",
                      workers=workers, engine=engine, hooks=Interrupt(after_chunk=1))
    partial = stopped.value.partial_dir
    assert stopped.value.exit_code == 130 and partial.name.endswith(".partial")
    assert f"continue with: negsim run --resume {partial}" in str(stopped.value)
    kept = files.finished_chunks(partial)
    assert {0, 1} <= kept and kept != set(range(10))  # 2 workers: at most 4 ahead
    recorder = Recorder(engine)
    resumed = resume_run(partial, engine=recorder)
    assert sorted(recorder.calls) == [10 * k for k in range(10) if k not in kept]
    assert not partial.exists() and resumed.path == files.final_path(partial)
    for name in TABLES:
        assert (complete / name).read_bytes() == (resumed.path / name).read_bytes(), name
    assert len(resumed.metadata["resumed"]) == 1


def test_resume_before_rename_computes_nothing(scenario, fake_engine, tmp_path):
    with pytest.raises(RunInterrupted) as stopped:
        run_to_folder(scenario, runs=20, seed=6, chunk_size=10, out=tmp_path,
                      engine=fake_engine, hooks=Interrupt(before_rename=True))
    recorder = Recorder(fake_engine)
    resumed = resume_run(stopped.value.partial_dir, engine=recorder)
    assert recorder.calls == [] and resumed.runs == 20
    assert not (resumed.path / files.CHUNKS).exists()


def test_sigterm_is_a_clean_interruption(scenario, fake_engine, tmp_path):
    def terminated_during_chunk_2(scenario, seed, first_replicate, count):
        if first_replicate == 20:
            os.kill(os.getpid(), signal.SIGTERM)
        return fake_engine(scenario, seed, first_replicate, count)

    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(RunInterrupted) as stopped:
        run_to_folder(scenario, runs=50, seed=6, chunk_size=10, out=tmp_path,
                      engine=terminated_during_chunk_2)
    assert stopped.value.exit_code == 143
    assert signal.getsignal(signal.SIGTERM) is handler
    assert {0, 1} <= files.finished_chunks(stopped.value.partial_dir)


def test_resume_refuses_finished_folders_and_changed_settings(scenario, fake_engine, tmp_path):
    finished = run_to_folder(scenario, runs=20, seed=6, chunk_size=10, out=tmp_path,
                             engine=fake_engine).path
    with pytest.raises(UserError, match="already complete"):
        resume_run(finished)
    with pytest.raises(RunInterrupted) as stopped:
        run_to_folder(scenario, runs=20, seed=6, chunk_size=10, out=tmp_path,
                      engine=fake_engine, hooks=Interrupt(after_chunk=0))
    partial = stopped.value.partial_dir
    other = scenario.model_copy(update={"title": "changed"}).with_source(None, "istanbul-2025")
    for given, message in [({"runs": 30}, "runs is 30"), ({"seed": 7}, "seed is 7"),
                           ({"chunk_size": 5}, "chunk_size is 5"),
                           ({"scenario": other}, "scenario 'istanbul-2025' differs"),
                           ({"workers": 0}, "workers must be at least 1")]:
        with pytest.raises(UserError, match=message):
            resume_run(partial, **given)
    with pytest.raises(UserError, match="not an unfinished run"):
        resume_run(tmp_path)
    assert files.finished_chunks(partial) == {0}


def test_progress_bar_changes_nothing(scenario, fake_engine, capsys):
    quiet = simulate(scenario, runs=30, seed=2, chunk_size=7, engine=fake_engine)
    shown = simulate(scenario, runs=30, seed=2, chunk_size=7, progress=True, engine=fake_engine)
    _assert_same_numbers(quiet, shown)
    assert capsys.readouterr().out == ""  # the bar goes to stderr


def test_resume_with_workers_when_every_chunk_is_done(scenario, fake_engine, tmp_path):
    with pytest.raises(RunInterrupted) as stopped:
        run_to_folder(scenario, runs=30, seed=6, chunk_size=10, out=tmp_path,
                      engine=fake_engine, hooks=Interrupt(before_rename=True))
    assert resume_run(stopped.value.partial_dir, workers=2, engine=fake_engine).runs == 30


def test_resume_refuses_a_partial_folder_of_another_model_version(scenario, fake_engine,
                                                                  tmp_path):
    """Chunks of two versions of the rules must not be mixed: a one-line refusal, and the
    folder is left as it was."""
    with pytest.raises(RunInterrupted) as stopped:
        run_to_folder(scenario, runs=20, seed=6, chunk_size=10, out=tmp_path,
                      engine=fake_engine, hooks=Interrupt(after_chunk=0))
    partial = stopped.value.partial_dir
    metadata = files.read_metadata(partial)
    files.write_metadata(partial, {**metadata, "model": "1"})
    with pytest.raises(UserError, match="started by model version 1, this is version "
                                        f"{sim.MODEL_VERSION}") as refused:
        resume_run(partial, engine=fake_engine)
    assert "\n" not in str(refused.value)
    assert files.finished_chunks(partial) == {0} and partial.exists()
    for kind in ("compare", "sweep"):  # the same check guards every --resume
        other = tmp_path / f"{kind}.partial"
        other.mkdir()
        files.write_metadata(other, {"kind": kind, "model": "1"})
        with pytest.raises(UserError, match="started by model version 1"):
            files.check_partial(other, kind, holds=())
