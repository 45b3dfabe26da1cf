"""The sweep file: which parameters of which scenario to vary, how, and what to measure.

::

    kind: sweep
    base: istanbul-2025            # a shipped name or a path relative to this file
    design: sobol                  # grid | random | lhs | sobol | morris
    parameters:                    # dotted paths, same grammar and checks as --set
      trust.ukraine.russia: {range: [0.05, 0.5]}
      actors.usa.attendance.mode: {values: [auto, always]}
    samples: 1024                  # random/lhs: points; sobol: N (a power of 2); morris: trajectories
    runs: 200                      # replicates per point
    seed: 1                        # also seeds the sampler and the bootstrap of the indices
    outputs: [ceasefire_holding, exchange_only]

It is read like a scenario (:mod:`sim.scenario.yamlsource`: safe YAML, a line for every value)
and checked by :class:`SweepFile` (frozen, unknown keys rejected); every problem is reported at
once as ``file:line:col  field.path: message``. The parameters and outputs are checked against
the base scenario by :func:`sim.experiment.sweep.load_sweep`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path as FilePath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim import DEFAULT_SEED
from sim.scenario.problems import Problem, ScenarioError, did_you_mean, show_value
from sim.scenario.tree import Tree, dotted
from sim.scenario.yamlsource import read_file

DESIGNS = ("grid", "random", "lhs", "sobol", "morris")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ParameterSpec(_Frozen):
    """How one parameter varies: a range or a list of values."""

    range: tuple[float, float] | None = Field(
        None, description="Lowest and highest value [lo, hi], sampled uniformly (whole "
                          "numbers for whole-number fields such as calendar.sessions).")
    values: list[bool | int | float | str] | None = Field(
        None, min_length=1, description="The values to use: numbers, text (e.g. auto, always) "
                                        "or true/false, all of one kind.")
    steps: int | None = Field(
        None, ge=2, le=10_000, description="grid only: how many evenly spaced values of the "
                                           "range to use, ends included.")
    same_as: str | None = Field(
        None, description="Take, at every point, the value of another parameter of this "
                          "sweep (e.g. mutual trust: trust.russia.ukraine same_as "
                          "trust.ukraine.russia). It is not a dimension of the design.")


class SweepFile(_Frozen):
    """A sweep: one base scenario, parameters to vary, a design, and the outputs to measure."""

    kind: Literal["sweep"] = Field(description="Always 'sweep': what this file is.")
    title: str | None = Field(None, description="A short name for the sweep, for tables.")
    description: str | None = Field(None, description="What the sweep asks, in words.")
    base: str = Field(description="The scenario varied: a shipped name (istanbul-2025) or a "
                                  "path relative to this file.")
    design: Literal[DESIGNS] = Field(  # type: ignore[valid-type]
        description="grid: every combination of the values; random: independent uniform "
                    "points; lhs: a Latin hypercube; sobol: Saltelli's design for Sobol "
                    "indices; morris: Morris trajectories for elementary effects.")
    parameters: dict[str, ParameterSpec] = Field(
        min_length=1, description="Dotted paths of the base scenario (the --set grammar) and "
                                  "how each varies.")
    samples: int | None = Field(
        None, ge=1, le=1_000_000, description="random/lhs: number of points; sobol: N, a "
                                              "power of 2 (N·(D+2) points); morris: number of "
                                              "trajectories (r·(D+1) points). Not for grid.")
    levels: int = Field(4, ge=2, le=20, description="morris only: grid levels of each "
                                                    "parameter (even).")
    runs: int = Field(1000, ge=1, le=10_000_000, description="Replicates per point (the same "
                                                             "replicate indices at every point).")
    seed: int = Field(DEFAULT_SEED, ge=0, lt=2**63, description="Root seed of the draws; also "
                                                                "seeds the sampler.")
    outputs: list[str] = Field(
        ["no_talks", "no_agreement", "exchange_only", "ceasefire_collapsed",
         "ceasefire_holding"], min_length=1,
        description="What to measure at each point: outcome names (ceasefire_holding, ...), "
                    "leaders_met, attended.<actor>, agreed.<issue>.")


def sweep_schema() -> dict:
    """The JSON Schema of sweep files (``scenarios/sweeps/schema.json``)."""
    schema = SweepFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "negsim sweep"
    return schema


def read_sweep_file(path: FilePath, shown: str | None = None) -> tuple[SweepFile, Tree]:
    """The sweep file at ``path``, checked on its own (not yet against its base scenario).

    Raises:
        ScenarioError: every problem, one line each with file, line and field.
    """
    shown = shown or str(path)
    if path.is_file() and not path.read_text(encoding="utf-8", errors="replace").strip():
        raise ScenarioError([Problem(shown, 1, 1, "", "the file is empty; a sweep needs at "
                                     "least kind: sweep, base, design and parameters")])
    tree = read_file(path, shown)
    if _is_a_scenario(tree.data):
        raise ScenarioError([Problem(shown, 1, 1, "", (
            f"this is a scenario, not a sweep: run it with negsim run {shown} (a sweep file "
            "starts with kind: sweep)"))])
    refuse_other_kind(tree, "sweep")
    problems = list(tree.problems)
    try:
        spec = SweepFile.model_validate_json(json.dumps(tree.data), strict=True)
    except ValidationError as err:
        problems += explain(err, tree)
        raise ScenarioError(sorted_problems(problems)) from None
    problems += design_problems(spec, tree)
    if problems:
        raise ScenarioError(sorted_problems(problems))
    return spec, tree


def _is_a_scenario(data: dict) -> bool:
    """A file with a scenario's own keys (actors, trust, extends, ...) and none of a sweep's."""
    from sim.scenario.config import Scenario

    scenario_only = {"extends", *Scenario.model_fields} - set(SweepFile.model_fields)
    return not set(data) & set(SweepFile.model_fields) - {"title", "description"} and bool(
        set(data) & scenario_only)


COMMANDS = {"sweep": "negsim sweep", "robust": "negsim robust"}
"""The file kinds of experiments, and the command that runs each."""


def refuse_other_kind(tree: Tree, expected: str) -> None:
    """One line, at ``kind:``, when a file of another experiment kind is given (a robust file
    to ``negsim sweep``, or the reverse), instead of a list of unknown keys.

    Raises:
        ScenarioError: the file names another kind of experiment.
    """
    kind = tree.data.get("kind") if isinstance(tree.data, dict) else None
    if kind in COMMANDS and kind != expected:
        raise ScenarioError([Problem.at(
            tree.origin(("kind",)), "kind",
            f"this is a {kind} file, not a {expected} file: run it with {COMMANDS[kind]} "
            f"{tree.sources[0] if tree.sources else 'FILE'}")])


def design_problems(spec: SweepFile, tree: Tree) -> list[Problem]:
    """What the field types cannot say: the settings each design needs."""
    problems: list[Problem] = []

    def add(path: tuple, message: str) -> None:
        problems.append(Problem.at(tree.origin(path), dotted(path), message))

    if spec.design == "grid" and spec.samples is not None:
        add(("samples",), "a grid takes its points from the values of each parameter; "
                          "remove samples (or choose design: random, lhs, sobol or morris)")
    if spec.design != "grid" and spec.samples is None:
        add(("design",), f"design {spec.design} needs samples: "
                         + {"sobol": "N, a power of 2 such as 256",
                            "morris": "the number of trajectories, e.g. 20"}.get(
                                spec.design, "the number of points"))
    if spec.design == "sobol" and spec.samples and spec.samples & (spec.samples - 1):
        low = 2 ** int(math.log2(spec.samples))
        add(("samples",), f"Sobol sampling needs a power of 2 (got {spec.samples}); use "
                          f"{low} or {2 * low}")
    if spec.design == "morris" and spec.levels % 2:
        add(("levels",), f"Morris levels should be even (got {spec.levels}); use "
                         f"{spec.levels + 1}")
    for name, p in spec.parameters.items():
        problems += _parameter_problems(name, p, spec.design, tree)
    return problems


def _parameter_problems(name: str, p: ParameterSpec, design: str, tree: Tree) -> list[Problem]:
    at = ("parameters", name)
    where = tree.origin(at)
    path = f"parameters.{name}"
    if p.same_as is not None:
        return _link_problems(name, p, design, tree)
    if (p.range is None) == (p.values is None):
        return [Problem.at(where, path, "give either range: [lo, hi], values: [...] or "
                                        "same_as: another.parameter")]
    if p.range is not None and not p.range[0] < p.range[1]:
        return [Problem.at(tree.origin((*at, "range")), path + ".range",
                           f"lo must be below hi (got [{p.range[0]}, {p.range[1]}])")]
    if p.steps is not None and (design != "grid" or p.range is None):
        return [Problem.at(tree.origin((*at, "steps")), path + ".steps",
                           "steps is for a range in a grid design only")]
    if design == "grid" and p.range is not None and p.steps is None:
        return [Problem.at(where, path, "a grid needs values: [...] or a range with steps: "
                                        "n (n evenly spaced values)")]
    if p.values is not None and len({_kind(v) for v in p.values}) > 1:
        return [Problem.at(tree.origin((*at, "values")), path + ".values",
                           "values must all be of one kind: numbers, text, or true/false")]
    return []


def _link_problems(name: str, p: ParameterSpec, design: str, tree: Tree) -> list[Problem]:
    at = ("parameters", name)
    if p.range is not None or p.values is not None or p.steps is not None:
        return [Problem.at(tree.origin(at), f"parameters.{name}",
                           "same_as takes the other parameter's values: remove range, "
                           "values and steps")]
    others = tree.get(("parameters",)) or {}
    target = others.get(p.same_as) if isinstance(others, dict) else None
    if p.same_as == name or not isinstance(target, dict) or "same_as" in target:
        return [Problem.at(tree.origin((*at, "same_as")), f"parameters.{name}.same_as",
                           f"must name another parameter of this sweep that has a range or "
                           f"values (got '{p.same_as}'"
                           f"{did_you_mean(p.same_as, [k for k in others if k != name])})")]
    return []


def _kind(value: object) -> str:
    return "bool" if isinstance(value, bool) else "number" if isinstance(
        value, int | float) else "text"


# -- pydantic's errors, in plain words at the line that holds the value ----------------------


def explain(err: ValidationError, tree: Tree, top: type[BaseModel] | None = None
            ) -> list[Problem]:
    """pydantic's errors about an experiment file (a :class:`SweepFile`, or ``top``) as
    problems in plain words, each at the line that holds the value."""
    top = top or SweepFile
    problems: dict[str, Problem] = {}
    for error in err.errors(include_url=False):
        path = _data_path(error["loc"], tree, top)
        key = dotted(path)
        if key in problems:  # one message per place (a union reports every branch)
            continue
        problems[key] = Problem.at(tree.origin(path), key, _wording(error, path, top))
    return list(problems.values())


def _data_path(loc: tuple, tree: Tree, top: type[BaseModel]) -> tuple:
    """The part of pydantic's location that exists in the file (drops union branch names)."""
    path: tuple = ()
    for item in loc:
        node = tree.get(path)
        if isinstance(node, dict) and item in node or (
                isinstance(node, list) and isinstance(item, int) and item < len(node)):
            path = (*path, item)
        elif error_past_end(node, item, top):
            path = (*path, item)
            break
    return path


