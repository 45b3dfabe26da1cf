"""The Rich tables that ``negsim run``, ``compare`` and ``sweep`` print.

Kept apart from the commands so that the commands read as load → call → print, and so that
the wording of every table is in one place. Rich loads only when a table is printed.
"""

from __future__ import annotations

from pathlib import Path

def print_results(results, quiet: bool) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    if not quiet:
        meta = results.metadata
        console.print(f"[bold]{results.scenario['title']}[/bold]  ({meta['scenario']['stem']}: "
                      f"{meta['runs']:,} runs, seed {meta['seed']})", soft_wrap=True)
        for table in _tables(results):
            console.print()
            console.print(table)
        console.print()
    console.print(_written(results.path), soft_wrap=True)


def _tables(results) -> list:
    summary, config = results.summary, results.scenario
    actors, issues = config["actors"], config["issues"]
    rows = {metric: group for metric, group in summary.groupby("metric", sort=False)}

    def leader(actor: str) -> str:
        return f"{actors[actor]['leader']} ({actors[actor]['name']})"

    attendance = [(leader(r.category), r) for r in rows["attended"].itertuples()]
    attendance += [("All party leaders met", r) for r in rows["leaders_met"].itertuples()]
    return [
        _table("Outcome", [(r.category, r) for r in rows["outcome"].itertuples()]),
        _table("Leader attends", attendance),
        _table("Issue agreed", [(issues[r.category]["label"], r)
                                for r in rows["agreed"].itertuples()]),
    ]


def _table(title: str, rows: list):
    from rich.table import Table

    table = Table(title=None, show_edge=False, pad_edge=False)
    table.add_column(title)
    table.add_column("Share", justify="right")
    table.add_column("95% interval", justify="right")
    for label, r in rows:
        table.add_row(label, f"{100 * r.share:.1f}%",
                      f"{100 * r.ci_low:.1f}–{100 * r.ci_high:.1f}%")
    return table


def print_comparison(result, quiet: bool) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    if not quiet:
        meta = result.metadata
        console.print(f"[bold]Compare[/bold] {', '.join(result.labels)}  ({meta['runs']:,} "
                      f"paired runs each, seed {meta['seed']})", soft_wrap=True)
        console.print()
        console.print(_parameter_table(result))
        console.print()
        console.print(_comparison_table(result))
        console.print("Shares in % (95% Wilson interval). Δ: difference from the first "
                      "scenario in points, mean of the per-replicate paired differences ± its "
                      "95% interval (normal approximation); * the interval excludes 0.",
                      soft_wrap=True)
        console.print()
    console.print(_written(result.path), soft_wrap=True)


def _parameter_table(result):
    from rich.table import Table

    table = Table(title="Parameters that differ", show_edge=False, pad_edge=False)
    table.add_column("Path")
    for label in result.labels:
        table.add_column(label)
    for row in result.parameters.itertuples(index=False):
        table.add_row(*row)
    if result.parameters.empty:
        table.add_row("(none: the scenarios are identical)", *[""] * len(result.labels))
    return table


def _comparison_table(result):
    from rich.table import Table

    labels, shares = result.labels, result.shares
    diffs = result.differences.set_index(["scenario", "metric", "category"])
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Metric")
    for label in labels:
        table.add_column(label, justify="right")
    for label in labels[1:]:
        table.add_column(f"Δ {label}", justify="right")
    keys = list(dict.fromkeys(zip(shares["metric"], shares["category"], strict=True)))
    by = shares.set_index(["scenario", "metric", "category"])
    for metric, category in keys:
        cells = [_share_cell(by, label, metric, category) for label in labels]
        cells += [_diff_cell(diffs, label, metric, category) for label in labels[1:]]
        name = category if metric == "outcome" else f"{metric} {category}".replace(
            "leaders_met all", "leaders met")
        table.add_row(name, *cells)
    return table


def _share_cell(by, label: str, metric: str, category: str) -> str:
    if (label, metric, category) not in by.index:
        return "–"
    r = by.loc[(label, metric, category)]
    return f"{100 * r.share:.1f} ({100 * r.ci_low:.1f}–{100 * r.ci_high:.1f})"


