"""The results folder on disk: every writer next to its reader.

Layout (the contract of issue 2)::

    <out>/<name>/<YYYYMMDD-HHMMSS>-<4 hex>/     name = the scenario's file stem; UTC time
        metadata.json       provenance: versions, seed, runs, argv, time, git commit
        scenario.yaml       the resolved scenario (every default filled in)
        summary.json        the long summary table (records)
        summary.csv         the same table
        replicates.parquet  one row per replicate
        replicates.csv      the same rows, only for runs <= CSV_MAX_ROWS (for spreadsheets)
        daily.csv           one row per day: shares and means over replicates
        ranges.csv          per session, issue and party: acceptable ranges; proposals
        series.parquet      only if asked: replicate, day, variable, value (long format)

A run is built in the sibling folder ``<...>.partial``, which also holds ``chunks/`` (one pair
of Parquet files per finished chunk, each written atomically) so that ``--resume`` can carry
on; it is renamed to its final name only once complete. Tables hold no timestamps or paths.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd

from sim.errors import UserError, writing
from sim.results import PARTIAL_SUFFIX

CSV_MAX_ROWS = 100_000
"""``replicates.csv`` is written only up to this many rows (spreadsheets choke beyond)."""

ROW_GROUP_ROWS = 100_000
"""Rows per Parquet row group: fixed, so the file does not depend on the chunk size."""

CHUNKS = "chunks"
FILES = ("metadata.json", "scenario.yaml", "summary.json", "summary.csv",
         "replicates.parquet", "daily.csv")
"""The files every finished results folder holds (``replicates.csv`` only for small runs)."""


# -- folders -----------------------------------------------------------------------------


def stamped_name() -> str:
    """A results folder's name: ``<UTC stamp>-<4 random hex>``, e.g. ``20250514-120000-beef``."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def new_partial(out: str | Path, name: str, folder_name: Callable[[], str] = stamped_name,
                attempts: int = 50) -> Path:
    """Create ``<out>/<name>/<folder_name()>.partial`` and return it.

    Two runs started in the same second get different random suffixes; creating the folder
    with ``exist_ok=False`` makes a clash an error we retry, with a new name, rather than a
    shared folder.
    """
    parent = Path(out) / name
    with writing(parent):
        parent.mkdir(parents=True, exist_ok=True)
        for _ in range(attempts):
            final = parent / folder_name()
            if final.exists():
                continue
            partial = final.with_name(final.name + PARTIAL_SUFFIX)
            try:
                partial.mkdir()
            except FileExistsError:
                continue
            (partial / CHUNKS).mkdir()
            return partial
    raise RuntimeError(f"could not create a new results folder in {parent}")


@contextmanager
def set_up(partial: Path) -> Iterator[Path]:
    """Write the first files of a new ``.partial`` folder (metadata, scenario) in this block;
    if it fails or is interrupted, the folder is removed again.

    A folder without its ``metadata.json`` could not be resumed, so it is worth nothing; the
    interruption then leaves no trace but the message "interrupted".
    """
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def final_path(partial: Path) -> Path:
    """The name a ``.partial`` folder gets once complete."""
    return partial.with_name(partial.name.removesuffix(PARTIAL_SUFFIX))


def check_partial(folder: str | Path, kind: str = "run",
                  holds: tuple[str, ...] = ("scenario.yaml",)) -> Path:
    """Check that ``folder`` is an unfinished run (or compare, or sweep: ``kind``) that
    ``--resume`` can continue: a ``.partial`` folder with ``metadata.json`` and ``holds``."""
    folder = Path(folder)
    if not folder.name.endswith(PARTIAL_SUFFIX):
        if (folder / "metadata.json").exists():
            raise UserError(f"{folder}: this {kind} is already complete; nothing to resume")
        raise UserError(f"{folder}: not an unfinished {kind} (expected a folder ending in "
                        f"'{PARTIAL_SUFFIX}')")
    needed = ("metadata.json", *holds)
    if not all((folder / name).exists() for name in needed):
        raise UserError(f"{folder}: not an unfinished {kind} (no {' and '.join(needed)})")
    recorded = read_metadata(folder).get("kind")
    if recorded != kind:
        raise UserError(f"{folder}: this folder holds an unfinished {recorded}, not a {kind}; "
                        f"continue it with: negsim {recorded} --resume {folder}")
    _check_model_version(folder)
    if final_path(folder).exists():
        raise UserError(f"{folder}: the finished folder {final_path(folder)} already exists")
    return folder


