"""Turn raw export values into the canonical schema's values, one column at a time.

Every parser takes a :class:`polars.Series` (usually ``String`` from a CSV, but native
``Datetime``, ``Date``, numbers and booleans from Parquet, XLSX or JSON work too) and returns the
converted Series with a :class:`ParseReport`. Nulls stay null; placeholders such as ``?``, ``-``,
``n/a``, ``null``, ``none`` and empty strings become null without counting as failures; values that
cannot be understood become null and are counted, with the first few kept as examples. In person
and group columns the words for "nobody" (``Unassigned``, ``Sin asignar``: ``placeholders.NOBODY``)
are missing values too.

The work is vectorised: formats are detected on a small sample of distinct values, then applied
to the whole column with one Polars expression. Vocabulary columns (status, priority, channel)
are mapped per distinct value, never per row.

The modules: ``dates`` (with ``date_formats``, ``month_names`` and ``timezones``),
``durations``, ``numeric``,
``booleans``, ``vocabularies`` (status, priority, channel), ``satisfaction``, ``text``; every
parser returns a ``report.ParseReport`` and treats ``placeholders`` as missing values.

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

from lib.ingest.normalise.booleans import parse_bool, parse_escalated
from lib.ingest.normalise.dates import parse_datetimes
from lib.ingest.normalise.durations import parse_duration_minutes, unit_from_header
from lib.ingest.normalise.numeric import parse_float, parse_int
from lib.ingest.normalise.placeholders import (
    NOBODY,
    PLACEHOLDER_PATTERN,
    PLACEHOLDERS,
    is_placeholder,
    nobody_to_null,
)
from lib.ingest.normalise.report import ParseReport
from lib.ingest.normalise.satisfaction import parse_satisfaction
from lib.ingest.normalise.text import clean_text, one_name, split_tags
from lib.ingest.normalise.vocabularies import (
    normalise_channel,
    normalise_priority,
    normalise_status,
)

__all__ = [
    "NOBODY",
    "PLACEHOLDERS",
    "PLACEHOLDER_PATTERN",
    "ParseReport",
    "clean_text",
    "is_placeholder",
    "nobody_to_null",
    "normalise_channel",
    "normalise_priority",
    "normalise_status",
    "one_name",
    "parse_bool",
    "parse_datetimes",
    "parse_duration_minutes",
    "parse_escalated",
    "parse_float",
    "parse_int",
    "parse_satisfaction",
    "split_tags",
    "unit_from_header",
]
