"""The hooks of a run to a folder are called at the points their docstrings name, in order,
for run, compare and sweep alike (``sim/experiment/hooks.py``). The reliability tests rely on
these points to interrupt or pause a run exactly there."""

from __future__ import annotations

import textwrap

import pytest
from fakes import baseline_scenario

from sim.experiment import compare as comparing
from sim.experiment import sweep as sweeps
from sim.experiment.hooks import RunHooks
from sim.experiment.run import resume_run, run_to_folder
from sim.results import folder as files
from sim.scenario.loader import load_scenario


class Witness(RunHooks):
    """Records every point and what the folder holds there."""

    def __init__(self, out):
        self.out, self.seen = out, []

    def folder(self):
        (folder,) = (p for parent in self.out.iterdir() for p in parent.iterdir())
        return folder

    def folder_name(self) -> str:
        self.seen.append("folder_name")
        return "20250514-120000-beef" if len(self.seen) == 1 else super().folder_name()

    def setting_up(self) -> None:
        folder = self.folder()
        assert folder.name.endswith(".partial") and not (folder / "metadata.json").exists()
        self.seen.append("setting_up")

    def chunk_done(self, index: int) -> None:
        assert index in files.finished_chunks(self.folder())
        self.seen.append(f"chunk {index}")

    def assembling(self) -> None:
        assert self.folder().name.endswith(".partial")
        self.seen.append("assembling")

    def before_rename(self) -> None:
        assert self.folder().name.endswith(".partial")
        self.seen.append("before_rename")

    def after_rename(self) -> None:
        folder = self.folder()
        assert not folder.name.endswith(".partial") and (folder / files.CHUNKS).is_dir()
        self.seen.append("after_rename")


def life(chunks: int) -> list[str]:
    return ["folder_name", "setting_up", *(f"chunk {k}" for k in range(chunks)), "assembling",
            "before_rename", "after_rename"]


def test_a_run_passes_every_point_in_order(tmp_path, fake_engine):
    hooks = Witness(tmp_path)
    saved = run_to_folder(baseline_scenario(), runs=25, seed=1, chunk_size=10, out=tmp_path,
                          engine=fake_engine, hooks=hooks)
    assert hooks.seen == life(3)
    assert saved.path.name == "20250514-120000-beef" and not (saved.path / "chunks").exists()


def test_a_run_of_one_chunk_keeps_it_in_memory(tmp_path, fake_engine):
    class Look(RunHooks):
        def chunk_done(self, index):
            (folder,) = (tmp_path / "istanbul-2025").iterdir()
            self.stored = files.finished_chunks(folder)

    look = Look()
    saved = run_to_folder(baseline_scenario(), runs=30, seed=1, out=tmp_path,
                          engine=fake_engine, hooks=look)
    assert saved.metadata["chunk_size"] == 30 and look.stored == set()
    assert len(saved.replicates) == 30


def test_assembling_comes_after_the_replicate_tables_and_before_the_summary(tmp_path,
                                                                           fake_engine):
    class Look(RunHooks):
        def assembling(self):
            (folder,) = (tmp_path / "istanbul-2025").iterdir()
            self.written = sorted(p.name for p in folder.iterdir() if p.is_file())

    look = Look()
    run_to_folder(baseline_scenario(), runs=20, seed=1, chunk_size=10, out=tmp_path,
                  engine=fake_engine, hooks=look)
    assert look.written == ["metadata.json", "replicates.csv", "replicates.parquet",
                            "scenario.yaml"]


def test_a_taken_name_is_not_reused(tmp_path, fake_engine):
    taken = tmp_path / "istanbul-2025" / "20250514-120000-beef.partial"
    taken.mkdir(parents=True)

    class SameName(RunHooks):
        tries = 0

        def folder_name(self) -> str:
            self.tries += 1
            return taken.name.removesuffix(".partial") if self.tries == 1 else \
                super().folder_name()

    hooks = SameName()
    saved = run_to_folder(baseline_scenario(), runs=5, seed=1, out=tmp_path,
                          engine=fake_engine, hooks=hooks)
    assert hooks.tries == 2 and saved.path.name != "20250514-120000-beef"
    assert list(taken.iterdir()) == []  # the other run's folder is left alone


def test_a_resume_passes_the_missing_chunks_only(tmp_path, fake_engine):
    class StopAfterChunk1(RunHooks):
        def chunk_done(self, index):
            if index == 1:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as stopped:
        run_to_folder(baseline_scenario(), runs=40, seed=1, chunk_size=10, out=tmp_path,
                      engine=fake_engine, hooks=StopAfterChunk1())
    hooks = Witness(tmp_path)
    resume_run(stopped.value.partial_dir, engine=fake_engine, hooks=hooks)
    assert hooks.seen == life(4)[4:]  # no new folder; chunks 2 and 3, then the tables


def test_compare_passes_every_point_in_order(tmp_path, fake_engine):
    hooks = Witness(tmp_path)
    pair = [load_scenario("istanbul-2025"), load_scenario("trump-joins")]
    comparing.compare(pair, runs=30, seed=1, chunk_size=10, out=tmp_path, engine=fake_engine,
                      hooks=hooks)
    assert hooks.seen == life(3)


def test_sweep_passes_every_point_in_order(tmp_path):
    (tmp_path / "s.yaml").write_text(textwrap.dedent("""\
        kind: sweep
        base: istanbul-2025
        design: grid
        parameters:
          trust.ukraine.russia: {values: [0.1, 0.45]}
        runs: 20
        seed: 7
        outputs: [ceasefire_holding]
        """), encoding="utf-8")
    hooks = Witness(tmp_path / "out")
    sweeps.run_sweep(sweeps.load_sweep(tmp_path / "s.yaml"), out=tmp_path / "out",
                     chunk_size=10, hooks=hooks)
    assert hooks.seen == life(4)
