"""A self-contained HTML handout of a results folder (``negsim report``).

One file, nothing to fetch: CSS inline, figures as inline SVG (text kept as text), no scripts.
It says what was run (scenario, runs, seed, versions, date), lists the assumptions (every
parameter of the resolved scenario with its description from the config), shows the results
tables and figures, states that shares are conditional on those assumptions and are not
forecasts, and gives the command that reproduces the numbers (without the paths of the
machine it ran on). Like the figures, it reads only the results folder.
"""

from __future__ import annotations

import html
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from string import Template

import matplotlib
import pandas as pd

from sim.errors import UserError, writing
from sim.model.labels import option_text
from sim.model.outcomes import PALETTE
from sim.report import plots
from sim.results.comparison import value_text, yaml_text
from sim.results.metadata import with_changes
from sim.results.sweep import sweep_outputs, sweep_parameters

NOT_A_FORECAST = ("Outcome shares are conditional on the stated assumptions and are not "
                  "forecasts: they say how often each outcome happens in a model built on "
                  "these assumptions, not what will happen.")

DROPPED_OPTIONS = {"--out", "--resume", "--workers", "-w", "--chunk-size", "--dask"}
"""Options that change where or how fast a run is computed, never its numbers."""

# the palette's colours by name ($blue, $orange), from the one table in sim.model.outcomes
CSS = Template("""
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid $blue; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f2f6fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, pre { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: .9rem; }
pre { background: #f5f5f5; padding: .7rem; overflow-x: auto; white-space: pre-wrap; }
.caveat { background: #fff4e0; border-left: 5px solid $orange; padding: .6rem .9rem; font-weight: 600; }
.lead { color: #444; }
figure { margin: 1.2rem 0; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #444; }
.muted { color: #666; font-size: .85rem; }
.missing { background: #f2f2f2; border-left: 5px solid $grey; padding: .6rem .9rem; }
table.params { width: 100%; table-layout: fixed; }
table.params th:nth-child(1) { width: 32%; } table.params th:nth-child(2) { width: 12%; }
table.params th:nth-child(4) { width: 16%; }
table.params td:first-child { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace;
                              font-size: .8rem; overflow-wrap: anywhere; }
@media print { h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
""").substitute(PALETTE)


