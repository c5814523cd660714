"""Mostly distinct timestamps are parsed without Polars' per-string cache (issue 18, the
`parsefast` branch): the cache is only a memo, so every format must read the same instants
with it and without it, and a whole column the same values and report.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from lib.ingest.normalise import dates
from lib.ingest.normalise.date_formats import _FORMATS, _apply_format

VALUES = [
    "2024-03-01", "2024-03-01 10:05", "2024-03-01T10:05:07", "2024-03-01 10:05:07.250",
    "2024-03-01T10:05:07Z", "2024-03-01 10:05:07 +0200", "2024-03-01 10:05:07+05:30",
    "2024-03-01 10:05:07 UTC", "2024-03-01 3:05 PM", "2024/03/01 10:05", "01/03/2024 10:05",
    "3/1/24 3:05 PM", "01-03-2024", "01.03.2024 10:05:07", "5/Mar/24 3:07 PM", "Mar 5, 2024",
    "5 March 2024 10:05", "Fri, 01 Mar 2024 10:05:07 +0000", "Fri Mar 01 10:05:07 +0000 2024",
    "Fri Mar 01 10:05:07 2024", "1709287507", "1709287507000", "20240301", "20240301100507",
    "20240301T100507+0000", "2024-02-30 10:00", "31/31/2024", "soon", "", None, "N/A",
]  # fmt: skip


def test_every_format_reads_the_same_with_and_without_the_cache() -> None:
    s = pl.Series("d", VALUES * 2)
    for fmt in _FORMATS:
        cached, naive = _apply_format(fmt, s, cache=True)
        direct, naive_direct = _apply_format(fmt, s, cache=False)
        assert naive == naive_direct and cached.dtype == direct.dtype, fmt.fmt
        assert cached.equals(direct), fmt.fmt


def _timestamps(n: int, offsets: list[str], bad: int = 0) -> pl.Series:
    rng = np.random.default_rng(1)
    seconds = pl.Series(np.sort(rng.integers(0, 365 * 86_400, n)) * 1_000_000)
    text = seconds.cast(pl.Datetime("us")).dt.offset_by("54y").dt.strftime("%Y-%m-%d %H:%M:%S")
    values = (text + pl.Series([offsets[i % len(offsets)] for i in range(n)])).to_list()
    for i in range(bad):
        values[n // 2 + 7 * i] = ["N/A", None, "2024-13-45 99:00:00 +0000", "  "][i % 4]
    return pl.Series("Created at", values)


@pytest.mark.parametrize(
    ("offsets", "tz"),
    [([" +0000"], "UTC"), ([" +0200", " -0500"], "UTC"), ([""], "Europe/Berlin"), (["Z"], "UTC")],
)
def test_a_mostly_distinct_column_parses_as_with_the_cache(
    offsets: list[str], tz: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = _timestamps(20_000, offsets, bad=12)
    assert dates._mostly_distinct(s)
    out, report = dates.parse_datetimes(s, tz=tz)
    monkeypatch.setattr(dates, "_mostly_distinct", lambda _: False)
    cached, cached_report = dates.parse_datetimes(s, tz=tz)
    assert out.equals(cached) and report.__dict__ == cached_report.__dict__
    assert report.failed == 3 and report.parsed == 20_000 - 12