def _diff_cell(diffs, label: str, metric: str, category: str) -> str:
    if (label, metric, category) not in diffs.index:
        return "–"
    r = diffs.loc[(label, metric, category)]
    mark = "*" if r.significant else " "
    return f"{100 * r['diff']:+.1f} ± {50 * (r.ci_high - r.ci_low):.1f}{mark}"


def print_sweep(result, quiet: bool) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    meta = result.metadata
    if not quiet:
        console.print(f"[bold]Sweep[/bold] {meta['sweep']['stem']} of {meta['scenario']['stem']}"
                      f": {meta['design']}, {meta['points']:,} points × {meta['runs']:,} runs "
                      f"(seed {meta['seed']}, {meta['groups']} ensemble group"
                      f"{'s' if meta['groups'] != 1 else ''})", soft_wrap=True)
        console.print()
        console.print(_sweep_table(result))
        if result.indices is not None and len(result.indices):
            console.print()
            console.print(_indices_table(result))
    for note in result.warnings:
        console.print(f"warning: {note}", soft_wrap=True, style="yellow")
    if not quiet:
        console.print()
    console.print(_written(result.path), soft_wrap=True)


def _sweep_table(result):
    from rich.table import Table

    table = Table(title="Outputs across the points", show_edge=False, pad_edge=False)
    for name in ("Output", "Lowest", "Median", "Highest"):
        table.add_column(name, justify="left" if name == "Output" else "right")
    for output in result.metadata["outputs"]:
        share = result.points[f"{output}.share"]
        table.add_row(output, *(f"{100 * v:.1f}%" for v in (share.min(), share.median(),
                                                             share.max())))
    return table


def _indices_table(result):
    from rich.table import Table

    indices = result.indices
    main, first = ("ST", "S1") if "ST" in set(indices["index"]) else ("mu_star", "sigma")
    table = Table(title=f"Sensitivity ({main} ± 95% interval; {first})", show_edge=False,
                  pad_edge=False)
    table.add_column("Parameter")
    outputs = list(dict.fromkeys(indices["output"]))
    for output in outputs:
        table.add_column(output, justify="right")
    by = indices.set_index(["output", "parameter", "index"])
    for parameter in dict.fromkeys(indices["parameter"]):
        cells = []
        for output in outputs:
            if (output, parameter, main) not in by.index:
                cells.append("–")
                continue
            m, f = by.loc[(output, parameter, main)], by.loc[(output, parameter, first)]
            cells.append(f"{m.value:.2f} ± {m.conf:.2f}; {f.value:.2f}")
        table.add_row(parameter, *cells)
    return table


def _written(path) -> str:
    figures = " (figures in figures/)" if (Path(path) / "figures").is_dir() else ""
    return f"Results written to {path}/{figures}"


def print_discovery(result, quiet: bool) -> None:
    """``negsim discover``: the points of interest, each PRIM box, CART in one line."""
    import pandas as pd
    from rich.console import Console

    console = Console(highlight=False)
    meta = result.metadata
    if not quiet:
        scenario = _resolved_scenario(result.path)
        console.print(f"[bold]Scenario discovery[/bold] over the sweep {meta['sweep']['stem']} "
                      f"of {meta['scenario']['stem']}: {meta['of_interest']:,} of "
                      f"{meta['points']:,} points have {meta['output']} ≥ "
                      f"{100 * meta['threshold']:.1f}% of runs", soft_wrap=True)
        if result.boxes.empty:
            console.print("\nPRIM found no box richer in these points than the sweep as a "
                          "whole.", soft_wrap=True)
        points = pd.read_csv(Path(result.path) / "points.csv")
        for number, box in result.boxes.groupby("box", sort=True):
            console.print()
            console.print(_box_table(number, box, scenario, points))
        console.print()
        console.print(_tree_line(result.tree), soft_wrap=True)
        console.print()
    console.print(_written(result.path), soft_wrap=True)


def _resolved_scenario(folder) -> dict:
    import yaml

    return yaml.safe_load((Path(folder) / "scenario.yaml").read_text(encoding="utf-8"))


