"""Hostile scenario files: each is refused with a clear message and in bounded memory.

Each case is loaded under ``tracemalloc``: it must be refused (or, for a large but valid file,
loaded) with a Python heap peak under :data:`PEAK_MB` MB (a generous bound; before the loader's
value limit, a 1 MiB file of small values took up to a minute and 400 MB). The tests assert no
wall time (the machine's load decides that): the memory bound catches the work a hostile file
provokes, and each test's ``timeout`` mark only stops a hang, far above what a refusal takes.
``tests/scenario/test_loader.py`` pins the exact wording of the common cases; here the point is
memory, and that nothing is executed, opened or waited for.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from located import assert_located
from processes import environment
from tally import COUNTS

from sim.scenario.loader import MAX_EXTENDS, load_scenario
from sim.scenario.problems import ScenarioError
from sim.scenario.yamlsource import MAX_BYTES, MAX_VALUES

PEAK_MB = 64
HEAD = "extends: istanbul-2025\ntitle: hostile\n"


def _laughs(levels: int = 9) -> str:
    lines = [HEAD + 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _filled(line: str) -> str:
    """Lines like `line` (formatted with a counter) up to just under MAX_BYTES."""
    text, out, i = "title: x\n", [], 0
    size = len(text)
    while size < MAX_BYTES - 200:
        out.append(line.format(i=i))
        size += len(out[-1])
        i += 1
    return text + "".join(out)


CASES = {
    # name: (file content, words the message must contain)
    "billion laughs": (_laughs(), "expand to too many values"),
    "many aliases": (HEAD + "a: &a 1\nb: [" + ", ".join(["*a"] * 150) + "]\n",
                     "more than 100 aliases"),
    "alias to itself": (HEAD + "description: &a [*a, *a]\n", "nested deeper than 50 levels"),
    "deep flow nesting": (HEAD + "description: " + "[" * 100_000 + "]" * 100_000 + "\n",
                          "nested deeper than 50 levels"),
    "deep block nesting": (HEAD + "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60
                           + "x: 1\n", "nested deeper than 50 levels"),
    "deep key nesting": (HEAD + "? " + "{a: " * 80 + "1" + "}" * 80 + "\n: 1\n",
                         "nested deeper than 50 levels"),
    "over 1 MiB": ("title: x\n" + "# padding\n" * (MAX_BYTES // 5), "larger than 1 MiB"),
    "1 MiB of keys": (_filled("k{i}: {i}\n"), f"more than {MAX_VALUES:,} values"),
    "1 MiB flow list": ("title: x\ndescription: [" + "1," * (MAX_BYTES // 2 - 100) + "1]\n",
                        f"more than {MAX_VALUES:,} values"),
    "1 MiB of list items": (_filled("- {i}\n").replace("title: x\n", "description:\n"),
                            f"more than {MAX_VALUES:,} values"),
    "a huge key": (HEAD + "? " + "k" * 300_000 + "\n: 1\n", "a key of 300,000 characters"),
    "a 5000-digit number": (HEAD + "calendar: {horizon_days: " + "9" * 5000 + "}\n",
                            "has 5000 digits; a scenario needs at most 30"),
    "latin-1 bytes": ((HEAD + "description: Türkiye\n").encode("latin-1"),
                      "not UTF-8 text (byte 0xfc here)"),
    "utf-16": ((HEAD + "description: x\n").encode("utf-16"), "not UTF-8 text (byte 0xff"),
    "NUL bytes": (HEAD.encode() + b"description: a\x00b\n", "control character U+0000"),
    "python object tag": (HEAD + "description: !!python/object/apply:os.system "
                          "['touch {marker}']\n", "tag '!!python/object/apply:os.system'"),
    "python name tag": (HEAD + "description: !!python/name:os.system ''\n",
                        "tag '!!python/name:os.system' is not supported"),
    "python new tag": (HEAD + "description: !!python/object/new:os.system ['touch {marker}']\n",
                       "is not supported"),
    "custom tag on a mapping": (HEAD + "talks: !mine {proposal_sd: 0.1}\n",
                                "tag '!mine' is not supported"),
    "binary tag": (HEAD + "description: !!binary aGVsbG8=\n", "tag '!!binary' is not supported"),
    "set tag": (HEAD + "description: !!set {a, b}\n", "tag '!!set' is not supported"),
    "not-a-number": (HEAD + "talks: {proposal_sd: .nan}\n", "not-a-number is not allowed"),
    "infinity": (HEAD + "talks: {proposal_sd: -.inf}\n", "infinity is not allowed"),
    "1e999": (HEAD + "talks: {proposal_sd: 1e999}\n", "1e999 is too large to be a number"),
    "horizon 1e9": (HEAD + "calendar: {horizon_days: 1e9}\n", "must be a whole number"),
    "horizon 10**9": (HEAD + "calendar: {horizon_days: 1000000000}\n", "must be at most 3650"),
    "a broken \\u escape": (HEAD + 'description: "\\ud800"\n', "broken \\u escape"),
    "an escape sequence in a key": (HEAD + '"\\e[2Jtrust": 1\n', "holds a control character"),
}


def check_refused(path: Path, words: str) -> ScenarioError:
    tracemalloc.start()
    try:
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
    finally:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    COUNTS["hostile files refused"] += 1
    assert words in str(caught.value), str(caught.value)[:2000]
    assert_located(caught.value)
    assert peak < PEAK_MB, f"peak {peak:.0f} MB"
    return caught.value


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", CASES)
def test_hostile_file_is_refused_fast_in_bounded_memory(tmp_path, name):
    content, words = CASES[name]
    marker = tmp_path / "executed"
    path = tmp_path / "hostile.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content.replace("{marker}", str(marker)), encoding="utf-8")
    check_refused(path, words)
    assert not marker.exists(), "a tag executed code"


@pytest.mark.timeout(60)
def test_a_sparse_file_of_50_mb_is_not_read(tmp_path):
    path = tmp_path / "sparse.yaml"
    with open(path, "wb") as f:
        f.truncate(50 * 2**20)
    check_refused(path, "larger than 1 MiB")


@pytest.mark.timeout(60)
def test_a_large_valid_file_loads_fast_in_bounded_memory(tmp_path):
    """A 900 kB description is odd but valid: it loads, in bounded memory."""
    path = tmp_path / "long.yaml"
    path.write_text(HEAD + "description: >\n" + ("  " + "word " * 15 + "\n") * 11_000)
    tracemalloc.start()
    scenario = load_scenario(path)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert len(scenario.description) > 800_000
    assert peak < PEAK_MB, f"peak {peak:.0f} MB"


# -- extends: cycles, self-reference, missing and unreadable targets ----------------------------


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("extends", ["me", "me.yaml", "./me.yaml", "../{folder}/me"])
def test_a_file_that_extends_itself_by_any_name_is_a_cycle(tmp_path, extends):
    path = write(tmp_path, "me.yaml", f"extends: {extends.format(folder=tmp_path.name)}\n")
    check_refused(path, "makes a cycle")


def test_a_three_file_cycle_names_every_file(tmp_path):
    for a, b in [("a", "b"), ("b", "c"), ("c", "a")]:
        write(tmp_path, f"{a}.yaml", f"extends: {b}\ntitle: {a}\n")
    error = check_refused(tmp_path / "a.yaml", "makes a cycle")
    assert all(f"{n}.yaml" in str(error) for n in "abc")


def test_a_symlink_back_to_the_file_is_a_cycle(tmp_path):
    write(tmp_path, "a.yaml", "extends: b\ntitle: a\n")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    check_refused(tmp_path / "a.yaml", "makes a cycle")


def test_a_long_chain_of_extends_is_refused(tmp_path):
    write(tmp_path, "s0.yaml", "extends: istanbul-2025\n")
    for i in range(1, MAX_EXTENDS + 5):
        write(tmp_path, f"s{i}.yaml", f"extends: s{i - 1}\n")
    check_refused(tmp_path / f"s{MAX_EXTENDS + 4}.yaml", "extend one another")


def _unreadable(tmp_path: Path) -> tuple[Path, str]:
    """A file this process cannot read: chmod 000, or (as root, whom chmod does not stop) a
    folder where the file is expected."""
    target = tmp_path / "secret.yaml"
    if os.geteuid() != 0:
        write(tmp_path, "secret.yaml", "title: x\n").chmod(0)
        return target, "cannot read the file: Permission denied"
    target.mkdir()
    return target, "is a folder"


@pytest.mark.parametrize("kind", ["missing", "folder", "dangling symlink", "fifo", "device",
                                  "unreadable", "name too long", "NUL in name"])
def test_a_missing_or_unreadable_extends_target_is_named(tmp_path, kind):
    name = {"missing": "nowhere", "folder": "sub", "dangling symlink": "dangling",
            "fifo": "pipe", "device": "/dev/zero", "unreadable": "secret",
            "name too long": "x" * 5000, "NUL in name": '"a\\0b"'}[kind]
    (tmp_path / "sub.yaml").mkdir()
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "gone.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")  # reading it would block forever
    if kind == "unreadable":
        target, _ = _unreadable(tmp_path)
        name = target.stem
    path = write(tmp_path, "child.yaml", f"extends: {name}\ntitle: x\n")
    error = check_refused(path, "extends: cannot find")
    assert str(error).startswith("child.yaml:1:1  ") or "child.yaml:1:1" in str(error)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "unreadable", "name too long"])
def test_a_scenario_argument_that_is_not_a_readable_file_is_refused(tmp_path, kind):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "sub.yaml").mkdir()
    target, words = {"folder": (tmp_path / "sub.yaml", "is a folder"),
                     "fifo": (tmp_path / "pipe.yaml", "cannot find"),
                     "device": (Path("/dev/zero"), "cannot find"),
                     "unreadable": _unreadable(tmp_path),
                     "name too long": (tmp_path / ("x" * 5000), "cannot find")}[kind]
    with pytest.raises(ScenarioError, match=words.replace("(", r"\(")):
        load_scenario(target)
    COUNTS["hostile files refused"] += 1


# -- absurd sizes on the command line ----------------------------------------------------------


def _negsim(tmp_path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``negsim ARGS`` with its address space capped at 2 GB (a runaway must not hurt the
    machine the tests share)."""
    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=tmp_path, text=True,
                          capture_output=True, timeout=timeout, env=environment(),
                          preexec_fn=cap_memory)


