"""docs/sensitivity.md (and its summaries in docs/model.md §10 and docs/experiments.md): the
Sobol indices of the shipped sweep ``baseline-sobol``.

That sweep simulates 4.1 million histories (about a minute on two cores), too slow to repeat
in every test run. So it runs only on request, ``python -m tools.docnumbers --sobol``
(:func:`rerun`), which keeps what the docs need in ``docs/data/baseline-sobol/``:

- ``indices.csv``: the sweep's indices, as it wrote them;
- ``run.json``: what was run (the command, the sweep's settings, versions, commit, date, wall
  time);
- ``checks.csv``: a few of its points with their shares, which the tests simulate again
  (point p of a sweep is exactly ``negsim run`` of its values), so that stored indices of an
  older model cannot pass for the current one;

and redraws the figures ``docs/figures/sensitivity_*.png``. The pages' tables and numbers are
made from those stored files by :func:`generate`, in every regeneration and test.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

import sim
from sim.experiment.sweep import load_sweep, resolve_sweep
from sim.model.labels import Labels
from sim.scenario.loader import load_scenario
from tools.docnumbers.commands import negsim
from tools.docnumbers.generated import Generated
from tools.docnumbers.words import index, span

ROOT = Path(__file__).resolve().parents[2]
SWEEP = "baseline-sobol"
DATA = ROOT / "docs" / "data" / SWEEP
FIGURES = ROOT / "docs" / "figures"
CHECK_POINTS = 12
"""Points of the stored sweep that the tests simulate again (evenly spread over the design)."""

OUTCOMES = ("ceasefire_holding", "ceasefire_collapsed", "exchange_only")
"""The sweep's outputs that are outcomes, in the page's order; ``leaders_met`` is shown apart."""

PROPENSITY, MOMENTUM = "actors.russia.attendance.propensity", "actors.russia.momentum"
MONITORING, CREDIBILITY = "actors.usa.monitoring", "actors.usa.credibility"
TRUST_UA, TRUST_RU = "trust.ukraine.russia", "trust.russia.ukraine"


# -- running the sweep (on request) ---------------------------------------------------------


def rerun(sweep: str = SWEEP, data: Path = DATA, figures: Path | None = FIGURES) -> None:
    """Run ``negsim sweep SWEEP`` and keep its indices, settings and check points in
    ``data``; copy the figures the docs show into ``figures``."""
    command = f"negsim sweep {sweep}"
    with tempfile.TemporaryDirectory() as workdir:
        began = time.monotonic()
        folder = negsim(command, Path(workdir)).folder
        seconds = time.monotonic() - began
        data.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / "indices.csv", data / "indices.csv")
        _check_points(pd.read_csv(folder / "points.csv")).to_csv(data / "checks.csv",
                                                                 index=False)
        (data / "run.json").write_text(
            json.dumps(_run_record(command, folder, seconds), indent=2) + "\n", encoding="utf-8")
        if figures is not None:
            for drawn in (folder / "figures").glob("sensitivity_*.png"):
                if (figures / drawn.name).exists():  # the figures the docs show
                    shutil.copyfile(drawn, figures / drawn.name)


def _check_points(points: pd.DataFrame) -> pd.DataFrame:
    picked = sorted({round(i * (len(points) - 1) / (CHECK_POINTS - 1))
                     for i in range(CHECK_POINTS)})
    shares = [c for c in points.columns if c.endswith(".share")]
    parameters = [c for c in points.columns if c != "point" and "." in c
                  and not c.endswith((".share", ".ci_low", ".ci_high"))]
    return points.loc[picked, ["point", *parameters, *shares]]


def _run_record(command: str, folder: Path, seconds: float) -> dict:
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    kept = ("negsim", "model", "mesa", "numpy", "python", "design", "parameters", "points",
            "samples", "runs", "seed", "outputs", "git_commit", "time_utc", "warnings")
    spec = load_sweep(resolve_sweep(command.split()[-1])).spec
    return {"command": command, "wall_seconds": round(seconds, 1), "cores": os.cpu_count(),
            "base": meta["scenario"]["stem"], "ranges": _ranges(spec),
            **{k: meta[k] for k in kept}}


def _ranges(spec) -> dict[str, list[float]]:
    return {path: list(p.range) for path, p in spec.parameters.items()}


# -- what the pages show --------------------------------------------------------------------


def stored(data: Path = DATA) -> tuple[pd.DataFrame, dict]:
    """The stored indices (one row per output and parameter: S1, S1_conf, ST, ST_conf) and
    the record of the run."""
    raw = pd.read_csv(data / "indices.csv")
    wide = raw.pivot_table(index=["output", "parameter"], columns="index",
                           values=["value", "conf"]).reset_index()
    wide.columns = ["output", "parameter", *[f"{i}_conf" if v == "conf" else i
                                             for v, i in wide.columns[2:]]]
    record = json.loads((data / "run.json").read_text(encoding="utf-8"))
    return wide, record


def generate(data: Path = DATA) -> Generated:
    indices, record = stored(data)
    labels = Labels(load_scenario(record["base"]))
    made = Generated()
    made.value("sensitivity.command", f"```sh\n{record['command']}\n```")
    made.value("sensitivity.run", _run(record, labels))
    made.value("sensitivity.tables", _tables(indices, labels))
    _findings(made, indices)
    return made


def _run(record: dict, labels: Labels) -> str:
    ranges = "; ".join(f"{labels.parameter(p)} {_number(low)}–{_number(high)}"
                       for p, (low, high) in record["ranges"].items())
    total = record["points"] * record["runs"]
    commit = (record["git_commit"] or "unrecorded")[:7]
    return (f"Run on {record['time_utc'][:10]} (negsim {record['negsim']}, model version "
            f"{record['model']}, commit {commit}) on a machine with "
            f"{record['cores']} cores, in {record['wall_seconds']:.0f} s: Saltelli's design "
            f"with N = {record['samples']}, {record['points']:,} parameter points × "
            f"{record['runs']} runs each ({total / 1e6:.1f} million simulated histories), "
            f"seed {record['seed']}, indices and their 95% bootstrap intervals from SALib. "
            f"Ranges: {ranges} (the ranges are judgement: wide bands around the starting "
            "values of [docs/model.md §9.2](model.md#92-starting-values)).")


def _number(x: float) -> str:
    return f"{x:g}"


def _tables(indices: pd.DataFrame, labels: Labels) -> str:
    parts = []
    for output in [*OUTCOMES, "leaders_met"]:
        rows = _ranked(indices, output)
        parts += [f"**{output}** ({labels.output(output)})", "",
                  "| parameter | S1 (alone) | ST (with interactions) |", "|---|---|---|",
                  *[f"| {labels.parameter(r.parameter)} (`{r.parameter}`) | "
                    f"{index(r.S1)} ± {index(r.S1_conf)} | {index(r.ST)} ± {index(r.ST_conf)} |"
                    for r in rows.itertuples()], ""]
    return "\n".join(parts).rstrip("\n")


def _ranked(indices: pd.DataFrame, output: str) -> pd.DataFrame:
    """An output's rows, largest total index (ST) first; ties by parameter path."""
    rows = indices[indices["output"] == output]
    return rows.sort_values(["ST", "parameter"], ascending=[False, True], kind="stable")


