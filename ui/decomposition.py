"""The "why did the rate move: mix or performance?" section shared by the Overview and
Breakdowns pages: the split in plain words, a waterfall chart and the per-segment table."""

from __future__ import annotations

import streamlit as st

from lib import audit, periods
from lib.charts import decomposition
from lib.markdown import md_escape
from ui import aggregates, dataset, layout, widgets

#: Dimensions a rate change can be split by, with their labels.
DIMENSIONS = {
    "category": "Category",
    "channel": "Channel",
    "priority": "Priority",
    "customer_tier": "Customer tier",
    "group": "Group",
    "agent": "Agent",
}

CAPTION = (
    "From the previous period's rate to the review period's: the mix bar is the part that "
    "comes from which tickets came in (more or fewer tickets of segments with a high rate), "
    "the within bar the part that comes from the rates inside each segment; they add up to "
    "the change exactly (Kitagawa's split, weights averaged over the two periods). A segment "
    "seen in only one period counts entirely as mix. Hover for the counts."
)


def choose_dimension(data: dataset.Active, *, key: str) -> str | None:
    """A picker of the dimensions this dataset fills (``None`` when it fills none)."""
    t = data.tickets
    shown = [c for c in DIMENSIONS if c in t.columns and t.get_column(c).null_count() < t.height]
    if not shown:
        return None
    choice = st.segmented_control(
        "Split the change by", shown, format_func=DIMENSIONS.get, default=shown[0], key=key
    )
    return choice or shown[0]


def rate_change_section(
    data: dataset.Active,
    prds: periods.Periods,
    *,
    by: str,
    where: audit.Filters,
    key: str,
    horizon: audit.Horizon | None = None,
) -> None:
    """The decomposition of the rate change from the previous to the review period by ``by``:
    the sentence, the waterfall (with its caption and downloads) and the segment table. With
    the Overview's ``horizon``, the change split is the headline's (mature tickets only)."""
    label = DIMENSIONS.get(by, by)
    d = aggregates.aggregate(
        data, audit.rate_change_decomposition, where=where, by=by, periods=prds, horizon=horizon
    )
    if d.change is None:
        layout.empty_state(
            "One of the two periods has no tickets, so there is no change to split.",
            action="Widen the period or clear a filter.",
        )
        return
    st.markdown(":material/call_split: " + md_escape(audit.explain_decomposition(d, label.lower())))
    widgets.chart_downloads(
        decomposition.waterfall_figure(d, label),
        f"rate_change_by_{by}",
        key=f"{key}_chart",
        data=d.segments,
        caption=CAPTION,
    )
    with st.expander(f"Each {label.lower()}'s part of the change"):
        widgets.table(
            d.segments,
            view=decomposition.decomposition_view(by, label),
            key=f"{key}_table",
            filename=f"rate_change_by_{by}.csv",
        )
