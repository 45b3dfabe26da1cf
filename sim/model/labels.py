"""The words for everything negsim names: outcomes, actors, issues, parameters and the rows of
its tables. CLI tables, figures, the report, the trace and the browser view all ask
:class:`Labels`, so that each thing is called the same everywhere.

The rules, in one place:

* an **outcome** is labelled from :data:`sim.model.outcomes.OUTCOME_TABLE`, with the
  scenario's own issue labels in place of ``{ceasefire}`` and ``{exchange}``
  ("30-day ceasefire agreed and held", "Release of detained engineers only");
* an **actor** is its ``name`` ("Russia"); its **leader** is ``leader (name)``
  ("Vladimir Putin (Russia)"); an **issue** is its ``label``;
* a **trust** value is "Ukraine's trust in Russia";
* a **parameter** (a dotted path, as ``--set`` and sweeps write it) is ``whose: what``: whose
  is the actor's name, the issue's label or the block (Calendar, Talks, Observation); what is
  the field's name in words, with the issue or actor a mapping key names in brackets
  (``actors.usa.monitoring`` → "United States: monitoring",
  ``actors.russia.positions.ceasefire`` → "Russia: positions (30-day ceasefire)"). Its
  **explanation** is the field's description from the config (the same text as ``negsim
  show``, the docs and the view's hints), with its unit;
* a **row** of a results table (``metric``, ``category`` of the summary) reads under its
  metric's heading ("Leader attends": "Vladimir Putin (Russia)") or, standing alone, as one
  phrase ("Vladimir Putin (Russia) attends"): :data:`METRICS`.

Labels work from a scenario's plain data (a results folder's ``scenario.yaml``) or from a
:class:`~sim.scenario.config.Scenario`; an id the scenario does not know is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sim.model.outcomes import OUTCOME_TABLE, PALETTE
from sim.scenario.fields import PLACEHOLDERS, field_doc

SERIES_COLOURS = tuple(PALETTE[name] for name in (
    "blue", "reddish_purple", "black", "orange", "bluish_green", "sky_blue", "vermillion",
    "yellow"))
"""Colours for things drawn side by side that are not outcomes (scenarios, trust pairs,
kinds of index), in the order they are handed out: first those no outcome has, so that in a
figure of outcomes a colour means one thing; yellow, faint on white, last."""

KIND_WORDS = {"ceasefire": "Ceasefire", "exchange": "Exchange"}
"""What ``{ceasefire}`` and ``{exchange}`` read as when the scenario has no such issue."""

BLOCKS = {"calendar": "Calendar", "talks": "Talks", "observation": "Observation"}
"""Whose a model-wide parameter is."""


@dataclass(frozen=True)
class Metric:
    """How the rows of one summary metric read.

    Attributes:
        heading: the heading of a table section of this metric ("Leader attends").
        alone: how one row reads on its own, ``{}`` standing for the category's label
            ("{} attends" → "Vladimir Putin (Russia) attends").
    """

    heading: str
    alone: str = "{}"


METRICS = {
    "outcome": Metric("Outcome"),
    "attended": Metric("Leader attends", "{} attends"),
    "leaders_met": Metric("Leader attends"),
    "agreed": Metric("Issue agreed (any size)", "{} agreed (any size)"),
}
"""The summary's metrics, in table order (see :meth:`Labels.category` for their categories).
A new metric adds a line here and, if its categories are not ids, a rule there."""


def heading(metric: str) -> str:
    """The heading of the group of table rows a metric belongs to."""
    return METRICS[metric].heading if metric in METRICS else metric


class Labels:
    """Labels and colours for one scenario (see the module docstring for the rules)."""

    def __init__(self, scenario: Mapping | object | None = None) -> None:
        if scenario is not None and hasattr(scenario, "model_dump"):
            scenario = scenario.model_dump(mode="json")
        self.data: Mapping = scenario or {}
        self.actors: Mapping = self.data.get("actors") or {}
        self.issues: Mapping = self.data.get("issues") or {}

    # -- outcomes ------------------------------------------------------------------------

    def outcome(self, outcome: str) -> str:
        """The plain-English label of an outcome id, with this scenario's issue labels."""
        found = next((o for o in OUTCOME_TABLE if o.id == outcome), None)
        if found is None:
            return outcome
        return found.label.format(ceasefire=self._kind("ceasefire"),
                                  exchange=self._kind("exchange"))

    @staticmethod
    def colour(outcome: str) -> str:
        """The colour of an outcome id in every figure."""
        return next(o.colour for o in OUTCOME_TABLE if o.id == outcome)

    def _kind(self, kind: str) -> str:
        labels = [self.issue(k) for k, issue in self.issues.items() if issue.get("kind") == kind]
        return " or ".join(labels) if labels else KIND_WORDS[kind]

    # -- actors and issues ---------------------------------------------------------------

    def actor(self, actor: str) -> str:
        return str(self.actors.get(actor, {}).get("name", actor))

    def leader(self, actor: str) -> str:
        leader = self.actors.get(actor, {}).get("leader")
        return f"{leader} ({self.actor(actor)})" if leader else self.actor(actor)

    def issue(self, issue: str) -> str:
        return str(self.issues.get(issue, {}).get("label", issue))

    def trust(self, party: str, other: str) -> str:
        return f"{self.actor(party)}'s trust in {self.actor(other)}"

    # -- parameters ----------------------------------------------------------------------

    def parameter(self, path: str) -> str:
        """``whose: what`` for a dotted path; paths tied in a sweep (``a = b``) are joined
        with "and"."""
        if " = " in path:
            return " and ".join(self.parameter(p) for p in path.split(" = "))
        whose, what = self.parameter_parts(path)
        return f"{whose}: {what}" if whose else what[:1].upper() + what[1:]

    def parameter_parts(self, path: str) -> tuple[str, str]:
        """(whose, what) of a dotted path: the view shows ``what`` under a heading of whose."""
        parts = path.split(".")
        if parts[0] == "trust" and len(parts) == 3:
            return "", self.trust(parts[1], parts[2])
        if parts[0] in ("actors", "issues") and len(parts) > 2:
            whose = self.actor(parts[1]) if parts[0] == "actors" else self.issue(parts[1])
            return whose, self._field_words(parts, 2)
        if parts[0] in BLOCKS and len(parts) > 1:
            return BLOCKS[parts[0]], self._field_words(parts, 1)
        return "", _words(path)

    def _field_words(self, parts: list[str], first: int) -> str:
        """The field's name in words; a mapping key (an issue or actor id) in brackets."""
        doc = field_doc(tuple(parts), self.data)
        pattern = doc.pattern if doc else tuple(parts)
        names, keys = [], []
        for n, part in enumerate(parts[first:], start=first):
            # a key one level below the field: one number per issue, or one for all
            # (``concession.ceasefire``, whose field also takes a single number)
            key = pattern[n] if n < len(pattern) else PLACEHOLDERS.get(parts[n - 1])
            if not (key or "").startswith("<"):
                names.append(_words(part))
            elif key == "<issue>":
                keys.append(self.issue(part))
            else:
                keys.append(self.actor(part))
        return " ".join(names) + (f" ({', '.join(keys)})" if keys else "")

    def explanation(self, path: str) -> str:
        """The field's description from the config, without the YAML shape, with its unit."""
        doc = field_doc(tuple(path.split(".")), self.data)
        if doc is None:
            return ""
        return plain_description(doc.description) + (f" ({doc.unit})" if doc.unit else "")

    # -- rows of results tables ----------------------------------------------------------

    def category(self, metric: str, category: str) -> str:
        """How a (metric, category) row reads under its metric's heading."""
        if metric == "outcome":
            return self.outcome(category)
        if metric == "attended":
            return self.leader(category)
        if metric == "agreed":
            return self.issue(category)
        if metric == "leaders_met":
            return "All party leaders met"
        return category

    def row(self, metric: str, category: str) -> str:
        """How a (metric, category) row reads on its own (a sweep output, a figure's row)."""
        alone = METRICS[metric].alone if metric in METRICS else "{}"
        return alone.format(self.category(metric, category))

    def output(self, name: str) -> str:
        """A sweep output (``ceasefire_holding``, ``leaders_met``, ``attended.russia``,
        ``agreed.ceasefire``) as one phrase."""
        return self.row(*output_metric(name))


def output_metric(name: str) -> tuple[str, str]:
    """The (metric, category) of the summary that a sweep output counts."""
    if any(o.id == name for o in OUTCOME_TABLE):
        return "outcome", name
    if name == "leaders_met":
        return "leaders_met", "all"
    metric, _, category = name.partition(".")
    return metric, category


def plain_description(text: str) -> str:
    """A field's description without what describes the YAML shape (``{party: {actor:
    trust}}:``, "one entry for every other actor"): a label names the one entry meant."""
    text = re.sub(r"^\{[^:]*:\s*(\{[^}]*\})?[^}]*\}:\s*", "", text)
    # "{actor: weight} added to ..." → "weight added to ..."
    text = re.sub(r"^\{\w+: ([^{}]+)\}\s+", r"\1 ", text)
    text = re.sub(r",? one entry for every [^.,]*", "", text)
    return text[:1].upper() + text[1:]


def _words(name: str) -> str:
    return name.replace("_", " ")


def option_text(value) -> str:
    """A lever's option as tables and figures show it: numbers short (``0.8``), no value
    (``null`` in the file, e.g. a ceasefire that waits for no other issue) as "none"."""
    if isinstance(value, float):
        return f"{value:g}"
    return "none" if value is None or value == "null" else str(value)
