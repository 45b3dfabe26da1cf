"""Figures of a results folder, legible on a classroom projector (``negsim plot``).

Every figure is drawn from the files of a finished results folder, never from a live model:

- a run (``kind: run``): outcome shares with 95% intervals, leaders' attendance, ceasefire
  survival, trust over time (:func:`run_figures`);
- a comparison (``kind: compare``): shares per scenario and paired differences from the first
  (:func:`compare_figures`);
- a sweep (``kind: sweep``): output shares along one parameter, heatmaps over two, and
  sensitivity indices (:func:`sweep_figures`);
- a screen (``kind: screen``): per output, the parameters ranked by μ* (:func:`screen_figures`).

:func:`figures` returns matplotlib ``Figure`` objects (the tests read their text);
:func:`write_figures` saves each as PNG and SVG in ``<folder>/figures/``. Figures are built
with :class:`matplotlib.figure.Figure`, never pyplot, so nothing global changes and no
display is needed (the Agg renderer draws the PNG). Every label and colour comes from
:class:`sim.model.labels.Labels` (the outcome table of :mod:`sim.model.outcomes` and the
scenario's own names), as in the tables, the report and the view.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure

from sim.errors import UserError, writing
from sim.model.labels import SERIES_COLOURS, Labels, option_text
from sim.model.outcomes import OUTCOMES, PALETTE
from sim.report.boxes import restriction_text
from sim.results import why
from sim.results.folder import read_ranges
from sim.results.metadata import with_changes
from sim.results.sweep import sweep_outputs, sweep_parameters, tied_parameters

STYLE = {
    "font.size": 15, "axes.titlesize": 18, "axes.titleweight": "bold", "axes.labelsize": 16,
    "xtick.labelsize": 14, "ytick.labelsize": 14, "legend.fontsize": 14,
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
    "grid.alpha": 0.3, "axes.axisbelow": True, "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
}
"""Large type for a projector; SVG text stays text (searchable, sharp in the report)."""

SIZE = (13, 7.3)
"""16:9, the shape of a projector."""

NOT_A_FORECAST = ("Shares are conditional on the scenario's assumptions; they are not "
                  "forecasts.")


@dataclass(frozen=True)
class Folder:
    """What every figure needs to know about a results folder."""

    path: Path
    kind: str
    metadata: dict
    scenario: dict

    @property
    def caption(self) -> str:
        """The line at the foot of every figure: scenario, runs, seed."""
        meta, title = self.metadata, self.scenario.get("title", "")
        runs = f"{int(meta['runs']):,} runs"
        if self.kind == "compare":
            names = " vs ".join(s["label"] for s in meta["scenarios"])
            return f"Scenarios: {names} · {runs} each · seed {meta['seed']}"
        if self.kind == "robust":
            return (f"Robust file: {meta['robust']['stem']} · scenario: {_stem(meta)} · "
                    f"{int(meta['combinations']):,} lever combinations × "
                    f"{int(meta['worlds']):,} worlds × {runs} · seed {meta['seed']}")
        if self.kind in ("sweep", "discover", "screen"):
            points = meta.get("points")
            per = f"{int(points):,} points × {runs}" if points else f"{runs} per point"
            title = with_changes(title, meta)  # a screen's --set changes (a sweep has none)
            return f"Scenario: {_stem(meta)} — {title} · {per} · seed {meta['seed']}"
        title = with_changes(title, meta)
        return f"Scenario: {_stem(meta)} — {title} · {runs} · seed {meta['seed']}"

    @cached_property
    def labels(self) -> Labels:
        """The words for this folder's outcomes, actors, issues and parameters."""
        return Labels(self.scenario)

    def date(self, day: int):
        return _date(self.scenario, day)


def _stem(meta: dict) -> str:
    scenario = meta.get("scenario") or {}
    return scenario.get("stem") or meta.get("base") or "scenario"


def open_folder(folder: str | Path) -> Folder:
    """Read ``metadata.json`` and ``scenario.yaml`` of a finished results folder."""
    path = Path(folder)
    if not (path / "metadata.json").is_file():
        raise UserError(f"{path}: not a results folder (no metadata.json)")
    metadata = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    scenario_file = path / "scenario.yaml"
    scenario = (yaml.safe_load(scenario_file.read_text(encoding="utf-8"))
                if scenario_file.is_file() else {})
    kind = metadata.get("kind", "run")
    if kind not in BUILDERS:
        raise UserError(f"{path}: cannot draw a results folder of kind {kind!r}")
    return Folder(path, kind, metadata, scenario or {})


# -- the entry points ----------------------------------------------------------------------


def figures(folder: str | Path) -> dict[str, Figure]:
    """Every figure of a results folder, by file name (without extension)."""
    opened = open_folder(folder)
    with matplotlib.rc_context(STYLE):
        return BUILDERS[opened.kind](opened)


def write_figures(folder: str | Path) -> list[Path]:
    """Write each figure of ``folder`` as PNG and SVG into ``folder/figures/``."""
    drawn = figures(folder)
    target = Path(folder) / "figures"
    written = []
    with writing(target), matplotlib.rc_context(STYLE):
        target.mkdir(exist_ok=True)
        for name, fig in drawn.items():
            for suffix, options in ((".png", {"dpi": 110}), (".svg", {})):
                path = target / f"{name}{suffix}"
                fig.savefig(path, **options, metadata=_file_metadata(suffix))
                written.append(path)
    return written


def _file_metadata(suffix: str) -> dict:
    """No creation dates in the files: the same folder gives the same figures."""
    return {"Date": None} if suffix == ".svg" else {"Software": "negsim (matplotlib)"}


def _figure(folder: Folder, title: str, subtitle: str | None = None, ncols: int = 1,
            nrows: int = 1, sharey: bool = False, size=SIZE) -> tuple[Figure, list]:
    """A figure with its title, a subtitle saying what is shown, and the caption line."""
    import textwrap

    fig = Figure(figsize=size, layout="constrained")
    # a margin of 0.1 inch round the edge, so that no text ends flush with it (a browser
    # drawing the SVG with another font would cut it off)
    fig.get_layout_engine().set(w_pad=0.1, h_pad=0.06)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=sharey).ravel().tolist()
    fig.suptitle(title, fontsize=20, fontweight="bold", x=0.01, ha="left")
    lines = [line for part in (subtitle or "").split("\n") for line in textwrap.wrap(part, 135)]
    # the caption wraps too: a run's --set changes can make it long
    lines += textwrap.wrap(folder.caption, 135, break_on_hyphens=False)
    # supxlabel: the layout engine keeps room for it below the axes
    fig.supxlabel("\n".join(lines), x=0.01, ha="left", fontsize=12.5,
                  color="#333333", linespacing=1.4)
    return fig, axes


def figure_text(fig: Figure) -> str:
    """Every piece of text on a figure (titles, labels, ticks, notes), for tests."""
    from matplotlib.text import Text

    return "\n".join(t.get_text() for t in fig.findobj(Text))


# -- a run ---------------------------------------------------------------------------------


def run_figures(folder: Folder) -> dict[str, Figure]:
    summary = pd.read_csv(folder.path / "summary.csv")
    daily = pd.read_csv(folder.path / "daily.csv")
    drawn = {"outcomes": outcome_figure(folder, summary),
             "attendance": attendance_figure(folder, summary)}
    ceasefire = _ceasefire_issue(folder.scenario)
    if ceasefire is not None:
        replicates = pd.read_parquet(folder.path / "replicates.parquet")
        drawn["ceasefire_survival"] = survival_figure(folder, replicates, daily, ceasefire)
    if any(_trust_pairs(daily)):
        drawn["trust"] = trust_figure(folder, daily)
    reasons = [s for s in why.why(why.records(folder.path), folder.labels)
               if s.of == why.ALL_RUNS]
    if reasons:
        drawn["why"] = why_figure(folder, reasons)
    ranges = read_ranges(folder.path)
    if ranges is not None:
        drawn["bargaining_ranges"] = ranges_figure(folder, ranges, daily)
    return drawn


def notes(folder: str | Path) -> list[str]:
    """What the figures of ``folder`` cannot show, in sentences (``negsim plot`` prints
    them): a run folder of model 1 has no reasons to draw."""
    opened = open_folder(folder)
    if opened.kind != "run" or why.has_why(why.records(opened.path).columns):
        return []
    return [why.missing(opened.metadata)]


