"""negsim as an EMA Workbench model, for analysts who bring their own EMA analyses.

::

    import sim.ema
    from ema_workbench import perform_experiments

    model = sim.ema.model(
        "coalition-ceasefire-push", ["ceasefire_holding", "attended.russia"],
        uncertainties={"trust.ukraine.russia": (0.02, 0.4), "actors.russia.momentum": (0, 0.6)},
        levers={"actors.usa.monitoring": [0.0, 0.8],
                "actors.usa.attendance.mode": ["auto", "always"]},
        runs=1000)
    experiments, outcomes = perform_experiments(model, scenarios=100, policies=4)

The model's uncertainties and levers are named by negsim's dotted paths (the ``--set``
grammar); a range ``(lo, hi)`` becomes a ``RealParameter`` (an ``IntegerParameter`` for a
whole-number field such as ``calendar.sessions``), a list of options a
``CategoricalParameter`` (the option ``None`` appears as the text ``null``, since EMA's
analyses sort categories and cannot sort ``None`` with text). Its outcomes are outcome shares:
for each experiment EMA Workbench chooses values, negsim simulates ``runs`` replicates of the
scenario with them and returns the share of runs with each outcome (``ceasefire_holding``,
``leaders_met``, ``attended.<actor>``, ``agreed.<issue>``: the outputs of a sweep).

Every experiment uses the same seed and replicate indices, so experiments differ only through
their parameters (common random numbers), as the points of a sweep do; an experiment equals
``negsim run SCENARIO --set PATH=VALUE ... --runs RUNS --seed SEED``. EMA Workbench is the
``explore`` extra; without it, :func:`model` raises a :class:`~sim.errors.UserError` naming
the install command. Parameters may also be added to the model afterwards, EMA's way
(``model.uncertainties = [...]``), as long as their names are dotted paths.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim import DEFAULT_SEED
from sim.errors import UserError
from sim.experiment.optional import ema_workbench

OVERRIDE_LABEL = "EMA experiment"

NULL = "null"
"""How the option None (e.g. ``issues.ceasefire.opens_after: null``) appears in EMA."""


def model(scenario: str | os.PathLike, outcomes: Sequence[str], *,
          uncertainties: Mapping[str, tuple] | None = None,
          levers: Mapping[str, tuple | list] | None = None, runs: int = 1000,
          seed: int = DEFAULT_SEED, name: str = "negsim"):
    """An EMA Workbench ``Model`` of ``scenario`` whose outcomes are the shares of ``outcomes``.

    Args:
        scenario: a shipped name or a scenario file.
        outcomes: negsim outputs (outcome names, ``leaders_met``, ``attended.<actor>``,
            ``agreed.<issue>``).
        uncertainties, levers: ``{dotted path: (lo, hi) or [options]}``.
        runs: replicates per experiment; seed: the root seed of every experiment.
        name: the model's name in EMA Workbench (a Python identifier).

    Raises:
        UserError: EMA Workbench is missing, an unknown output, a value the scenario refuses.
    """
    ema = ema_workbench("sim.ema")
    from sim.experiment.run import check_settings
    from sim.scenario.loader import load_scenario_dict

    check_settings(runs, seed)
    base = load_scenario_dict(scenario)
    _check(base, outcomes, {**(uncertainties or {}), **(levers or {})})
    built = ema.Model(name, function=Experiment(base, tuple(outcomes), runs, seed))
    with warnings.catch_warnings():
        # EMA 3 asks for Python identifiers as names, and only warns: ours are dotted paths
        warnings.filterwarnings("ignore", message=".*not a valid Python identifier")
        built.uncertainties = [_parameter(ema, p, v, base) for p, v in
                               (uncertainties or {}).items()]
        built.levers = [_parameter(ema, p, v, base) for p, v in (levers or {}).items()]
        built.outcomes = [ema.ScalarOutcome(o) for o in outcomes]
    return built


@dataclass(frozen=True)
class Experiment:
    """The function EMA Workbench calls once per experiment: negsim with the experiment's
    values as overrides, summarised as outcome shares (picklable, so EMA's multiprocessing
    evaluator can send it to its workers)."""

    base: object
    outcomes: tuple[str, ...]
    runs: int
    seed: int

    def __call__(self, **values) -> dict[str, float]:
        from sim.experiment.run import simulate

        overrides = [f"{path}={json.dumps(_plain(value))}" for path, value in values.items()]
        scenario = self.base.with_overrides(overrides, label=OVERRIDE_LABEL).validate()
        summary = simulate(scenario, self.runs, self.seed).summary
        return {output: share(summary, output) for output in self.outcomes}


def share(summary, output: str) -> float:
    """The share of runs of one output in a run's summary table."""
    metric, category = _metric(output)
    row = summary[(summary["metric"] == metric) & (summary["category"] == category)]
    return float(row["share"].iloc[0])


def _metric(output: str) -> tuple[str, str]:
    from sim.model.outcomes import OUTCOMES

    if output in OUTCOMES:
        return "outcome", output
    if output == "leaders_met":
        return "leaders_met", "all"
    metric, _, category = output.partition(".")
    return metric, category


def _plain(value: object) -> object:
    """A value EMA chose, as plain data for an override (numpy scalars unwrapped)."""
    if isinstance(value, np.generic):
        return value.item()
    return None if value == NULL else value


def _check(base, outcomes: Sequence[str], parameters: Mapping[str, object]) -> None:
    """Unknown outputs, and values the scenario refuses at the ends of each range."""
    from sim.experiment.design import Axis
    from sim.experiment.sweep import axis_problems, output_names
    from sim.scenario.problems import ScenarioError, did_you_mean

    known = output_names(base.validate())
    for output in outcomes:
        if output not in known:
            raise UserError(f"unknown output '{output}'{did_you_mean(output, known) or ';'} "
                            f"known: {', '.join(known)}")
    problems = []
    for path, given in parameters.items():
        axis = Axis(path, values=tuple(given)) if isinstance(given, list) else Axis(
            path, *given, whole=_whole(base, path))
        problems += axis_problems(axis, base, None, path)
    if problems:
        raise ScenarioError(problems)


def _whole(base, path: str) -> bool:
    value = base.validate().model_dump(mode="json")
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return isinstance(value, int) and not isinstance(value, bool)


def _parameter(ema, path: str, given, base):
    from ema_workbench.em_framework.parameters import Category

    if isinstance(given, list):
        return ema.CategoricalParameter(
            path, [Category(_option_name(o), NULL if o is None else o) for o in given])
    lo, hi = given
    if _whole(base, path):
        return ema.IntegerParameter(path, int(lo), int(hi))
    return ema.RealParameter(path, float(lo), float(hi))


def _option_name(option: object) -> str:
    return NULL if option is None else str(option).lower() if isinstance(option, bool) \
        else str(option)
