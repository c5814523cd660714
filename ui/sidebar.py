"""The shared sidebar: dataset picker, review period and baseline, and the filters.

Each session keeps its own choices in ``st.session_state``; pages read them through
:func:`filters`, :func:`dimension_filters` and :func:`review_periods`.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from lib import audit, periods
from lib.audit.filter_choices import (
    FILTER_CHOICES_SIDECAR,
    FILTER_COLUMNS,
    filter_choices,
    read_filter_choices,
    write_filter_choices,
)
from lib.sidecar_file import sidecar_of
from ui import dataset, horizon, session

#: Sidebar filter fields: session key -> (Filters field, canonical column, label)
FILTER_FIELDS = {
    "f_channels": ("channels", "channel", "Channel"),
    "f_categories": ("categories", "category", "Category"),
    "f_agents": ("agents", "agent", "Agent"),
    "f_groups": ("groups", "group", "Group"),
    "f_priorities": ("priorities", "priority", "Priority"),
    "f_tiers": ("tiers", "customer_tier", "Customer tier"),
}


@st.cache_resource(show_spinner=False, max_entries=8)
def _filter_options(key: str, _tickets: pl.DataFrame, _kept: Path | None) -> dict[str, list[str]]:
    """Choices of every render filter, once per dataset snapshot (``key``) and process: read
    from the file kept beside the snapshot (``_kept``), else found and kept there."""
    if (
        _kept is not None
        and (kept := read_filter_choices(_kept, _tickets, FILTER_COLUMNS)) is not None
    ):
        return kept
    found = filter_choices(_tickets, FILTER_COLUMNS)
    if _kept is not None:
        write_filter_choices(_kept, found, _tickets, beside=Path(key))
    return found


def render(data: dataset.Active | None) -> None:
    """The shared render: dataset picker, periods and filters (kept across pages)."""
    sb = st.sidebar
    listed = session.store().list_datasets()
    if (target := st.session_state.pop("_switch_to", None)) is not None:
        st.session_state["sb_dataset"] = target
        st.session_state["dataset_id"] = target
    if listed.height:
        ids = listed.get_column("id").to_list()
        names = dict(zip(ids, listed.get_column("name").to_list(), strict=True))
        current = st.session_state.get("dataset_id", ids[0])
        chosen = sb.selectbox(
            "Dataset",
            ids,
            index=ids.index(current) if current in ids else 0,
            format_func=lambda i: names.get(i, str(i)),
            key="sb_dataset",
        )
        if chosen != st.session_state.get("dataset_id"):
            st.session_state["dataset_id"] = chosen
            reset_filters()
            st.rerun()
    if data is None or data.tickets.height == 0:
        return
    t = data.tickets
    lo, hi = periods.date_bounds(t) or (date.today(), date.today())
    with sb.expander("Review period and baseline", expanded=False):
        review_days = st.number_input(
            "Review period (days)", min_value=1, max_value=366, value=14, key="p_days"
        )
        review_end = st.date_input(
            "Review period ends", value=hi, min_value=lo, max_value=hi, key="p_end"
        )
        base_choice = st.radio(
            "Baseline",
            ["First 30 days of data", "90 days before the review period", "Custom"],
            key="p_base",
        )
        if base_choice == "Custom":
            rng = st.date_input(
                "Baseline dates",
                value=(lo, min(hi, lo + timedelta(days=29))),
                min_value=lo,
                max_value=hi,
                key="p_base_rng",
            )
            baseline: Any = tuple(rng) if isinstance(rng, tuple) and len(rng) == 2 else "first30"
        else:
            baseline = "first30" if base_choice.startswith("First") else "prior90"
        horizon.control(data)
    presets = periods.date_presets(hi, lo, review_days=int(review_days))
    preset = sb.selectbox(
        "Date range", [*presets, "Custom"], index=len(presets) - 1, key="f_preset"
    )
    if preset == "Custom":
        rng = sb.date_input("From – to", value=(lo, hi), min_value=lo, max_value=hi, key="f_rng")
        start, end = (rng[0], rng[1]) if isinstance(rng, tuple) and len(rng) == 2 else (lo, hi)
    else:
        start, end = presets[preset]
    path = session.store().snapshot_file(data.record)
    kept = sidecar_of(path, FILTER_CHOICES_SIDECAR) if path else None
    options = _filter_options(str(path), t, kept)
    with sb.expander("Filters", expanded=False):
        for key, (_, column, label) in FILTER_FIELDS.items():
            if t.get_column(column).null_count() == t.height:
                continue
            st.multiselect(label, options[column], key=key, placeholder="All")
        st.toggle("Escalated tickets only", key="f_escalated")
    st.session_state["_filters"] = audit.Filters(
        start=start,
        end=end,
        escalated_only=bool(st.session_state.get("f_escalated")),
        **{f: tuple(st.session_state.get(k) or ()) for k, (f, _, _) in FILTER_FIELDS.items()},
    )
    st.session_state["_periods"] = periods.review_periods(
        t, review_days=int(review_days), review_end=review_end, baseline=baseline
    )


def switch_dataset(dataset_id: int) -> None:
    """Make this session look at another dataset from the next run on (filters reset)."""
    st.session_state["_switch_to"] = dataset_id
    reset_filters()


def reset_filters() -> None:
    for key in [
        *FILTER_FIELDS,
        "f_escalated",
        "f_preset",
        "f_rng",
        "p_end",
        "p_base_rng",
        horizon.KEY,
    ]:
        st.session_state.pop(key, None)


def filters() -> audit.Filters:
    """The session's render filters (date range included)."""
    return st.session_state.get("_filters") or audit.Filters()


def dimension_filters() -> audit.Filters:
    """The render filters without the date range (headline periods bring their own dates)."""
    f = filters()
    return audit.Filters(
        channels=f.channels,
        categories=f.categories,
        agents=f.agents,
        groups=f.groups,
        priorities=f.priorities,
        tiers=f.tiers,
        escalated_only=f.escalated_only,
    )


def review_periods() -> periods.Periods | None:
    """The session's review, previous and baseline periods."""
    return st.session_state.get("_periods")


def filtered(data: dataset.Active, *, dates: bool = True) -> pl.DataFrame:
    """The active dataset after the render filters."""
    return audit.apply_filters(data.tickets, filters() if dates else dimension_filters())


def period_filters(start: date | None, end: date | None) -> audit.Filters:
    """The render's dimension filters with another date range (a review period, say)."""
    import dataclasses

    return dataclasses.replace(dimension_filters(), start=start, end=end)


def narrowed(where: audit.Filters, column: str, value: str) -> audit.Filters:
    """``where`` restricted to one value of a filterable column (a drill-down slice)."""
    import dataclasses

    field = next(f for f, col, _ in FILTER_FIELDS.values() if col == column)
    return dataclasses.replace(where, **{field: (value,)})
