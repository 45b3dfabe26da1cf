"""The reliability suite's tally: what was fuzzed, interrupted and injected, printed at the end
of the run (docs/reliability.md quotes it)."""

from reliability_support import COUNTS


def pytest_terminal_summary(terminalreporter):
    if not COUNTS:
        return
    terminalreporter.section("reliability tally")
    for name in sorted(COUNTS):
        terminalreporter.write_line(f"{name}: {COUNTS[name]}")
