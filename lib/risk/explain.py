"""Reasons in words: the three factors that raise a ticket's score most.

A factor's push is its coefficient times how far the ticket's value is from the training
average (in log-odds); the factors with the largest positive pushes are named, each in words a
leader reads without the model ("idle 26 h", "category SSO escalates 3.0x the average").

>>> fmt_hours(26.2), fmt_hours(80)
('26 h', '3.3 days')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lib.risk.features import Raw

#: The model type is lib.risk.model.RiskModel (not imported: the model module imports this one).
RiskModel = Any

#: Smallest push (log-odds) worth naming as a reason.
MIN_PUSH = 0.05
_LABEL = {
    "category": "category",
    "channel": "channel",
    "priority": "priority",
    "customer_tier": "customer tier",
}


def fmt_hours(hours: float) -> str:
    """Hours in words: ``26 h`` under two days, else days with one decimal."""
    if not np.isfinite(hours):
        return "unknown time"
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.1f} days"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def describe(model: RiskModel, raw: Raw, group: str, i: int) -> str:
    """One factor of row ``i`` in plain words."""
    d = raw.display
    if group in raw.categorical:
        level = str(raw.categorical[group][i])
        rate = model.level_rates.get(group, {}).get(level)
        label = _LABEL.get(group, group)
        if rate is not None and model.base_rate > 0:
            return f"{label} {level} escalates {rate / model.base_rate:.1f}x the average"
        return f"{label} {level}"
    if group == "customer_history":
        tier = raw.categorical.get("customer_tier")
        who = "customer"
        if tier is not None and str(tier[i]) not in ("(none)", ""):
            who = f"{tier[i]} customer"
        n7, e30 = int(d["cust_7d"][i]), int(d["cust_esc_30d"][i])
        n30 = int(d["cust_30d"][i])
        if e30:
            return f"{who} with {_plural(e30, 'escalation')} in the last 30 days"
        if n7:
            return f"{who} with {_plural(n7, 'other contact')} this week"
        return f"{who} with {_plural(n30, 'other ticket')} in the last 30 days"
    if group == "age":
        return f"open {fmt_hours(d['age_hours'][i])}"
    if group == "idle":
        return f"idle {fmt_hours(d['idle_hours'][i])}"
    if group == "first_response":
        if d["answered"][i]:
            return f"first reply took {fmt_hours(d['frt_hours'][i])}"
        return f"no first reply after {fmt_hours(d['age_hours'][i])}"
    if group == "sentiment":
        v = d["sentiment"][i]
        return "no sentiment" if not np.isfinite(v) else f"the customer's words read {v:+.1f}"
    if group in ("agent_rate", "group_rate"):
        who = "first owner" if group == "agent_rate" else "first group"
        e, n = int(d[group + "_e"][i]), int(d[group + "_n"][i])
        return f"{who} escalated {e} of {_plural(n, 'ticket')} in the last 30 days"
    if group == "topic_volume":
        return f"its topic is busy: {d['topic_volume'][i]:.1f}x its usual daily volume"
    if group == "off_hours":
        return "opened out of business hours"
    if group in ("reassignments_so_far", "reopens_so_far"):
        word = "reassigned" if group.startswith("reassign") else "reopened"
        return f"{word} {int(d[group][i])} times so far"
    return f"{group} (named on purpose)"


def reasons(model: RiskModel, raw: Raw, pushes: np.ndarray, top: int = 3) -> list[list[str]]:
    """Per row, the ``top`` factors with the largest positive push, in words."""
    groups = model.groups
    if pushes.shape[1] == 0:
        return [[] for _ in range(pushes.shape[0])]
    order = np.argsort(-pushes, axis=1)[:, :top]
    out: list[list[str]] = []
    for i in range(pushes.shape[0]):
        words = [describe(model, raw, groups[j], i) for j in order[i] if pushes[i, j] >= MIN_PUSH]
        out.append(words)
    return out
