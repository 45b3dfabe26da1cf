"""Comparing scenarios replicate by replicate: "how much does Trump's presence change the odds?"

Every scenario is simulated with the same seed and the same replicate indices, so replicate k
of each draws the same random numbers (common random numbers, docs/model.md §8.3): the scenarios
differ in their parameters only. The difference between scenario B and the baseline A is then
measured on pairs: for replicate k and an outcome, ``d_k = [B_k had it] − [A_k had it]`` is −1,
0 or 1, and the interval is that of the mean of the ``d_k`` (normal approximation,
``mean ± 1.96·sd(d)/√n``). Replicates that the change does not affect give ``d_k = 0`` and add no
noise, so this interval is much narrower than the one for two independent samples,
``±1.96·√(p_A(1−p_A)/n + p_B(1−p_B)/n)``, which is reported beside it (``independent_se``).

The work is streamed like ``negsim run``: chunk k holds replicates of the same indices for every
scenario; a worker simulates them, counts each scenario's outcomes and the discordant pairs,
and returns only those counts, which are stored in the ``.partial`` folder (``--resume``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import pandas as pd

from sim import DEFAULT_SEED
from sim.errors import UserError
from sim.experiment import run as runs_
from sim.experiment.executor import Executor
from sim.experiment.hooks import NO_HOOKS, RunHooks
from sim.results.summary import Z95, wilson

ABSENT = "(absent)"
"""How ``parameters.csv`` shows a path that a scenario does not have."""


def compare(scenarios: Sequence, runs: int = 10_000, seed: int = DEFAULT_SEED, *,
            out: str | Path = "results", workers: int = 1, executor: Executor | None = None,
            chunk_size: int | None = None, progress: bool = False,
            argv: list[str] | None = None, engine: runs_.Engine | None = None,
            hooks: RunHooks = NO_HOOKS):
    """Simulate ``scenarios`` with common random numbers; write and return the comparison.

    Args:
        scenarios: two or more :class:`~sim.scenario.config.Scenario`; the first is the
            baseline every difference is taken from.
        runs, seed, workers, chunk_size, progress, argv: as for
            :func:`~sim.experiment.run.run_to_folder`; the same ``runs`` and ``seed`` for all.
        out: the folder receiving ``compare-<A>-<B>.../<stamp>-<hex>/``.
        executor: where chunks are simulated (e.g. a Dask cluster) instead of local workers.
        engine, hooks: as for :func:`~sim.experiment.run.run_to_folder`.

    Returns:
        The :class:`~sim.results.comparison.Comparison` read back from its folder.

    Example:
        >>> compare([load_scenario("istanbul-2025"), load_scenario("trump-joins")])  # doctest: +SKIP
    """
    from sim.results import comparison as tables
    from sim.results import folder as files
    from sim.results.metadata import experiment_metadata

    if len(scenarios) < 2:
        raise UserError("compare needs at least two scenarios")
    chunk_size = runs_.check_settings(runs, seed, workers=workers, chunk_size=chunk_size)
    labels = scenario_labels([s.stem for s in scenarios])
    described = [{"label": label, "stem": s.stem, "source": s.source}
                 for label, s in zip(labels, scenarios, strict=True)]
    metadata = experiment_metadata("compare", argv=argv, scenarios=described, seed=seed,
                                   runs=runs, first_replicate=0, chunk_size=chunk_size)
    name = "compare-" + "-".join(labels)
    with files.set_up(files.new_partial(out, name, hooks.folder_name)) as partial_dir:
        hooks.setting_up()
        tables.write_scenarios(partial_dir, labels,
                               [s.model_dump(mode="json") for s in scenarios])
        files.write_metadata(partial_dir, metadata)
    return _complete(partial_dir, list(scenarios), metadata, workers=workers,
                     executor=executor, progress=progress, engine=engine, hooks=hooks)


def resume_compare(partial_dir: str | Path, *, workers: int = 1,
                   executor: Executor | None = None, progress: bool = False,
                   argv: list[str] | None = None, engine: runs_.Engine | None = None,
                   hooks: RunHooks = NO_HOOKS):
    """Finish an interrupted :func:`compare`, computing only its missing chunks (the
    scenarios, seed, runs and chunk size are those recorded in the folder)."""
    from sim.results import comparison as tables
    from sim.results import folder as files
    from sim.scenario.config import Scenario

    partial_dir = files.check_partial(partial_dir, "compare", holds=("scenarios",))
    metadata = files.read_metadata(partial_dir)
    described = metadata["scenarios"]
    resolved = tables.read_scenarios(partial_dir, [s["label"] for s in described])
    scenarios = [Scenario.model_validate(data).with_source(s["source"], s["stem"])
                 for data, s in zip(resolved, described, strict=True)]
    runs_.check_settings(metadata["runs"], metadata["seed"], workers=workers,
                         chunk_size=metadata["chunk_size"])
    runs_.note_resumed(partial_dir, metadata, argv)
    return _complete(partial_dir, scenarios, metadata, workers=workers, executor=executor,
                     progress=progress, engine=engine, hooks=hooks)


def scenario_labels(stems: Sequence[str]) -> list[str]:
    """Unique labels for the scenarios: their stems, with ``-2``, ``-3`` … on repeats."""
    labels, seen = [], {}
    for stem in stems:
        seen[stem] = seen.get(stem, 0) + 1
        labels.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return labels


# -- the chunks ---------------------------------------------------------------------------


def _complete(partial_dir: Path, scenarios: list, metadata: dict, *, workers: int,
              executor: Executor | None, progress: bool, engine: runs_.Engine | None,
              hooks: RunHooks):
    from sim.results import folder as files
    from sim.results.comparison import load_comparison

    tasks = runs_.plan_chunks(metadata["runs"], metadata["chunk_size"],
                              metadata["first_replicate"])
    work = partial(_compare_chunk, engine or runs_.default_engine(), scenarios,
                   metadata["seed"])

    def save(task, parts: dict) -> None:
        files.write_chunk_parts(partial_dir, task.index, parts)

    with runs_.interruptions_kept(partial_dir, "compare"):
        runs_.run_stored_chunks(partial_dir, work, tasks, save, workers=workers,
                                executor=executor, progress=progress, hooks=hooks)
        comparison = _assemble(partial_dir, tasks, scenarios, metadata)
        hooks.assembling()
        comparison.save_tables(partial_dir)
        final = runs_.finish_folder(partial_dir, hooks)
    return load_comparison(final)


def _compare_chunk(engine: Callable, scenarios: list, seed: int, task) -> dict:
    """Simulate one chunk of every scenario; return its counts (and daily sums) only.

    Counts table: one row per scenario and (metric, category): ``hits`` (replicates that
    had it) and ``discordant`` (replicates where it differs from the baseline's same
    replicate; −1 for the baseline, or when the baseline has no such metric).
    """
    from sim.results.summary import indicators

    chunks = [engine(s, seed, task.first_replicate, task.count) for s in scenarios]
    flags = [indicators(chunk.replicates) for chunk in chunks]
    rows = []
    for i, flag in enumerate(flags):
        for (metric, category), hit in flag.items():
            base = flags[0].get((metric, category)) if i else None
            discordant = -1 if base is None else int((hit != base).sum())
            rows.append((i, metric, category, task.count, int(hit.sum()), discordant))
    counts = pd.DataFrame(rows, columns=["scenario", "metric", "category", "runs", "hits",
                                         "discordant"])
    return {**{f"daily-{i}": chunk.daily_sums for i, chunk in enumerate(chunks)}, "": counts}


def _assemble(partial_dir: Path, tasks: list, scenarios: list, metadata: dict):
    """Add up the stored chunks and compute the tables."""
    from sim.model.outcomes import add_daily_sums, daily_means
    from sim.results import folder as files
    from sim.results.comparison import Comparison

    labels = [s["label"] for s in metadata["scenarios"]]
    counts, sums = None, [None] * len(scenarios)
    for task in tasks:
        chunk = files.read_chunk_part(partial_dir, task.index).set_index(
            ["scenario", "metric", "category"])
        if (chunk["runs"] != task.count).any():
            raise RuntimeError(f"{partial_dir}: chunk {task.index} does not hold "
                               f"{task.count} replicates")
        counts = chunk if counts is None else counts + chunk.loc[counts.index]
        for i in range(len(scenarios)):
            daily = files.read_chunk_part(partial_dir, task.index, f"daily-{i}")
            sums[i] = daily if sums[i] is None else add_daily_sums(sums[i], daily)
    counts = counts.reset_index()
    counts["discordant"] = counts["discordant"].clip(lower=-1)  # −1 summed over chunks
    counts["label"] = [labels[i] for i in counts["scenario"]]
    daily = pd.concat([daily_means(s, metadata["runs"]).assign(scenario=label)
                       for label, s in zip(labels, sums, strict=True)], ignore_index=True)
    daily = daily[["scenario", *daily.columns.drop("scenario")]]
    return Comparison(shares=shares(counts), differences=differences(counts, labels[0]),
                      parameters=differing_parameters(scenarios, labels), daily=daily,
                      metadata=metadata)


# -- the tables ---------------------------------------------------------------------------


def shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's share of each (metric, category) with its Wilson 95% interval."""
    rows = []
    for r in counts.itertuples():
        low, high = wilson(r.hits, r.runs)
        rows.append((r.label, r.metric, r.category, r.hits / r.runs, low, high, r.runs))
    return pd.DataFrame(rows, columns=["scenario", "metric", "category", "share", "ci_low",
                                       "ci_high", "n"])


