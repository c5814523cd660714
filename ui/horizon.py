"""The escalation horizon control of the sidebar and the session's horizon.

The suggestion (:func:`lib.audit.choose_horizon`) is computed once per dataset snapshot on the
whole dataset, so neither the horizon nor the export date moves with the filters; the user's
choice is kept in ``st.session_state`` like the other review settings (key ``p_horizon``).
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from lib import audit
from lib.audit import maturity
from ui import dataset

#: Session key of the number input.
KEY = "p_horizon"


@st.cache_resource(show_spinner=False, max_entries=8)
def _choice(key: str, _tickets: pl.DataFrame) -> audit.HorizonChoice:
    """The suggested horizon of a dataset snapshot (``key``), computed once."""
    return audit.choose_horizon(_tickets)


def choice(data: dataset.Active) -> audit.HorizonChoice:
    """The suggested horizon of the active dataset and the evidence behind it."""
    return _choice(dataset.snapshot_key(data), data.tickets)


def control(data: dataset.Active) -> None:
    """The number input (inside the sidebar's review settings); stores the session's horizon."""
    c = choice(data)
    days = st.number_input(
        "Escalation horizon (days)",
        min_value=0,
        max_value=maturity.MAX_DAYS,
        value=c.days,
        key=KEY,
        help=(
            "Periods are compared on escalation within this many days of creation; tickets "
            "younger than this at the export date are still maturing and left out of rates. "
            + c.explain()
        ),
    )
    st.session_state["_horizon"] = c.horizon(int(days))
    st.session_state["_horizon_choice"] = c


def current() -> audit.Horizon | None:
    """The session's horizon (``None`` before the sidebar ran on a dataset)."""
    return st.session_state.get("_horizon")


def caption(kpi: audit.KpiTable) -> str:
    """What the rates on the page count, how many tickets are still maturing, and why this
    horizon (for a caption under the headline numbers)."""
    if kpi.horizon is None:
        return ""
    r = kpi.review
    return rates_caption(kpi.horizon, r["maturing"], r["late_escalations"])


def rates_caption(
    h: audit.Horizon, maturing: int, late: int, *, where: str = "of the review period"
) -> str:
    """What the rates count under ``h``, how many tickets (``where``) are still maturing or
    escalated after the horizon, and why this horizon; without escalation times it says what
    the horizon means instead (:meth:`lib.audit.HorizonChoice.explain`)."""
    c = st.session_state.get("_horizon_choice")
    text = (
        f"Rates count tickets {h.describe()} (the export's newest timestamp); "
        f"{maturing:,} tickets {where} are still maturing and left out"
    )
    if h.timed:
        text += f", {late:,} escalated after the horizon and do not count"
    text += "."
    if c is not None:
        text += " " + c.explain(h.days)
    return text + " Change the horizon in the sidebar under **Review period and baseline**."


def card(kpi: audit.KpiTable, column: str, metric: dict[str, Any]) -> dict[str, Any]:
    """``st.metric`` arguments of the Tickets or Escalations card when a horizon applies: the
    count of the tickets counted, and (as a neutral delta) how many are still maturing, instead
    of a change from the previous period that the young tickets would make look like a fall."""
    h, r = kpi.horizon, kpi.review
    if h is None or column not in ("tickets", "escalations"):
        return metric
    if column == "tickets":
        delta = f"+{r['maturing']:,} still maturing" if r["maturing"] else None
        help_text = (
            f"{r['tickets']:,} tickets of the review period at least {h.days} days old at the "
            f"export are counted; {r['maturing']:,} younger ones are still maturing. Previous "
            f"period: {kpi.previous['tickets']:,} counted."
        )
    else:
        late = r["late_escalations"]
        delta = f"{late:,} after {h.days} days not counted" if h.timed and late else None
        help_text = (
            f"{r['escalations']:,} counted tickets escalated within {h.days} days of creation "
            f"({late:,} more escalated later and do not count). Previous period: "
            f"{kpi.previous['escalations']:,}."
            if h.timed
            else f"{r['escalations']:,} counted tickets are escalated (the export has no "
            f"escalation times). Previous period: {kpi.previous['escalations']:,}."
        )
    out = {"value": metric["value"], "help": help_text}
    if delta:
        out |= {"delta": delta, "delta_color": "off", "delta_arrow": "off"}
    return out


def with_maturing(view: tuple[tuple[str, str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    """A table view (:func:`lib.charts.tables.present`) with a "Still maturing" count column
    after its escalations (or at the end when it has none)."""
    column = ("maturing", "Still maturing", "int")
    names = [c[0] for c in view]
    at = names.index("escalations") + 1 if "escalations" in names else len(view)
    return (*view[:at], column, *view[at:])


def tickets_card(counted: int, maturing: int, h: audit.Horizon | None) -> dict[str, Any]:
    """``st.metric`` arguments of a Tickets card: the tickets counted, and how many more are
    still maturing as a neutral delta (never a fall)."""
    out: dict[str, Any] = {"value": f"{counted:,}"}
    if h is None:
        return out
    out["help"] = (
        f"{counted:,} tickets at least {h.days} days old at the export are counted; "
        f"{maturing:,} younger ones are still maturing and left out of rates."
    )
    if maturing:
        out |= {"delta": f"+{maturing:,} still maturing", "delta_color": "off"}
        out["delta_arrow"] = "off"
    return out
