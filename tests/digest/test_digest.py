"""The digest's builder, figures and renderers (lib/digest): the numbers equal the app's."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import math
import re

import polars as pl
import pytest

from lib import audit, digest, formatting
from lib.digest import build
from lib.digest.model import TrendPoint
from lib.periods import review_periods

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
#: The figures other helpers (thresholds, settings page) rely on: a contract.
KEYS = {
    "escalation_rate",
    "escalations",
    "tickets",
    "rate_change_pts",
    "new_alerts",
    "overdue_actions",
    "due_actions",
    "at_risk_open",
}


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    from lib.demo import demo_tickets

    return demo_tickets(days=70, tickets_per_day=12)


@pytest.fixture(scope="module")
def hostile(tickets: pl.DataFrame) -> pl.DataFrame:
    """The same tickets with a category name that is Markdown and HTML."""
    bad = "<img src=x onerror=alert(1)>|**x**"
    return tickets.with_columns(
        pl.when(pl.col("category") == tickets.get_column("category").mode()[0])
        .then(pl.lit(bad))
        .otherwise(pl.col("category"))
        .alias("category")
    )


@pytest.fixture(scope="module")
def plain(hostile: pl.DataFrame) -> digest.Digest:
    """A digest without the slow parts (alerts, risk), with one meeting and action items."""
    today = NOW.date()
    actions = pl.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "title": ["Fix SSO macro", "Retrain tier 1", "Old item", "Closed item"],
            "owner": ["ana", "bo", "", "cy"],
            "due_date": [today - dt.timedelta(days=3), today + dt.timedelta(days=2), None, today],
            "status": ["open", "in_progress", "open", "done"],
            "closed_at": [None, None, None, NOW - dt.timedelta(days=1)],
        }
    )
    prds = review_periods(hostile, review_days=14)
    meetings = pl.DataFrame(
        {
            "id": [7],
            "title": ["Escalation review"],
            "date": [prds.review[0] - dt.timedelta(days=1)],
            "period_start": [prds.previous[0]],
            "period_end": [prds.previous[1]],
        }
    )
    return digest.build_digest(
        hostile,
        dataset="Demo <b>",
        with_alerts=False,
        with_risk=False,
        actions=actions,
        meetings=meetings,
        now=NOW,
    )


def test_figures_have_the_contract_keys_and_equal_the_overviews_story(
    hostile: pl.DataFrame, plain: digest.Digest
) -> None:
    f = digest.figures(plain)
    assert set(f) >= KEYS
    assert all(isinstance(v, float) and math.isfinite(v) for v in f.values())
    # the Overview: period_story on the default periods and the suggested horizon
    prds = review_periods(hostile, review_days=14)
    story = audit.period_story(hostile, prds, horizon=audit.choose_horizon(hostile).horizon())
    h = story.headline
    assert f["escalation_rate"] == pytest.approx(h.rate)
    assert (f["escalations"], f["tickets"]) == (h.escalations, h.tickets)
    assert f["rate_change_pts"] == pytest.approx(100 * h.change)
    assert plain.summary == audit.story_words(story).lines


def test_actions_and_the_last_meeting(hostile: pl.DataFrame, plain: digest.Digest) -> None:
    assert [a.title for a in plain.overdue] == ["Fix SSO macro"]
    assert [a.title for a in plain.due] == ["Retrain tier 1"]  # the done one is not due
    f = digest.figures(plain)
    assert (f["overdue_actions"], f["due_actions"]) == (1.0, 1.0)
    s = plain.since
    assert s is not None and s.meeting_id == 7
    # the meeting's period is the digest's previous period: the rate then is that one
    assert s.rate_then == pytest.approx(plain.rate.previous_rate)
    assert s.rate_now == plain.rate.rate
    assert s.actions_closed == ("Closed item (done)",) and s.actions_open == 3


def test_refused_risk_and_short_history_give_zero_and_say_why() -> None:
    t = pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(40)],
            "created_at": [dt.datetime(2026, 11, 1 + i % 20, tzinfo=dt.UTC) for i in range(40)],
            "category": ["a", "b"] * 20,
            "escalated": [i % 5 == 0 for i in range(40)],
        }
    )
    from lib.schema import conform

    t = conform(t)
    d = digest.build_digest(t, now=NOW)
    assert d.at_risk.refusal and d.at_risk.above == 0
    assert digest.figures(d)["at_risk_open"] == 0.0
    assert "too little history" in d.alerts.note
    md = digest.to_markdown(d)
    assert "No score:" in md and "No alerts: too little history" in md


def test_alerts_are_the_anomaly_pages_and_dismissed_ones_are_left_out(
    tickets: pl.DataFrame,
) -> None:
    from lib import anomaly
    from lib.charts.anomaly import overlapping

    prds = review_periods(tickets, review_days=14)
    det = anomaly.review(tickets, topic="category", sensitivity="sensitive", end=prds.review[1])
    found = overlapping(det["alerts"], *prds.review)
    got = build.alerts_of(tickets, prds, sensitivity="sensitive")
    assert len(got.lines) == found.height > 0
    first = found.row(0, named=True)
    key = f"{first['topic']}|{first['metric']}|{first['kind']}|{first['start']}"
    states = pl.DataFrame({"alert_key": [key], "state": ["dismissed"]})
    fewer = build.alerts_of(tickets, prds, sensitivity="sensitive", states=states)
    assert len(fewer.lines) == found.height - 1


def test_markdown_and_html_escape_names_from_the_file(plain: digest.Digest) -> None:
    md = digest.to_markdown(plain)
    assert not re.search(r"(?<!\\)<img", md)
    assert "\\<img src=x onerror=alert(1)\\>\\|\\*\\*x\\*\\*" in md
    assert f"| **{formatting.pct(plain.rate.rate)}** " in md  # numbers are not escaped
    html = digest.to_html(plain)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Demo &lt;b&gt;" in html


def test_html_for_email_refers_to_its_inline_images(plain: digest.Digest) -> None:
    images = digest.chart_images(plain)
    html = digest.to_html(plain, cid=True)
    cids = set(re.findall(r'src="cid:([^"]+)"', html))
    assert cids == set(images) == {"trend", "drivers"}
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in images.values())
    offline = digest.to_html(plain)
    uris = re.findall(r'src="data:image/png;base64,([^"]+)"', offline)
    assert len(uris) == 2 and base64.b64decode(uris[0])[:4] == b"\x89PNG"


def test_json_has_the_figures_and_plain_values(plain: digest.Digest) -> None:
    data = json.loads(digest.to_json(plain))
    assert data["figures"] == digest.figures(plain)
    assert data["rate"]["review"][0] == plain.rate.review[0].isoformat()
    assert data["subject"].startswith("Escalation digest · Demo <b> · ")


def test_charts_draw_empty_and_long_inputs() -> None:
    assert digest.trend_png([])[:4] == b"\x89PNG"
    assert digest.drivers_png(())[:4] == b"\x89PNG"
    weeks = [TrendPoint(dt.date(2026, 1, 5) + dt.timedelta(weeks=i), i, 0, None) for i in range(3)]
    assert digest.trend_png(weeks, review=(dt.date(2026, 1, 12), dt.date(2026, 1, 25)))


def test_the_rules_warning_replaces_the_summary(hostile: pl.DataFrame) -> None:
    none = hostile.with_columns(escalated=pl.lit(False))
    from lib.ingest.rules import escalation_signal

    warning = escalation_signal(none)
    assert warning
    d = digest.build_digest(none, with_alerts=False, with_risk=False, now=NOW, low_signal=warning)
    md = digest.to_markdown(d)
    assert md.index("None of the") < md.index("## Escalation rate")
    assert "this period (" not in md  # the Overview's summary sentence
    assert "this period (" in digest.to_markdown(dataclasses.replace(d, low_signal=None))
    assert digest.figures(d)["escalation_rate"] == 0.0
