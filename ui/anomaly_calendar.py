"""Anomalies page glue: shared events shown once, and the holiday calendar editor."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from lib.markdown import md_escape
from lib.store.holidays import holiday_lines, parse_holiday_lines
from ui import layout, session


def holidays() -> tuple[dt.date, ...]:
    """The saved holiday calendar's days (an option of the detector, hashable for caching)."""
    return tuple(session.store().get_holidays().get_column("day").to_list())


def shared_events(shared: pl.DataFrame, start: dt.date, end: dt.date) -> None:
    """One line per shared event overlapping the period (most topics moving together)."""
    shown = shared.filter((pl.col("end") >= start) & (pl.col("start") <= end))
    for row in shown.iter_rows(named=True):
        st.info(md_escape(row["explanation"]), icon=":material/groups:")
    if shown.height:
        st.caption(
            "A shared event is a day on which most topics moved together (a holiday, an outage, a "
            "release): it is shown once here instead of as an alert on every topic, and left out "
            "of the baselines. Add known holidays to the calendar below so they are not judged."
        )


def calendar_editor() -> None:
    """The holiday calendar: editors change it, viewers read it."""
    saved = session.store().get_holidays()
    with st.expander(f"Holiday calendar ({saved.height} days)"):
        st.caption(
            "Days the business is closed or quiet. They raise no alert and are left out of every "
            "topic's baseline. One day a line: YYYY-MM-DD, then a name."
        )
        if not session.can_edit():
            st.text(holiday_lines(saved) or "No days yet.")
            return
        text = st.text_area(
            "Holidays",
            value=holiday_lines(saved),
            key="an_holidays",
            placeholder="2026-12-25 Christmas Day",
            height=150,
        )
        if st.button("Save calendar", key="an_holidays_save", icon=":material/event_busy:"):
            with layout.user_errors("Holiday calendar"):
                rows = parse_holiday_lines(text)
                session.store().set_holidays(rows, actor=session.actor())
                st.session_state["_an_flash"] = f"Holiday calendar saved ({len(rows)} days)."
                st.rerun()
