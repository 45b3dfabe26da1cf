"""The robust file: which choices (levers) to weigh against which unknowns (uncertainties).

::

    kind: robust
    base: coalition-ceasefire-push       # a shipped name or a path relative to this file
    levers:                              # dotted paths, each with the options to choose from
      actors.usa.monitoring: [0.0, 0.8]
      actors.usa.attendance.mode: [auto, always]
      issues.ceasefire.opens_after: [null, exchange]
    uncertainties:                       # dotted paths, each with a range [lo, hi]
      trust.ukraine.russia: [0.02, 0.4]
      actors.russia.momentum: [0.0, 0.6]
    sampling: lhs                        # lhs | sobol: how the worlds are drawn
    samples: 512                         # worlds
    runs: 200                            # replicates per lever combination and world
    seed: 20250514                       # also seeds the sampling of the worlds
    objective: {ceasefire_holding: max}  # an output and max or min

Read like a sweep file (:mod:`sim.experiment.sweepfile`: safe YAML, a line for every value,
frozen and strict, every problem at once as ``file:line:col  field.path: message``); the
paths and the objective are checked against the base scenario by
:func:`sim.experiment.robust.load_robust`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path as FilePath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim import DEFAULT_SEED
from sim.experiment.sweepfile import explain, refuse_other_kind, sorted_problems
from sim.scenario.problems import Problem, ScenarioError
from sim.scenario.tree import Tree, dotted
from sim.scenario.yamlsource import read_file

SAMPLINGS = ("lhs", "sobol")
DIRECTIONS = ("max", "min")

Option = bool | int | float | str | None


class RobustFile(BaseModel):
    """Levers against uncertainties: every combination of the levers' options, each run in
    the same sampled worlds, compared by regret."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["robust"] = Field(description="Always 'robust': what this file is.")
    title: str | None = Field(None, description="A short name, for tables.")
    description: str | None = Field(None, description="What the file asks, in words.")
    base: str = Field(description="The scenario: a shipped name (coalition-ceasefire-push) or "
                                  "a path relative to this file.")
    levers: dict[str, list[Option]] = Field(
        min_length=1, description="The choices open to someone: dotted paths of the base "
                                  "scenario (the --set grammar), each with its options "
                                  "(numbers, text such as auto/always, true/false, or null). "
                                  "Every combination of the options is one policy.")
    uncertainties: dict[str, tuple[float, float]] = Field(
        min_length=1, description="What nobody controls or knows: dotted paths of numeric "
                                  "fields, each with a range [lo, hi] the worlds are sampled "
                                  "from.")
    sampling: Literal[SAMPLINGS] = Field(  # type: ignore[valid-type]
        "lhs", description="lhs: a Latin hypercube (each range cut into `samples` strata, one "
                           "world in each); sobol: a scrambled Sobol sequence (samples a power "
                           "of 2).")
    samples: int = Field(ge=2, le=100_000, description="How many worlds to sample.")
    runs: int = Field(1000, ge=1, le=10_000_000,
                      description="Replicates per lever combination and world (the same "
                                  "replicate indices in every one: common random numbers).")
    seed: int = Field(DEFAULT_SEED, ge=0, lt=2**63,
                      description="Root seed of the draws; also seeds the sampling of worlds.")
    objective: dict[str, Literal[DIRECTIONS]] = Field(  # type: ignore[valid-type]
        description="The output to judge the levers by and whether more (max) or less (min) "
                    "of it is better, e.g. {ceasefire_holding: max}. Outputs: outcome names, "
                    "leaders_met, attended.<actor>, agreed.<issue>.")

    @property
    def output(self) -> str:
        return next(iter(self.objective))

    @property
    def direction(self) -> str:
        return self.objective[self.output]

    @property
    def combinations(self) -> int:
        return math.prod(len(options) for options in self.levers.values())


def robust_schema() -> dict:
    """The JSON Schema of robust files (``scenarios/robust/schema.json``)."""
    schema = RobustFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "negsim robust"
    return schema


def read_robust_file(path: FilePath, shown: str | None = None) -> tuple[RobustFile, Tree]:
    """The robust file at ``path``, checked on its own (not yet against its base scenario).

    Raises:
        ScenarioError: every problem, one line each with file, line and field.
    """
    shown = shown or str(path)
    if path.is_file() and not path.read_text(encoding="utf-8", errors="replace").strip():
        raise ScenarioError([Problem(shown, 1, 1, "", "the file is empty; a robust file needs "
                                     "at least kind: robust, base, levers, uncertainties, "
                                     "samples and objective")])
    tree = read_file(path, shown)
    refuse_other_kind(tree, "robust")
    problems = list(tree.problems)
    try:
        spec = RobustFile.model_validate_json(json.dumps(tree.data), strict=True)
    except ValidationError as err:
        problems += explain(err, tree, RobustFile)
        raise ScenarioError(sorted_problems(problems)) from None
    problems += file_problems(spec, tree)
    if problems:
        raise ScenarioError(sorted_problems(problems))
    return spec, tree


def file_problems(spec: RobustFile, tree: Tree) -> list[Problem]:
    """What the field types cannot say."""
    problems: list[Problem] = []

    def add(path: tuple, message: str) -> None:
        problems.append(Problem.at(tree.origin(path), dotted(path), message))

    for path, options in spec.levers.items():
        if len(options) < 2:
            add(("levers", path), "a lever needs at least two options to choose between")
        elif len({json.dumps(o) for o in options}) < len(options):
            add(("levers", path), "each option once: an option is listed twice")
        elif len({_kind(o) for o in options if o is not None}) > 1:
            add(("levers", path), "options must all be of one kind: numbers, text, or "
                                  "true/false (null may join any)")
    for path, (lo, hi) in spec.uncertainties.items():
        if not lo < hi:
            add(("uncertainties", path), f"lo must be below hi (got [{lo:g}, {hi:g}])")
        if path in spec.levers:
            add(("uncertainties", path), "is also a lever: a parameter is either chosen "
                                         "(levers) or unknown (uncertainties)")
    if len(spec.objective) != 1:
        add(("objective",), "give one output and its direction, e.g. {ceasefire_holding: max}")
    if spec.sampling == "sobol" and spec.samples & (spec.samples - 1):
        low = 2 ** int(math.log2(spec.samples))
        add(("samples",), f"a Sobol sequence needs a power of 2 (got {spec.samples}); use "
                          f"{low} or {2 * low}")
    return problems


def _kind(value: object) -> str:
    return "bool" if isinstance(value, bool) else "number" if isinstance(
        value, int | float) else "text"


if __name__ == "__main__":  # python -m sim.experiment.robustfile: regenerate the schema file
    target = FilePath(__file__).resolve().parents[2] / "scenarios" / "robust" / "schema.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(robust_schema(), indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    print(f"wrote {target}")