@pytest.mark.timeout(120)
def test_absurd_command_line_sizes_are_refused_at_once(tmp_path):
    cases = [
        (["run", "istanbul-2025", "--runs", "1e15"], "--runs"),
        (["run", "istanbul-2025", "--runs", "0"], "'--runs' / '-n': must be at least 1"),
        (["run", "istanbul-2025", "--seed", str(2**63)], "'--seed': must be between 0 and 2**63"),
        (["run", "istanbul-2025", "--chunk-size", "-1"], "'--chunk-size': must be at least 1"),
        (["run", "istanbul-2025", "--workers", "0"], "'--workers' / '-w': must be at least 1"),
        (["run", "istanbul-2025", "--set", "calendar.horizon_days=1e9"], "must be a whole number"),
        (["run", "x" * 5000], "cannot be used (File name too long)"),
    ]
    for args, words in cases:
        done = _negsim(tmp_path, *args)
        COUNTS["absurd command lines refused"] += 1
        assert done.returncode == 2, (args[:4], done.stderr[-2000:])
        assert words in done.stderr and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert not (tmp_path / "results").exists()


@pytest.mark.timeout(60)
def test_a_quadrillion_runs_is_refused_at_once(tmp_path):
    # Computing 10**15 histories would take years: a refusal is the only way to answer within
    # the 60 s that only guard against a hang (no wall time is asserted).
    try:
        done = _negsim(tmp_path, "run", "istanbul-2025", "--runs", str(10**15), "-q")
    except subprocess.TimeoutExpired:
        pytest.fail("negsim run --runs 10**15 did not answer (it may be computing)")
    assert done.returncode == 2 and "runs" in done.stderr
    assert not (tmp_path / "results").exists()
