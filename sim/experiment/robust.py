"""Levers against uncertainties: which choice does well whatever the world turns out to be?

``negsim robust ROBUST.yaml`` (:func:`run_robust`):

1. **read** the robust file (:mod:`sim.experiment.robustfile`) and its base scenario; check
   every lever option and uncertainty range like ``--set`` (:func:`load_robust`);
2. **design**: every combination of the levers' options (in file order, the last lever
   varying fastest) and ``samples`` worlds, sampled from the uncertainties' ranges by a Latin
   hypercube or a scrambled Sobol sequence; point ``p`` is combination ``p // worlds`` in
   world ``p % worlds``;
3. **simulate** exactly as a sweep does (:mod:`sim.experiment.sweep`: the same groups, chunks,
   chunk store, executors and ``--resume``): numeric levers and every uncertainty vary per
   replicate inside one ensemble; each combination of the other levers (an attendance mode,
   ``opens_after``) is a group with its own scenario. Every point uses replicate indices
   0 … runs−1 with the file's seed (common random numbers);
4. **judge** each combination across the worlds by its objective and its regret
   (:mod:`sim.experiment.robustness`).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.experiment import run as runs_
from sim.experiment import sweep as sweeps
from sim.experiment.design import Axis
from sim.experiment.executor import Executor
from sim.experiment.hooks import NO_HOOKS, RunHooks
from sim.experiment.robustfile import RobustFile, read_robust_file
from sim.scenario.loader import file_stem, find_experiment_file, shown_path
from sim.scenario.problems import Problem, ScenarioError


@dataclass(frozen=True)
class Robust:
    """A robust file read and checked against its base scenario.

    Attributes:
        spec: the file's settings; stem: its name in results folders; source: the file as
            given; text: its text (copied into the results folder).
        base: the base scenario, read but not validated.
        levers, uncertainties: one :class:`~sim.experiment.design.Axis` each, in file order.
        per_replicate: the paths that vary inside an ensemble (every uncertainty, and the
            numeric levers the engine reads per replicate).
    """

    spec: RobustFile
    stem: str
    source: str
    text: str
    base: object
    levers: tuple[Axis, ...]
    uncertainties: tuple[Axis, ...]
    per_replicate: frozenset[str]
    tree: object = field(repr=False, default=None)

    @property
    def structural(self) -> list[str]:
        """The levers whose every combination is simulated with its own scenario."""
        return [a.path for a in self.levers if a.path not in self.per_replicate]

    @property
    def replicates(self) -> int:
        """Combinations × worlds × runs: the size of the job."""
        return self.spec.combinations * self.spec.samples * self.spec.runs


def load_robust(path: str | os.PathLike) -> Robust:
    """Read the robust file at ``path`` (or shipped under that name) and check it against its
    base scenario.

    Raises:
        ScenarioError: every problem, ``file:line:col  field: message``.
    """
    path = resolve_robust(path)
    spec, tree = read_robust_file(path, shown_path(path))
    base = sweeps.read_base(spec.base, path, tree)
    return _checked(spec, tree, path.read_text(encoding="utf-8"), str(path), file_stem(path), base)


def resolve_robust(path_or_name: str | os.PathLike) -> Path:
    """A robust file given as a path, or as the name of one in ``scenarios/robust/`` of the
    current folder or shipped with negsim (:func:`sim.scenario.loader.find_experiment_file`)."""
    return find_experiment_file(path_or_name, "robust")


def _checked(spec: RobustFile, tree, text: str, source: str, stem: str, base) -> Robust:
    scenario = base.validate()
    levers = tuple(Axis(path, values=tuple(options)) for path, options in spec.levers.items())
    resolved = scenario.model_dump(mode="json")
    uncertainties = tuple(Axis(path, lo, hi, whole=_is_whole(resolved, path))
                          for path, (lo, hi) in spec.uncertainties.items())
    problems = _objective_problems(spec, scenario, tree)
    for block, axes in (("levers", levers), ("uncertainties", uncertainties)):
        for axis in axes:
            problems += sweeps.axis_problems(axis, base, tree.origin((block, axis.path)),
                                             f"{block}.{axis.path}")
    if problems:
        raise ScenarioError(problems)
    per_replicate = sweeps.per_replicate_paths([*levers, *uncertainties], scenario)
    problems = [Problem.at(tree.origin(("uncertainties", a.path)), f"uncertainties.{a.path}",
                           "the model reads this once for a whole ensemble, so it cannot be "
                           "sampled world by world; make it a lever with a few options")
                for a in uncertainties if a.path not in per_replicate]
    if problems:
        raise ScenarioError(problems)
    return Robust(spec, stem, source, text, base, levers, uncertainties, per_replicate, tree)


def _is_whole(resolved: dict, path: str) -> bool:
    """Whether ``path`` is a whole-number field (calendar.sessions) of the resolved scenario."""
    value: object = resolved
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return isinstance(value, int) and not isinstance(value, bool)


def _objective_problems(spec: RobustFile, scenario, tree) -> list[Problem]:
    from sim.scenario.problems import did_you_mean

    known = sweeps.output_names(scenario)
    if spec.output in known:
        return []
    return [Problem.at(tree.origin(("objective", spec.output)), f"objective.{spec.output}",
                       f"unknown output '{spec.output}'{did_you_mean(spec.output, known) or ';'}"
                       f" known: {', '.join(known)}")]


# -- the design ------------------------------------------------------------------------------


def combinations(robust: Robust) -> pd.DataFrame:
    """``combination``, then one column per lever: every combination of the options."""
    rows = list(itertools.product(*(a.values for a in robust.levers)))
    table = {"combination": np.arange(len(rows))}
    for i, axis in enumerate(robust.levers):
        table[axis.path] = pd.Series([row[i] for row in rows], dtype=_dtype(axis.values))
    return pd.DataFrame(table)


def _dtype(options: tuple) -> object:
    """Whole numbers stay whole (a field such as calendar.sessions), other numbers decimals; a
    lever with text, true/false or null keeps its values as given."""
    if not all(isinstance(o, int | float) and not isinstance(o, bool) for o in options):
        return object
    return "int64" if all(isinstance(o, int) for o in options) else float


def worlds(robust: Robust) -> pd.DataFrame:
    """``world``, then one column per uncertainty: the sampled worlds."""
    s, axes = robust.spec, list(robust.uncertainties)
    if s.sampling == "lhs":
        from sim.experiment.design import unit_sample

        unit = unit_sample("lhs", axes, s.samples, s.seed)
    else:
        from scipy.stats import qmc

        unit = qmc.Sobol(len(axes), scramble=True, seed=s.seed).random_base2(
            int(np.log2(s.samples)))
    return pd.DataFrame({"world": np.arange(s.samples)}
                        | {a.path: a.at(unit[:, i]) for i, a in enumerate(axes)})


def design(robust: Robust) -> pd.DataFrame:
    """Every combination in every world: ``point, combination, world``, the levers, the
    uncertainties (point = combination × worlds + world)."""
    combos, sampled = combinations(robust), worlds(robust)
    table = combos.merge(sampled, how="cross")
    table.insert(0, "point", np.arange(len(table)))
    return table[["point", "combination", "world", *combos.columns[1:], *sampled.columns[1:]]]


def groups(robust: Robust, points: pd.DataFrame) -> list[sweeps.Group]:
    """The points grouped by their structural levers, as a sweep groups its points."""
    where = robust.tree.origin(("levers",)) if robust.tree is not None else None
    return sweeps.group_points(points, robust.base, robust.structural, robust.per_replicate,
                               where, "levers")


# -- running ---------------------------------------------------------------------------------


def run_robust(robust: Robust, *, out: str | Path = "results", workers: int = 1,
               executor: Executor | None = None, chunk_size: int | None = None,
               satisfice: float | None = None, progress: bool = False,
               argv: list[str] | None = None, engine: runs_.Engine | None = None,
               hooks: RunHooks = NO_HOOKS):
    """Run ``robust``, streaming to ``<out>/<file stem>/<stamp>-<hex>/``; return its
    :class:`~sim.results.robust.RobustResults`. Everything is checked before any folder is
    created.

    Args:
        satisfice: a threshold for the objective: report the share of worlds that meet it.
        The other options are those of :func:`~sim.experiment.sweep.run_sweep`.
    """
    from sim.results import folder as files
    from sim.results.metadata import experiment_metadata

    spec = robust.spec
    _check_satisfice(satisfice)
    points = design(robust)
    group_list = groups(robust, points)
    chunk_size = runs_.check_settings(len(points) * spec.runs, spec.seed, workers=workers,
                                      chunk_size=chunk_size)
    metadata = experiment_metadata(
        "robust", argv=argv, robust={"stem": robust.stem, "source": robust.source},
        scenario={"stem": robust.base.stem, "source": robust.base.source},
        levers=[a.path for a in robust.levers],
        uncertainties=[a.path for a in robust.uncertainties],
        per_replicate=sorted(robust.per_replicate), sampling=spec.sampling,
        combinations=spec.combinations, worlds=spec.samples, points=len(points),
        groups=len(group_list), runs=spec.runs, seed=spec.seed,
        objective={"output": spec.output, "direction": spec.direction}, satisfice=satisfice,
        chunk_size=chunk_size)
    with files.set_up(files.new_partial(out, robust.stem, hooks.folder_name)) as partial_dir:
        hooks.setting_up()
        files.write_text(partial_dir, "robust.yaml", robust.text)
        files.write_scenario(partial_dir, robust.base.validate().model_dump(mode="json"))
        files.write_metadata(partial_dir, metadata)
    return _complete(partial_dir, robust, points, group_list, metadata, workers=workers,
                     executor=executor, progress=progress, engine=engine, hooks=hooks)


def _check_satisfice(satisfice: float | None) -> None:
    if satisfice is not None and not 0 <= satisfice <= 1:
        raise UserError(f"--satisfice is a share of runs, from 0 to 1 (got {satisfice:g})")


def resume_robust(partial_dir: str | Path, *, workers: int = 1,
                  executor: Executor | None = None, progress: bool = False,
                  argv: list[str] | None = None, engine: runs_.Engine | None = None,
                  hooks: RunHooks = NO_HOOKS):
    """Finish an interrupted :func:`run_robust`, computing only the chunks it lacks (the file
    and base scenario are those saved in the folder; the design is drawn again from them)."""
    from sim.results import folder as files
    from sim.scenario.loader import load_scenario_dict

    partial_dir = files.check_partial(partial_dir, "robust",
                                      holds=("scenario.yaml", "robust.yaml"))
    metadata = files.read_metadata(partial_dir)
    spec, tree = read_robust_file(partial_dir / "robust.yaml")
    recorded = metadata["scenario"]
    base = replace(load_scenario_dict(partial_dir / "scenario.yaml"),
                   source=recorded["source"], stem=recorded["stem"])
    robust = _checked(spec, tree, (partial_dir / "robust.yaml").read_text(encoding="utf-8"),
                      metadata["robust"]["source"], metadata["robust"]["stem"], base)
    points = design(robust)
    runs_.note_resumed(partial_dir, metadata, argv)
    return _complete(partial_dir, robust, points, groups(robust, points), metadata,
                     workers=workers, executor=executor, progress=progress, engine=engine,
                     hooks=hooks)


def _complete(partial_dir: Path, robust: Robust, points: pd.DataFrame, group_list,
              metadata: dict, *, workers: int, executor: Executor | None, progress: bool,
              engine: runs_.Engine | None, hooks: RunHooks):
    from sim.experiment.robustness import measures
    from sim.results import robust as tables

    spec = robust.spec
    with sweeps.point_counts(partial_dir, "robust", group_list, len(points), runs=spec.runs,
                             seed=spec.seed, chunk_size=metadata["chunk_size"], workers=workers,
                             executor=executor, progress=progress, engine=engine,
                             hooks=hooks) as counts:
        table = tables.points_table(points, counts, spec.output)
        values = table[f"{spec.output}.share"].to_numpy().reshape(spec.combinations,
                                                                   spec.samples)
        judged = combinations(robust).join(
            measures(values, spec.direction, metadata["satisfice"]))
        hooks.assembling()
        tables.write_results(partial_dir, table, judged, metadata)
        final = runs_.finish_folder(partial_dir, hooks)
    return tables.load_robust_results(final)
