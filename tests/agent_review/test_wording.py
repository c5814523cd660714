"""lib.agent_review.wording: the unjudged sentence, one agent's sentence and the flag notes."""

from __future__ import annotations

import polars as pl

from lib import agent_review as review
from tests.agent_review.helpers import TRUTH, _table


def test_unjudged_sentence_lists_agents_below_the_minimum() -> None:
    t = _table(agent=["a", "b"], judged=[True, False])
    assert review.unjudged_sentence(t, 5).startswith(
        "1 of 2 agents (b) has fewer than 5 expected escalations in the period"
    )
    assert review.unjudged_sentence(t.with_columns(judged=pl.lit(True)), 5) is None


def test_agent_sentence_low_and_unflagged() -> None:
    row = {"agent": "bo", "tickets": 200, "escalated": 10, "expected": 25.0, "ratio": 0.4,
           "ratio_low": 0.19, "ratio_high": 0.74, "q_value": 0.003, "judged": True,
           "flagged": True, "direction": "low"}  # fmt: skip
    assert review.agent_sentence(row, min_expected=5, q_level=0.05).endswith(
        "0.40 times as many as expected (95% interval 0.19 to 0.74). Flagged low: fewer "
        "escalations than their case mix predicts, unlikely to be chance (about 1 in 300, with "
        "every agent tested)."
    )
    calm = {**row, "flagged": False, "direction": None, "q_value": 0.31}
    assert "Not flagged: within what chance" in review.agent_sentence(
        calm, min_expected=5, q_level=0.05
    )


def test_flag_notes_name_the_agents_left_out_of_the_standard(comparison) -> None:
    notes = review.flag_notes(comparison)
    assert comparison.excluded_from_model == (TRUTH.outlier_agent,)
    assert TRUTH.outlier_agent in notes[-1]
    assert f"testing {comparison.n_judged} agents at once" in notes[0]
    assert "category, channel, priority, customer tier and month" in review.funnel_caption(
        comparison.model_terms
    )
