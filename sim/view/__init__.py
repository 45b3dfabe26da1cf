"""The browser view: a Solara page over an ensemble, for the classroom (``negsim view``).

:mod:`sim.view.page` is the page (it imports Solara and matplotlib); :mod:`sim.view.server`
starts Solara's server on it. Both need the ``view`` extra (``pip install -e '.[view]'``).
"""
