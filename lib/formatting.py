"""Numbers and dates as people read them: percentages, KPI cards with honest deltas, and one
date style for every page (ISO days, ``2026-11-07``; a weekday in front when it helps).

Example
-------
>>> pct(0.1423)
'14.2%'
>>> pct(None)
'–'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

#: A :class:`lib.audit.headline.KpiTable` (not imported: lib.audit's wording reads this module).
KpiTable = Any


def pct(x: float | None, digits: int = 1) -> str:
    """A share as a percentage string, ``–`` for missing."""
    return "–" if x is None else f"{100 * x:.{digits}f}%"


def num(x: float | int | None, digits: int = 0) -> str:
    """A number with thousands separators, ``–`` for missing.

    >>> num(12345), num(1.5, 1)
    ('12,345', '1.5')
    """
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def day(d: dt.date | dt.datetime | None) -> str:
    """A day in the app's one date style, ``–`` for missing.

    >>> day(dt.date(2026, 11, 7)), day(dt.datetime(2026, 11, 7, 23, 59))
    ('2026-11-07', '2026-11-07')
    """
    if d is None:
        return "–"
    return (d.date() if isinstance(d, dt.datetime) else d).isoformat()


def weekday(d: dt.date) -> str:
    """A day with its weekday, for single days people think of by weekday.

    >>> weekday(dt.date(2026, 11, 10))
    'Tue 2026-11-10'
    """
    return f"{d:%a} {day(d)}"


def day_range(start: dt.date, end: dt.date) -> str:
    """Two days as a range in the app's one date style.

    >>> day_range(dt.date(2026, 10, 28), dt.date(2026, 10, 30))
    '2026-10-28 to 2026-10-30'
    """
    return f"{day(start)} to {day(end)}"


def kpi_metric(kpi: KpiTable, column: str) -> dict[str, Any]:
    """Keyword arguments for ``st.metric`` of one headline number of the review period.

    The delta compares with the previous period; for the rate the arrow shows only when the
    two-proportion test says the change is significant.
    """
    review, previous, baseline = kpi.review, kpi.previous, kpi.baseline
    if column == "rate":
        test = kpi.change("previous")
        lo, hi = review["rate_low"], review["rate_high"]
        value = pct(review["rate"])
        help_text = (
            f"{review['escalations']:,} of {review['tickets']:,} tickets escalated; "
            f"95% Wilson interval {pct(lo)} to {pct(hi)}. Previous period {pct(previous['rate'])} "
            f"({previous['escalations']:,} of {previous['tickets']:,}); baseline "
            f"{pct(baseline['rate'])} ({baseline['escalations']:,} of {baseline['tickets']:,})."
        )
        if review["rate"] is None or previous["rate"] is None:
            return {"value": value, "help": help_text}
        diff = 100 * (review["rate"] - previous["rate"])
        significant = bool(test.significant)
        delta = f"{diff:+.1f} pts vs previous" + ("" if significant else ", may be chance")
        return {
            "value": value,
            "delta": delta,
            "delta_color": "inverse" if significant else "off",
            "delta_arrow": "auto" if significant else "off",
            "help": help_text,
        }
    cur, prev = review[column], previous[column]
    out: dict[str, Any] = {"value": num(cur)}
    if prev:
        out["delta"] = f"{cur - prev:+,} vs previous ({prev:,})"
        out["delta_color"] = "off"
        out["delta_arrow"] = "off"
    return out


def low_signal_rate(card: dict[str, Any], escalations: int) -> dict[str, Any]:
    """A rate card for an export whose escalation rules mark (almost) no ticket: ``–`` rather
    than a bare 0.0% when none matched, and a delta that says why the number is not a finding.

    >>> low_signal_rate({"value": "0.0%", "delta": "+0.0 pts", "help": "0 of 90"}, 0)["value"]
    '–'
    >>> low_signal_rate({"value": "0.3%", "help": "1 of 300"}, 1)["delta"]
    'rules match few tickets'
    """
    return {
        "value": card["value"] if escalations else "–",
        "delta": "rules match few tickets" if escalations else "no escalation rule matched",
        "delta_color": "off",
        "delta_arrow": "off",
        "help": card.get("help"),
    }


#: Rows of the side-by-side table that show the escalation rate.
RATE_ROWS = ("Escalation rate", "  95% interval of the rate")


def low_signal_table(table: pl.DataFrame, kpi: KpiTable) -> pl.DataFrame:
    """The side-by-side table (:func:`lib.charts.overview.kpi_table`, one column per period)
    for an export whose rules mark (almost) no ticket: the escalation rate and its interval
    read ``–`` in every period where no ticket is escalated, like the rate cards.

    >>> from datetime import UTC, date, datetime
    >>> from lib.audit import kpis
    >>> from lib.charts.overview import kpi_table
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({"created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 9, 10)],
    ...                   "escalated": [False, False, False]})
    >>> k = kpis(t, review_periods(t, review_days=3, baseline=(date(2024, 1, 1), date(2024, 1, 7))))
    >>> low_signal_table(kpi_table(k), k).row(2)[:2]
    ('Escalation rate', '–')
    """
    names = [name for name, _ in kpi.periods.items()]
    rows = pl.col("Measure").is_in(RATE_ROWS)
    return table.with_columns(
        pl.when(rows).then(pl.lit("–")).otherwise(pl.col(col)).alias(col)
        for col, name in zip(table.columns[1:], names, strict=True)
        if not kpi.row(name)["escalations"]
    )


def kpi_caption(kpi: KpiTable) -> str:
    """One caption line naming the three periods and the baseline comparison."""
    p = kpi.periods
    base = kpi.change("baseline")
    verdict = (
        "significantly different from the baseline"
        if base.significant
        else "no significant change vs the baseline"
    )
    return (
        f"Review period {p.review[0]} to {p.review[1]}; previous {p.previous[0]} to "
        f"{p.previous[1]}; baseline {p.baseline[0]} to {p.baseline[1]} "
        f"({pct(kpi.baseline['rate'])}): {verdict}."
    )


def count(x: float | int | None) -> str:
    """A count of tickets or escalations: a whole number with thousands separators (an
    expected 63.9 escalations reads ``64``), ``–`` for missing.

    >>> count(63.9), count(0.2), count(17015), count(-0.4)
    ('64', '0', '17,015', '0')
    """
    if x is None or x != x:
        return "–"
    return f"{round(x) + 0:,}"


def ratio(x: float | None) -> str:
    """A ratio (observed ÷ expected, a multiple) with two decimals everywhere.

    >>> ratio(2.4812), ratio(None)
    ('2.48', '–')
    """
    return "–" if x is None or x != x else f"{x:.2f}"


def pts(x: float | None, digits: int = 1) -> str:
    """A change in percentage points (``x`` as a share), signed, never ``-0.0``.

    >>> pts(-0.0004), pts(0.012), pts(-0.012)
    ('0.0 pts', '+1.2 pts', '-1.2 pts')
    """
    if x is None or x != x:
        return "–"
    text = f"{100 * x:+.{digits}f}"
    return ("0." + "0" * digits if float(text) == 0 else text) + " pts"


def pvalue(p: float | None, letter: str = "p") -> str:
    """A p- or q-value as a figure for a tooltip: two significant digits, ``p<0.0001`` below.

    >>> pvalue(0.51), pvalue(0.00053, "q"), pvalue(3e-9), pvalue(None)
    ('p=0.51', 'q=0.00053', 'p<0.0001', 'p untested')
    """
    if p is None or p != p:
        return f"{letter} untested"
    if p < 0.0001:
        return f"{letter}<0.0001"
    return f"{letter}={float(f'{p:.2g}'):g}" if p < 0.01 else f"{letter}={p:.2f}"
