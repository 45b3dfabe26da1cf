"""The Rich tables that ``negsim run``, ``compare``, ``sweep`` and ``screen`` print.

Kept apart from the commands so that the commands read as load → call → print, and so that
the layout of every table is in one place; the words in them come from
:class:`sim.model.labels.Labels`, as in the figures, the report and the view. Every table fits
a terminal of 80 columns: label columns wrap at spaces, number columns never do. Rich loads
only when a table is printed.
"""

from __future__ import annotations

from pathlib import Path

WIDTH = 80
"""The narrowest terminal the tables are laid out for."""


def _console():
    from rich.console import Console

    return Console(highlight=False)


def _new_table(label: str, *numbers: str, text: str | None = None):
    """A table of a label column and number columns, and maybe a last column of text: labels
    and text wrap at spaces, numbers never do."""
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    table.add_column(label, overflow="fold")
    for name in numbers:
        table.add_column(name, justify="right", no_wrap=True)
    if text is not None:
        table.add_column(text, overflow="fold")
    return table


def _heading(table, text: str) -> None:
    """A bold row naming the group of rows that follows."""
    table.add_row(f"[bold]{_plain(text)}[/bold]", *[""] * (len(table.columns) - 1))


def _plain(text: str) -> str:
    """A label from a scenario, shown as written (a ``[`` in it is not Rich markup)."""
    from rich.markup import escape

    return escape(text)


# -- negsim run ----------------------------------------------------------------------------


def print_results(results, quiet: bool) -> None:
    from sim.results.metadata import with_changes

    console = _console()
    if not quiet:
        meta = results.metadata
        title = _plain(with_changes(results.scenario["title"], meta))
        console.print(f"[bold]{title}[/bold]  ({meta['scenario']['stem']}: "
                      f"{meta['runs']:,} runs, seed {meta['seed']})", soft_wrap=True)
        for table in _tables(results):
            console.print()
            console.print(table)
        console.print()
    console.print(_written(results.path), soft_wrap=True)


def _tables(results) -> list:
    """The outcome and attendance tables, then what was agreed and why (in words from
    :mod:`sim.results.why`, as in the report and the view)."""
    from sim.model.labels import METRICS, Labels, heading
    from sim.results import why

    labels = Labels(results.scenario)
    rows = {metric: list(group.itertuples())
            for metric, group in results.summary.groupby("metric", sort=False)
            if metric in METRICS and metric != "agreed"}  # shown once it has its words

    def section(*metrics: str) -> list:
        return [(labels.category(m, r.category), r) for m in metrics for r in rows.get(m, [])]

    groups: dict[str, list] = {}
    for metric in rows:
        groups.setdefault(heading(metric), []).extend(section(metric))
    tables = [_share_table(title, group) for title, group in groups.items()]
    tables.append(_sections_table(f"Issue agreed ({why.ALL_RUNS})",
                                  why.agreements(results.summary, labels)))
    reasons = why.why(why.records(results.path), labels) if results.path else []
    return tables + [_sections_table(s.heading, [s], headings=False) for s in reasons]


def _share_table(title: str, rows: list):
    table = _new_table(title, "Share", "95% interval")
    for label, r in rows:
        table.add_row(_plain(label), f"{100 * r.share:.1f}%",
                      f"{100 * r.ci_low:.1f}–{100 * r.ci_high:.1f}%")
    return table


def _sections_table(title: str, sections: list, headings: bool = True):
    """Rows of :class:`sim.results.why.Section` s: each section's title as a heading (its
    rows indented below it), or, for one section, its rows alone."""
    table = _new_table(title, "Share", "95% interval")
    indent = "  " if headings else ""
    for s in sections:
        if headings:
            _heading(table, s.title)
        for line in s.lines:
            table.add_row(indent + _plain(line.text), f"{100 * line.share:.1f}%",
                          f"{100 * line.low:.1f}–{100 * line.high:.1f}%")
        if not s.lines:
            table.add_row(indent + _plain(s.empty), "", "")
    return table


# -- negsim compare ------------------------------------------------------------------------


