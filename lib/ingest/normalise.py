"""Turn raw export values into the canonical schema's values, one column at a time.

Every parser takes a :class:`polars.Series` (usually ``String`` from a CSV, but native
``Datetime``, ``Date``, numbers and booleans from Parquet, XLSX or JSON work too) and returns the
converted Series with a :class:`ParseReport`. Nulls stay null; placeholders such as ``?``, ``-``,
``n/a``, ``null``, ``none`` and empty strings become null without counting as failures; values that
cannot be understood become null and are counted, with the first few kept as examples.

The work is vectorised: formats are detected on a small sample of distinct values, then applied
to the whole column with one Polars expression. Vocabulary columns (status, priority, channel)
are mapped per distinct value, never per row.

Example
-------
>>> import polars as pl
>>> dates, report = parse_datetimes(pl.Series("created", ["29/2/2016 01:16", "?", "soon"]))
>>> dates.to_list()[0]
datetime.datetime(2016, 2, 29, 1, 16, tzinfo=zoneinfo.ZoneInfo(key='UTC'))
>>> (report.parsed, report.failed, report.failed_examples, report.detail)
(1, 1, [(2, 'soon')], 'day-first dates (%d/%m/%Y %H:%M)')
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import polars as pl

from lib.errors import IngestError
from lib.schema import CHANNELS, PRIORITIES, STATUSES

__all__ = [
    "PLACEHOLDERS",
    "ParseReport",
    "clean_text",
    "is_placeholder",
    "normalise_channel",
    "normalise_priority",
    "normalise_status",
    "parse_bool",
    "parse_datetimes",
    "parse_duration_minutes",
    "parse_float",
    "parse_int",
    "parse_satisfaction",
    "split_tags",
    "unit_from_header",
]

UTC_DT = pl.Datetime("us", "UTC")

#: Values that mean "no value" in exports (compared case-insensitively, after stripping).
PLACEHOLDERS = ("", "?", "-", "--", "n/a", "#n/a", "null", "none", "nan", "(none)", "(null)")
_PLACEHOLDER_RE = r"(?i)^\s*(?:" + "|".join(re.escape(p) for p in PLACEHOLDERS if p) + r")?\s*$"
#: Regular expression matching a placeholder cell (public for callers that map distinct values).
PLACEHOLDER_PATTERN = _PLACEHOLDER_RE
_EXAMPLES = 10


@dataclass
class ParseReport:
    """What a parser made of one column.

    ``parsed`` counts non-null inputs that were understood, ``failed`` the non-null inputs that
    were not (they became null); placeholders count as neither. ``failed_examples`` holds the first
    ten failures as ``(row index, raw value)``. ``ambiguous`` is set for dates whose day and month
    order could not be decided from the data.
    """

    column: str | None
    parsed: int
    failed: int
    failed_examples: list[tuple[int, str]] = field(default_factory=list)
    detail: str = ""
    ambiguous: bool = False


# --------------------------------------------------------------------------------------------
# shared helpers


def is_placeholder(expr: pl.Expr) -> pl.Expr:
    """True where a string expression holds a placeholder for "no value" (never null).

    >>> import polars as pl
    >>> df = pl.DataFrame({"v": ["N/A", " ? ", "", "x", None]})
    >>> df.select(is_placeholder(pl.col("v")))["v"].to_list()
    [True, True, True, False, False]
    """
    return expr.cast(pl.String).str.contains(_PLACEHOLDER_RE).fill_null(False)


def _key(value: str) -> str:
    """Case, space and punctuation insensitive key: ``"Web form"`` -> ``"webform"``."""
    return re.sub(r"[\W_]+", "", value.lower())


def _map_series(s: pl.Series, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """Apply an expression builder to a Series (keeps the name)."""
    return s.to_frame("v").select(fn(pl.col("v"))).to_series().alias(s.name)


def _clean_strings(s: pl.Series) -> pl.Series:
    """Strip a String Series and turn placeholders into nulls (cheap when there is neither)."""
    if s.str.contains(r"^\s|\s$").any():
        s = s.str.strip_chars()
    placeholder = s.str.contains(_PLACEHOLDER_RE)
    if placeholder.any():
        s = s.zip_with(~placeholder.fill_null(False), _nulls(s.name, s.len(), pl.String()))
    return s


def _nulls(name: str, n: int, dtype: pl.DataType) -> pl.Series:
    """A Series of ``n`` nulls."""
    return pl.repeat(None, n, dtype=dtype, eager=True).alias(name)


def _as_strings(s: pl.Series) -> pl.Series | None:
    """Cast categorical-like columns to String; None when the dtype has no sensible text form."""
    if s.dtype == pl.String:
        return s
    if isinstance(s.dtype, pl.Categorical | pl.Enum | pl.Null):
        return s.cast(pl.String)
    return None


def _report(
    raw: pl.Series,
    attempted: pl.Series,
    out: pl.Series,
    detail: str = "",
    *,
    ambiguous: bool = False,
) -> ParseReport:
    """Count parsed and failed values; ``attempted`` is non-null where a value was expected."""
    failed_mask = attempted.is_not_null() & out.is_null()
    failed = int(failed_mask.sum())
    examples: list[tuple[int, str]] = []
    if failed:
        idx = failed_mask.arg_true().head(_EXAMPLES)
        examples = [(int(i), str(v)) for i, v in zip(idx, raw.gather(idx).to_list(), strict=True)]
    return ParseReport(
        column=raw.name or None,
        parsed=int(out.is_not_null().sum()),
        failed=failed,
        failed_examples=examples,
        detail=detail,
        ambiguous=ambiguous,
    )


def _all_failed(s: pl.Series, dtype: pl.DataType, why: str) -> tuple[pl.Series, ParseReport]:
    out = _nulls(s.name, s.len(), dtype)
    return out, _report(s, s, out, why)


def _sample_distinct(pool: pl.Series, n: int = 256) -> pl.Series:
    """A seeded sample of up to ``n`` distinct values, from the head and from anywhere."""
    if pool.len() > 4 * n:
        pool = pool.head(n).append(pool.sample(4 * n, seed=0))
    u = pool.unique(maintain_order=True)
    return u.sample(n, seed=0) if u.len() > n else u


# --------------------------------------------------------------------------------------------
# dates and times

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
    # English month names (%B reads both "Mar" and "March"; %A both "Tue" and "Tuesday").
    month_gate = r"(?i)[a-z]{3}"
    dates = (
        "%d/%B/%y",
        "%d/%B/%Y",
        "%d-%B-%y",
        "%d-%B-%Y",
        "%d %B %Y",
        "%d %B %y",
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


def _check_tz(tz: str) -> None:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise IngestError(
            f"unknown time zone {tz!r}", expected="an IANA name such as UTC or Europe/Berlin"
        ) from exc


def _apply_format(f: _DateFormat, s: pl.Series) -> tuple[pl.Series, bool]:
    """Parse a String Series with one format; returns (datetimes, is_naive_local)."""
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
        if (fast := _fixed_offset_fast(base, s)) is not None:
            return fast, False
    try:
        out = s.str.to_datetime(f.fmt, time_unit="us", strict=False)
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


def _fixed_offset_fast(base_fmt: str, s: pl.Series) -> pl.Series | None:
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
    first = s.drop_nulls()[0]
    width = lo - 5 - (1 if first[lo - 6] == " " else 0)  # type: ignore[operator]
    suffix = first[width:]
    shift = _offset_minutes(suffix)
    if shift is not None and s.str.ends_with(suffix).sum() == s.len() - s.null_count():
        # One offset throughout (the usual "+0000"): read it as literal text of the format.
        naive = s.str.strptime(pl.Datetime("us"), base_fmt + suffix, strict=False)
        return (naive - timedelta(minutes=shift)).dt.replace_time_zone("UTC").alias(s.name)
    offsets = s.str.slice(lo - 5)  # type: ignore[operator]
    minutes: dict[str, int] = {}
    for v in offsets.drop_nulls().unique().to_list():
        if (found := _offset_minutes(v)) is None:
            return None
        minutes[v] = found
    naive = s.str.slice(0, width).str.to_datetime(base_fmt, time_unit="us", strict=False)
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
            .then(((v - _EXCEL_EPOCH_DAYS) * 86_400_000_000).round().cast(pl.Int64))
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


def _localise(naive: pl.Series, tz: str) -> tuple[pl.Series, int, int]:
    """Read naive local times in ``tz`` and convert them to UTC.

    Ambiguous times (the repeated hour when clocks go back) take the earlier instant; times in
    the gap when clocks go forward are shifted forward by the gap (what Python's ``fold=0``
    does). Returns (UTC series, ambiguous count, shifted count).
    """
    if tz == "UTC":
        return naive.dt.replace_time_zone("UTC"), 0, 0
    early = naive.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    gap = early.is_null() & naive.is_not_null()
    n_gap = int(gap.sum())
    if n_gap:
        # Read a skipped time with the offset from three hours before: a shift by the gap.
        idx = gap.arg_true()
        back = timedelta(hours=3)
        shifted = (naive.gather(idx) - back).dt.replace_time_zone(
            tz, ambiguous="earliest", non_existent="null"
        ) + back
        early = early.scatter(idx, shifted)
    return early.dt.convert_time_zone("UTC"), _count_ambiguous(naive, tz), n_gap


def _count_ambiguous(naive: pl.Series, tz: str) -> int:
    """How many local times fall in a repeated hour, checking only days when the offset changes."""
    first, last = naive.min(), naive.max()
    if first is None:
        return 0
    days = pl.datetime_range(
        first.replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1),  # type: ignore[union-attr]
        last.replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=1),  # type: ignore[union-attr]
        "1d",
        time_unit="us",
        eager=True,
    )
    as_utc = days.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    offset = days - as_utc.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    changed = (offset != offset.shift(-1)).fill_null(True)
    marked = days.filter(changed | changed.shift(1, fill_value=False)).dt.date()
    if marked.is_empty():
        return 0
    near = naive.filter(naive.dt.date().is_in(marked.implode()))
    if near.is_empty():
        return 0
    early = near.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    late = near.dt.replace_time_zone(tz, ambiguous="latest", non_existent="null")
    return int((early != late).sum())


def _decide_order(clean: pl.Series, dayfirst: bool | None) -> tuple[str, bool, str]:
    """Day-first or month-first for numeric dates, from the whole column.

    Returns (order, ambiguous, note for the report).
    """
    big = r"(?:0*1[3-9]|0*[2-9]\d)"  # a number above 12, i.e. not a month
    n_first = int(clean.str.contains(rf"^{big}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}(?:\D|$)").sum())
    n_second = int(clean.str.contains(rf"^\d{{1,2}}[/.\-]{big}[/.\-]\d{{2,4}}(?:\D|$)").sum())
    hint = None if dayfirst is None else ("dmy" if dayfirst else "mdy")
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
        if hint and hint != order:
            word = "day-first" if order == "dmy" else "month-first"
            note = f"read {word} although dayfirst={dayfirst} was given: the data only fits {word}"
        return order, False, note
    if hint:
        return hint, False, ""
    return "dmy", True, "day/month order not decided by the data: assumed day-first"


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


def parse_datetimes(
    s: pl.Series,
    *,
    tz: str = "UTC",
    dayfirst: bool | None = None,
    excel_serial: bool = False,
) -> tuple[pl.Series, ParseReport]:
    """Parse dates and times into ``Datetime("us", "UTC")``.

    Understands ISO 8601 (with or without ``T``, fraction, ``Z`` or ``+hh:mm``), numeric
    day-first or month-first dates with ``/``, ``-`` or ``.`` (the order is decided from the data:
    ``29/2/2016`` can only be day-first; when nothing decides, day-first is assumed, or
    ``dayfirst`` when given, and ``ambiguous`` is set), 12-hour clocks, English month names
    (``05/Mar/24 3:07 PM``, ``Mar 5, 2024``), Twitter and RFC 2822 dates, epoch seconds and
    milliseconds, and native Datetime/Date/number columns. Values without an offset are local
    times in ``tz``; the repeated hour when clocks go back takes the earlier instant and times
    in the spring-forward gap are shifted forward by the gap. Numbers are epoch seconds or
    milliseconds (by size), or Excel serial days (20000..80000) when ``excel_serial`` is set.

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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _tz_note(what: str, tz: str, n_amb: int, n_gap: int) -> str:
    if tz == "UTC":
        return what
    note = f"{what}, local times in {tz} converted to UTC"
    if n_amb:
        note += f"; {n_amb} in the repeated hour when clocks go back read as the earlier instant"
    if n_gap:
        note += f"; {n_gap} in the skipped hour when clocks go forward shifted forward by the gap"
    return note


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