def differences(counts: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Each scenario minus the baseline, for the (metric, category) pairs both have."""
    base = counts[counts["scenario"] == 0].set_index(["metric", "category"])
    rows = []
    for r in counts[(counts["scenario"] > 0) & (counts["discordant"] >= 0)].itertuples():
        b = base.loc[(r.metric, r.category)]
        diff, paired, independent = paired_difference(int(b.hits), r.hits, r.discordant, r.runs)
        low, high = diff - Z95 * paired, diff + Z95 * paired
        rows.append((r.label, baseline, r.metric, r.category, diff, low, high,
                     bool(low > 0 or high < 0), paired, independent))
    return pd.DataFrame(rows, columns=["scenario", "baseline", "metric", "category", "diff",
                                       "ci_low", "ci_high", "significant", "paired_se",
                                       "independent_se"])


def paired_difference(base_hits: int, hits: int, discordant: int,
                      n: int) -> tuple[float, float, float]:
    """The mean paired difference of two indicators over ``n`` pairs, its standard error, and
    the standard error the same two shares would have from independent samples.

    With ``d_k ∈ {−1, 0, 1}``: ``Σd_k = hits − base_hits`` and ``Σd_k² = discordant`` (the
    pairs that differ), so the sample variance of ``d`` is ``(discordant − n·mean²)/(n − 1)``.

    This is the paired comparison of common random numbers, the variance-reduction technique
    of the simulation literature, and McNemar's setting for paired proportions.
    """
    diff = (hits - base_hits) / n
    if n < 2:
        return diff, math.nan, math.nan
    variance = max(0.0, (discordant - n * diff * diff) / (n - 1))
    p, q = base_hits / n, hits / n
    return diff, math.sqrt(variance / n), math.sqrt((p * (1 - p) + q * (1 - q)) / n)


def differing_parameters(scenarios: Sequence, labels: Sequence[str]) -> pd.DataFrame:
    """The dotted paths whose resolved values differ between the scenarios, with each value
    (JSON text; :data:`ABSENT` where a scenario lacks the path). Titles and descriptions,
    which change nothing in the model, are left out."""
    flat = [_flatten(s.model_dump(mode="json")) for s in scenarios]
    paths = list(dict.fromkeys(p for f in flat for p in f))
    rows = []
    for path in paths:
        if path in ("title", "description"):
            continue
        values = [f.get(path, ABSENT) for f in flat]
        if len(set(values)) > 1:
            rows.append([path, *values])
    return pd.DataFrame(rows, columns=["path", *labels])


def _flatten(data: object, prefix: str = "") -> dict[str, str]:
    """Leaves of nested mappings as ``{dotted.path: JSON text}`` (lists are leaves)."""
    if isinstance(data, dict) and data:
        out = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: json.dumps(data, ensure_ascii=False)}
