"""The plain-words module: every statistic a page shows reads as a sentence, with no bare
figure in it (issue 19, "words and numbers a non-statistician reads right")."""

from __future__ import annotations

import math
import re

import pytest

from lib import plain_words as pw
from lib.formatting import count, pts, ratio

BARE = re.compile(r"\b[pqz]\s*=|phi|φ|\d\.\d{3,}")


@pytest.mark.parametrize("p", [1e-12, 0.00053, 0.004, 0.03, 0.09, 0.31, 0.72, 1.0, math.nan, None])
def test_p_values_read_as_words(p: float | None) -> None:
    for text in (pw.verdict(p), pw.change(0.1, p), pw.change(-0.1, p, q=p)):
        assert not BARE.search(text), text
    assert pw.is_real(p) == (p is not None and p == p and p < 0.05)


def test_only_a_real_change_gets_a_direction() -> None:
    assert pw.change(0.1, 0.001).startswith("up, unlikely")
    assert pw.change(-0.1, 0.72) == "no real change"
    assert pw.change(0.1, 0.01, q=0.4) == "no real change"  # the q-value decides


@pytest.mark.parametrize(
    ("r", "low", "high", "start"),
    [
        (2.48, 1.9, 3.1, "2.48 times"),
        (1.2, 0.8, 1.6, "about as many"),
        (0.5, 0.3, 0.8, "50% fewer"),
        (None, None, None, "not judged"),
    ],
)
def test_ratios_read_as_comparisons(r, low, high, start) -> None:
    assert pw.ratio(r, low, high).startswith(start)


def test_scores_dispersion_and_limits_have_no_bare_figures() -> None:
    texts = [
        pw.score(12.5),
        pw.score(2.1),
        pw.score(None),
        pw.dispersion(1.04, 0.4),
        pw.dispersion(3.0, 0.001),
        pw.dispersion(None),
        pw.limits(0.1, 0.4, 2.5),
        pw.flag("Flagged low"),
    ]
    assert [t for t in texts if BARE.search(t)] == []
    assert pw.score(12.5).startswith("far outside")
    assert pw.limits(0.1, 0.4, 2.5).startswith("below")


def test_escalation_counts_are_whole_and_nothing_reads_minus_zero() -> None:
    assert pw.excess(140, 76.1) == "about 64 more than expected"
    assert [count(0.2), count(63.9), count(None)] == ["0", "64", "–"]
    assert [pts(-0.00001), pts(0.0), pts(-0.004)] == ["0.0 pts", "0.0 pts", "-0.4 pts"]
    assert ratio(2.5) == "2.50"