def print_comparison(result, quiet: bool) -> None:
    console = _console()
    if not quiet:
        meta = result.metadata
        console.print(f"[bold]Compare[/bold] {', '.join(result.labels)}  ({meta['runs']:,} "
                      f"paired runs each, seed {meta['seed']})", soft_wrap=True)
        console.print(_letters_line(result.labels))
        console.print()
        console.print(_parameter_table(result))
        console.print()
        console.print(_comparison_table(result))
        console.print("Shares of runs in %. B − A: difference from the first scenario in "
                      "points, the mean of the per-replicate paired differences ± its 95% "
                      "interval (normal approximation); * the interval excludes 0. The "
                      "shares' own 95% intervals are in shares.csv and the report.")
        console.print()
    console.print(_written(result.path), soft_wrap=True)


def _letter(n: int) -> str:
    """A, B, ... Z, then S27, S28 ...: short column names, so that the table fits 80
    columns whatever the scenarios are called."""
    return chr(ord("A") + n) if n < 26 else f"S{n + 1}"


def _letters_line(names: list[str]) -> str:
    return "   ".join(f"{_letter(n)}: {name}" + (" (baseline)" if n == 0 else "")
                      for n, name in enumerate(names))


def _parameter_table(result):
    from sim.model.labels import Labels
    from sim.results.comparison import value_text

    labels = Labels(result.scenario)
    names = result.labels
    table = _new_table("Parameters that differ", *(_letter(n) for n in range(len(names))))
    for row in result.parameters.itertuples(index=False):
        path, *values = row
        table.add_row(f"{_plain(labels.parameter(path))}\n[dim]{path}[/dim]",
                      *(_plain(value_text(v)) for v in values))
    if result.parameters.empty:
        table.add_row("(none: the scenarios are identical)", *[""] * len(names))
    return table


def _comparison_table(result):
    from sim.model.labels import Labels, heading

    labels, names = Labels(result.scenario), result.labels
    letters = [_letter(n) for n in range(len(names))]
    table = _new_table("", *letters, *(f"{x} − A" for x in letters[1:]))
    by = result.shares.set_index(["scenario", "metric", "category"])
    diffs = result.differences.set_index(["scenario", "metric", "category"])
    keys = list(dict.fromkeys(zip(result.shares["metric"], result.shares["category"],
                                  strict=True)))
    shown = None
    for metric, category in keys:
        if heading(metric) != shown:
            shown = heading(metric)
            _heading(table, shown)
        cells = [_share_cell(by, name, metric, category) for name in names]
        cells += [_diff_cell(diffs, name, metric, category) for name in names[1:]]
        table.add_row(_plain(labels.category(metric, category)), *cells)
    return table


def _share_cell(by, name: str, metric: str, category: str) -> str:
    if (name, metric, category) not in by.index:
        return "–"
    return f"{100 * by.loc[(name, metric, category)].share:.1f}"


def _diff_cell(diffs, name: str, metric: str, category: str) -> str:
    if (name, metric, category) not in diffs.index:
        return "–"
    r = diffs.loc[(name, metric, category)]
    mark = "*" if r.significant else " "
    return f"{100 * r['diff']:+.1f} ± {50 * (r.ci_high - r.ci_low):.1f}{mark}"


# -- negsim sweep --------------------------------------------------------------------------


def print_sweep(result, quiet: bool) -> None:
    console = _console()
    meta = result.metadata
    if not quiet:
        console.print(f"[bold]Sweep[/bold] {meta['sweep']['stem']} of {meta['scenario']['stem']}"
                      f": {meta['design']}, {meta['points']:,} points × {meta['runs']:,} runs "
                      f"(seed {meta['seed']}, {meta['groups']} ensemble group"
                      f"{'s' if meta['groups'] != 1 else ''})", soft_wrap=True)
        console.print()
        console.print(f"Outputs across the {meta['points']:,} points: the lowest, median and "
                      "highest share of runs, with the parameter values of the point that "
                      "gave the lowest and the highest.")
        for title, table in _sweep_tables(result):
            console.print(f"[bold]{_plain(title)}[/bold]")
            console.print(table)
        if result.indices is not None and len(result.indices):
            console.print()
            console.print(_indices_table(result))
    for note in result.warnings:
        console.print(f"warning: {note}", soft_wrap=True, style="yellow")
    if not quiet:
        console.print()
    console.print(_written(result.path), soft_wrap=True)


