"""docs/model.md is the specification, and everything else cites it correctly (issue 10).

- No file refers to the design notes the project started from (they are not in the
  repository; their content is in docs/model.md).
- Every "docs/model.md §N" anywhere names a section that exists, and every Markdown link
  into a document lands on a heading that exists.
- Every function or class docs/model.md links to exists in the file it links.
- Every "Author Year" citation in README.md, docs/, scenarios/ and sim/ is listed, with that
  author and year, in docs/model.md's References.
- The seed is identified in docs/model.md and the README.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from sim.scenario.modeldoc import CITATION as SECTION_CITATION
from sim.scenario.modeldoc import anchor, model_sections, sections

THIS_FILE = Path(__file__).resolve()
FORBIDDEN = ("MODEL.md", "shared/design", "../shared/")
"""The design notes' name and path: never cited outside this test."""

CITED_TREES = ("README.md", "CITATION.cff", "docs/", "scenarios/", "sim/")
"""Where citations are looked for (issue 10 item 7)."""

TEXT_SUFFIXES = {".md", ".py", ".yaml", ".yml", ".json", ".cff", ".ipynb", ".txt", ".toml"}


# --- the files --------------------------------------------------------------------------------


def repository_files(repo_root: Path) -> list[Path]:
    """Tracked files plus new ones git does not ignore (so an unstaged file is checked too)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=repo_root,
            capture_output=True, text=True, check=True, timeout=60).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the repository's file list is unknown")
    return [repo_root / name for name in listed if name and (repo_root / name).is_file()]


def text_files(repo_root: Path, under: tuple[str, ...] = ("",)) -> dict[Path, str]:
    """``{path: text}`` of the repository's text files under the given prefixes."""
    found = {}
    for path in repository_files(repo_root):
        relative = path.relative_to(repo_root).as_posix()
        if path.suffix in TEXT_SUFFIXES and relative.startswith(under):
            found[path] = path.read_text(encoding="utf-8", errors="replace")  # test data
    return found


@pytest.fixture(scope="module")
def model_doc(repo_root) -> str:
    return (repo_root / "docs" / "model.md").read_text(encoding="utf-8")


# --- no trace of the design notes -------------------------------------------------------------


def test_no_file_but_this_test_names_the_design_notes(repo_root):
    offenders = [f"{path.relative_to(repo_root)}: {word}"
                 for path, text in text_files(repo_root).items() if path != THIS_FILE
                 for word in FORBIDDEN if word in text]
    assert not offenders, "cite docs/model.md §N instead:\n" + "\n".join(offenders)


# --- section citations and links --------------------------------------------------------------


def test_every_section_citation_names_a_section_of_model_md(repo_root, model_doc):
    known = sections(model_doc)
    missing = [f"{path.relative_to(repo_root)}: docs/model.md §{number}"
               for path, text in text_files(repo_root).items()
               for number in SECTION_CITATION.findall(text) if number not in known]
    assert not missing, "no such section in docs/model.md:\n" + "\n".join(missing)


def test_model_sections_reads_the_committed_document(model_doc):
    """The link generator of docs/scenarios.md sees the same sections as this test."""
    assert model_sections() == sections(model_doc)
    assert {"1", "2.2", "3.2", "5.4", "6.2", "7.1", "8", "9.2"} <= set(sections(model_doc))


