"""The Rich tables that ``negsim run``, ``compare`` and ``sweep`` print.

Kept apart from the commands so that the commands read as load → call → print, and so that
the wording of every table is in one place. Rich loads only when a table is printed.
"""

from __future__ import annotations

from pathlib import Path

def print_results(results, quiet: bool) -> None:
    from rich.console import Console
    from rich.markup import escape

    from sim.results.metadata import with_changes

    console = Console(highlight=False)
    if not quiet:
        meta = results.metadata
        title = escape(with_changes(results.scenario["title"], meta))
        console.print(f"[bold]{title}[/bold]  ({meta['scenario']['stem']}: "
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