def write_report(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the handout of ``folder`` to ``out`` (default ``<folder>/report.html``)."""
    opened = plots.open_folder(folder)
    if opened.kind not in RESULTS:
        raise UserError(f"{opened.path}: negsim report does not cover {opened.kind} folders "
                        "yet; read screen.csv and the figures in figures/ (negsim plot draws "
                        "them)")
    target = Path(out) if out is not None else opened.path / "report.html"
    text = render(opened)
    with writing(target):
        target.write_text(text, encoding="utf-8")
    return target


def render(opened: plots.Folder) -> str:
    """The whole HTML document of one results folder."""
    sections = [_header(opened), _what_was_run(opened),
                f'<p class="caveat">{html.escape(NOT_A_FORECAST)}</p>',
                *RESULTS[opened.kind](opened), _figures(opened), *_ranges(opened),
                _assumptions(opened),
                cannot_act_section(opened), _reproduce(opened)]
    title = html.escape(_title(opened))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(sections) + "\n</body>\n</html>\n")


# -- what was run --------------------------------------------------------------------------


def _title(opened: plots.Folder) -> str:
    meta, title = opened.metadata, opened.scenario.get("title", "")
    if opened.kind == "compare":
        return "Comparison: " + " vs ".join(s["label"] for s in meta["scenarios"])
    if opened.kind == "sweep":
        return f"Sweep over {title or plots._stem(meta)}"
    if opened.kind == "discover":
        return f"Scenario discovery: where {meta['output']} is common, in a sweep over {title}"
    if opened.kind == "robust":
        return f"Robust levers: {meta['robust']['stem']}, over {title or plots._stem(meta)}"
    return with_changes(title or plots._stem(meta), meta)


def _header(opened: plots.Folder) -> str:
    description = html.escape(opened.scenario.get("description", ""))
    if description and opened.kind == "compare":
        first = html.escape(opened.metadata["scenarios"][0]["label"])
        description = f"<strong>The first scenario, {first}:</strong> {description}"
    lead = f'<p class="lead">{description}</p>' if description else ""
    return f"<h1>{html.escape(_title(opened))}</h1>\n{lead}"


KINDS = {"run": "one scenario (negsim run)",
         "compare": "a comparison of scenarios (negsim compare)",
         "sweep": "a parameter sweep (negsim sweep)",
         "discover": "scenario discovery over a sweep (negsim discover)",
         "robust": "levers against uncertainties (negsim robust)"}
"""What each kind of results folder is, in the report's "What was run"."""


def _discover_rows(meta: dict) -> list[tuple[str, str]]:
    return [("Sweep", f"{meta['sweep']['stem']} (the folder {Path(meta['sweep']['folder']).name})"),
            ("Points of interest", f"{int(meta['of_interest']):,}, where {meta['output']} ≥ "
                                   f"{100 * float(meta['threshold']):.1f}% of runs"),
            ("Software", ", ".join(f"{k} {v}" for k, v in meta.get("packages", {}).items()))]


def _robust_rows(meta: dict) -> list[tuple[str, str]]:
    goal = meta["objective"]
    rows = [("Levers", ", ".join(meta["levers"])),
            ("Uncertainties", ", ".join(meta["uncertainties"])),
            ("Design", f"{int(meta['combinations']):,} lever combinations × "
                       f"{int(meta['worlds']):,} worlds ({meta['sampling']})"),
            ("Objective", f"{goal['output']}, {'higher' if goal['direction'] == 'max' else 'lower'}"
                          " is better")]
    if meta.get("satisfice") is not None:
        rows.append(("Threshold (--satisfice)", f"{100 * float(meta['satisfice']):.1f}% of runs"))
    return rows


EXTRA_ROWS = {"discover": _discover_rows, "robust": _robust_rows}


def _what_was_run(opened: plots.Folder) -> str:
    meta = opened.metadata
    rows = [("Kind of results", KINDS[opened.kind])]
    if opened.kind == "compare":
        rows.append(("Scenarios", ", ".join(s["label"] for s in meta["scenarios"])
                     + f" (differences are taken from {meta['scenarios'][0]['label']})"))
    else:
        rows.append(("Scenario", f"{plots._stem(meta)}: {opened.scenario.get('title', '')}"))
    if meta.get("overrides"):
        rows.append(("Changed with --set", "; ".join(meta["overrides"])))
    runs = int(meta["runs"])
    rows += [("Runs", f"{runs:,}" + (" per scenario" if opened.kind == "compare" else "")
              + (" per point" if opened.kind in ("sweep", "discover", "robust") else "")),
             ("Seed", str(meta["seed"]))]
    if opened.kind in ("sweep", "discover") and meta.get("points"):
        rows.append(("Parameter points", f"{int(meta['points']):,}"))
    rows += EXTRA_ROWS.get(opened.kind, lambda m: [])(meta)
    rows += [("Versions", f"negsim {meta.get('negsim')}, model rules {meta.get('model')}, "
                          f"Mesa {meta.get('mesa')}, numpy {meta.get('numpy')}, "
                          f"Python {meta.get('python')}"),
             ("Computed (UTC)", str(meta.get("time_utc", "")).replace("T", " ")),
             ("Code commit", str(meta.get("git_commit") or "unknown"))]
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in rows)
    return f"<h2>What was run</h2>\n<table>{body}</table>"


# -- results tables ------------------------------------------------------------------------


def _pct(share: float) -> str:
    return f"{100 * float(share):.1f}%"


def _interval(low: float, high: float) -> str:
    return f"{100 * float(low):.1f}–{100 * float(high):.1f}%"


