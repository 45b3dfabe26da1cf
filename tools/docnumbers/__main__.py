"""``python -m tools.docnumbers [--check] [--sobol] [--exploring]``: regenerate every number the docs
quote from runs (see :mod:`tools.docnumbers`).

Nothing is written unless every generator succeeded and every claim holds: a broken claim
names the sentence of prose to rewrite.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tools import calibration
from tools.docnumbers import exploring, regenerate, sensitivity
from tools.docnumbers.blocks import BlockError


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.docnumbers", description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; list the pages that are out of date (exit 1)")
    parser.add_argument("--sobol", action="store_true",
                        help="first run the Sobol sweep again and store its results "
                             "(about a minute on two cores)")
    parser.add_argument("--exploring", action="store_true",
                        help="first run the screen, sweep and robust run of docs/exploring.md "
                             "again and store their results (about a minute on two cores)")
    args = parser.parse_args(argv)
    if args.sobol and not args.check:
        print(f"running {sensitivity.SWEEP} ...", file=sys.stderr)
        sensitivity.rerun()
    if args.exploring and not args.check:
        print("running the steps of docs/exploring.md ...", file=sys.stderr)
        exploring.rerun()
    with tempfile.TemporaryDirectory() as workdir:
        made = regenerate.generate(Path(workdir))
    if made.broken or regenerate.unused(made.values):
        for claim in made.broken:
            print(f"claim no longer holds (rewrite the prose that says it): {claim}",
                  file=sys.stderr)
        for name in regenerate.unused(made.values):
            print(f"value {name!r} has no place in any page", file=sys.stderr)
        return 1
    try:
        pages = {path: regenerate.rewritten(path, made.values) for path in regenerate.docs()}
    except BlockError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    pages[calibration_page()] = calibration.report(calibration.measure())
    return _check(pages) if args.check else _write(pages)


def calibration_page() -> Path:
    return regenerate.ROOT / "docs" / "calibration.md"


def _changed(pages: dict[Path, str]) -> list[Path]:
    return [p for p, text in pages.items() if p.read_text(encoding="utf-8") != text]


def _check(pages: dict[Path, str]) -> int:
    stale = _changed(pages)
    for path in stale:
        print(f"out of date: {path.relative_to(regenerate.ROOT)}")
    return 1 if stale else 0


def _write(pages: dict[Path, str]) -> int:
    for path in _changed(pages):
        path.write_text(pages[path], encoding="utf-8")
        print(f"rewrote {path.relative_to(regenerate.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
