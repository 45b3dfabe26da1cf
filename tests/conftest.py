"""Fixtures shared by the whole test suite. Keep this file small: fixtures used by one test
module belong in that module."""

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

if str(REPO_ROOT) not in sys.path:  # the study scripts in tools/ (not part of the package)
    sys.path.append(str(REPO_ROOT))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder (where pyproject.toml and README.md are)."""
    return REPO_ROOT