def _string_datetimes(
    strings: pl.Series,
    raw: pl.Series,
    *,
    tz: str,
    dayfirst: bool | None,
    excel_serial: bool,
) -> tuple[pl.Series, ParseReport]:
    """Parse text dates: formats chosen on a sample of distinct values, applied in turn.

    The values are parsed as they are first; only the ones no format read are then stripped
    and checked for placeholders (``n/a``, ``-``) and tried again, so a clean column is never
    copied for cleaning.
    """
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
            parsed, naive = _apply_format(best, todo)
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


# --------------------------------------------------------------------------------------------
# durations

_UNIT_MINUTES = {
    "milliseconds": 1 / 60_000,
    "seconds": 1 / 60,
    "minutes": 1.0,
    "hours": 60.0,
    "days": 1440.0,
    "weeks": 10080.0,
}
_UNIT_ALIASES = {
    **{a: "milliseconds" for a in ("ms", "msec", "msecs", "millisecond", "milliseconds")},
    **{a: "seconds" for a in ("s", "sec", "secs", "second", "seconds")},
    **{a: "minutes" for a in ("m", "min", "mins", "minute", "minutes")},
    **{a: "hours" for a in ("h", "hr", "hrs", "hour", "hours")},
    **{a: "days" for a in ("d", "day", "days")},
    **{a: "weeks" for a in ("w", "wk", "wks", "week", "weeks")},
}
_HEADER_UNIT_RE = re.compile(
    r"(?P<milliseconds>\b(?:ms|msecs?|milliseconds?)\b)|"
    r"(?P<seconds>\b(?:secs?|seconds?)\b|\(s\)|\[s\])"
    r"|(?P<minutes>\b(?:mins?|minutes?)\b|\(m\)|\[m\])"
    r"|(?P<hours>\b(?:hrs?|hours?)\b|\(h\)|\[h\])"
    r"|(?P<days>\b(?:days?)\b|\(d\)|\[d\])"
)
_NUM = r"\d+(?:[.,]\d+)?"
_CLOCK_RE = r"^[+-]?\d+:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?$"
_DHMS_RE = r"^[+-]?\d+:\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?$"
_DAYS_CLOCK_RE = (
    r"(?i)^(?P<sign>[+-])?(?P<d>\d+)\s*(?:days?|d),?\s+"
    r"(?P<h>\d+):(?P<m>\d{1,2})(?::(?P<s>\d{1,2}(?:\.\d+)?))?$"
)
_SEP = r"[\s,]*(?:and\s+)?"
_WORDS_RE = (
    rf"(?i)^(?P<sign>[+-])?\s*(?:(?P<w>{_NUM})\s*(?:w|wks?|weeks?){_SEP})?"
    rf"(?:(?P<d>{_NUM})\s*(?:d|days?){_SEP})?"
    rf"(?:(?P<h>{_NUM})\s*(?:h|hrs?|hours?){_SEP})?"
    rf"(?:(?P<m>{_NUM})\s*(?:m|mins?|minutes?){_SEP})?"
    rf"(?:(?P<s>{_NUM})\s*(?:s|secs?|seconds?))?\s*$"
)
_ISO_DUR_RE = (
    rf"(?i)^(?P<sign>[+-])?P(?:(?P<w>{_NUM})W)?(?:(?P<d>{_NUM})D)?"
    rf"(?:T(?:(?P<h>{_NUM})H)?(?:(?P<m>{_NUM})M)?(?:(?P<s>{_NUM})S)?)?$"
)
_NUMBER_RE = r"^[+-]?(?:\d[\d,.' \u00a0\u202f]*)?\d$"
_WEIGHTS = {"w": 10080.0, "d": 1440.0, "h": 60.0, "m": 1.0, "s": 1 / 60}


