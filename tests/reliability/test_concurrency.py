"""Two ``negsim run`` processes writing into the same ``--out`` at the same moment.

To make them clash for certain rather than by luck, both processes are given the same first
folder name to try (the ``same-name`` fault, ``tests/faults.py``), so both try to create
``<out>/istanbul-2025/20250514-120000-beef.partial`` while the other is running. Each
must end with its own complete folder whose rows are exactly its own seed's.
"""

from __future__ import annotations

import pytest
from folders import assert_no_false_complete, run_folders
from processes import start
from tally import COUNTS

import sim
from sim.results.results import load_results

pytestmark = pytest.mark.timeout(180)


@pytest.mark.parametrize("fault", ["same-name", None], ids=["forced-clash", "plain"])
def test_two_runs_into_the_same_folder_at_once_both_complete(tmp_path, fault):
    seeds = (1, 2)
    processes = [start("run", "istanbul-2025", "--runs", "40", "--chunk-size", "10",
                       "--seed", str(seed), "--out", "shared", "-q", "--no-plots", cwd=tmp_path,
                       fault=fault)
                 for seed in seeds]
    outputs = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in processes]
    COUNTS["concurrent runs"] += len(processes)
    assert [code for code, _, _ in outputs] == [0, 0], outputs
    folders = run_folders(tmp_path / "shared")
    assert len(folders) == 2 and not any(f.name.endswith(".partial") for f in folders)
    assert_no_false_complete(tmp_path / "shared")
    if fault:
        assert sum(f.name == "20250514-120000-beef" for f in folders) == 1
    scenario = sim.load_scenario("istanbul-2025")
    for folder in folders:
        results = load_results(folder)
        expected = sim.simulate(scenario, runs=40, seed=results.metadata["seed"])
        assert results.replicates.equals(expected.replicates)
    assert sorted(load_results(f).metadata["seed"] for f in folders) == list(seeds)
