"""Which assumption matters most? Sobol and Morris indices of a sweep's outputs (via SALib),
with plain-words warnings when the sample is too small for them to mean anything.

- **Sobol** (design ``sobol``): ``S1`` is the share of an output's variance due to one
  parameter alone, ``ST`` the share it has a hand in, interactions included. Confidence
  intervals (``conf``, 95%) come from SALib's bootstrap, seeded by the sweep's seed.
- **Morris** (design ``morris``): ``mu_star`` is the mean absolute change of the output when
  the parameter moves one grid step (per unit of its range): a screening rank; ``sigma`` large
  against ``mu_star`` means interactions or non-linearity; ``mu`` keeps the sign.

The output at a point is a share estimated from ``runs`` replicates, so it carries sampling
noise of variance about ``p(1−p)/runs``; when the outputs vary across the points barely more
than that, the indices describe the noise, and a warning says so.

The estimators are SALib's: first-order and total Sobol indices from Saltelli's design, and
Morris's mean absolute elementary effect (μ*) with its bootstrap interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiment.design import Axis, dimensions, problem

COLUMNS = ["output", "parameter", "index", "value", "conf"]

SOBOL_MIN_N = 64
"""Below this N, Sobol indices are too rough to rank parameters (intervals of ±0.1 or more)."""

MORRIS_MIN_TRAJECTORIES = 10
"""Below this many trajectories, Morris' mu_star rarely separates the parameters."""

NOISE_RATIO = 2.0
"""Warn when an output's variance across points is below this multiple of its sampling noise."""


def indices(design: str, axes: list[Axis], unit: np.ndarray, outputs: dict[str, np.ndarray],
            *, seed: int, levels: int = 4) -> pd.DataFrame:
    """The long table ``output, parameter, index, value, conf`` for each output's values at
    the points (in point order). Outputs that do not vary get no rows (see :func:`warnings`)."""
    rows = []
    for name, y in outputs.items():
        if np.ptp(y) == 0:
            continue
        y = np.asarray(y, dtype=float)
        if design == "sobol":
            from SALib.analyze import sobol

            result = sobol.analyze(problem(axes), y, calc_second_order=False, seed=seed)
            for i, a in enumerate(dimensions(axes)):
                rows.append((name, a.path, "S1", result["S1"][i], result["S1_conf"][i]))
                rows.append((name, a.path, "ST", result["ST"][i], result["ST_conf"][i]))
        elif design == "morris":
            from SALib.analyze import morris

            result = morris.analyze(problem(axes), unit, y, num_levels=levels, seed=seed)
            for i, a in enumerate(dimensions(axes)):
                rows.append((name, a.path, "mu_star", result["mu_star"][i],
                             result["mu_star_conf"][i]))
                rows.append((name, a.path, "mu", result["mu"][i], np.nan))
                rows.append((name, a.path, "sigma", result["sigma"][i], np.nan))
    return pd.DataFrame(rows, columns=COLUMNS).astype({"value": float, "conf": float})


def warnings(design: str, samples: int | None, runs: int, outputs: dict[str, np.ndarray],
             table: pd.DataFrame | None = None, samples_name: str = "samples") -> list[str]:
    """Plain-words warnings about what a sweep's numbers can and cannot say (``samples_name``:
    what the user sets ``samples`` with: the sweep file's ``samples``, screen's
    ``--trajectories``)."""
    notes = []
    if design == "sobol" and samples < SOBOL_MIN_N:
        notes.append(f"Sobol indices from N = {samples} are rough (95% intervals typically "
                     f"±0.1 or wider): use samples ≥ {SOBOL_MIN_N} to rank parameters and "
                     "≥ 512 for values you would quote.")
    if design == "morris" and samples < MORRIS_MIN_TRAJECTORIES:
        notes.append(f"{samples} Morris trajectories rarely separate the parameters: use "
                     f"{samples_name} ≥ {MORRIS_MIN_TRAJECTORIES} (20-50 is common).")
    for name, y in outputs.items():
        notes += _output_notes(name, np.asarray(y, dtype=float), runs,
                               design in ("sobol", "morris"))
    if table is not None and len(table):
        notes += _interval_notes(table)
    return notes


def _output_notes(name: str, y: np.ndarray, runs: int, has_indices: bool) -> list[str]:
    if np.ptp(y) == 0:
        return [f"{name} is {y[0]:.3g} at every point: it does not depend on these "
                "parameters here" + (" (no indices)." if has_indices else ".")]
    noise = float(np.mean(y * (1 - y))) / runs
    if len(y) > 1 and np.var(y, ddof=1) < NOISE_RATIO * noise:
        return [f"{name} varies across the points barely more than the sampling noise of "
                f"{runs} runs per point (variance {np.var(y, ddof=1):.2g} against noise "
                f"{noise:.2g}): the differences between points, and any indices, are mostly "
                "noise; raise runs."]
    return []


def _interval_notes(table: pd.DataFrame) -> list[str]:
    """Outputs whose main index's intervals are, on average, wider than the index."""
    notes = []
    main = table[table["index"].isin(["ST", "mu_star"])]
    for name, rows in main.groupby("output", sort=False):
        value, conf = rows["value"].abs().mean(), rows["conf"].mean()
        if conf > value:
            kind = rows["index"].iloc[0]
            notes.append(f"for {name}, the 95% intervals of {kind} (±{conf:.2g} on average) "
                         f"are wider than the indices themselves ({value:.2g} on average): "
                         "the ranking of the parameters means little; raise samples or runs.")
    return notes
