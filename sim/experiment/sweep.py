"""Parameter sweeps: the outcome shares at many points of parameter space, in few ensembles.

``negsim sweep SWEEP.yaml`` (:func:`run_sweep`):

1. **read** the sweep file (:mod:`sim.experiment.sweepfile`) and its base scenario; check each
   parameter like ``--set`` at its extreme values, refuse one that adds or removes an actor or
   issue, and check the outputs (:func:`load_sweep`);
2. **design** the points (:mod:`sim.experiment.design`);
3. **group** them: a parameter that the engine reads per replicate (``numeric_paths`` of
   :class:`~sim.model.NegotiationModel`) varies inside one ensemble, each replicate carrying
   its point's value (docs/model.md §1.3); any other parameter (``calendar.sessions``, an
   attendance mode, ...) is *structural*: the points sharing its values form a group,
   simulated with its own scenario;
4. **simulate** each group's slots ``point × replicate`` in chunks (many points per chunk);
   point p uses replicate indices 0 … runs−1 with the sweep's seed, so it equals
   ``negsim run BASE --set ... --runs RUNS --seed SEED`` exactly, and all points share their
   draws (common random numbers). Workers return per-point counts only; chunks are stored in
   the ``.partial`` folder as they arrive (``--resume``);
5. **tabulate**: ``points.parquet``/``.csv`` with each output's share and Wilson interval;
   for sobol and morris, ``indices.csv`` (:mod:`sim.experiment.sensitivity`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.experiment import run as runs_
from sim.experiment.design import Axis, dimensions, point_count, points_table
from sim.experiment.executor import Executor
from sim.experiment.hooks import NO_HOOKS, RunHooks
from sim.experiment.sweepfile import SweepFile, read_sweep_file
from sim.scenario.loader import file_stem, find_experiment_file, shown_path
from sim.scenario.problems import Problem, ScenarioError

OVERRIDE_LABEL = "sweep"


@dataclass(frozen=True)
class Sweep:
    """A sweep file read and checked against its base scenario.

    Attributes:
        spec: the file's settings.
        stem: the file's stem: the sweep's name in results folders.
        source: the file as the user gave it.
        text: the file's text (copied into the results folder).
        base: the base scenario, read but not validated (overrides are applied to it).
        axes: the parameters, in file order.
        per_replicate: the paths that vary inside an ensemble; the others are structural.
    """

    spec: SweepFile
    stem: str
    source: str
    text: str
    base: object
    axes: tuple[Axis, ...]
    per_replicate: frozenset[str]
    tree: object = field(repr=False, default=None)

    @property
    def replicates(self) -> int:
        """Points × runs: the size of the job."""
        s = self.spec
        return point_count(s.design, list(self.axes), s.samples) * s.runs

    @property
    def structural(self) -> list[str]:
        return [a.path for a in self.axes if a.path not in self.per_replicate]


def load_sweep(path: str | os.PathLike) -> Sweep:
    """Read the sweep file at ``path`` and check it against its base scenario.

    Raises:
        ScenarioError: every problem, ``file:line:col  field: message``.
    """
    path = resolve_sweep(path)
    spec, tree = read_sweep_file(path, shown_path(path))
    base = read_base(spec.base, path, tree)
    return _checked(spec, tree, path.read_text(encoding="utf-8"), str(path),
                    file_stem(path), base)


def resolve_sweep(path_or_name: str | os.PathLike) -> Path:
    """A sweep file given as a path, or as the name of one in ``scenarios/sweeps/`` of the
    current folder or shipped with negsim (:func:`sim.scenario.loader.find_experiment_file`)."""
    return find_experiment_file(path_or_name, "sweep")


def read_base(name: str, sweep_path: Path, tree):
    """The base scenario: a path relative to the sweep (or robust) file, else a name or a path
    as ``negsim run`` takes it; a scenario that cannot be found is reported at ``base:``."""
    from sim.scenario.loader import load_scenario_dict

    here = sweep_path.parent
    candidates = [here / name, here / f"{name}.yaml"]
    given = next((c for c in candidates if c.is_file()), name)
    try:
        return load_scenario_dict(given)
    except ScenarioError as err:
        if any(p.line is not None for p in err.problems):  # a problem inside that file
            raise
        raise ScenarioError([Problem.at(tree.origin(("base",)), "base", p.message)
                             for p in err.problems]) from None


def _checked(spec: SweepFile, tree, text: str, source: str, stem: str, base) -> Sweep:
    scenario = base.validate()
    resolved = scenario.model_dump(mode="json")
    problems = _output_problems(spec, scenario, tree)
    axes = []
    for path, p in spec.parameters.items():
        given = spec.parameters[p.same_as] if p.same_as else p
        current = _get(resolved, path)
        whole = isinstance(current, int) and not isinstance(current, bool)
        axis = Axis(path, *(given.range or (None, None)),
                    values=tuple(given.values) if given.values is not None else None,
                    whole=whole and given.range is not None, steps=given.steps,
                    same_as=p.same_as)
        problems += axis_problems(axis, base, tree.origin(("parameters", path)),
                                  f"parameters.{path}")
        axes.append(axis)
    problems += _link_problems(axes, tree)
    if problems:
        raise ScenarioError(problems)
    return Sweep(spec, stem, source, text, base, tuple(axes),
                 per_replicate_paths(axes, scenario), tree)


def per_replicate_paths(axes: list[Axis], scenario) -> frozenset[str]:
    """The axes that vary inside one ensemble: numeric fields the engine reads per replicate
    (``numeric_paths`` of :class:`~sim.model.NegotiationModel`), given as decimals. The others
    are structural: each combination of their values is simulated with its own scenario."""
    from sim.model import NegotiationModel

    resolved = scenario.model_dump(mode="json")
    numeric = NegotiationModel(scenario, replicates=1).numeric_paths
    return frozenset(
        a.path for a in axes
        if a.path in numeric and _is_number(_get(resolved, a.path)) and not a.whole
        and (a.values is None or all(_is_number(v) for v in a.values)))


def _link_problems(axes: list[Axis], tree) -> list[Problem]:
    """A ``same_as`` pair must take its values the same way (both whole numbers or not)."""
    by_path = {a.path: a for a in axes}
    return [Problem.at(tree.origin(("parameters", a.path, "same_as")),
                       f"parameters.{a.path}.same_as",
                       f"{a.path} and {a.same_as} take different kinds of values (whole numbers "
                       "against decimals): give it its own range")
            for a in axes if a.same_as and a.whole != by_path[a.same_as].whole]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _get(data: dict, path: str) -> object:
    node: object = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _output_problems(spec: SweepFile, scenario, tree) -> list[Problem]:
    known = output_names(scenario)
    from sim.scenario.problems import did_you_mean

    return [Problem.at(tree.origin(("outputs", i)), f"outputs.{i}",
                       f"unknown output '{name}'{did_you_mean(name, known) or ';'} known: "
                       f"{', '.join(known)}")
            for i, name in enumerate(spec.outputs) if name not in known]


def output_names(scenario) -> list[str]:
    """What a sweep can measure: the outcomes, ``leaders_met``, ``attended.<actor>`` and
    ``agreed.<issue>`` (the summary's metrics, one name each)."""
    from sim.model.outcomes import OUTCOMES

    return [*OUTCOMES, "leaders_met", *(f"attended.{a}" for a in sorted(scenario.actors)),
            *(f"agreed.{k}" for k in sorted(scenario.issues))]


def axis_problems(axis: Axis, base, where, field: str) -> list[Problem]:
    """Check ``path=value`` like ``--set`` at the axis' extreme values (bounds are intervals,
    so the extremes stand for the values between), and that no actor or issue appears or
    disappears; problems are reported at ``where`` (an origin in the file) as ``field``."""
    extremes = axis.values if axis.values is not None else (
        (int(axis.lo), int(axis.hi)) if axis.whole else (axis.lo, axis.hi))
    for value in dict.fromkeys(extremes):
        changed = base.with_overrides([_override(axis.path, value)], label=OVERRIDE_LABEL)
        cast = _cast_change(base.data, changed.data)
        if cast:
            return [Problem.at(where, field,
                               f"changes the set of actors or issues ({cast}); a sweep varies "
                               "the parameters of one cast. To compare different casts, write "
                               "a scenario file for each and run: negsim compare A B")]
        try:
            changed.validate()
        except ScenarioError as err:
            return [Problem.at(where, field, f"{_json(value)} is not allowed: {_reason(p)}")
                    for p in err.problems]
    return []


def _reason(problem: Problem) -> str:
    return f"{problem.path}: {problem.message}" if problem.path else problem.message


def _cast_change(before: dict, after: dict) -> str:
    for block in ("actors", "issues"):
        old, new = set(before.get(block) or {}), set(after.get(block) or {})
        if old != new:
            changes = [f"+{k}" for k in sorted(new - old)] + [f"-{k}" for k in sorted(old - new)]
            return f"{block}: {', '.join(changes)}"
    return ""


def _json(value: object) -> str:
    return json.dumps(value.item() if isinstance(value, np.generic) else value,
                      ensure_ascii=False)


def _override(path: str, value: object) -> str:
    return f"{path}={_json(value)}"


# -- the plan: points, groups, chunks --------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Points sharing their structural values, simulated with one scenario."""

    scenario: object
    points: np.ndarray
    values: dict[str, np.ndarray]
    """The per-replicate parameters' values at ``points``."""


@dataclass(frozen=True)
class SweepTask:
    """Chunk ``index``: slots ``first_slot … first_slot + count − 1`` of one group, slot s being
    replicate ``s % runs`` of the group's point ``s // runs``."""

    index: int
    count: int
    first_slot: int
    scenario: object = field(repr=False)
    points: np.ndarray = field(repr=False)
    values: dict = field(repr=False)


def design(sweep: Sweep) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The sweep's points and, for designs other than the grid, their unit sample."""
    s = sweep.spec
    return points_table(s.design, list(sweep.axes), s.samples, s.seed, s.levels)


def groups(sweep: Sweep, points: pd.DataFrame) -> list[Group]:
    """The points grouped by their structural values, each group with its scenario.

    Raises:
        ScenarioError: a combination of structural values that the scenario refuses.
    """
    where = sweep.tree.origin(("parameters",)) if sweep.tree is not None else None
    return group_points(points, sweep.base, sweep.structural, sweep.per_replicate,
                        where, "parameters")


def group_points(points: pd.DataFrame, base, structural: list[str], per_replicate,
                 where, field: str) -> list[Group]:
    """The points grouped by their ``structural`` values, each group with its scenario (the
    ``base`` with those values) and its points' ``per_replicate`` values; a combination the
    scenario refuses is reported at ``where`` as ``field``."""
    from sim.model import NegotiationModel

    keys = (points[structural].itertuples(index=False, name=None) if structural
            else [()] * len(points))
    members: dict[tuple, list[int]] = {}
    for point, key in zip(points["point"], keys, strict=True):
        members.setdefault(key, []).append(int(point))
    out = []
    for key, ids in members.items():
        overrides = [_override(p, v) for p, v in zip(structural, key, strict=True)]
        scenario = _group_scenario(base, overrides, where, field)
        varying = sorted(per_replicate)
        if missing := set(varying) - NegotiationModel(scenario, replicates=1).numeric_paths:
            raise UserError(f"cannot vary {', '.join(sorted(missing))} per replicate when "
                            f"{', '.join(overrides)}: the model does not read it there")
        rows = points.set_index("point").loc[ids]
        out.append(Group(scenario, np.asarray(ids, dtype=np.int64),
                         {p: rows[p].to_numpy(dtype=float) for p in varying}))
    return out


def _group_scenario(base, overrides: list[str], where, field: str):
    try:
        scenario = base.with_overrides(overrides, label=OVERRIDE_LABEL).validate()
    except ScenarioError as err:
        raise ScenarioError([Problem.at(where, field, f"the combination "
                                        f"{', '.join(overrides)} is not allowed: {_reason(p)}")
                             for p in err.problems]) from None
    return scenario.with_source(base.source, base.stem)


def plan_tasks(group_list: list[Group], runs: int, chunk_size: int) -> list[SweepTask]:
    """Cut every group's ``points × runs`` slots into chunks of at most ``chunk_size``."""
    tasks = []
    for group in group_list:
        slots = len(group.points) * runs
        for start in range(0, slots, chunk_size):
            stop = min(start + chunk_size, slots)
            first, last = start // runs, (stop - 1) // runs + 1
            tasks.append(SweepTask(len(tasks), stop - start, start, group.scenario,
                                   group.points[first:last],
                                   {p: v[first:last] for p, v in group.values.items()}))
    return tasks


def simulate_task(engine: Callable, seed: int, runs: int, task: SweepTask) -> pd.DataFrame:
    """Simulate one chunk of a sweep; return per point its replicates and the hits of every
    output (see :func:`output_names`), never the replicate rows."""
    from sim.results.summary import indicators

    slots = np.arange(task.first_slot, task.first_slot + task.count, dtype=np.int64)
    local = slots // runs - task.first_slot // runs
    varying = {p: v[local] for p, v in task.values.items()}
    chunk = engine(task.scenario, seed, 0, task.count, varying=varying,
                   replicate_ids=slots % runs)
    n = len(task.points)
    table = {"point": task.points, "runs": np.bincount(local, minlength=n)}
    for (metric, category), hit in indicators(chunk.replicates).items():
        name = _output_name(metric, category)
        table[name] = np.bincount(local, weights=hit, minlength=n).astype(np.int64)
    return pd.DataFrame(table)


def _output_name(metric: str, category: str) -> str:
    return category if metric == "outcome" else metric if metric == "leaders_met" \
        else f"{metric}.{category}"


# -- running -------------------------------------------------------------------------------


def run_sweep(sweep: Sweep, *, out: str | Path = "results", workers: int = 1,
              executor: Executor | None = None, chunk_size: int | None = None,
              progress: bool = False, argv: list[str] | None = None,
              engine: runs_.Engine | None = None, hooks: RunHooks = NO_HOOKS):
    """Run ``sweep``, streaming to ``<out>/<sweep stem>/<stamp>-<hex>/``; return its
    :class:`~sim.results.sweep.SweepResults`.

    Every point and group is checked before any folder is created. The options are those of
    :func:`~sim.experiment.run.run_to_folder`.

    Example:
        >>> run_sweep(load_sweep("scenarios/sweeps/trust-vs-monitoring.yaml"))  # doctest: +SKIP
    """
    from sim.results import folder as files
    from sim.results import sweep as tables
    from sim.results.metadata import experiment_metadata

    spec = sweep.spec
    points, unit = design(sweep)
    group_list = groups(sweep, points)
    chunk_size = runs_.check_settings(len(points) * spec.runs, spec.seed, workers=workers,
                                      chunk_size=chunk_size)
    metadata = experiment_metadata(
        "sweep", argv=argv, sweep={"stem": sweep.stem, "source": sweep.source},
        scenario={"stem": sweep.base.stem, "source": sweep.base.source},
        design=spec.design, parameters=[a.path for a in sweep.axes],
        per_replicate=[a.path for a in sweep.axes if a.path in sweep.per_replicate],
        points=len(points), groups=len(group_list), samples=spec.samples, runs=spec.runs,
        seed=spec.seed, outputs=list(spec.outputs), chunk_size=chunk_size)
    with files.set_up(files.new_partial(out, sweep.stem, hooks.folder_name)) as partial_dir:
        hooks.setting_up()
        files.write_text(partial_dir, "sweep.yaml", sweep.text)
        files.write_scenario(partial_dir, sweep.base.validate().model_dump(mode="json"))
        tables.write_design(partial_dir, points, unit,
                            [a.path for a in dimensions(list(sweep.axes))])
        files.write_metadata(partial_dir, metadata)
    return _complete(partial_dir, sweep, points, unit, group_list, metadata, workers=workers,
                     executor=executor, progress=progress, engine=engine, hooks=hooks)


def resume_sweep(partial_dir: str | Path, *, workers: int = 1,
                 executor: Executor | None = None, progress: bool = False,
                 argv: list[str] | None = None, engine: runs_.Engine | None = None,
                 hooks: RunHooks = NO_HOOKS):
    """Finish an interrupted :func:`run_sweep`, computing only the chunks it lacks (the sweep,
    base scenario and points are those saved in the folder)."""
    from sim.results import folder as files
    from sim.results import sweep as tables
    from sim.scenario.loader import load_scenario_dict

    partial_dir = files.check_partial(partial_dir, "sweep",
                                      holds=("scenario.yaml", "sweep.yaml", "design.parquet"))
    metadata = files.read_metadata(partial_dir)
    spec, tree = read_sweep_file(partial_dir / "sweep.yaml")
    recorded = metadata["scenario"]
    base = replace(load_scenario_dict(partial_dir / "scenario.yaml"),
                   source=recorded["source"], stem=recorded["stem"])
    sweep = _checked(spec, tree, (partial_dir / "sweep.yaml").read_text(encoding="utf-8"),
                     metadata["sweep"]["source"], metadata["sweep"]["stem"], base)
    points, unit = tables.read_design(partial_dir)
    runs_.note_resumed(partial_dir, metadata, argv)
    return _complete(partial_dir, sweep, points, unit, groups(sweep, points), metadata,
                     workers=workers, executor=executor, progress=progress, engine=engine,
                     hooks=hooks)


@contextmanager
def point_counts(partial_dir: Path, kind: str, group_list: list[Group], n_points: int, *,
                 runs: int, seed: int, chunk_size: int, workers: int,
                 executor: Executor | None, progress: bool, engine: runs_.Engine | None,
                 hooks: RunHooks) -> Iterator[pd.DataFrame]:
    """Every point's counts: the chunks a ``.partial`` folder lacks are simulated and stored
    (all of them for a new folder), then added up. The block that uses the counts (analysing,
    writing the tables, renaming the folder) runs while an interruption still keeps the
    chunks, so ``--resume`` can finish it.

    The one chunk mechanism of every experiment over parameter points: ``negsim sweep``,
    ``robust`` and ``screen``.
    """
    from sim.results import folder as files

    tasks = plan_tasks(group_list, runs, chunk_size)
    work = partial(simulate_task, engine or runs_.default_engine(), seed, runs)

    def save(task: SweepTask, counts: pd.DataFrame) -> None:
        files.write_chunk_parts(partial_dir, task.index, {"": counts})

    with runs_.interruptions_kept(partial_dir, kind):
        runs_.run_stored_chunks(partial_dir, work, tasks, save, workers=workers,
                                executor=executor, progress=progress, hooks=hooks)
        yield add_up(partial_dir, tasks, n_points, runs)


def _complete(partial_dir: Path, sweep: Sweep, points: pd.DataFrame, unit, group_list,
              metadata: dict, *, workers: int, executor: Executor | None, progress: bool,
              engine: runs_.Engine | None, hooks: RunHooks):
    from sim.results import sweep as tables

    spec = sweep.spec
    with point_counts(partial_dir, "sweep", group_list, len(points), runs=spec.runs,
                      seed=spec.seed, chunk_size=metadata["chunk_size"], workers=workers,
                      executor=executor, progress=progress, engine=engine,
                      hooks=hooks) as counts:
        table = tables.points_with_shares(points, counts, list(spec.outputs))
        indices, notes = _sensitivity(sweep, unit, table)
        metadata["warnings"] = notes
        hooks.assembling()
        tables.write_results(partial_dir, table, indices, metadata)
        final = runs_.finish_folder(partial_dir, hooks)
    return tables.load_sweep_results(final)


def add_up(partial_dir: Path, tasks: list[SweepTask], n_points: int,
           runs: int) -> pd.DataFrame:
    """Every point's counts, from the stored chunks (a point may span two chunks)."""
    from sim.results import folder as files

    frames = [files.read_chunk_part(partial_dir, task.index) for task in tasks]
    counts = pd.concat(frames, ignore_index=True).groupby("point", sort=True).sum()
    if len(counts) != n_points or (counts["runs"] != runs).any():
        raise RuntimeError(f"{partial_dir}: the stored chunks do not hold {runs} replicates "
                           f"of each of {n_points} points")
    return counts


def _sensitivity(sweep: Sweep, unit, table: pd.DataFrame) -> tuple[pd.DataFrame | None, list]:
    from sim.experiment import sensitivity

    spec = sweep.spec
    outputs = {name: table[f"{name}.share"].to_numpy() for name in spec.outputs}
    indices = None
    if spec.design in ("sobol", "morris"):
        indices = sensitivity.indices(spec.design, list(sweep.axes), unit, outputs,
                                      seed=spec.seed, levels=spec.levels)
    notes = sensitivity.warnings(spec.design, spec.samples, spec.runs, outputs, indices)
    return indices, notes