def why_figure(folder: Folder, sections: list) -> Figure:
    """One panel per issue: why it was not agreed, in the words of the run table
    (:func:`sim.results.why.why`), and the share that agreed it, so the bars add up to 100%."""
    fig, axes = _figure(folder, "Why an issue was not agreed",
                        "Share of all runs ending so, judged at the issue's last session "
                        "(docs/model.md §7.6); black lines: 95% intervals (Wilson).",
                        nrows=len(sections))
    fig.get_layout_engine().set(hspace=0.08)
    for ax, section in zip(axes, sections, strict=True):
        lines = list(section.lines)[::-1]
        rows = pd.DataFrame({"share": [x.share for x in lines], "ci_low": [x.low for x in lines],
                             "ci_high": [x.high for x in lines]})
        colours = [PALETTE["grey"] if i == 0 else PALETTE["blue"] for i in range(len(lines))]
        _share_bars(ax, [_wrap(x.text, 40) for x in lines], rows, colours)
        ax.set_title(section.title, loc="left", fontsize=16)
        ax.set_xlabel("Share of all runs (%)")
    return fig


def outcome_figure(folder: Folder, summary: pd.DataFrame) -> Figure:
    rows = summary[summary["metric"] == "outcome"].set_index("category")
    order = [o for o in OUTCOMES if o in rows.index][::-1]
    labels = folder.labels
    fig, (ax,) = _figure(folder, "How often each outcome happens",
                         "Bars: share of simulated runs; black lines: 95% intervals (Wilson); "
                         "at the right: share (95% interval). " + NOT_A_FORECAST)
    _share_bars(ax, [labels.outcome(o) for o in order], rows.loc[order],
                [labels.colour(o) for o in order])
    ax.set_xlabel("Share of runs (%)")
    return fig


def attendance_figure(folder: Folder, summary: pd.DataFrame) -> Figure:
    attended = summary[summary["metric"] == "attended"].set_index("category")
    met = summary[summary["metric"] == "leaders_met"].set_index("category")
    labels = [folder.labels.leader(a) for a in attended.index]
    labels += [folder.labels.category("leaders_met", c) for c in met.index]
    colours = [PALETTE["blue"]] * len(attended) + [PALETTE["reddish_purple"]] * len(met)
    fig, (ax,) = _figure(folder, "Which leaders come to the talks",
                         "Share of runs in which each leader attends; black lines: 95% "
                         "intervals (Wilson); at the right: share (95% interval).")
    _share_bars(ax, labels[::-1], pd.concat([attended, met]).iloc[::-1], colours[::-1])
    ax.set_xlabel("Share of runs in which the leader attends (%)")
    return fig


def _share_bars(ax, labels: list[str], rows: pd.DataFrame, colours: list[str]) -> None:
    """Horizontal bars of shares (in %) with their intervals; the numbers stand in a column at
    the right of the axes (tick labels of a second axis), where the layout keeps room for
    them however long they are."""
    share, low, high = (100 * rows[c].to_numpy(dtype=float) for c in ("share", "ci_low", "ci_high"))
    y = np.arange(len(labels))
    ax.barh(y, share, color=colours, height=0.65)
    ax.errorbar(share, y, xerr=[share - low, high - share], fmt="none", ecolor="black",
                elinewidth=2, capsize=6)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 20))
    ax.grid(axis="y", visible=False)
    numbers = ax.secondary_yaxis("right")
    numbers.set_yticks(y, [f"{s:.1f}%  ({lo:.1f}–{hi:.1f})"
                           for s, lo, hi in zip(share, low, high, strict=True)])
    numbers.tick_params(length=0, pad=8)
    numbers.spines["right"].set_visible(False)


def _ceasefire_issue(scenario: dict) -> str | None:
    return next((k for k, v in scenario.get("issues", {}).items()
                 if v.get("kind") == "ceasefire"), None)


def kaplan_meier(days: np.ndarray, collapsed: np.ndarray) -> tuple[np.ndarray, ...]:
    """Survival of agreed ceasefires by days in force: ``t``, ``S(t)`` and a 95% band.

    A ceasefire that collapsed after d days in force is an event at d; one that reached its
    term or the horizon intact is censored at d (it is known to have survived that long).
    The band uses Greenwood's variance. With no censoring before t, S(t) is simply the share
    of agreed ceasefires that had not collapsed within t days.
    """
    days, collapsed = np.asarray(days, dtype=int), np.asarray(collapsed, dtype=bool)
    t = np.arange(0, int(days.max(initial=0)) + 1)
    at_risk = np.array([(days >= k).sum() for k in t])
    events = np.bincount(days[collapsed], minlength=len(t))[: len(t)]
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1 - events / np.maximum(at_risk, 1), 1.0)
        survival = np.cumprod(factor)
        terms = np.where((at_risk > events) & (at_risk > 0),
                         events / (at_risk * np.maximum(at_risk - events, 1)), 0.0)
        se = survival * np.sqrt(np.cumsum(terms))
    return t, survival, np.clip(survival - 1.96 * se, 0, 1), np.clip(survival + 1.96 * se, 0, 1)


def ceasefire_states(replicates: pd.DataFrame, issue: str, days: np.ndarray,
                     term: int | None) -> pd.DataFrame:
    """For each day, the share of ALL runs whose ceasefire is in force, has ended at its term
    (held), or has collapsed, at the end of that day.

    A ceasefire agreed on day a is in force from day a + 1; ``ceasefire_days`` counts its days
    in force, the last of them the day it collapsed or reached its term (it is no longer in
    force at the end of that day). One still in force at the horizon has neither ended.
    The in-force share equals ``ceasefire_in_force`` of ``daily.csv`` (a test checks it).
    """
    agreed = replicates[replicates[f"agreed.{issue}"].astype(bool)]
    start = agreed[f"day.{issue}"].to_numpy(dtype=int) + 1
    length = agreed["ceasefire_days"].to_numpy(dtype=int)
    collapsed = (agreed["outcome"].astype(str) == "ceasefire_collapsed").to_numpy()
    at_term = ~collapsed & (length >= term) if term else np.zeros(len(agreed), dtype=bool)
    last = start + length - 1
    day = np.asarray(days)[:, None]
    ended = (collapsed | at_term) & (day >= last)
    runs = max(len(replicates), 1)
    return pd.DataFrame({
        "day": days,
        "in_force": ((day >= start) & ~ended).sum(axis=1) / runs,
        "held_to_term": (ended & at_term).sum(axis=1) / runs,
        "collapsed": (ended & collapsed).sum(axis=1) / runs})


def survival_figure(folder: Folder, replicates: pd.DataFrame, daily: pd.DataFrame,
                    issue: str) -> Figure:
    spec = folder.scenario["issues"][issue]
    agreed = replicates[replicates[f"agreed.{issue}"].astype(bool)]
    term = spec.get("duration_days")
    fig, (left, right) = _figure(
        folder, f"Does the ceasefire last? ({folder.labels.issue(issue)})",
        "Left: of the runs in which a ceasefire was agreed, the share not yet collapsed after "
        "t days in force (Kaplan–Meier; a ceasefire that reached its term or the horizon "
        "intact counts as surviving until then).\nRight: share of ALL runs whose ceasefire is "
        "in force on each day (bottom) and, above it, of those whose ceasefire has ended: held "
        "to its term, or collapsed.", ncols=2)
    left.set_title(f"Agreed ceasefires still in force\n({len(agreed):,} of "
                   f"{len(replicates):,} runs agreed one)", fontsize=15)
    if len(agreed):
        collapsed = (agreed["outcome"].astype(str) == "ceasefire_collapsed").to_numpy()
        t, s, lo, hi = kaplan_meier(agreed["ceasefire_days"].to_numpy(), collapsed)
        left.fill_between(t, 100 * lo, 100 * hi, step="post", color=PALETTE["blue"], alpha=0.2,
                          label="95% interval")
        left.step(t, 100 * s, where="post", color=PALETTE["blue"], linewidth=3,
                  label="Still in force")
        if term:
            left.axvline(term, color="black", linestyle=":", linewidth=2)
            left.text(term, 4, f" {term}-day term ends", fontsize=13, ha="right",
                      rotation=90, va="bottom")
        left.legend(loc="lower left")
    else:
        left.text(0.5, 0.5, "No ceasefire was agreed\nin any run", ha="center", va="center",
                  transform=left.transAxes, fontsize=16)
    left.set_xlabel("Days since the ceasefire began")
    left.set_ylabel("Share of agreed ceasefires (%)")
    left.set_ylim(0, 102)
    _ceasefire_states_panel(right, folder, replicates, daily, issue, term)
    return fig


