"""Dates and times to UTC timestamps: strings in any common format (the format and the day/month
order decided on a sample of distinct values), epoch or Excel-serial numbers, native columns.
"""

from __future__ import annotations

import functools

import polars as pl

from lib.ingest.normalise._common import (
    _as_strings,
    _count,
    _map_series,
    _mostly_distinct,
    _nulls,
    _sample_distinct,
)
from lib.ingest.normalise.date_formats import (
    _EXCEL,
    _FORMATS,
    _MAX_DT,
    _MIN_DT,
    _TWIN,
    UTC_DT,
    DayFirst,
    _apply_format,
    _best_format,
    _DateFormat,
    _decide_order,
    _excel_to_naive,
    _plausible,
)
from lib.ingest.normalise.month_names import english_month_names
from lib.ingest.normalise.placeholders import _clean_strings
from lib.ingest.normalise.report import ParseReport, _all_failed, _report
from lib.ingest.normalise.timezones import _check_tz, _localise, _tz_note


def parse_datetimes(
    s: pl.Series,
    *,
    tz: str = "UTC",
    dayfirst: bool | DayFirst | None = None,
    excel_serial: bool = False,
) -> tuple[pl.Series, ParseReport]:
    """Parse dates and times into ``Datetime("us", "UTC")``.

    Understands ISO 8601 (with or without ``T``, fraction, ``Z`` or ``+hh:mm``), numeric
    day-first or month-first dates with ``/``, ``-`` or ``.`` (the order is decided from the data:
    ``29/2/2016`` can only be day-first; when nothing decides, ``dayfirst`` (a bool or a
    :class:`DayFirst` with its reason) or else day-first is used, and ``ambiguous`` is set
    unless the preference is ``settled``), 12-hour clocks, English month names
    (``05/Mar/24 3:07 PM``, ``Mar 5, 2024``) and those of the other languages in
    :mod:`lib.ingest.languages` (``10/ene/25 4:51 PM``, ``12. Mär. 2024``), Twitter and RFC
    2822 dates, epoch seconds and milliseconds, and native Datetime/Date/number columns. Values
    without an offset are local times in ``tz``; the repeated hour when clocks go back takes
    the earlier instant and times in the spring-forward gap are shifted forward by the gap.
    Numbers are epoch seconds or milliseconds (by size), or Excel serial days (20000..80000)
    when ``excel_serial`` is set.

    >>> import polars as pl
    >>> out, rep = parse_datetimes(
    ...     pl.Series(["2023-03-26 02:30", "2023-06-01T12:00:00+05:30"]), tz="Europe/Berlin"
    ... )
    >>> [d.isoformat() for d in out]
    ['2023-03-26T01:30:00+00:00', '2023-06-01T06:30:00+00:00']
    >>> rep.parsed, rep.failed
    (2, 0)
    """
    _check_tz(tz)
    dtype = s.dtype
    if isinstance(dtype, pl.Datetime):
        us = s.dt.cast_time_unit("us")
        if dtype.time_zone is not None:
            out = us.dt.convert_time_zone("UTC")
            return out, _report(s, s, out, f"datetimes with time zone {dtype.time_zone}")
        out, n_amb, n_gap = _localise(us, tz)
        return out, _report(s, s, out, _tz_note("native datetimes", tz, n_amb, n_gap))
    if dtype == pl.Date:
        out, n_amb, n_gap = _localise(s.cast(pl.Datetime("us")), tz)
        return out, _report(s, s, out, _tz_note("dates (midnight)", tz, n_amb, n_gap))
    if dtype.is_numeric():
        return _numeric_datetimes(s, tz=tz, excel_serial=excel_serial)
    strings = _as_strings(s)
    if strings is None:
        return _all_failed(s, UTC_DT, f"{dtype} values are not dates")
    return _string_datetimes(strings, s, tz=tz, dayfirst=dayfirst, excel_serial=excel_serial)


def _numeric_datetimes(
    s: pl.Series, *, tz: str, excel_serial: bool
) -> tuple[pl.Series, ParseReport]:
    x = s.cast(pl.Float64)
    x = _map_series(x, lambda v: pl.when(v.is_finite()).then(v))
    if excel_serial:
        out, n_amb, n_gap = _localise(_excel_to_naive(x), tz)
        return out, _report(s, x, out, _tz_note("Excel serial dates", tz, n_amb, n_gap))
    valid = x.drop_nulls()
    if (
        valid.len()
        and (valid == valid.floor()).all()
        and valid.is_between(19000101, 22001231).all()
    ):
        text = x.cast(pl.Int64).cast(pl.String)
        naive = text.str.to_datetime("%Y%m%d", time_unit="us", strict=False)
        out, n_amb, n_gap = _localise(naive, tz)
        return out, _report(s, x, out, _tz_note("compact dates (%Y%m%d)", tz, n_amb, n_gap))
    biggest = float(valid.abs().max()) if valid.len() else 0.0  # type: ignore[arg-type]
    factor, label = next(
        (f, name)
        for limit, f, name in (
            (1e11, 1e6, "epoch seconds"),
            (1e14, 1e3, "epoch milliseconds"),
            (1e17, 1.0, "epoch microseconds"),
            (float("inf"), 1e-3, "epoch nanoseconds"),
        )
        if biggest < limit
    )
    lo, hi = _MIN_DT.timestamp() * 1e6, _MAX_DT.timestamp() * 1e6
    out = _map_series(
        x,
        lambda v: (
            pl.when((v * factor).is_between(lo, hi, closed="left"))
            .then((v * factor).round().cast(pl.Int64))
            .cast(UTC_DT)
        ),
    )
    return out, _report(s, x, out, label)