def _table(header: list[str], rows: list[list[str]], numeric_from: int = 1,
           css: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{html.escape(c)}</td>' if i >= numeric_from
                         else f"<td>{html.escape(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows)
    opening = f'<table class="{css}">' if css else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _run_results(opened: plots.Folder) -> list[str]:
    summary = pd.read_csv(opened.path / "summary.csv")
    labels = opened.labels

    def rows(metric: str, with_id: bool = False) -> list[list[str]]:
        table = summary[summary["metric"] == metric]
        return [[labels.category(metric, r.category) + (f" ({r.category})" if with_id else ""),
                 _pct(r.share), _interval(r.ci_low, r.ci_high)] for r in table.itertuples()]

    header = ["", "Share of runs", "95% interval"]
    outcome = rows("outcome", with_id=True)
    attendance = rows("attended") + rows("leaders_met")
    return ["<h2>Results</h2>",
            f"<p>Each share counts the runs (simulated histories) with that result, out of "
            f"{int(opened.metadata['runs']):,}; the 95% intervals (Wilson) show how much the "
            f"share could move with another set of runs.</p>",
            "<h3>Outcome</h3>", _table(["Outcome", *header[1:]], outcome),
            "<h3>Leaders attending</h3>", _table(["Leader", *header[1:]], attendance),
            *explained_section(opened, summary)]


# -- what was agreed, and why (sim.results.why: the same rows as the run table and the view)


def _section_table(section) -> str:
    rows = [[line.text, _pct(line.share), _interval(line.low, line.high)]
            for line in section.lines] or [[section.empty, "", ""]]
    of = section.of[:1].upper() + section.of[1:]
    return _table([section.title, of, "95% interval"], rows)


def explained_section(opened: plots.Folder, summary: pd.DataFrame) -> list[str]:
    """Per issue: agreed (any size), agreed in full, the sizes agreed, the share of an
    exchange delivered; then "Why no <issue>" and "Who ended the <ceasefire>", in words. A
    folder that did not record them (model 1) says so, once."""
    from sim.results import why

    parts = ["<h3>Issues agreed</h3>",
             "<p>An issue counts as agreed at any size (level) from 0.05 to 1.00, where 1.00 "
             "is the issue in full; the rows below say at which size. The share delivered is "
             "the mean, over all runs, of the share of the full exchange whose stages were "
             "carried out (0 where none was).</p>"]
    parts += [_section_table(s) for s in why.agreements(summary, opened.labels)]
    sections = why.why(why.records(opened.path), opened.labels)
    if not sections or not why.sizes_recorded(summary):
        return [*parts, f'<p class="missing">{html.escape(why.missing(opened.metadata))}</p>']
    return [*parts, *_why_tables(opened, sections)]


def _why_tables(opened: plots.Folder, sections: list) -> list[str]:
    from sim.model.outcomes import REASON_TABLE

    meanings = "".join(f"<li><code>{r.id}</code>: {html.escape(r.meaning)}</li>"
                       for r in REASON_TABLE)
    return ["<h3>Why each issue ended as it did</h3>",
            "<p>Judged at the last session each issue was on the table: the first of these "
            f"that applies (docs/model.md §7.6):</p><ul>{meanings}</ul>"
            "<p>The party named is the one that blocked it: whose delegation lacked the "
            "mandate, which party was furthest from the best compromise, or which refused the "
            "proposal by the widest margin.</p>",
            *(_section_table(s) for s in sections)]


def _compare_results(opened: plots.Folder) -> list[str]:
    shares = pd.read_csv(opened.path / "shares.csv")
    differences = pd.read_csv(opened.path / "differences.csv")
    labels = [s["label"] for s in opened.metadata["scenarios"]]
    share_rows = []
    for (metric, category), mine in shares.groupby(["metric", "category"], sort=False):
        mine = mine.set_index("scenario")
        share_rows.append([opened.labels.row(metric, category), *[
            f"{_pct(mine.loc[s, 'share'])} ({_interval(mine.loc[s, 'ci_low'], mine.loc[s, 'ci_high'])})"
            if s in mine.index else "–" for s in labels]])
    diff_rows = []
    for r in differences.itertuples():
        mark = "yes" if str(r.significant).lower() == "true" else "no"
        diff_rows.append([opened.labels.row(r.metric, r.category),
                          f"{r.scenario} − {r.baseline}", f"{100 * r.diff:+.1f} pp",
                          f"{100 * r.ci_low:+.1f} to {100 * r.ci_high:+.1f} pp", mark])
    parts = ["<h2>Results</h2>", _differing(opened),
             "<h3>Shares of runs (95% interval)</h3>",
             _table(["", *labels], share_rows),
             "<h3>Differences from the first scenario</h3>",
             "<p>Every scenario ran with the same seed, so run k of each drew the same random "
             "numbers: differences are measured run by run (paired), which makes their "
             "intervals much narrower than for independent samples. pp = percentage points."
             "</p>",
             _table(["", "Difference", "Change", "95% interval", "Excludes zero?"],
                    diff_rows, numeric_from=2)]
    return parts


def _differing(opened: plots.Folder) -> str:
    path = opened.path / "parameters.csv"
    if not path.is_file():
        return ""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if table.empty:
        return "<p>The scenarios do not differ in any parameter.</p>"
    rows = [[f"{opened.labels.parameter(r[0])} ({r[0]})", *map(value_text, r[1:])]
            for r in table.itertuples(index=False)]
    return ("<h3>Where the scenarios differ</h3>"
            + _table(["Parameter", *table.columns[1:]], rows))


SWEEP_TABLE_ROWS = 40
"""At most this many points are listed in the report (all are in points.csv)."""


def _sweep_results(opened: plots.Folder) -> list[str]:
    points = pd.read_csv(opened.path / "points.csv")
    parameters, outputs = sweep_parameters(points), sweep_outputs(points)
    labels = opened.labels
    shown = points.head(SWEEP_TABLE_ROWS)
    rows = [[*(plots._tick(r[p]) for p in parameters),
             *(f"{_pct(r[f'{o}.share'])} ({_interval(r[f'{o}.ci_low'], r[f'{o}.ci_high'])})"
               for o in outputs)] for _, r in shown.iterrows()]
    header = [*(f"{labels.parameter(p)} ({p})" for p in parameters),
              *(labels.output(o) for o in outputs)]
    parts = ["<h2>Results</h2>",
             f"<h3>Points ({len(shown)} of {len(points):,} shown; all in points.csv)</h3>",
             _table(header, rows, numeric_from=0)]
    indices = opened.path / "indices.csv"
    if indices.is_file():
        table = pd.read_csv(indices)
        rows = [[labels.output(r.output), f"{labels.parameter(r.parameter)} ({r.parameter})",
                 r.index, f"{r.value:.3f}", "" if pd.isna(r.conf) else f"±{r.conf:.3f}"]
                for r in table.itertuples()]
        parts += ["<h3>Sensitivity indices</h3>",
                  _table(["Output", "Parameter", "Index", "Value", "95% interval"], rows,
                         numeric_from=3)]
    return parts


def _discover_results(opened: plots.Folder) -> list[str]:
    from sim.report.boxes import restriction_text
    from sim.results.discovery import read_restrictions

    boxes = read_restrictions(opened.path, "boxes")
    points = pd.read_csv(opened.path / "points.csv")
    parts = ["<h2>Results</h2>",
             "<p>PRIM looks for boxes of the swept parameters that hold many points of interest "
             "(coverage: the share of all points of interest inside the box) and few others "
             "(density: the share of the box's points that are of interest). A small "
             "quasi-p-value says the restriction is well supported by the points.</p>"]
    if boxes.empty:
        parts.append("<p>PRIM found no box richer in points of interest than the sweep as a "
                     "whole.</p>")
    for number, box in boxes.groupby("box", sort=True):
        first = box.iloc[0]
        rows = [[opened.labels.parameter(r.parameter), restriction_text(r, points),
                 "" if pd.isna(r.quasi_p) else f"{r.quasi_p:.1g}"] for r in box.itertuples()]
        parts += [f"<h3>Box {number}: coverage {100 * first['coverage']:.0f}%, density "
                  f"{100 * first['density']:.0f}%</h3>",
                  _table(["Parameter", "In the box", "quasi-p"], rows, numeric_from=2)]
    parts.append("<p>The classification tree's leaves (a second view) are in "
                 "<code>tree.csv</code> and <code>tree.txt</code>.</p>")
    return parts


def _robust_results(opened: plots.Folder) -> list[str]:

    meta = opened.metadata
    table = pd.read_csv(opened.path / "combinations.csv", keep_default_na=False,
                        na_values={"meets": [""]}).sort_values("rank")
    levers = meta["levers"]
    header = ["Rank", *(opened.labels.parameter(p) for p in levers), "Mean",
              "10th–90th percentile", "Largest regret", "90th percentile of regret"]
    if meta.get("satisfice") is not None:
        header.append(f"Worlds meeting {100 * float(meta['satisfice']):.0f}%")
    rows = []
    for r in table.to_dict(orient="records"):
        row = [str(r["rank"]), *(option_text(r[p]) for p in levers), _pct(r["mean"]),
               _interval(r["p10"], r["p90"]), f"{100 * r['regret_max']:.1f} pp",
               f"{100 * r['regret_p90']:.1f} pp"]
        if meta.get("satisfice") is not None:
            row.append(_pct(r["meets"]))
        rows.append(row)
    return ["<h2>Results</h2>",
            f"<p>Every combination of the levers ran in the same {int(meta['worlds']):,} "
            "worlds, sampled from the uncertainties' ranges, with the same replicates and "
            "seed. Regret is, in each world, how many percentage points (pp) the best "
            "combination of that world did better; combinations are ranked by their largest "
            "regret (minimax regret), then its 90th percentile.</p>",
            _table(header, rows, numeric_from=len(levers) + 1)]


RESULTS = {"run": _run_results, "compare": _compare_results, "sweep": _sweep_results,
           "discover": _discover_results, "robust": _robust_results}


# -- figures -------------------------------------------------------------------------------


def _figures(opened: plots.Folder) -> str:
    parts = ["<h2>Figures</h2>"]
    with matplotlib.rc_context(plots.STYLE):
        drawn = plots.BUILDERS[opened.kind](opened)
        for name, fig in drawn.items():
            if name in OWN_SECTION:
                continue
            with matplotlib.rc_context({"svg.hashsalt": name}):  # ids unique in the page
                parts.append(f"<figure>{svg_text(fig)}</figure>")
    return "\n".join(parts)


OWN_SECTION = {"bargaining_ranges"}
"""Figures shown in a section of their own, with words around them."""


def _ranges(opened: plots.Folder) -> list[str]:
    """A run's bargaining ranges (docs/model.md §5.8), or why they cannot be shown."""
    if opened.kind != "run":
        return []
    heading = "<h2>What each party would accept</h2>"
    ranges = plots.read_ranges(opened.path)
    if ranges is None:
        return [heading, "<p>Not available: this results folder has no ranges.csv (it was "
                "made by a version of negsim that did not record the parties' acceptable "
                "ranges). Run the scenario again to see them.</p>"]
    daily = pd.read_csv(opened.path / "daily.csv")
    with matplotlib.rc_context(plots.STYLE), matplotlib.rc_context(
            {"svg.hashsalt": "bargaining_ranges"}):
        figure = svg_text(plots.ranges_figure(opened, ranges, daily))
    return [heading,
            "<p>At each session, the levels each party accepts without decision noise: its "
            "utility for the level reaches its aspiration (docs/model.md §5.8). A party "
            "whose leader stays away may agree only within its delegation's mandate, so its "
            "range is shown twice. Where the ranges that apply overlap, the zone of agreement "
            "is open; where they do not, only decision noise can bring agreement. The numbers "
            "are in ranges.csv.</p>",
            f"<figure>{figure}</figure>"]


def svg_text(fig) -> str:
    """A figure as an inline ``<svg>`` element (no XML prolog or DOCTYPE)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


# -- assumptions ---------------------------------------------------------------------------


def _assumptions(opened: plots.Folder) -> str:
    what = {"run": "the scenario",
            "compare": "the first scenario (the others differ as listed above)",
            "sweep": "the base scenario (the swept parameters vary as listed above)",
            "discover": "the sweep's base scenario (the swept parameters vary)",
            "robust": "the base scenario (the levers and uncertainties vary as listed above)"}
    parts = ["<h2>Assumptions</h2>",
             f"<p>Every value the model used for {html.escape(what[opened.kind])}, with its "
             "meaning. Change any of them with <code>--set PATH=VALUE</code> or in a scenario "
             "file.</p>"]
    for heading, rows in parameter_rows(opened.scenario):
        parts += [f"<h3>{html.escape(heading)}</h3>",
                  _table(["Parameter", "Value", "Meaning", "Unit"], rows, numeric_from=9,
                         css="params")]
    return "\n".join(parts)


def parameter_rows(scenario: dict) -> list[tuple[str, list[list[str]]]]:
    """The resolved scenario's values grouped for reading: (heading, [path, value, meaning,
    unit]) per model-wide block, issue and actor, and the trust matrix."""
    groups: dict[str, list[list[str]]] = {}
    for path, value in _leaves(scenario, ()):
        if path[0] in ("title", "description"):
            continue
        doc = _field_doc(path, scenario)
        row = [".".join(map(str, path)), yaml_text(value), doc[0], doc[1]]
        groups.setdefault(_group(path, scenario), []).append(row)
    return list(groups.items())


def _group(path: tuple, scenario: dict) -> str:
    head = path[0]
    if head == "actors":
        actor = scenario["actors"][path[1]]
        return f"Actor: {actor.get('name', path[1])} ({actor.get('role', '')})"
    if head == "issues":
        return f"Issue: {scenario['issues'][path[1]].get('label', path[1])}"
    if head == "trust":
        return "Trust: each party's prior belief that another actor reciprocates"
    return "Calendar, talks and observation"


def _leaves(node, path: tuple) -> Iterator[tuple[tuple, object]]:
    if isinstance(node, dict) and node:
        for key, child in node.items():
            yield from _leaves(child, (*path, key))
    else:
        yield path, node


def _field_doc(path: tuple, scenario: dict) -> tuple[str, str]:
    """(description, unit) from the config's field metadata."""
    try:
        from sim.scenario.fields import field_doc
    except ImportError:  # pragma: no cover - the field reference ships with the scenarios
        return "", ""
    doc = field_doc(path, scenario)
    return (doc.description, doc.unit) if doc else ("", "")