def _check_model_version(folder: Path) -> None:
    """Chunks of two model versions must not be mixed in one result: refuse to resume a
    ``.partial`` folder that another version of the model's rules started."""
    import sim

    recorded = read_metadata(folder).get("model")
    if recorded != sim.MODEL_VERSION:
        raise UserError(f"{folder}: started by model version {recorded}, this is version "
                        f"{sim.MODEL_VERSION}; its chunks cannot be mixed with new ones: "
                        f"start a new run")


def rename_finished(partial: Path) -> Path:
    """Give a complete ``.partial`` folder its final name (then :func:`remove_chunks`)."""
    final = final_path(partial)
    partial.rename(final)
    return final


def remove_chunks(folder: Path) -> None:
    """Drop the chunk files of a finished folder (only ``--resume`` needed them)."""
    shutil.rmtree(folder / CHUNKS, ignore_errors=True)


def prepare_empty(folder: str | Path) -> Path:
    """Create ``folder`` for :meth:`Results.save`, refusing one that already holds files."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise UserError(f"{folder}: folder is not empty; choose a new one")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class AtomicFile:
    """A file written under a temporary name, then flushed, synced and renamed into place.

    A crash or interruption leaves either no file or the whole file, never half of one;
    the ``.tmp`` leftovers are ignored by every reader. Use as a context manager (the file is
    committed if the block succeeds, discarded if it raises) or call :meth:`commit` /
    :meth:`discard` yourself.
    """

    def __init__(self, path: Path, mode: str = "w"):
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")
        text = "b" not in mode
        # closed by commit() or discard(), not by a with-block
        self.file: IO = open(self.tmp, mode, encoding="utf-8" if text else None,  # noqa: SIM115
                             newline="" if text else None)

    def commit(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.tmp, self.path)
        _fsync_dir(self.path.parent)

    def discard(self) -> None:
        self.file.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> IO:
        return self.file

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- chunks (inside a .partial folder) ----------------------------------------------------


def _chunk_files(partial: Path, index: int) -> tuple[Path, Path]:
    base = partial / CHUNKS / f"{index:06d}"
    return base.with_suffix(".daily.parquet"), base.with_suffix(".parquet")


def write_chunk(partial: Path, index: int, replicates: pd.DataFrame,
                daily_sums: pd.DataFrame, range_sums: pd.DataFrame | None = None,
                series: pd.DataFrame | None = None) -> None:
    """Store chunk ``index`` (and its range sums, when the engine gave them, and its daily
    series, if any); the replicate file is written last and marks it finished."""
    ranges = {} if range_sums is None else {"ranges": range_sums}
    series_part = {} if series is None else {"series": series}
    write_chunk_parts(partial, index, {"daily": daily_sums, **ranges, **series_part,
                                       "": replicates})


def write_chunk_parts(partial: Path, index: int, parts: dict[str, pd.DataFrame]) -> None:
    """Store chunk ``index`` of any kind of run as named tables, in order.

    The part named ``""`` (``chunks/<index>.parquet``) must come last: its presence marks the
    chunk finished. Others are ``chunks/<index>.<name>.parquet``. Each file is atomic.
    """
    if list(parts)[-1] != "":
        raise ValueError("the unnamed part marks a chunk finished: it must come last")
    for name, frame in parts.items():
        with AtomicFile(_chunk_part(partial, index, name), "wb") as f:
            frame.to_parquet(f, index=False)


def read_chunk_part(partial: Path, index: int, name: str = "") -> pd.DataFrame:
    """One table of stored chunk ``index``, as written by :func:`write_chunk_parts`."""
    return pd.read_parquet(_chunk_part(partial, index, name))


def _chunk_part(partial: Path, index: int, name: str) -> Path:
    return partial / CHUNKS / (f"{index:06d}.{name}.parquet" if name else f"{index:06d}.parquet")


def finished_chunks(partial: Path) -> set[int]:
    """Indices of the chunks stored in ``partial``."""
    names = (p.name.removesuffix(".parquet") for p in (partial / CHUNKS).glob("*.parquet"))
    return {int(n) for n in names if n.isdigit()}


def read_chunk(partial: Path, index: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The replicate table and daily sums of stored chunk ``index``."""
    daily_file, replicates_file = _chunk_files(partial, index)
    return _read_parquet(replicates_file), pd.read_parquet(daily_file)


def read_chunk_ranges(partial: Path, index: int) -> pd.DataFrame | None:
    """The range sums of stored chunk ``index``; None if it has none (a chunk stored by a
    version of negsim that did not record them, or by an engine that does not)."""
    path = _chunk_part(partial, index, "ranges")
    return pd.read_parquet(path) if path.is_file() else None
def read_chunk_series(partial: Path, index: int):
    """The daily series of stored chunk ``index`` (a run that asked for series), as the
    Arrow table :class:`ParquetStream` takes: its rows go to the file as they are."""
    import pyarrow.parquet as pq

    return pq.read_table(_chunk_part(partial, index, "series"))