#: JavaScript's ``Date.toString()``: "GMT+0200" and the zone's name in brackets after the time.
_JS_ZONE = r"\s+GMT([+-]\d{4})(?:\s*\([^)]*\))?\s*$"


def _javascript_zone(s: pl.Series) -> pl.Series:
    """ "Thu May 02 2024 03:45:03 GMT+0200 (Central European Summer Time)" (Linear's export,
    any JavaScript ``Date.toString()``) as "Thu May 02 2024 03:45:03 +0200".

    >>> _javascript_zone(pl.Series(["Thu May 02 2024 03:45:03 GMT+0200 (CEST)"])).to_list()
    ['Thu May 02 2024 03:45:03 +0200']
    """
    if not _sample_distinct(s).drop_nulls().str.contains(r"GMT[+-]\d{4}").any():
        return s
    return s.str.replace(_JS_ZONE, " ${1}")


def _string_datetimes(
    strings: pl.Series,
    raw: pl.Series,
    *,
    tz: str,
    dayfirst: bool | DayFirst | None,
    excel_serial: bool,
) -> tuple[pl.Series, ParseReport]:
    """Parse text dates: formats chosen on a sample of distinct values, applied in turn.

    The values are parsed as they are first; only the ones no format read are then stripped
    and checked for placeholders (``n/a``, ``-``) and tried again, so a clean column is never
    copied for cleaning.
    """
    strings = english_month_names(strings)  # "10/ene/25", "12. Mär. 2024"
    strings = _javascript_zone(strings)  # "Thu May 02 2024 03:45:03 GMT+0000 (…)"
    all_formats: list[_DateFormat] = [*_FORMATS, _EXCEL] if excel_serial else list(_FORMATS)
    if excel_serial:
        all_formats.insert(0, all_formats.pop())  # 20000..80000 are serials, not anything else
    out = _nulls(raw.name, raw.len(), UTC_DT)
    order: str | None = None
    ambiguous = False
    notes: list[str] = []
    used: dict[str, int] = {}
    n_amb = n_gap = 0
    naive_seen = False

    # The whole column stripped and without placeholders, for the day/month decision: computed
    # once, and only when a numeric day/month format is met.
    whole = functools.cache(lambda: _clean_strings(strings))

    def run(todo: pl.Series) -> None:
        """Fill ``out`` from the non-null values of ``todo``."""
        nonlocal out, order, ambiguous, n_amb, n_gap, naive_seen
        formats = [f for f in all_formats if order is None or f.order in (None, order)]
        for _ in range(8):
            pool = todo.drop_nulls()
            if pool.is_empty():
                break
            best = _best_format(_sample_distinct(pool), formats)
            if best is None:
                break
            if best.order:
                if order is None:
                    order, ambiguous, note = _decide_order(whole(), dayfirst)
                    if note:
                        notes.append(note)
                    formats = [f for f in formats if f.order in (None, order)]
                if best.order != order:
                    best = _TWIN[best.fmt]
            parsed, naive = _apply_format(best, todo, cache=not _mostly_distinct(todo))
            parsed = _plausible(parsed, naive)
            if naive:
                naive_seen = True
                parsed, a, g = _localise(parsed, tz)
                n_amb, n_gap = n_amb + a, n_gap + g
            before = out.null_count()
            out = parsed if before == out.len() else out.fill_null(parsed)
            if before > out.null_count():
                used[best.label] = used.get(best.label, 0) + before - out.null_count()
            formats = [f for f in formats if f is not best]
            left = todo.is_not_null() & out.is_null()
            if not left.any():
                break
            todo = todo.zip_with(left, _nulls(raw.name, raw.len(), pl.String()))

    run(strings)
    attempted = strings
    left = strings.is_not_null() & out.is_null()
    if left.any():
        rest = strings.zip_with(left, _nulls(raw.name, raw.len(), pl.String()))
        cleaned = _clean_strings(rest)
        # Placeholders are missing values, not failures.
        attempted = strings.zip_with(~left, cleaned)
        if not cleaned.drop_nulls().equals(rest.drop_nulls()):
            run(cleaned)
    if not used:
        detail = "no date format fits these values"
    elif len(used) == 1:
        detail = next(iter(used))
    else:
        detail = "; ".join(f"{label} for {_count(n, 'value')}" for label, n in used.items())
    if naive_seen and tz != "UTC":
        detail = _tz_note(detail, tz, n_amb, n_gap)
    if notes:
        detail += "; " + "; ".join(notes)
    return out.alias(raw.name), _report(raw, attempted, out, detail, ambiguous=ambiguous)