def cannot_act_section(opened: plots.Folder) -> str:
    """The assumptions that could not change the numbers: the values that cannot act in the
    (first, or base) scenario, each with its reason (docs/model.md §13)."""
    from sim.model.inert import cannot_act
    from sim.scenario.config import Scenario

    whose = {"run": "this scenario", "compare": "the first scenario",
             "sweep": "the base scenario (a swept value may make some of them act)",
             "discover": "the swept scenario (a swept value may make some of them act)",
             "robust": "the base scenario (a lever or an uncertainty may make some of them "
                       "act)",
             "screen": "this scenario (a screened value may make some of them act)"}
    heading = f"<h3>Values that cannot act in {html.escape(whose[opened.kind])}</h3>"
    try:
        idle = cannot_act(Scenario.model_validate(opened.scenario))
    except ValueError:
        return (heading + "<p>Not listed: this folder's scenario.yaml does not validate under "
                "this version of negsim.</p>")
    if not idle:
        return heading + "<p>None: every value above can change the results.</p>"
    rows = [[f"{opened.labels.parameter(e.path)} ({e.path})", e.reason] for e in idle]
    return (heading + "<p>Any value of these gives the same results, because the rule that "
            "reads them never applies here (docs/model.md §13):</p>"
            + _table(["Parameter", "Why it cannot act"], rows, numeric_from=9))


