"""Thresholds the team sets on the digest's figures, and which of them a period crosses.

The figures are those of ``lib.digest.figures(digest)`` (keys in :data:`METRICS`); a threshold
compares one of them with a value in the figure's own unit (the escalation rate as a share,
0-1, shown as a percentage).

Example
-------
>>> rule = Threshold("escalation_rate", ">", 0.15)
>>> [b.sentence for b in evaluate({"escalation_rate": 0.182}, [rule])]
['Escalation rate is 18.2%, above the threshold of 15.0%']
>>> evaluate({"escalation_rate": 0.12}, [rule])
[]
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["METRICS", "OPS", "Breach", "Metric", "Threshold", "evaluate"]


@dataclass(frozen=True)
class Metric:
    """One figure of the digest: its label, unit (``"share"``: 0-1 shown as %, ``"pts"``:
    percentage points, ``"count"``) and the direction that is bad by default (``">"``: too
    high). ``str(metric)`` is its label.

    >>> str(METRICS["overdue_actions"]), METRICS["overdue_actions"].format(3.0)
    ('Overdue action items', '3')
    """

    label: str
    unit: str
    direction: str = ">"
    help: str = ""

    def __str__(self) -> str:
        return self.label

    def format(self, value: float) -> str:
        """``value`` as a page shows it (18.2%, +2.1 pts, 3)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if self.unit == "share":
            return f"{value * 100:.1f}%"
        if self.unit == "pts":
            return f"{value:+.1f} pts"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"

    def to_display(self, value: float) -> float:
        """The figure in the unit a person types (shares as percentages)."""
        return value * 100 if self.unit == "share" else value

    def from_display(self, value: float) -> float:
        """Back from :meth:`to_display`'s unit to the figure's."""
        return value / 100 if self.unit == "share" else value

    @property
    def display_unit(self) -> str:
        return {"share": "%", "pts": "percentage points", "count": ""}.get(self.unit, "")


#: The digest's figures (``lib.digest.figures``) a threshold may watch.
METRICS: dict[str, Metric] = {
    "escalation_rate": Metric(
        "Escalation rate", "share", ">", "escalated tickets / tickets in the review period"
    ),
    "escalations": Metric("Escalations", "count", ">", "escalated tickets in the review period"),
    "tickets": Metric("Tickets", "count", ">", "tickets created in the review period"),
    "rate_change_pts": Metric(
        "Change in escalation rate", "pts", ">", "against the previous period, in points"
    ),
    "new_alerts": Metric("New alerts", "count", ">", "topic alerts new in the period"),
    "overdue_actions": Metric("Overdue action items", "count", ">", "open and past their due date"),
    "due_actions": Metric("Action items due", "count", ">", "open and due before the next review"),
    "at_risk_open": Metric(
        "Open tickets at risk", "count", ">", "open tickets above the At risk page's threshold"
    ),
}

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
_OP_WORDS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}


@dataclass(frozen=True)
class Threshold:
    """Crossed when ``figures[metric] <op> value``; ``dataset_id`` None applies to every
    dataset. ``id`` and ``note`` are the stored row's, when it came from the store."""

    metric: str
    op: str
    value: float
    dataset_id: int | None = None
    id: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise ValueError(
                f"Unknown metric {self.metric!r} (expected one of {', '.join(METRICS)})"
            )
        if self.op not in OPS:
            raise ValueError(f"Unknown comparison {self.op!r} (expected one of {', '.join(OPS)})")
        if not isinstance(self.value, int | float) or math.isnan(float(self.value)):
            raise ValueError(f"Threshold value {self.value!r} is not a number")

    def describe(self) -> str:
        """``Escalation rate above 15.0%``."""
        m = METRICS[self.metric]
        return f"{m.label} {_OP_WORDS[self.op]} {m.format(float(self.value))}"


@dataclass(frozen=True)
class Breach:
    """A threshold the figures cross, with the figure seen."""

    threshold: Threshold
    observed: float

    @property
    def metric(self) -> str:
        return self.threshold.metric

    @property
    def label(self) -> str:
        return METRICS[self.threshold.metric].label

    @property
    def sentence(self) -> str:
        """One line for a message: what, how much, against what."""
        m = METRICS[self.threshold.metric]
        return (
            f"{m.label} is {m.format(self.observed)}, {_OP_WORDS[self.threshold.op]} the "
            f"threshold of {m.format(float(self.threshold.value))}"
        )


def evaluate(
    figures: Mapping[str, float],
    thresholds: Sequence[Threshold],
    *,
    dataset_id: int | None = None,
) -> list[Breach]:
    """The thresholds that ``figures`` cross, in the order given.

    A figure that is missing or NaN crosses nothing (it is not known, so not alarming). With
    ``dataset_id``, thresholds set for another dataset are skipped (those without a dataset
    apply everywhere).

    >>> rules = [Threshold("overdue_actions", ">=", 3), Threshold("tickets", "<", 10, 7)]
    >>> [b.metric for b in evaluate({"overdue_actions": 3, "tickets": 5}, rules, dataset_id=1)]
    ['overdue_actions']
    """
    out: list[Breach] = []
    for rule in thresholds:
        if dataset_id is not None and rule.dataset_id not in (None, dataset_id):
            continue
        value = figures.get(rule.metric)
        if value is None:
            continue
        value = float(value)
        if math.isnan(value):
            continue
        if OPS[rule.op](value, float(rule.value)):
            out.append(Breach(rule, value))
    return out