def _sweep_tables(result) -> list[tuple[str, object]]:
    """For each output: its lowest, median and highest share over the points, and the
    parameter values of the points that gave the lowest and the highest."""
    from rich.table import Table

    from sim.model.labels import Labels
    from sim.results.sweep import sweep_parameters, tied_parameters

    labels = Labels(result.scenario)
    points = tied_parameters(result.points)
    parameters = sweep_parameters(points)
    tables = []
    for output in result.metadata["outputs"]:
        share = points[f"{output}.share"]
        table = Table.grid(padding=(0, 2), pad_edge=True)
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True, min_width=len("100.0%"))  # aligned
        table.add_column(overflow="fold")
        for word, where in (("lowest", share.idxmin()), ("median", None),
                            ("highest", share.idxmax())):
            value = share.median() if where is None else share[where]
            at = "" if where is None else _point_text(labels, points.loc[where], parameters,
                                                      int((share == value).sum()) - 1)
            table.add_row(word, f"{100 * value:.1f}%", _plain(at))
        tables.append((labels.output(output), table))
    return tables


def _point_text(labels, point, parameters: list[str], ties: int) -> str:
    text = "; ".join(f"{labels.parameter(p)} = {_number(point[p])}" for p in parameters)
    return text + (f" (and {ties:,} other point{'s' if ties > 1 else ''})" if ties else "")


