"""Durations in minutes: clocks (``H:MM:SS``, ``d:h:m:s``), unit words (``1.5h``, ``1 hour and
30 minutes``), ISO 8601 durations and plain numbers in a unit, which a header may name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from lib.ingest.normalise._common import _as_strings, _map_series, _nulls, _sample_distinct
from lib.ingest.normalise.numeric import _NUMBER_RE, _floats, plain_integers
from lib.ingest.normalise.placeholders import _clean_strings
from lib.ingest.normalise.report import ParseReport, _all_failed, _report

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
#: Unit words of a header in the interface languages ("en heures", "em horas", "in Stunden",
#: "in minuti", "in minuten").
_HEADER_UNIT_RE = re.compile(
    r"(?P<milliseconds>\b(?:ms|msecs?|milliseconds?|millisecondes|milisegundos|millisekunden)\b)|"
    r"(?P<seconds>\b(?:secs?|seconds?|secondes|segundos|sekunden|secondi|seconden)\b"
    r"|\(s\)|\[s\])"
    r"|(?P<minutes>\b(?:mins?|minutes?|minutos|minuten|minuti|minuty)\b|\(m\)|\[m\])"
    r"|(?P<hours>\b(?:hrs?|hours?|heures?|horas?|stunden|ore|uren|godziny|timmar)\b"
    r"|\(h\)|\[h\])"
    r"|(?P<days>\b(?:days?|jours?|d[ií]as|dias|tage[n]?|giorni|dagen|dagar)\b|\(d\)|\[d\])"
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

_WEIGHTS = {"w": 10080.0, "d": 1440.0, "h": 60.0, "m": 1.0, "s": 1 / 60}


#: "Business hours" and the like, in the interface languages: a calendar, not a unit.
_BUSINESS_TIME = (
    r"\b(?:(?:business|working|office|calendar)\s+(?:hours?|days?)"
    r"|(?:horas?|d[ií]as)\s+(?:h[aá]biles|[uú]teis|laborables)"
    r"|(?:heures?|jours?)\s+ouvr[ée]e?s|(?:ore|giorni)\s+lavorativ[ie]"
    r"|gesch[äa]fts(?:stunden|tage)|arbeits(?:stunden|tage)|werk(?:uren|dagen))\b"
)


def unit_from_header(name: str) -> str | None:
    """The time unit a column header names, if any: milliseconds, seconds, minutes, hours, days.

    The first unit word counts; "business hours" and the like are not units.

    >>> unit_from_header("First reply time in minutes within business hours")
    'minutes'
    >>> [unit_from_header(h) for h in ("Resolution (hrs)", "Handle secs", "Id")]
    ['hours', 'seconds', None]
    >>> unit_from_header("Temps de première réponse (en heures)")
    'hours'
    """
    low = name.lower().replace("_", " ")
    # "minutes within business hours" counts minutes; "(horas úteis)" alone still says hours
    m = _HEADER_UNIT_RE.search(re.sub(_BUSINESS_TIME, " ", low)) or _HEADER_UNIT_RE.search(low)
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
    unit_name, factor = _unit(unit)
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
    return parse_plain_minutes(s, unit=unit) or _text_minutes(s, unit_name, factor)


def parse_plain_minutes(
    s: pl.Series, *, unit: str | None = None
) -> tuple[pl.Series, ParseReport] | None:
    """:func:`parse_duration_minutes` of a text column of plain unsigned integers (numbers
    in ``unit``), from one cast; None for any other column.

    >>> parse_plain_minutes(pl.Series(["90", "5"]), unit="seconds")[0].to_list()
    [1.5, 0.08333333333333333]
    >>> parse_plain_minutes(pl.Series(["-0"])) is None  # -0.0 through the text path
    True
    """
    unit_name, factor = _unit(unit)
    ints = plain_integers(s, signed=False)
    if ints is None:
        return None
    out = (ints.cast(pl.Float64) * factor).alias(s.name)
    return out, _report(s, s, out, f"numbers in {unit_name}")


def _unit(unit: str | None) -> tuple[str, float]:
    """(unit name, minutes per unit) of a unit word; minutes when none is given."""
    key = (unit or "minutes").strip().lower()
    if key not in _UNIT_ALIASES:
        raise ValueError(
            f"unknown duration unit {unit!r}; "
            "use milliseconds, seconds, minutes, hours, days or weeks"
        )
    unit_name = _UNIT_ALIASES[key]
    return unit_name, _UNIT_MINUTES[unit_name]


def _text_minutes(s: pl.Series, unit_name: str, factor: float) -> tuple[pl.Series, ParseReport]:
    """:func:`parse_duration_minutes` of a column of text, without the plain-integer
    shortcut."""
    strings = _as_strings(s)
    if strings is None:
        return _all_failed(s, pl.Float64(), f"{s.dtype} values are not durations")
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
