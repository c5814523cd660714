"""Profile a column's values on a sample (date-like share, id-like uniqueness, status/priority/
channel words, e-mail addresses, free text length, 1-5 ratings, ``H:MM:SS`` durations, yes/no
flags, support levels) and score how well they fit each canonical key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from lib.ingest.column_words import (
    _COUNT_WORDS,
    CHANNEL_WORDS,
    PRIORITY_WORDS,
    RATING_WORDS,
    STATUS_WORDS,
)
from lib.ingest.header_names import _tokens
from lib.ingest.keys import _TIME_KEYS, _VOCAB_KEYS
from lib.ingest.name_match import is_deadline_name
from lib.ingest.normalise.booleans import FALSE_WORDS, TRUE_WORDS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lib.ingest.presets import Preset

#: "3 - Moderate", "P2", "Sev 1" (not an ordinal: see ``_ORDINAL_RE``).
_PRIORITY_RE = r"^(?:[1-5]\s*-?\s*[a-z][a-z ]*|p[0-5]|sev(?:erity)?\s*[0-5])$"
#: An ordinal before a name: "1st Line Support", "2e lijn", "2º nível" are teams, not priorities.
_ORDINAL_RE = r"^[1-5]\s*(?:st|nd|rd|th|e|er|re|eme|ème|º|°|o|a|ª)(?:\s|$)"
_LEVEL_RE = (
    r"(?i)^(?:l\s*-?\s*[0-4]|level\s*-?\s*[0-4]|tier\s*-?\s*[0-4]|t[0-4]|[1-4](?:st|nd|rd|th)"
    r"\s+(?:line|level|tier)|(?:first|second|third)\s+(?:line|level)|line\s*[0-4]"
    r"|(?:eerste|tweede|derde|[1-3]e)\s*lijns?)$"
)
#: A time after a date: "14:50", "14:50:17.000", "7:29 PM", "4:51 p. m.", "08:40:25+00:00".
_TIME = (
    r"(?:(?:[ t]|,?\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*"
    r"(?:[ap]\.?\s?m\.?|vorm\.|nachm\.|午前|午後|上午|下午|오전|오후|öö|ös|de\.|du\.|ap\.|ip\.|дп|пп)?"
    r"\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2})?)?"
)
#: A weekday before a date with a month name: RFC 2822's "Mon, 9 Jan 2006" (Jira's XML,
#: e-mail headers), "Tuesday, January 10, 2006".
_WEEKDAY = (
    r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday)\.?,?\s+)?"
)
#: A month's name, or Japanese, Chinese and Korean numbered months ("6月", "十一月", "3월").
_MONTH = r"(?:\p{L}{3,9}\.?|\d{1,2}[月월]|\p{L}{1,2}月)"
_DATE_RE = (
    r"(?i)^(?:"
    rf"\d{{4}}(?:-\d{{1,2}}-|/\d{{1,2}}/|\.\d{{1,2}}\.)\d{{1,2}}{_TIME}"
    rf"|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}{_TIME}"
    rf"|{_WEEKDAY}\d{{1,2}}[/ -]{_MONTH}[/ -]\d{{2,4}}{_TIME}"
    r"|[a-z]{3} [a-z]{3} \d{1,2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}"
    r"|[a-z]{3} [a-z]{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2} gmt[+-]\d{4}(?: \(.*\))?"
    rf"|{_WEEKDAY}\p{{L}}{{3,9}}\.? \d{{1,2}},? \d{{4}}{_TIME}"
    r")$"
)
_HMS_RE = r"^-?\d{1,5}:\d{2}(?::\d{2})?$"
_EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"
_PERSON_RE = (
    r"^\p{Lu}[\p{Ll}'’-]+(?: (?:d[aeiou]s?|de la|van|von|del) ?)?(?: \p{Lu}[\p{Ll}'’-]+){1,3}$"
)
_YESNO = [*TRUE_WORDS, *FALSE_WORDS, "1", "0"]
_MISSING = ["", "?", "-", "n/a", "na", "null", "none", "nan"]


@dataclass
class _Profile:
    n: int  # non-missing values in the sample
    rows: int
    kind: str  # "num", "date", "duration", "bool", "str", "list"
    date: float = 0.0
    num: float = 0.0
    ints_1_5: float = 0.0
    ints_1_10: float = 0.0
    small_ints: float = 0.0
    unit: float = 0.0  # numbers within -1..1
    nonneg: float = 0.0
    distinct: int = 0
    unique: float = 0.0
    avg_len: float = 0.0
    spaces: float = 0.0
    digits: float = 0.0
    email: float = 0.0
    hms: float = 0.0
    yesno: float = 0.0
    level: float = 0.0
    status: float = 0.0
    priority: float = 0.0
    channel: float = 0.0
    rating_words: float = 0.0
    person: float = 0.0  # values shaped like people's names ("Ana Beltrán")
    #: numbers that read as times (epoch seconds or milliseconds of 2000-2040, Excel serial
    #: days of 1970-2100): dates only in a column named like one
    stamp: float = 0.0
    example: str = ""  # the first value of the sample, for the mapping screen

    @property
    def text(self) -> float:
        """Share of values that are neither dates nor numbers."""
        if self.kind != "str":
            return 0.0
        return max(0.0, 1.0 - max(self.date, self.num))


def _share(mask: pl.Series) -> float:
    v = mask.cast(pl.Float64).mean()
    return float(v) if v is not None else 0.0


def _profile(s: pl.Series, vocab: Mapping[str, frozenset[str]]) -> _Profile:
    rows = s.len()
    dtype = s.dtype
    if isinstance(dtype, pl.Duration):
        ex = _first(s)
        return _Profile(n=s.len() - s.null_count(), rows=rows, kind="duration", hms=1.0, example=ex)
    if dtype.is_temporal():
        vals = s.drop_nulls()
        return _Profile(
            n=vals.len(), rows=rows, kind="date", date=1.0, unique=_uniq(vals), example=_first(vals)
        )
    if dtype.is_nested():
        return _Profile(n=s.len() - s.null_count(), rows=rows, kind="list")
    if dtype == pl.Boolean:
        vals = s.drop_nulls()
        return _Profile(
            n=vals.len(), rows=rows, kind="bool", yesno=1.0, distinct=vals.n_unique(),
            example=_first(vals),
        )  # fmt: skip
    if dtype.is_numeric():
        num = s.cast(pl.Float64).drop_nulls().drop_nans()
        txt = num.cast(pl.String)
        p = _Profile(n=num.len(), rows=rows, kind="num", num=1.0, example=_first(s.drop_nulls()))
        _numeric(p, num, s.name)
        p.unique = _uniq(num)
        p.yesno = _share(num.is_in([0.0, 1.0])) if p.distinct <= 2 else 0.0
        p.digits = 1.0
        p.avg_len = float(txt.str.len_chars().mean() or 0)
        return p
    txt = s.cast(pl.String).str.strip_chars()
    low = txt.str.to_lowercase()
    keep = low.is_not_null() & ~low.is_in(_MISSING)
    txt, low = txt.filter(keep), low.filter(keep)
    p = _Profile(n=txt.len(), rows=rows, kind="str")
    if p.n == 0:
        return p
    p.date = _share(low.str.contains(_DATE_RE))
    num = low.str.replace_all(",", "").cast(pl.Float64, strict=False)
    p.num = _share(num.is_not_null())
    if p.num >= 0.8:
        _numeric(p, num.drop_nulls().drop_nans(), s.name)
        p.stamp *= p.num
    p.distinct = low.n_unique()
    p.unique = _uniq(txt)
    p.avg_len = float(txt.str.len_chars().mean() or 0)
    p.spaces = _share(txt.str.contains(r"\s"))
    p.digits = _share(txt.str.contains(r"\d"))
    p.email = _share(low.str.contains(_EMAIL_RE))
    p.hms = _share(low.str.contains(_HMS_RE))
    p.yesno = _share(low.is_in(_YESNO)) if p.distinct <= 3 else 0.0
    p.level = _share(low.str.contains(_LEVEL_RE))
    p.status = _share(low.is_in(list(vocab["status"])))
    ranked = low.str.contains(_PRIORITY_RE) & ~low.str.contains(_ORDINAL_RE)
    p.priority = _share(low.is_in(list(vocab["priority"])) | ranked)
    p.channel = _share(low.is_in(list(vocab["channel"])))
    p.rating_words = _share(low.is_in(list(RATING_WORDS)))
    p.person = _share(txt.str.contains(_PERSON_RE))
    p.example = _first(txt)
    return p


def _first(vals: pl.Series) -> str:
    """The first value as short text (at most 40 characters)."""
    if vals.len() == 0:
        return ""
    text = str(vals[0])
    return text if len(text) <= 40 else text[:39] + "…"


def _uniq(vals: pl.Series) -> float:
    return vals.n_unique() / vals.len() if vals.len() else 0.0


def _numeric(p: _Profile, num: pl.Series, name: str = "") -> None:
    if num.len() == 0:
        return
    is_int = (num.round(0) == num).fill_null(False)
    dated = bool(re.search(_DATE_NAME, name))
    stamp = max(
        _share(is_int & (num >= EPOCH_2000) & (num < EPOCH_2040)),
        _share(is_int & (num >= EPOCH_2000 * 1000) & (num < EPOCH_2040 * 1000)),
        # serial days with a time of day, or whole days in a column named a date: whole
        # numbers in that range are as often durations (28800 seconds, 43200 minutes)
        _share((~is_int | dated) & (num >= SERIAL_1970) & (num < SERIAL_2100)),
    )
    p.stamp = stamp if stamp >= 0.9 else 0.0  # (durations in minutes spread wider)
    p.distinct = num.n_unique()
    p.ints_1_5 = _share(is_int & (num >= 1) & (num <= 5))
    p.ints_1_10 = _share(is_int & (num >= 0) & (num <= 10))
    p.small_ints = _share(is_int & (num >= 0) & (num <= 50))
    p.unit = _share((num >= -1) & (num <= 1))
    p.nonneg = _share(num >= 0)


#: A column name that says a date, not a time or a duration ("Closed Date", "Fecha").
_DATE_NAME = r"(?i)date|datum|fecha|\bdata\b|\bdia\b|\bjour\b|\bday\b"
#: Epoch seconds of 2000-01-01 and 2040-01-01; Excel serial days of 1970-01-01 and 2100-01-01.
EPOCH_2000, EPOCH_2040 = 946_684_800, 2_208_988_800
SERIAL_1970, SERIAL_2100 = 25_569, 73_051


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _value_test(key: str, p: _Profile) -> tuple[float, str] | None:
    """How well the values fit ``key`` (0..1, why), or None when values cannot tell."""
    if p.n == 0:
        return None
    if key in _TIME_KEYS:
        if p.stamp > p.date:  # the name says a time: numbers are epoch or serial stamps
            return p.stamp, f"values look like time stamps ({_pct(p.stamp)})"
        return p.date, f"values look like dates ({_pct(p.date)})"
    if key == "ticket_id":
        if p.kind == "date" or p.date > 0.5 or p.email > 0.5:
            return 0.0, "values are dates or e-mail addresses"
        shape = 1.0 if p.kind == "num" else (1.0 - p.spaces) * (0.5 + 0.5 * p.digits)
        fill = p.n / p.rows if p.rows else 0.0
        v = p.unique * shape * min(1.0, fill / 0.95)
        return v, f"values look like ids ({_pct(p.unique)} unique)"
    if key == "priority" and p.ints_1_5 >= 0.98 > p.priority:  # named so: ITIL's 1-5
        return p.ints_1_5, f"values are priority numbers 1-5 ({_pct(p.ints_1_5)})"
    if key in ("status", "priority", "channel"):
        v = getattr(p, key)
        return v, f"values are {key} words ({_pct(v)})"
    if key == "customer":
        if p.email >= 0.5:
            return p.email, f"values look like e-mail addresses ({_pct(p.email)})"
        return p.text, f"values are text ({_pct(p.text)})"
    if key == "subject":
        v = p.text * (1.0 if 10 <= p.avg_len <= 150 else 0.4) * min(1.0, p.spaces / 0.5)
        return v, f"values look like titles (average {p.avg_len:.0f} characters)"
    if key == "description":
        v = p.text * min(1.0, p.avg_len / 80) * min(1.0, p.spaces / 0.5)
        return v, f"values look like free text (average {p.avg_len:.0f} characters)"
    if key == "satisfaction":
        if p.rating_words >= p.ints_1_5:
            return p.rating_words, f"values are rating words ({_pct(p.rating_words)})"
        v = max(p.ints_1_5, 0.9 * p.ints_1_10 if p.distinct > 5 else 0.0)
        return v, f"values look like 1-5 ratings ({_pct(v)})"
    if key == "first_response_minutes":
        v = max(p.hms, p.num * p.nonneg)
        return v, f"values look like durations ({_pct(v)})"
    if key == "escalated":
        return p.yesno, f"values are yes/no ({_pct(p.yesno)})"
    if key == "level":
        return p.level, f"values look like support levels ({_pct(p.level)})"
    if key == "customer_tier":
        # "Tier 2" fits a support level as well as a plan: the name decides between them
        v = p.text * (1.0 - 0.5 * p.level)
        return v, "values look like plan or tier names"
    if key in ("reassignments", "reopens"):
        return p.small_ints, f"values are small counts ({_pct(p.small_ints)})"
    if key == "sentiment":
        return p.num * p.unit, f"values lie in -1..1 ({_pct(p.num * p.unit)})"
    if key in ("agent", "group", "category"):
        other = max(p.status, p.priority, p.channel, p.email)
        v = p.text * (1.0 - other)
        if other >= 0.5:
            return v, f"values look like another field's words ({_pct(other)})"
        return v, f"values are text ({_pct(p.text)})"
    if key == "tags":
        if p.kind == "list":
            return 1.0, "values are lists"
        return p.text, f"values are text ({_pct(p.text)})"
    return None


#: A column named as a time of day ("Time", "Hora", "Uhrzeit", "Call time", "Time (UTC)"): its
#: "13:17:02" is a clock reading beside a date column, not a duration.
_CLOCK_NAME = re.compile(
    r"(?i)^\s*(?:(?:call|start|end|open|opened|created|creation|arrival|received|log|event"
    r"|closed|close|resolved|solved|updated|modified|changed|last|due)"
    r"[\s_]+)?(?:time|hora|heure|uhrzeit|ora|tijd|tid|czas|время)\s*(?:\([^)]*\)\s*)?$"
)


#: Header words of a scale of small numbers that is not a rating (impact, urgency, a
#: process-mining variant's index, a level, a priority).
_OTHER_SCALES = frozenset(
    {"impact", "urgency", "index", "variant", "level", "priority", "severity", "tier", "sla"}
    | {"seriousness", "risk", "complexity", "weight", "size", "rank", "order", "version"}
    | {"points", "story", "sprint", "impacto", "urgencia", "urgenza", "dringlichkeit"}
    | {"auswirkung", "impatto", "prioridad", "prioridade", "priorite", "prioritat", "priorita"}
    | {"nivel", "niveau", "livello", "stufe", "gravidade", "gravedad", "gravita"}
)


def _names_a_scale(column: str) -> bool:
    """A header that names a scale other than a rating.

    >>> [_names_a_scale(c) for c in ("col8", "Score", "Note", "Impact", "case:variant-index")]
    [False, False, False, True, True]
    """
    return bool(set(_tokens(column)) & _OTHER_SCALES)


def _value_only(key: str, column: str, p: _Profile, role: dict[str, str]) -> tuple[float, str]:
    """Score from values alone, for columns whose names say nothing about ``key``."""
    if p.n == 0:
        return 0.0, ""
    if key in ("created_at", "solved_at") and p.date >= 0.8:
        if key not in role:
            return 0.0, ""
        weight = 0.65 if key == "created_at" else 0.55
        return weight * p.date, f"values look like dates ({_pct(p.date)}); {role[key]}"
    if key == "ticket_id":
        v, why = _value_test(key, p) or (0.0, "")
        return (0.75 * v, why) if p.unique >= 0.98 else (0.0, "")
    if key in _VOCAB_KEYS:
        # one value on every row (an event log's "complete" lifecycle) is no status or channel
        if p.distinct < 2:
            return 0.0, ""
        v = getattr(p, key)
        return 0.7 * v, f"values are {key} words ({_pct(v)})"
    if key == "customer" and p.email >= 0.8:
        return 0.7 * p.email, f"values look like e-mail addresses ({_pct(p.email)})"
    if key == "subject" and p.avg_len >= 15 and p.unique >= 0.6:
        v, why = _value_test(key, p) or (0.0, "")
        return 0.55 * v * (0.5 if p.avg_len > 80 else 1.0), why
    if key == "description" and p.avg_len >= 40:
        v, why = _value_test(key, p) or (0.0, "")
        return 0.6 * v, why
    if key == "satisfaction" and p.distinct >= 3 and not set(_tokens(column)) & _COUNT_WORDS:
        # small numbers in a column named for another scale are no rating (an ITIL "Impact"
        # 1-5, a process-mining "variant-index"); "Score", "Note", "col8" may be one
        if p.rating_words < 0.8 and _names_a_scale(column):
            return 0.0, ""
        v, why = _value_test(key, p) or (0.0, "")
        return 0.55 * v, why
    if key == "first_response_minutes" and p.hms >= 0.8 and not _CLOCK_NAME.match(column):
        return 0.55 * p.hms, f"values look like H:MM:SS durations ({_pct(p.hms)})"
    if key == "level" and p.level >= 0.8:
        return 0.7 * p.level, f"values look like support levels ({_pct(p.level)})"
    if key == "group" and p.level >= 0.8:
        return 0.5 * p.level, f"values look like support levels ({_pct(p.level)})"
    return 0.0, ""


def _date_roles(
    profiles: dict[str, _Profile],
    columns: list[str],
    unnamed: set[str],
    created_named: bool = False,
) -> dict[str, dict[str, str]]:
    """For date-like columns whose names say nothing: which date each one probably is.

    The most complete (then leftmost) of them is the creation time; another one with gaps
    is a solve time. When another column is named as the creation time (``created_named``),
    each of them with gaps may be a solve time. A column named like a due date or deadline
    plays neither part.

    >>> p = {"A": _Profile(n=9, rows=9, kind="date", date=1.0),
    ...      "SLA due": _Profile(n=5, rows=9, kind="date", date=1.0),
    ...      "B": _Profile(n=6, rows=9, kind="date", date=1.0)}
    >>> roles = _date_roles(p, ["A", "SLA due", "B"], {"A", "SLA due", "B"})
    >>> for c in ("A", "SLA due", "B"):
    ...     print(c, roles[c])
    A {'created_at': 'the most complete date column'}
    SLA due {}
    B {'solved_at': 'a later date column with gaps'}
    """
    dates = [
        c
        for c in columns
        if c in unnamed and profiles[c].n and profiles[c].date >= 0.8 and not is_deadline_name(c)
    ]
    roles: dict[str, dict[str, str]] = {c: {} for c in columns}
    if not dates:
        return roles
    first = max(dates, key=lambda c: (profiles[c].n / max(1, profiles[c].rows), -columns.index(c)))
    if created_named:
        first = ""
    else:
        roles[first]["created_at"] = "the most complete date column"
    for c in dates:
        p = profiles[c]
        if c != first and p.n < p.rows:
            roles[c]["solved_at"] = "a later date column with gaps"
    return roles


def _vocab(preset: Preset | None) -> dict[str, frozenset[str]]:
    extra = preset.value_maps if preset is not None else {}
    return {
        "status": STATUS_WORDS | frozenset(extra.get("status", {})),
        "priority": PRIORITY_WORDS | frozenset(extra.get("priority", {})),
        "channel": CHANNEL_WORDS | frozenset(extra.get("channel", {})),
    }


def _sample(frame: pl.DataFrame, n: int) -> pl.DataFrame:
    if frame.height <= n:
        return frame
    return frame.gather_every(max(1, frame.height // n)).head(n)
