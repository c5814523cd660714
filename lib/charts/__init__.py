"""Plotly figure builders, one module per page family; each takes a small aggregated frame.

Charts never receive raw tickets: callers aggregate first (``lib.audit``), so no figure
sends more than a few thousand points to the browser.
"""

from lib.charts.common import COLORS, trend_figure

__all__ = ["COLORS", "trend_figure"]
