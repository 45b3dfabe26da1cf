"""What a refused scenario must look like: every problem one ``file:line:col  path: message``
line, free of control characters; and the check that an input either loads (and simulates)
or is refused so."""

from __future__ import annotations

import re
from pathlib import Path

from tally import COUNTS

PROBLEM_LINE = re.compile(r"^(?P<file>\S.*?):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*)  (?P<what>.*\S)$")
"""``file:line:col  field.path: message``; the path is absent for a whole-file problem, and
may hold any key the student wrote (``actors.leader name: unknown key 'leader name'``)."""

UNPRINTABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
"""What must never reach a terminal inside a message: control characters (a tab aside), line
separators and lone surrogates."""


def check_loads_or_explains(path: Path) -> str:
    """Load the scenario at ``path``: it either loads and a tiny run works, or it raises a
    ScenarioError whose every line is ``file:line:col  path: message``. Returns which."""
    from sim.model import simulate_chunk
    from sim.scenario.loader import load_scenario
    from sim.scenario.problems import ScenarioError

    COUNTS["inputs fuzzed"] += 1
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        assert_located(error)
        COUNTS["inputs rejected with a located message"] += 1
        return "rejected"
    chunk = simulate_chunk(scenario, 1, 0, 20)
    assert len(chunk.replicates) == 20
    assert chunk.replicates["replicate"].tolist() == list(range(20))
    COUNTS["inputs loaded and simulated"] += 1
    return "loaded"


def assert_located(error) -> None:
    """Every problem is one line, free of control characters, that names a file, line,
    column and message."""
    lines = str(error).splitlines()
    assert lines, "a ScenarioError without a message"
    assert len(lines) == len(error.problems), lines
    for line in lines:
        assert PROBLEM_LINE.match(line), f"badly shaped problem line: {line!r}"
        assert not UNPRINTABLE.search(line), f"control character in: {line!r}"
    for problem in error.problems:
        assert problem.file and problem.line and problem.col, problem
        assert problem.message.strip() == problem.message and problem.message, problem
