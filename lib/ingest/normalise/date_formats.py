"""Date formats: the candidate formats (day-first, month-first, ISO, 12/24-hour clocks, fixed
offsets, Excel serials), applying one to a column, and choosing the best format and the
day/month order from a sample.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl

from lib.ingest.normalise._common import _count, _map_series, _nulls

UTC_DT = pl.Datetime("us", "UTC")

_MIN_DT = datetime(1900, 1, 1, tzinfo=UTC)
_MAX_DT = datetime(2200, 1, 1, tzinfo=UTC)
_EXCEL_EPOCH_DAYS = 25569  # Excel serial day number of 1970-01-01 (1900 date system)


@dataclass(frozen=True)
class _DateFormat:
    fmt: str  # a chrono format, or one of "epoch_s", "epoch_ms", "excel"
    label: str
    gate: str  # a regex at least one sample value must match before the format is tried
    order: str | None = None  # "dmy" or "mdy" for numeric day/month dates
    utc: bool = False  # the format has a literal UTC marker: naive results are UTC

    @property
    def gates(self) -> tuple[str, ...]:
        """The family gate plus one for the clock, so that most formats are never tried."""
        if "%p" in self.fmt:
            return self.gate, r"(?i)\d\s*[ap]m"
        if ":%S" in self.fmt:
            return self.gate, r"\d:\d\d:\d\d"
        if "%H:" in self.fmt:
            return self.gate, r"\d:\d\d"
        return (self.gate,)


_TIMES_24 = ("%H:%M", "%H:%M:%S", "%H:%M:%S%.f")
_TIMES_12 = ("%I:%M %p", "%I:%M:%S %p", "%I:%M%p", "%I:%M:%S%p")


def _build_formats() -> tuple[_DateFormat, ...]:
    out: list[_DateFormat] = []
    iso_gate = r"^\d{4}-\d{1,2}-\d{1,2}"
    out.append(_DateFormat("%Y-%m-%d", "ISO 8601 dates (%Y-%m-%d)", iso_gate))
    for sep in ("T", " "):
        for t in ("%H:%M:%S", "%H:%M:%S%.f", "%H:%M"):
            # A literal Z parses much faster than %#z, so it is tried first.
            for zone, utc in (("", False), ("Z", True), ("%#z", False), (" UTC", True)):
                fmt = f"%Y-%m-%d{sep}{t}{zone}"
                out.append(_DateFormat(fmt, f"ISO 8601 ({fmt})", iso_gate, utc=utc))
    for t in _TIMES_12:
        fmt = f"%Y-%m-%d {t}"
        out.append(_DateFormat(fmt, f"ISO 8601 dates, 12-hour clock ({fmt})", iso_gate))
    slash_gate = r"^\d{4}/\d{1,2}/\d{1,2}"
    for t in ("", *(" " + t for t in _TIMES_24 + _TIMES_12)):
        fmt = f"%Y/%m/%d{t}"
        out.append(_DateFormat(fmt, f"year-first dates ({fmt})", slash_gate))
    # Numeric day/month dates: both orders, 2- and 4-digit years, optional time.
    for sep in ("/", "-", "."):
        gate = rf"^\d{{1,2}}[{sep}]\d{{1,2}}[{sep}]\d{{2,4}}(?:\D|$)"
        for year in ("%y", "%Y"):
            for tsep in ("", " ", ", "):
                times = ("",) if tsep == "" else _TIMES_24 + _TIMES_12
                for t in times:
                    for order, date in (
                        ("dmy", f"%d{sep}%m{sep}{year}"),
                        ("mdy", f"%m{sep}%d{sep}{year}"),
                    ):
                        fmt = f"{date}{tsep}{t}"
                        word = "day-first" if order == "dmy" else "month-first"
                        out.append(_DateFormat(fmt, f"{word} dates ({fmt})", gate, order=order))
    # English month names (%B reads both "Mar" and "March"; %A both "Tue" and "Tuesday"); other
    # languages' month names are rewritten in English first (normalise/month_names.py).
    month_gate = r"(?i)[a-z]{3}"
    dates = (
        "%d/%B/%y",
        "%d/%B/%Y",
        "%d-%B-%y",
        "%d-%B-%Y",
        "%d %B %Y",
        "%d %B %y",
        "%d. %B %Y",
        "%B %d, %Y",
        "%B %d %Y",
        "%A, %d %B %Y",
        "%A, %B %d, %Y",
        "%A %B %d %Y",
    )
    for date in dates:
        for tsep in ("", " ", ", "):
            times = ("",) if tsep == "" else _TIMES_24 + _TIMES_12
            for t in times:
                fmt = f"{date}{tsep}{t}"
                out.append(_DateFormat(fmt, f"dates with month names ({fmt})", month_gate))
    for fmt, label in (
        ("%A, %d %B %Y %H:%M:%S %#z", "RFC 2822 dates"),
        ("%A %B %d %H:%M:%S %#z %Y", "Twitter-style dates"),
        ("%A %B %d %H:%M:%S %Y", "ctime dates"),
        ("%A %B %d %Y %H:%M:%S %#z", "JavaScript dates"),
    ):
        out.append(_DateFormat(fmt, f"{label} ({fmt})", month_gate))
    out.append(_DateFormat("epoch_s", "epoch seconds", r"^-?\d{9,10}(?:\.\d+)?$"))
    out.append(_DateFormat("epoch_ms", "epoch milliseconds", r"^-?\d{12,13}$"))
    out.append(_DateFormat("%Y%m%d", "compact dates (%Y%m%d)", r"^\d{8}$"))
    out.append(_DateFormat("%Y%m%d%H%M%S", "compact timestamps (%Y%m%d%H%M%S)", r"^\d{14}$"))
    out.append(_DateFormat("%Y%m%dT%H%M%S%#z", "compact ISO 8601", r"^\d{8}T\d{6}"))
    return tuple(out)


_FORMATS = _build_formats()
_EXCEL = _DateFormat("excel", "Excel serial dates", r"^\d{5}(?:\.\d+)?$")
_BY_FMT = {f.fmt: f for f in _FORMATS}
#: The same numeric format with day and month swapped.
_TWIN = {
    f.fmt: _BY_FMT[f.fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")]
    for f in _FORMATS
    if f.order
}


def _apply_format(f: _DateFormat, s: pl.Series, *, cache: bool = True) -> tuple[pl.Series, bool]:
    """Parse a String Series with one format; returns (datetimes, is_naive_local).

    ``cache``: Polars parses each distinct string once and looks the others up; that pays on
    repetitive values (dates without a time) and costs nearly half again on mostly distinct
    ones (timestamps to the second: 0.036 s a million without it, 0.064 s with it).
    """
    if f.fmt in ("epoch_s", "epoch_ms"):
        ok = s.str.contains(f.gate)
        x = s.cast(pl.Float64, strict=False)
        factor = 1_000_000.0 if f.fmt == "epoch_s" else 1_000.0
        out = _map_series(
            x, lambda v: pl.when(pl.lit(ok)).then((v * factor).round().cast(pl.Int64)).cast(UTC_DT)
        )
        return out, False
    if f.fmt == "excel":
        ok = s.str.contains(f.gate)
        x = _map_series(s, lambda v: pl.when(pl.lit(ok)).then(v.cast(pl.Float64, strict=False)))
        return _excel_to_naive(x), True
    if f.fmt.endswith(("%z", "%#z")):
        base = f.fmt.removesuffix("%z").removesuffix("%#z").rstrip()
        if (fast := _fixed_offset_fast(base, s, cache=cache)) is not None:
            return fast, False
    try:
        out = s.str.to_datetime(f.fmt, time_unit="us", strict=False, cache=cache)
    except pl.exceptions.PolarsError:  # pragma: no cover - strict=False should not raise
        return _nulls(s.name, s.len(), pl.Datetime("us")), True
    if out.dtype.time_zone is not None:  # type: ignore[union-attr]
        return out.dt.convert_time_zone("UTC"), False
    if f.utc:
        return out.dt.replace_time_zone("UTC"), False
    return out, True


def _offset_minutes(text: str) -> int | None:
    """Minutes east of UTC of a ``+hhmm`` / ``-hhmm`` offset (a leading space allowed).

    >>> _offset_minutes(" -0130"), _offset_minutes("+02:00")
    (-90, None)
    """
    m = re.fullmatch(r" ?([+-])(\d{2})(\d{2})", text)
    if m is None:
        return None
    return (-1 if m.group(1) == "-" else 1) * (int(m.group(2)) * 60 + int(m.group(3)))


def _fixed_offset_fast(base_fmt: str, s: pl.Series, *, cache: bool = True) -> pl.Series | None:
    """Fast path for ``"<base> +hhmm"`` or ``"<base>+hhmm"`` values of one fixed width.

    Parsing ``%z`` is several times slower in Polars than parsing the naive part and applying
    the few distinct offsets separately; returns ``None`` when the shape does not fit.

    >>> _fixed_offset_fast("%Y-%m-%d %H:%M:%S", pl.Series(["2024-01-01 10:00:00 +0200"]))[0]
    datetime.datetime(2024, 1, 1, 8, 0, tzinfo=zoneinfo.ZoneInfo(key='UTC'))
    """
    lens = s.str.len_bytes()
    lo, hi = lens.min(), lens.max()
    if lo is None or lo != hi or lo < 7:  # type: ignore[operator]
        return None
    first = s[int(s.is_not_null().arg_max())]  # type: ignore[arg-type]
    width = lo - 5 - (1 if first[lo - 6] == " " else 0)  # type: ignore[operator]
    suffix = first[width:]
    shift = _offset_minutes(suffix)
    if shift is not None and s.str.ends_with(suffix).sum() == s.len() - s.null_count():
        # One offset throughout (the usual "+0000"): read it as literal text of the format.
        # (Not "every value reads so": a space in a format also matches none, so
        # " 2024-01-01 10:00:00+0000" reads too, and takes the per-offset path below.)
        naive = s.str.strptime(pl.Datetime("us"), base_fmt + suffix, strict=False, cache=cache)
        if shift:
            naive = naive - timedelta(minutes=shift)
        return naive.dt.replace_time_zone("UTC").alias(s.name)
    offsets = s.str.slice(lo - 5)  # type: ignore[operator]
    minutes: dict[str, int] = {}
    for v in offsets.drop_nulls().unique().to_list():
        if (found := _offset_minutes(v)) is None:
            return None
        minutes[v] = found
    naive = s.str.slice(0, width).str.to_datetime(
        base_fmt, time_unit="us", strict=False, cache=cache
    )
    off = offsets.replace_strict(
        list(minutes), list(minutes.values()), default=None, return_dtype=pl.Int64
    )
    out = pl.select((pl.lit(naive) - pl.duration(minutes=pl.lit(off))).alias(s.name)).to_series()
    return out.dt.replace_time_zone("UTC")


def _excel_to_naive(x: pl.Series) -> pl.Series:
    return _map_series(
        x,
        lambda v: (
            pl.when(v.is_between(20000, 80000))
            # to the second: a day's fraction written with a few decimals is off by a little
            .then(((v - _EXCEL_EPOCH_DAYS) * 86_400).round().cast(pl.Int64) * 1_000_000)
            .cast(pl.Datetime("us"))
        ),
    )


def _plausible(out: pl.Series, naive: bool) -> pl.Series:
    """Null out instants before 1900 or after 2200 (a wrong format guess, e.g. year 16)."""
    lo, hi = _MIN_DT, _MAX_DT
    if naive:
        lo, hi = lo.replace(tzinfo=None), hi.replace(tzinfo=None)
    first, last = out.min(), out.max()
    if first is None or (first >= lo and last < hi):  # type: ignore[operator]
        return out
    return _map_series(out, lambda v: pl.when(v.is_between(lo, hi, closed="left")).then(v))


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_BIG = r"(?:0*1[3-9]|0*[2-9]\d)"  # a number above 12, i.e. not a month
_ONLY_DAY_FIRST = rf"^{_BIG}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}(?:\D|$)"
_ONLY_MONTH_FIRST = rf"^\d{{1,2}}[/.\-]{_BIG}[/.\-]\d{{2,4}}(?:\D|$)"
_BOTH = r"^(0?[1-9]|1[0-2])[/.\-](0?[1-9]|1[0-2])[/.\-](\d{2,4})"


@dataclass(frozen=True)
class DayFirst:
    """A preferred day/month order and why; it only decides dates whose values cannot.

    ``reason`` completes "read as day first because ..."; ``settled`` means nobody needs to
    be warned (the user chose it, or another date column of the same file decides it).

    >>> DayFirst(False, "you chose month first on the mapping screen", settled=True).word
    'month first'
    """

    value: bool
    reason: str
    settled: bool = False

    @property
    def word(self) -> str:
        return "day first" if self.value else "month first"


def order_evidence(clean: pl.Series) -> tuple[int, int, str | None, str | None]:
    """Values that only fit day-first, only month-first, and an example of each.

    >>> order_evidence(pl.Series(["25/01/2023", "01/02/2023", "02/28/2023 10:00"]))
    (1, 1, '25/01/2023', '02/28/2023 10:00')
    """
    first = clean.str.contains(_ONLY_DAY_FIRST).fill_null(False)
    second = clean.str.contains(_ONLY_MONTH_FIRST).fill_null(False)
    n_first, n_second = int(first.sum()), int(second.sum())
    ex_first = _clip(clean.filter(first)[0]) if n_first else None
    ex_second = _clip(clean.filter(second)[0]) if n_second else None
    return n_first, n_second, ex_first, ex_second


def _clip(value: str, limit: int = 32) -> str:
    """A value short enough to quote in a sentence of the report.

    >>> _clip("01/10/2023 " + "x" * 40)
    '01/10/2023 xxxxxxxxxxxxxxxxxxxx…'
    """
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _ambiguous_example(clean: pl.Series) -> str | None:
    """A value whose day and month could be swapped (``01/10/2023``; not ``05/05/2023``)."""
    for value in clean.filter(clean.str.contains(_BOTH).fill_null(False)).head(500).to_list():
        m = re.match(_BOTH, value)
        if m and int(m.group(1)) != int(m.group(2)):
            return _clip(value)
    return None


def _both_readings(value: str) -> str:
    """``"01/10/2023"`` -> ``"1 October or 10 January"`` (day first, then month first).

    >>> _both_readings("01/10/2023 09:00")
    '1 October or 10 January'
    """
    m = re.match(_BOTH, value)
    assert m is not None
    a, b = int(m.group(1)), int(m.group(2))
    return f"{a} {_MONTHS[b - 1]} or {b} {_MONTHS[a - 1]}"


def _decide_order(clean: pl.Series, dayfirst: bool | DayFirst | None) -> tuple[str, bool, str]:
    """Day-first or month-first for numeric dates, from the whole column.

    The values decide; ``dayfirst`` (a preference and its reason) only breaks a tie. Returns
    (order, ambiguous, note for the report); ``ambiguous`` is set when nothing in the file
    decided and the user did not choose, and the note then says so plainly.

    >>> _decide_order(pl.Series(["01/10/2023", "02/11/2023"]), DayFirst(True, "I say so"))[1:]
    (True, 'dates like 01/10/2023 could be 1 October or 10 January; read as day first because I say so; change it on the mapping screen')
    """  # noqa: E501
    if isinstance(dayfirst, bool):
        dayfirst = DayFirst(dayfirst, f"dayfirst={dayfirst} was given")
    hint = None if dayfirst is None else ("dmy" if dayfirst.value else "mdy")
    n_first, n_second, _, _ = order_evidence(clean)
    if n_first and n_second:
        order = hint or "dmy"
        if n_first != n_second:
            order = "dmy" if n_first > n_second else "mdy"
        lost = n_second if order == "dmy" else n_first
        other = "month-first" if order == "dmy" else "day-first"
        return (
            order,
            True,
            f"day and month order mixed: {n_first} values only fit day-first and {n_second} "
            f"only month-first; {_count(lost, other + ' value')} not read",
        )
    if n_first or n_second:
        order = "dmy" if n_first else "mdy"
        note = ""
        if dayfirst is not None and hint != order:
            word = "day-first" if order == "dmy" else "month-first"
            note = f"read {word} although {dayfirst.reason}: the data only fits {word}"
        return order, False, note
    example = _ambiguous_example(clean)
    order = hint or "dmy"
    if example is None:  # every value reads the same either way (05/05/2023)
        return order, False, ""
    word = dayfirst.word if dayfirst is not None else "day first"
    if dayfirst is not None and dayfirst.settled:
        return order, False, f"read as {word} because {dayfirst.reason}"
    reason = (
        dayfirst.reason
        if dayfirst is not None
        else "no value in the file decides it and day first is the default"
    )
    return (
        order,
        True,
        f"dates like {example} could be {_both_readings(example)}; read as {word} because "
        f"{reason}; change it on the mapping screen",
    )


def _best_format(
    sample: pl.Series, formats: tuple[_DateFormat, ...] | list[_DateFormat]
) -> _DateFormat | None:
    """The format reading most sample values (the first one listed wins a tie)."""
    gates: dict[str, bool] = {}
    best, best_n = None, 0
    for f in formats:
        for gate in f.gates:
            if gate not in gates:
                gates[gate] = bool(sample.str.contains(gate).any())
        if not all(gates[gate] for gate in f.gates):
            continue
        parsed, naive = _apply_format(f, sample)
        n = int(_plausible(parsed, naive).is_not_null().sum())
        if n > best_n:
            best, best_n = f, n
            if n == sample.len():
                break
    return best
