"""Scenario discovery: in which region of a sweep's parameter space is an output high?

``negsim discover SWEEP_FOLDER --outcome OUTPUT [--threshold X]`` (:func:`run_discover`):

1. **read** a finished sweep folder: its points (the parameter values) and the share of
   OUTPUT at each point (one of the sweep's outputs);
2. **mark** the points *of interest*: share ≥ X, by default the 80th percentile of the shares
   (so about a fifth of the points);
3. **PRIM** (the patient rule induction method, EMA Workbench's implementation) peels the
   parameter space, a sliver at a time, towards a box that holds many points of interest and
   few others. Each step of the *peeling trajectory* trades **coverage** (the share of all
   points of interest that lie in the box) for **density** (the share of the box's points that
   are of interest). From each trajectory one step is kept (:func:`chosen_step`); the points
   in that box are set aside and PRIM looks for another box among the rest;
4. **CART** (a classification tree, scikit-learn's, set up as EMA Workbench sets it up)
   splits the same space into leaves: a second view, every leaf a box with its own coverage
   and density;
5. **write** a results folder (:mod:`sim.results.discovery`).

Each restriction of a PRIM box carries EMA Workbench's *quasi-p-value*: a one-sided binomial
test of whether the box's density could have come about without that restriction. Large
values (above 0.05, say) mark restrictions that the data do not clearly support.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.experiment.optional import ema_workbench

DEFAULT_QUANTILE = 0.8
"""Points of interest by default: the output at or above its 80th percentile (issue 12)."""

PEEL_ALPHA = 0.05
PASTE_ALPHA = 0.05
MASS_MIN = 0.05
"""PRIM's settings, EMA Workbench's defaults: each step peels 5% of the box's points, and no
box holds fewer than 5% of all points. CART's leaves hold at least 5% of the points too."""

MAX_BOXES = 3
"""Judgement: at most three PRIM boxes; a fourth region rarely tells a reader anything."""

MIN_LEFT = 0.1
"""Judgement: look for another box only while the points left hold at least 10% of the
points of interest; below that, a box describes a few stragglers."""

CATEGORY_SEPARATOR = "|"
"""Between the kept categories of a non-numeric parameter in ``boxes.csv`` (``auto|always``)."""

RESTRICTION_COLUMNS = ["parameter", "low", "high", "categories"]


@dataclass(frozen=True)
class Discovery:
    """What PRIM and CART found.

    Attributes:
        output: the output whose high values are looked for.
        threshold: a point is of interest when its share of ``output`` is at least this.
        parameters: the parameter columns analysed (one of each ``same_as`` pair).
        interest: per point, whether it is of interest.
        boxes: ``box, parameter, low, high, categories, coverage, density, mass, quasi_p``:
            one row per restricted parameter of each PRIM box (1, 2, ...).
        peeling: ``box, step, coverage, density, mass, restricted, chosen``: every step of
            each box's peeling and pasting trajectory; ``chosen`` marks the kept step.
        tree: ``leaf, parameter, low, high, categories, coverage, density, mass``: one row per
            restricted parameter of each CART leaf (a leaf restricting nothing has one row
            with an empty parameter).
        rules: the CART tree as indented text (scikit-learn's ``export_text``).
    """

    output: str
    threshold: float
    parameters: list[str]
    interest: np.ndarray
    boxes: pd.DataFrame
    peeling: pd.DataFrame
    tree: pd.DataFrame
    rules: str


def discover(points: pd.DataFrame, parameters: list[str], output: str,
             threshold: float | None = None) -> Discovery:
    """PRIM boxes and a CART tree over ``points`` for high values of ``output``.

    Args:
        points: one row per point: the ``parameters`` columns and ``<output>.share``.
        parameters: the columns that describe a point (twins already dropped).
        threshold: share from which a point is of interest; default: the 80th percentile.

    Raises:
        UserError: no point, or every point, is of interest.
    """
    ema_workbench("negsim discover")
    share = points[f"{output}.share"].to_numpy(dtype=float)
    threshold = float(np.quantile(share, DEFAULT_QUANTILE)) if threshold is None else threshold
    interest = share >= threshold
    _check_split(interest, output, threshold, share)
    x = analysis_table(points, parameters)
    boxes, peeling = prim_boxes(x, interest)
    tree, rules = cart_leaves(x, interest)
    return Discovery(output, threshold, parameters, interest, boxes, peeling, tree, rules)


