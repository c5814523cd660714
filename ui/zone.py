"""The business time zone controls of the Data page: the choice on the mapping screen (proposed
from the export's UTC offsets) and the active dataset's zone, which can be changed later.

Changing the zone of a loaded dataset re-counts its days from the same snapshot (tickets are
kept in UTC, :mod:`lib.periods` buckets them); nothing is re-read and a failure leaves the
dataset as it was.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib.errors import ReviewError
from lib.ingest.business_zone import ZoneProposal, all_zones
from lib.markdown import md_escape
from ui import dataset, layout, session

#: What the zone is for, in the help of both selects.
ZONE_HELP = (
    "Every day, period, weekday and hour of the day in the app is counted on this zone's "
    "clock (a ticket at 23:30 UTC is the next day in Europe/Berlin). Dates the export writes "
    "without a UTC offset are read as local times in this zone. Type to search."
)


def _index(zones: list[str], zone: str) -> int:
    return zones.index(zone) if zone in zones else 0


def zone_choice(state: dict[str, Any]) -> str:
    """The mapping screen's business zone select (inside its form), preset to the saved or
    proposed zone, with the reason of the proposal under it."""
    zones = all_zones()
    proposal: ZoneProposal | None = state.get("proposal")
    tz = st.selectbox(
        "Business time zone",
        zones,
        index=_index(zones, state.get("tz") or "UTC"),
        key=f"map_tz_{abs(hash(state.get('key')))}",
        help=ZONE_HELP,
    )
    if proposal is not None:
        st.caption(f"{md_escape(proposal.zone)}: {md_escape(proposal.reason)}.")
    return tz


def zone_caption(state: dict[str, Any]) -> None:
    """Under the import report: the zone the tickets were read and will be counted in."""
    proposal: ZoneProposal | None = state.get("proposal")
    tz = state.get("tz") or "UTC"
    why = ""
    if proposal is not None and proposal.zone == tz:
        why = f" ({md_escape(proposal.reason)})"
    st.caption(
        f"Business time zone: **{md_escape(tz)}**{why}. Days, periods and weekdays are "
        "counted in it; you can change it after the import on this page."
    )


def zone_panel(data: dataset.Active) -> None:
    """The active dataset's business zone, and a select to change it (editors only)."""
    zones = all_zones()
    name = md_escape(data.record.name)
    st.markdown(f"**Business time zone of “{name}”:** {md_escape(data.zone)}")
    st.caption(
        "Days, review periods, “last 14 days”, weekday and hour-of-day profiles are counted "
        "on this zone's clock. Changing it re-counts them from the same tickets (nothing is "
        "re-read). Times the export wrote without a UTC offset were read as local times in "
        "the zone chosen at import; to read them in another zone, import the export again."
    )
    if not session.can_edit():
        return
    with st.form("zone_form", border=False):
        tz = st.selectbox(
            "Change the business time zone",
            zones,
            index=_index(zones, data.zone),
            key=f"ds_tz_{data.record.id}",
            help=ZONE_HELP,
        )
        apply = st.form_submit_button("Apply time zone", icon=":material/schedule:")
    if apply and tz != data.zone:
        try:
            session.store().set_business_zone(data.record.id, tz, actor=session.actor())
        except ReviewError as exc:
            layout.show_error(exc, what="Could not change the time zone")
            st.caption("Nothing was changed: the dataset keeps its zone.")
            return
        st.rerun()