def _box_table(number, box, scenario: dict, points):
    from rich.table import Table

    from sim.report.labels import parameter_label, restriction_text

    first = box.iloc[0]
    table = Table(title=f"Box {number}: coverage {100 * first['coverage']:.0f}%, density "
                        f"{100 * first['density']:.0f}%, {100 * first['mass']:.0f}% of the "
                        "points", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("Parameter")
    table.add_column("In the box")
    table.add_column("quasi-p", justify="right")
    for row in box.itertuples():
        table.add_row(parameter_label(row.parameter, scenario), restriction_text(row, points),
                      "" if row.quasi_p != row.quasi_p else f"{row.quasi_p:.1g}")
    return table


def _tree_line(tree) -> str:
    leaves = tree.groupby("leaf").first()
    best = leaves.sort_values("density", ascending=False).iloc[0]
    return (f"CART, the second view: {len(leaves)} leaves; the richest has "
            f"{100 * best['density']:.0f}% points of interest and covers "
            f"{100 * best['coverage']:.0f}% of them (rules in tree.txt).")


ROBUST_ROWS = 20
"""At most this many combinations are printed, best first (all are in combinations.csv)."""


def print_robust(result, quiet: bool) -> None:
    """``negsim robust``: every lever combination by minimax regret."""
    from rich.console import Console

    console = Console(highlight=False)
    meta = result.metadata
    if not quiet:
        scenario = _resolved_scenario(result.path)
        goal = meta["objective"]
        console.print(f"[bold]Robust levers[/bold] {meta['robust']['stem']} of "
                      f"{meta['scenario']['stem']}: {meta['combinations']:,} lever combinations "
                      f"× {meta['worlds']:,} worlds × {meta['runs']:,} runs (seed "
                      f"{meta['seed']}); objective: {goal['output']}, "
                      f"{'higher' if goal['direction'] == 'max' else 'lower'} is better",
                      soft_wrap=True)
        console.print()
        console.print(_lever_legend(meta["levers"], scenario), soft_wrap=True)
        console.print()
        console.print(_robust_table(result))
        console.print(_robust_note(meta), soft_wrap=True)
        console.print()
    console.print(_written(result.path), soft_wrap=True)


def _lever_legend(levers: list[str], scenario: dict) -> str:
    from sim.report.labels import parameter_label

    return "Levers: " + "; ".join(f"L{i} {parameter_label(path, scenario)}"
                                  for i, path in enumerate(levers, start=1))


def _robust_table(result):
    from rich.table import Table

    meta, table = result.metadata, result.combinations.sort_values("rank")
    satisfice = meta.get("satisfice")
    grid = Table(show_edge=False, pad_edge=False)
    grid.add_column("Rank", justify="right")
    grid.add_column(" · ".join(f"L{i}" for i in range(1, len(meta["levers"]) + 1)))
    for name in ("Mean", "p10–p90", "Max\nregret", "p90\nregret"):
        grid.add_column(name, justify="right")
    if satisfice is not None:
        sign = "≥" if meta["objective"]["direction"] == "max" else "≤"
        grid.add_column(f"Meets\n{sign} {100 * satisfice:.0f}%", justify="right")
    for row in table.head(ROBUST_ROWS).to_dict(orient="records"):
        cells = [str(row["rank"]), " · ".join(_option(row[path]) for path in meta["levers"]),
                 f"{100 * row['mean']:.1f}", f"{100 * row['p10']:.0f}–{100 * row['p90']:.0f}",
                 f"{100 * row['regret_max']:.1f}", f"{100 * row['regret_p90']:.1f}"]
        if satisfice is not None:
            cells.append(f"{100 * row['meets']:.0f}%")
        grid.add_row(*cells)
    return grid


def _option(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _robust_note(meta: dict) -> str:
    shown = "" if meta["combinations"] <= ROBUST_ROWS else (
        f" The {ROBUST_ROWS} best of {meta['combinations']:,} are shown; all are in "
        "combinations.csv.")
    return ("Objective in % of runs across the worlds (mean; 10th–90th percentile). Regret: in "
            "each world, how many points the best combination did better; ranked by the "
            f"largest regret (minimax), then its 90th percentile.{shown}")
