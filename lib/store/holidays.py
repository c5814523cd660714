"""The holiday calendar: days the business is closed or quiet (public holidays, shutdowns),
left out of the anomaly detector's baselines and alerts. Stored as one setting (JSON), edited by
editors only, like every setting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from lib.errors import StoreError
from lib.store._base import StoreBase, _set_setting
from lib.store.models import Setting
from lib.store.roles import Actor, _who, _writes

#: Setting under which the calendar is stored: a list of {"day": "YYYY-MM-DD", "name": str}.
HOLIDAYS_KEY = "holiday_calendar"
#: Columns of :meth:`HolidaysMixin.get_holidays`.
HOLIDAY_SCHEMA = {"day": pl.Date(), "name": pl.String()}


def _day(value: Any, row: int) -> dt.date:
    """One calendar row's day, or a message naming the row and what was expected."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise StoreError(
            f"holiday calendar row {row}: day {value!r} is not a date (expected YYYY-MM-DD)"
        ) from None


def clean_holidays(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Calendar rows as stored: one per day (the last name given wins), sorted, blank rows
    (no day, no name) dropped; a row with a name but no day, or a bad day, is an error.

    >>> clean_holidays([{"day": "2026-12-25", "name": "Christmas"}, {"day": None, "name": ""}])
    [{'day': '2026-12-25', 'name': 'Christmas'}]
    """
    out: dict[dt.date, str] = {}
    for i, r in enumerate(rows, start=1):
        raw, name = r.get("day"), str(r.get("name") or "").strip()
        if raw is None or (isinstance(raw, str) and not raw.strip()) or raw != raw:
            if name:
                raise StoreError(f"holiday calendar row {i}: {name!r} has no day")
            continue
        out[_day(raw, i)] = name[:100]
    return [{"day": d.isoformat(), "name": out[d]} for d in sorted(out)]


class HolidaysMixin(StoreBase):
    """Read and write the holiday calendar."""

    def get_holidays(self) -> pl.DataFrame:
        """The calendar: day, name (sorted by day; empty when none was saved).

        >>> from lib.store import Store
        >>> store = Store("sqlite://")
        >>> store.set_holidays([{"day": "2026-05-25", "name": "Memorial Day"}])
        >>> store.get_holidays().rows()
        [(datetime.date(2026, 5, 25), 'Memorial Day')]
        """
        with self._read() as s:
            row = s.get(Setting, HOLIDAYS_KEY)
            rows = [] if row is None else (row.value or [])
        if not rows:
            return pl.DataFrame(schema=HOLIDAY_SCHEMA)
        return pl.DataFrame(rows).select(
            pl.col("day").str.to_date("%Y-%m-%d"), pl.col("name").cast(pl.String)
        )

    @_writes
    def set_holidays(
        self, rows: Iterable[Mapping[str, Any]], *, actor: Actor | None = None
    ) -> None:
        """Replace the calendar with ``rows`` (mappings with "day" and "name"); nothing is
        saved when a row is bad (:class:`StoreError` names it)."""
        clean = clean_holidays(rows)
        with self._write() as s:
            _set_setting(s, HOLIDAYS_KEY, clean, _who(None, actor))


def parse_holiday_lines(text: str) -> list[dict[str, str]]:
    """The calendar editor's text, one day a line ("YYYY-MM-DD name"), as calendar rows; blank
    lines and lines starting with # are skipped.

    >>> parse_holiday_lines("2026-12-25 Christmas\\n\\n2026-12-26  Boxing Day")
    [{'day': '2026-12-25', 'name': 'Christmas'}, {'day': '2026-12-26', 'name': 'Boxing Day'}]
    >>> parse_holiday_lines("25/12/2026 Christmas")
    Traceback (most recent call last):
    ...
    lib.errors.StoreError: holiday calendar line 1: '25/12/2026' is not a date (expected YYYY-MM-DD, then an optional name)
    """  # noqa: E501
    rows = []
    for i, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        day, _, name = line.partition(" ")
        try:
            dt.date.fromisoformat(day)
        except ValueError:
            raise StoreError(
                f"holiday calendar line {i}: {day!r} is not a date (expected YYYY-MM-DD, then an "
                "optional name)"
            ) from None
        rows.append({"day": day, "name": name.strip()})
    return clean_holidays(rows)


def holiday_lines(calendar: pl.DataFrame) -> str:
    """The calendar as the editor's text, one "YYYY-MM-DD name" a line.

    >>> holiday_lines(pl.DataFrame({"day": [dt.date(2026, 5, 25)], "name": ["Memorial Day"]}))
    '2026-05-25 Memorial Day'
    """
    return "\n".join(f"{d} {n}".rstrip() for d, n in calendar.select("day", "name").iter_rows())