def ranking(indices: pd.DataFrame, output: str) -> list[str]:
    """The parameters of an output, largest total index (ST) first."""
    return list(_ranked(indices, output)["parameter"])


QUOTED = {
    "holding.trust_ua.st": ("ceasefire_holding", TRUST_UA, "ST"),
    "holding.trust_ru.st": ("ceasefire_holding", TRUST_RU, "ST"),
    "holding.monitoring.st": ("ceasefire_holding", MONITORING, "ST"),
    "collapsed.propensity.st": ("ceasefire_collapsed", PROPENSITY, "ST"),
    "collapsed.momentum.st": ("ceasefire_collapsed", MOMENTUM, "ST"),
    "collapsed.monitoring.st": ("ceasefire_collapsed", MONITORING, "ST"),
    "collapsed.monitoring.s1": ("ceasefire_collapsed", MONITORING, "S1"),
    "collapsed.momentum.s1": ("ceasefire_collapsed", MOMENTUM, "S1"),
    "exchange_only.trust_ua.st": ("exchange_only", TRUST_UA, "ST"),
    "exchange_only.trust_ru.st": ("exchange_only", TRUST_RU, "ST"),
    "exchange_only.monitoring.st": ("exchange_only", MONITORING, "ST"),
    "leaders_met.propensity.st": ("leaders_met", PROPENSITY, "ST"),
}
"""The single indices the pages' prose quotes: sensitivity.NAME is (output, parameter,
index)."""

WITH_INTERVAL = {
    "holding.propensity.st_pm": ("ceasefire_holding", PROPENSITY),
    "holding.momentum.st_pm": ("ceasefire_holding", MOMENTUM),
    "holding.trust_ua.st_pm": ("ceasefire_holding", TRUST_UA),
}
"""Total indices quoted with ± their 95% interval (docs/experiments.md)."""


