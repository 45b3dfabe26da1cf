"""Every number the docs quote from a run, made by a script and checked by a test.

Run from the repository's root::

    python -m tools.docnumbers            # rewrite the generated places of every page
    python -m tools.docnumbers --check    # write nothing; list the pages out of date
    python -m tools.docnumbers --sobol    # first run the slow Sobol sweep again
    python -m tools.docnumbers --exploring  # first run docs/exploring.md's slow steps again

A page marks each place that quotes a run with ``<!-- generated: NAME -->`` …
``<!-- /generated -->`` (:mod:`~tools.docnumbers.blocks`); the text between the markers is
rewritten, the rest is the author's. One generator per page makes the values:

- :mod:`~tools.docnumbers.readme`: the README's example output of ``negsim run``;
- :mod:`~tools.docnumbers.teaching` and :mod:`~tools.docnumbers.story`: docs/teaching.md,
  the commands students type, the exercises' expected answers and the trace excerpt;
- :mod:`~tools.docnumbers.sensitivity`: the Sobol tables of docs/sensitivity.md and their
  summaries in docs/model.md §10 and docs/experiments.md, from the stored results of the
  sweep (too slow for every test run; ``--sobol`` refreshes them);
- :mod:`~tools.docnumbers.experiments`: docs/experiments.md's paired-interval table;
- :mod:`~tools.docnumbers.changelog`: CHANGELOG.md's before/after shares of every scenario;
- :mod:`~tools.docnumbers.exploring`: docs/exploring.md, the worked chapter (screen, sweep,
  discover, robust), from the stored results of its slow steps (``--exploring`` refreshes
  them) and two quick commands run afresh.

docs/calibration.md is written whole by :mod:`tools.calibration`, which this command also
runs. Generators also state the claims that the pages' own prose makes about their numbers;
a claim that fails stops the command before anything is written, naming the prose to
rewrite. ``tests/tools/test_docnumbers.py`` regenerates everything and checks that the
committed pages are its output.
"""