# -- single files --------------------------------------------------------------------------


def write_metadata(folder: Path, metadata: dict) -> None:
    with AtomicFile(folder / "metadata.json") as f:
        json.dump(metadata, f, indent=2, ensure_ascii=False)
        f.write("\n")


def read_metadata(folder: Path) -> dict:
    return json.loads((folder / "metadata.json").read_text(encoding="utf-8"))


def write_scenario(folder: Path, resolved: dict) -> None:
    """Write the resolved scenario (``Scenario.model_dump(mode="json")``) as YAML."""
    import yaml

    with AtomicFile(folder / "scenario.yaml") as f:
        yaml.safe_dump(resolved, f, sort_keys=False, allow_unicode=True)


def read_scenario(folder: Path) -> dict:
    import yaml

    return yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))


def write_summary(folder: Path, summary: pd.DataFrame) -> None:
    records = summary.to_dict(orient="records")
    with AtomicFile(folder / "summary.json") as f:
        json.dump(records, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with AtomicFile(folder / "summary.csv") as f:
        summary.to_csv(f, index=False, lineterminator="\n")


def read_summary(folder: Path) -> pd.DataFrame:
    from sim.results.summary import COLUMNS

    records = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return pd.DataFrame(records, columns=COLUMNS)


def write_table(folder: Path, name: str, frame: pd.DataFrame, *, json_too: bool = False) -> None:
    """``<name>.csv`` (and ``<name>.json``, records) of a long table, atomically."""
    with AtomicFile(folder / f"{name}.csv") as f:
        frame.to_csv(f, index=False, lineterminator="\n")
    if json_too:
        with AtomicFile(folder / f"{name}.json") as f:
            json.dump(frame.to_dict(orient="records"), f, indent=2, ensure_ascii=False)
            f.write("\n")


def read_table(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv")


def write_parquet(folder: Path, name: str, frame: pd.DataFrame) -> None:
    with AtomicFile(folder / f"{name}.parquet", "wb") as f:
        frame.to_parquet(f, index=False)


def read_parquet(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(folder / f"{name}.parquet")


def write_text(folder: Path, name: str, text: str) -> None:
    with AtomicFile(folder / name) as f:
        f.write(text)


def write_yaml(path: Path, data: object) -> None:
    """Plain data as YAML at ``path`` (its folder is created), atomically."""
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    with AtomicFile(path) as f:
        yaml.safe_dump(data, f, sort_keys=False, allow_unicode=True)


def read_yaml(path: Path) -> object:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write_daily(folder: Path, daily: pd.DataFrame) -> None:
    with AtomicFile(folder / "daily.csv") as f:
        daily.to_csv(f, index=False, lineterminator="\n")


def read_daily(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "daily.csv")


RANGES = "ranges.csv"
"""Each party's acceptable range and the proposals per session (docs/model.md §5.8); absent
from folders made before negsim recorded them, and from runs whose chunks did not all
record them."""


def write_ranges(folder: Path, ranges: pd.DataFrame) -> None:
    with AtomicFile(folder / RANGES) as f:
        ranges.to_csv(f, index=False, lineterminator="\n")


def read_ranges(folder: Path) -> pd.DataFrame | None:
    """``ranges.csv`` of a results folder, or None if it has none (an older folder)."""
    path = folder / RANGES
    if not path.is_file():
        return None
    # only an empty value is missing: a party id such as "na" stays a name
    return pd.read_csv(path, keep_default_na=False, na_values={"value": [""]})


def read_replicates(folder: Path) -> pd.DataFrame:
    return _read_parquet(folder / "replicates.parquet")


def read_replicate_columns(folder: Path, wanted: tuple[str, ...]) -> pd.DataFrame:
    """The replicate table's columns named in ``wanted`` or starting with one of its entries
    that ends in a dot (``"reason."``); only those are read from the file."""
    import pyarrow.parquet as pq

    path = folder / "replicates.parquet"
    names = pq.read_schema(path).names
    columns = [c for c in names if c in wanted or any(
        w.endswith(".") and c.startswith(w) for w in wanted)]
    return _read_parquet(path, columns)


def _read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a replicate table, restoring the full category lists of ``outcome`` and of the
    fixed why-columns (``reason.*``, ``ended_after``), in their order.

    Parquet may keep only the dictionary values it stored, so a chunk without, say, any
    ``no_talks`` replicate could otherwise come back with four categories.
    """
    from sim.model.outcomes import ENDINGS, OUTCOMES, REASONS

    frame = pd.read_parquet(path, columns=columns)
    fixed = {"outcome": OUTCOMES, "ended_after": ENDINGS}
    fixed.update({c: REASONS for c in frame.columns if c.startswith("reason.")})
    for column, categories in fixed.items():
        if column in frame:
            ordered = getattr(frame[column].dtype, "ordered", False)
            frame[column] = frame[column].astype(pd.CategoricalDtype(list(categories), ordered))
    return frame


# -- tables streamed into one Parquet file ------------------------------------------------


class _KeptIfWhole:
    """A writer as a context manager: its files are closed and moved into place when the block
    ends normally, and discarded when it ends with an error or an interruption."""

    def close(self) -> None:
        raise NotImplementedError

    def discard(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


class ParquetStream(_KeptIfWhole):
    """Tables appended in order into one Parquet file (atomically, on :meth:`close`).

    Rows are regrouped into row groups of ``row_group_rows``, so the bytes written do not
    depend on how the rows arrived (how the run was chunked).
    """

    def __init__(self, path: Path, row_group_rows: int):
        self.file = AtomicFile(path, "wb")
        self._row_group_rows = row_group_rows
        self._writer = None
        self._pending: list = []
        self._pending_rows = 0

    def write(self, frame) -> None:
        """Append a DataFrame, or an Arrow table read from a file this class wrote (a
        chunk's part: converting it to pandas and back would only cost memory)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = self._writer.schema if self._writer else None
        if isinstance(frame, pa.Table):  # read back, it has int32 dictionary codes: the
            # schema a DataFrame gives is the file's, whichever way its first rows came
            empty = frame.slice(0, 0).to_pandas()
            schema = schema or pa.Table.from_pandas(empty, preserve_index=False).schema
            table = frame.cast(schema)
        else:
            table = pa.Table.from_pandas(frame, preserve_index=False, schema=schema)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.file.file, table.schema)
        self._pending.append(table)
        self._pending_rows += len(table)
        self._flush(self._row_group_rows)

    def _flush(self, min_rows: int) -> None:
        """Write the pending rows' whole row groups (all of them when ``min_rows`` is 1),
        each made contiguous on its own, so that at most one row group is copied at a time."""
        import pyarrow as pa

        if self._pending_rows < min_rows or not self._pending:
            return
        size = self._row_group_rows
        table = pa.concat_tables(self._pending)
        whole = len(table) if min_rows <= 1 else len(table) // size * size
        for start in range(0, whole, size):
            group = table.slice(start, min(size, whole - start)).combine_chunks()
            self._writer.write_table(group, row_group_size=size)
        rest = table.slice(whole)
        self._pending, self._pending_rows = ([rest] if len(rest) else []), len(rest)

    def close(self) -> None:
        """Write the last rows and move the file into place."""
        self._flush(1)
        self._writer.close()
        self.file.commit()

    def discard(self) -> None:
        self.file.discard()


class ReplicateWriter(_KeptIfWhole):
    """Streams replicate tables, in replicate order, into ``replicates.parquet`` (row groups
    of :data:`ROW_GROUP_ROWS`) and ``replicates.csv`` when the run has at most
    :data:`CSV_MAX_ROWS` rows. Both files appear (atomically) on :meth:`close`.
    """

    def __init__(self, folder: Path, runs: int):
        self._parquet = ParquetStream(folder / "replicates.parquet", ROW_GROUP_ROWS)
        self._csv = AtomicFile(folder / "replicates.csv") if runs <= CSV_MAX_ROWS else None

    def write(self, replicates: pd.DataFrame) -> None:
        self._parquet.write(replicates)
        if self._csv is not None:
            header = self._csv.file.tell() == 0
            replicates.to_csv(self._csv.file, index=False, header=header, lineterminator="\n")

    def close(self) -> None:
        """Write the last rows and move both files into place."""
        self._parquet.close()
        if self._csv is not None:
            self._csv.commit()

    def discard(self) -> None:
        """Drop both files (an interruption while writing)."""
        self._parquet.discard()
        if self._csv is not None:
            self._csv.discard()


SERIES = "series.parquet"
"""The daily series of the replicates (only when a run asked for some; :mod:`sim.model.series`)."""

SERIES_ROW_GROUP_ROWS = 1_000_000
"""Rows per row group of ``series.parquet``: fixed, so the file does not depend on the chunk
size."""


def series_writer(folder: Path) -> ParquetStream:
    """The writer of ``series.parquet``: the chunks' series tables, in replicate order."""
    return ParquetStream(folder / SERIES, SERIES_ROW_GROUP_ROWS)


def series_bytes(series: pd.DataFrame) -> int:
    """The bytes ``series`` takes written as ``series.parquet`` is (measured in memory)."""
    import io

    buffer = io.BytesIO()
    series.to_parquet(buffer, index=False, row_group_size=SERIES_ROW_GROUP_ROWS)
    return buffer.tell()


def read_series(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / SERIES)
