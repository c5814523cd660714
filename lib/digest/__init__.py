"""The digest between review meetings: the period's numbers, new alerts, open tickets at risk,
action items due or overdue, and what changed since the last meeting (issue 16).

Pure (no Streamlit): :func:`build_digest` takes the tickets and the frames the store returns
and computes every part with the function the app's page uses, so the numbers agree with the
app; :func:`figures` gives its numbers by fixed keys (thresholds, other tools); the renderers
give Markdown, HTML (charts as PNG images) and JSON. ``python -m review digest`` is the
command line around it.

Example
-------
>>> from datetime import UTC, datetime
>>> import polars as pl
>>> t = pl.DataFrame({
...     "ticket_id": [str(i) for i in range(4)],
...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 8, 9)],
...     "category": ["sso", "sso", "sso", "billing"],
...     "escalated": [False, False, True, True],
... })
>>> from lib.periods import review_periods
>>> d = build_digest(t, periods=review_periods(t, review_days=7), horizon=None,
...                  with_alerts=False, with_risk=False, now=datetime(2024, 1, 10, tzinfo=UTC))
>>> f = figures(d)
>>> f["escalation_rate"], f["tickets"], f["rate_change_pts"]
(1.0, 2.0, 100.0)
"""

from lib.digest.build import (
    DUE_DAYS,
    RISK_THRESHOLD,
    build_digest,
    default_horizon,
    default_periods,
    figures,
)
from lib.digest.charts import drivers_png, trend_png
from lib.digest.model import Digest
from lib.digest.render import (
    chart_images,
    subject,
    to_dict,
    to_html,
    to_json,
    to_markdown,
    to_text,
)

__all__ = [
    "DUE_DAYS",
    "RISK_THRESHOLD",
    "Digest",
    "build_digest",
    "chart_images",
    "default_horizon",
    "default_periods",
    "drivers_png",
    "figures",
    "subject",
    "to_dict",
    "to_html",
    "to_json",
    "to_markdown",
    "to_text",
    "trend_png",
]