def _findings(made: Generated, indices: pd.DataFrame) -> None:
    """The numbers the pages' prose quotes, and what that prose says about them."""
    by = indices.set_index(["output", "parameter"])
    st, s1 = by["ST"], by["S1"]
    for name, (output, parameter, kind) in QUOTED.items():
        made.value(f"sensitivity.{name}", index(by.loc[(output, parameter), kind]))
    for name, (output, parameter) in WITH_INTERVAL.items():
        row = by.loc[(output, parameter)]
        made.value(f"sensitivity.{name}", f"{index(row['ST'])} ± {index(row['ST_conf'])}")

    def over(values, parameter: str) -> str:
        numbers = sorted(values[(o, parameter)] for o in OUTCOMES)
        return span(index(numbers[0]), index(numbers[-1]))

    made.value("sensitivity.propensity.st", over(st, PROPENSITY))
    made.value("sensitivity.propensity.s1", over(s1, PROPENSITY))
    made.value("sensitivity.momentum.st", over(st, MOMENTUM))
    made.value("sensitivity.credibility.st_max",
               index(max(st[(o, CREDIBILITY)] for o in OUTCOMES)))
    _claims(made, indices, st, s1)


def _claims(made: Generated, indices: pd.DataFrame, st, s1) -> None:
    ranks = {o: ranking(indices, o) for o in OUTCOMES}
    made.claim("Sobol: Putin's propensity has the largest ST for every outcome",
               all(r[0] == PROPENSITY for r in ranks.values()))
    made.claim("Sobol: Putin's propensity explains about half of every outcome's variance "
               "(judgement: ST between 0.4 and 0.6)",
               all(0.4 <= st[(o, PROPENSITY)] <= 0.6 for o in OUTCOMES))
    made.claim("Sobol: Putin's propensity also has the largest S1 for every outcome",
               all(s1[(o, PROPENSITY)] == max(s1[(o, p)] for p in ranks[o]) for o in OUTCOMES))
    made.claim("Sobol: Russia's momentum comes second for every outcome",
               all(r[1] == MOMENTUM for r in ranks.values()))
    made.claim("Sobol: Ukraine's trust in Russia is third for ceasefire_holding and "
               "exchange_only, ahead of Russia's trust in Ukraine",
               all(ranks[o][2] == TRUST_UA and st[(o, TRUST_UA)] > st[(o, TRUST_RU)]
                   for o in ("ceasefire_holding", "exchange_only")))
    made.claim("Sobol: US monitoring is third for ceasefire_collapsed",
               ranks["ceasefire_collapsed"][2] == MONITORING)
    made.claim("Sobol: US monitoring's ST for ceasefire_collapsed is larger than for the "
               "other outcomes",
               all(st[("ceasefire_collapsed", MONITORING)] > st[(o, MONITORING)]
                   for o in ("ceasefire_holding", "exchange_only")))
    made.claim("Sobol: US credibility's ST is at most 0.05 for every outcome (judgement: "
               "'matters little')", all(st[(o, CREDIBILITY)] <= 0.05 for o in OUTCOMES))
    made.claim("Sobol: leaders_met depends on Putin's propensity alone (ST above 0.95, the "
               "others below 0.01)",
               st[("leaders_met", PROPENSITY)] > 0.95
               and all(st[("leaders_met", p)] < 0.01 for p in ranks["exchange_only"]
                       if p != PROPENSITY))


def check_point_scenarios(data: Path = DATA):
    """For each stored check point: its scenario (the base with the point's values), and the
    shares the sweep found there. Simulating the scenario with the stored runs and seed must
    give the same shares."""
    _, record = stored(data)
    points = pd.read_csv(data / "checks.csv")
    for row in points.to_dict("records"):
        overrides = [f"{p}={row[p]!r}" for p in record["parameters"]]
        shares = {o: row[f"{o}.share"] for o in record["outputs"]}
        yield load_scenario(record["base"], overrides), shares


def current(record: dict) -> list[str]:
    """Why a stored run is not the shipped sweep on the current model (empty: it is)."""
    spec = load_sweep(resolve_sweep(record["command"].split()[-1])).spec
    expected = {"model": sim.MODEL_VERSION, "design": spec.design, "samples": spec.samples,
                "runs": spec.runs, "seed": spec.seed, "outputs": spec.outputs,
                "parameters": list(spec.parameters), "ranges": _ranges(spec), "base": spec.base}
    return [f"{key}: stored {record.get(key)!r}, now {value!r}"
            for key, value in expected.items() if record.get(key) != value]
