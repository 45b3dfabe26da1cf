"""The same numbers, byte for byte, whatever the worker count, the chunk size and Python's hash
seed, in real ``negsim run`` processes. (``tests/experiment/test_simulate.py`` shows it in one process for
the in-memory tables; here it is the files a student gets.)"""

from __future__ import annotations

import pytest
from folders import RESULT_FILES, run_folders, same_bytes
from processes import negsim
from tally import COUNTS

pytestmark = pytest.mark.timeout(180)

SETTINGS = {  # name: (extra arguments, PYTHONHASHSEED)
    "1 worker, chunks of 10, hash seed 0": (["--workers", "1", "--chunk-size", "10"], "0"),
    "2 workers, chunks of 7, hash seed 1": (["--workers", "2", "--chunk-size", "7"], "1"),
    "1 worker, one chunk, random hash seed": (["--workers", "1"], "random"),
}


def test_workers_chunk_size_and_hash_seed_change_no_byte(tmp_path):
    folders = {}
    for name, (extra, hash_seed) in SETTINGS.items():
        cwd = tmp_path / str(len(folders))
        cwd.mkdir()
        done = negsim("run", "three-rivers-talks", "--runs", "45", "--seed", "3", "-q", "--no-plots",
                      *extra,
                      cwd=cwd, env={"PYTHONHASHSEED": hash_seed})
        assert done.returncode == 0, done.stderr
        (folders[name],) = run_folders(cwd / "results")
    COUNTS["determinism settings compared"] += len(folders)
    first, *others = folders.values()
    for name, folder in zip(list(folders)[1:], others, strict=True):
        assert same_bytes(first, folder, (*RESULT_FILES, "replicates.csv", "scenario.yaml")) \
            == [], name
