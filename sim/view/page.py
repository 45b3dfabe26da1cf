"""The browser view: ``negsim view SCENARIO`` (a Solara page for the classroom).

A lecturer projects it, moves a slider ("what if trust were higher?") and the charts of an
ensemble (2,000 replicates by default) are recomputed at once; a second tab walks through ONE
history day by day with its story (the reference model and :mod:`sim.report.trace`).

Why a Solara page and not Mesa's ``SolaraViz``: SolaraViz steps ONE model instance and redraws
it each step, with Step/Play/Reset buttons. Here every control change re-runs the whole
ensemble (2,000 histories, about 0.05 s) and the answer a student wants is the distribution
of outcomes at the end, not the animation of day 37; SolaraViz's buttons would only stand
between the slider and that answer. SolaraViz is built on Solara, so this page uses the same
components, just arranged for an ensemble (see ``docs/view.md``).

Everything shown is generated: the sliders from the config's bounds and descriptions
(:data:`MAIN_FIELDS` chooses WHICH fields; the config says what they are), the tables from
:mod:`sim.results.summary`, the curves from :func:`sim.model.outcomes.daily_means`.

Run it with ``negsim view istanbul-2025`` (which sets the environment variables below and
switches off Solara's telemetry), or ``solara run sim.view.page`` for the default scenario.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
import io
import os
import time
from dataclasses import dataclass
from string import Template

import matplotlib
import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure

from sim import DEFAULT_SEED
from sim.model.labels import SERIES_COLOURS, Labels, plain_description
from sim.model.model import simulate_chunk
from sim.model.outcomes import OUTCOMES, PALETTE, daily_means
from sim.results.summary import count, summarise
from sim.scenario.fields import field_doc
from sim.scenario.loader import ScenarioDict, load_scenario_dict
from sim.scenario.schema import scenario_schema

matplotlib.use("Agg")  # figures are drawn to PNG on the server, never in a window

SCENARIO_ENV, RUNS_ENV, SEED_ENV = "NEGSIM_VIEW_SCENARIO", "NEGSIM_VIEW_RUNS", "NEGSIM_VIEW_SEED"
DEFAULT_SCENARIO, DEFAULT_RUNS = "istanbul-2025", 2000

MAIN_FIELDS = {
    "party": ("momentum", "trustworthiness"),
    "mediator": ("skill",),
    "guarantor": ("monitoring", "credibility", "enforcement"),
}
"""Which fields of each actor get a slider; trust between the parties always does."""

ATTENDANCE_MODES = ("auto", "always", "never")

PAIR_LINES = ("-", "--", "-.", ":", "-", "--")
"""Line styles of the trust pairs (colours: :data:`sim.model.labels.SERIES_COLOURS`), so that
two pairs with equal trust are both visible."""

FONT = {"font.size": 13, "axes.titlesize": 15, "axes.labelsize": 13, "legend.fontsize": 12}
"""Fonts that stay legible on a classroom projector."""


# ---------------------------------------------------------------------------------------
# What the view shows: settings from the environment, controls from the config
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewSettings:
    """What ``negsim view`` was asked to show (passed to the server by environment)."""

    scenario: str = DEFAULT_SCENARIO
    runs: int = DEFAULT_RUNS
    seed: int = DEFAULT_SEED

    @classmethod
    def from_environment(cls) -> ViewSettings:
        env = os.environ
        return cls(env.get(SCENARIO_ENV, DEFAULT_SCENARIO), int(env.get(RUNS_ENV, DEFAULT_RUNS)),
                   int(env.get(SEED_ENV, DEFAULT_SEED)))


@dataclass(frozen=True)
class Control:
    """A slider for one numeric field, generated from the config.

    Attributes:
        path: the dotted path a ``--set`` override would use (``actors.usa.monitoring``).
        group: the heading it is shown under (an actor, or trust between the parties).
        label: a short name (``Monitoring``, ``Ukraine's trust in Russia``).
        hint: the field's description from the config, with its unit.
    """

    path: str
    group: str
    label: str
    hint: str
    low: float
    high: float
    value: float

    @property
    def step(self) -> float:
        return (self.high - self.low) / 100


@dataclass(frozen=True)
class Toggle:
    """Attendance of one leader: auto, always or never."""

    path: str
    label: str
    value: str


@functools.cache
def base_scenario(name: str) -> ScenarioDict:
    """The scenario as read and merged, validated once (controls override it)."""
    scenario = load_scenario_dict(name)
    scenario.validate()
    return scenario


def controls(scenario: ScenarioDict) -> list[Control]:
    """Sliders for trust between the parties and each actor's :data:`MAIN_FIELDS`."""
    data, actors = scenario.data, scenario.data["actors"]
    parties = [a for a in actors if actors[a]["role"] == "party"]
    found = [_control(data, ("trust", i, j), "Trust between the parties")
             for i in parties for j in parties if i != j]
    for a, actor in actors.items():
        group = f"{actor['name']} ({actor['role']})"
        found += [_control(data, ("actors", a, name), group)
                  for name in MAIN_FIELDS[actor["role"]]]
    return found


def _control(data: dict, path: tuple[str, ...], group: str) -> Control:
    """A slider named by the parameter label rule (its "what" part: the group heading says
    whose), with the field's description as its hint."""
    node, doc = field_schema(data, path), field_doc(path, data)
    value = _value_at(data, path)
    value = node["default"] if value is None else value
    what = Labels(data).parameter_parts(".".join(path))[1]
    hint = plain_description(doc.description) + (f" ({doc.unit})" if doc.unit else "")
    return Control(".".join(path), group, what[:1].upper() + what[1:], hint,
                   float(node["minimum"]), float(node["maximum"]), float(value))


def _value_at(data: dict, path: tuple[str, ...]):
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def field_schema(data: dict, path: tuple[str, ...]) -> dict:
    """The JSON Schema node of a concrete path: its bounds, default and description.

    Actors and issues pick their variant (party, guarantor, ceasefire ...) by the role or kind
    that ``data`` gives them.
    """
    defs = scenario_schema()["$defs"]
    node, here = defs["Scenario"], data
    for key in path:
        node = node["properties"][key] if "properties" in node else node["additionalProperties"]
        node = _resolved(node, defs)
        here = here.get(key, {}) if isinstance(here, dict) else {}
        if "discriminator" in node:  # an actor or an issue: the variant its role or kind names
            tag = here[node["discriminator"]["propertyName"]]
            node = _resolved({"$ref": node["discriminator"]["mapping"][tag]}, defs)
    return node


def _resolved(node: dict, defs: dict) -> dict:
    return defs[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node


def attendance_toggles(scenario: ScenarioDict) -> list[Toggle]:
    """One toggle per actor's leader, starting at the scenario's mode."""
    labels = Labels(scenario.data)
    return [Toggle(f"actors.{a}.attendance.mode", labels.leader(a),
                   actor.get("attendance", {}).get("mode", "auto"))
            for a, actor in scenario.data["actors"].items()]


@functools.cache
def scenario_controls(name: str) -> tuple[tuple[Toggle, ...], tuple[Control, ...]]:
    """The attendance toggles and sliders of a scenario (built once per scenario)."""
    base = base_scenario(name)
    return tuple(attendance_toggles(base)), tuple(controls(base))


def initial_values(name: str) -> dict[str, object]:
    """Every control's value in the scenario as written."""
    toggles, sliders = scenario_controls(name)
    return {c.path: c.value for c in (*toggles, *sliders)}


def overrides(values: dict[str, object], name: str) -> tuple[str, ...]:
    """``--set`` strings for the values that differ from the scenario, in a stable order."""
    initial = initial_values(name)
    return tuple(f"{path}={_yaml(value)}" for path, value in sorted(values.items())
                 if value != initial.get(path))


def _yaml(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


# ---------------------------------------------------------------------------------------
# The ensemble: simulate, summarise, draw
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ensemble:
    """``runs`` replicates of the scenario with the view's overrides."""

    title: str
    labels: Labels
    """The words for this scenario's outcomes, actors and issues."""
    start_date: dt.date | None
    ceasefire: str | None
    """The ceasefire issue's id (None: no ceasefire on the table)."""
    ceasefire_term: int | None
    """The ceasefire's term in days (None: open-ended or no ceasefire on the table)."""
    runs: int
    seed: int
    summary: pd.DataFrame
    daily: pd.DataFrame
    replicates: pd.DataFrame
    seconds: float

    def shares(self, metric: str) -> pd.DataFrame:
        return self.summary[self.summary["metric"] == metric].set_index("category")


@dataclass(frozen=True)
class Charts:
    """The ensemble and its three figures as PNG bytes."""

    ensemble: Ensemble
    outcomes: bytes
    survival: bytes
    trust: bytes
    seconds: float
    """From the overrides to the PNGs: the update time a student waits for."""


def simulate_ensemble(base: ScenarioDict, settings: tuple[str, ...], runs: int,
                      seed: int) -> Ensemble:
    """Validate the overrides and simulate ``runs`` replicates (one ensemble, one chunk)."""
    start = time.perf_counter()
    scenario = base.with_overrides(settings, label="view").validate()
    chunk = simulate_chunk(scenario, seed, 0, runs)
    summary = summarise(count(chunk.replicates), scenario.stem)
    ceasefire = next((k for k, x in scenario.issues.items() if x.kind == "ceasefire"), None)
    term = scenario.issues[ceasefire].duration_days if ceasefire else None
    return Ensemble(scenario.title, Labels(scenario), scenario.start_date, ceasefire, term,
                    runs, seed, summary,
                    daily_means(chunk.daily_sums, runs), chunk.replicates,
                    time.perf_counter() - start)


_DRAWING = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")
"""The one thread that simulates and draws, for every open page in turn. Solara gives each
page its own matplotlib settings, looked up at every one of the thousands of settings reads
a figure makes; drawn here, outside any page, the figures read matplotlib's own settings
(about 10% less work per update: 0.39 instead of 0.43 s of the server's CPU per slider
click, on the page benchmarks/bench_view.py drives, on a busy two-core machine)."""


@functools.lru_cache(maxsize=64)
def charts(scenario: str, settings: tuple[str, ...], runs: int, seed: int) -> Charts:
    """Simulate and draw (in the drawing thread); cached, so returning to a setting is
    instant."""
    return _DRAWING.submit(_simulated_and_drawn, scenario, settings, runs, seed).result()


def _simulated_and_drawn(scenario: str, settings: tuple[str, ...], runs: int,
                         seed: int) -> Charts:
    start = time.perf_counter()
    ensemble = simulate_ensemble(base_scenario(scenario), settings, runs, seed)
    pngs = [_png(draw(ensemble)) for draw in (outcome_figure, survival_figure, trust_figure)]
    return Charts(ensemble, *pngs, seconds=time.perf_counter() - start)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # zlib's fastest level: the same pixels, a file of the same size, 0.01 s less per update
    figure.savefig(buffer, format="png", dpi=100, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _figure(ensemble: Ensemble, title: str, left: float = 0.12) -> tuple[Figure, object]:
    """A figure of projector size with its title and, at the foot, what was run.

    Margins are fixed rather than computed (matplotlib's constrained layout would double the
    drawing time, and the view redraws at every change).
    """
    with matplotlib.rc_context(FONT):
        figure = Figure(figsize=(6.4, 3.8))
        axes = figure.subplots()
        # at the figure's left edge, not the axes': a wide label column must not push it out
        figure.text(0.01, 0.975, title, ha="left", va="top", fontsize=FONT["axes.titlesize"])
    figure.subplots_adjust(left=left, right=0.98, top=0.9, bottom=0.21)
    figure.text(0.995, 0.01, f"{ensemble.title} · {ensemble.runs:,} runs, seed {ensemble.seed}",
                ha="right", va="bottom", fontsize=9, color="#555555")
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def outcome_figure(ensemble: Ensemble) -> Figure:
    """Horizontal bars: share of histories ending in each outcome, with 95% intervals."""
    figure, axes = _figure(ensemble, "How the talks end (share of histories)", left=0.42)
    rows = ensemble.shares("outcome").loc[list(OUTCOMES)]
    y = np.arange(len(rows))[::-1]
    share = 100 * rows["share"].to_numpy()
    error = 100 * np.abs(rows[["ci_low", "ci_high"]].to_numpy().T - rows["share"].to_numpy())
    axes.barh(y, share, color=[ensemble.labels.colour(o) for o in OUTCOMES], height=0.7)
    axes.errorbar(share, y, xerr=error, fmt="none", ecolor="black", capsize=4, linewidth=1.2)
    for yi, s, hi in zip(y, share, 100 * rows["ci_high"].to_numpy(), strict=True):
        axes.text(hi + 1.5, yi, f"{s:.1f}%", va="center", fontsize=13)
    axes.set_yticks(y, [_wrapped(ensemble.labels.outcome(o)) for o in OUTCOMES], fontsize=11)
    axes.set_xlim(0, 124)  # room at the right for the number beside a bar near 100%
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel("Share of histories (%), with 95% intervals", fontsize=12)
    return figure


def _wrapped(label: str, width: int = 26) -> str:
    """A long label on two lines, so that it fits beside the small chart."""
    import textwrap

    return "\n".join(textwrap.wrap(label, width))


def survival_figure(ensemble: Ensemble) -> Figure:
    """The share of histories whose ceasefire is in force, stacked on those whose ceasefire
    has ended: held to its term, or collapsed (as in the run figures)."""
    from sim.report.plots import ceasefire_states

    figure, axes = _figure(ensemble, "Ceasefire: share of histories, by day")
    days = ensemble.daily.loc[ensemble.daily["day"] >= 0, "day"].to_numpy()
    term = ensemble.ceasefire_term
    if ensemble.ceasefire is not None:
        states = ceasefire_states(ensemble.replicates, ensemble.ceasefire, days, term)
        bands = [("in_force", "In force", PALETTE["blue"]),
                 ("held_to_term", f"Ended at its {term}-day term (held)" if term else None,
                  ensemble.labels.colour("ceasefire_holding")),
                 ("collapsed", "Collapsed", ensemble.labels.colour("ceasefire_collapsed"))]
        shown = [band for band in bands if band[1]]
        axes.stackplot(days, *(100 * states[c] for c, _, _ in shown), step="post",
                       labels=[b[1] for b in shown], colors=[b[2] for b in shown])
        total = float(states[["in_force", "held_to_term", "collapsed"]].sum(axis=1).max())
        axes.legend(loc="upper left", frameon=False, fontsize=10)
    else:
        total = 0.0
    # headroom above the bands for the legend
    axes.set_ylim(0, max(10.0, 100 * total * 1.6))
    axes.set_xlim(0, int(days.max()))
    axes.set_ylabel("Histories (%)")
    axes.set_xlabel(_day_axis_label(ensemble))
    return figure


def trust_figure(ensemble: Ensemble) -> Figure:
    """Each party's trust in each other party: the mean, and thin lines at the 10th and 90th
    percentile of histories (lines, not shaded bands: two bands overlapping would mix into a
    colour the legend does not show)."""
    figure, axes = _figure(ensemble, "Trust between the parties")
    daily = ensemble.daily
    pairs = [c for c in daily.columns if c.startswith("trust.") and c.count(".") == 2]
    for pair, colour, line in zip(pairs, SERIES_COLOURS, PAIR_LINES, strict=False):
        _, i, j = pair.split(".")
        for edge in (f"{pair}.p10", f"{pair}.p90"):
            axes.plot(daily["day"], daily[edge], color=colour, linewidth=0.9, linestyle=line,
                      alpha=0.8)
        axes.plot(daily["day"], daily[pair], color=colour, linewidth=2.5, linestyle=line,
                  label=ensemble.labels.trust(i, j))
    axes.plot([], [], color="#555555", linewidth=0.9, label="thin: 10th and 90th percentile")
    axes.axvline(0, color="#777777", linewidth=1, linestyle=":")
    _legend_above_one(axes)
    axes.set_ylabel("Trust (0–1)")
    axes.set_xlabel(_day_axis_label(ensemble))
    return figure


LEGEND_ROW_INCHES = 0.17
"""Height of one row of a legend in 9-point type."""


def _legend_above_one(axes) -> None:
    """Trust runs from 0 to 1: the legend gets a band of its own above 1, so that it never
    covers a line (two columns when the names are short enough to fit side by side)."""
    names = axes.get_legend_handles_labels()[1]
    ncols = 2 if max(map(len, names)) <= 30 else 1
    rows = -(-len(names) // ncols)
    inches = axes.get_position().height * axes.figure.get_figheight()
    band = min(0.7, rows * LEGEND_ROW_INCHES / inches + 0.03)  # share of the axes' height
    axes.set_ylim(0, 1 / (1 - band))
    axes.set_yticks([0, 0.25, 0.5, 0.75, 1])
    axes.legend(loc="upper left", frameon=False, fontsize=9, ncols=ncols, borderaxespad=0.1)


def _day_axis_label(ensemble: Ensemble) -> str:
    start = ensemble.start_date
    when = f" = {start.day} {start:%b %Y}" if start else ""
    return f"Day (0{when}, the first session)"


# ---------------------------------------------------------------------------------------
# One history: the reference model's replicate, revealed day by day
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayState:
    """What a student sees at the end of one day of one history."""

    day: int
    trust: dict[str, float]
    """``"<i>.<j>"`` → i's trust in j."""
    status: list[str]


@dataclass(frozen=True)
class History:
    """Replicate ``replicate``: its story (trace events) and its state after each day."""

    replicate: int
    outcome: str
    events: list
    days: list[DayState]
    start_date: dt.date | None

    def when(self, day: int) -> str:
        if self.start_date is None:
            return f"Day {day}"
        date = self.start_date + dt.timedelta(days=day)
        return f"Day {day} · {date:%a} {date.day} {date:%b %Y}"


@functools.lru_cache(maxsize=32)
def history(scenario: str, settings: tuple[str, ...], seed: int, replicate: int) -> History:
    """Step the reference model through one replicate, recording each day; tell its story."""
    from sim.model.reference import ReferenceModel
    from sim.report.trace import trace

    config = base_scenario(scenario).with_overrides(settings, label="view").validate()
    model = ReferenceModel(scenario=config, root_seed=seed, replicate=replicate)
    days = []
    while model.running:
        day = model.day
        model.step()
        days.append(DayState(day, _trust_now(model), _status(model)))
    story = trace(config, seed, replicate)
    return History(replicate, model.outcome_record["outcome"], list(story.events), days,
                   config.start_date)


def _trust_now(model) -> dict[str, float]:
    return {f"{p.key}.{j}": float(t) for p in model.parties for j, t in p.trust.items()}


def _status(model) -> list[str]:
    """Plain lines: who came, what is agreed, the ceasefire's state."""
    cfg, lines = model.config, []
    present = [a.config.leader for a in model.actors.values() if a.present]
    if model.day > 0:
        lines.append("At the table: " + (", ".join(present) or "no leader") + ".")
    for k in model.issue_ids:
        if model.agreed[k]:
            done = (f", {model.stages_done[k]} of {cfg.issues[k].stages} stages done"
                    if k in model.exchanges else "")
            lines.append(f"Agreed: {cfg.issues[k].label} at level {model.level[k]:.2f}{done}.")
    if model.ceasefire is not None and model.agreed[model.ceasefire]:
        state = ("in force" if model.in_force else "collapsed" if model.collapsed
                 else "ended, held to its term")
        lines.append(f"Ceasefire {state} (day {model.ceasefire_days} of it).")
    return lines


def history_figure(story: History, upto: int, labels: Labels) -> bytes:
    """This history's trust so far (a small chart beside the story)."""
    with matplotlib.rc_context(FONT):
        figure = Figure(figsize=(5.6, 2.8))
        axes = figure.subplots()
    figure.subplots_adjust(left=0.13, right=0.98, top=0.89, bottom=0.19)
    shown = [d for d in story.days if d.day <= upto]
    last = story.days[-1].day
    for pair, colour, line in zip(story.days[0].trust, SERIES_COLOURS, PAIR_LINES, strict=False):
        i, j = pair.split(".")
        axes.plot([d.day for d in shown], [d.trust[pair] for d in shown], color=colour,
                  linewidth=2.5, linestyle=line, label=labels.trust(i, j))
    axes.set_xlim(story.days[0].day, last)
    axes.set_title("Trust in this history", loc="left", fontsize=13)
    axes.set_xlabel("Day")
    axes.set_ylabel("Trust")
    axes.spines[["top", "right"]].set_visible(False)
    _legend_above_one(axes)
    return _png(figure)


# ---------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------

# the palette's colours by name ($orange), from the one table in sim.model.outcomes
CSS = Template("""
.negsim-hint { font-size: 0.85rem; color: #444; margin: -6px 0 10px 0; line-height: 1.25; }
.negsim-group { font-weight: 600; font-size: 1rem; margin: 14px 0 2px 0; }
.negsim-table td, .negsim-table th { padding: 2px 10px; text-align: left; font-size: 0.95rem; }
.negsim-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.negsim-table th { white-space: nowrap; }
.negsim-section { margin-bottom: 14px; }
.negsim-section th { white-space: normal; }
.negsim-status { font-size: 0.95rem; color: #333; }
.negsim-events { max-height: 420px; overflow-y: auto; font-size: 1rem; line-height: 1.4; }
.negsim-today { background: #fff7e0; border-left: 4px solid $orange; padding: 6px 10px; }
.negsim-note { font-size: 0.9rem; color: #555; }
""").substitute(PALETTE)


@solara.component
def Page():
    settings = ViewSettings.from_environment()
    initial = initial_values(settings.scenario)
    values, set_values = solara.use_state(initial)
    tab, set_tab = solara.use_state(0)
    chosen = overrides(values, settings.scenario)
    result = charts(settings.scenario, chosen, settings.runs, settings.seed)

    def set_value(path, value):
        set_values(lambda old: {**old, path: value})

    solara.Title(f"negsim · {result.ensemble.title}")
    solara.Style(CSS)
    with solara.Sidebar():
        Controls(settings.scenario, values, set_value, lambda: set_values(initial))
    with solara.Column(style={"padding": "8px 16px", "max-width": "1500px"}):
        solara.HTML("h2", _escape(result.ensemble.title), style="margin: 4px 0 0 0")
        solara.HTML("div", _changed_text(chosen), classes=["negsim-note", "negsim-changed"])
        with solara.lab.Tabs(value=tab, on_value=set_tab):
            solara.lab.Tab(f"All {settings.runs:,} histories", classes=["negsim-tab-ensemble"])
            solara.lab.Tab("One history, day by day", classes=["negsim-tab-history"])
        if tab == 0:
            EnsembleView(result)
        else:
            HistoryView(settings, chosen, result.ensemble)


def _changed_text(chosen: tuple[str, ...]) -> str:
    if not chosen:
        return "The scenario as written. Move a control on the left to ask “what if?”."
    return "Changed from the scenario: " + ", ".join(s.replace("=", " = ") for s in chosen)


@solara.component
def Controls(name: str, values: dict, set_value, reset):
    toggles, sliders = scenario_controls(name)
    solara.HTML("div", "Leaders at the talks", classes=["negsim-group"])
    solara.HTML("div", "auto: the model decides; always: announced from the start; never: "
                "stays away.", classes=["negsim-hint"])
    for toggle in toggles:
        AttendanceToggle(toggle, values[toggle.path], set_value)
    group = None
    for control in sliders:
        if control.group != group:
            group = control.group
            solara.HTML("div", group, classes=["negsim-group"])
        Slider(control, values[control.path], set_value)
    solara.Button("Back to the scenario's values", on_click=reset, outlined=True,
                  classes=["negsim-reset"], style={"margin-top": "16px"})


@solara.component
def AttendanceToggle(toggle: Toggle, value: str, set_value):
    slug = toggle.path.split(".")[1]
    solara.Text(toggle.label, style={"font-size": "0.95rem"})
    solara.ToggleButtonsSingle(value=value, values=list(ATTENDANCE_MODES),
                               on_value=lambda v: set_value(toggle.path, v), dense=True,
                               classes=[f"negsim-attendance-{slug}"])


@solara.component
def Slider(control: Control, value: float, set_value):
    """A slider that recomputes when released (not at every pixel of a drag)."""
    from solara.alias import rv

    slug = control.path.replace(".", "-")
    solara.Text(f"{control.label}: {value:.2f}", style={"font-size": "0.95rem"},
                classes=[f"negsim-value-{slug}"])
    slider = rv.Slider(v_model=value, min=control.low, max=control.high, step=control.step,
                       thumb_label=True, hide_details=True, class_=f"negsim-slider-{slug}",
                       style_="margin: 0 4px")

    def released(*args):
        set_value(control.path, round(float(args[-1]), 6))

    rv.use_event(slider, "change", released)
    solara.HTML("div", control.hint, classes=["negsim-hint"])


@solara.component
def EnsembleView(result: Charts):
    ensemble = result.ensemble
    solara.HTML("div", f"{ensemble.runs:,} simulated histories, seed {ensemble.seed}; "
                f"updated in {result.seconds:.2f} s.", classes=["negsim-note", "negsim-timing"])
    with solara.Columns([3, 2]):
        with solara.Column():
            solara.Image(result.outcomes, classes=["negsim-chart-outcomes"])
        with solara.Column():
            solara.HTML("div", _shares_table(ensemble), classes=["negsim-shares"])
    with solara.Columns([1, 1]):
        solara.Image(result.survival, classes=["negsim-chart-survival"])
        solara.Image(result.trust, classes=["negsim-chart-trust"])
    with solara.Columns([1, 1]):
        with solara.Column():
            solara.HTML("h3", "What was agreed, and how much", style="margin: 8px 0 0 0")
            solara.HTML("div", agreed_html(ensemble), classes=["negsim-agreed"])
        with solara.Column():
            solara.HTML("h3", "Why an issue was not agreed", style="margin: 8px 0 0 0")
            solara.HTML("div", why_html(ensemble), classes=["negsim-why"])


def _shares_table(ensemble: Ensemble) -> str:
    """Outcome and attendance shares with 95% intervals, as an HTML table."""
    rows = [("<b>Outcome</b>", "", "")]
    for outcome, r in ensemble.shares("outcome").loc[list(OUTCOMES)].iterrows():
        rows.append((_escape(ensemble.labels.outcome(outcome)), *_pct(r)))
    rows.append(("<b>Leader attends</b>", "", ""))
    for actor, r in ensemble.shares("attended").iterrows():
        rows.append((_escape(ensemble.labels.leader(actor)), *_pct(r)))
    body = "".join(f"<tr><td>{a}</td><td class='num'>{b}</td><td class='num'>{c}</td></tr>"
                   for a, b, c in rows)
    head = "<tr><th></th><th>Share</th><th>95% interval</th></tr>"
    return f"<table class='negsim-table'>{head}{body}</table>"


def agreed_html(ensemble: Ensemble) -> str:
    """Per issue: agreed (any size), in full, at which size, the share delivered (the rows of
    :func:`sim.results.why.agreements`, as in the run table and the report)."""
    from sim.results import why

    return "".join(_section_html(s) for s in why.agreements(ensemble.summary, ensemble.labels))


def why_html(ensemble: Ensemble) -> str:
    """"Why no <issue>" and "Who ended the <ceasefire>" (:func:`sim.results.why.why`)."""
    from sim.results import why

    return "".join(_section_html(s) for s in why.why(ensemble.replicates, ensemble.labels))


def _section_html(section) -> str:
    rows = "".join(f"<tr><td>{_escape(line.text)}</td><td class='num'>{100 * line.share:.1f}%"
                   f"</td><td class='num'>{100 * line.low:.1f}–{100 * line.high:.1f}%</td></tr>"
                   for line in section.lines)
    rows = rows or f"<tr><td colspan='3'>{_escape(section.empty)}</td></tr>"
    of = section.of[:1].upper() + section.of[1:]
    head = (f"<tr><th>{_escape(section.title)}</th><th>{_escape(of)}</th>"
            "<th>95% interval</th></tr>")
    return f"<table class='negsim-table negsim-section'>{head}{rows}</table>"


def _pct(row) -> tuple[str, str]:
    return (f"{100 * row['share']:.1f}%",
            f"{100 * row['ci_low']:.1f}–{100 * row['ci_high']:.1f}%")


@solara.component
def HistoryView(settings: ViewSettings, chosen: tuple[str, ...], ensemble: Ensemble):
    replicate, set_replicate = solara.use_state(0)
    shown, set_shown = solara.use_state(-10**6)  # the last day revealed
    story = history(settings.scenario, chosen, settings.seed, replicate)
    first, last = story.days[0].day, story.days[-1].day
    today = min(max(shown, first - 1), last)

    def pick(outcome: str):
        table = ensemble.replicates
        hits = table.loc[table["outcome"] == outcome, "replicate"]
        if len(hits):
            set_replicate(int(hits.iloc[0]))
            set_shown(-10**6)

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button("Next day ▶", on_click=lambda: set_shown(today + 1),
                      disabled=today >= last, color="primary", classes=["negsim-next-day"])
        solara.Button("Next week ▶▶", on_click=lambda: set_shown(today + 7),
                      disabled=today >= last)
        solara.Button("To the end", on_click=lambda: set_shown(last), disabled=today >= last)
        solara.Button("Start over", on_click=lambda: set_shown(first - 1), outlined=True)
        solara.InputInt("History number", value=replicate,
                        on_value=lambda k: (set_replicate(max(0, k)), set_shown(-10**6)))
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Text("Show a history that ends in:")
        for outcome in OUTCOMES:
            solara.Button(ensemble.labels.outcome(outcome), on_click=lambda o=outcome: pick(o),
                          text=True, small=True, disabled=not _occurs(ensemble, outcome))
    HistoryStory(story, today, ensemble.labels)


def _occurs(ensemble: Ensemble, outcome: str) -> bool:
    return bool((ensemble.replicates["outcome"] == outcome).any())


@solara.component
def HistoryStory(story: History, today: int, labels: Labels):
    first = story.days[0].day
    if today < first:
        heading = f"History {story.replicate}: before the first day. Press “Next day”."
        status = []
    else:
        heading = f"History {story.replicate}: {story.when(today)}"
        status = story.days[today - first].status
    with solara.Columns([3, 2]):
        with solara.Column():
            solara.HTML("h3", heading, classes=["negsim-history-day"])
            _story_html(story, today)
        with solara.Column():
            solara.Image(history_figure(story, today, labels), classes=["negsim-history-chart"])
            solara.HTML("div", "<br>".join(status), classes=["negsim-status"])
            if today >= story.days[-1].day:
                solara.HTML("div", f"<b>Outcome:</b> {_escape(labels.outcome(story.outcome))}",
                            classes=["negsim-status"])


def _story_html(story: History, today: int) -> None:
    past = [e for e in story.events if e.day < today]
    now = [e for e in story.events if e.day == today]
    if now:
        solara.HTML("div", "".join(f"<p>{_escape(e.text)}</p>" for e in now),
                    classes=["negsim-today"])
    elif today >= story.days[0].day:
        solara.HTML("div", "<p>Nothing new today.</p>", classes=["negsim-today"])
    if past:
        items = "".join(f"<p><b>{story.when(e.day)}.</b> {_escape(e.text)}</p>"
                        for e in reversed(past))
        solara.HTML("div", "<h4>Earlier (latest first)</h4>" + items, classes=["negsim-events"])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