def _check_split(interest: np.ndarray, output: str, threshold: float, share: np.ndarray) -> None:
    if interest.all() or not interest.any():
        which = "every point" if interest.all() else "no point"
        raise UserError(f"{which} has {output} ≥ {threshold:.4g} (the shares run from "
                        f"{share.min():.4g} to {share.max():.4g}): choose --threshold between "
                        "them, so that some points are of interest and some are not")


def analysis_table(points: pd.DataFrame, parameters: list[str]) -> pd.DataFrame:
    """The parameter columns as PRIM and CART read them: numbers stay numbers (whole numbers
    as integers); text and true/false become categories."""
    columns = {}
    for name in parameters:
        column = points[name]
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            column = column.map(_category_text).astype("category")
        columns[name] = column.reset_index(drop=True)
    return pd.DataFrame(columns)


def _category_text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool | np.bool_) else str(value)


def distinct_parameters(points: pd.DataFrame, parameters: list[str]) -> tuple[list[str], dict]:
    """The parameters without their ``same_as`` twins (a column equal to an earlier one), and
    ``{twin: the parameter kept}``: two copies of one dimension would make PRIM's choice
    between them arbitrary."""
    kept, tied = [], {}
    for name in parameters:
        twin = next((k for k in kept if points[k].equals(points[name])), None)
        if twin is None:
            kept.append(name)
        else:
            tied[name] = twin
    return kept, tied


# -- PRIM ------------------------------------------------------------------------------------


