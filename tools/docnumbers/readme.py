"""The README's example: what ``negsim run istanbul-2025`` prints, and how to read it.

The command is run as the README shows it, figures included (the last line of its output
says where they went). The results folder's name holds the time of the run; the README shows
that part as ``<time>-<id>`` so that the example changes only when the numbers do.
"""

from __future__ import annotations

from pathlib import Path

import sim
from sim.results.results import load_results
from tools.docnumbers.commands import STAMP_SHOWN, negsim
from tools.docnumbers.generated import Generated
from tools.docnumbers.words import pct, whole_pct

COMMAND = "negsim run istanbul-2025"


def generate(workdir: Path) -> Generated:
    ran = negsim(COMMAND, workdir)
    made = Generated()
    made.value("readme.example", _example(ran.shown))
    _reading(made, load_results(ran.folder))
    return made


def _example(output: str) -> str:
    return "\n".join([
        f"`{COMMAND}` prints (negsim {sim.__version__}, model version {sim.MODEL_VERSION}; "
        f"the results folder's time and id are shown as `{STAMP_SHOWN}`):", "",
        "```text", "\n".join(line.rstrip() for line in output.rstrip("\n").splitlines()),
        "```"])


def _reading(made: Generated, results) -> None:
    """The numbers the paragraph under the example reads out of it."""
    share = _shares(results.summary)
    agreed = share[("agreed", "ceasefire")]
    collapsed = share[("outcome", "ceasefire_collapsed")]
    made.value("readme.runs", f"{results.runs:,}")
    made.value("readme.exchange_only", pct(share[("outcome", "exchange_only")]))
    made.value("readme.no_agreement", pct(share[("outcome", "no_agreement")]))
    made.value("readme.ceasefire_agreed", pct(agreed))
    made.value("readme.collapsed_of_agreed", whole_pct(collapsed / agreed))
    made.value("readme.putin", pct(share[("attended", "russia")]))
    made.claim("README: in the baseline, a ceasefire is agreed in fewer histories than an "
               "exchange without one", agreed < share[("outcome", "exchange_only")])
    made.claim("README: the baseline has talks in every history (no_talks is 0)",
               share[("outcome", "no_talks")] == 0)


def _shares(summary) -> dict[tuple[str, str], float]:
    return {(m, c): s for m, c, s in zip(summary["metric"], summary["category"],
                                         summary["share"], strict=True)}