def error_past_end(node: object, item: object, top: type[BaseModel] | None = None) -> bool:
    """A key the file lacks (a missing field) still names the place of the problem."""
    return isinstance(node, dict) and isinstance(item, str) and item in _all_fields(top)


def _all_fields(top: type[BaseModel] | None = None) -> set[str]:
    return set((top or SweepFile).model_fields) | set(ParameterSpec.model_fields)


def _wording(error: dict, path: tuple, top: type[BaseModel]) -> str:
    kind, ctx, given = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "extra_forbidden":
        model = ParameterSpec if (top is SweepFile and len(path) == 3
                                  and path[0] == "parameters") else top
        allowed = list(model.model_fields)
        hint = did_you_mean(str(path[-1]), allowed)
        return (f"unknown key '{path[-1]}'{hint or ';'} allowed: {', '.join(allowed)}")
    if kind == "missing":
        return "required field missing"
    if kind == "literal_error":
        return f"must be {ctx.get('expected')} (got {show_value(given)})"
    bounds = {"greater_than_equal": ("at least", "ge"), "less_than_equal": ("at most", "le"),
              "greater_than": ("above", "gt"), "less_than": ("below", "lt")}
    if kind in bounds:
        word, _ = bounds[kind]
        limit = next(iter(ctx.values()), "?")
        return f"must be {word} {limit} (got {show_value(given)})"
    if kind == "too_short":
        return f"must list at least {ctx.get('min_length', 1)} (got {show_value(given)})"
    if path and path[-1] == "values" or (len(path) > 1 and path[-2] == "values"):
        return f"must be a number, text or true/false (got {show_value(given)})"
    return f"{error['msg']} (got {show_value(given)})"


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(dict.fromkeys(problems), key=lambda p: (p.file or "", p.line or 0, p.col or 0))


if __name__ == "__main__":  # python -m sim.experiment.sweepfile: regenerate the schema file
    target = FilePath(__file__).resolve().parents[2] / "scenarios" / "sweeps" / "schema.json"
    target.write_text(json.dumps(sweep_schema(), indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    print(f"wrote {target}")
