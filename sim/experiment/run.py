"""Running a scenario: many replicates, simulated in chunks, counted and (optionally) saved.

A run of R replicates is cut into chunks of global replicate indices
(chunk k = ``first_replicate + k·chunk_size …``); every random draw is keyed by the global
index, so the rows, counts and daily sums are identical whatever the chunk size and however
many workers simulate them. Two paths share one mechanism, :func:`run_chunks`:

- :func:`simulate` keeps everything in memory and returns :class:`~sim.results.Results`;
- :func:`run_to_folder` (``negsim run``) has each chunk written to a ``.partial`` folder as it
  finishes, then streams the chunk files into the results folder, so memory stays bounded
  whatever the number of runs; :func:`resume_run` (``--resume``) computes only the chunks a
  ``.partial`` folder lacks.

Chunks are simulated wherever the executor says (this process, local processes, a Dask
cluster). Local workers write their chunk files themselves; a cluster's workers send the
chunks back and this process writes them, so they need no shared disk. ``negsim compare`` and
``negsim sweep`` (:mod:`sim.experiment.compare`, :mod:`sim.experiment.sweep`) use the same
loop, the same chunk store and the same interruption handling.

Interruptions: Ctrl-C or SIGTERM during :func:`run_to_folder` raise :class:`RunInterrupted`
(exit code 130 or 143) after the running chunks are saved.

What a run is made of is passed in, never looked up behind the caller's back: the engine
(the function that simulates one chunk, :func:`default_engine` unless given), the executor
(where chunks run) and, for runs to a folder, the hooks (:mod:`sim.experiment.hooks`, the
points where a test may interrupt or pause a run).
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from pathlib import Path

from sim import DEFAULT_SEED, SEED_LIMIT
from sim.errors import ChunkFailed, UserError
from sim.experiment.executor import Executor, local_executor
from sim.experiment.hooks import NO_HOOKS, RunHooks

CHUNK_SIZE = 20_000
"""Default replicates per chunk: large enough to vectorise well, small enough to bound memory
and to give the progress bar and ``--resume`` a fine grain."""

@dataclass(frozen=True)
class ChunkTask:
    """Chunk ``index`` of a run: replicates ``first_replicate … first_replicate + count − 1``."""

    index: int
    first_replicate: int
    count: int


MAX_RUNS = 10**9
"""Most replicates one command simulates (guards against typos such as --runs 1e15)."""

SERIES_CHUNK_ROWS = 4_000_000
"""Most daily-series rows a chunk holds when the chunk size is not given (about 100 MB in
memory): a run that records series is cut into smaller chunks (which changes no number)."""

MAX_CHUNKS = 1_000_000
"""Most chunks one run is cut into (each is a task and, in a folder, a file)."""

MAX_WORKERS = 4 * (os.cpu_count() or 1)
"""Most local worker processes: more than a few per core only costs memory."""


def plan_chunks(runs: int, chunk_size: int, first_replicate: int = 0) -> list[ChunkTask]:
    """Cut replicates ``first_replicate … first_replicate + runs − 1`` into chunks."""
    return [ChunkTask(k, first_replicate + start, min(chunk_size, runs - start))
            for k, start in enumerate(range(0, runs, chunk_size))]


def check_settings(runs: int, seed: int, *, first_replicate: int = 0, workers: int = 1,
                   chunk_size: int | None = None, series_rows: int = 0) -> int:
    """Check a run's settings (raising :class:`UserError`) and return the chunk size to use.

    The default chunk size is :data:`CHUNK_SIZE`, smaller when that leaves workers idle, or
    when a replicate's ``series_rows`` (its rows of daily series) would give a chunk more
    than :data:`SERIES_CHUNK_ROWS`.
    """
    runs = _whole(runs, "runs", minimum=1)
    _whole(seed, "seed", minimum=0)
    if seed >= SEED_LIMIT:
        raise UserError(f"seed must be below 2**63 = {SEED_LIMIT} (got {seed})")
    if runs > MAX_RUNS:
        raise UserError(f"runs must be at most {MAX_RUNS:,} (got {runs:,}): a billion "
                        "simulated histories take about an hour on one core")
    _whole(first_replicate, "first_replicate", minimum=0)
    workers = _whole(workers, "workers", minimum=1)
    if workers > MAX_WORKERS:
        raise UserError(f"workers must be at most {MAX_WORKERS} on this computer (4 per core; "
                        f"got {workers})")
    if chunk_size is None:
        bounded = SERIES_CHUNK_ROWS // series_rows if series_rows else CHUNK_SIZE
        return max(1, min(CHUNK_SIZE, math.ceil(runs / workers), bounded))
    chunk_size = _whole(chunk_size, "chunk size", minimum=1)
    if math.ceil(runs / chunk_size) > MAX_CHUNKS:
        raise UserError(f"--chunk-size {chunk_size} cuts {runs:,} runs into more than "
                        f"{MAX_CHUNKS:,} chunks; use at least {math.ceil(runs / MAX_CHUNKS):,}")
    return chunk_size


def _whole(value, name: str, minimum: int) -> int:
    if isinstance(value, bool):
        raise UserError(f"{name} must be a whole number (got {value!r})")
    try:
        value = operator.index(value)
    except TypeError:
        raise UserError(f"{name} must be a whole number (got {value!r})") from None
    if value < minimum:
        raise UserError(f"{name} must be at least {minimum} (got {value})")
    return value


# -- the one chunk-iteration mechanism ----------------------------------------------------


def run_chunks(fn: Callable[[ChunkTask], object], tasks: Sequence[ChunkTask],
               on_result: Callable[[ChunkTask, object], None], *, workers: int = 1,
               executor: Executor | None = None, progress: bool = False,
               total: int | None = None, done: int = 0) -> None:
    """Call ``fn(task)`` for every task (in ``workers`` processes) and ``on_result`` in
    task order.

    Args:
        fn: picklable; runs in a worker process when ``workers > 1``.
        on_result: runs in this process, chunk after chunk, in the order of ``tasks``.
        executor: where to run ``fn`` (e.g. a Dask cluster); default: ``workers`` local
            processes.
        progress: show a progress bar with ETA on stderr.
        total, done: replicates in the whole run and already finished (for the bar).
    """
    if total is None:
        total = sum(task.count for task in tasks)
    executor = executor or local_executor(workers)
    with _progress_bar(total, done, progress) as advance, \
            closing(executor.map_chunks(fn, tasks)) as results:
        for task, result in results:
            on_result(task, result)
            advance(task.count)


@contextmanager
def _progress_bar(total: int, done: int, enabled: bool) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("simulating"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        job = bar.add_task("runs", total=total, completed=done)
        yield lambda n: bar.advance(job, n)


Engine = Callable
"""Simulates one chunk: ``engine(scenario, seed, first_replicate, count, **options)`` returns
a :class:`~sim.model.outcomes.Chunk`; picklable, since workers call it."""


def default_engine() -> Engine:
    """``sim.model.simulate_chunk``, the ensemble model (imported only when a run starts, so
    that Mesa loads only when something is simulated)."""
    return import_module("sim.model").simulate_chunk


class Tally:
    """The integer counts and daily sums of the chunks added so far, in any chunking.

    Both paths summarise through this: :func:`simulate` as chunks arrive, :func:`run_to_folder`
    as it streams the chunk files, so the two give the same summary and daily table.
    """

    def __init__(self):
        from sim.results.summary import Counts

        self.counts, self.sums = Counts(), None
        self.range_sums, self.ranges_complete = None, True

    def add(self, replicates, daily_sums, range_sums=None) -> None:
        from sim.model.outcomes import add_daily_sums
        from sim.model.ranges import add_range_sums
        from sim.results.summary import count

        self.counts += count(replicates)
        self.sums = daily_sums if self.sums is None else add_daily_sums(self.sums, daily_sums)
        if range_sums is None:  # a chunk without them: the run has no ranges table
            self.ranges_complete = False
        elif self.ranges_complete:
            self.range_sums = (range_sums if self.range_sums is None
                               else add_range_sums(self.range_sums, range_sums))

    def summary(self, stem: str):
        from sim.results.summary import summarise

        return summarise(self.counts, stem)

    def daily(self):
        from sim.model.outcomes import daily_means

        return daily_means(self.sums, self.counts.runs)

    def ranges(self):
        """The table of ``ranges.csv``, or None if a chunk did not record ranges."""
        from sim.model.ranges import range_table

        if not self.ranges_complete or self.range_sums is None:
            return None
        return range_table(self.range_sums, self.counts.runs)


# -- in memory ----------------------------------------------------------------------------


def simulate(scenario, runs: int = 10_000, seed: int = DEFAULT_SEED, *,
             first_replicate: int = 0, workers: int = 1, chunk_size: int | None = None,
             progress: bool = False, executor: Executor | None = None,
             engine: Engine | None = None, series: Iterable[str] | str = ()):
    """Simulate ``runs`` replicates of ``scenario`` and return their :class:`Results`.

    Args:
        scenario: a :class:`~sim.scenario.config.Scenario` (see :func:`sim.load_scenario`).
        runs: number of replicates.
        seed: root seed of every keyed draw, in [0, 2**63).
        first_replicate: global index of the first replicate (its ``replicate`` value).
        workers: local processes; the numbers are the same for every value.
        chunk_size: replicates per chunk (default :data:`CHUNK_SIZE`); changes no number.
        progress: show a progress bar on stderr.
        executor: where chunks are simulated instead of ``workers`` local processes (e.g.
            :class:`~sim.experiment.dask_executor.DaskCluster`); changes no number.
        engine: what simulates one chunk (default :func:`default_engine`).
        series: daily series to record for every replicate (``"trust,ceasefire"``, a list of
            names, or ``"all"``; :mod:`sim.model.series`): ``Results.series``.

    Example:
        >>> results = simulate(load_scenario("istanbul-2025"), runs=1000)  # doctest: +SKIP
        >>> results.summary.query("metric == 'outcome'")                   # doctest: +SKIP
    """
    import pandas as pd

    from sim.results.metadata import run_metadata
    from sim.results.results import Results

    names = series_names(scenario, series)
    chunk_size = check_settings(runs, seed, first_replicate=first_replicate, workers=workers,
                                chunk_size=chunk_size, series_rows=series_rows(scenario, names))
    frames, series_frames, tally = [], [], Tally()

    def keep(task: ChunkTask, chunk) -> None:
        frames.append(chunk.replicates)
        series_frames.append(chunk.series)
        tally.add(chunk.replicates, chunk.daily_sums, chunk.range_sums)

    tasks = plan_chunks(runs, chunk_size, first_replicate)
    work = partial(_simulate_task, engine or default_engine(), scenario, seed, series=names)
    run_chunks(work, tasks, keep, workers=workers, executor=executor, progress=progress)
    metadata = run_metadata(scenario, seed=seed, runs=runs, chunk_size=chunk_size,
                            first_replicate=first_replicate, argv=None, series=names)
    return Results(replicates=pd.concat(frames, ignore_index=True), daily=tally.daily(),
                   summary=tally.summary(scenario.stem), metadata=metadata,
                   scenario=scenario.model_dump(mode="json"), ranges=tally.ranges(),
                   series=pd.concat(series_frames, ignore_index=True) if names else None)


def _simulate_task(engine: Callable, scenario, seed: int, task: ChunkTask,
                   series: tuple[str, ...] = ()):
    """One chunk; the engine is asked for series only when there are some (so that an engine
    that records none, such as a test's, needs no ``series`` argument)."""
    if series:
        return engine(scenario, seed, task.first_replicate, task.count, series=series)
    return engine(scenario, seed, task.first_replicate, task.count)


# -- daily series (sim.model.series; their size: sim.experiment.series) -----------------------


def series_names(scenario, asked: Iterable[str] | str | None) -> tuple[str, ...]:
    """The variables ``asked`` names in ``scenario`` (none for ``()`` or None).

    Raises:
        UserError: a name that selects nothing (with did-you-mean).
    """
    if not asked:
        return ()
    from sim.model.series import choose_series

    return choose_series(scenario, asked)


def series_rows(scenario, names: tuple[str, ...]) -> int:
    """Rows of daily series one replicate adds: variables × simulated days."""
    calendar = scenario.calendar
    return len(names) * (calendar.announcement_days + calendar.horizon_days)


# -- streamed to a results folder -----------------------------------------------------------


class RunInterrupted(KeyboardInterrupt):
    """A run to a folder was interrupted; its finished chunks are kept for ``--resume``."""

    def __init__(self, partial_dir: Path, exit_code: int, command: str = "run"):
        self.partial_dir, self.exit_code = partial_dir, exit_code
        super().__init__(f"interrupted; finished chunks kept in {partial_dir}; "
                         f"continue with: negsim {command} --resume {partial_dir}")


class _Terminated(KeyboardInterrupt):
    """SIGTERM, turned into the same clean path as Ctrl-C."""


def run_to_folder(scenario, runs: int = 10_000, seed: int = DEFAULT_SEED, *,
                  first_replicate: int = 0, workers: int = 1, chunk_size: int | None = None,
                  out: str | Path = "results", progress: bool = False,
                  argv: list[str] | None = None, executor: Executor | None = None,
                  engine: Engine | None = None, hooks: RunHooks = NO_HOOKS,
                  series: Iterable[str] | str = ()):
    """Simulate like :func:`simulate`, streaming to ``<out>/<scenario.stem>/<stamp>-<hex>/``;
    the daily ``series`` asked for go to ``series.parquet``, chunk by chunk.

    Every setting is checked before any folder is created. Returns the finished folder's
    :class:`Results` (``.path`` is the folder; rows are read on demand). ``hooks`` are called
    at the points of the run's life (:class:`~sim.experiment.hooks.RunHooks`).

    Raises:
        UserError: invalid settings.
        RunInterrupted: Ctrl-C or SIGTERM; the ``.partial`` folder can be resumed.
    """
    from sim.results import folder as files
    from sim.results.metadata import run_metadata

    names = series_names(scenario, series)
    chunk_size = check_settings(runs, seed, first_replicate=first_replicate, workers=workers,
                                chunk_size=chunk_size, series_rows=series_rows(scenario, names))
    metadata = run_metadata(scenario, seed=seed, runs=runs, chunk_size=chunk_size,
                            first_replicate=first_replicate, argv=argv, series=names)
    with files.set_up(files.new_partial(out, scenario.stem, hooks.folder_name)) as partial_dir:
        hooks.setting_up()
        files.write_scenario(partial_dir, scenario.model_dump(mode="json"))
        files.write_metadata(partial_dir, metadata)
    return _complete(partial_dir, scenario, metadata, workers=workers, executor=executor,
                     progress=progress, engine=engine, hooks=hooks)


def resume_run(partial_dir: str | Path, *, scenario=None, runs: int | None = None,
               seed: int | None = None, chunk_size: int | None = None, workers: int = 1,
               progress: bool = False, argv: list[str] | None = None,
               executor: Executor | None = None, engine: Engine | None = None,
               hooks: RunHooks = NO_HOOKS, series: Iterable[str] | str | None = None):
    """Finish an interrupted :func:`run_to_folder`, computing only its missing chunks.

    The scenario, seed, runs, chunk size and daily series are those recorded in the folder;
    any of them also given here must match (a :class:`UserError` otherwise), as must
    ``scenario``.
    """
    from sim.results import folder as files

    partial_dir = files.check_partial(partial_dir)
    metadata = files.read_metadata(partial_dir)
    recorded = _recorded_scenario(partial_dir, metadata)
    _check_same(metadata, recorded, scenario=scenario, runs=runs, seed=seed,
                chunk_size=chunk_size)
    _check_same_series(metadata, recorded, series)
    check_settings(metadata["runs"], metadata["seed"], workers=workers,
                   chunk_size=metadata["chunk_size"])
    note_resumed(partial_dir, metadata, argv)
    return _complete(partial_dir, recorded, metadata, workers=workers, executor=executor,
                     progress=progress, engine=engine, hooks=hooks)


def note_resumed(partial_dir: Path, metadata: dict, argv: list[str] | None) -> None:
    """Record in ``metadata.json`` that the run was resumed, when and by which command."""
    from sim.results import folder as files

    resumed = {"argv": argv, "time_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    metadata["resumed"] = [*metadata.get("resumed", []), resumed]
    files.write_metadata(partial_dir, metadata)


def _recorded_scenario(partial_dir: Path, metadata: dict):
    from sim.results import folder as files
    from sim.scenario.config import Scenario

    recorded = metadata["scenario"]
    scenario = Scenario.model_validate(files.read_scenario(partial_dir))
    return scenario.with_source(recorded["source"], recorded["stem"])


def _check_same(metadata: dict, recorded, **given) -> None:
    problems = [f"{name} is {value} but the interrupted run used {metadata[name]}"
                for name, value in given.items()
                if name != "scenario" and value is not None and value != metadata[name]]
    scenario = given["scenario"]
    if scenario is not None and (scenario.stem != recorded.stem or scenario.model_dump(
            mode="json") != recorded.model_dump(mode="json")):
        problems.append(f"scenario '{scenario.stem}' differs from the one the interrupted run "
                        f"used ('{recorded.stem}', saved in its scenario.yaml)")
    if problems:
        raise UserError("cannot resume: " + "; ".join(problems))


def _check_same_series(metadata: dict, recorded, series: Iterable[str] | str | None) -> None:
    """``--series`` given with ``--resume`` must name the variables the run started with."""
    if series is None:
        return
    started = tuple(metadata.get("series", ()))
    given = series_names(recorded, series)
    if given != started:
        raise UserError(f"cannot resume: --series selects {', '.join(given) or 'none'} but the "
                        f"interrupted run records {', '.join(started) or 'none'}; resume "
                        "without --series (its folder keeps the series it started with)")


def _complete(partial_dir: Path, scenario, metadata: dict, *, workers: int,
              executor: Executor | None, progress: bool, engine: Engine | None,
              hooks: RunHooks):
    """Simulate the chunks ``partial_dir`` lacks, assemble the folder and rename it."""
    from sim.results.results import load_results

    runs, seed, series = metadata["runs"], metadata["seed"], tuple(metadata.get("series", ()))
    tasks = plan_chunks(runs, metadata["chunk_size"], metadata["first_replicate"])
    executor, engine = executor or local_executor(workers), engine or default_engine()
    how = {"workers": workers, "executor": executor, "progress": progress, "hooks": hooks}
    with interruptions_kept(partial_dir, "run"):
        if len(tasks) == 1:
            chunks = _kept_in_memory(
                partial(_simulate_task, engine, scenario, seed, series=series), tasks, **how)
        else:
            chunks = _stored(partial_dir, engine, scenario, seed, series, tasks, **how)
        _assemble(partial_dir, tasks, chunks, scenario.stem, runs, hooks, bool(series))
        final = finish_folder(partial_dir, hooks)
    return load_results(final)


def _kept_in_memory(work: Callable, tasks: list[ChunkTask], *, workers: int,
                    executor: Executor, progress: bool, hooks: RunHooks) -> list[tuple]:
    """Simulate a run of one chunk and keep it in memory: storing it in the ``.partial``
    folder would spare ``--resume`` only re-simulating it, which costs no more than writing
    and reading it back. Returns ``[(replicates, daily_sums, range_sums, series)]``."""
    kept = []

    def keep(task: ChunkTask, chunk) -> None:
        kept.append((chunk.replicates, chunk.daily_sums, chunk.range_sums, chunk.series))
        hooks.chunk_done(task.index)

    run_chunks(work, tasks, keep, workers=workers, executor=executor, progress=progress)
    return kept


def _stored(partial_dir: Path, engine: Engine, scenario, seed: int, series: tuple[str, ...],
            tasks: list[ChunkTask], *, workers: int, executor: Executor, progress: bool,
            hooks: RunHooks) -> Iterator:
    """Simulate the chunks ``partial_dir`` lacks, storing each (with its range sums and daily
    series) as it arrives; return the stored chunks, read one at a time in plan order:
    ``(replicates, daily_sums, range_sums or None, series or None)``."""
    from sim.results import folder as files

    simulate_one = partial(_simulate_task, engine, scenario, seed, series=series)
    if getattr(executor, "shared_disk", False):  # workers write their chunks: less traffic
        work, save = partial(_save_task, simulate_one, partial_dir.resolve()), None
    else:  # the rows come back here (a cluster need not see this disk)
        work = simulate_one

        def save(task: ChunkTask, chunk) -> None:
            _write_chunk(partial_dir, task, chunk)

    run_stored_chunks(partial_dir, work, tasks, save, workers=workers, executor=executor,
                      progress=progress, hooks=hooks)

    def stored(task: ChunkTask) -> tuple:
        replicates, daily_sums = files.read_chunk(partial_dir, task.index)
        return (replicates, daily_sums, files.read_chunk_ranges(partial_dir, task.index),
                files.read_chunk_series(partial_dir, task.index) if series else None)

    return (stored(task) for task in tasks)


def _save_task(simulate_one: Callable, partial_dir: Path, task: ChunkTask) -> int:
    """Simulate and store one chunk in the worker (local executors share this disk)."""
    _write_chunk(partial_dir, task, simulate_one(task))
    return task.count


def _write_chunk(partial_dir: Path, task: ChunkTask, chunk) -> None:
    from sim.results import folder as files

    files.write_chunk(partial_dir, task.index, chunk.replicates, chunk.daily_sums,
                      chunk.range_sums, chunk.series)


def run_stored_chunks(partial_dir: Path, fn: Callable, tasks: Sequence,
                      save: Callable | None, *, workers: int, executor: Executor | None,
                      progress: bool, hooks: RunHooks) -> None:
    """Simulate the tasks whose chunk ``partial_dir`` does not hold yet; ``save`` each result
    (in this process, in task order) as it arrives, unless ``fn`` stored it itself (``save``
    None). The one chunk store of run, compare and sweep: chunk files in
    ``<partial>/chunks/``, ``hooks.chunk_done`` after each chunk."""
    from sim.results import folder as files

    finished = files.finished_chunks(partial_dir)
    todo = [task for task in tasks if task.index not in finished]

    def on_result(task, result) -> None:
        if save is not None:
            save(task, result)
        hooks.chunk_done(task.index)

    total = sum(task.count for task in tasks)
    run_chunks(fn, todo, on_result, workers=workers, executor=executor, progress=progress,
               total=total, done=total - sum(task.count for task in todo))


def _assemble(partial_dir: Path, tasks: list[ChunkTask], chunks: Iterable[tuple], stem: str,
              runs: int, hooks: RunHooks, with_series: bool = False) -> None:
    """Stream the chunks (``(replicates, daily_sums, range_sums, series)`` in plan order) into
    the replicate tables and, ``with_series``, ``series.parquet``; write the summary, the daily
    means and the ranges (when every chunk recorded them)."""
    from sim.results import folder as files

    tally = Tally()
    with files.ReplicateWriter(partial_dir, runs) as writer, \
            (files.series_writer(partial_dir) if with_series else nullcontext()) as series_out:
        for task, (replicates, daily_sums, range_sums, series) in zip(tasks, chunks,
                                                                      strict=True):
            if len(replicates) != task.count or (
                    replicates["replicate"].iloc[0] != task.first_replicate):
                raise RuntimeError(f"{partial_dir}: chunk {task.index} does not hold "
                                   f"replicates {task.first_replicate}+{task.count}")
            writer.write(replicates)
            if series_out is not None:
                series_out.write(series)
            tally.add(replicates, daily_sums, range_sums)
    hooks.assembling()
    files.write_summary(partial_dir, tally.summary(stem))
    files.write_daily(partial_dir, tally.daily())
    ranges = tally.ranges()
    if ranges is not None:
        files.write_ranges(partial_dir, ranges)


def finish_folder(partial_dir: Path, hooks: RunHooks) -> Path:
    """Rename a ``.partial`` folder whose every table is written, then drop its chunk files;
    return the finished folder. The last step of run, compare and sweep."""
    from sim.results import folder as files

    hooks.before_rename()
    final = files.rename_finished(partial_dir)
    hooks.after_rename()
    files.remove_chunks(final)
    return final


@contextmanager
def interruptions_kept(partial_dir: Path, command: str = "run") -> Iterator[None]:
    """Turn Ctrl-C and SIGTERM into :class:`RunInterrupted` naming ``partial_dir`` (and
    ``negsim COMMAND --resume`` to continue); a chunk that failed for good names it too.

    A second SIGTERM while the running chunks are being saved kills the process outright.
    """
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if on_main_thread else None
    try:
        yield
    except _Terminated:
        _complete_anyway(partial_dir, 143)
        raise RunInterrupted(partial_dir, 143, command) from None
    except KeyboardInterrupt:
        _complete_anyway(partial_dir, 130)
        raise RunInterrupted(partial_dir, 130, command) from None
    except ChunkFailed as failure:
        raise ChunkFailed(f"{failure}; finished chunks kept in {partial_dir}; continue with: "
                          f"negsim {command} --resume {partial_dir}") from failure
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _complete_anyway(partial_dir: Path, exit_code: int) -> None:
    """An interruption after the final rename leaves complete results: say so, not 'resume'."""
    from sim.results import folder as files

    final = files.final_path(partial_dir)
    if not partial_dir.exists() and final.exists():
        raise RunCompleteAnyway(final, exit_code) from None


class RunCompleteAnyway(KeyboardInterrupt):
    """Interrupted while tidying up after the results folder was complete (the exit code
    still says 'interrupted'; the message says the results are whole)."""

    def __init__(self, final: Path, exit_code: int):
        self.exit_code = exit_code
        super().__init__(f"interrupted while tidying up, but the results are complete: {final}/")


def _terminate(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise _Terminated()
