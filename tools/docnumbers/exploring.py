"""docs/exploring.md: "What can the US do to make a ceasefire hold?", answered with
``negsim screen`` → ``sweep`` → ``discover`` → ``robust``.

The screen, the sweep and the robust run simulate 0.7 to 1.6 million histories each (about a
minute together on two cores), too slow for every test run. So they run only on request,
``python -m tools.docnumbers --exploring`` (:func:`rerun`), which runs each command as the
chapter shows it and keeps, in ``docs/data/exploring/``:

- ``screen/``: the screen's ``screen.csv`` and ``metadata.json``;
- ``sweep/``: the sweep's results folder (its points are small: 2,048 rows), which
  ``negsim discover`` reads;
- ``robust/``: the robust run's ``combinations.csv`` and ``metadata.json``;
- in each, ``printed.txt`` (what the command printed, as an 80-column terminal shows it) and
  ``checks.csv`` (a few of its points with their shares, which the tests simulate again: a
  point of a screen, sweep or robust run is exactly ``negsim run`` with its values, so stored
  results of an older model cannot pass for the current one's);
- ``run.json``: what was run (each command, its wall time, versions, commit, date);

and copies the chapter's figures into ``docs/figures/exploring_*.png``, drawn from those very
folders (the discover figures from ``negsim discover`` on the stored sweep).

:func:`generate` makes the chapter's excerpts and numbers from the stored files, and runs two
quick commands afresh in every regeneration and test: ``negsim discover`` on the stored sweep
(a few seconds; PRIM and CART are seeded, so its tables are checked exactly) and
``negsim run coalition-ceasefire-push`` (the share the chapter starts from).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

import sim
from sim.model.labels import Labels, output_metric
from sim.results.sweep import FILES as SWEEP_FILES
from sim.scenario.loader import load_scenario
from tools.docnumbers.commands import STAMP_SHOWN, negsim
from tools.docnumbers.generated import Generated
from tools.docnumbers.words import pct

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "docs" / "data" / "exploring"
FIGURES = ROOT / "docs" / "figures"
SCENARIO = "coalition-ceasefire-push"
HOLDING, COLLAPSED = "ceasefire_holding", "ceasefire_collapsed"
THRESHOLD = 0.3
"""The chapter's bar for a ceasefire that holds often enough: in at least 30% of the runs
(judgement: about the 80th percentile of the sweep's points, the default of discover)."""

COMMANDS = {
    "screen": f"negsim screen {SCENARIO} --output {HOLDING} --output {COLLAPSED} "
              "--range actors.usa.monitoring=0:0.9",
    "sweep": "negsim sweep ceasefire-regions",
    "robust": f"negsim robust us-levers --satisfice {THRESHOLD}",
}
"""The slow steps, as the chapter shows them (run by :func:`rerun` only)."""

DISCOVER = (f"negsim discover results/ceasefire-regions/{STAMP_SHOWN} --outcome {HOLDING} "
            f"--threshold {THRESHOLD}")
"""The discover step as the chapter shows it; it runs on the stored sweep folder."""

BASELINE = f"negsim run {SCENARIO}"

CHECK_POINTS = 4
"""Points of each stored run that the tests simulate again (evenly spread)."""

FIGURES_SHOWN = {
    "screen": [f"screen_{HOLDING}.png"],
    "discover": ["discover_box_1.png", "discover_peeling.png"],
    "robust": ["robust_levers.png"],
}
"""The figures the chapter shows, copied as ``exploring_<name>``."""

MONITORING, TRUMP = "actors.usa.monitoring", "actors.usa.attendance.mode"
PUTIN, FOLLOWS = "actors.russia.attendance.propensity", "actors.russia.attendance.follows.usa"
TRUMP_PROPENSITY, MOMENTUM = "actors.usa.attendance.propensity", "actors.russia.momentum"
SEQUENCE, COALITION = "issues.ceasefire.opens_after", "actors.coalition.attendance.mode"


# -- running the slow steps (on request) ----------------------------------------------------


def rerun(commands: dict[str, str] = COMMANDS, data: Path = DATA,
          figures: Path | None = FIGURES) -> None:
    """Run the screen, the sweep and the robust run; keep what the chapter needs in
    ``data``; copy the figures it shows into ``figures``."""
    record = {}
    with tempfile.TemporaryDirectory() as workdir:
        ran = {}
        for step, command in commands.items():
            began = time.monotonic()
            ran[step] = negsim(command, Path(workdir))
            record[step] = {"command": command,
                            "wall_seconds": round(time.monotonic() - began, 1)}
        if data.exists():
            shutil.rmtree(data)
        _keep_screen(ran["screen"], data / "screen")
        _keep_sweep(ran["sweep"], data / "sweep")
        _keep_robust(ran["robust"], data / "robust")
        meta = json.loads((ran["sweep"].folder / "metadata.json").read_text(encoding="utf-8"))
        kept = ("negsim", "model", "mesa", "numpy", "python", "git_commit", "time_utc")
        (data / "run.json").write_text(json.dumps(
            {"cores": os.cpu_count(), **{k: meta[k] for k in kept}, "steps": record},
            indent=2) + "\n", encoding="utf-8")
        if figures is not None:
            drawn = {step: ran[step].folder for step in ("screen", "robust")}
            drawn["discover"] = negsim(_discover_on(data), Path(workdir)).folder
            _copy_figures(drawn, figures)


def _keep_screen(ran, into: Path) -> None:
    into.mkdir(parents=True)
    for name in ("screen.csv", "metadata.json"):
        shutil.copyfile(ran.folder / name, into / name)
    design = pd.read_parquet(ran.folder / "design.parquet")
    points = pd.read_parquet(ran.folder / "points.parquet")
    shares = points[["point", *[c for c in points.columns if c.endswith(".share")]]]
    _checks(design.merge(shares, on="point")).to_csv(into / "checks.csv", index=False)
    _printed(ran, into)


def _keep_sweep(ran, into: Path) -> None:
    into.mkdir(parents=True)
    for name in SWEEP_FILES:
        shutil.copyfile(ran.folder / name, into / name)
    points = pd.read_csv(ran.folder / "points.csv")
    kept = [c for c in points.columns if not c.endswith((".ci_low", ".ci_high"))]
    _checks(points[kept]).to_csv(into / "checks.csv", index=False)
    _printed(ran, into)


def _keep_robust(ran, into: Path) -> None:
    into.mkdir(parents=True)
    for name in ("combinations.csv", "metadata.json", "robust.yaml"):
        shutil.copyfile(ran.folder / name, into / name)
    points = pd.read_csv(ran.folder / "points.csv", keep_default_na=False)
    kept = [c for c in points.columns if not c.endswith((".ci_low", ".ci_high"))]
    _checks(points[kept]).to_csv(into / "checks.csv", index=False)
    _printed(ran, into)


def _checks(points: pd.DataFrame) -> pd.DataFrame:
    picked = sorted({round(i * (len(points) - 1) / (CHECK_POINTS - 1))
                     for i in range(CHECK_POINTS)})
    return points.iloc[picked]


def _printed(ran, into: Path) -> None:
    (into / "printed.txt").write_text(ran.shown, encoding="utf-8")


def _discover_on(data: Path) -> str:
    """The chapter's discover command, on the stored sweep folder."""
    return DISCOVER.replace(f"results/ceasefire-regions/{STAMP_SHOWN}",
                            shlex.quote(str(data / "sweep")))


def _copy_figures(folders: dict[str, Path], figures: Path) -> None:
    figures.mkdir(parents=True, exist_ok=True)
    for step, names in FIGURES_SHOWN.items():
        for name in names:
            shutil.copyfile(folders[step] / "figures" / name, figures / f"exploring_{name}")


# -- what the chapter shows -----------------------------------------------------------------


def generate(workdir: Path, data: Path = DATA) -> Generated:
    record = json.loads((data / "run.json").read_text(encoding="utf-8"))
    labels = Labels(load_scenario(SCENARIO))
    made = Generated()
    made.value("exploring.run", _run(record))
    for step in COMMANDS:
        made.value(f"exploring.{step}.command", f"```sh\n{record['steps'][step]['command']}\n```")
    made.value("exploring.discover.command", f"```sh\n{DISCOVER}\n```")
    _baseline(made, workdir)
    _screen(made, data / "screen", labels)
    _sweep(made, data / "sweep")
    discovered = negsim(_discover_on(data), workdir, "--no-plots")
    _discover(made, discovered)
    _robust(made, data / "robust")
    return made


def _run(record: dict) -> str:
    steps = record["steps"]
    seconds = ", ".join(f"{step} {steps[step]['wall_seconds']:.0f} s" for step in COMMANDS)
    commit = (record["git_commit"] or "unrecorded")[:7]
    return (f"Run on {record['time_utc'][:10]} (negsim {record['negsim']}, model version "
            f"{record['model']}, commit {commit}) on a machine with {record['cores']} cores "
            f"shared with other work: {seconds}.")


def _baseline(made: Generated, workdir: Path) -> None:
    summary = pd.read_csv(negsim(BASELINE, workdir, "--no-plots").folder / "summary.csv")

    def share(metric: str, category: str) -> float:
        row = summary[(summary["metric"] == metric) & (summary["category"] == category)]
        return float(row["share"].iloc[0])

    made.value("exploring.baseline.command", f"`{BASELINE}`")
    made.value("exploring.baseline.holding", pct(share("outcome", HOLDING)))
    made.value("exploring.baseline.agreed", pct(share("agreed", "ceasefire")))
    made.value("exploring.baseline.trump", pct(share("attended", "usa")))
    made.value("exploring.baseline.putin", pct(share("attended", "russia")))


# -- step 1: screen ------------------------------------------------------------------------


def _screen(made: Generated, data: Path, labels: Labels) -> None:
    table = pd.read_csv(data / "screen.csv")
    made.value("exploring.screen.output", _text(_screen_excerpt(data)))
    holding = table[table["output"] == HOLDING].set_index("parameter")
    collapsed = table[table["output"] == COLLAPSED].set_index("parameter")
    status = holding["status"].value_counts()
    made.value("exploring.screen.no_effect", str(int(status.get("no measured effect", 0))))
    made.value("exploring.screen.cannot_act", str(int(status.get("cannot act here", 0))))
    for name, path in (("putin", PUTIN), ("follows", FOLLOWS), ("trump", TRUMP_PROPENSITY),
                       ("monitoring", MONITORING), ("momentum", MOMENTUM)):
        made.value(f"exploring.screen.{name}.rank", _rank(holding.loc[path, "rank"]))
        if name != "follows":
            made.value(f"exploring.screen.{name}.mu", _points(holding.loc[path, "mu_star"]))
    made.value("exploring.screen.monitoring.collapsed.rank",
               _rank(collapsed.loc[MONITORING, "rank"]))
    made.value("exploring.screen.monitoring.collapsed.mu",
               _points(collapsed.loc[MONITORING, "mu_star"]))
    made.value("exploring.screen.monitoring.collapsed.sign",
               "fewer" if collapsed.loc[MONITORING, "mu"] < 0 else "more")
    top = holding[holding["status"] == "ranked"].sort_values("rank")
    made.value("exploring.screen.top", labels.parameter(top.index[0]))
    made.value("exploring.screen.top.mu", _points(top["mu_star"].iloc[0]))
    made.value("exploring.screen.top.conf", _points(top["mu_star_conf"].iloc[0]))
    made.claim("exploring: Putin's attendance propensity is among the five largest μ* for "
               "ceasefire_holding", holding.loc[PUTIN, "rank"] <= 5)
    made.claim("exploring: how far Putin follows Trump, and Trump's own propensity, rank in "
               "the top ten for ceasefire_holding",
               holding.loc[FOLLOWS, "rank"] <= 10 and holding.loc[TRUMP_PROPENSITY, "rank"] <= 10)
    made.claim("exploring: Trump's propensity outranks US monitoring (over 0-0.9) for "
               "ceasefire_holding",
               holding.loc[TRUMP_PROPENSITY, "rank"] < holding.loc[MONITORING, "rank"])
    made.claim("exploring: US monitoring ranks higher for ceasefire_collapsed than for "
               "ceasefire_holding, and means fewer collapses (μ < 0)",
               collapsed.loc[MONITORING, "rank"] < holding.loc[MONITORING, "rank"]
               and collapsed.loc[MONITORING, "mu"] < 0)
    made.claim("exploring: Russia's momentum ranks below the top ten in the screen",
               holding.loc[MOMENTUM, "rank"] > 10)
    made.claim("exploring: the screen's intervals are wide (the top parameter's half-width is "
               "at least a third of its μ*)",
               top["mu_star_conf"].iloc[0] >= top["mu_star"].iloc[0] / 3)
    bargaining = {"actors.ukraine.reservation.ceasefire", "actors.russia.reservation.ceasefire",
                  "actors.ukraine.positions.ceasefire", "talks.pressure_scale"}
    made.claim("exploring: the two largest μ* for ceasefire_holding are the delegations' "
               "bottom lines or positions on the ceasefire, or the talks' pressure scale",
               set(top.index[:2]) <= bargaining)
    made.claim("exploring: Ukraine's mandate on the ceasefire has no measured effect",
               holding.loc["actors.ukraine.mandate.ceasefire", "status"] == "no measured effect")
    made.claim("exploring: Türkiye's attendance propensity cannot act here",
               holding.loc["actors.turkey.attendance.propensity", "status"]
               == "cannot act here")


def _screen_excerpt(data: Path) -> list[str]:
    """The screen's header, its table for ceasefire_holding, that output's list of no
    measured effect, and the values that cannot act (the collapse table is left out)."""
    lines = (data / "printed.txt").read_text(encoding="utf-8").splitlines()
    head = lines[:2]
    start = next(i for i, line in enumerate(lines) if ": ranked by μ*" in line
                 and "held" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("No measured"))
    cannot = next(i for i, line in enumerate(lines) if line.startswith("Cannot act here"))
    idle = next(i for i in range(cannot, len(lines)) if lines[i].startswith("Idle at"))
    return [*head, "", *lines[start:end + 1], "", *lines[cannot:idle], "…"]


# -- step 2: sweep -------------------------------------------------------------------------


def _sweep(made: Generated, data: Path) -> None:
    lines = (data / "printed.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("30-day ceasefire agreed "
                                                                      "and held"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    made.value("exploring.sweep.output", _text([*lines[:start], *lines[start:end], "…"]))
    points = pd.read_parquet(data / "points.parquet")
    share = points[f"{HOLDING}.share"]
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    made.value("exploring.sweep.file", "```yaml\n" + (data / "sweep.yaml").read_text(
        encoding="utf-8").strip("\n") + "\n```")
    made.value("exploring.sweep.low", pct(share.min()))
    made.value("exploring.sweep.median", pct(share.median()))
    made.value("exploring.sweep.high", pct(share.max()))
    error = (share.median() * (1 - share.median()) / meta["runs"]) ** 0.5
    made.value("exploring.sweep.se", f"{100 * error:.0f}")
    robust = yaml.safe_load((ROOT / "scenarios" / "robust" / "us-levers.yaml").read_text(
        encoding="utf-8"))
    swept = yaml.safe_load((data / "sweep.yaml").read_text(encoding="utf-8"))["parameters"]
    made.claim("exploring: the sweep's uncertain assumptions are the robust file's, with the "
               "same ranges, and its other parameters are two of the robust file's levers",
               {p: v["range"] for p, v in swept.items() if p not in (MONITORING, TRUMP)}
               == robust["uncertainties"] and {MONITORING, TRUMP} <= set(robust["levers"]))
    _monitoring_halves(made, points)
    above = (share >= THRESHOLD).mean()
    made.value("exploring.sweep.above", pct(above))
    made.claim("exploring: about a fifth of the sweep's points reach the threshold "
               "(between 10% and 30%)", 0.1 <= above <= 0.3)


SPLIT = 0.45
"""Where the sweep's monitoring range (0–0.9) is cut in halves, weaker and stronger."""


def _monitoring_halves(made: Generated, points: pd.DataFrame) -> None:
    """Among the sweep's points with Trump attending: the mean shares with weaker and
    stronger US monitoring (the Latin hypercube puts about half the points in each)."""
    trump = points[points[TRUMP] == "always"]
    strong = trump[MONITORING] >= SPLIT
    means = {(output, half): trump[mask][f"{output}.share"].mean()
             for output in ("agreed.ceasefire", HOLDING, COLLAPSED)
             for half, mask in (("strong", strong), ("weak", ~strong))}
    for (output, half), mean in means.items():
        made.value(f"exploring.halves.{output}.{half}", pct(mean))
    made.claim("exploring: with Trump attending, stronger monitoring goes with more agreed, "
               "more holding and fewer collapsed ceasefires, the rise in agreement smaller than "
               "the rise in holding (part of the gain is fewer collapses)",
               means[(HOLDING, "strong")] > means[(HOLDING, "weak")]
               and means[(COLLAPSED, "strong")] < means[(COLLAPSED, "weak")]
               and 0 < means[("agreed.ceasefire", "strong")] - means[("agreed.ceasefire", "weak")]
               < means[(HOLDING, "strong")] - means[(HOLDING, "weak")])


# -- step 3: discover ----------------------------------------------------------------------


def _discover(made: Generated, ran) -> None:
    lines = ran.shown.splitlines()
    cart = next(i for i, line in enumerate(lines) if line.startswith("CART"))
    made.value("exploring.discover.output", _text(lines[:cart + 1]))
    boxes = pd.read_csv(ran.folder / "boxes.csv", keep_default_na=False)
    meta = json.loads((ran.folder / "metadata.json").read_text(encoding="utf-8"))
    first = boxes[boxes["box"] == 1].set_index("parameter")
    made.value("exploring.discover.of_interest", f"{meta['of_interest']:,}")
    made.value("exploring.box1.coverage", _whole(first["coverage"].iloc[0]))
    made.value("exploring.box1.density", _whole(first["density"].iloc[0]))
    made.value("exploring.box1.mass", _whole(first["mass"].iloc[0]))
    made.value("exploring.box1.putin", _limit(first.loc[PUTIN, "low"]))
    made.value("exploring.box1.momentum", _limit(first.loc[MOMENTUM, "high"]))
    made.value("exploring.box1.putin_q", f"{first.loc[PUTIN, 'quasi_p']:.0e}")
    made.value("exploring.box1.trump_q", f"{first.loc[TRUMP, 'quasi_p']:.0e}")
    base = meta["of_interest"] / meta["points"]
    made.value("exploring.box1.lift", f"{first['density'].iloc[0] / base:.1f}")
    tree = (ran.folder / "tree.txt").read_text(encoding="utf-8").splitlines()
    made.claim("exploring: the CART tree splits first on Trump's attendance",
               TRUMP in tree[0])
    later = boxes[boxes["box"] > 1]
    made.value("exploring.box2.coverage", _whole(later[later["box"] == 2]["coverage"].iloc[0]))
    made.claim("exploring: box 1 keeps Trump always attending, Putin's propensity bounded "
               "below and Russia's momentum bounded above",
               first.loc[TRUMP, "categories"] == "always"
               and float(first.loc[PUTIN, "low"]) > 0.05
               and float(first.loc[MOMENTUM, "high"]) < 0.6)
    made.claim("exploring: box 1 leaves US monitoring open, or cuts off at most its lowest "
               "tenth (below 0.09) with a quasi-p-value above 0.05",
               MONITORING not in first.index
               or (float(first.loc[MONITORING, "low"]) < 0.09
                   and float(first.loc[MONITORING, "quasi_p"]) > 0.05))
    if MONITORING in first.index:
        made.value("exploring.box1.monitoring", f"{float(first.loc[MONITORING, 'low']):.2f}")
        made.value("exploring.box1.monitoring.q", f"{float(first.loc[MONITORING, 'quasi_p']):.1g}")
    made.claim("exploring: box 1 holds most points of interest (coverage above 0.6) and "
               "most of its points are of interest (density above 0.6)",
               first["coverage"].iloc[0] > 0.6 and first["density"].iloc[0] > 0.6)
    monitoring = boxes[boxes["parameter"] == MONITORING]
    made.claim("exploring: no box restricts US monitoring with a quasi-p-value of 0.05 or "
               "less, and the boxes after the first cover less than a fifth of the points "
               "of interest each",
               (monitoring["quasi_p"].astype(float) > 0.05).all()
               and (later.groupby("box")["coverage"].first() < 0.2).all())
    made.claim("exploring: every box keeps Trump always attending",
               all(boxes[(boxes["box"] == b) & (boxes["parameter"] == TRUMP)]["categories"]
                   .tolist() == ["always"] for b in set(boxes["box"])))
    made.value("exploring.box1.trust", _limit(first.loc["trust.ukraine.russia", "low"]))
    made.claim("exploring: box 1 bounds Ukraine's trust in Russia from below",
               "trust.ukraine.russia" in first.index
               and float(first.loc["trust.ukraine.russia", "high"]) >= 0.399)


# -- step 4: robust ------------------------------------------------------------------------


def _robust(made: Generated, data: Path) -> None:
    lines = (data / "printed.txt").read_text(encoding="utf-8").splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("Results written"))
    made.value("exploring.robust.output", _text([*lines[:end]]).replace("\n\n```", "\n```"))
    table = pd.read_csv(data / "combinations.csv", keep_default_na=False).sort_values("rank")
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    best = table.iloc[0]
    made.value("exploring.robust.best.mean", _points(best["mean"]))
    made.value("exploring.robust.best.meets", _whole(best["meets"]))
    made.value("exploring.robust.best.p10", _points(best["p10"]))
    made.value("exploring.robust.best.p90", _points(best["p90"]))

    def row(monitoring: float, trump: str, sequence: str, coalition: str) -> pd.Series:
        hit = table[(table[MONITORING].astype(float) == monitoring) & (table[TRUMP] == trump)
                    & (table[SEQUENCE].astype(str) == sequence) & (table[COALITION] == coalition)]
        return hit.iloc[0]

    exchange_first = row(0.8, "always", "exchange", "always")
    no_monitoring = row(0.0, "always", "null", "always")
    no_coalition = row(0.8, "always", "null", "never")
    auto = table[table[TRUMP] == "auto"]
    made.value("exploring.robust.exchange.regret", _points(exchange_first["regret_max"]))
    monitoring_only = row(0.8, "auto", "null", "always")
    made.value("exploring.robust.no_monitoring.rank", _rank(no_monitoring["rank"]))
    made.value("exploring.robust.monitoring_only.rank", _rank(monitoring_only["rank"]))
    made.value("exploring.robust.monitoring_only.mean", _points(monitoring_only["mean"]))
    made.value("exploring.robust.no_monitoring.regret", _points(no_monitoring["regret_max"]))
    made.value("exploring.robust.no_monitoring.mean", _points(no_monitoring["mean"]))
    made.value("exploring.robust.no_coalition.regret", _points(no_coalition["regret_max"]))
    made.value("exploring.robust.auto.regret", _points(auto["regret_max"].min()))
    made.value("exploring.robust.auto.meets", _whole(auto["meets"].max()))
    made.value("exploring.robust.worlds", f"{meta['worlds']:,}")
    made.claim("exploring: the best combination is US monitoring 0.8, Trump always, the "
               "ceasefire at once and the coalition at the table, with zero regret",
               float(best[MONITORING]) == 0.8 and best[TRUMP] == "always"
               and str(best[SEQUENCE]) == "null" and best[COALITION] == "always"
               and best["regret_max"] == 0)
    made.claim("exploring: the six best-ranked combinations all have Trump always attending",
               (table.head(6)[TRUMP] == "always").all())
    made.claim("exploring: with Trump deciding as in the baseline (auto), no combination "
               "comes within 25 points of the best in its worst world",
               auto["regret_max"].min() > 0.25)
    made.claim("exploring: monitoring without Trump does less than Trump without monitoring "
               "(mean)", monitoring_only["mean"] < no_monitoring["mean"])


# -- checks ----------------------------------------------------------------------------------


def check_point_runs(data: Path = DATA):
    """For each stored check point of the screen, the sweep and the robust run: its name,
    its scenario (the base with the point's values), runs, seed and the shares the stored run
    found there. Simulating the scenario must give the same shares."""
    for step, base, values in (("screen", SCENARIO, _screen_values),
                               ("sweep", SCENARIO, _sweep_values),
                               ("robust", SCENARIO, _robust_values)):
        folder = data / step
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        points = pd.read_csv(folder / "checks.csv", keep_default_na=False)
        for row in points.to_dict("records"):
            shares = {c.removesuffix(".share"): v for c, v in row.items()
                      if c.endswith(".share")}
            yield (f"{step} point {row['point']}", load_scenario(base, values(row, meta)),
                   meta["runs"], meta["seed"], shares)


def _screen_values(row: dict, meta: dict) -> list[str]:
    return [f"{r['path']}={json.dumps(float(row[r['path']]))}" for r in meta["ranges"]]


def _sweep_values(row: dict, meta: dict) -> list[str]:
    return [_override(path, row[path]) for path in meta["parameters"]]


def _robust_values(row: dict, meta: dict) -> list[str]:
    paths = [*meta["levers"], *meta["uncertainties"]]
    return [_override(path, row[path]) for path in paths if row[path] != "null"]


def _override(path: str, value) -> str:
    return f"{path}={float(value)!r}" if isinstance(value, int | float) else f"{path}={value}"


def share_now(scenario, runs: int, seed: int, output: str) -> float:
    summary = sim.simulate(scenario, runs=runs, seed=seed).summary
    metric, category = output_metric(output)
    row = summary[(summary["metric"] == metric) & (summary["category"] == category)]
    return float(row["share"].iloc[0])


def current(data: Path = DATA) -> list[str]:
    """Why the stored runs are not the chapter's commands on the shipped files and the
    current model (empty: they are)."""
    record = json.loads((data / "run.json").read_text(encoding="utf-8"))
    problems = [f"{step}: stored {record['steps'][step]['command']!r}, now {command!r}"
                for step, command in COMMANDS.items()
                if record["steps"].get(step, {}).get("command") != command]
    if record["model"] != sim.MODEL_VERSION:
        problems.append(f"model: stored {record['model']!r}, now {sim.MODEL_VERSION!r}")
    for stored, shipped in ((data / "sweep" / "sweep.yaml",
                             ROOT / "scenarios" / "sweeps" / "ceasefire-regions.yaml"),
                            (data / "robust" / "robust.yaml",
                             ROOT / "scenarios" / "robust" / "us-levers.yaml")):
        if stored.read_text(encoding="utf-8") != shipped.read_text(encoding="utf-8"):
            problems.append(f"{shipped.relative_to(ROOT)} changed since the stored run")
    return problems


# -- how numbers are written -----------------------------------------------------------------


def _text(lines: list[str]) -> str:
    return "```text\n" + "\n".join(line.rstrip() for line in lines).strip("\n") + "\n```"


def _points(share: float) -> str:
    """A share or a change of share in percentage points, as the tables print it."""
    return f"{100 * share:.1f}"


def _whole(share: float) -> str:
    return f"{100 * share:.0f}%"


def _rank(rank) -> str:
    return f"{int(float(rank))}"


def _limit(value) -> str:
    return f"{float(value):.2f}"
