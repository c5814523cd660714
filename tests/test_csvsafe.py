"""Spreadsheet-safe CSV: formula prefixes neutralised, numbers untouched, Excel-friendly bytes."""

from __future__ import annotations

import csv
import io
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.csvsafe import BOM, FORMULA_PREFIXES, safe_text, to_csv_bytes


def rows(data: bytes) -> list[list[str]]:
    """Parse the bytes the way a spreadsheet would (after the BOM)."""
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("=1+1", "'=1+1"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2", "'-2"),  # a number written as text in a text column is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ('=HYPERLINK("http://evil","click")', '\'=HYPERLINK("http://evil","click")'),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("Müller – SSO/SAML", "Müller – SSO/SAML"),
        ("", ""),
    ],
)
def test_text_cells_are_neutralised(cell, expected):
    out = rows(to_csv_bytes(pl.DataFrame({"subject": [cell]})))
    assert out == [["subject"], [expected]]


def test_numbers_booleans_and_nulls_are_untouched():
    df = pl.DataFrame(
        {
            "change": [-0.25, 0.5, None],
            "n": [-3, 0, 7],
            "significant": [True, False, None],
            "label": ["-x", None, "ok"],
        }
    )
    out = rows(to_csv_bytes(df))
    assert out == [
        ["change", "n", "significant", "label"],
        ["-0.25", "-3", "true", "'-x"],
        ["0.5", "0", "false", ""],
        ["", "7", "", "ok"],
    ]


def test_lists_are_joined_and_checked():
    df = pl.DataFrame(
        {"tags": [["vip", "sso"], [], None, ["=cmd", "x"]], "ids": [[1, 2], [], None, [-1]]}
    )
    out = rows(to_csv_bytes(df))
    assert out[1:] == [["vip, sso", "1, 2"], ["", ""], ["", ""], ["'=cmd, x", "'-1"]]


def test_datetimes_are_iso_8601():
    df = pl.DataFrame(
        {
            "created_at": [datetime(2024, 3, 1, 10, 5, 7, tzinfo=UTC)],
            "naive": [datetime(2024, 3, 1, 10, 5, 7)],
            "day": [date(2024, 3, 1)],
        },
        schema={
            "created_at": pl.Datetime("us", "UTC"),
            "naive": pl.Datetime("us"),
            "day": pl.Date,
        },
    )
    out = rows(to_csv_bytes(df))
    assert out[1] == ["2024-03-01T10:05:07+00:00", "2024-03-01T10:05:07", "2024-03-01"]
    # other zones keep their offset
    berlin = df.with_columns(pl.col("created_at").dt.convert_time_zone("Europe/Berlin"))
    assert rows(to_csv_bytes(berlin))[1][0] == "2024-03-01T11:05:07+01:00"


def test_other_types_categorical_struct_duration():
    df = pl.DataFrame(
        {
            "cat": pl.Series(["=x", "y"], dtype=pl.Categorical),
            "s": [{"a": 1}, {"a": 2}],
            "d": [timedelta(hours=1), None],
        }
    )
    out = rows(to_csv_bytes(df))
    assert [r[0] for r in out[1:]] == ["'=x", "y"]
    assert [r[1] for r in out[1:]] == ['{"a":1}', '{"a":2}']
    assert [r[2] for r in out[1:]] == ["PT1H", ""]


def test_bytes_layout_bom_crlf_quotes_and_header():
    df = pl.DataFrame({"=name": ['say "hi", then\nleave'], "n": [1]})
    data = to_csv_bytes(df)
    assert data.startswith(BOM)
    assert data[len(BOM) :].decode() == '\'=name,n\r\n"say ""hi"", then\nleave",1\r\n'
    assert rows(data) == [["'=name", "n"], ['say "hi", then\nleave', "1"]]
    assert not to_csv_bytes(df, bom=False).startswith(BOM)


def test_empty_frames():
    assert to_csv_bytes(pl.DataFrame(schema={"a": pl.String, "b": pl.Int64})) == BOM + b"a,b\r\n"
    assert to_csv_bytes(pl.DataFrame()) == BOM


def test_safe_text_expression_leaves_nulls():
    s = pl.Series(["=1", None, "ok"])
    assert pl.select(safe_text(pl.lit(s))).to_series().to_list() == ["'=1", None, "ok"]


def test_input_frame_is_not_modified():
    df = pl.DataFrame({"subject": ["=1"]})
    to_csv_bytes(df)
    assert df.item() == "=1"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_no_text_cell_ever_starts_with_a_formula_character(cells):
    out = rows(to_csv_bytes(pl.DataFrame({"c": cells}, schema={"c": pl.String})))
    assert len(out) == len(cells) + 1
    for original, written in zip(cells, (r[0] for r in out[1:]), strict=True):
        assert not written.startswith(FORMULA_PREFIXES)
        # the apostrophe is the only change
        assert written in (original, "'" + original)


def test_tables_have_no_raw_csv_download() -> None:
    """The tables' built-in toolbar download writes cells raw ("=HYPERLINK(...)" runs in a
    spreadsheet): the app's config turns it off, so only our safe download remains."""
    config = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
    assert tomllib.loads(config.read_text())["client"]["disableDataExport"] is True
