"""The reliability tally: what the session fuzzed, interrupted and injected, counted by the
tests as they go and printed at the end of the run by ``conftest.py`` (docs/reliability.md
quotes it)."""

import collections

COUNTS: collections.Counter = collections.Counter()
