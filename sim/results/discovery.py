"""The results folder of ``negsim discover``: writer and reader side by side.

Layout::

    <out>/discover-<sweep stem>/<YYYYMMDD-HHMMSS>-<4 hex>/
        metadata.json   kind: discover; the sweep folder it read, output, threshold, the
                        points (of interest), PRIM's settings, package versions, command
        scenario.yaml   the sweep's base scenario, resolved (copied from the sweep folder)
        points.csv      point, the parameters analysed, <output>.share, of_interest
        boxes.csv       box, parameter, low, high, categories, coverage, density, mass, quasi_p
        peeling.csv     box, step, coverage, density, mass, restricted, chosen
        tree.csv        leaf, parameter, low, high, categories, coverage, density, mass
        tree.txt        the CART tree as indented rules

A numeric restriction has ``low`` and ``high`` (and no ``categories``); a non-numeric one
lists the kept ``categories``, separated by ``|``. Like every results folder, it is built
under a ``.partial`` name and renamed once complete.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.results import folder as files

FILES = ("metadata.json", "scenario.yaml", "points.csv", "boxes.csv", "peeling.csv",
         "tree.csv", "tree.txt")


@dataclass
class DiscoveryResults:
    """What ``negsim discover`` produced (the tables of :class:`~sim.experiment.discover.
    Discovery`, read back from the folder)."""

    boxes: pd.DataFrame
    peeling: pd.DataFrame
    tree: pd.DataFrame
    metadata: dict
    path: Path


def write_discovery(out: str | Path, sweep, found, tied: dict, *, argv: list[str] | None,
                    settings: dict, versions: dict) -> DiscoveryResults:
    """Write the folder of discovery ``found`` over ``sweep`` (its
    :class:`~sim.results.sweep.SweepResults`) and return it read back.

    Args:
        found: a :class:`~sim.experiment.discover.Discovery`.
        tied: ``{same_as twin: the parameter analysed in its place}``.
        settings: PRIM's and CART's settings; versions: of the packages that computed it.
    """
    from sim.results.metadata import experiment_metadata

    meta = sweep.metadata
    metadata = experiment_metadata(
        "discover", argv=argv, sweep={"stem": meta["sweep"]["stem"], "folder": str(sweep.path)},
        scenario=meta["scenario"], output=found.output, threshold=found.threshold,
        points=len(found.interest), of_interest=int(found.interest.sum()),
        parameters=found.parameters, tied=tied, runs=meta["runs"], seed=meta["seed"],
        boxes=int(found.boxes["box"].nunique()) if len(found.boxes) else 0,
        settings=settings, packages=versions)
    points = sweep.points[["point", *found.parameters, f"{found.output}.share"]].copy()
    points["of_interest"] = found.interest
    # a discover folder is written in one go (nothing to resume): an interruption or an
    # error removes the unfinished folder again
    with files.set_up(files.new_partial(out, f"discover-{meta['sweep']['stem']}")) as partial:
        shutil.copyfile(sweep.path / "scenario.yaml", partial / "scenario.yaml")
        files.write_table(partial, "points", points)
        files.write_table(partial, "boxes", found.boxes)
        files.write_table(partial, "peeling", found.peeling)
        files.write_table(partial, "tree", found.tree)
        files.write_text(partial, "tree.txt", found.rules)
        files.write_metadata(partial, metadata)
        final = files.rename_finished(partial)
    files.remove_chunks(final)
    return load_discovery(final)


def load_discovery(folder: str | Path) -> DiscoveryResults:
    """Read a finished discover folder back."""
    from sim.errors import UserError

    folder = Path(folder)
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise UserError(f"{folder}: not a finished discover folder (missing "
                        f"{', '.join(missing)})")
    return DiscoveryResults(boxes=read_restrictions(folder, "boxes"),
                            peeling=files.read_table(folder, "peeling"),
                            tree=read_restrictions(folder, "tree"),
                            metadata=files.read_metadata(folder), path=folder)


def read_restrictions(folder: Path, name: str) -> pd.DataFrame:
    """``boxes.csv`` or ``tree.csv``, with empty text cells read as empty text."""
    return pd.read_csv(folder / f"{name}.csv", dtype={"parameter": str, "categories": str},
                       keep_default_na=False, na_values={"low": [""], "high": [""],
                                                         "quasi_p": [""]})
