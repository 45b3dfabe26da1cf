"""Citations of the model's specification, ``docs/model.md``, by section: "docs/model.md §5.3".

The specification's headings are numbered (``### 5.3 Step 2: the proposal``). Config reasons,
docstrings, scenario files and docs cite a section as "docs/model.md §5.3". This module reads
the numbered headings and turns such a citation into a Markdown link to the heading's anchor
(the one GitHub gives it), so that the generated field reference, ``docs/scenarios.md``,
links every reason to its section. The tests use the same functions to check that every
section cited anywhere in the repository exists.
"""

from __future__ import annotations

import re
from pathlib import Path

MODEL_DOC = Path(__file__).resolve().parents[2] / "docs" / "model.md"
"""The specification, when this is a checkout of the repository (an installed package has no
``docs/``)."""

CITATION = re.compile(r"docs/model\.md §(\d+(?:\.\d+)*)")
"""A section citation; group 1 is the section number."""

_HEADING = re.compile(r"^#{2,4} ((\d+(?:\.\d+)*)\.? +.+?) *$", re.MULTILINE)
"""A numbered heading: group 1 is its text, group 2 its number."""


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces as '-'."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")


def sections(markdown: str) -> dict[str, str]:
    """``{number: anchor}`` of the numbered headings of a Markdown text: the heading
    ``### 5.3 Step 2: the proposal`` gives ``{"5.3": "53-step-2-the-proposal"}``."""
    return {match.group(2): anchor(match.group(1)) for match in _HEADING.finditer(markdown)}


def model_sections() -> dict[str, str]:
    """The numbered sections of ``docs/model.md``, or none outside a repository checkout."""
    return sections(MODEL_DOC.read_text(encoding="utf-8")) if MODEL_DOC.exists() else {}


def link_citations(text: str, known: dict[str, str], target: str = "model.md") -> str:
    """``text`` with every "docs/model.md §N" as a Markdown link to section N in ``target``
    (a section not in ``known`` links to the page only)."""
    def link(match: re.Match) -> str:
        section = match.group(1)
        where = f"{target}#{known[section]}" if section in known else target
        return f"[{match.group(0)}]({where})"

    return CITATION.sub(link, text)
