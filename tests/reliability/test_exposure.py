"""Results never carry the student's machine: no absolute path of the home folder, the current
folder or the installed package in any results file, except where the student typed one (the
command line in ``metadata.json``'s ``argv``, and the scenario path they gave, in its
``scenario.source``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from folders import run_folders
from processes import TESTS, negsim
from tally import COUNTS

import sim

pytestmark = pytest.mark.timeout(120)


def leaks(folder: Path, secrets: list[str]) -> list[str]:
    """``file: secret`` for every secret found in a results file (metadata without argv and
    the scenario source the user gave)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.name == "metadata.json":
            meta = json.loads(data)
            meta.pop("argv")
            meta["scenario"].pop("source")
            data = json.dumps(meta).encode()
        found += [f"{path.name}: {s}" for s in secrets if s.encode() in data]
    return found


@pytest.mark.parametrize("out", ["relative", "absolute"])
def test_results_files_hold_no_absolute_path_of_the_machine(tmp_path, out):
    home, cwd = tmp_path / "home" / "student", tmp_path / "work"
    home.mkdir(parents=True)
    cwd.mkdir()
    (cwd / "mine.yaml").write_text("extends: istanbul-2025\ntitle: Mine\n")
    target = "results" if out == "relative" else str(tmp_path / "elsewhere")
    scenario = "mine.yaml" if out == "relative" else str(cwd / "mine.yaml")
    done = negsim("run", scenario, "--runs", "30", "--out", target, "-q", cwd=cwd,
                  env={"HOME": str(home)})
    assert done.returncode == 0, done.stderr
    (folder,) = run_folders(cwd / target)
    secrets = [str(home), str(cwd), str(tmp_path), str(TESTS.parent),
               str(Path(sim.__file__).parent), str(Path.home())]
    COUNTS["results folders searched for paths"] += 1
    assert leaks(folder, secrets) == []
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["scenario"]["source"] == scenario  # as typed, relative or absolute
