"""The colour of a delta chip (``st.metric``'s delta): red for a change for the worse, green
for the better, grey when the change is not beyond chance or the measure is neither good nor
bad. A rise in escalations, in the escalation rate or in reassignments is bad; a rise in
satisfaction or in tickets right first time is good; tickets themselves are neither.

Colours and arrows are given explicitly (``"red"``, ``"up"``), never Streamlit's ``"normal"``
or ``"inverse"``, which read the direction from the delta text's first character and so get
a text such as ``"previous 12"`` or ``"+0.0 pts"`` wrong.

Example
-------
>>> chip(+3, worse="up")
{'delta_color': 'red', 'delta_arrow': 'up'}
>>> chip(-3, worse="up")
{'delta_color': 'green', 'delta_arrow': 'down'}
>>> chip(+3, worse="up", significant=False)
{'delta_color': 'off', 'delta_arrow': 'off'}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import polars as pl  # noqa: F401 - used by the doctests

from lib.audit.counts import count_change_significant

if TYPE_CHECKING:
    from lib.audit.headline import KpiTable

__all__ = ["WORSE_WHEN", "chip", "count_card", "escalations_card"]

#: Which way is worse for each measure a card shows a change of (``None``: neither).
WORSE_WHEN: dict[str, Literal["up", "down"] | None] = {
    "tickets": None,
    "escalations": "up",
    "rate": "up",
    "reassigned": "up",
    "right_first_time": "down",
    "bounced": "up",
    "satisfaction": "down",
    "alerts": "up",
}


def chip(
    change: float | None,
    *,
    worse: Literal["up", "down"] | None,
    significant: bool = True,
) -> dict[str, str]:
    """``delta_color`` and ``delta_arrow`` for ``st.metric``: the arrow follows the sign of
    ``change``, the colour says whether that direction is bad (red) or good (green); no
    colour and no arrow for no change, a change within chance, or a neutral measure.

    >>> chip(0, worse="up"), chip(2.0, worse=None)["delta_color"], chip(-1, worse="down")
    ({'delta_color': 'off', 'delta_arrow': 'off'}, 'off', {'delta_color': 'red', 'delta_arrow': 'down'})
    """  # noqa: E501
    if change is None or change == 0 or not significant or worse is None:
        return {"delta_color": "off", "delta_arrow": "off"}
    up = change > 0
    bad = up if worse == "up" else not up
    return {"delta_color": "red" if bad else "green", "delta_arrow": "up" if up else "down"}


def count_card(card: dict[str, Any], now: int, before: int, *, measure: str) -> dict[str, Any]:
    """A count card (escalations, bounced tickets) whose delta compares two periods of the same
    length, coloured by :func:`chip` when the change is beyond chance (exact conditional test,
    :mod:`lib.audit.counts`); a change within chance stays grey and says so.

    >>> c = count_card({"value": "140", "delta": "+40 vs previous (100)"}, 140, 100,
    ...                measure="escalations")
    >>> c["delta_color"], c["delta_arrow"], c["delta"]
    ('red', 'up', '+40 vs previous (100)')
    >>> count_card({"value": "12", "delta": "+2 vs previous (10)"}, 12, 10,
    ...            measure="escalations")["delta"]
    '+2 vs previous (10) (within chance)'
    """
    if not card.get("delta"):
        return card
    significant = count_change_significant(now, before)
    out = card | chip(now - before, worse=WORSE_WHEN[measure], significant=significant)
    if not significant and now != before:
        out["delta"] = f"{card['delta']} (within chance)"
    return out


def escalations_card(kpi: KpiTable, card: dict[str, Any]) -> dict[str, Any]:
    """The Overview's Escalations card with its change against the previous period coloured
    by :func:`count_card`. With a horizon, the counts compare only when no ticket of the review
    period is still maturing (else the count falls for that alone): then a card without a
    delta gets one, and a card with another note (the horizon's) is returned unchanged.

    >>> from datetime import UTC, datetime
    >>> from lib.audit import kpis
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({"created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in range(1, 15)],
    ...                   "escalated": [False] * 7 + [True] * 7})
    >>> k = kpis(t, review_periods(t, review_days=7))
    >>> c = escalations_card(k, {"value": "7"})
    >>> c["delta"], c["delta_color"], c["delta_arrow"]
    ('+7 vs previous (0)', 'red', 'up')
    """
    now, before = kpi.review["escalations"], kpi.previous["escalations"]
    if kpi.review.get("maturing") or not kpi.previous["tickets"]:
        return card
    if not card.get("delta"):
        card = card | {"delta": f"{now - before:+,} vs previous ({before:,})"}
    elif "vs previous" not in card["delta"]:  # another note (the horizon's) stays as it is
        return card
    return count_card(card, now, before, measure="escalations")