def prim_boxes(x: pd.DataFrame, interest: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Up to :data:`MAX_BOXES` PRIM boxes, each found among the points the earlier ones left."""
    from ema_workbench.analysis import prim

    finder = prim.Prim(x, interest, peel_alpha=PEEL_ALPHA, paste_alpha=PASTE_ALPHA,
                       mass_min=MASS_MIN)
    boxes, steps, taken = [], [], np.zeros(len(interest), dtype=bool)
    for number in range(1, MAX_BOXES + 1):
        if interest[~taken].sum() < MIN_LEFT * interest.sum():
            break
        box = finder.find_box()
        trajectory = box.peeling_trajectory
        step = chosen_step(trajectory["coverage"].to_numpy(), trajectory["density"].to_numpy())
        if trajectory["density"].iloc[step] <= interest[~taken].mean():
            break  # no richer than the points left as a whole: no region stands out
        steps.append(_trajectory_rows(number, trajectory, step))
        box.select(step)
        taken[box.yi] = True
        boxes.append(_box_rows(number, box, step, finder.box_init))
    return (_concat(boxes, ["box", *RESTRICTION_COLUMNS, "coverage", "density", "mass",
                            "quasi_p"]),
            _concat(steps, ["box", "step", "coverage", "density", "mass", "restricted",
                            "chosen"]))


def chosen_step(coverage: np.ndarray, density: np.ndarray) -> int:
    """The step of a peeling trajectory kept as the box: the highest coverage × density.

    Judgement: the product is 1 only for a box that holds every point of interest and
    nothing else; it falls as the box takes in other points (density) or leaves points of
    interest out (coverage), so it picks the step where neither has been given up for the
    other. Ties go to the earliest step (the larger, simpler box).
    """
    return int(np.argmax(np.asarray(coverage) * np.asarray(density)))


def _trajectory_rows(number: int, trajectory: pd.DataFrame, step: int) -> pd.DataFrame:
    return pd.DataFrame({
        "box": number, "step": np.arange(len(trajectory)),
        "coverage": trajectory["coverage"].to_numpy(dtype=float),
        "density": trajectory["density"].to_numpy(dtype=float),
        "mass": trajectory["mass"].to_numpy(dtype=float),
        "restricted": trajectory["res_dim"].to_numpy(dtype=int),
        "chosen": np.arange(len(trajectory)) == step})


def _box_rows(number: int, box, step: int, whole: pd.DataFrame) -> pd.DataFrame:
    stats = box.peeling_trajectory.iloc[step]
    rows = restrictions(box.box_lims[step], whole)
    rows.insert(0, "box", number)
    rows["coverage"], rows["density"] = float(stats["coverage"]), float(stats["density"])
    rows["mass"] = float(stats["mass"])
    rows["quasi_p"] = [_quasi_p(box.p_values[step].get(p)) for p in rows["parameter"]]
    return rows


def _quasi_p(sides: list | None) -> float:
    """EMA gives one value per restricted end of a range (−1 for an end left open) and one
    for a set of categories: the larger, the weaker the evidence for the restriction."""
    given = [float(v) for v in (sides or []) if v is not None and v >= 0]
    return max(given) if given else float("nan")


def restrictions(limits: pd.DataFrame, whole: pd.DataFrame) -> pd.DataFrame:
    """The parameters a box restricts: ``parameter, low, high, categories``.

    ``limits`` and ``whole`` are EMA Workbench's box limits (row 0 the lower limits, row 1 the
    upper; a set of categories in both rows for a non-numeric parameter) of the box and of
    the whole space.
    """
    rows = []
    for name in whole.columns:
        low, high = limits.loc[0, name], limits.loc[1, name]
        if isinstance(low, set):
            if low != whole.loc[0, name]:
                rows.append((name, np.nan, np.nan, CATEGORY_SEPARATOR.join(sorted(low))))
        elif (low, high) != (whole.loc[0, name], whole.loc[1, name]):
            rows.append((name, float(low), float(high), ""))
    return pd.DataFrame(rows, columns=RESTRICTION_COLUMNS)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(
        columns=columns)


# -- CART ------------------------------------------------------------------------------------


def cart_leaves(x: pd.DataFrame, interest: np.ndarray) -> tuple[pd.DataFrame, str]:
    """A classification tree's leaves as boxes (``leaf, parameter, low, high, categories,
    coverage, density, mass``) and the tree as text.

    The tree is scikit-learn's, set up as EMA Workbench's CART wrapper sets it up (each
    non-numeric parameter one 0/1 column per category, leaves of at least :data:`MASS_MIN` of
    the points) but seeded, so that ties between equally good splits are broken the same way
    every time. The leaves' boxes are read off the tree here rather than taken from the
    wrapper, whose boxes (EMA Workbench 3.0.0) lose a split on a category taken to the right
    and let one leaf's discarded categories leak into the next leaf's box.
    """
    from sklearn.tree import DecisionTreeClassifier, export_text

    dummies = pd.get_dummies(x, prefix_sep=DUMMY)
    tree = DecisionTreeClassifier(min_samples_leaf=max(1, int(MASS_MIN * len(x))),
                                  random_state=0).fit(dummies.to_numpy(dtype=float), interest)
    leaf_of = tree.apply(dummies.to_numpy(dtype=float))
    frames = []
    for number, (node, limits) in enumerate(_leaf_limits(tree.tree_, list(dummies.columns), x),
                                            start=1):
        inside = leaf_of == node
        rows = _limit_rows(limits, x)
        rows.insert(0, "leaf", number)
        rows["coverage"] = interest[inside].sum() / interest.sum()
        rows["density"] = interest[inside].mean()
        rows["mass"] = inside.mean()
        frames.append(rows)
    names = [c.replace(DUMMY, " is ") if DUMMY in c else c for c in dummies.columns]
    return pd.concat(frames, ignore_index=True), export_text(tree, feature_names=names,
                                                             show_weights=True)


DUMMY = "!?!"
"""Between a parameter and a category in the tree's 0/1 columns (EMA Workbench's choice)."""


def _leaf_limits(tree, features: list[str], x: pd.DataFrame):
    """``(node, {parameter: (low, high) or set of categories})`` for every leaf, in the
    tree's order: the conditions on the path from the root."""
    stack = [(0, {})]
    while stack:
        node, limits = stack.pop()
        left, right = tree.children_left[node], tree.children_right[node]
        if left == -1:
            yield node, limits
            continue
        feature, cut = features[tree.feature[node]], float(tree.threshold[node])
        stack.append((right, _narrowed(limits, feature, cut, "above", x)))
        stack.append((left, _narrowed(limits, feature, cut, "below", x)))