def unit_from_header(name: str) -> str | None:
    """The time unit a column header names, if any: milliseconds, seconds, minutes, hours, days.

    The first unit word counts; "business hours" and the like are not units.

    >>> unit_from_header("First reply time in minutes within business hours")
    'minutes'
    >>> [unit_from_header(h) for h in ("Resolution (hrs)", "Handle secs", "Id")]
    ['hours', 'seconds', None]
    """
    text = re.sub(r"\b(?:business|working|office|calendar)\s+(?:hours?|days?)\b", " ", name.lower())
    text = text.replace("_", " ")
    m = _HEADER_UNIT_RE.search(text)
    return m.lastgroup if m else None


def _groups_minutes(clean: pl.Series, pattern: str, *, clock: bool = False) -> pl.Series:
    """Minutes from a regex with named groups ``sign`` and some of w, d, h, m, s.

    With ``clock``, minutes and seconds must be below 60.
    """
    g = clean.str.extract_groups(pattern).struct.unnest()
    parts = [k for k in _WEIGHTS if k in g.columns]

    def num(name: str) -> pl.Expr:
        return pl.col(name).str.replace(",", ".").cast(pl.Float64, strict=False)

    total = pl.sum_horizontal([num(k) * _WEIGHTS[k] for k in parts])
    ok = pl.any_horizontal([pl.col(k).is_not_null() for k in parts])
    if clock:
        ok = ok & (num("m") < 60) & (num("s").fill_null(0) < 60)
    sign = pl.when(pl.col("sign") == "-").then(-1.0).otherwise(1.0)
    return g.select(pl.when(ok).then(total * sign).alias(clean.name)).to_series()


