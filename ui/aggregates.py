"""Cached aggregates: ``lib`` functions run once per snapshot, filters and options.

The cache lives here, never on the lib function itself.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from lib import audit, periods
from ui import dataset, session, sidebar

#: Canonical columns no function of ``lib.audit`` names (tests/ui/test_aggregates.py keeps
#: this true): the filtered copy made for ``lib.audit`` leaves them out (``tags`` alone was a
#: third of the cost of copying the matching rows of every column, at 10M tickets).
NOT_READ_BY_AUDIT: tuple[str, ...] = (
    "tags",
    "source",
    "sentiment",
    "satisfaction_at",
    "first_agent",
    "escalated_by",
    "first_group",
)


@st.cache_resource(max_entries=4, show_spinner=False)
def _filtered(
    path: str, where: audit.Filters, zone: str = "UTC", narrow: bool = False
) -> pl.DataFrame:
    """The tickets passing ``where``, filtered once for all the aggregates of a page run; a
    date range is cut from the frame with the same dimension filters (one scan per change).
    The dates are the business ``zone``'s days. ``narrow``: without the columns of
    ``NOT_READ_BY_AUDIT`` (when a copy is made; the shared frame is passed whole)."""
    import dataclasses

    if where.start is None and where.end is None:
        tickets = dataset._canonical(path)
        if narrow and where.active:
            tickets = tickets.drop(NOT_READ_BY_AUDIT, strict=False)
        return audit.apply_filters(tickets, where)
    dims = dataclasses.replace(where, start=None, end=None)
    if audit.dates_cover(where.start, where.end, *_span(path, zone)):
        # every ticket falls in the range: the same frame, not a copy of every column
        return _filtered(path, dims, zone, narrow)
    dates = audit.Filters(start=where.start, end=where.end)
    tickets = _filtered(path, dims, zone, narrow)
    if narrow:  # dropping columns is no copy; the date range then copies the others only
        tickets = tickets.drop(NOT_READ_BY_AUDIT, strict=False)
    with periods.use_zone(zone):
        return audit.apply_filters(tickets, dates)


@st.cache_resource(max_entries=8, show_spinner=False)
def _span(path: str, zone: str = "UTC") -> tuple[Any, Any, int]:
    """The first and last business day of the snapshot's tickets, and how many have no
    creation date (the date range "All" then drops nothing)."""
    tickets = dataset._canonical(path)
    bounds = periods.date_bounds(tickets, tz=zone) or (None, None)
    return (*bounds, tickets.get_column("created_at").null_count())


@st.cache_data(max_entries=256, show_spinner="Computing…")
def _aggregate(
    path: str, where: audit.Filters, module: str, name: str, options: dict, zone: str = "UTC"
) -> Any:
    import importlib

    func = getattr(importlib.import_module(module), name)
    narrow = module.startswith("lib.audit")
    with periods.use_zone(zone):
        try:
            return func(_filtered(path, where, zone, narrow), **options)
        except pl.exceptions.ColumnNotFoundError:
            if not narrow:
                raise
            # a column left out after all (NOT_READ_BY_AUDIT out of date): every column
            return func(_filtered(path, where, zone), **options)


def aggregate(
    data: dataset.Active, func: Any, *, where: audit.Filters | None = None, **options: Any
) -> Any:
    """``func(tickets, **options)`` on the tickets passing ``where`` (default: the sidebar
    filters, dates included), cached per snapshot, filters, function and options.

    ``func`` is a module-level function of ``lib`` (e.g. ``audit.breakdown``); the cache
    lives here, never on the lib function itself.
    """
    where = where if where is not None else sidebar.filters()
    path = str(session.store().snapshot_file(data.record))
    return _aggregate(path, where, func.__module__, func.__name__, options, data.zone)