def _narrowed(limits: dict, feature: str, cut: float, side: str, x: pd.DataFrame) -> dict:
    """``limits`` with one split added: a number at or below (left) or above (right) ``cut``;
    for a category's 0/1 column, left means 'not this category', right 'only this one'."""
    limits = dict(limits)
    if DUMMY in feature:
        name, category = feature.split(DUMMY, 1)
        kept = limits.get(name, set(map(str, x[name].cat.categories)))
        limits[name] = kept - {category} if side == "below" else kept & {category}
        return limits
    low, high = limits.get(feature, (-np.inf, np.inf))
    limits[feature] = (low, min(high, cut)) if side == "below" else (max(low, cut), high)
    return limits


def _limit_rows(limits: dict, x: pd.DataFrame) -> pd.DataFrame:
    """A leaf's conditions as ``parameter, low, high, categories`` rows (numbers clipped to the
    swept range; one empty row when the leaf is the whole space)."""
    rows = []
    for name in x.columns:
        if name not in limits:
            continue
        given = limits[name]
        if isinstance(given, set):
            rows.append((name, np.nan, np.nan, CATEGORY_SEPARATOR.join(sorted(given))))
        else:
            rows.append((name, max(given[0], float(x[name].min())),
                         min(given[1], float(x[name].max())), ""))
    return pd.DataFrame(rows or [("", np.nan, np.nan, "")], columns=RESTRICTION_COLUMNS)


# -- the command -----------------------------------------------------------------------------


def run_discover(sweep_folder: str | Path, output: str, threshold: float | None = None, *,
                 out: str | Path = "results", argv: list[str] | None = None):
    """Discover the regions of a finished sweep where ``output`` is high; write
    ``<out>/discover-<sweep stem>/<stamp>-<hex>/`` and return its
    :class:`~sim.results.discovery.DiscoveryResults`.

    Everything is checked and computed before any folder is created.

    Raises:
        UserError: not a finished sweep folder, an output the sweep did not measure, a
            threshold outside 0–1, EMA Workbench missing.
    """
    from sim.results import discovery as files
    from sim.results.sweep import load_sweep_results

    ema = ema_workbench("negsim discover")
    if threshold is not None and not 0 <= threshold <= 1:
        raise UserError(f"--threshold is a share of runs, from 0 to 1 (got {threshold:g})")
    sweep = load_sweep_results(sweep_folder)
    _check_output(output, sweep.metadata["outputs"], sweep_folder)
    parameters, tied = distinct_parameters(sweep.points, sweep.metadata["parameters"])
    found = discover(sweep.points, parameters, output, threshold)
    settings = {"peel_alpha": PEEL_ALPHA, "paste_alpha": PASTE_ALPHA, "mass_min": MASS_MIN,
                "max_boxes": MAX_BOXES, "min_left": MIN_LEFT,
                "default_quantile": DEFAULT_QUANTILE}
    return files.write_discovery(out, sweep, found, tied, argv=argv, settings=settings,
                                 versions={"ema_workbench": ema.__version__,
                                           "scikit-learn": _sklearn_version()})


def _check_output(output: str, measured: list[str], folder) -> None:
    from sim.scenario.problems import did_you_mean

    if output not in measured:
        hint = did_you_mean(output, measured)
        raise UserError(f"{folder}: the sweep did not measure '{output}'{hint or ';'} its "
                        f"outputs: {', '.join(measured)}")


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__
