"""lib.review_pack.html_pack and lib.charts.meetings: the offline HTML pack and its inline SVG
charts."""

from __future__ import annotations

import datetime as dt
from html import escape
from html.parser import HTMLParser

import polars as pl
import pytest

from lib.charts.meetings import drivers_svg, nice_ticks, sparkline_svg, trend_svg
from lib.demo import demo_truth
from tests.review_pack.helpers import EXTERNAL, HAS_OUTLIERS


class _Tags(HTMLParser):
    """Collects start tags and checks that the block elements are closed."""

    VOID = frozenset(
        {"meta", "br", "hr", "img", "input", "link", "circle", "rect", "line", "polygon",
         "polyline", "path"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()


def test_pack_has_no_external_urls_and_no_script(meeting_pack) -> None:
    html = meeting_pack["html"]
    assert not EXTERNAL.search(html)
    assert "<script" not in html.lower() and "javascript:" not in html.replace(
        "[l](javascript:1)", ""
    ).replace("javascript:1", "")
    assert "@import" not in html and "url(" not in html
    assert "http://" not in html  # not even an SVG namespace
    # the user's link text is there, escaped, as plain text
    assert "https://evil.example/x.js" in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x&gt;" in html and "&lt;b&gt;ana&lt;/b&gt;" in html


def test_pack_is_well_formed_and_complete(meeting_pack, facts) -> None:
    html = meeting_pack["html"]
    parser = _Tags()
    parser.feed(html)
    assert parser.errors == [] and parser.stack == []
    assert "script" not in parser.tags and "img" not in parser.tags and "iframe" not in parser.tags
    assert parser.tags.count("svg") == 3  # trend, drivers, the alert's sparkline
    for section in ("headline", "trend", "drivers", "agents", "alerts", "agenda", "actions"):
        assert f'<section id="{section}">' in html
    r = facts.kpi.review
    assert f"{100 * r['rate']:.1f}%" in html and f">{r['tickets']:,}<" in html
    assert escape(meeting_pack["top"].ref) in html
    if HAS_OUTLIERS:
        assert demo_truth().outlier_agent in html
    assert "Act &lt;script&gt;" in html and "Decided &lt;script&gt;" in html
    assert "@media print" in html and "@page" in html and "break-inside: avoid" in html
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")


def test_trend_svg_points_and_tooltips(facts) -> None:
    tr = facts.trend.tail(26)
    svg = trend_svg(facts.trend, highlight=facts.periods.review)
    assert svg.count("<circle") == tr.filter(pl.col("rate").is_not_null()).height
    last = tr.row(-1, named=True)
    assert (
        f"{100 * last['rate']:.1f}% escalated ({last['escalations']:,} of {last['tickets']:,})"
    ) in svg
    assert "Review period" in svg and "http" not in svg


def test_trend_svg_breaks_the_line_on_empty_weeks() -> None:
    tr = pl.DataFrame(
        {
            "period_start": [dt.date(2024, 1, 1) + dt.timedelta(weeks=i) for i in range(4)],
            "tickets": [10, 0, 8, 6],
            "escalations": [2, 0, 1, 3],
            "rate": [0.2, None, 0.125, 0.5],
            "rate_low": [0.05, 0.0, 0.02, 0.2],
            "rate_high": [0.5, 1.0, 0.47, 0.8],
        }
    )
    svg = trend_svg(tr)
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 3


def test_drivers_and_sparkline_svg_escape_names() -> None:
    d = pl.DataFrame(
        {"category": ['A "quoted" <cat> & co'], "escalations": [5],
         "previous_escalations": [9], "rate": [0.5], "previous_rate": [0.6]}
    )  # fmt: skip
    svg = drivers_svg(d)
    assert "<cat>" not in svg and "&lt;cat&gt; &amp; co" in svg
    spark = sparkline_svg([dt.date(2024, 1, 1)], [None], unit="<u>")
    assert "<u>" not in spark
    assert sparkline_svg([], []).startswith("<p")


@pytest.mark.parametrize(
    ("high", "ticks"),
    [(0.37, [0.0, 0.1, 0.2, 0.3, 0.4]), (7, [0, 2, 4, 6, 8]), (1000, [0, 250, 500, 750, 1000])],
)
def test_nice_ticks(high, ticks) -> None:
    assert nice_ticks(high) == pytest.approx(ticks)


def test_sparkline_has_a_date_axis_and_a_value_scale() -> None:
    days = [dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(28)]
    values = [3, 4, 2, 5, 3, 4, 3] * 3 + [9, 14, 12, 4, 3, 2, 3]
    svg = sparkline_svg(days, values, window=(days[21], days[23]))
    # dates below: the first, the middle and the last day
    for d in (days[0], days[13], days[-1]):
        assert f">{d.isoformat()}</text>" in svg
    # a value scale: round ticks from 0 past the peak (14), as text and grid lines
    assert ">0</text>" in svg and ">20</text>" in svg
    assert svg.count("<line") >= 3
    sentiment = sparkline_svg(days[:3], [-0.4, 0.1, -0.2], unit="mean sentiment")
    assert ">-0.40</text>" in sentiment and ">+0.10</text>" in sentiment
