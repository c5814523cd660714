"""Time zones: check a zone name, localise naive times to UTC (counting ambiguous and
non-existent local times around clock changes) and describe what was done.
"""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

import polars as pl

from lib.errors import IngestError


def _check_tz(tz: str) -> None:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise IngestError(
            f"unknown time zone {tz!r}", expected="an IANA name such as UTC or Europe/Berlin"
        ) from exc


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


def _tz_note(what: str, tz: str, n_amb: int, n_gap: int) -> str:
    if tz == "UTC":
        return what
    note = f"{what}, local times in {tz} converted to UTC"
    if n_amb:
        note += f"; {n_amb} in the repeated hour when clocks go back read as the earlier instant"
    if n_gap:
        note += f"; {n_gap} in the skipped hour when clocks go forward shifted forward by the gap"
    return note
