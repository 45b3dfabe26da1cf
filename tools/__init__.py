"""Study scripts that maintain the repository, outside the installed package.

Run from the repository's root: ``python -m tools.baselines --update`` (regression baselines
in ``tests/tools/baselines.csv``) and ``python -m tools.calibration`` (``docs/calibration.md``).
The tests import them to check that what is committed is what they produce.
"""