def _ceasefire_states_panel(ax, folder: Folder, replicates: pd.DataFrame, daily: pd.DataFrame,
                            issue: str, term: int | None) -> None:
    """Stacked: in force, ended at its term (held), collapsed; so that a ceasefire leaving the
    "in force" band at the end of its term is seen to have held, not to have collapsed."""
    states = ceasefire_states(replicates, issue, daily["day"].to_numpy(), term)
    ended = f"Ended at its {term}-day term (held)" if term else None
    bands = [("in_force", "In force", PALETTE["blue"]),
             ("held_to_term", ended, folder.labels.colour("ceasefire_holding")),
             ("collapsed", "Collapsed", folder.labels.colour("ceasefire_collapsed"))]
    shown = [(c, label, colour) for c, label, colour in bands if label]
    ax.stackplot(states["day"], *(100 * states[c] for c, _, _ in shown),
                 labels=[label for _, label, _ in shown], colors=[c for _, _, c in shown],
                 step="post")
    ax.set_title("Runs with a ceasefire, by date\n(all runs)", fontsize=15)
    ax.set_ylabel("Share of all runs (%)")
    total = float(100 * states[["in_force", "held_to_term", "collapsed"]].sum(axis=1).max())
    ax.set_ylim(0, max(1.0, total * 1.45))
    ax.legend(loc="upper left", fontsize=12.5)
    _day_axis(ax, folder, daily["day"], max_ticks=7)  # a half-width panel


def _trust_pairs(daily: pd.DataFrame) -> list[tuple[str, str]]:
    pattern = re.compile(r"^trust\.([^.]+)\.([^.]+)$")
    return [m.groups() for c in daily.columns if (m := pattern.match(c))]


TRUST_BAND = ("middle 80% of runs: 10th to 90th percentile, read from counts in 200 bins of "
              "width 0.005 (each edge to within 0.005)")
"""What the shaded trust band is (:data:`sim.model.outcomes.HISTOGRAM_BINS`): exact
percentiles would need every replicate's trust for every day, too much memory at a million
runs, while bin counts add up exactly over chunks."""


