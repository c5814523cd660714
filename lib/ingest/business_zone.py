"""The dataset's business time zone: proposed on import from the UTC offsets the export writes.

Every day bucket, period, weekday and hour-of-day profile is read on this zone's clock (see
:mod:`lib.periods`); tickets themselves stay in UTC. The proposal looks at a sample of the
created dates: the offsets they carry (``+02:00``, ``Z``, ``-0500``) or a zone name written after
the time (``2024-03-31 10:00 Europe/Berlin``), and picks the first well-known IANA zone whose
offset at each of those moments is the one written (so ``+01:00`` in winter and ``+02:00`` in
summer make Europe/Berlin, not a fixed ``+01:00``). Dates without an offset say nothing about
the zone: they are local times, read in the zone the user chooses.

>>> p = propose_zone(pl.Series(["2024-01-10T09:00:00+01:00", "2024-07-10T09:00:00+02:00"]))
>>> p.zone, p.reason
('Europe/Berlin', 'proposed from the UTC offsets of 2 of 2 dates in the sample (+01:00, +02:00)')
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import polars as pl

#: Key of the business zone inside a saved mapping (beside the column choices).
ZONE_KEY = "_business_tz"

#: How many created dates the proposal looks at (evenly spread over the column).
SAMPLE = 1000

#: Share of the offset-bearing dates a zone must agree with to be proposed.
AGREE = 0.95

#: Zones tried in this order; the first that agrees with the offsets is proposed. Zones
#: without daylight saving come before zones that share their winter offset only when they
#: are the more common choice for a helpdesk (UTC before Europe/London: all-"+00:00" data
#: from both seasons is UTC).
CANDIDATES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Europe/Moscow",
    "Europe/Istanbul",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Santiago",
    "America/Bogota",
    "America/Mexico_City",
    "America/Caracas",
    "Atlantic/Azores",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Tehran",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Darwin",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Australia/Perth",
    "Pacific/Auckland",
)

# "...10:00", "...10:00:00.123" then an offset: Z, UTC, GMT, +02, +0200, +02:00 (space allowed)
_OFFSET = (
    r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*"
    r"(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$"
)
_NAMED = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s+([A-Za-z]+/[A-Za-z_/+\-0-9]+)$"
_ISO_LOCAL = r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})"


@dataclass(frozen=True)
class ZoneProposal:
    """The proposed business zone, why, and what the sample showed.

    ``offsets``: offset label -> dates carrying it; ``named``: zone name -> dates; ``naive``:
    dates with neither; ``sampled``: dates looked at.
    """

    zone: str
    reason: str
    offsets: dict[str, int] = field(default_factory=dict)
    named: dict[str, int] = field(default_factory=dict)
    naive: int = 0
    sampled: int = 0

    @property
    def naive_only(self) -> bool:
        """True when no date in the sample said which zone it was written in."""
        return not self.offsets and not self.named


def all_zones() -> list[str]:
    """Every IANA zone name this machine knows, UTC first, then alphabetical (for a select).

    >>> zs = all_zones()
    >>> zs[0], "Europe/Berlin" in zs
    ('UTC', True)
    """
    return ["UTC", *sorted(z for z in _available() if z != "UTC")]


@cache
def _available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _minutes(label: str) -> int:
    """``"+05:30"`` -> 330; ``"Z"``, ``"UTC"``, ``"GMT"`` -> 0."""
    if label in ("Z", "UTC", "GMT"):
        return 0
    sign = -1 if label[0] == "-" else 1
    digits = label[1:].replace(":", "")
    hours, mins = int(digits[:2]), int(digits[2:4] or 0)
    return sign * (hours * 60 + mins)


def _label(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h:02d}:{m:02d}"


def _sample(values: pl.Series, n: int) -> pl.Series:
    """Up to ``n`` non-null values spread evenly over the column (``3 n`` looked at, so that
    a column with gaps still gives ``n``), without copying the column."""
    if values.len() > 3 * n:
        step = values.len() / (3 * n)
        values = values.gather(pl.Series([int(i * step) for i in range(3 * n)], dtype=pl.UInt32))
    return values.drop_nulls().head(n)


def propose_zone(values: pl.Series | Any, *, sample: int = SAMPLE) -> ZoneProposal:
    """Propose the business zone from a created-date column as the export wrote it.

    ``values``: the raw column (text, or datetimes from Parquet/XLSX). Looks at up to
    ``sample`` values spread over the column, so it costs milliseconds on a million rows.

    >>> propose_zone(pl.Series(["2024-03-01 10:00", "2024-03-02 11:00"])).zone
    'UTC'
    >>> propose_zone(pl.Series(["2016-04-28T11:19:34 -10:00"])).zone
    'Pacific/Honolulu'
    """
    if not isinstance(values, pl.Series):
        values = pl.Series(values)
    dtype = values.dtype
    if isinstance(dtype, pl.Datetime):
        n = values.drop_nulls().len()
        if dtype.time_zone and dtype.time_zone in _available():
            return ZoneProposal(
                dtype.time_zone,
                f"the file's dates are stored with the time zone {dtype.time_zone}",
                named={dtype.time_zone: n},
                sampled=n,
            )
        return _naive_proposal(n, n)
    strings = _sample(values.cast(pl.String, strict=False), sample).str.strip_chars()
    frame = pl.DataFrame({"s": strings}).select(
        pl.col("s").str.extract(_OFFSET, 1).alias("offset"),
        pl.col("s").str.extract(_NAMED, 1).alias("named"),
        (
            pl.col("s").str.extract(_ISO_LOCAL, 1) + " " + pl.col("s").str.extract(_ISO_LOCAL, 2)
        ).alias("local"),
    )
    sampled = frame.height
    named = Counter(z for z in frame.get_column("named").drop_nulls() if z in _available())
    pairs = frame.filter(pl.col("offset").is_not_null())
    offsets = Counter(_label(_minutes(x)) for x in pairs.get_column("offset"))
    naive = sampled - sum(named.values()) - pairs.height
    if not offsets and not named:
        return _naive_proposal(naive, sampled)
    if sum(named.values()) >= pairs.height:
        zone, count = named.most_common(1)[0]
        return ZoneProposal(
            zone,
            f"the zone written in {count:,} of {sampled:,} dates in the sample",
            dict(offsets),
            dict(named),
            naive,
            sampled,
        )
    # "Z" says the writer used UTC, not where the business is: when other offsets are
    # written too, only those vote.
    zulu = pl.col("offset").is_in(["Z", "UTC", "GMT"])
    voters = pairs.filter(~zulu) if pairs.filter(~zulu).height else pairs
    seen = ", ".join(sorted(offsets, key=_minutes))
    reason = (
        f"proposed from the UTC offsets of {pairs.height:,} of {sampled:,} dates in the "
        f"sample ({seen})"
    )
    zone = _fitting_zone(_moments(voters), voters.height)
    if zone is None:
        common = Counter(_label(_minutes(x)) for x in voters.get_column("offset"))
        top = common.most_common(1)[0][0]
        zone = _fixed_zone(top)
        reason += f"; no single zone fits them all: the most common offset is {top}"
    if naive:
        reason += (
            f"; {naive:,} date{'s' if naive != 1 else ''} without an offset "
            f"{'is' if naive == 1 else 'are'} read as local time in this zone"
        )
    return ZoneProposal(zone, reason, dict(offsets), dict(named), naive, sampled)


def _naive_proposal(naive: int, sampled: int) -> ZoneProposal:
    return ZoneProposal(
        "UTC",
        "the dates carry no UTC offset: they are kept as local times, read in the zone you "
        "choose here (UTC until you change it)",
        naive=naive,
        sampled=sampled,
    )


def _moments(pairs: pl.DataFrame) -> Counter[tuple[datetime | None, int]]:
    """(UTC instant to the minute, or None when the date is not ISO-like; offset) -> dates."""
    out: Counter[tuple[datetime | None, int]] = Counter()
    wall = pl.col("local").str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M", strict=False)
    distinct = pairs.group_by(wall.alias("wall"), "offset").len()
    for local, label, count in distinct.iter_rows():
        minutes = _minutes(label)
        instant = None
        if local is not None:
            instant = (local - timedelta(minutes=minutes)).replace(tzinfo=UTC)
        out[(instant, minutes)] += count
    return out


def _fitting_zone(moments: Counter[tuple[datetime | None, int]], total: int) -> str | None:
    """The first candidate zone whose offset agrees with at least :data:`AGREE` of the dates."""
    for zone in CANDIDATES:
        zi = zoneinfo.ZoneInfo(zone)
        agree = 0
        for (instant, minutes), count in moments.items():
            if instant is None:
                # no date to check the season against: any of the zone's offsets this year
                ok = minutes in _year_offsets(zone)
            else:
                off = instant.astimezone(zi).utcoffset()
                ok = off is not None and int(off.total_seconds() // 60) == minutes
            agree += count if ok else 0
        if agree >= AGREE * total:
            return zone
    return None


@cache
def _year_offsets(zone: str) -> frozenset[int]:
    zi = zoneinfo.ZoneInfo(zone)
    year = datetime.now(UTC).year
    out = set()
    for month in range(1, 13):
        off = datetime(year, month, 15, tzinfo=UTC).astimezone(zi).utcoffset()
        if off is not None:
            out.add(int(off.total_seconds() // 60))
    return frozenset(out)


def _fixed_zone(label: str) -> str:
    """A fixed-offset IANA zone for a whole-hour offset (``+03:00`` -> ``Etc/GMT-3``: the
    Etc zones' signs are POSIX-inverted); UTC for an offset no Etc zone has."""
    minutes = _minutes(label)
    if minutes % 60 or not -14 * 60 <= minutes <= 12 * 60:
        return "UTC"
    hours = minutes // 60
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def split_zone(saved: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str | None]:
    """A saved mapping without its business zone, and the zone (None when none was saved).

    >>> split_zone({"ticket_id": "Id", "_business_tz": "Asia/Tokyo"})
    ({'ticket_id': 'Id'}, 'Asia/Tokyo')
    """
    if saved is None:
        return None, None
    zone = saved.get(ZONE_KEY)
    rest = {k: v for k, v in saved.items() if k != ZONE_KEY}
    return rest, zone if isinstance(zone, str) and zone in _available() else None


def propose_for_tables(tables: Iterable[Any], mapping: dict[str, str]) -> ZoneProposal:
    """:func:`propose_zone` on the created dates (or the event times of an event log) of the
    raw tables of an upload (objects with a ``frame``), before anything is parsed.

    >>> from types import SimpleNamespace as T
    >>> t = T(frame=pl.DataFrame({"Opened": ["2024-07-01 09:00+05:30"]}))
    >>> propose_for_tables([t], {"created_at": "Opened"}).zone
    'Asia/Kolkata'
    """
    column = mapping.get("created_at") or mapping.get("event_time")
    parts = [
        t.frame.get_column(column).cast(pl.String, strict=False)
        if not isinstance(t.frame.schema[column], pl.Datetime)
        else t.frame.get_column(column)
        for t in tables
        if column and column in t.frame.columns
    ]
    if not parts:
        return _naive_proposal(0, 0)
    if len(parts) == 1:
        return propose_zone(parts[0])
    per = max(SAMPLE // len(parts), 1)
    return propose_zone(pl.concat([_sample(p.cast(pl.String), per) for p in parts]))