def _clock_minutes(clean: pl.Series, *, days: bool = False) -> pl.Series:
    """Minutes from ``[-]H:MM[:SS[.f]]`` or, with ``days``, ``[-]d:h:m:s``."""
    ok = clean.str.contains(_DHMS_RE if days else _CLOCK_RE)
    names = ["d", "h", "m", "s"] if days else ["h", "m", "s"]
    parts = (
        clean.str.strip_chars_start("+-")
        .str.split_exact(":", len(names) - 1)
        .struct.rename_fields(names)
        .struct.unnest()
    )
    num = {k: pl.col(k).cast(pl.Float64, strict=False) for k in names}
    ok_expr = pl.lit(ok) & (num["m"] < 60) & (num["s"].fill_null(0) < 60)
    total = num["h"] * 60 + num["m"] + num["s"].fill_null(0) / 60
    if days:
        ok_expr = ok_expr & (num["h"] < 24)
        total = total + num["d"] * 1440
    sign = pl.when(pl.lit(clean.str.starts_with("-"))).then(-1.0).otherwise(1.0)
    return parts.select(pl.when(ok_expr).then(total * sign).alias(clean.name)).to_series()


def parse_duration_minutes(
    s: pl.Series, *, unit: str | None = None
) -> tuple[pl.Series, ParseReport]:
    """Parse durations into Float64 minutes.

    Reads clocks (``H:MM:SS``, ``HH:MM``, signed ``-01:30``, ``d:h:m:s``, ``2 days 01:30:00``),
    unit words (``1.5h``, ``45m``, ``2 hours``, ``1d 2h``, ``1 hour and 30 minutes``), ISO 8601
    durations (``PT1H30M``) and plain numbers in ``unit`` (minutes unless given: milliseconds,
    seconds, minutes, hours, days or weeks; see :func:`unit_from_header`). Native numbers use
    ``unit``; native Duration columns are converted.

    >>> import polars as pl
    >>> out, rep = parse_duration_minutes(pl.Series(["0:05:30", "-01:30", "1.5h", "PT2H", "90"]))
    >>> out.to_list()
    [5.5, -90.0, 90.0, 120.0, 90.0]
    >>> parse_duration_minutes(pl.Series(["2"]), unit="hours")[0].to_list()
    [120.0]
    """
    key = (unit or "minutes").strip().lower()
    if key not in _UNIT_ALIASES:
        raise ValueError(
            f"unknown duration unit {unit!r}; "
            "use milliseconds, seconds, minutes, hours, days or weeks"
        )
    unit_name = _UNIT_ALIASES[key]
    factor = _UNIT_MINUTES[unit_name]
    dtype = s.dtype
    if isinstance(dtype, pl.Duration):
        out = (s.dt.total_microseconds() / 60_000_000).cast(pl.Float64)
        return out, _report(s, s, out, "native durations")
    if dtype == pl.Time:
        out = (s.cast(pl.Int64) / 60_000_000_000).cast(pl.Float64).alias(s.name)
        return out, _report(s, s, out, "times of day read as H:MM:SS durations")
    if dtype.is_numeric():
        x = s.cast(pl.Float64)
        out = _map_series(x, lambda v: pl.when(v.is_finite()).then(v * factor))
        return out, _report(s, s, out, f"numbers in {unit_name}")
    strings = _as_strings(s)
    if strings is None:
        return _all_failed(s, pl.Float64(), f"{dtype} values are not durations")
    clean = _clean_strings(strings)
    forms: list[tuple[str, str, Callable[[pl.Series], pl.Series]]] = [
        (f"numbers in {unit_name}", _NUMBER_RE, lambda c: _floats(c)[0] * factor),
        ("durations as H:MM:SS", _CLOCK_RE, _clock_minutes),
        ("durations as d:h:m:s", _DHMS_RE, lambda c: _clock_minutes(c, days=True)),
        ("durations as days and H:MM:SS", _DAYS_CLOCK_RE, _days_clock),
        ("durations with units (1h 30m)", _WORDS_RE, lambda c: _groups_minutes(c, _WORDS_RE)),
        ("ISO 8601 durations (PT1H30M)", _ISO_DUR_RE, lambda c: _groups_minutes(c, _ISO_DUR_RE)),
    ]
    # Try the forms the sample shows most first; each only on the values still unread.
    sample = _sample_distinct(clean.drop_nulls())
    forms.sort(key=lambda f: -int(sample.str.contains(f[1]).sum()))
    out = _nulls(s.name, s.len(), pl.Float64())
    todo = clean
    used: list[tuple[str, int]] = []
    for label, _, fn in forms:
        if todo.null_count() == todo.len():
            break
        before = out.null_count()
        out = out.fill_null(fn(todo))
        if before > out.null_count():
            used.append((label, before - out.null_count()))
        todo = clean.zip_with(out.is_null(), _nulls(s.name, s.len(), pl.String()))
    used.sort(key=lambda u: -u[1])
    detail = "; ".join(label for label, _ in used) or "no duration format fits these values"
    return out, _report(s, clean, out, detail)


def _days_clock(clean: pl.Series) -> pl.Series:
    return _groups_minutes(clean, _DAYS_CLOCK_RE, clock=True)


# --------------------------------------------------------------------------------------------
# numbers and booleans

_THOUSANDS_SPACE = r"^[+-]?\d{1,3}(?:[ '\u00a0\u202f]\d{3})+(?:[.,]\d+)?$"
_THOUSANDS_COMMA = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
_EURO = r"^[+-]?\d{1,3}(?:\.\d{3})+,\d+$"
_DECIMAL_COMMA = r"^[+-]?\d*,\d+$"


