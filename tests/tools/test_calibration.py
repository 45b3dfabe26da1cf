"""The literature's figures of docs/model.md §9.1, measured on the shipped defaults.

Fixed seed (20250514), 20,000 replicates per measurement (``tools.calibration.RUNS``). The
ranges are the literature's; each test states the standard error of what it measures, and
the measured values sit several standard errors inside the ranges (see docs/calibration.md,
which ``python -m tools.calibration`` writes from the same functions).
"""

import pytest

from tools import calibration


@pytest.fixture(scope="module")
def figures():
    return calibration.measure()


def test_unguarded_ceasefires_between_hostile_parties_mostly_fail_within_30_days(figures):
    f = figures["collapse"]
    assert f.se < 0.01
    assert f.low <= f.value <= f.high, f


@pytest.mark.parametrize("key", ["cut30", "cut90"])
def test_monitoring_and_guarantees_cut_the_breakdown_hazard_by_half_to_three_quarters(figures, key):
    f = figures[key]
    assert f.se < 0.02
    assert f.low <= f.value <= f.high, f


def test_guarantees_matter_at_implementation_mediation_at_signing(figures):
    """Walter 2002: a strong guarantor raises agreement a little and survival a lot; a
    mediator raises agreement a lot. Operationalised as relative effects: the mediator
    multiplies P(agreement) by more than the guarantor does, and the guarantor divides the
    share of the term lost by more than it multiplies P(agreement)."""
    (a0, held0), (a1, held1) = figures["baseline"], figures["guarantor"]
    a2, _ = figures["no_mediator"]
    mediator_on_agreement = a0 / a2
    guarantor_on_agreement = a1 / a0
    guarantor_on_breakdown = (1 - held0) / (1 - held1)
    assert mediator_on_agreement > 2 * guarantor_on_agreement
    assert guarantor_on_breakdown > guarantor_on_agreement
    assert held1 > held0  # and survival rises


def test_a_distrusted_mediator_builds_little_trust(figures):
    """Kydd 2003, 2006: trust-building scales with the parties' trust in the mediator."""
    assert figures["distrusted_mediator"] < figures["trusted_mediator"] / 3
    assert figures["distrusted_mediator"] >= 0


def test_the_committed_report_is_the_scripts_output(figures):
    from pathlib import Path

    committed = Path(__file__).resolve().parents[2] / "docs" / "calibration.md"
    assert committed.read_text(encoding="utf-8") == calibration.report(figures), (
        "docs/calibration.md is out of date: run `python -m tools.calibration`")


@pytest.mark.xfail(strict=True, reason="known miss (docs/calibration.md): a monitoring guarantor "
                   "multiplies P(ceasefire agreed) by about 2.5 (0.101 -> 0.254), more than 'a "
                   "little'")
def test_a_strong_guarantor_raises_agreement_only_a_little(figures):
    """Walter 2002's "a little", read as less than +50% relative (judgement)."""
    (a0, _), (a1, _), _ = figures["baseline"], figures["guarantor"], figures["no_mediator"]
    assert a1 / a0 < 1.5
