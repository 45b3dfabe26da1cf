"""Per-replicate daily series: each history's state at the end of every day, on request.

``negsim run --series trust,ceasefire,violations`` (``series=`` in :func:`sim.simulate`)
records, for every replicate and every simulated day (−announcement_days … horizon − 1, the
days of ``daily.csv``), the value of each chosen variable, in the long table
``replicate, day, variable, value`` (``series.parquet``). Variable names follow the dotted
column vocabulary of the replicate table, and the last day's value of a variable that is
also a replicate column (``trust.<i>.<j>``, ``violations.<party>``, ``ceasefire_days``,
``agreed.<issue>``, ``level.<issue>``, ``exchanged_share``) is that column's value.

Nothing is recorded unless asked: :func:`sim.model.simulate_chunk` steps the model as
usual and only a :class:`DailySeries` given names reads its state after each day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from sim.errors import UserError

if TYPE_CHECKING:
    from sim.model.model import NegotiationModel


class Family(NamedTuple):
    """Variables of one kind: their names in a scenario and how to read one from the model.

    ``read(model, *parts)`` gets the parts of the name after the family's (``trust.ukraine.
    russia`` → ``model, "ukraine", "russia"``) and returns one value per replicate.
    """

    names: Callable[[object], list[str]]
    read: Callable[..., np.ndarray]
    meaning: str


FAMILIES: dict[str, Family] = {
    "trust": Family(
        lambda cfg: [f"trust.{i}.{j}" for i in cfg.parties for j in cfg.parties if j != i],
        lambda m, i, j: m.actors[i].trust[j],
        "party i's trust in party j (0–1)"),
    "ceasefire_in_force": Family(
        lambda cfg: ["ceasefire_in_force"], lambda m: m.in_force,
        "1 while the ceasefire is in force, else 0"),
    "ceasefire_days": Family(
        lambda cfg: ["ceasefire_days"], lambda m: m.ceasefire_days,
        "days the ceasefire has been in force so far"),
    "violations": Family(
        lambda cfg: [f"violations.{p}" for p in cfg.parties],
        lambda m, p: m.actors[p].violations,
        "the party's violations of the ceasefire so far (its rise on a day: it violated "
        "that day)"),
    "agreed": Family(
        lambda cfg: [f"agreed.{k}" for k in cfg.issues], lambda m, k: m.agreed[k],
        "1 once the issue is agreed, else 0"),
    "level": Family(
        lambda cfg: [f"level.{k}" for k in cfg.issues], lambda m, k: m.level[k],
        "the level of the issue agreed so far (0–1; 0 before any agreement)"),
    "zone_open": Family(
        lambda cfg: [f"zone_open.{k}" for k in cfg.issues], lambda m, k: m.zone_open[k],
        "1 if the zone of agreement was open at the latest session the issue was on the "
        "table (within the delegations' mandates), else 0"),
    "exchanged_share": Family(
        lambda cfg: ["exchanged_share"], lambda m: m.exchanged_share(),
        "share of an all-for-all exchange delivered so far (mean over exchange issues)"),
    "announced": Family(
        lambda cfg: [f"announced.{a}" for a in cfg.actors],
        lambda m, a: m.actors[a].announced_before(m.day),  # m.day: already the next day
        "1 once the actor's leader has announced attendance (or always attends), else 0"),
}
"""Every variable a daily series can hold, by family (the name's first dotted part). The
one place that says what each means; docs/experiments.md lists the same."""

ALL = "all"
"""The name that asks for every variable of the scenario."""


def series_variables(config) -> list[str]:
    """Every variable name a scenario's series can hold, family by family."""
    return [name for family in FAMILIES.values() for name in family.names(config)]


def choose_series(config, asked: Iterable[str] | str) -> tuple[str, ...]:
    """The variables ``asked`` selects, in the order of :func:`series_variables`.

    Each name asked is ``all``, a variable (``trust.ukraine.russia``), or the start of
    variable names up to a ``.`` or ``_`` (``trust``: every ``trust.<i>.<j>``; ``ceasefire``:
    ``ceasefire_in_force`` and ``ceasefire_days``). A comma-separated string is split.

    Raises:
        UserError: a name that selects nothing (one line, with did-you-mean).
    """
    from sim.scenario.problems import did_you_mean

    if isinstance(asked, str):
        asked = asked.split(",")
    asked = [name.strip() for name in asked if name.strip()]
    variables = series_variables(config)
    chosen: set[str] = set()
    for name in asked:
        selected = variables if name == ALL else [
            v for v in variables if v == name or v.startswith((f"{name}.", f"{name}_"))]
        if not selected:
            groups = [ALL, "ceasefire", *FAMILIES]
            raise UserError(f"--series: no variable '{name}' in this scenario"
                            f"{did_you_mean(name, [*groups, *variables]) or ';'} choose from "
                            f"{', '.join(dict.fromkeys(groups))}, or a full name such as "
                            f"{variables[0]}")
        chosen.update(selected)
    return tuple(v for v in variables if v in chosen)


def reader(name: str) -> Callable[[NegotiationModel], np.ndarray]:
    """The function reading variable ``name`` from the model (one value per replicate)."""
    family, *parts = name.split(".")
    read = FAMILIES[family].read
    return lambda model: read(model, *parts)


COLUMNS = ("replicate", "day", "variable", "value")
"""The columns of ``series.parquet``, in order."""


class DailySeries:
    """Records the chosen variables of a model after each of its days.

    Args:
        model: the model, before its first day.
        names: the variables (from :func:`choose_series`).
    """

    def __init__(self, model: NegotiationModel, names: tuple[str, ...]) -> None:
        calendar = model.calendar
        self.names = names
        self.readers = [reader(name) for name in names]
        self.first_day = model.day
        days = calendar.announcement_days + calendar.horizon_days
        self.values = np.zeros((len(names), days, model.replicates))

    def record(self, model: NegotiationModel) -> None:
        """Read every variable at the end of the day just stepped (``model.day − 1``)."""
        day = model.day - 1 - self.first_day
        for row, read in zip(self.values, self.readers, strict=True):
            row[day] = read(model)

    def table(self, replicate_index: np.ndarray) -> pd.DataFrame:
        """The long table: one row per replicate, variable and day, in that order."""
        variables, days, replicates = self.values.shape
        day = np.arange(self.first_day, self.first_day + days, dtype=np.int32)
        codes = np.repeat(np.arange(variables, dtype=np.int8 if variables < 128 else np.int16),
                          days)
        return pd.DataFrame({
            "replicate": np.repeat(np.asarray(replicate_index, dtype=np.int64), variables * days),
            "day": np.tile(day, replicates * variables),
            "variable": pd.Categorical.from_codes(np.tile(codes, replicates),
                                                  categories=list(self.names)),
            "value": self.values.transpose(2, 0, 1).ravel(),
        }, copy=False)  # the arrays are fresh: copying them would double the chunk's memory