def _floats(clean: pl.Series) -> tuple[pl.Series, str]:
    """Strings to Float64 with the column's decimal convention; returns (values, description)."""
    c = _map_series(
        clean,
        lambda v: (
            pl.when(v.str.contains(_THOUSANDS_SPACE))
            .then(v.str.replace_all(r"[ '\u00a0\u202f]", ""))
            .otherwise(v)
        ),
    )
    has_dot = bool(c.str.contains(r"\.").any())
    euro = bool(c.str.contains(_EURO).any())
    comma_decimal = not has_dot and bool(
        (c.str.contains(_DECIMAL_COMMA) & ~c.str.contains(_THOUSANDS_COMMA)).any()
    )
    if euro:
        text = c.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
        how = "decimal comma with dot thousands separators"
    elif comma_decimal:
        text = c.str.replace(",", ".", literal=True)
        how = "decimal comma"
    else:
        text = _map_series(
            c,
            lambda v: (
                pl.when(v.str.contains(_THOUSANDS_COMMA))
                .then(v.str.replace_all(",", "", literal=True))
                .otherwise(v)
            ),
        )
        how = "decimal point"
    x = text.cast(pl.Float64, strict=False)
    return _map_series(x, lambda v: pl.when(v.is_finite()).then(v)), how


def _numeric_input(s: pl.Series) -> tuple[pl.Series, pl.Series, str] | None:
    """(Float64 values, attempted mask source, description) for numeric/boolean/string input."""
    if s.dtype == pl.Boolean:
        return s.cast(pl.Float64), s, "booleans as 1/0"
    if s.dtype.is_numeric():
        x = s.cast(pl.Float64)
        return _map_series(x, lambda v: pl.when(v.is_finite()).then(v)), s, "numbers"
    strings = _as_strings(s)
    if strings is None:
        return None
    clean = _clean_strings(strings)
    x, how = _floats(clean)
    return x, clean, how


def parse_float(s: pl.Series) -> tuple[pl.Series, ParseReport]:
    """Parse numbers into Float64; a decimal comma is read when the column has no dots.

    Thousands separators (``1,234.5``, ``1 234``, ``1.234,5``) are understood.

    >>> import polars as pl
    >>> parse_float(pl.Series(["3,5", "-0,25", "n/a"]))[0].to_list()
    [3.5, -0.25, None]
    >>> parse_float(pl.Series(["1,234.5", "2.5"]))[0].to_list()
    [1234.5, 2.5]
    """
    got = _numeric_input(s)
    if got is None:
        return _all_failed(s, pl.Float64(), f"{s.dtype} values are not numbers")
    x, attempted, how = got
    return x.alias(s.name), _report(s, attempted, x, how)


def parse_int(s: pl.Series) -> tuple[pl.Series, ParseReport]:
    """Parse whole numbers into Int32 (``3``, ``3.0``, ``1,234``); fractions fail.

    >>> import polars as pl
    >>> out, rep = parse_int(pl.Series(["3", "3.0", "1,234", "2.5", "-"]))
    >>> out.to_list(), rep.failed
    ([3, 3, 1234, None, None], 1)
    """
    got = _numeric_input(s)
    if got is None:
        return _all_failed(s, pl.Int32(), f"{s.dtype} values are not numbers")
    x, attempted, how = got
    out = _map_series(
        x,
        lambda v: (
            pl.when((v == v.floor()) & v.is_between(-(2**31), 2**31 - 1)).then(v).cast(pl.Int32)
        ),
    )
    return out, _report(s, attempted, out, f"whole numbers ({how})")


_TRUE = "true|t|yes|y|x|✓|✔|checked|on|escalated|is escalated"
_FALSE = "false|f|no|n|unchecked|off|not escalated|non-escalated|unescalated"
_BOOL_KEYS = {
    **{_key(k): True for k in _TRUE.split("|")},
    **{_key(k): False for k in _FALSE.split("|")},
}
_BOOL_NUMBERS = {"1": True, "1.0": True, "0": False, "0.0": False}


def _bool_of(raw: str) -> bool | None:
    return _BOOL_NUMBERS.get(raw, _BOOL_KEYS.get(_key(raw)))


def parse_bool(s: pl.Series) -> tuple[pl.Series, ParseReport]:
    """Parse yes/no values into Boolean.

    Reads true/false, yes/no, y/n, 1/0, t/f, on/off, checked/unchecked, ``x`` (a ticked
    box) and escalated/not escalated, in any case.

    >>> import polars as pl
    >>> parse_bool(pl.Series(["TRUE", "no", "x", "Not escalated", "maybe"]))[0].to_list()
    [True, False, True, False, None]
    """
    if s.dtype == pl.Boolean:
        return s, _report(s, s, s, "booleans")
    if s.dtype.is_numeric():
        x = s.cast(pl.Float64)
        out = _map_series(x, lambda v: pl.when(v == 1).then(True).when(v == 0).then(False))
        return out, _report(s, s, out, "1/0 numbers")
    strings = _as_strings(s)
    if strings is None:
        return _all_failed(s, pl.Boolean(), f"{s.dtype} values are not yes/no values")
    clean = _clean_strings(strings)
    out = _map_distinct(clean, _bool_of, pl.Boolean())
    return out, _report(s, clean, out, "yes/no values")


# --------------------------------------------------------------------------------------------
# vocabularies


def _map_distinct(clean: pl.Series, fn: Callable[[str], object], dtype: pl.DataType) -> pl.Series:
    """Map each distinct non-null value with ``fn`` (a few Python calls, not one per row)."""
    uniques = clean.drop_nulls().unique()
    new = [fn(v) for v in uniques.to_list()]
    return clean.replace_strict(uniques, pl.Series(new, dtype=dtype), default=None).alias(
        clean.name
    )


