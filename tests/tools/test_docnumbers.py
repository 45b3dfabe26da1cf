"""Every number the docs quote from a run is what its script makes now (tools/docnumbers).

The README's example, docs/teaching.md, docs/experiments.md, CHANGELOG.md, and the Sobol
numbers of docs/sensitivity.md, docs/model.md §10 and docs/experiments.md are regenerated
here (the commands run again, about 15 s) and compared with the committed pages, character
for character. The Sobol sweep itself is too slow to repeat (4.1 million histories): its
stored results are checked instead, by simulating a dozen of its points again, and a small
sweep checks that the script that stores them still runs. If a test here fails after a
change on purpose, run ``python -m tools.docnumbers`` (add ``--sobol`` when the model
changed) and review the diff.
"""


import pytest

from tools.docnumbers import __main__ as command
from tools.docnumbers import blocks, regenerate
from tools.docnumbers.generated import Generated


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return regenerate.generate(tmp_path_factory.mktemp("docnumbers"))


# -- the committed pages are the scripts' output --------------------------------------------


def test_every_claim_the_prose_makes_still_holds(made):
    assert not made.broken, "rewrite the prose that says:\n" + "\n".join(made.broken)


@pytest.mark.parametrize("page", regenerate.docs(), ids=lambda p: p.name)
def test_each_page_holds_the_numbers_its_script_makes(made, page):
    assert page.read_text(encoding="utf-8") == regenerate.rewritten(page, made.values), (
        f"{page.name} is out of date: run `python -m tools.docnumbers` and review the diff")


def test_every_number_made_has_a_place_in_a_page(made):
    assert regenerate.unused(made.values) == []


@pytest.mark.parametrize("page", ["README.md", "docs/teaching.md"])
def test_the_pages_that_quote_runs_keep_their_generated_places(repo_root, page):
    """A page whose markers were deleted would pass the comparison with stale numbers."""
    assert blocks.names((repo_root / page).read_text(encoding="utf-8"))


def test_nothing_is_written_when_a_claim_fails(monkeypatch, tmp_path, capsys):
    broken = Generated()
    broken.claim("the moon is made of cheese", False)
    monkeypatch.setattr(regenerate, "generate", lambda workdir: broken)
    monkeypatch.setattr(regenerate, "docs", lambda root=None: [])
    assert command.main([]) == 1
    assert "the moon is made of cheese" in capsys.readouterr().err


# -- the markers -----------------------------------------------------------------------------


def test_fill_replaces_inline_and_block_places_and_nothing_else():
    text = ("Putin came in <!-- generated: a -->?<!-- /generated --> of runs.\n"
            "- item\n  <!-- generated: b -->\n  old\n  <!-- /generated -->\nend\n")
    filled = blocks.fill(text, {"a": "20.6%", "b": "| x |\n|---|"})
    assert filled == ("Putin came in <!-- generated: a -->20.6%<!-- /generated --> of runs.\n"
                      "- item\n  <!-- generated: b -->\n  | x |\n  |---|\n"
                      "  <!-- /generated -->\nend\n")
    assert blocks.fill(filled, {"a": "20.6%", "b": "| x |\n|---|"}) == filled
    assert blocks.names(text) == ["a", "b"]


@pytest.mark.parametrize(("text", "message"), [
    ("x\n<!-- generated: nope -->1<!-- /generated -->", "page.md:2: no script makes the value 'nope'"),
    ("<!-- generated: a -->1", "page.md:1: a generated marker without its pair"),
    ("1<!-- /generated -->\n", "page.md:1: a generated marker without its pair"),
    ("<!-- generated: a -->\n<!-- generated: b -->2<!-- /generated -->",
     "page.md:2: a generated block opens inside 'a'"),
])
def test_broken_markers_are_named_with_their_line(text, message):
    with pytest.raises(blocks.BlockError, match=message.replace("'", ".")):
        blocks.fill(text, {"a": "1", "b": "2"}, "page.md")


def test_an_inline_place_refuses_a_value_of_several_lines():
    with pytest.raises(blocks.BlockError, match="inline"):
        blocks.fill("<!-- generated: a -->x<!-- /generated -->", {"a": "1\n2"})