# -- how to reproduce ----------------------------------------------------------------------


def reproduce_command(metadata: dict, kind: str) -> str:
    """The command that recomputes the numbers: the recorded command line without options
    that change only where or how fast it ran, with every absolute path cut to its file
    name, and with ``--runs`` and ``--seed`` made explicit."""
    argv = metadata.get("argv") or _library_call(metadata, kind)
    words, skip = [], False
    for word in argv[1:]:
        if skip:
            skip = False
            continue
        option = word.split("=", 1)[0]
        if option in DROPPED_OPTIONS:
            skip = "=" not in word
            continue
        words.append(_portable(word))
    if kind in ("run", "compare"):
        if not any(w in ("--runs", "-n") or w.startswith("--runs=") for w in words):
            words += ["--runs", str(metadata["runs"])]
        if not any(w == "--seed" or w.startswith("--seed=") for w in words):
            words += ["--seed", str(metadata["seed"])]
    return shlex.join(["negsim", *words])


def _library_call(metadata: dict, kind: str) -> list[str]:
    """The command line equivalent to a folder written from Python (no argv recorded)."""
    if kind == "discover":
        return ["negsim", "discover", metadata["sweep"]["folder"], "--outcome",
                metadata["output"], "--threshold", f"{metadata['threshold']:.6g}"]
    if kind == "robust":
        satisfice = metadata.get("satisfice")
        return ["negsim", "robust", metadata["robust"]["source"],
                *(["--satisfice", f"{satisfice:g}"] if satisfice is not None else [])]
    name = plots._stem(metadata) if kind != "compare" else " ".join(
        s["stem"] for s in metadata["scenarios"])
    return ["negsim", kind, name]