def _vocab_lookup(
    raw: str, vocab: Mapping[str, str], extra: Mapping[str, str | None]
) -> tuple[bool, str | None]:
    """(found, canonical value) for one raw value; tries ``extra`` first, then the vocabulary,
    then the vocabulary after dropping a rank prefix or suffix (``3 - Moderate``, ``P2 High``)."""
    low = " ".join(raw.lower().split())
    if low in extra:
        return True, extra[low]
    key = _key(raw)
    if key in extra:
        return True, extra[key]
    if key in vocab:
        return True, vocab[key]
    for pattern in (r"^(?:p|sev|severity|priority|prio)?\d+", r"(?:p|sev)?\d+$"):
        stripped = re.sub(pattern, "", key)
        if stripped and stripped != key and stripped in vocab:
            return True, vocab[stripped]
    return False, None


def _prepare_extra(
    extra: Mapping[str, str | None] | None, allowed: tuple[str, ...], what: str
) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for k, v in (extra or {}).items():
        if v is not None and v not in allowed:
            raise ValueError(f"extra {what} mapping {k!r} -> {v!r}: {v!r} is not one of {allowed}")
        out[" ".join(str(k).lower().split())] = v
        out.setdefault(_key(str(k)), v)
    return out


def _vocab_strings(s: pl.Series) -> tuple[pl.Series, pl.Series] | None:
    """(raw for examples, cleaned String) for vocabulary columns, numbers included."""
    if s.dtype.is_float():
        x = s.cast(pl.Float64)
        text = _map_series(
            x,
            lambda v: (
                pl.when(v == v.floor())
                .then(v.cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(v.cast(pl.String))
            ),
        )
        return s, _clean_strings(text)
    if s.dtype.is_integer() or s.dtype == pl.Boolean:
        return s, _clean_strings(s.cast(pl.String))
    strings = _as_strings(s)
    return None if strings is None else (s, _clean_strings(strings))


def _normalise_vocab(
    s: pl.Series,
    vocab: Mapping[str, str],
    allowed: tuple[str, ...],
    what: str,
    *,
    extra: Mapping[str, str | None] | None,
    unknown: str | None,
) -> tuple[pl.Series, ParseReport]:
    extra_keys = _prepare_extra(extra, allowed, what)
    got = _vocab_strings(s)
    if got is None:
        return _all_failed(s, pl.String(), f"{s.dtype} values are not {what} values")
    raw, clean = got
    uniques = clean.drop_nulls().unique(maintain_order=True)
    mapped: list[str | None] = []
    unknowns: list[str] = []
    for value in uniques.to_list():
        found, canon = _vocab_lookup(value, vocab, extra_keys)
        if not found:
            unknowns.append(value)
            canon = unknown
        mapped.append(canon)
    out = clean.replace_strict(
        uniques, pl.Series(mapped, dtype=pl.String), default=None, return_dtype=pl.String
    ).alias(s.name)
    detail = f"{what} values: {uniques.len()} distinct"
    if unknowns:
        shown = ", ".join(repr(u) for u in unknowns[:5])
        more = f" and {len(unknowns) - 5} more" if len(unknowns) > 5 else ""
        fate = f"read as {unknown!r}" if unknown else "not understood"
        detail += f"; {len(unknowns)} unknown {fate}: {shown}{more}"
    return out, _report(raw, clean, out, detail)


def _vocab(groups: Mapping[str, str]) -> dict[str, str]:
    """Key every ``|``-separated word of each group to the group's canonical value."""
    return {_key(word): canon for canon, words in groups.items() for word in words.split("|")}


_CHANNEL_VOCAB = _vocab(
    {
        "email": "email|mail|e-mail|emails|outbound email|inbound email|email ticket"
        "|forwarded email",
        "web": "web|web form|webform|web widget|portal|help center|helpcenter|form|self-service"
        "|feedback widget|forum|beacon|website|customer portal|service portal|contact form"
        "|widget|anonymous portal|web referral|community|knowledge base",
        "chat": "chat|live chat|livechat|messenger|conversation|virtual agent|chatbot|bot"
        "|in-app chat|web chat",
        "phone": "phone|voice|phone call (incoming)|phone call (outgoing)|phone call|call"
        "|telephone|voicemail|talk|inbound call|outbound call",
        "messaging": "whatsapp|sms|text|text message|telegram|mobile sdk|mobihelp|push|messaging"
        "|native messaging|facebook messenger|line|wechat|viber|signal|mobile|in-app"
        "|apple business chat",
        "social": "twitter|x|facebook|instagram|social media|social|linkedin|youtube|tweet"
        "|facebook post|tiktok",
        "api": "api|web service|integration|rest api",
        "other": "other|closed ticket|walk-in|postal mail|fax|referral|jira|system|internal"
        "|sample ticket|rule|automation|in person|side conversation",
    }
)
_PRIORITY_VOCAB = _vocab(
    {
        "urgent": "urgent|critical|highest|blocker|emergency|immediate|p0|p1|sev0|sev1"
        "|severity 1|very high|top",
        "high": "high|major|p2|sev2|severity 2|important|elevated",
        "normal": "normal|medium|moderate|p3|sev3|severity 3|standard|default|average|routine",
        "low": "low|lowest|minor|trivial|planning|p4|p5|sev4|sev5|severity 4|very low"
        "|informational",
    }
)
_STATUS_VOCAB = _vocab(
    {
        "new": "new|to do|unassigned|submitted|received|triage|awaiting triage|unopened"
        "|not started",
        "open": "open|opened|active|in progress|working|escalated|assigned|reopened"
        "|waiting for support|waiting on us|waiting on agent|under investigation|investigating"
        "|work in progress|in review|acknowledged|accepted|answered",
        "pending": "pending|waiting on customer|waiting for customer|waiting on contact"
        "|awaiting user info|awaiting customer|pending customer response|pending reminder"
        "|awaiting response|waiting for reply|customer responded|waiting on requester"
        "|awaiting caller",
        "on_hold": "hold|on hold|waiting on third party|waiting for third party"
        "|awaiting evidence|awaiting problem|awaiting vendor|awaiting change|pending vendor"
        "|snoozed|paused|deferred|blocked|waiting for approval",
        "solved": "solved|resolved|done|pending close|fixed|completed|complete|closed resolved",
        "closed": "closed|canceled|cancelled|merged|spam|archived|deleted|rejected|declined"
        "|duplicate|won't fix|won't do|closed complete|closed incomplete|closed skipped"
        "|closed with explanation|closed with monetary relief|closed with non-monetary relief"
        "|closed without relief|closed with relief|withdrawn|abandoned",
    }
)


def normalise_channel(
    s: pl.Series, *, extra: Mapping[str, str | None] | None = None
) -> tuple[pl.Series, ParseReport]:
    """Map a source/via column to email, chat, phone, web, messaging, social, api or other.

    Knows the channel words of Zendesk, Freshdesk, Jira, ServiceNow, osTicket, Zammad, Help
    Scout, Intercom, HubSpot, Salesforce, CFPB and more, ignoring case, spaces and punctuation.
    Unknown values become ``other`` (counted as parsed; the report lists them). ``extra`` maps
    lower-cased raw values first.

    >>> import polars as pl
    >>> raw = pl.Series(["Mail", "Web form", "Phone call (incoming)", "Pigeon"])
    >>> out, rep = normalise_channel(raw)
    >>> out.to_list()
    ['email', 'web', 'phone', 'other']
    >>> rep.detail
    "channel values: 4 distinct; 1 unknown read as 'other': 'Pigeon'"
    """
    return _normalise_vocab(s, _CHANNEL_VOCAB, CHANNELS, "channel", extra=extra, unknown="other")


def normalise_priority(
    s: pl.Series, *, extra: Mapping[str, str | None] | None = None
) -> tuple[pl.Series, ParseReport]:
    """Map priorities to low, normal, high or urgent.

    Reads words (Medium -> normal, Critical/Blocker/Highest -> urgent, Major -> high,
    Minor/Trivial/Lowest -> low), ``P1``..``P5`` and ServiceNow's ``1 - Critical``..
    ``5 - Planning``. Bare numbers are vendor-specific: pass them in ``extra`` (e.g. Freshdesk
    ``{"1": "low", "2": "normal", "3": "high", "4": "urgent"}``). Unknown values become null and
    count as failed.

    >>> import polars as pl
    >>> normalise_priority(pl.Series(["1 - Critical", "3 - Moderate", "P2", "Lowest"]))[0].to_list()
    ['urgent', 'normal', 'high', 'low']
    """
    return _normalise_vocab(s, _PRIORITY_VOCAB, PRIORITIES, "priority", extra=extra, unknown=None)


def normalise_status(
    s: pl.Series, *, extra: Mapping[str, str | None] | None = None
) -> tuple[pl.Series, ParseReport]:
    """Map statuses to new, open, pending, on_hold, solved or closed.

    Knows the status words of Zendesk, Freshdesk, Jira, ServiceNow, osTicket, Zammad, Help
    Scout, Intercom, HubSpot, Salesforce and others. Unknown values become null and count as
    failed (the loader fills a default).

    >>> import polars as pl
    >>> raw = pl.Series(["Waiting on Customer", "Hold", "Done", "6 - Resolved"])
    >>> normalise_status(raw)[0].to_list()
    ['pending', 'on_hold', 'solved', 'solved']
    """
    return _normalise_vocab(s, _STATUS_VOCAB, STATUSES, "status", extra=extra, unknown=None)


# --------------------------------------------------------------------------------------------
# satisfaction

_SAT_BINARY = _vocab(
    {
        "1": "good|satisfied|positive|good, i'm satisfied|happy|thumbs up|great|awesome"
        "|excellent|like|yes",
        "0.5": "neutral|ok|okay|just okay|average|fair|meh",
        "0": "bad|unsatisfied|dissatisfied|negative|bad, i'm unsatisfied|unhappy|thumbs down"
        "|poor|not good|terrible|dislike|no",
    }
)
_SAT_LIKERT = _vocab(
    {
        "1": "very satisfied|extremely satisfied|extremely happy|very happy|very good|excellent"
        "|awesome",
        "0.75": "satisfied|happy|good|positive",
        "0.5": "neutral|neither satisfied nor dissatisfied|ok|okay|just okay",
        "0.25": "dissatisfied|unsatisfied|unhappy|bad|poor|negative",
        "0": "very dissatisfied|extremely dissatisfied|very unsatisfied|extremely unhappy"
        "|very unhappy|very bad|very poor|terrible",
    }
)
_LIKERT_ONLY = {k for k in _SAT_LIKERT if k not in _SAT_BINARY}
_SAT_NOT_RATED = {_key(w) for w in ("offered", "unoffered", "not offered", "not rated")}
_SCALES = ((0.0, 1.0), (1.0, 5.0), (1.0, 10.0), (0.0, 10.0), (0.0, 100.0))


def _pick_scale(values: pl.Series) -> tuple[float, float] | None:
    v = values.drop_nulls().filter(values.drop_nulls().is_between(0, 100))
    if v.is_empty():
        return None
    lo, hi = float(v.min()), float(v.max())  # type: ignore[arg-type]
    for a, b in _SCALES:
        if lo >= a and hi <= b:
            return a, b
    return None  # pragma: no cover - (0, 100) always fits after the filter


def parse_satisfaction(
    s: pl.Series, *, scale: tuple[float, float] | None = None
) -> tuple[pl.Series, ParseReport]:
    """Parse satisfaction ratings into 0 (worst) .. 1 (best).

    Words (good/bad, satisfied/unsatisfied, Zendesk's ``Good, I'm satisfied``, five-level
    "very satisfied" .. "very dissatisfied" scales) and numbers, whose scale is decided from
    the column's smallest and largest value: 0..1 kept, 1-5 -> (x-1)/4, 1-10 -> (x-1)/9,
    0-10 -> x/10, 0-100 -> x/100, unless ``scale=(worst, best)`` is given. ``offered`` and
    ``unoffered`` (a survey with no answer) become null without counting as failures.

    >>> import polars as pl
    >>> out, rep = parse_satisfaction(pl.Series(["5", "1", "4", None]))
    >>> out.to_list(), rep.detail
    ([1.0, 0.0, 0.75, None], '1-5 scale')
    >>> parse_satisfaction(pl.Series(["Good, I'm satisfied", "bad", "offered"]))[0].to_list()
    [1.0, 0.0, None]
    """
    if s.dtype == pl.Boolean:
        out = s.cast(pl.Float64)
        return out, _report(s, s, out, "booleans (true = satisfied)")
    empty = _nulls(s.name, s.len(), pl.Float64())
    words = percents = empty
    word_detail = ""
    if s.dtype.is_numeric():
        attempted = s
        numbers = _map_series(s.cast(pl.Float64), lambda v: pl.when(v.is_finite()).then(v))
    else:
        strings = _as_strings(s)
        if strings is None:
            return _all_failed(s, pl.Float64(), f"{s.dtype} values are not ratings")
        clean = _clean_strings(strings)
        null_text = _nulls(s.name, s.len(), pl.String())
        is_number = clean.str.contains(_NUMBER_RE).fill_null(False)
        is_pct = clean.str.contains(r"^[+-]?\d+(?:[.,]\d+)?\s*%$").fill_null(False)
        text = clean.zip_with(~is_number & ~is_pct, null_text)
        keys = _map_distinct(text, _key, pl.String())
        not_rated = keys.is_in(list(_SAT_NOT_RATED)).fill_null(False)
        attempted = clean.zip_with(~not_rated, null_text)
        numbers = empty
        if is_number.any():
            numbers = _floats(clean.zip_with(is_number, null_text))[0]
        if is_pct.any():
            pct = clean.zip_with(is_pct, null_text).str.replace(r"\s*%$", "")
            percents = _floats(pct)[0] / 100
        likert = bool(keys.is_in(list(_LIKERT_ONLY)).any())
        table = _SAT_LIKERT if likert else _SAT_BINARY
        words = _map_distinct(keys, lambda k: float(table[k]) if k in table else None, pl.Float64())
        word_detail = "five-level words" if likert else "good/bad words"
    chosen = scale or _pick_scale(numbers)
    parts: list[str] = []
    scaled = empty
    if chosen is not None:
        a, b = chosen
        scaled = _map_series(numbers, lambda v: pl.when(v.is_between(a, b)).then((v - a) / (b - a)))
        if numbers.is_not_null().any():
            parts.append(_scale_name(a, b))
    if words.is_not_null().any():
        parts.append(word_detail)
    if percents.is_not_null().any():
        parts.append("percentages")
    out = pl.DataFrame([scaled.alias("a"), words.alias("b"), percents.alias("c")]).select(
        pl.coalesce("a", "b", "c").alias(s.name)
    )[s.name]
    return out, _report(s, attempted, out, "; ".join(parts) or "no rating format fits")


def _scale_name(a: float, b: float) -> str:
    if (a, b) == (0.0, 1.0):
        return "0..1 scale (kept)"
    return f"{a:g}-{b:g} scale"


# --------------------------------------------------------------------------------------------
# text and tags


def clean_text(s: pl.Series) -> pl.Series:
    """Strip, collapse runs of whitespace to one space, and turn placeholders into null.

    >>> import polars as pl
    >>> clean_text(pl.Series(["  Printer   on fire\\n now ", "N/A", None])).to_list()
    ['Printer on fire now', None, None]
    """
    if isinstance(s.dtype, pl.List):
        s = s.cast(pl.List(pl.String)).list.join(", ")
    elif s.dtype != pl.String:
        s = s.cast(pl.String)
    # Scans are much cheaper than rewriting every value: only rewrite when needed.
    if s.str.contains(r"\s\s|[\t\r\n\v\f]|^\s|\s$").any():
        s = s.str.replace_all(r"\s+", " ").str.strip_chars()
    return _clean_strings(s)


def split_tags(s: pl.Series) -> pl.Series:
    """Split tag cells into lower-case lists without duplicates (order kept).

    Splits on commas, semicolons and pipes; on whitespace only when no value in the column has
    any of those (Zendesk separates tags with spaces). Lists (JSON, Parquet) are cleaned the
    same way. Nulls become empty lists.

    >>> import polars as pl
    >>> split_tags(pl.Series(["VIP billing vip", None])).to_list()
    [['vip', 'billing'], []]
    >>> split_tags(pl.Series(["Refund; Late delivery|refund", "a,b"])).to_list()
    [['refund', 'late delivery'], ['a', 'b']]
    """
    empty = pl.lit([], dtype=pl.List(pl.String))
    if isinstance(s.dtype, pl.List):
        lists = s.cast(pl.List(pl.String)).list.eval(pl.element().str.to_lowercase())
        return _map_series(lists, lambda v: _tidy_tags(v).fill_null(empty))
    text = s if s.dtype == pl.String else s.cast(pl.String)
    distinct = text.drop_nulls().unique()
    sep = r"[,;|]" if distinct.str.contains(r"[,;|]").any() else r"\s+"
    if distinct.len() * 2 > text.len():  # mostly distinct: split every row
        return _map_series(text, lambda v: _split(v, sep).fill_null(empty))
    # Tag cells repeat a lot: split each distinct cell once, then gather by its code.
    lists = _map_series(distinct, lambda v: _split(v, sep))
    codes = text.cast(pl.Enum(distinct)).to_physical()
    return _map_series(lists.gather(codes), lambda v: v.fill_null(empty)).alias(s.name)


def _split(text: pl.Expr, sep: str) -> pl.Expr:
    return _tidy_tags(text.str.to_lowercase().str.replace_all(sep, "\x1f").str.split("\x1f"))


def _tidy_tags(lists: pl.Expr) -> pl.Expr:
    """Strip each tag (and JSON brackets/quotes), drop empty and placeholder tags, dedupe."""
    tag = pl.element().str.strip_chars(" \t\r\n\"'[]")
    return lists.list.eval(tag.filter(~tag.is_in(list(PLACEHOLDERS)))).list.unique(
        maintain_order=True
    )
