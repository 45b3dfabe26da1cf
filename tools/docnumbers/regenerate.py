"""All the numbers the docs quote from runs, made afresh and written into their places.

:func:`generate` runs every generator (the commands the docs show, or the stored results of
the slow Sobol sweep) and gathers their values and claims; :func:`rewritten` fills each doc's
generated places (:mod:`tools.docnumbers.blocks`) with them. The test
``tests/tools/test_docnumbers.py`` checks that every committed doc equals its rewritten
text, that every claim holds and that every value has a place.
"""

from __future__ import annotations

from pathlib import Path

from tools.docnumbers import blocks, changelog, experiments, exploring, readme, sensitivity, teaching
from tools.docnumbers.generated import Generated

ROOT = Path(__file__).resolve().parents[2]


def generate(workdir: Path) -> Generated:
    """Every generator's values and claims; commands run in folders under ``workdir``."""
    made = Generated()
    for generated in (readme.generate(workdir), teaching.generate(workdir),
                      experiments.generate(workdir), sensitivity.generate(),
                      changelog.generate(), exploring.generate(workdir)):
        made.merge(generated)
    return made


def docs(root: Path = ROOT) -> list[Path]:
    """The pages that may hold generated places."""
    pages = [root / "README.md", root / "CHANGELOG.md", *sorted((root / "docs").glob("*.md"))]
    return [page for page in pages if page.exists()]


def rewritten(path: Path, values: dict[str, str], root: Path = ROOT) -> str:
    """The text of ``path`` with its generated places filled from ``values``."""
    text = path.read_text(encoding="utf-8")
    return blocks.fill(text, values, str(path.relative_to(root)))


def unused(values: dict[str, str], root: Path = ROOT) -> list[str]:
    """Values that no page has a place for (a generator making numbers nobody reads)."""
    placed = {name for path in docs(root)
              for name in blocks.names(path.read_text(encoding="utf-8"), str(path))}
    return sorted(set(values) - placed)