def trust_figure(folder: Folder, daily: pd.DataFrame) -> Figure:
    """One panel per pair (i trusts j), so that no line hides another and no two bands mix
    into a colour the legend does not show."""
    pairs = _trust_pairs(daily)
    ncols = min(2, len(pairs))
    nrows = -(-len(pairs) // ncols)
    fig, axes = _figure(folder, "How trust between the parties changes",
                        "Trust = a party's belief (0–1) that the other is a reciprocating "
                        f"type. Line: mean over runs; shaded: the {TRUST_BAND}.",
                        ncols=ncols, nrows=nrows, sharey=True)
    top = max(daily[f"trust.{i}.{j}{end}"].max() for i, j in pairs
              for end in ("", ".p90") if f"trust.{i}.{j}{end}" in daily)
    for ax, (i, j) in zip(axes, pairs, strict=False):
        base = f"trust.{i}.{j}"
        if f"{base}.p10" in daily:
            ax.fill_between(daily["day"], daily[f"{base}.p10"], daily[f"{base}.p90"],
                            color=PALETTE["blue"], alpha=0.25, linewidth=0,
                            label="Middle 80% of runs: 10th–90th\npercentile (to within 0.005)")
        ax.plot(daily["day"], daily[base], color=PALETTE["blue"], linewidth=3,
                label="Mean over runs")
        _mark_sessions(ax, folder)
        ax.set_title(_wrap(folder.labels.trust(i, j), 40), fontsize=15 if nrows == 1 else 13)
        ax.set_ylim(0, min(1.0, top * 1.15 + 0.02))
        _day_axis(ax, folder, daily["day"], max_ticks=13 if ncols == 1 else 5)
    for ax in axes[len(pairs):]:
        ax.set_visible(False)
    for ax in axes[: len(pairs) - ncols]:  # one day axis label per column, at the bottom
        ax.set_xlabel("")
    for ax in axes[::ncols]:
        ax.set_ylabel("Trust (0 = none, 1 = full)" if nrows == 1 else "Trust")
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside right upper", fontsize=12.5)
    return fig


def _wrap(text: str, width: int) -> str:
    """A title on as many lines as it needs to fit a panel (names can be long)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def _mark_sessions(ax, folder: Folder) -> None:
    cal = folder.scenario.get("calendar", {})
    every, sessions = cal.get("session_every_days", 14), cal.get("sessions", 3)
    for s in range(sessions):
        ax.axvline(s * every, color="#666666", linestyle=":", linewidth=1.5,
                   label="Negotiation session" if s == 0 else None)


def _day_axis(ax, folder: Folder, days: pd.Series, max_ticks: int = 13) -> None:
    """Days on the x axis, with the calendar date under each tick when there is one: a tick
    every week, or every 2, 4, 8 ... weeks, so that at most ``max_ticks`` labels share the
    axis and none overlaps (a horizon of a year gets a tick every 8 weeks in a half panel)."""
    first, last = int(days.min()), int(days.max())
    step = 7
    while last // step + 1 > max_ticks:
        step *= 2
    ticks = list(range(0, last + 1, step))
    if first <= -step // 2:  # a tick at the first announcement day unless it crowds day 0
        ticks = [first, *ticks]
    labels = []
    for d in ticks:
        date = folder.date(d)
        labels.append(str(d) if date is None else f"{d}\n{date.day} {date:%b}")
    ax.set_xticks(ticks, labels)
    ax.set_xlim(first, last)
    ax.set_xlabel("Day (0 = first session)" + (", with date" if folder.date(0) else ""))


# -- bargaining ranges ---------------------------------------------------------------------

RANGE_KIND_AXIS = {"ceasefire": "Scope of the ceasefire (0–1)",
                   "exchange": "Share of the full exchange (0–1)", "generic": "Level (0–1)"}
"""The y axis of a ranges panel, by the kind of issue."""

PROPOSAL_COLOUR = PALETTE["black"]
"""Proposals are black; parties take the other series colours in the order of their ids."""

RANGES_WITHOUT = ("hatched and lighter: with its delegation alone, within its mandate")

RANGES_SIZE = (15, 7.8)
"""Wider than a projector's 16:9: a panel per issue and the legend at the right."""

HALF_STEP = 0.025
"""A range from level a to level b is drawn from a − 0.025 to b + 0.025: half a grid step
either side, so that a range of one level is a bar, not a line."""


@dataclass(frozen=True)
class RangeSlot:
    """One session of one issue in a ranges panel: what each party accepts and the proposal.

    Attributes:
        label: the x tick label (session, day, date, the zone).
        ranges: ``{party: {"present": (low, high) or None, "absent": ...}}``.
        shares: ``{party: {"present": share, "absent": share}}`` of runs with a range (the
            ensemble figure only; printed above each bar).
        proposal: ``(low, middle, high)``: one history's proposal three times, or the 10th,
            50th and 90th percentiles; None if no proposal was made.
        accepted: one history: whether it was accepted; the ensemble: the median accepted
            level (None if none was).
        note: a line above the slot ("accepted 2%").
        agreed_before: an exchange's total agreed before this session (one history), else 0.
    """

    label: str
    ranges: dict
    shares: dict | None = None
    proposal: tuple | None = None
    accepted: bool | float | None = None
    note: str = ""
    agreed_before: float = 0.0


def party_colours(parties: list[str]) -> dict[str, str]:
    """Each party's colour in the ranges figures: the series colours, proposals' black left out."""
    free = [c for c in SERIES_COLOURS if c != PROPOSAL_COLOUR]
    return {p: free[n % len(free)] for n, p in enumerate(parties)}


def ranges_panel(ax, slots: list[RangeSlot], parties: list[str], kind: str,
                 one_history: bool) -> None:
    """One issue: per session, each party's range with its leader (solid) and without
    (hatched), then the proposal (a diamond; in one history filled if accepted)."""
    colours = party_colours(parties)
    columns = 2 * len(parties) + 1
    width = 0.84 / columns
    for x, slot in enumerate(slots):
        left = x - 0.42 + width / 2
        for n, party in enumerate(parties):
            for j, leader in enumerate(("present", "absent")):
                at = left + (2 * n + j) * width
                ends = slot.ranges.get(party, {}).get(leader)
                share = slot.shares[party][leader] if slot.shares else None
                _range_bar(ax, at, width, ends, colours[party], leader == "absent", share)
        _proposal_mark(ax, left + 2 * len(parties) * width, slot, one_history)
        if slot.agreed_before > 0:
            ax.hlines(slot.agreed_before, x - 0.45, x + 0.45, colors="#666666",
                      linestyles="--", linewidth=1.5)
        if slot.note:
            ax.text(x, 1.12, slot.note, ha="center", va="bottom", fontsize=11, color="#333333")
    ax.set_xticks(range(len(slots)), [slot.label for slot in slots], fontsize=11)
    ax.set_xlim(-0.5, len(slots) - 0.5)
    ax.set_ylim(0, 1.2 if any(slot.note for slot in slots) else 1.1)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel(RANGE_KIND_AXIS.get(kind, "Level (0–1)"))
    ax.grid(axis="x", visible=False)


def _range_bar(ax, at: float, width: float, ends, colour: str, without: bool,
               share: float | None) -> None:
    if ends is None:
        ax.text(at, 0.015, "none", ha="center", va="bottom", fontsize=9, color=colour,
                rotation=90)
        return
    low, high = ends
    ax.bar(at, high - low + 2 * HALF_STEP, bottom=low - HALF_STEP, width=width * 0.92,
           **_range_style(colour, without))
    if share is not None and share < 0.995:  # a share of (almost) all runs goes unsaid
        ax.text(at, high + HALF_STEP + 0.01, f"{100 * share:.0f}%", ha="center", va="bottom",
                fontsize=9, color="#333333", rotation=90)


def _range_style(colour: str, without: bool) -> dict:
    """Solid with the leader; without, hatched in the full colour on an opaque, lighter face
    (the colour mixed with white: SVG draws a hatch in the face's own colour and opacity,
    so a transparent face would hide it in the report)."""
    from matplotlib.colors import to_rgb

    if not without:
        return {"facecolor": colour, "edgecolor": colour, "linewidth": 1.2}
    light = tuple(0.3 * c + 0.7 for c in to_rgb(colour))
    return {"facecolor": light, "edgecolor": colour, "hatch": "//", "linewidth": 1.2}


def _proposal_mark(ax, at: float, slot: RangeSlot, one_history: bool) -> None:
    if slot.proposal is None:
        return
    low, middle, high = slot.proposal
    if one_history:
        ax.plot(at, middle, marker="D", markersize=11, color=PROPOSAL_COLOUR,
                markerfacecolor=PROPOSAL_COLOUR if slot.accepted else "white",
                markeredgewidth=2, linestyle="none")
        return
    ax.vlines(at, low, high, color=PROPOSAL_COLOUR, linewidth=2)
    ax.plot(at, middle, marker="D", markersize=10, color=PROPOSAL_COLOUR,
            markerfacecolor="white", markeredgewidth=2, linestyle="none")
    if slot.accepted is not None:
        ax.plot(at, slot.accepted, marker="D", markersize=7, color=PROPOSAL_COLOUR,
                linestyle="none")


def ranges_legend(fig, parties: list[str], names: dict[str, str], one_history: bool) -> None:
    """Party colours (with and without the leader) and the proposal marks, at the right."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    colours = party_colours(parties)
    handles = []
    for party in parties:
        handles.append(Patch(**_range_style(colours[party], False),
                             label=_wrap(names[party]["present"], 24)))
        handles.append(Patch(**_range_style(colours[party], True),
                             label=_wrap(names[party]["absent"], 24)))
    if one_history:
        handles += [Line2D([], [], marker="D", color=PROPOSAL_COLOUR, linestyle="none",
                           markerfacecolor="white", markeredgewidth=2,
                           label="Proposal, refused"),
                    Line2D([], [], marker="D", color=PROPOSAL_COLOUR, linestyle="none",
                           label="Proposal, accepted")]
    else:
        handles += [Line2D([], [], marker="D", color=PROPOSAL_COLOUR, markerfacecolor="white",
                           markeredgewidth=2, label="Median proposal;\nline: 10th–90th\npercentile"),
                    Line2D([], [], marker="D", color=PROPOSAL_COLOUR, linestyle="none",
                           markersize=7, label="Median accepted\nproposal")]
    fig.legend(handles=handles, loc="outside right upper", fontsize=12, labelspacing=0.9)


def _leader_names(labels: Labels, scenario: dict, parties: list[str],
                  came: dict[str, bool | float]) -> dict[str, dict[str, str]]:
    """The legend's words: whether the leader came (one history) or in what share of runs."""
    names = {}
    for party in parties:
        leader = scenario.get("actors", {}).get(party, {}).get("leader") or "its leader"
        if isinstance(came[party], bool):
            here = " (came)" if came[party] else " (stayed away)"
        else:
            here = f" (came in {_share_text(came[party])} of runs)"
        names[party] = {"present": f"{labels.actor(party)} with {leader}{here}",
                        "absent": f"{labels.actor(party)}'s delegation alone"}
    return names


def _session_label(folder_or_scenario, session: int, day: int, zone: str) -> str:
    date = _date(folder_or_scenario, day)
    when = f"day {day}" + (f", {date.day} {date:%b}" if date else "")
    return f"Session {session}\n{when}\n{zone}"


def _date(scenario: dict, day: int):
    """The calendar date of ``day`` when the scenario has a ``start_date``, else None."""
    start = scenario.get("start_date")
    if not start:
        return None
    import datetime as dt

    start = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
    return start + dt.timedelta(days=int(day))


def ranges_figure(folder: Folder, ranges: pd.DataFrame, daily: pd.DataFrame) -> Figure:
    """The run's bargaining ranges (``ranges.csv``): per issue and session, each party's mean
    acceptable range with and without its leader, and where the proposals fell."""
    value = ranges.set_index(["day", "issue", "series", "party", "leader", "metric"])["value"]
    parties = sorted(ranges.loc[ranges["series"] == "range", "party"].unique())
    issues = list(dict.fromkeys(ranges["issue"]))
    days = sorted(ranges["day"].unique())
    fig, axes = _figure(
        folder, "What each party would accept, session by session",
        "Bars: the mean lowest to mean highest level a party accepts without decision noise "
        f"(utility ≥ aspiration), over the runs in which it accepts any; solid: with its "
        f"leader present; {RANGES_WITHOUT}. A percentage above a bar: the share of runs in "
        "which the party accepts any level (none: in no run), where not all. Above each "
        "session: the share of proposals every party accepted. Below it: the share of all "
        "runs in which the zone of agreement was open (a level every party accepts, within "
        "the mandates of the delegations whose leader stayed away).", ncols=len(issues),
        size=RANGES_SIZE)
    for ax, issue in zip(axes, issues, strict=True):
        slots = [_run_slot(folder, value, daily, issue, session, day, parties)
                 for session, day in enumerate(days, start=1)]
        kind = folder.scenario.get("issues", {}).get(issue, {}).get("kind", "generic")
        ranges_panel(ax, slots, parties, kind, one_history=False)
        ax.set_title(_wrap(folder.labels.issue(issue), 40), fontsize=15)
    summary = pd.read_csv(folder.path / "summary.csv")
    attended = summary[summary["metric"] == "attended"].set_index("category")["share"]
    came = {p: float(attended.get(p, np.nan)) for p in parties}
    ranges_legend(fig, parties, _leader_names(folder.labels, folder.scenario, parties, came),
                  False)
    return fig


def _run_slot(folder: Folder, value: pd.Series, daily: pd.DataFrame, issue: str,
              session: int, day: int, parties: list[str]) -> RangeSlot:
    """One session of one issue, read off ``ranges.csv`` (and the zone off ``daily.csv``)."""
    def get(series: str, party: str, leader: str, metric: str) -> float | None:
        v = value.get((day, issue, series, party, leader, metric), np.nan)
        return None if pd.isna(v) else float(v)

    def ends(party: str, leader: str) -> tuple | None:
        low = get("range", party, leader, "low")
        return None if low is None else (low, get("range", party, leader, "high"))

    made, accepted = get("proposal", "", "", "made"), get("proposal", "", "", "accepted")
    zone = daily.loc[daily["day"] == day, f"zone_open.{issue}"] if (
        f"zone_open.{issue}" in daily) else []
    zone_text = f"zone open {_share_text(zone.item())}" if len(zone) else ""
    return RangeSlot(
        label=_session_label(folder.scenario, session, day, zone_text),
        ranges={p: {leader: ends(p, leader) for leader in ("present", "absent")}
                for p in parties},
        shares={p: {leader: get("range", p, leader, "acceptable") or 0.0
                    for leader in ("present", "absent")} for p in parties},
        proposal=tuple(get("proposal", "", "", q) for q in ("p10", "median", "p90"))
        if made else None,
        accepted=get("proposal", "", "", "accepted_median"),
        note=("" if not made else f"accepted {_share_text(accepted)}" if made > 0.995
              else f"on the table {_share_text(made)},\naccepted {_share_text(accepted)}"))


def _share_text(share: float | None) -> str:
    if share is None:
        return "–"
    p = 100 * share
    return f"{p:.0f}%" if p >= 10 or p == 0 else f"{p:.1f}%"


@dataclass(frozen=True)
class _Caption:
    """What :func:`_figure` needs of a folder for a figure that has none (a trace)."""

    caption: str


def trace_ranges_figure(story, scenario: dict) -> Figure:
    """One history (``negsim trace``): per issue and session, each party's acceptable range
    with and without its leader, and the proposal, filled if accepted."""
    labels = Labels(scenario)
    caption = _Caption(f"Scenario: {story.stem} — {story.title} · replicate {story.replicate} · "
                       f"seed {story.seed} (row {story.replicate} of negsim run)")
    events = story.events
    issues = list(scenario.get("issues", {}))
    sessions = [e for e in events if e.kind == "session"]
    parties = sorted(p for p, a in scenario.get("actors", {}).items() if a.get("role") == "party")
    came = {p: bool(story.record[f"attended.{p}"]) for p in parties}
    with matplotlib.rc_context(STYLE):
        fig, axes = _figure(
            caption, "What each party would accept in this history",
            "Bars: the lowest to highest level each party accepts without decision noise "
            f"(utility ≥ aspiration); solid: with its leader present; {RANGES_WITHOUT}. "
            "Which applies depends on whether the leader came (legend). Diamonds: the "
            "proposal, filled if every party accepted it. A dashed line: what was already "
            "agreed (only levels above it are on offer).", ncols=max(len(issues), 1),
            size=RANGES_SIZE)
        for ax, issue in zip(axes, issues, strict=False):
            slots = [_trace_slot(scenario, events, s, issue) for s in sessions]
            kind = scenario["issues"][issue].get("kind", "generic")
            ranges_panel(ax, slots, parties, kind, one_history=True)
            ax.set_title(_wrap(labels.issue(issue), 40), fontsize=15)
        ranges_legend(fig, parties, _leader_names(labels, scenario, parties, came), True)
    return fig


FIGURE_FORMATS = ("png", "svg")


def write_trace_figure(story, scenario: dict, path: str | Path) -> Path:
    """Draw :func:`trace_ranges_figure` into ``path`` (``.png`` or ``.svg``), atomically."""
    from sim.results.folder import AtomicFile

    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FIGURE_FORMATS:
        raise UserError(f"--figure {path}: the file name must end in .png or .svg (got "
                        f"{path.suffix or 'no extension'})")
    fig = trace_ranges_figure(story, scenario)
    with writing(path), matplotlib.rc_context(STYLE), AtomicFile(path, "wb") as f:
        fig.savefig(f, format=suffix, **({"dpi": 110} if suffix == "png" else {}),
                    metadata=_file_metadata(f".{suffix}"))
    return path


def _trace_slot(scenario: dict, events: list, session, issue: str) -> RangeSlot:
    """One session of one issue, read off the trace's events of that day."""
    day = session.day
    of_day = [e for e in events if e.day == day and e.numbers.get("issue") == issue]
    number = session.numbers["session"]
    found = {e.kind: e for e in of_day}
    if "ranges" not in found:
        return RangeSlot(label=_session_label(scenario, number, day, "not on the table"),
                         ranges={})
    n = found["ranges"].numbers
    parties = {key.split(".")[1] for key in n if key.startswith("ranges.")}
    ranges = {p: {leader: (None if n[f"ranges.{p}.{leader}.low"] is None else
                           (n[f"ranges.{p}.{leader}.low"], n[f"ranges.{p}.{leader}.high"]))
                  for leader in ("present", "absent")} for p in parties}
    zone = found.get("zone")
    zone_text = "zone open" if zone and zone.numbers["open"] else "zone shut"
    level = found["proposal"].numbers["level"] if "proposal" in found else None
    accepted = "agreement" in found
    before = 0.0
    for e in events:
        if e.day < day and e.kind == "agreement" and e.numbers.get("issue") == issue:
            before = e.numbers["level"]
    return RangeSlot(label=_session_label(scenario, number, day, zone_text), ranges=ranges,
                     proposal=None if level is None else (level, level, level),
                     accepted=accepted, agreed_before=before)


# -- a comparison --------------------------------------------------------------------------


COMPARE_GROUPS = {
    "outcomes": (("outcome",), "Outcome shares in each scenario",
                 "How each scenario changes the outcomes, compared with {baseline}"),
    "attendance": (("attended", "leaders_met", "agreed"),
                   "Leaders attending and issues agreed in each scenario",
                   "Who comes and what is agreed: the change from {baseline}"),
}
"""The rows each pair of compare figures shows: metrics, the shares' title, the
differences' title. Files: ``compare_outcomes``, ``compare_differences``,
``compare_attendance``, ``compare_attendance_differences``."""


def compare_figures(folder: Folder) -> dict[str, Figure]:
    shares = pd.read_csv(folder.path / "shares.csv")
    differences = pd.read_csv(folder.path / "differences.csv")
    drawn = {}
    for group, (metrics, shares_title, diff_title) in COMPARE_GROUPS.items():
        mine = shares[shares["metric"].isin(metrics)]
        if mine.empty:
            continue
        name = "compare_outcomes" if group == "outcomes" else f"compare_{group}"
        drawn[name] = compare_shares_figure(folder, mine, shares_title)
        diffs = differences[differences["metric"].isin(metrics)]
        if not diffs.empty:
            diff_name = "compare_differences" if group == "outcomes" else f"{name}_differences"
            drawn[diff_name] = compare_differences_figure(folder, diffs, diff_title)
    return drawn


def _labels(folder: Folder, table: pd.DataFrame) -> list[str]:
    given = [s["label"] for s in folder.metadata.get("scenarios", [])]
    return given or list(dict.fromkeys(table["scenario"]))


def _compare_rows(folder: Folder, table: pd.DataFrame) -> tuple[list[tuple[str, str]], list[str]]:
    """The (metric, category) rows of a compare table, top row last (barh draws bottom-up),
    and how each reads on its own."""
    rows = list(dict.fromkeys(zip(table["metric"], table["category"], strict=True)))
    if rows and rows[0][0] == "outcome":
        rows = [("outcome", o) for o in OUTCOMES if ("outcome", o) in rows]
    rows = rows[::-1]
    return rows, [folder.labels.row(m, c) for m, c in rows]


def _by_row(table: pd.DataFrame, rows: list[tuple[str, str]]) -> pd.DataFrame:
    return table.set_index(["metric", "category"]).reindex(pd.MultiIndex.from_tuples(rows))


def compare_shares_figure(folder: Folder, shares: pd.DataFrame,
                          title: str = COMPARE_GROUPS["outcomes"][1]) -> Figure:
    labels = _labels(folder, shares)
    rows, names = _compare_rows(folder, shares)
    fig, (ax,) = _figure(folder, title,
                         "Bars: share of runs; black lines: 95% intervals (Wilson). Every "
                         "scenario uses the same seed. " + NOT_A_FORECAST)
    height = 0.8 / len(labels)
    for n, label in enumerate(labels):
        mine = _by_row(shares[shares["scenario"] == label], rows)
        y = np.arange(len(rows)) + (len(labels) - 1 - n - (len(labels) - 1) / 2) * height
        share = 100 * mine["share"].to_numpy(dtype=float)
        low, high = 100 * mine["ci_low"].to_numpy(dtype=float), 100 * mine["ci_high"].to_numpy(dtype=float)
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        ax.barh(y, share, height=height * 0.92, color=colour, label=label)
        ax.errorbar(share, y, xerr=[share - low, high - share], fmt="none", ecolor="black",
                    elinewidth=1.5, capsize=4)
        for yi, s, hi in zip(y, share, high, strict=True):
            # right of the interval's end, so that the whisker cannot strike the number out
            ax.annotate(f"{s:.1f}%", (hi, yi), xytext=(7, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=12)
    ax.set_yticks(np.arange(len(rows)), names)
    ax.set_xlim(0, 112)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("Share of runs (%)")
    ax.grid(axis="y", visible=False)
    fig.legend(loc="outside right center", title="Scenario")
    return fig


def compare_differences_figure(folder: Folder, differences: pd.DataFrame,
                               title: str = COMPARE_GROUPS["outcomes"][2]) -> Figure:
    labels = [s for s in _labels(folder, differences) if s in set(differences["scenario"])]
    baseline = (differences["baseline"].iloc[0] if len(differences)
                else "the first scenario")
    rows, names = _compare_rows(folder, differences)
    fig, (ax,) = _figure(
        folder, title.format(baseline=baseline),
        "Dots: difference in share (percentage points) from the first scenario, paired run by "
        "run (same random draws); lines: 95% intervals.\nFilled dots: the interval excludes "
        "zero; hollow: the difference could be zero.")
    height = 0.8 / max(len(labels), 1)
    for n, label in enumerate(labels):
        mine = _by_row(differences[differences["scenario"] == label], rows)
        y = np.arange(len(rows)) + (len(labels) - 1 - n - (len(labels) - 1) / 2) * height
        diff = 100 * mine["diff"].to_numpy(dtype=float)
        low, high = 100 * mine["ci_low"].to_numpy(dtype=float), 100 * mine["ci_high"].to_numpy(dtype=float)
        # the colour of this scenario in the shares figure (the baseline has the first)
        colour = SERIES_COLOURS[(n + 1) % len(SERIES_COLOURS)]
        ax.errorbar(diff, y, xerr=[diff - low, high - diff], fmt="none", ecolor=colour,
                    elinewidth=3, capsize=5)
        significant = (low > 0) | (high < 0)
        ax.scatter(diff, y, s=140, color=colour, zorder=3, label=f"{label} − {baseline}",
                   facecolors=[colour if s else "white" for s in significant], linewidths=2.5)
        for yi, d, hi in zip(y, diff, high, strict=True):
            # right of the interval, on a white ground: the zero line cannot strike it out
            # and the next row's dot cannot touch it
            ax.annotate(f"{d:+.1f}", (hi, yi), xytext=(9, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=12, zorder=4,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                              "edgecolor": "none"})
    ax.axvline(0, color="black", linewidth=1.5, zorder=1)
    ax.set_yticks(np.arange(len(rows)), names)
    ax.set_xlabel("Difference in share of runs (percentage points)")
    limit = max(1.0, float(np.nanmax(np.abs(100 * differences[["ci_low", "ci_high"]].to_numpy(
        dtype=float)), initial=0.0)) * 1.2)
    ax.set_xlim(-limit, limit)
    ax.grid(axis="y", visible=False)
    fig.legend(loc="outside right center", title="Difference")
    return fig


# -- a sweep -------------------------------------------------------------------------------


def sweep_figures(folder: Folder) -> dict[str, Figure]:
    points = tied_parameters(pd.read_csv(folder.path / "points.csv"))
    parameters, outputs = sweep_parameters(points), sweep_outputs(points)
    drawn: dict[str, Figure] = {}
    if len(parameters) == 1:
        drawn["sweep_lines"] = sweep_line_figure(folder, points, parameters[0], outputs)
    elif len(parameters) == 2:
        for output in outputs:
            drawn[f"sweep_heatmap_{output}"] = sweep_heatmap_figure(folder, points, parameters,
                                                                    output)
    indices_file = folder.path / "indices.csv"
    if indices_file.is_file():
        table = pd.read_csv(indices_file)
        for output in dict.fromkeys(table["output"]):
            drawn[f"sensitivity_{output}"] = sensitivity_figure(
                folder, table[table["output"] == output], output)
    return drawn


def _output_colours(folder: Folder, outputs: list[str]) -> list[str]:
    """An outcome's own colour; any other output one that no outcome has, so that a colour
    means one outcome in every figure."""
    taken = {folder.labels.colour(o) for o in OUTCOMES}
    free = iter([c for c in SERIES_COLOURS if c not in taken] * len(outputs))
    return [folder.labels.colour(o) if o in OUTCOMES else next(free) for o in outputs]


def _explained(folder: Folder, parameters: list[str], axes: list[str]) -> str:
    """One line per swept parameter: its axis, label, dotted path and what it means."""
    lines = []
    for axis, parameter in zip(axes, parameters, strict=True):
        paths = parameter.split(" = ")
        what = folder.labels.explanation(paths[0])
        tied = ", set equal" if len(paths) > 1 else ""
        lines.append(f"{axis}: {folder.labels.parameter(parameter)}{tied} "
                     f"({' = '.join(paths)}). {what}".rstrip())
    return "\n".join(lines)


def sweep_line_figure(folder: Folder, points: pd.DataFrame, parameter: str,
                      outputs: list[str]) -> Figure:
    label = folder.labels.parameter(parameter)
    fig, (ax,) = _figure(folder, f"Shares of runs as {label} changes",
                         "Lines: share of runs at each value; shaded: 95% intervals. "
                         + NOT_A_FORECAST + "\n" + _explained(folder, [parameter], ["x"]))
    numeric = pd.api.types.is_numeric_dtype(points[parameter])
    table = points.sort_values(parameter) if numeric else points
    x = table[parameter].to_numpy() if numeric else np.arange(len(table))
    for output, colour in zip(outputs, _output_colours(folder, outputs), strict=True):
        ax.fill_between(x, 100 * table[f"{output}.ci_low"], 100 * table[f"{output}.ci_high"],
                        color=colour, alpha=0.2, linewidth=0)
        ax.plot(x, 100 * table[f"{output}.share"], color=colour, linewidth=3, marker="o",
                label=folder.labels.output(output))
    if not numeric:
        ax.set_xticks(x, table[parameter].astype(str))
    ax.set_xlabel(label)
    ax.set_ylabel("Share of runs (%)")
    ax.set_ylim(0, 100)
    fig.legend(loc="outside right center")
    return fig


def sweep_heatmap_figure(folder: Folder, points: pd.DataFrame, parameters: list[str],
                         output: str) -> Figure:
    px, py = parameters
    fig, (ax,) = _figure(folder, f"{folder.labels.output(output)}: share of runs",
                         "Colour and number: share of runs (%) at each combination. "
                         + NOT_A_FORECAST + "\n" + _explained(folder, parameters, ["x", "y"]))
    grid = points.pivot_table(index=py, columns=px, values=f"{output}.share", aggfunc="mean")
    largest = 100 * float(points[f"{output}.share"].max())
    # the colour scale spans 0 to the largest share (at least 5%), so that small shares
    # still show their differences; the numbers in the cells give the exact values
    top = max(5.0, float(np.ceil(largest)))
    if grid.isna().to_numpy().any() or grid.size > 400:  # not a grid: scattered points
        cloud = ax.scatter(points[px], points[py], c=100 * points[f"{output}.share"], s=90,
                           cmap="viridis", vmin=0, vmax=top)
        fig.colorbar(cloud, ax=ax, label="Share of runs (%)")
    else:
        image = ax.imshow(100 * grid.to_numpy(), origin="lower", cmap="viridis", vmin=0,
                          vmax=top, aspect="auto")
        ax.set_xticks(range(grid.shape[1]), [_tick(v) for v in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [_tick(v) for v in grid.index])
        if grid.size <= 100:
            decimals = cell_decimals(largest)
            for (r, c), v in np.ndenumerate(100 * grid.to_numpy()):
                ax.text(c, r, f"{v:.{decimals}f}", ha="center", va="center", fontsize=12,
                        color="white" if v < 0.6 * top else "black")
        fig.colorbar(image, ax=ax, label="Share of runs (%)")
        ax.grid(False)
    ax.set_xlabel(folder.labels.parameter(px))
    ax.set_ylabel(folder.labels.parameter(py))
    return fig


def cell_decimals(largest: float) -> int:
    """Decimals of the shares (in %) written in heatmap cells: one, or two when every share is
    below 1%, so that cells of 0.4% and 1.6% do not both read as whole numbers."""
    return 2 if largest < 1 else 1


def _tick(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


SENSITIVITY_WORDS = {
    "S1": "first-order index S1 (this parameter alone)",
    "ST": "total index ST (with interactions)",
    "mu_star": "Morris μ* (mean absolute effect of a step)",
}


def sensitivity_figure(folder: Folder, table: pd.DataFrame, output: str) -> Figure:
    kinds = [k for k in ("S1", "ST", "mu_star") if k in set(table["index"])]
    main = "ST" if "ST" in kinds else kinds[0]
    parameters = (table[table["index"] == main].sort_values("value")["parameter"].tolist())
    fig, (ax,) = _figure(folder, f"Which assumption matters most for "
                                 f"'{folder.labels.output(output)}'?",
                         "Bars: sensitivity index of each parameter; black lines: 95% "
                         "confidence intervals (bootstrap). Longer bar = the output depends "
                         "more on that parameter.")
    height = 0.8 / len(kinds)
    for n, kind in enumerate(kinds):
        rows = table[table["index"] == kind].set_index("parameter").reindex(parameters)
        y = np.arange(len(parameters)) - (n - (len(kinds) - 1) / 2) * height
        value, conf = rows["value"].to_numpy(dtype=float), rows["conf"].to_numpy(dtype=float)
        ax.barh(y, value, height=height * 0.9, color=SERIES_COLOURS[n],
                label=SENSITIVITY_WORDS[kind])
        ax.errorbar(value, y, xerr=np.nan_to_num(conf), fmt="none", ecolor="black",
                    elinewidth=1.5, capsize=4)
    ax.set_yticks(np.arange(len(parameters)), [folder.labels.parameter(p) for p in parameters])
    ax.axvline(0, color="black", linewidth=1)
    ax.set_xlabel("Index value" + (" (share of the output's variance)" if main != "mu_star"
                                   else " (change in share per unit of range)"))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="best")
    return fig


# -- scenario discovery (negsim discover) ----------------------------------------------------


def discover_figures(folder: Folder) -> dict[str, Figure]:
    """The peeling trajectory, each PRIM box's limits, and CART's leaves."""
    from sim.results.discovery import read_restrictions

    peeling = pd.read_csv(folder.path / "peeling.csv")
    boxes = read_restrictions(folder.path, "boxes")
    points = pd.read_csv(folder.path / "points.csv")
    drawn = {"discover_peeling": peeling_figure(folder, peeling)}
    for number, box in boxes.groupby("box", sort=True):
        drawn[f"discover_box_{number}"] = box_figure(folder, box, points, int(number))
    drawn["discover_tree"] = tree_figure(folder, read_restrictions(folder.path, "tree"), points)
    return drawn


def _interest_words(folder: Folder) -> str:
    meta = folder.metadata
    return f"'{folder.labels.output(meta['output'])}' ≥ {100 * meta['threshold']:.1f}% of runs"


def peeling_figure(folder: Folder, peeling: pd.DataFrame) -> Figure:
    fig, (ax,) = _figure(
        folder, f"Where is {_interest_words(folder)}? PRIM's trade-off",
        "Each dot is one step of PRIM's peeling: coverage = share of all points of interest "
        "inside the box; density = share of the box's points that are of interest. Colour: "
        "how many parameters the box restricts. Ring: the step kept as the box (highest "
        "coverage × density).")
    most = max(1, int(peeling["restricted"].max()))

    def colours(k: int):  # viridis short of its pale yellow end, which white paper hides
        return matplotlib.colormaps["viridis"](0.85 * k / most)

    for number, steps in peeling.groupby("box", sort=True):
        ax.plot(100 * steps["coverage"], 100 * steps["density"], color="#777777",
                linewidth=1, zorder=1)
        ax.scatter(100 * steps["coverage"], 100 * steps["density"], s=45, zorder=2,
                   c=[colours(int(k)) for k in steps["restricted"]])
        kept = steps[steps["chosen"].astype(bool)].iloc[0]
        ax.scatter([100 * kept["coverage"]], [100 * kept["density"]], s=400, zorder=3,
                   facecolors="none", edgecolors="black", linewidths=2.5)
        ax.annotate(f"Box {number}", (100 * kept["coverage"], 100 * kept["density"]),
                    xytext=(12, 8), textcoords="offset points", fontsize=14, fontweight="bold")
    handles = [matplotlib.lines.Line2D([], [], marker="o", linestyle="", color=colours(k),
                                       markersize=10, label=str(k)) for k in range(most + 1)]
    # outside the axes: inside, it hid the label of a box kept near the top right
    fig.legend(handles=handles, title="Parameters\nrestricted", loc="outside right center")
    ax.set_xlabel("Coverage (% of the points of interest in the box)")
    ax.set_ylabel("Density (% of the box's points of interest)")
    ax.set_xlim(0, 105)
    ax.set_ylim(0, 105)
    return fig


def box_figure(folder: Folder, box: pd.DataFrame, points: pd.DataFrame, number: int) -> Figure:
    first = box.iloc[0]
    fig, (ax,) = _figure(
        folder, f"Box {number}: where {_interest_words(folder)}",
        f"Coverage {100 * first['coverage']:.0f}% (share of the points of interest inside), "
        f"density {100 * first['density']:.0f}% (share of the box's points of interest), "
        f"{100 * first['mass']:.0f}% of all points. Grey: the range swept; blue: the box. "
        "q: quasi-p-value of the restriction (small = well supported).")
    rows = box.reset_index(drop=True)
    for y, row in rows.iloc[::-1].reset_index(drop=True).iterrows():
        _box_row(ax, y, row, points[row["parameter"]])
    labels = [folder.labels.parameter(p) for p in rows["parameter"]][::-1]
    ax.set_yticks(range(len(rows)), [textwrap_label(label) for label in labels])
    ax.set_xlim(-0.02, 1.25)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xticks([])
    ax.grid(False)
    ax.spines[["left", "bottom"]].set_visible(False)
    return fig


def _box_row(ax, y: int, row: pd.Series, swept: pd.Series) -> None:
    """One restricted parameter: the range swept, the box's part of it, the values."""
    ax.barh(y, 1.0, left=0, height=0.5, color="#DDDDDD")
    q = "" if pd.isna(row["quasi_p"]) else f"q = {row['quasi_p']:.1g}"
    if row["categories"]:
        kept = set(row["categories"].split("|"))
        every = sorted({str(v) for v in swept})
        for i, value in enumerate(every):
            x = (i + 0.5) / len(every)
            ax.text(x, y, value, ha="center", va="center", fontsize=14,
                    fontweight="bold" if value in kept else "normal",
                    color=SERIES_COLOURS[0] if value in kept else "#777777")
    else:
        lo, hi = float(swept.min()), float(swept.max())
        span = (hi - lo) or 1.0
        left, right = (row["low"] - lo) / span, (row["high"] - lo) / span
        ax.barh(y, right - left, left=left, height=0.5, color=SERIES_COLOURS[0])
        # label only the limits the box sets; an end it leaves open is the swept range's own
        for x, limit, is_open in ((left, row["low"], row["low"] <= lo),
                                  (right, row["high"], row["high"] >= hi)):
            if not is_open:
                ax.text(x, y + 0.3, limit_text(float(limit), span), ha="center", va="bottom",
                        fontsize=13)
        ax.text(0, y - 0.3, limit_text(lo, span), ha="left", va="top", fontsize=11,
                color="#777777")
        ax.text(1, y - 0.3, limit_text(hi, span), ha="right", va="top", fontsize=11,
                color="#777777")
    ax.text(1.04, y, q, ha="left", va="center", fontsize=13)


def limit_text(value: float, span: float) -> str:
    """A limit on a swept range of width ``span`` as the discover table writes it (three
    significant digits), but never in e-notation: a sampled minimum of 3.02e-05 on a range
    0–0.6 is 0 to any reader (below a thousandth of the range), and reads ``0``."""
    if abs(value) < span / 1000:
        return "0"
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def textwrap_label(label: str, width: int = 28) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width))


TREE_LEAVES_SHOWN = 8
"""At most this many CART leaves in the figure (all are in tree.csv and tree.txt)."""


def tree_figure(folder: Folder, leaves: pd.DataFrame, points: pd.DataFrame) -> Figure:
    overall = float(points["of_interest"].mean())
    ranked = sorted(leaves.groupby("leaf", sort=True), key=lambda item: -item[1]["density"].iloc[0])
    rich = [(leaf, rows) for leaf, rows in ranked if rows["density"].iloc[0] > overall]
    shown = (rich or ranked[:1])[:TREE_LEAVES_SHOWN]
    fig, (ax,) = _figure(
        folder, "A second view: the regions a classification tree (CART) finds",
        f"Each bar is one leaf of the tree: a region of the swept space, described by its "
        f"rules. Shown: the {len(shown)} of {len(ranked)} leaves where points of interest "
        f"({_interest_words(folder)}) are commoner than in the whole sweep "
        f"({100 * overall:.0f}% of points; dashed line). Bar: density; right: coverage and the "
        "leaf's share of all points.", size=(SIZE[0], max(SIZE[1], 1.5 + 1.1 * len(shown))))
    for y, (_, rows) in enumerate(reversed(shown)):
        density = 100 * rows["density"].iloc[0]
        ax.barh(y, density, height=0.7, color=SERIES_COLOURS[1])
        ax.text(density + 1.5, y, f"{density:.0f}%  (coverage {100 * rows['coverage'].iloc[0]:.0f}%"
                f", {100 * rows['mass'].iloc[0]:.0f}% of points)", va="center", fontsize=12)
    ax.axvline(100 * overall, color="black", linestyle="--", linewidth=1.5)
    ax.set_ylim(-0.6, max(len(shown), 4) - 0.4)  # a lone leaf stays a bar, not a slab
    ax.set_yticks(range(len(shown)), [_rule_text(rows, folder.scenario, points)
                                      for _, rows in reversed(shown)], fontsize=11)
    ax.set_xlim(0, 150)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("Density: share of the leaf's points that are of interest (%)")
    ax.grid(axis="y", visible=False)
    return fig


def _rule_text(rows: pd.DataFrame, scenario: dict, points: pd.DataFrame) -> str:
    """A leaf's restrictions, one per line, in words."""
    if not rows["parameter"].iloc[0]:
        return "(the whole space)"
    return "\n".join(f"{Labels(scenario).parameter(row.parameter)}: "
                     f"{restriction_text(row, points)}" for row in rows.itertuples())


# -- levers against uncertainties (negsim robust) --------------------------------------------

ROBUST_SHOWN = 20
"""At most this many lever combinations in the figure, best first (all in combinations.csv)."""


def robust_figures(folder: Folder) -> dict[str, Figure]:
    combinations = pd.read_csv(folder.path / "combinations.csv", keep_default_na=False,
                               na_values={"meets": [""]})
    return {"robust_levers": robust_figure(folder, combinations)}


def robust_figure(folder: Folder, combinations: pd.DataFrame) -> Figure:
    meta = folder.metadata
    levers, goal = meta["levers"], meta["objective"]
    shown = combinations.sort_values("rank").head(ROBUST_SHOWN)
    names = " · ".join(f"L{i}" for i in range(1, len(levers) + 1))
    legend = "; ".join(f"L{i} {folder.labels.parameter(path)}"
                       for i, path in enumerate(levers, start=1))
    fig, (left, right) = _figure(
        folder, f"Which levers do well in every world? '{folder.labels.output(goal['output'])}'",
        f"Each row is one combination of the levers ({names}: {legend}), best first. Left: the "
        f"objective across the {int(meta['worlds']):,} worlds (dot: mean; line: 10th to 90th "
        "percentile). Right: regret, how many points "
        "the best combination of each world did better (bar: the largest; tick: the 90th "
        "percentile).", ncols=2, size=(SIZE[0], max(SIZE[1], 2.2 + 0.42 * len(shown))))
    y = np.arange(len(shown))[::-1]
    labels = [" · ".join(option_text(row[path]) for path in levers)
              for _, row in shown.iterrows()]
    left.hlines(y, 100 * shown["p10"], 100 * shown["p90"], color=SERIES_COLOURS[0], linewidth=3)
    left.scatter(100 * shown["mean"], y, s=70, color=SERIES_COLOURS[0], zorder=3)
    left.set_yticks(y, labels, fontsize=12)
    left.set_ylabel(names)
    left.set_xlabel(f"{folder.labels.output(goal['output'])} (% of runs)")
    left.set_xlim(0, max(5.0, 105 * float(shown["p90"].max())))
    right.barh(y, 100 * shown["regret_max"], color=SERIES_COLOURS[1], height=0.6)
    right.scatter(100 * shown["regret_p90"], y, marker="|", s=300, color="black", zorder=3)
    for yi, lost in zip(y, 100 * shown["regret_max"], strict=True):
        right.text(lost, yi, f" {lost:.1f}", va="center", fontsize=11)
    right.set_yticks(y, [f"#{int(r)}" for r in shown["rank"]], fontsize=12)
    right.set_xlabel("Regret (percentage points)")
    right.set_xlim(0, max(1.0, 118 * float(shown["regret_max"].max())))
    for ax in (left, right):
        ax.grid(axis="y", visible=False)
    return fig


# -- a screen ------------------------------------------------------------------------------

SCREEN_BARS = 15
"""Ranked parameters drawn per output (all are in screen.csv)."""


def screen_figures(folder: Folder) -> dict[str, Figure]:
    from sim.results.screen import read_screen_table

    table = read_screen_table(folder.path)
    return {f"screen_{output}": screen_figure(folder, table[table["output"] == output], output)
            for output in folder.metadata["outputs"]}


def screen_figure(folder: Folder, table: pd.DataFrame, output: str) -> Figure:
    """The parameters ranked by μ* for one output, largest on top, with 95% intervals."""
    ranked = table[table["status"] == "ranked"].sort_values("rank").head(SCREEN_BARS)
    counts = table["status"].value_counts()
    left = int(counts.get("ranked", 0)) - len(ranked)
    fig, (ax,) = _figure(folder, f"What matters for '{folder.labels.output(output)}'?",
                         "Bars: μ*, the mean absolute change of the share of runs (percentage "
                         "points) when a value crosses its screened range; black lines: 95% "
                         "intervals (bootstrap; cut at 0, below which no mean of absolute "
                         f"changes can lie). Not drawn: {left} more ranked (screen.csv), "
                         f"{int(counts.get('no measured effect', 0))} with no measured effect, "
                         f"{int(counts.get('cannot act here', 0))} that cannot act here.",
                         size=(13, 9))
    y = np.arange(len(ranked))[::-1]
    ax.barh(y, 100 * ranked["mu_star"], color=SERIES_COLOURS[0], height=0.7)
    ax.errorbar(100 * ranked["mu_star"], y, xerr=100 * screen_interval(ranked), fmt="none",
                ecolor="black", elinewidth=1.5, capsize=4)
    ax.set_yticks(y, [_wrap(folder.labels.parameter(p), 45) for p in ranked["parameter"]],
                  fontsize=12)
    ax.set_xlabel("μ* (percentage points across the screened range)")
    ax.axvline(0, color="black", linewidth=1)
    ax.grid(axis="y", visible=False)
    if ranked.empty:
        ax.text(0.5, 0.5, "No parameter had a measured effect on this output",
                transform=ax.transAxes, ha="center", va="center")
    return fig


def screen_interval(ranked: pd.DataFrame) -> np.ndarray:
    """The interval's reach below and above each μ*, the lower end cut at 0: SALib's
    bootstrap half-width is symmetric, but μ* is a mean of absolute changes, never below 0
    (a line reaching into negative changes puzzles a reader)."""
    conf = ranked["mu_star_conf"].to_numpy(dtype=float)
    return np.vstack([np.minimum(conf, ranked["mu_star"].to_numpy(dtype=float)), conf])


BUILDERS: dict[str, Callable[[Folder], dict[str, Figure]]] = {
    "run": run_figures, "compare": compare_figures, "sweep": sweep_figures,
    "discover": discover_figures, "robust": robust_figures, "screen": screen_figures}
"""Which figures each kind of results folder gets."""

