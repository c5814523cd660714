"""Robustness of lib.ingest.normalise: arbitrary text never raises, it only yields nulls."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.ingest.normalise import (
    clean_text,
    normalise_channel,
    normalise_priority,
    normalise_status,
    parse_bool,
    parse_datetimes,
    parse_duration_minutes,
    parse_float,
    parse_int,
    parse_satisfaction,
    split_tags,
)

_ALL = [
    lambda s: parse_datetimes(s),
    lambda s: parse_datetimes(s, tz="Europe/Berlin", excel_serial=True),
    lambda s: parse_duration_minutes(s),
    lambda s: normalise_channel(s),
    lambda s: normalise_priority(s),
    lambda s: normalise_status(s),
    lambda s: parse_satisfaction(s),
    lambda s: parse_bool(s),
    lambda s: parse_int(s),
    lambda s: parse_float(s),
    lambda s: (split_tags(s), None),
    lambda s: (clean_text(s), None),
]
_TEXTISH = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.from_regex(r"[0-9]{1,14}([-/.:T ,][0-9A-Za-z+]{0,6}){0,5}", fullmatch=True),
    st.sampled_from(["?", "-", "P", "PT", "1:", ":", "+", "1e999", "-0", "99999999999999999999"]),
)


@settings(max_examples=80, deadline=None)
@given(values=st.lists(_TEXTISH, max_size=15))
def test_no_function_raises_on_arbitrary_text(values):
    s = pl.Series("c", values, dtype=pl.String)
    for fn in _ALL:
        out, rep = fn(s)
        assert out.len() == s.len()
        if rep is not None:
            assert rep.parsed + rep.failed <= s.len() - s.null_count()
            assert rep.parsed == out.len() - out.null_count()
