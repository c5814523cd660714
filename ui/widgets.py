"""Tables and charts with their downloads, and the clicks that drive drill-downs."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from lib.csvsafe import to_csv_bytes
from lib.plain_words import COLUMN_HELP


def download(frame: pl.DataFrame, filename: str, *, label: str = "Download CSV", key: str) -> None:
    """A spreadsheet-safe CSV download of a table."""
    st.download_button(
        label,
        data=to_csv_bytes(frame),
        file_name=filename,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        # No rerun on click: a rerun can drop the file before the browser has fetched it.
        on_click="ignore",
    )


def _column_config(frame: pl.DataFrame) -> dict[str, Any]:
    """Formats by the header conventions of :func:`lib.charts.tables.present`."""
    cfg: dict[str, Any] = {}
    for name, dtype in frame.schema.items():
        if name.endswith(" %"):
            cfg[name] = st.column_config.NumberColumn(format="%.1f%%", help=COLUMN_HELP.get(name))
        elif name.endswith("(pts)"):
            cfg[name] = st.column_config.NumberColumn(format="%+.1f")
        elif name.endswith(("(h)", "(min)")):
            cfg[name] = st.column_config.NumberColumn(format="%.1f")
        elif name == "p-value":
            cfg[name] = st.column_config.NumberColumn(format="%.3f")
        elif isinstance(dtype, pl.Datetime):
            cfg[name] = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
        elif dtype.is_integer():
            cfg[name] = st.column_config.NumberColumn(format="localized")
        elif name == "Link":
            cfg[name] = st.column_config.LinkColumn()
        elif dtype.is_float():  # ratios and other figures: two decimals everywhere
            cfg[name] = st.column_config.NumberColumn(format="%.2f", help=COLUMN_HELP.get(name))
    return cfg


def table(
    frame: pl.DataFrame,
    *,
    key: str,
    filename: str,
    view: Any = None,
    select: bool = False,
    height: int | None = None,
    download_frame: pl.DataFrame | None = None,
) -> dict[str, Any] | None:
    """A sortable table with its CSV download; with ``select`` a click on a row returns that
    row (as a dict) for a drill-down, else ``None``. ``view`` is a column spec for
    :func:`lib.charts.tables.present` (applied to the table and its download)."""
    if view is not None:
        from lib.charts.tables import present

        frame = present(frame, view)
        if download_frame is not None:
            download_frame = present(download_frame, view)
    event = st.dataframe(
        frame,
        key=key,
        hide_index=True,
        column_config=_column_config(frame),
        height=height if height is not None else "auto",
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
        placeholder="–",
    )
    download(download_frame if download_frame is not None else frame, filename, key=f"{key}_dl")
    if not select:
        return None
    rows = event.selection.rows if event is not None else []
    return frame.row(rows[0], named=True) if rows and rows[0] < frame.height else None


def bars_measure(key: str, *, rate: str, count: str, what: str) -> str:
    """The "Bars show" switch of a bar chart drawn by :func:`lib.charts.breakdowns.interval_bars`:
    ``"rate"`` or ``"count"`` (labelled ``rate`` and ``count``); the bars are sorted by what
    they draw. ``what``: the end of the help sentence, what the two measures are."""
    return (
        st.segmented_control(
            "Bars show",
            ["rate", "count"],
            default="rate",
            key=key,
            format_func={"rate": rate, "count": count}.get,
            help=f"Bars are sorted by what they draw: {what}.",
        )
        or "rate"
    )


def chart_config(name: str) -> dict[str, Any]:
    """Plotly config: the camera button saves ``<name>.png`` (drawn in the browser)."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def chart_downloads(
    fig: Any,
    name: str,
    *,
    key: str,
    data: pl.DataFrame | None = None,
    caption: str | None = None,
    on_select: str = "ignore",
) -> Any:
    """Show a plotly figure (with a ``caption`` on how to read it) and its downloads: PNG from
    the chart's camera button, an HTML file (interactive, plotly.js included, opens offline)
    and, given ``data``, the chart's numbers as CSV. Returns the chart's selection state when
    ``on_select="rerun"``."""
    event = st.plotly_chart(
        fig, key=key, config=chart_config(name), on_select=on_select, selection_mode="points"
    )
    if caption:
        st.caption(caption)
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "Chart (HTML)",
        data=lambda: fig.to_html(include_plotlyjs=True, full_html=True, config=chart_config(name)),
        file_name=f"{name}.html",
        mime="text/html",
        key=f"{key}_html",
        on_click="ignore",
        icon=":material/download:",
        help="An interactive copy of the chart that opens in any browser, offline. For a PNG "
        "image, use the camera button at the top right of the chart.",
    )
    if data is not None:
        with row:
            download(data, f"{name}.csv", label="Chart data (CSV)", key=f"{key}_csv")
    return event


def clicked(event: Any, index: int = 0) -> Any:
    """``customdata[index]`` of the first point clicked on a chart (``None`` when none)."""
    try:
        points = event.selection.points
    except AttributeError:
        return None
    if not points:
        return None
    custom = points[0].get("customdata")
    if isinstance(custom, list | tuple):
        return custom[index] if len(custom) > index else None
    return custom


def latest_choice(key: str, **sources: Any) -> Any:
    """The value of whichever source changed most recently (e.g. a table row and a chart bar
    that both pick a drill-down), remembered in the session under ``key``."""
    seen = st.session_state.get(f"{key}_seen", {})
    choice = st.session_state.get(key)
    for name, value in sources.items():
        if value is not None and seen.get(name) != value:
            choice = value
    if all(v is None for v in sources.values()) and any(seen.get(n) for n in sources):
        choice = None  # every source was cleared
    st.session_state[f"{key}_seen"] = dict(sources)
    st.session_state[key] = choice
    return choice


def keep_values(keys: tuple[str, ...]) -> None:
    """Keep the values of these widgets through runs that do not draw them (a closed lazy
    tab): Streamlit forgets a widget's value in a run without it, so a control would be back
    at its default when its tab is opened again. Call it before the widgets.

    Example: ``keep_values(("rt_target",))`` at the top of a page with lazy tabs.
    """
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
