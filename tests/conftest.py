"""Fixtures shared by the whole test suite. Keep this file small: fixtures used by one test
module belong in that module, helpers in a small module of their own beside this file
(``fakes``, ``faults``, ``dask_cluster``, ``ports``)."""

import sys
from pathlib import Path

import fakes
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

if str(REPO_ROOT) not in sys.path:  # the study scripts in tools/ (not part of the package)
    sys.path.append(str(REPO_ROOT))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder (where pyproject.toml and README.md are)."""
    return REPO_ROOT


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A real Dask scheduler with two single-threaded workers on 127.0.0.1, for one test
    module (:mod:`dask_cluster` says how it is set up): a ``dask_cluster.Cluster``."""
    from dask_cluster import distributed_or_fail, running_cluster

    distributed_or_fail()
    with running_cluster(tmp_path_factory.mktemp("dask-logs")) as cluster:
        yield cluster


@pytest.fixture(params=fakes.ENGINES)
def engine(request):
    """The engine to pass to negsim as ``engine=``: the fake of :mod:`fakes` (id ``fake``)
    and, when it imports, the real model (id ``real``)."""
    if request.param == "fake":
        return fakes.simulate_chunk
    from sim.experiment.run import default_engine

    return default_engine()


@pytest.fixture
def fake_engine():
    """The fake engine only (tests of plumbing that do not need real numbers)."""
    return fakes.simulate_chunk
