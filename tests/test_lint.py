"""Lint: ruff, pinned in constraints.txt, with the rule set chosen in pyproject.toml
(``[tool.ruff]``: pycodestyle errors and warnings, pyflakes, import order, bugbear, pyupgrade;
lines up to 110 characters). CI runs only the README's test command, so the lint runs here.

To see and fix the findings yourself: ``.venv/bin/ruff check --fix sim tests tools benchmarks``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECKED = ["sim", "tests", "tools", "benchmarks"]


def ruff(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_ruff_is_the_pinned_version(repo_root):
    pinned = next(line.split("==")[1] for line in
                  (repo_root / "constraints.txt").read_text().splitlines()
                  if line.startswith("ruff=="))
    assert ruff("--version", cwd=repo_root).stdout.split() == ["ruff", pinned]


def test_the_code_passes_ruff(repo_root):
    done = ruff("check", "--no-cache", *CHECKED, cwd=repo_root)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("code, rule", [
    ("import os\n", "F401"),
    ("def f(x):\n    return [y for y in range(3) if zip(x, x)]\n", "B905"),
    ("x = 1\n" + "y = '" + "a" * 120 + "'\n", "E501"),
])
def test_ruff_finds_what_the_rule_set_names(repo_root, tmp_path, code, rule):
    """The check can fail: a file breaking one chosen rule is reported, with the project's
    settings (read from pyproject.toml)."""
    bad = tmp_path / "bad.py"
    bad.write_text(code)
    done = ruff("check", "--no-cache", "--config", str(repo_root / "pyproject.toml"), str(bad),
                cwd=repo_root)
    assert done.returncode == 1 and rule in done.stdout, done.stdout
