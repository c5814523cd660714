"""Columns of plain integers take one cast (issue 18, the `parsefast` branch): counts and
durations written as digits only must parse exactly as through the text path, and a large
column exactly as through its distinct values.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from lib.ingest.normalise.durations import (
    _UNIT_MINUTES,
    _text_minutes,
    parse_duration_minutes,
    parse_plain_minutes,
)
from lib.ingest.normalise.numeric import (
    _parse_int_text,
    parse_int,
    parse_plain_int,
    plain_integers,
)
from lib.ingest.table_parse import _via_unique

COLUMNS = {
    "counts": ["0", "1", "2", "17", None],
    "signs and zeros": ["+3", "-4", "007", "-0", "+0", "0"],
    "int32 limits": ["2147483647", "-2147483648", "5"],
    "beyond int32": ["2147483648", "1"],
    "beyond int64": ["9223372036854775808", "1"],
    "only nulls": [None, None],
    "big minutes": ["123456789012", "90071992547409931", "1"],
}


@pytest.mark.parametrize("case", list(COLUMNS))
def test_whole_numbers_parse_as_through_the_text_path(case: str) -> None:
    s = pl.Series("n", COLUMNS[case], dtype=pl.String)
    out, report = parse_int(s)
    text_out, text_report = _parse_int_text(s)
    assert out.dtype == text_out.dtype == pl.Int32 and out.name == "n"
    assert out.equals(text_out) and report.__dict__ == text_report.__dict__
    for unit, factor in _UNIT_MINUTES.items():
        minutes, minutes_report = parse_duration_minutes(s, unit=unit)
        text_minutes, text_minutes_report = _text_minutes(s, unit, factor)
        assert minutes.dtype == pl.Float64 and minutes.name == "n"
        assert minutes.to_numpy().tobytes() == text_minutes.to_numpy().tobytes()  # -0.0 too
        assert minutes_report.__dict__ == text_minutes_report.__dict__


def test_a_column_with_anything_else_is_not_plain() -> None:
    for value in ("3.0", "3 ", "1,000", "n/a", "", "٣", "1e3", "0x1"):
        assert plain_integers(pl.Series(["1", value])) is None


@pytest.mark.parametrize("values", [["0", "1", "2", "3", None], ["1", "-2", "30", "2147483648"]])
def test_a_large_count_column_parses_as_through_its_distinct_values(values: list) -> None:
    rng = np.random.default_rng(3)
    s = pl.Series("Reopens", [values[i] for i in rng.integers(0, len(values), 60_000)])
    out, report = parse_plain_int(s) or _via_unique(s, parse_int)
    distinct_out, distinct_report = _via_unique(s, parse_int)
    assert out.equals(distinct_out) and report.__dict__ == distinct_report.__dict__


def test_an_unknown_unit_is_refused_on_both_paths() -> None:
    for s in (pl.Series(["90"]), pl.Series(["1:30"])):
        with pytest.raises(ValueError, match="unknown duration unit 'fortnights'"):
            parse_duration_minutes(s, unit="fortnights")
    with pytest.raises(ValueError, match="unknown duration unit"):
        parse_plain_minutes(pl.Series(["90"]), unit="fortnights")
