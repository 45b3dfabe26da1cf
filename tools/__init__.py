"""Study scripts that maintain the repository, outside the installed package.

Run from the repository's root: ``python -m tools.baselines --update`` (regression baselines
in ``tests/tools/baselines.csv``), ``python -m tools.calibration`` (``docs/calibration.md``)
and ``python -m tools.docnumbers`` (every other number the docs quote from a run, and the
calibration page too).
The tests import them to check that what is committed is what they produce.
"""
