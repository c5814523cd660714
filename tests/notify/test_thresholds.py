"""lib.notify.thresholds: the metrics are the digest's figures, and evaluate() checks each
comparison, skips unknown figures and other datasets' thresholds."""

from __future__ import annotations

import math

import pytest

from lib.notify.thresholds import METRICS, Threshold, evaluate

#: The figures contract (tasks/NEIGHBOURS.md: lib.digest.figures keys).
FIGURES = {
    "escalation_rate": 0.20, "escalations": 40.0, "tickets": 200.0, "rate_change_pts": 2.5,
    "new_alerts": 1.0, "overdue_actions": 3.0, "due_actions": 0.0, "at_risk_open": 0.0,
}  # fmt: skip


def test_every_figure_of_the_digest_is_a_metric() -> None:
    assert set(METRICS) == set(FIGURES)
    assert str(METRICS["escalation_rate"]) == "Escalation rate"
    assert METRICS["escalation_rate"].format(0.2) == "20.0%"
    assert METRICS["rate_change_pts"].format(-1.25) == "-1.2 pts"
    assert METRICS["escalation_rate"].from_display(15) == 0.15


@pytest.mark.parametrize(
    ("op", "value", "crossed"),
    [(">", 0.20, False), (">=", 0.20, True), ("<", 0.20, False), ("<=", 0.20, True),
     (">", 0.19, True), ("<", 0.21, True)],
)  # fmt: skip
def test_each_comparison_at_its_edge(op: str, value: float, crossed: bool) -> None:
    assert bool(evaluate(FIGURES, [Threshold("escalation_rate", op, value)])) is crossed


def test_missing_nan_and_other_datasets_cross_nothing() -> None:
    rules = [
        Threshold("overdue_actions", ">=", 3),
        Threshold("at_risk_open", ">", 5),
        Threshold("new_alerts", ">", 0, dataset_id=2),
        Threshold("escalations", ">", 10, dataset_id=1),
    ]
    figures = FIGURES | {"at_risk_open": math.nan}
    assert [b.metric for b in evaluate(figures, rules, dataset_id=1)] == [
        "overdue_actions",
        "escalations",
    ]
    assert len(evaluate(figures, rules)) == 3  # no dataset given: every threshold applies
    assert evaluate({}, rules) == []
    (breach,) = evaluate(FIGURES, [Threshold("rate_change_pts", ">", 2)])
    assert (
        breach.sentence == "Change in escalation rate is +2.5 pts, above the threshold of +2.0 pts"
    )


def test_a_threshold_refuses_what_it_cannot_compare() -> None:
    with pytest.raises(ValueError, match="Unknown metric 'csat'"):
        Threshold("csat", ">", 1)
    with pytest.raises(ValueError, match="Unknown comparison '=='"):
        Threshold("tickets", "==", 1)
    with pytest.raises(ValueError, match="not a number"):
        Threshold("tickets", ">", math.nan)