def _number(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


INDEX_WORDS = {"ST": "ST", "S1": "S1", "mu_star": "μ*", "sigma": "σ"}


def _indices_table(result):
    """Sensitivity indices: one group of rows per output, one row per parameter."""
    from sim.model.labels import Labels

    labels, indices = Labels(result.scenario), result.indices
    main, first = ("ST", "S1") if "ST" in set(indices["index"]) else ("mu_star", "sigma")
    table = _new_table("Sensitivity", f"{INDEX_WORDS[main]} ± 95%", INDEX_WORDS[first])
    by = indices.set_index(["output", "parameter", "index"])
    for output in dict.fromkeys(indices["output"]):
        _heading(table, labels.output(output))
        for parameter in dict.fromkeys(indices["parameter"]):
            if (output, parameter, main) not in by.index:
                continue
            m, f = by.loc[(output, parameter, main)], by.loc[(output, parameter, first)]
            table.add_row(f"  {_plain(labels.parameter(parameter))}",
                          f"{m.value:.2f} ± {m.conf:.2f}",
                          f"{f.value:.2f}")
    return table


# -- negsim screen -------------------------------------------------------------------------

SCREEN_ROWS = 10
"""Ranked parameters printed per output (all are in screen.csv and the figures)."""


def print_screen(result, quiet: bool) -> None:
    """Per output, the parameters ranked by μ* and those with no measured effect; then, once,
    the values that cannot act here, those idle at the scenario's values only, and those
    left out."""
    from sim.model.labels import Labels

    console, meta = _console(), result.metadata
    labels = Labels(result.scenario)
    if not quiet:
        console.print(f"[bold]Screen[/bold] of {meta['scenario']['stem']}: "
                      f"{len(meta['ranges'])} parameters, {meta['trajectories']} Morris "
                      f"trajectories, {meta['points']:,} points × {meta['runs']:,} runs "
                      f"(seed {meta['seed']})", soft_wrap=True)
        console.print("μ*: the mean absolute change of the share of runs, in percentage points, "
                      "when a value crosses its whole screened range (measured in steps of "
                      f"{meta['levels'] / (2 * (meta['levels'] - 1)):.2g} of it), with its 95% "
                      "interval; μ keeps the sign.", soft_wrap=True)
        for output in meta["outputs"]:
            console.print()
            console.print(_screen_table(result.table, labels, output))
            _print_list(console, f"No measured effect on {labels.output(output)}", [
                labels.parameter(p) for p in _with_status(result.table, output,
                                                          "no measured effect")])
        console.print()
        _print_reasons(console, "Cannot act here, whatever the other screened values",
                       meta["cannot_act"])
        _print_reasons(console, "Idle at the scenario's own values only (screened: a value "
                                "they rest on moves)", meta["idle_at_values"])
        _print_list(console, "Left out: true/false, choices, whole numbers, payoff weights",
                    [f"{e['path']} = {e['value']} ({e['kind']})" for e in meta["left_out"]])
    for note in result.warnings:
        console.print(f"warning: {note}", soft_wrap=True, style="yellow")
    if not quiet:
        console.print()
    console.print(_written(result.path), soft_wrap=True)


def _with_status(table, output: str, status: str) -> list[str]:
    rows = table[(table["output"] == output) & (table["status"] == status)]
    return list(rows["parameter"])


def _screen_table(table, labels, output: str):
    rows = table[(table["output"] == output) & (table["status"] == "ranked")].sort_values("rank")
    shown = _new_table(f"{labels.output(output)}: ranked by μ*", "μ* ± 95% (pp)", "μ (pp)")
    for r in rows.head(SCREEN_ROWS).itertuples():
        shown.add_row(f"{r.rank}. {_plain(labels.parameter(r.parameter))}",
                      f"{100 * r.mu_star:.1f} ± {100 * r.mu_star_conf:.1f}",
                      f"{100 * r.mu:+.1f}")
    if len(rows) > SCREEN_ROWS:
        shown.add_row(f"… {len(rows) - SCREEN_ROWS} more in screen.csv", "", "")
    if rows.empty:
        shown.add_row("no parameter had a measured effect", "", "")
    return shown


def _print_list(console, title: str, items: list[str]) -> None:
    text = "; ".join(items) if items else "none"
    console.print(f"[bold]{_plain(title)}[/bold] ({len(items)}): {_plain(text)}",
                  soft_wrap=True)


def _print_reasons(console, title: str, entries: list[dict]) -> None:
    console.print(f"[bold]{_plain(title)}[/bold] ({len(entries)}){':' if entries else ': none'}",
                  soft_wrap=True)
    for entry in entries:
        console.print(f"  {_plain(entry['path'])}: {_plain(entry['reason'])}", soft_wrap=True)


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

    from sim.model.labels import Labels
    from sim.report.boxes import restriction_text

    first = box.iloc[0]
    table = Table(title=f"Box {number}: coverage {100 * first['coverage']:.0f}%, density "
                        f"{100 * first['density']:.0f}%, {100 * first['mass']:.0f}% of the "
                        "points", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("Parameter")
    table.add_column("In the box")
    table.add_column("quasi-p", justify="right")
    for row in box.itertuples():
        table.add_row(Labels(scenario).parameter(row.parameter), restriction_text(row, points),
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
    from sim.model.labels import Labels

    return "Levers: " + "; ".join(f"L{i} {Labels(scenario).parameter(path)}"
                                  for i, path in enumerate(levers, start=1))


def _robust_table(result):
    from rich.table import Table

    from sim.model.labels import option_text

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
        cells = [str(row["rank"]), " · ".join(option_text(row[path]) for path in meta["levers"]),
                 f"{100 * row['mean']:.1f}", f"{100 * row['p10']:.0f}–{100 * row['p90']:.0f}",
                 f"{100 * row['regret_max']:.1f}", f"{100 * row['regret_p90']:.1f}"]
        if satisfice is not None:
            cells.append(f"{100 * row['meets']:.0f}%")
        grid.add_row(*cells)
    return grid


def _robust_note(meta: dict) -> str:
    shown = "" if meta["combinations"] <= ROBUST_ROWS else (
        f" The {ROBUST_ROWS} best of {meta['combinations']:,} are shown; all are in "
        "combinations.csv.")
    return ("Objective in % of runs across the worlds (mean; 10th–90th percentile). Regret: in "
            "each world, how many points the best combination did better; ranked by the "
            f"largest regret (minimax), then its 90th percentile.{shown}")
