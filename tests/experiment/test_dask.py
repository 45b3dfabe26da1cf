"""--dask ADDRESS: the same chunks on a real Dask cluster give the same numbers as locally.

The cluster is ``tests/conftest.py``'s ``dask_cluster``: a real ``dask scheduler`` and two
``dask worker`` processes (one thread each) on free 127.0.0.1 ports, from this virtual
environment (so the workers import this checkout's ``sim``), stopped afterwards. Without the
``distributed`` package the tests are skipped on a developer's machine but FAIL in CI
(``CI=true``).
"""

from __future__ import annotations

import functools
import operator

import pandas as pd
import pytest
from dask_cluster import distributed_or_fail
from ports import free_port
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import UserError
from sim.experiment.run import plan_chunks, simulate
from sim.scenario.loader import load_scenario


@pytest.fixture(scope="module")
def cluster(dask_cluster) -> str:
    """The scheduler's address."""
    return dask_cluster.address


@pytest.fixture
def executor(cluster):
    from sim.experiment.dask_executor import DaskCluster

    return DaskCluster(cluster)


def test_run_on_the_cluster_equals_the_local_run(executor):
    scenario = load_scenario("istanbul-2025")
    local = simulate(scenario, runs=3000, seed=5, chunk_size=700)
    remote = simulate(scenario, runs=3000, seed=5, chunk_size=700, executor=executor)
    pd.testing.assert_frame_equal(local.replicates, remote.replicates)
    pd.testing.assert_frame_equal(local.summary, remote.summary)
    pd.testing.assert_frame_equal(local.daily, remote.daily)


def test_negsim_run_dask_writes_the_same_folder(cluster, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["run", "istanbul-2025", "--runs", "2500", "--chunk-size", "800", "-q"]
    local = runner.invoke(app, [*args, "--out", "local"])
    remote = runner.invoke(app, [*args, "--dask", cluster, "--out", "remote"])
    assert local.exit_code == 0 and remote.exit_code == 0, (local.output, remote.output)
    [a], [b] = (list((tmp_path / side / "istanbul-2025").iterdir())
                for side in ("local", "remote"))
    for name in ("summary.csv", "daily.csv", "ranges.csv", "replicates.parquet", "replicates.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_series_on_the_cluster_equal_the_local_ones_byte_for_byte(cluster, tmp_path,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["run", "istanbul-2025", "--runs", "2000", "--chunk-size", "600", "-q", "--no-plots",
            "--series", "trust,ceasefire,violations"]
    local = runner.invoke(app, [*args, "--out", "local"])
    remote = runner.invoke(app, [*args, "--dask", cluster, "--out", "remote"])
    assert local.exit_code == 0 and remote.exit_code == 0, (local.output, remote.output)
    [a], [b] = (list((tmp_path / side / "istanbul-2025").iterdir())
                for side in ("local", "remote"))
    for name in ("series.parquet", "replicates.parquet", "daily.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert len(pd.read_parquet(b / "series.parquet")) == 2000 * 6 * 93


SWEEP = """\
kind: sweep
base: istanbul-2025
design: sobol
parameters:
  trust.ukraine.russia: {range: [0.05, 0.5]}
  actors.usa.monitoring: {range: [0, 1]}
  actors.usa.attendance.mode: {values: [auto, always]}
samples: 8
runs: 60
seed: 9
outputs: [ceasefire_holding, exchange_only, attended.russia]
"""


def test_sweep_on_the_cluster_equals_the_local_sweep(cluster, tmp_path, monkeypatch):
    (tmp_path / "s.yaml").write_text(SWEEP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    local = runner.invoke(app, ["sweep", "s.yaml", "--workers", "1", "--out", "local",
                                "--chunk-size", "500", "-q"])
    remote = runner.invoke(app, ["sweep", "s.yaml", "--dask", cluster, "--out", "remote",
                                 "--chunk-size", "500", "-q"])
    assert local.exit_code == 0 and remote.exit_code == 0, (local.output, remote.output)
    [a], [b] = (list((tmp_path / side / "s").iterdir()) for side in ("local", "remote"))
    for name in ("points.csv", "indices.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


ROBUST = """\
kind: robust
base: istanbul-2025
levers:
  actors.usa.monitoring: [0.0, 0.8]
  actors.usa.attendance.mode: [auto, always]
uncertainties:
  trust.ukraine.russia: [0.05, 0.5]
samples: 6
runs: 60
seed: 9
objective: {ceasefire_holding: max}
"""


def test_robust_on_the_cluster_equals_the_local_robust(cluster, tmp_path, monkeypatch):
    (tmp_path / "r.yaml").write_text(ROBUST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    local = runner.invoke(app, ["robust", "r.yaml", "--workers", "1", "--out", "local",
                                "--chunk-size", "250", "-q", "--no-plots"])
    remote = runner.invoke(app, ["robust", "r.yaml", "--dask", cluster, "--out", "remote",
                                 "--chunk-size", "250", "-q", "--no-plots"])
    assert local.exit_code == 0 and remote.exit_code == 0, (local.output, remote.output)
    [a], [b] = (list((tmp_path / side / "r").iterdir()) for side in ("local", "remote"))
    for name in ("points.csv", "combinations.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_compare_on_the_cluster_equals_the_local_compare(cluster, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["compare", "istanbul-2025", "trump-joins", "--runs", "2000", "--chunk-size", "600",
            "-q"]
    local = runner.invoke(app, [*args, "--workers", "1", "--out", "local"])
    remote = runner.invoke(app, [*args, "--dask", cluster, "--out", "remote"])
    assert local.exit_code == 0 and remote.exit_code == 0, (local.output, remote.output)
    [a], [b] = (list((tmp_path / side / "compare-istanbul-2025-trump-joins").iterdir())
                for side in ("local", "remote"))
    for name in ("shares.csv", "differences.csv", "daily.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_screen_on_the_cluster_equals_the_local_screen(cluster, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["screen", "istanbul-2025", "--trajectories", "2", "--runs", "50",
            "--chunk-size", "2000", "-q", "--no-plots"]
    local = runner.invoke(app, [*args, "--workers", "1", "--out", "local"])
    remote = runner.invoke(app, [*args, "--dask", cluster, "--out", "remote"])
    assert local.exit_code == 0 and remote.exit_code == 0, (local.output, remote.output)
    [a], [b] = (list((tmp_path / side / "screen-istanbul-2025").iterdir())
                for side in ("local", "remote"))
    for name in ("screen.csv", "points.parquet"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_a_chunk_that_keeps_failing_is_retried_then_named(executor):
    from sim.errors import ChunkFailed

    tasks = plan_chunks(30, 10)
    broken = functools.partial(operator.truediv, 1)  # 1 / task: fails on the worker
    with pytest.raises(ChunkFailed, match=r"chunk 0 \(replicates 0–9\) failed .* after 2 "
                                          r"retries: TypeError"):
        list(executor.map_chunks(broken, tasks))


def test_results_come_back_in_task_order(executor):
    tasks = plan_chunks(50, 5)
    results = list(executor.map_chunks(operator.attrgetter("first_replicate"), tasks))
    assert [task for task, _ in results] == tasks
    assert [value for _, value in results] == list(range(0, 50, 5))


def test_an_unreachable_scheduler_is_a_user_error():
    distributed_or_fail()
    from sim.experiment.dask_executor import DaskCluster

    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(UserError, match="cannot reach the Dask scheduler"):
        list(DaskCluster(address, timeout="2s").map_chunks(len, plan_chunks(2, 1)))