def test_section_numbers_are_unique_and_anchors_follow_github(model_doc):
    numbers = re.findall(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", model_doc, re.MULTILINE)
    assert len(numbers) == len(set(numbers)), "a section number is used twice"
    assert anchor("5.3 Step 2: the proposal") == "53-step-2-the-proposal"
    assert anchor("4.4 What each side wants (utility)") == "44-what-each-side-wants-utility"
    assert anchor("3.3 Observation and Bayes' rule") == "33-observation-and-bayes-rule"


LINK = re.compile(r"\]\(([^)\s]+)\)")


def heading_anchors(markdown: str) -> set[str]:
    """Every heading's GitHub anchor, with the -1, -2 … suffixes of repeated headings."""
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", markdown, re.MULTILINE):
        slug = anchor(heading)
        anchors.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def markdown_files(repo_root: Path) -> dict[Path, str]:
    return {path: text for path, text in text_files(repo_root).items() if path.suffix == ".md"}


def test_every_relative_link_in_the_markdown_lands(repo_root):
    broken = []
    for path, text in markdown_files(repo_root).items():
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            file_part, _, fragment = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                broken.append(f"{path.relative_to(repo_root)}: {target} (no such file)")
            elif fragment and linked.suffix == ".md" and fragment not in heading_anchors(
                    linked.read_text(encoding="utf-8")):
                broken.append(f"{path.relative_to(repo_root)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_the_link_checker_can_fail(tmp_path):
    text = "# Title\n\n## 5.3 Step 2: the proposal\n"
    assert "53-step-2-the-proposal" in heading_anchors(text)
    assert "54-step-3-acceptance" not in heading_anchors(text)


CODE_LINK = re.compile(r"\[((?:`[\w.]+`(?:, )?)+)\]\((\.\./[\w/]+\.py)\)")


def test_every_function_model_md_links_to_exists(repo_root, model_doc):
    """[`Party.respond`](../sim/model/agents.py) needs a ``def respond`` in that file."""
    missing = []
    for names, target in CODE_LINK.findall(model_doc):
        source = (repo_root / "docs" / target).resolve().read_text(encoding="utf-8")
        for name in re.findall(r"`([\w.]+)`", names):
            last = name.split(".")[-1]
            if not re.search(rf"^\s*(?:def|class) {last}\b|^{last}\b.*=", source, re.MULTILINE):
                missing.append(f"{name} in {target}")
    assert not missing, "docs/model.md links to code that is not there: " + ", ".join(missing)
    assert len(CODE_LINK.findall(model_doc)) > 40


# --- citations and the References -------------------------------------------------------------

NAME = r"[A-Z][a-zà-ÿ]*(?:[A-Z][a-zà-ÿ]+)?(?:-[A-Z][a-zà-ÿ]+)?"
YEAR = r"(?:1[89]|20)\d\d"
YEARS = rf"{YEAR}(?:(?:,\s*|/){YEAR}\b)*"
NARRATIVE = re.compile(
    rf"\b({NAME}(?:,\s+{NAME})*(?:\s+(?:&|and)\s+{NAME}|\s+et\s+al\.)?),?\s+\(?({YEARS})"
    rf"\b(?![-–/]?\d)")
"""'Fearon 1995', 'Beardsley et al. 2006', 'Druckman & Wallensteen 2016', 'Kydd 2003, 2006',
'Faratin, Sierra & Jennings 1998', 'Fortna 2003/2004', 'Okabe & Ito (2008)'."""
REFERENCE_STYLE = re.compile(
    rf"\b({NAME}),\s+(?:[A-Z]\.\s*)+(?:(?:,\s*|\s*&\s*|\s+and\s+){NAME},\s+(?:[A-Z]\.\s*)+)*"
    rf"(?:et al\.\s*)?\(({YEAR})\)")
"""'Wilson, E. B. (1927)', 'McKay, M. D., Beckman, R. J. & Conover, W. J. (1979)'."""
NOT_AUTHORS = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Oct", "Nov", "Dec", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Day", "Easter"}
"""Capitalised words before a year that are dates, not authors."""


def citations(text: str) -> list[tuple[list[str], list[str]]]:
    """Every author-year citation in ``text``: ``(surnames, years)``, e.g. ``(["Kydd"],
    ["2003", "2006"])``."""
    found = []
    for match in NARRATIVE.finditer(text):
        surnames = re.findall(NAME, re.sub(r"\bet\s+al\.", "", match.group(1)))
        if surnames and surnames[-1] not in NOT_AUTHORS:
            found.append(([s for s in surnames if s not in NOT_AUTHORS],
                          re.findall(YEAR, match.group(2))))
    for match in REFERENCE_STYLE.finditer(text):
        found.append(([match.group(1)], [match.group(2)]))
    return found


def reference_entries(model_doc: str) -> list[str]:
    """The entries (bullets) of docs/model.md's References, each as one line of text."""
    section = model_doc.split("\n## References\n", 1)[1]
    section = re.split(r"\n## ", section, maxsplit=1)[0]
    return [" ".join(item.split()) for item in re.split(r"\n- ", section)[1:]]


def unlisted(found: list[tuple[list[str], list[str]]], entries: list[str]) -> list[str]:
    """The citations with no References entry naming all their authors and each year."""
    missing = []
    for surnames, years in found:
        for year in years:
            if not any(year in entry and all(s in entry for s in surnames) for entry in entries):
                missing.append(f"{' & '.join(surnames)} {year}")
    return missing


def test_the_citation_finder_finds_each_form_and_the_check_can_fail(model_doc):
    text = ("As Smith 2001 found, and Druckman & Wallensteen 2016 (summits), Beardsley et al. "
            "2006, Faratin, Sierra & Jennings 1998 and Kydd 2003, 2006 and Fortna 2003/2004; "
            "see Wilson, E. B. (1927) and Okabe & Ito (2008). Not: 14 May 2025, Thu 12 Jun "
            "2025, start_date 2031-03-01, seed 20250514.")
    assert citations(text) == [
        (["Smith"], ["2001"]), (["Druckman", "Wallensteen"], ["2016"]),
        (["Beardsley"], ["2006"]), (["Faratin", "Sierra", "Jennings"], ["1998"]),
        (["Kydd"], ["2003", "2006"]), (["Fortna"], ["2003", "2004"]),
        (["Okabe", "Ito"], ["2008"]), (["Wilson"], ["1927"])]
    assert unlisted(citations(text), reference_entries(model_doc)) == [
        "Smith 2001", "Okabe & Ito 2008", "Wilson 1927"]
    assert unlisted([(["Kydd"], ["2004"])], reference_entries(model_doc)) == ["Kydd 2004"]


def test_every_citation_in_the_repository_is_in_the_references(repo_root, model_doc):
    entries = reference_entries(model_doc)
    missing = [f"{path.relative_to(repo_root)}: {citation}"
               for path, text in text_files(repo_root, CITED_TREES).items() if path != THIS_FILE
               for citation in unlisted(citations(text), entries)]
    assert not missing, ("cite only works listed in docs/model.md's References (or list them "
                         "there in full):\n" + "\n".join(missing))


def test_the_references_give_authors_year_title_and_venue(model_doc):
    """'Surname, I. (Year). Title. Venue ...', except the few entries that are records, not
    publications (they have a year but no '(Year).')."""
    entries = reference_entries(model_doc)
    in_full = [e for e in entries if re.match(rf"{NAME}, [A-Z]\..*?\({YEAR}\)\. .+?[.?] \S", e)]
    others = [e for e in entries if e not in in_full]
    assert len(in_full) >= 19, in_full
    assert all(re.search(YEAR, e) for e in others), others
    assert len(others) <= 3, f"give authors, (year), title and venue: {others}"


# --- the seed ---------------------------------------------------------------------------------


@pytest.mark.parametrize("document", ["README.md", "docs/model.md"])
def test_the_seed_is_identified(repo_root, document):
    text = " ".join((repo_root / document).read_text(encoding="utf-8").split())
    assert "news report of 14 May 2025" in text or "news report dated 14 May 2025" in text
    assert "interview with Volodymyr Zelenskyy published by *Libération*" in text
    assert "the outlet of the report itself is not recorded" in text
