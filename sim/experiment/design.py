"""Experimental designs: where in parameter space a sweep puts its points.

Every design except the grid first draws points in the unit cube [0, 1)^D, seeded by the sweep's
seed; each parameter (an :class:`Axis`) then maps its coordinate to a value: a range linearly
(``lo + u·(hi − lo)``, whole numbers for whole-number fields), a list of values by cutting
[0, 1) into equal parts. Sobol and Morris samples come from SALib, whose analysis later reads
the same unit coordinates (a linear map changes neither Sobol indices nor the ranking of Morris
effects, which are then per unit of each parameter's range).

The designs are the standard ones of the sensitivity-analysis literature as SALib implements
them: Saltelli's extension of the Sobol sequence, Latin hypercube sampling, Morris's
one-at-a-time trajectories. (The project cites only the works listed in docs/model.md's
References, so these methods are named, not cited.)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Axis:
    """One swept parameter: its dotted path and the values it may take."""

    path: str
    lo: float | None = None
    hi: float | None = None
    values: tuple | None = None
    whole: bool = False
    """Whole numbers only (a field such as ``calendar.sessions``)."""
    steps: int | None = None
    same_as: str | None = None
    """Not a dimension of the design: copies the values of the axis with this path."""

    def at(self, u: np.ndarray) -> np.ndarray:
        """The values at unit coordinates ``u`` (in [0, 1])."""
        if self.values is not None:
            index = np.minimum((u * len(self.values)).astype(np.int64), len(self.values) - 1)
            return np.asarray(self.values, dtype=object)[index] if _is_text(self.values) \
                else np.asarray(self.values)[index]
        if self.whole:
            span = int(self.hi) - int(self.lo) + 1
            return int(self.lo) + np.minimum((u * span).astype(np.int64), span - 1)
        return self.lo + u * (self.hi - self.lo)

    def grid(self) -> list:
        """The values a grid design uses, in order."""
        if self.values is not None:
            return list(self.values)
        points = np.linspace(self.lo, self.hi, self.steps)
        if self.whole:
            return sorted({int(round(x)) for x in points})
        return [float(x) for x in points]


def _is_text(values: tuple) -> bool:
    return any(isinstance(v, str) for v in values)


def problem(axes: list[Axis]) -> dict:
    """SALib's problem definition, on the unit cube (linked axes are not dimensions)."""
    axes = dimensions(axes)
    return {"num_vars": len(axes), "names": [a.path for a in axes],
            "bounds": [[0.0, 1.0]] * len(axes)}


def dimensions(axes: list[Axis]) -> list[Axis]:
    """The axes that are dimensions of the design (not ``same_as`` another)."""
    return [a for a in axes if a.same_as is None]


def point_count(design: str, axes: list[Axis], samples: int | None) -> int:
    """How many points a design has, without drawing them."""
    d = len(dimensions(axes))
    if design == "grid":
        return int(np.prod([len(a.grid()) for a in dimensions(axes)]))
    return {"sobol": samples * (d + 2), "morris": samples * (d + 1)}.get(design, samples)


def unit_sample(design: str, axes: list[Axis], samples: int, seed: int,
                levels: int = 4) -> np.ndarray:
    """Points in [0, 1)^D, shape (points, D), the same for the same arguments.

    random: ``samples`` independent uniform points; lhs: a Latin hypercube of ``samples``
    points (each parameter's range cut into ``samples`` strata, one point in each);
    sobol: Saltelli's scheme via SALib, N = ``samples`` → N·(D+2) points (no second-order
    indices); morris: ``samples`` trajectories of D+1 points on a ``levels``-level grid.
    """
    d = len(dimensions(axes))
    rng = np.random.default_rng(seed)
    if design == "random":
        return rng.random((samples, d))
    if design == "lhs":
        strata = np.argsort(rng.random((samples, d)), axis=0)
        return (strata + rng.random((samples, d))) / samples
    if design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem(axes), samples, calc_second_order=False, seed=seed)
    if design == "morris":
        from SALib.sample import morris

        return morris.sample(problem(axes), samples, num_levels=levels, seed=seed)
    raise ValueError(f"no unit sample for design {design!r}")


def points_table(design: str, axes: list[Axis], samples: int | None, seed: int,
                 levels: int = 4) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The sweep's points (column ``point``, then one column per parameter path) and, for
    designs other than the grid, the unit sample they were mapped from."""
    paths = [a.path for a in axes]
    linked = [a for a in axes if a.same_as is not None]
    axes = dimensions(axes)
    if design == "grid":
        rows = list(itertools.product(*(a.grid() for a in axes)))
        columns = {a.path: [row[i] for row in rows] for i, a in enumerate(axes)}
        unit = None
    else:
        unit = unit_sample(design, axes, samples, seed, levels)
        columns = {a.path: a.at(unit[:, i]) for i, a in enumerate(axes)}
    columns |= {a.path: columns[a.same_as] for a in linked}
    order = [a.path for a in sorted(axes + linked, key=lambda a: paths.index(a.path))]
    table = pd.DataFrame({"point": np.arange(len(columns[order[0]]))}
                         | {path: columns[path] for path in order})
    for a in axes:
        if a.values is not None and _is_text(a.values):
            table[a.path] = table[a.path].astype(str)
    return table, unit
