"""Scenario variants for the model tests, built from the shipped baseline's plain dict."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from sim.scenario.config import Scenario

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "istanbul-2025.yaml"


def baseline_dict() -> dict:
    return yaml.safe_load(BASELINE.read_text(encoding="utf-8"))


def build(data: dict) -> Scenario:
    return Scenario.model_validate(data)


def baseline() -> Scenario:
    return build(baseline_dict())


def forced_ceasefire(**usa) -> Scenario:
    """Both sides want a full, open-ended ceasefire and both leaders come: it is agreed at the
    first session in most replicates, so compliance and trust are exercised from day 1."""
    d = baseline_dict()
    d["issues"]["ceasefire"].pop("duration_days")
    for p in ("ukraine", "russia"):
        a = d["actors"][p]
        a["positions"]["ceasefire"] = 1.0
        a["reservation"]["ceasefire"] = 0.0
        a["mandate"]["ceasefire"] = 1.0
        a["momentum"] = a["exposure"] = 0.0
        a["attendance"] = {"mode": "always"}
    d["actors"]["usa"].update(usa)
    return build(d)


def without(data: dict, actor: str) -> dict:
    """The scenario with one actor removed, and every reference to it."""
    d = copy.deepcopy(data)
    del d["actors"][actor]
    d["trust"].pop(actor, None)
    for row in d["trust"].values():
        row.pop(actor, None)
    for a in d["actors"].values():
        a.get("attendance", {}).get("follows", {}).pop(actor, None)
    return d


def relabelled(data: dict, mapping: dict[str, str]) -> dict:
    """Every actor id renamed by ``mapping`` (keys, trust, follows, bias)."""
    ren = lambda k: mapping.get(k, k)  # noqa: E731
    d = copy.deepcopy(data)
    d["actors"] = {ren(a): v for a, v in d["actors"].items()}
    for a in d["actors"].values():
        att = a.get("attendance", {})
        if "follows" in att:
            att["follows"] = {ren(j): w for j, w in att["follows"].items()}
        if "bias" in a:
            a["bias"] = {ren(j): w for j, w in a["bias"].items()}
    d["trust"] = {ren(i): {ren(j): t for j, t in row.items()} for i, row in d["trust"].items()}
    return d
