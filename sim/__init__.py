"""negsim: a negotiation-scenario simulator.

The public API (kept light to import: Mesa loads only when something simulates)::

    import sim
    scenario = sim.load_scenario("istanbul-2025", overrides=["trust.ukraine.russia=0.2"])
    results = sim.simulate(scenario, runs=10_000, seed=20250514)
    results.summary            # long table: scenario, metric, category, share, ci_low, ci_high, n
    results.save("results/istanbul-2025/my-run")
    same = sim.load_results("results/istanbul-2025/my-run")
"""

from importlib import import_module

__version__ = "0.1.0"
MODEL_VERSION = "2"
"""Version of the model's rules (docs/model.md §1-8); recorded in every results folder, and
``--resume`` refuses a ``.partial`` folder of another version. 2: exchange size bargained
against distrust, tranches, the zone of agreement and the reasons (issue 10)."""
DEFAULT_SEED = 20250514
"""The default root seed: the date of the seed article."""
SEED_LIMIT = 2**63
"""Seeds are whole numbers 0 ≤ S < 2**63: the keyed draws mix them as 64-bit integers."""

_EXPORTS = {
    "load_scenario": "sim.scenario.loader",
    "Scenario": "sim.scenario.config",
    "simulate": "sim.experiment.run",
    "Results": "sim.results.results",
    "load_results": "sim.results.results",
}

__all__ = ["__version__", "MODEL_VERSION", "DEFAULT_SEED", "SEED_LIMIT", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