def trace_command(run_command: str) -> str:
    """``negsim trace`` of the same scenario, overrides and seed, for replicate K."""
    words, out, skip = shlex.split(run_command)[2:], [], False
    for word in words:
        if skip:
            skip = False
        elif word in ("--runs", "-n"):
            skip = True
        elif not word.startswith("--runs=") and word not in ("--quiet", "-q"):
            out.append(word)
    return shlex.join(["negsim", "trace", *out, "--replicate", "K"])


def _portable(word: str) -> str:
    """An absolute path (or one under the home folder) as its file name."""
    prefix, sep, value = word.partition("=") if word.startswith("--") else ("", "", word)
    if re.match(r"^(/|~|[A-Za-z]:[\\/])", value):
        value = re.split(r"[\\/]", value.rstrip("/\\"))[-1]
    return f"{prefix}{sep}{value}"


def _reproduce(opened: plots.Folder) -> str:
    command = reproduce_command(opened.metadata, opened.kind)
    meta = opened.metadata
    parts = ["<h2>How to reproduce</h2>",
             f"<p>With negsim {html.escape(str(meta.get('negsim')))} installed, this command "
             "gives the same numbers (the seed fixes every random draw):</p>",
             f"<pre>{html.escape(command)}</pre>"]
    if opened.kind == "run":
        again = ["negsim", "run", "scenario.yaml", "--runs", str(meta["runs"]), "--seed",
                 str(meta["seed"])]
        parts.append("<p>The resolved scenario is saved as <code>scenario.yaml</code> in the "
                     "results folder, so the run can also be repeated from it exactly:</p>"
                     f"<pre>{html.escape(shlex.join(again))}</pre>")
    if opened.kind == "run":
        parts.append("<p>To follow run K of these day by day, in plain sentences:</p>"
                     f"<pre>{html.escape(trace_command(command))}</pre>")
    parts.append('<p class="muted">Written by negsim report from the results folder alone.'
                 "</p>")
    return "\n".join(parts)
