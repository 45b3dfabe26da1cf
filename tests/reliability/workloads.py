"""The sweep and the compare that the interruption and worker-loss tests run, interrupt and
resume (conftest's ``sweep_reference`` and ``compare_reference`` run them uninterrupted)."""

from __future__ import annotations

SWEEP_FILE = "reliability-sweep.yaml"
SWEEP = """\
kind: sweep
base: istanbul-2025
design: sobol
parameters:
  trust.ukraine.russia: {range: [0.05, 0.5]}
  actors.usa.monitoring: {range: [0, 1]}
  actors.usa.attendance.mode: {values: [auto, always]}
samples: 8
runs: 60
seed: 9
outputs: [ceasefire_holding, exchange_only, attended.russia]
"""
"""A sobol sweep of 40 points in 2 structural groups (USA's attendance mode), 60 runs each:
with ``--chunk-size 300``, 8 chunks of 5 points × 60 runs, 4 per group. Its ``indices.csv``
depends on every point, so a lost or doubled chunk shows in every table."""

SWEEP_ARGS = ("sweep", SWEEP_FILE, "--chunk-size", "300", "-q", "--no-plots")
SWEEP_CHUNKS = 8
SWEEP_TABLES = ("points.parquet", "points.csv", "indices.csv", "design.parquet",
                "unit_sample.parquet", "scenario.yaml", "sweep.yaml")

COMPARE_ARGS = ("compare", "istanbul-2025", "trump-joins", "--runs", "300", "--chunk-size",
                "50", "--seed", "3", "-q", "--no-plots")
COMPARE_CHUNKS = 6
COMPARE_TABLES = ("shares.csv", "shares.json", "differences.csv", "differences.json",
                  "daily.csv", "parameters.csv", "scenario.yaml")
