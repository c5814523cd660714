"""Small helpers shared by the audit pages' figures and cards: plotly-safe labels, percentages,
hover mode, bar heights, and the values of ``st.metric`` cards."""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go
import polars as pl


def _label(value: Any) -> str:
    """Text safe for plotly labels (plotly renders a subset of HTML in them)."""
    return html.escape("" if value is None else str(value), quote=False)


def _pct_list(frame: pl.DataFrame, column: str) -> list[float | None]:
    return [None if v is None else 100 * v for v in frame.get_column(column).to_list()]


def _closest(fig: go.Figure) -> go.Figure:
    """Hover (and click) the point under the cursor: the app default, "x unified", would pick
    by x value, which on horizontal bars selects the wrong bar."""
    return fig.update_layout(hovermode="closest")


def _bar_height(n: int) -> int:
    return max(220, min(900, 90 + 28 * n))


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "int":
        return f"{value:,}"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "hours":
        return f"{value:.1f} h"
    if kind == "minutes":
        return f"{value:.0f} min"
    return str(value)


def _card(value: str, delta: str | None = None, help_text: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"value": value, "border": True}
    if delta is not None:
        out.update(delta=delta, delta_color="off", delta_arrow="off")
    if help_text:
        out["help"] = help_text
    return out
