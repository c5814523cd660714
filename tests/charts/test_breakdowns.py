"""The Breakdowns figures read at a glance: bars sorted by what they draw, counts beside rates,
heatmap cells with their ticket counts and small cells marked (issue 19)."""

from __future__ import annotations

import polars as pl
import pytest

from lib.audit import wilson_interval
from lib.charts.breakdowns import FEW_TICKETS, bars_caption, heatmap_figure, interval_bars
from lib.charts.tables import breakdown_view, key_first, present


def _rates(rows: list[tuple[str, int, int]], by: str = "category") -> pl.DataFrame:
    """A breakdown-shaped frame, sorted by escalations like :func:`lib.audit.breakdown`."""
    frame = pl.DataFrame(
        {
            by: [r[0] for r in rows],
            "escalations": [r[1] for r in rows],
            "tickets": [r[2] for r in rows],
            "rate": [r[1] / r[2] for r in rows],
            "rate_low": [wilson_interval(r[1], r[2])[0] for r in rows],
            "rate_high": [wilson_interval(r[1], r[2])[1] for r in rows],
        }
    )
    return frame.sort("escalations", descending=True)


#: Sorted by escalations, the 10-of-11 (91%) value comes sixth: the trap of the issue.
ROWS = [
    ("API", 37, 82), ("Bugs", 23, 67), ("Login", 20, 76), ("Refunds", 16, 21),
    ("Billing", 12, 107), ("Deletion", 10, 11), ("How-to", 6, 292), ("Tiny", 1, 2),
]  # fmt: skip


@pytest.mark.parametrize("measure", ["rate", "count"])
def test_bars_are_sorted_by_the_measure_they_draw(measure: str) -> None:
    fig = interval_bars(_rates(ROWS), "category", measure=measure)
    bars = fig.data[0]
    drawn = list(bars.x)
    assert drawn == sorted(drawn, reverse=True), "bars are not in the order of their length"
    if measure == "rate":
        assert list(bars.y[:3]) == ["Deletion", "Refunds", "Tiny"]  # 91%, 76%, 50%
        assert drawn[0] == pytest.approx(100 * 10 / 11)
        assert bars.error_x.array is not None
    else:
        assert list(bars.y[:3]) == ["API", "Bugs", "Login"] and drawn[0] == 37
        assert fig.layout.xaxis.title.text == "Tickets escalated"


def test_each_bar_has_its_counts_beside_it() -> None:
    fig = interval_bars(_rates(ROWS), "category", measure="rate")
    labels = dict(zip(fig.data[1].y, fig.data[1].text, strict=True))
    assert labels["Deletion"] == "90.9% · 10 of 11"
    assert labels["How-to"] == "2.1% · 6 of 292"
    counted = interval_bars(_rates(ROWS), "category", measure="count")
    assert dict(zip(counted.data[1].y, counted.data[1].text, strict=True))["API"] == (
        "37 of 82 · 45.1%"
    )
    # the labels sit just past each whisker, or past the dashed line they would cross
    ref = interval_bars(_rates(ROWS), "category", measure="rate", reference=0.2)
    bars, text = ref.data
    ends = [v + p for v, p in zip(bars.x, bars.error_x.array, strict=True)]
    for end, at in zip(ends, text.x, strict=True):
        assert at > max(end, 20) and at - max(end, 20) < 2
    assert ref.layout.xaxis.range[1] > max(text.x)


def test_bars_of_few_tickets_are_faded() -> None:
    fig = interval_bars(_rates(ROWS), "category", measure="rate")
    opacity = dict(zip(fig.data[0].y, fig.data[0].marker.opacity, strict=True))
    assert opacity["Tiny"] < 1 and opacity["API"] == 1
    caption = bars_caption("rate", "category", values=8, tickets=658, reference=True)
    assert "658 tickets in view" in caption and f"fewer than {FEW_TICKETS}" in caption


def test_a_click_on_a_label_drills_into_the_same_value() -> None:
    fig = interval_bars(_rates(ROWS), "category", measure="count")
    assert [c[5] for c in fig.data[1].customdata] == [c[5] for c in fig.data[0].customdata]


def test_heatmap_cells_show_their_tickets_and_small_cells_are_marked() -> None:
    cells = pl.DataFrame(
        {
            "category": ["Billing", "Billing", "Login", "Login"],
            "channel": ["email", "phone", "email", "phone"],
            "tickets": [40, 1, 30, 3],
            "escalations": [4, 1, 0, 0],
        }
    ).with_columns(rate=pl.col("escalations") / pl.col("tickets"))
    fig = heatmap_figure(cells, "category", "channel")
    rate, few = fig.data
    cell = {
        (y, x): (rate.text[i][j], rate.z[i][j], few.text[i][j])
        for i, y in enumerate(rate.y)
        for j, x in enumerate(rate.x)
    }
    assert cell[("Billing", "email")] == ("10%<br>n=40", 10.0, "")
    assert cell[("Login", "email")] == ("0%<br>n=30", 0.0, "")
    # 1 of 1 and 0 of 3 are not shown as a confident 100% and 0%: no colour, their counts
    assert cell[("Billing", "phone")] == ("", None, "1 of 1")
    assert cell[("Login", "phone")] == ("", None, "0 of 3")
    assert few.showscale is False


def test_breakdown_table_shows_its_key_columns_first() -> None:
    view = key_first(present(_rates(ROWS), breakdown_view("category", "Category")))
    assert view.columns[:4] == ["Category", "Rate %", "Escalations", "Tickets"]
