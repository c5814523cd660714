"""lib.calibration.sampling: the stratified calibration set and scenarios without personal data."""

from __future__ import annotations

import datetime as dt

import polars as pl

from lib.calibration import sample_calibration_set, scenarios


def _tickets(n: int = 120) -> pl.DataFrame:
    cats = ["SSO", "Billing", "API", "Refunds"]
    return pl.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(n)],
            "created_at": [dt.datetime(2024, 1, 1 + i % 28, tzinfo=dt.UTC) for i in range(n)],
            "category": [cats[i % 4] for i in range(n)],
            "channel": [("email", "chat", "phone")[i % 3] for i in range(n)],
            # SSO always escalates, Billing half the time (the model's borderline), the rest never.
            "escalated": [None if i == 0 else (i % 4 == 0) or (i % 8 == 1) for i in range(n)],
            "customer": ["Ana Lima"] * n,
            "agent": ["Bo Chen"] * n,
            "subject": ["Ana Lima cannot log in, call +44 20 7946 0958 or ana@lima.pt"] * n,
            "group": ["Identity"] * n,
        }
    )


def test_stratified_set_covers_categories_outcomes_policy_and_borderline() -> None:
    t = _tickets()
    s = sample_calibration_set(t, 10, policy_categories=["Refunds"], seed=3)
    assert s.height == 10 and s.get_column("ticket_id").n_unique() == 10
    assert "T0" not in s.get_column("ticket_id").to_list()  # outcome unknown: never drawn
    assert set(s.get_column("category")) == {"SSO", "Billing", "API", "Refunds"}
    assert set(s.get_column("escalated")) == {True, False}
    whys = s.get_column("why").to_list()
    assert sum(w.startswith("borderline") for w in whys) == 3
    assert sum(w == "category tagged policy-based" for w in whys) == 2
    borderline = s.filter(pl.col("why").str.starts_with("borderline"))
    assert ((borderline.get_column("p_escalate") - 0.5).abs() <= 0.2).all()
    assert s.equals(sample_calibration_set(t, 10, policy_categories=["Refunds"], seed=3))


def test_small_pool_gives_what_it_has() -> None:
    s = sample_calibration_set(_tickets(6), 10, seed=0)
    assert s.height == 5  # six tickets, one without an outcome


def test_given_probabilities_are_used() -> None:
    t = _tickets(40)
    p = pl.Series([0.5 if i == 7 else 0.01 for i in range(40)])
    s = sample_calibration_set(t, 4, p_escalate=p)
    assert s.filter(pl.col("why").str.starts_with("borderline")).get_column(
        "ticket_id"
    ).to_list() == ["T7"]


def test_scenarios_hide_personal_data_and_keep_order() -> None:
    out = scenarios(_tickets(), ["T5", "nope", "T2", "T5"])
    assert out.get_column("ticket_id").to_list() == ["T5", "T2"]
    assert out.item(0, "subject") == "[customer] cannot log in, call [phone] or [email]"
    assert out.get_column("outcome_group").to_list() == [None, None]
    assert set(out.columns) >= {"category", "channel", "priority", "outcome_escalated"}


def test_no_ids_give_an_empty_frame_of_the_right_shape() -> None:
    out = scenarios(_tickets(), [])
    assert out.height == 0 and out.schema["ticket_id"] == pl.String
