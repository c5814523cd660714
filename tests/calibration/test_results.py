"""lib.calibration.results and words: a session's results on small hand-checked teams."""

from __future__ import annotations

import polars as pl
import pytest

from lib.calibration import chance_note, coefficient_words, headline, session_results

ITEMS = pl.DataFrame(
    {
        "item_id": [1, 2, 3, 4],
        "position": [0, 1, 2, 3],
        "ticket_id": ["T1", "T2", "T3", "T4"],
        "category": ["SSO", "SSO", "Billing", "API"],
        "subject": ["a", "b", "c", "d"],
        "outcome_escalated": [True, False, False, True],
        "outcome_group": ["Identity", None, None, "Dev"],
    }
)


def _answers(rows: list[tuple], **extra: list) -> pl.DataFrame:
    frame = pl.DataFrame(
        rows,
        schema={"item_id": pl.Int64, "participant": pl.String, "escalate": pl.Boolean,
                "target": pl.String, "reason": pl.String},
        orient="row",
    )  # fmt: skip
    return frame.with_columns(**{k: pl.Series(v) for k, v in extra.items()})


TEAM = _answers(
    [
        (1, "ana", True, "Identity", "policy"), (1, "bo", True, "identity", "policy"),
        (1, "cy", True, "Tier 2", "skill"),
        (2, "ana", False, "", ""), (2, "bo", False, "", ""), (2, "cy", True, "Tier 2", "skill"),
        (3, "ana", False, "", ""), (3, "bo", True, "Billing", "customer demand"),
        # cy skipped scenario 3
        (4, "ana", True, "Dev", "bug"), (4, "bo", False, "", ""), (4, "cy", True, "Dev", "bug"),
    ],
    participant_group=["EU", "US", "US"] * 3 + ["EU", "US"],
    participant_tenure=["new", "senior", "senior"] * 3 + ["new", "senior"],
)  # fmt: skip


def test_team_with_a_skipped_answer_and_a_tie() -> None:
    """Hand-checked against the others' majority: ana on 1 (E: agrees) and 3 (bo alone: E,
    disagrees), 2 and 4 are ties of the others; cy on 1 (E: agrees) and 2 (T1: disagrees)."""
    r = session_results(ITEMS, TEAM)
    p = {row["participant"]: row for row in r.participants.iter_rows(named=True)}
    assert (p["ana"]["compared"], p["ana"]["with_majority"]) == (2, 0.5)
    assert (p["cy"]["answered"], p["cy"]["compared"], p["cy"]["with_majority"]) == (3, 2, 0.5)
    assert p["ana"]["with_outcome"] == 1.0 and p["bo"]["with_outcome"] == 0.5
    # Scenario 3 (one against one) is split and the most disputed with 4's one-in-three pairs.
    top = r.items.head(2).select("ticket_id", "majority", "agreement").rows()
    assert top == [("T3", "split", 0.0), ("T2", "Handle at Tier 1", pytest.approx(1 / 3))]
    assert r.items.filter(pl.col("ticket_id") == "T1").item(0, "targets") == (
        "Escalate to Identity ×2, Escalate to Tier 2 ×1"
    )
    assert r.n_answers == 11 and r.n_participants == 3
    assert r.decision_kappa.defined and r.decision_ac1.defined


def test_beyond_chance_count_and_sentences() -> None:
    r = session_results(ITEMS, TEAM)
    # Chance agreement pe = pi_E^2 + pi_T1^2; scenario 1 (all agree) is the only one above it.
    assert r.judged_items == 4 and r.agreed_beyond_chance == 1
    assert headline(r).startswith("The team agrees beyond chance on 1 of 4 scenarios")
    assert "expected by chance" in chance_note(r)
    assert coefficient_words(r.decision_ac1).endswith("agreement")


def test_groups_and_tenure_compared() -> None:
    r = session_results(ITEMS, TEAM)
    g = r.groups.filter(pl.col("by") == "Group").sort("value")
    assert g.select("value", "participants", "answers").rows() == [("EU", 1, 4), ("US", 2, 7)]
    assert g.item(0, "kappa_within") is None  # one person cannot agree with anyone
    assert r.groups.filter(pl.col("by") == "Tenure").height == 2


def test_single_participant_needs_two() -> None:
    r = session_results(ITEMS, TEAM.filter(pl.col("participant") == "ana"))
    assert r.reason.startswith("needs two participants")
    assert not r.decision_kappa.defined
    assert headline(r).startswith("Not enough answers yet")
    assert r.participants.item(0, "compared") == 0


def test_everyone_agrees_on_one_answer() -> None:
    """One answer only: kappa has no value and says why; AC1 is 1."""
    same = _answers([(i, who, False, "", "") for i in (1, 2, 3, 4) for who in ("a", "b")])
    r = session_results(ITEMS, same)
    assert not r.decision_kappa.defined and r.decision_ac1.value == pytest.approx(1.0)
    assert "not measurable" in coefficient_words(r.decision_kappa)


def test_no_answers_at_all() -> None:
    r = session_results(ITEMS, _answers([]))
    assert r.n_participants == 0 and r.items.height == 4 and r.participants.height == 0
