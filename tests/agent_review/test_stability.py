"""lib.agent_review.stability: months judged and flagged, and the stability sentence."""

from __future__ import annotations

from datetime import date

import polars as pl

from lib import agent_review as review
from lib.outliers import flag_history
from tests.agent_review.helpers import TRUTH

# ---------------------------------------------------------------------------- stability


def _history() -> pl.DataFrame:
    months = [date(2024, m, 1) for m in (1, 2, 3)]
    return pl.DataFrame(
        {
            "agent": ["a"] * 3 + ["b"] * 3,
            "period_start": months * 2,
            "judged": [True, True, True, True, False, True],
            "flagged": [True, False, True, True, False, False],
            "direction": ["high", None, "low", "low", None, None],
        }
    )


def test_history_summary_counts_months() -> None:
    out = review.history_summary(_history())
    assert out.rows() == [
        ("a", 3, 3, 1, 1, "2 of 3 months"),
        ("b", 3, 2, 0, 1, "1 of 2 months"),
    ]


def test_stability_sentences() -> None:
    h = _history()
    assert review.stability_sentence(h, "a") == (
        "Flagged high in 1 of the 3 months judged on their own (Jan 2024); flagged low in 1 of "
        "the 3 months judged on their own (Mar 2024), including the latest (Mar 2024)."
    )
    assert review.stability_sentence(h, "b") == (
        "Flagged low in 1 of the 2 months judged on their own (Jan 2024); not flagged in the "
        "latest (Mar 2024). 1 month had too few expected escalations to judge."
    )
    calm = h.with_columns(flagged=pl.lit(False))
    assert review.stability_sentence(calm, "a") == (
        "Not flagged in any of the 3 months judged on their own."
    )


def test_demo_outlier_is_flagged_in_several_months_and_hard_case_in_none(demo) -> None:
    h = flag_history(demo)
    s = review.history_summary(h)
    rows = {r["agent"]: r for r in s.rows(named=True)}
    assert rows[TRUTH.outlier_agent]["months_high"] >= 3
    assert rows[TRUTH.hard_case_agent]["months_high"] == 0
    assert review.stability_sentence(h, TRUTH.outlier_agent).startswith("Flagged high in")
