"""Tests for lib.ingest.normalise.text: tags and free text, placeholders."""

from __future__ import annotations

import polars as pl
import pytest

from lib.ingest.normalise import (
    clean_text,
    is_placeholder,
    split_tags,
)

TAG_CASES = [
    (["vip billing VIP", None, ""], [["vip", "billing"], [], []]),
    (["Refund; Late delivery|refund", "a,b"], [["refund", "late delivery"], ["a", "b"]]),
    (["Older American, Servicemember"], [["older american", "servicemember"]]),
    (["a,,b, ,-", "?"], [["a", "b"], []]),
    (['["x", "y"]'], [["x", "y"]]),
    ([["B", "a", "b", " "], None], [["b", "a"], []]),
]


@pytest.mark.parametrize(("values", "expected"), TAG_CASES)
def test_split_tags(values, expected):
    out = split_tags(pl.Series("tags", values))
    assert out.dtype == pl.List(pl.String)
    assert out.name == "tags"
    assert out.to_list() == expected


TEXT_CASES = [
    ("  Printer   on fire\n now ", "Printer on fire now"),
    ("N/A", None),
    ("none", None),
    ("?", None),
    ("", None),
    ("   ", None),
    ("NA", "NA"),  # a real value (North America), not a placeholder
    (None, None),
]


@pytest.mark.parametrize(("raw", "expected"), TEXT_CASES)
def test_clean_text(raw, expected):
    assert clean_text(pl.Series([raw], dtype=pl.String)).to_list() == [expected]


def test_clean_text_non_strings_and_is_placeholder():
    assert clean_text(pl.Series([12, None])).to_list() == ["12", None]
    df = pl.DataFrame({"v": ["?", "-", "n/a", "N/A", "null", "none", "", " x ", None, "-5"]})
    got = df.select(is_placeholder(pl.col("v")))["v"].to_list()
    assert got == [True] * 7 + [False, False, False]


def test_split_tags_of_repeated_cells_split_once_and_gathered():
    cells = ["VIP billing vip", None, "refund", "VIP billing vip", "refund", None] * 3
    out = split_tags(pl.Series("tags", cells)).to_list()
    assert out == [["vip", "billing"], [], ["refund"], ["vip", "billing"], ["refund"], []] * 3
    # a comma anywhere makes commas the separator for the whole column
    out = split_tags(pl.Series("tags", [*cells, "a,B"])).to_list()
    assert out[:3] == [["vip billing vip"], [], ["refund"]]
    assert out[-1] == ["a", "b"]
