"""Screening: which of a scenario's numbers matter for each outcome, all at once
(``negsim screen``, issue 12).

Morris's elementary-effects method moves one parameter at a time along random trajectories
through a grid of levels and averages, per parameter, the absolute change of each output per
step (μ*): a cheap ranking of many parameters, good at telling those that matter from those
that do not, not at measuring how much. negsim runs it as one ensemble:

1. **parameters**: every number the engine reads per replicate
   (:attr:`~sim.model.NegotiationModel.numeric_paths`), except true/false ones and payoff
   weights (which no screen output counts, and which must sum to at most 1); choices
   (attendance modes, ``opens_after``) and whole numbers (the calendar, an exchange's stages)
   cannot vary inside an ensemble: all these are left out, and listed (:func:`left_out`);
2. **ranges** (:func:`default_range`): the scenario's value ± :data:`SHARE` of the field's
   valid range, clipped to it; for a field whose valid range is open at 0 or wider than
   :data:`WIDE` (a concession exponent, up to 20; a likelihood ratio, up to 100), from the
   value divided by :data:`FACTOR` to the value times it; ``--range`` overrides either;
3. **design**: SALib's Morris trajectories (:mod:`sim.experiment.design`);
4. **simulate** with the sweep's machinery (:mod:`sim.experiment.sweep`): every point runs
   replicates 0 … runs−1 with the same seed (common random numbers), many points per chunk,
   each chunk stored in the ``.partial`` folder as it arrives (``--resume``);
5. **analyse** (:func:`analyse`): SALib's μ* with its bootstrap interval, per output
   (:mod:`sim.experiment.sensitivity`), and a status per parameter: ``cannot act here``
   (:func:`sim.model.inert.cannot_act` says so, whatever the other screened values),
   ``no measured effect`` (every elementary effect exactly 0: under common random numbers the
   two points of every step gave the same count), or ``ranked``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim import DEFAULT_SEED
from sim.errors import UserError
from sim.experiment import run as runs_
from sim.experiment.design import Axis, points_table
from sim.experiment.executor import Executor
from sim.experiment.hooks import NO_HOOKS, RunHooks

SHARE = 0.2
"""Judgement: a parameter is screened over its scenario value ± 0.2 of its valid range (±0.2
for a probability, ±0.4 for a follows weight or a bias). Most values of a scenario are
judgements (docs/model.md §9.2), and two analysts setting one by judgement easily differ by
this much (Putin's propensity 0.15 against 0.35); it moves most outcomes by more than the
sampling noise of the default runs, and keeps the screen near the scenario asked about, where
the whole valid range would screen other situations (a propensity of 1 is another scenario)."""

FACTOR = 2.0
"""Judgement: a field whose valid range is open at 0 or wide (a concession exponent e in
(0, 20], where e and 1/e mirror each other; a likelihood ratio in [1, 100]) is screened from
its value / 2 to its value × 2, clipped to the valid range: a share of a range up to 20 or 100
would reach exponents (an e of 4 against 0.3) that make another kind of negotiator."""

WIDE = 2.0
"""A valid range wider than this (the widest of probabilities and weights, −1 to 1) is
screened by :data:`FACTOR`."""

TRAJECTORIES = 20
"""Default number of Morris trajectories: 20–50 is common (10 is the least that separates
parameters, sim.experiment.sensitivity); 20 keeps the baseline's screen under 20 s on 2 cores,
and more narrow the intervals (``--trajectories``)."""

LEVELS = 4
"""Default grid levels of each parameter's range (even; a step is 2/3 of the range)."""

RUNS = 500
"""Default replicates per point. Under common random numbers a step's change is measured on
the same histories, so the runs per point matter much less than the trajectories: measured on
the baseline (seed 20250514, 20 trajectories, 2026-12-02), μ* from 500 runs per point ranked
the 64 parameters as 2,000 did (Spearman correlation 0.98–1.00 for each of the four default
outputs), while the intervals, set by the trajectories, narrowed little (median half-width
0.56–0.79 of μ* against 0.51–0.71). 500 keeps the baseline's screen well under 20 s on 2
cores."""

OUTPUTS = ("no_agreement", "exchange_only", "ceasefire_collapsed", "ceasefire_holding")
"""Default outputs: the outcomes, but ``no_talks``: it depends only on the delegations, which
are true/false and never screened."""


@dataclass(frozen=True)
class Screen:
    """A screen, planned: what is screened over which ranges, and what is left out.

    Attributes:
        scenario: the validated :class:`~sim.scenario.config.Scenario`.
        axes: the screened parameters with their ranges, in the engine's order.
        values: every screened parameter's value in the scenario.
        given: the paths whose range came from ``--range``.
        idle: :func:`~sim.model.inert.cannot_act` of the scenario.
        left: what is left out (:func:`left_out`).
    """

    scenario: object = field(repr=False)
    axes: tuple[Axis, ...]
    values: dict[str, float]
    given: frozenset[str]
    idle: tuple
    left: tuple
    trajectories: int = TRAJECTORIES
    levels: int = LEVELS
    runs: int = RUNS
    seed: int = DEFAULT_SEED
    outputs: tuple[str, ...] = OUTPUTS

    @property
    def paths(self) -> list[str]:
        return [a.path for a in self.axes]

    @property
    def cannot_act_here(self) -> dict:
        """The idle values whose reason rests on nothing screened: idle at every point."""
        screened = set(self.paths)
        return {e.path: e for e in self.idle if not set(e.given) & screened}

    @property
    def idle_at_values(self) -> dict:
        """Idle at the scenario's values only: a screened value they rest on may wake them."""
        return {e.path: e for e in self.idle if e.path not in self.cannot_act_here}


# -- planning ---------------------------------------------------------------------------------


def plan_screen(scenario, *, ranges: dict[str, tuple[float, float]] | None = None,
                trajectories: int = TRAJECTORIES, levels: int = LEVELS, runs: int = RUNS,
                seed: int = DEFAULT_SEED, outputs: tuple[str, ...] | None = None) -> Screen:
    """Every numeric parameter of ``scenario`` with its range (``ranges`` overrides the
    defaults of :func:`default_range`), checked.

    Raises:
        UserError: a setting or a range the user must fix, in one line each.
    """
    from sim.model import NegotiationModel
    from sim.model.inert import cannot_act

    _check_design(trajectories, levels)
    engine = NegotiationModel(scenario, replicates=1).scenario_values
    left = tuple(left_out(scenario, engine))
    values = {path: value for path, value in engine.items()
              if path not in {p for p, _, _ in left}}
    ranges = dict(ranges or {})
    problems = [_range_problem(scenario, values, left, path, lo_hi)
                for path, lo_hi in ranges.items()]
    if problems := [p for p in problems if p]:
        raise UserError("\n".join(problems))
    axes = tuple(Axis(path, *(ranges.get(path) or default_range(scenario, path, value)))
                 for path, value in values.items())
    return Screen(scenario, axes, values, frozenset(ranges), tuple(cannot_act(scenario)), left,
                  trajectories, levels, runs, seed, _outputs(scenario, outputs))


def default_range(scenario, path: str, value: float) -> tuple[float, float]:
    """The value ± SHARE of the valid range, clipped to it; value / FACTOR … value × FACTOR
    for a range open at 0 or wider than WIDE (see the constants for why)."""
    doc = _doc(scenario, path)
    low, high = doc.bounds
    if doc.open_low or high - low > WIDE:
        return max(value / FACTOR, low), min(value * FACTOR, high)
    spread = SHARE * (high - low)
    return max(value - spread, low), min(value + spread, high)


def _doc(scenario, path: str):
    from sim.scenario.fields import field_doc

    return field_doc(tuple(path.split(".")), scenario.model_dump(mode="json"))


def _check_design(trajectories: int, levels: int) -> None:
    if not 2 <= trajectories <= 10_000:
        raise UserError(f"--trajectories must be between 2 and 10,000 (got {trajectories})")
    if not 2 <= levels <= 20 or levels % 2:
        raise UserError(f"--levels must be an even number from 2 to 20 (got {levels})")


def _range_problem(scenario, values: dict, left: tuple, path: str,
                   lo_hi: tuple[float, float]) -> str | None:
    """What is wrong with ``--range PATH=LO:HI``, in one line, or None."""
    from sim.scenario.problems import did_you_mean

    if path not in values:
        kinds = {p: kind for p, kind, _ in left}
        why = (f"left out of every screen: it is {LEFT_OUT[kinds[path]]}" if path in kinds
               else "is not a number the model reads in this scenario"
               f"{did_you_mean(path, values) or ''} (negsim show lists its values)")
        return f"--range {path}: {why}"
    lo, hi = lo_hi
    low, high = _doc(scenario, path).bounds
    if not lo < hi:
        return f"--range {path}={lo:g}:{hi:g}: LO must be below HI"
    if lo < low or hi > high or (_doc(scenario, path).open_low and lo <= low):
        return (f"--range {path}={lo:g}:{hi:g}: must lie within its valid range, "
                f"{_doc(scenario, path).range}")
    return None


def _outputs(scenario, outputs: tuple[str, ...] | None) -> tuple[str, ...]:
    from sim.experiment.sweep import output_names
    from sim.scenario.problems import did_you_mean

    known = output_names(scenario)
    for name in outputs or ():
        if name not in known:
            raise UserError(f"--output {name}: unknown output{did_you_mean(name, known) or ';'} "
                            f"known: {', '.join(known)}")
    return tuple(dict.fromkeys(outputs)) if outputs else OUTPUTS


LEFT_OUT = {"true/false": "true or false", "choice": "a choice",
            "whole number": "a whole number, which the engine cannot vary per replicate",
            "payoff weight": "a weight of the payoff, which no screen output counts (and the "
                             "party's weights must sum to at most 1)"}
"""The kinds of value a screen leaves out, and how a message names them."""


def left_out(scenario, engine: dict[str, float]) -> list[tuple[str, str, str]]:
    """The scenario's values the screen leaves out: (path, kind of :data:`LEFT_OUT`, the value
    as YAML text), from the scenario file's values and the numbers the ``engine`` reads."""
    from sim.scenario.show import yaml_text

    found = {".".join(path): value for path, value in
             _leaves(scenario.model_dump(mode="json"), ())}
    found |= {path: value for path, value in engine.items() if path not in found}
    return [(path, kind, yaml_text(value)) for path, value in found.items()
            if (kind := _left_kind(scenario, path)) is not None]


def _left_kind(scenario, path: str) -> str | None:
    """Which kind of :data:`LEFT_OUT` a value is, or None if a screen can vary it."""
    parts = path.split(".")
    if parts[0] == "actors" and parts[2:3] == ["salience"]:
        return "payoff weight"
    doc = _doc(scenario, path)
    kind = doc.kind.removesuffix(" (or empty)") if doc else ""
    if kind.startswith("one of") or parts[-1] == "opens_after":
        return "choice"
    return {"true or false": "true/false", "whole number": "whole number"}.get(kind)


def _leaves(node, path: tuple):
    if isinstance(node, dict) and node:
        for key, child in node.items():
            yield from _leaves(child, (*path, key))
    else:
        yield path, node


# -- running ----------------------------------------------------------------------------------


def run_screen(screen: Screen, *, out: str | Path = "results", workers: int = 1,
               executor: Executor | None = None, chunk_size: int | None = None,
               progress: bool = False, argv: list[str] | None = None,
               engine: runs_.Engine | None = None, hooks: RunHooks = NO_HOOKS):
    """Run ``screen``, streaming to ``<out>/screen-<stem>/<stamp>-<hex>/``; return its
    :class:`~sim.results.screen.ScreenResults`. The options are those of
    :func:`~sim.experiment.sweep.run_sweep`.

    Example:
        >>> run_screen(plan_screen(load_scenario("istanbul-2025")))  # doctest: +SKIP
    """
    from sim.results import folder as files
    from sim.results import sweep as tables

    points, unit = points_table("morris", list(screen.axes), screen.trajectories, screen.seed,
                                screen.levels)
    chunk_size = runs_.check_settings(len(points) * screen.runs, screen.seed, workers=workers,
                                      chunk_size=chunk_size)
    metadata = screen_metadata(screen, len(points), chunk_size, argv)
    name = f"screen-{screen.scenario.stem}"
    with files.set_up(files.new_partial(out, name, hooks.folder_name)) as partial_dir:
        hooks.setting_up()
        files.write_scenario(partial_dir, screen.scenario.model_dump(mode="json"))
        tables.write_design(partial_dir, points, unit, screen.paths)
        files.write_metadata(partial_dir, metadata)
    return _complete(partial_dir, screen, points, unit, metadata, workers=workers,
                     executor=executor, progress=progress, engine=engine, hooks=hooks)


def resume_screen(partial_dir: str | Path, *, workers: int = 1,
                  executor: Executor | None = None, progress: bool = False,
                  argv: list[str] | None = None, engine: runs_.Engine | None = None,
                  hooks: RunHooks = NO_HOOKS):
    """Finish an interrupted :func:`run_screen`, computing only the chunks it lacks (the
    scenario, ranges, settings and points are those saved in the folder)."""
    from sim.results import folder as files
    from sim.results import sweep as tables
    from sim.scenario.config import Scenario

    partial_dir = files.check_partial(partial_dir, "screen", holds=(
        "scenario.yaml", "design.parquet", "unit_sample.parquet"))
    metadata = files.read_metadata(partial_dir)
    recorded = metadata["scenario"]
    scenario = Scenario.model_validate(files.read_scenario(partial_dir)).with_source(
        recorded["source"], recorded["stem"], tuple(metadata.get("overrides", ())))
    screen = plan_screen(
        scenario, ranges={r["path"]: (r["low"], r["high"]) for r in metadata["ranges"]},
        trajectories=metadata["trajectories"], levels=metadata["levels"],
        runs=metadata["runs"], seed=metadata["seed"], outputs=tuple(metadata["outputs"]))
    screen = _with_given(screen, {r["path"] for r in metadata["ranges"]
                                  if r["set_by"] == "--range"})
    points, unit = tables.read_design(partial_dir)
    runs_.note_resumed(partial_dir, metadata, argv)
    return _complete(partial_dir, screen, points, unit, metadata, workers=workers,
                     executor=executor, progress=progress, engine=engine, hooks=hooks)


def _with_given(screen: Screen, given: set[str]) -> Screen:
    from dataclasses import replace

    return replace(screen, given=frozenset(given))


def screen_metadata(screen: Screen, points: int, chunk_size: int,
                    argv: list[str] | None) -> dict:
    """``metadata.json`` of a screen: settings, every range and where it came from, and the
    lists a reader needs beside ``screen.csv``."""
    from sim.results.metadata import experiment_metadata

    s = screen.scenario
    return experiment_metadata(
        "screen", argv=argv, scenario={"stem": s.stem, "source": s.source},
        overrides=list(s.overrides), design="morris", trajectories=screen.trajectories,
        levels=screen.levels, points=points, runs=screen.runs, seed=screen.seed,
        outputs=list(screen.outputs), share=SHARE, factor=FACTOR, chunk_size=chunk_size,
        ranges=[{"path": a.path, "value": screen.values[a.path], "low": a.lo, "high": a.hi,
                 "set_by": "--range" if a.path in screen.given else "default"}
                for a in screen.axes],
        cannot_act=[_entry(e) for e in screen.cannot_act_here.values()],
        idle_at_values=[_entry(e) for e in screen.idle_at_values.values()],
        left_out=[{"path": p, "kind": k, "value": v} for p, k, v in screen.left])


def _entry(entry) -> dict:
    return {"path": entry.path, "reason": entry.reason, "rule": entry.rule,
            "given": list(entry.given)}


def _complete(partial_dir: Path, screen: Screen, points: pd.DataFrame, unit: np.ndarray,
              metadata: dict, *, workers: int, executor: Executor | None, progress: bool,
              engine: runs_.Engine | None, hooks: RunHooks):
    from sim.experiment.sweep import Group, point_counts
    from sim.results import screen as results
    from sim.results.sweep import points_with_shares

    group = Group(screen.scenario, points["point"].to_numpy(dtype=np.int64),
                  {p: points[p].to_numpy(dtype=float) for p in screen.paths})
    with point_counts(partial_dir, "screen", [group], len(points), runs=screen.runs,
                      seed=screen.seed, chunk_size=metadata["chunk_size"], workers=workers,
                      executor=executor, progress=progress, engine=engine,
                      hooks=hooks) as counts:
        shares = points_with_shares(points, counts, list(screen.outputs))
        table, notes = analyse(screen, unit, shares)
        metadata["warnings"] = notes
        hooks.assembling()
        results.write_results(partial_dir, shares, table, metadata)
        final = runs_.finish_folder(partial_dir, hooks)
    return results.load_screen_results(final)


# -- analysing --------------------------------------------------------------------------------


def analyse(screen: Screen, unit: np.ndarray, shares: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """``screen.csv``'s rows (one per output and parameter) and the warnings."""
    from sim.experiment import sensitivity

    outputs = {name: shares[f"{name}.share"].to_numpy() for name in screen.outputs}
    indices = sensitivity.indices("morris", list(screen.axes), unit, outputs, seed=screen.seed,
                                  levels=screen.levels)
    wide = indices.pivot_table(index=["output", "parameter"], columns="index",
                               values="value").reindex(columns=["mu_star", "mu", "sigma"])
    conf = indices[indices["index"] == "mu_star"].set_index(["output", "parameter"])["conf"]
    rows = [_row(screen, output, axis, wide, conf) for output in screen.outputs
            for axis in screen.axes]
    table = _ranked(pd.DataFrame(rows))
    notes = sensitivity.warnings("morris", screen.trajectories, screen.runs, outputs, indices,
                                 samples_name="--trajectories")
    return table, notes + _contradictions(table)


def _row(screen: Screen, output: str, axis: Axis, wide: pd.DataFrame, conf: pd.Series) -> dict:
    key = (output, axis.path)
    measured = key in wide.index
    mu_star = float(wide.loc[key, "mu_star"]) if measured else 0.0  # constant output: no EE
    idle = screen.cannot_act_here.get(axis.path) or screen.idle_at_values.get(axis.path)
    status = ("cannot act here" if axis.path in screen.cannot_act_here
              else "no measured effect" if mu_star == 0.0 else "ranked")
    return {"output": output, "parameter": axis.path, "status": status, "mu_star": mu_star,
            "mu_star_conf": float(conf.get(key, 0.0)),
            "mu": float(wide.loc[key, "mu"]) if measured else 0.0,
            "sigma": float(wide.loc[key, "sigma"]) if measured else 0.0,
            "value": screen.values[axis.path], "low": axis.lo, "high": axis.hi,
            "reason": idle.reason if idle else ""}


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    """Rank the ``ranked`` rows of each output by μ*, largest first (ties: engine order)."""
    ranked = table["status"] == "ranked"
    order = table[ranked].groupby("output", sort=False)["mu_star"].rank(
        ascending=False, method="first")
    table["rank"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table.loc[ranked, "rank"] = order.astype("int64")
    return table


def _contradictions(table: pd.DataFrame) -> list[str]:
    """A value the model's rules say cannot act, yet measured with an effect: a bug."""
    wrong = table[(table["status"] == "cannot act here") & (table["mu_star"] != 0)]
    return [f"{path}: the model's rules say it cannot act here, yet the screen measured an "
            "effect; please report this as a bug" for path in dict.fromkeys(wrong["parameter"])]
