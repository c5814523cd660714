"""lib.agent_review.skill_policy: an agent's excess split by skill / policy tags."""

from __future__ import annotations

import polars as pl
import pytest

from lib import agent_review as review
from lib.demo import CATEGORIES
from lib.outliers import agent_category_breakdown
from tests.agent_review.helpers import TRUTH

# ---------------------------------------------------------------------------- skill or policy


TAGS = pl.DataFrame(
    {"category": ["api", "sso", "refund", "deletion", "misc"],
     "kind": ["skill", "skill", "policy", "policy", "unknown"]}
)  # fmt: skip


def _breakdown(rows: list[tuple[str, int, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["category", "tickets", "escalated", "expected"], orient="row"
    ).with_columns(pl.col("expected").cast(pl.Float64))


def test_split_skill_dominates_with_exact_sums() -> None:
    b = _breakdown([("api", 60, 20, 9.0), ("sso", 40, 10, 7.5), ("refund", 10, 9, 8.0),
                    ("faq", 90, 3, 4.0)])  # fmt: skip
    s = review.skill_policy_split(b, TAGS, agent="ann")
    assert s.dominant == "skill"
    assert s.total_excess == pytest.approx(11 + 2.5 + 1 - 1)
    kinds = {r["kind"]: r for r in s.by_kind.rows(named=True)}
    assert kinds["skill"]["excess"] == pytest.approx(13.5)
    assert kinds["skill"]["categories"] == ["api", "sso"]  # largest excess first
    assert kinds["policy"]["excess"] == pytest.approx(1.0)
    assert kinds["untagged"]["excess"] == pytest.approx(-1.0)
    # 13.5 of the 14.5 escalations above expected (untagged is below, so not counted)
    assert (
        "account for about 14 of ann’s excess of about 14 escalations against expected (93%)"
        in (s.sentence)
    )
    assert "skill gap" in s.sentence
    calm = review.skill_policy_split(b, TAGS, agent="ann", flagged=False)
    assert calm.dominant == "skill" and "gap" not in calm.sentence
    assert calm.sentence.endswith("the agent is not flagged, so this may well be chance.")


def test_split_policy_dominates() -> None:
    b = _breakdown([("refund", 30, 29, 20.0), ("deletion", 10, 10, 8.0), ("api", 50, 9, 8.0)])
    s = review.skill_policy_split(b, TAGS, agent="bo")
    assert s.dominant == "policy"
    assert s.sentence.startswith(
        "Policy-based categories account for 11 of bo’s excess of 12 escalations against "
        "expected (92%), skill-based ones for 1"
    )
    assert "policy gap" in s.sentence


def test_split_mixed_when_neither_has_twice_the_other() -> None:
    b = _breakdown([("refund", 30, 26, 20.0), ("api", 50, 12, 8.0)])
    s = review.skill_policy_split(b, TAGS, agent="cy")
    assert s.dominant == "mixed"
    assert "skill-based (4) and policy-based (6)" in s.sentence


def test_split_says_untagged_instead_of_guessing() -> None:
    b = _breakdown([("api", 50, 12, 10.0), ("faq", 80, 20, 8.0), ("misc", 30, 9, 4.0)])
    s = review.skill_policy_split(b, TAGS, agent="di")
    # 12 + 5 (misc is tagged "unknown") untagged against 2 skill-based
    assert s.dominant == "untagged"
    assert "Most of di’s excess of 19 escalations against expected (17)" in s.sentence
    assert "(faq and misc)" in s.sentence and "Drivers page" in s.sentence
    nothing = review.skill_policy_split(b, TAGS.head(0), agent="di")
    assert nothing.dominant == "untagged"
    assert nothing.sentence.startswith("None of di’s categories is tagged")


def test_split_below_expected_and_no_excess() -> None:
    b = _breakdown([("api", 50, 2, 10.0), ("refund", 10, 8, 8.5)])
    s = review.skill_policy_split(b, TAGS, agent="ed")
    assert s.total_excess == pytest.approx(-8.5)
    assert s.dominant == "skill"
    assert "8 of ed’s shortfall of about 8 escalations against expected" in s.sentence
    assert "escalate less where Tier 1 could solve with skill" in s.sentence
    even = review.skill_policy_split(_breakdown([("api", 50, 10, 10.2)]), TAGS, agent="fa")
    assert even.dominant == "none"
    assert even.sentence.startswith("fa’s escalations match what their case mix predicts")


def test_split_on_demo_outlier_is_skill_when_categories_are_tagged(demo, comparison) -> None:
    tags = pl.DataFrame(
        {"category": list(CATEGORIES),
         "kind": ["policy" if c in TRUTH.policy_categories else "skill" for c in CATEGORIES]}
    )  # fmt: skip
    b = agent_category_breakdown(
        demo, TRUTH.outlier_agent, model=comparison.model_for(TRUTH.outlier_agent)
    )
    s = review.skill_policy_split(b, tags, agent=TRUTH.outlier_agent)
    # The planted effect acts outside the policy categories only.
    assert s.dominant == "skill"
    row = comparison.table.filter(pl.col("agent") == TRUTH.outlier_agent).row(0, named=True)
    assert s.total_excess == pytest.approx(row["escalated"] - row["expected"], abs=1e-6)
