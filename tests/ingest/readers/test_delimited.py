"""Tests for lib.ingest.readers.delimited: quoting, line numbers, and rows that cannot be read
(dropped, counted, located) on the fast and the careful path.
"""

from __future__ import annotations

import random

import polars as pl
import pytest

from lib.ingest.readers import delimited as readers
from lib.ingest.readers import read_source
from tests.conftest import DATA
from tests.ingest.readers.helpers import one, reference_lines


@pytest.mark.parametrize(
    ("record_end", "inside"),
    [("\n", "\n"), ("\n", "\r"), ("\n", "\r\n"), ("\r\n", "\n"), ("\r\n", "\r"), ("\r\n", "\r\n")],
    ids=["LF/LF", "LF/CR", "LF/CRLF", "CRLF/LF", "CRLF/CR", "CRLF/CRLF"],
)
def test_quoted_line_breaks(record_end, inside):
    e, i = record_end, inside
    text = f'id,body,status{e}1,"a{i}b{i}c",open{e}2,"x, y",closed{e}3,"{i}lead",new{e}4,z,done{e}'
    t = one(text.encode(), name="t.csv")
    assert t.frame["body"].to_list() == [f"a{i}b{i}c", "x, y", "lead", "z"]
    assert t.frame["status"].to_list() == ["open", "closed", "new", "done"]
    breaks = 1 if "\n" in i else 0
    assert t.line_numbers.to_list() == [2, 3 + 2 * breaks, 4 + 2 * breaks, 5 + 3 * breaks]


def test_old_mac_line_endings():
    t = one(b"id,subject\r1,a\r2,b\r", name="mac.csv")
    assert t.frame.rows() == [("1", "a"), ("2", "b")]
    assert "converted old Mac line endings (CR) to line feeds" in t.notes


def test_a_short_row_in_the_middle_is_dropped():
    t = one(b"id,a,b\n1,x,y\n2,x\n3,x,y\n", name="t.csv")
    assert t.frame.rows() == [("1", "x", "y"), ("3", "x", "y")]
    assert t.dropped == [(3, "row ends early: 2 of 3 fields")]


def test_a_line_break_inside_a_row_drops_both_halves():
    t = one(b"id,a,b,c\n1,w,x,y\n2,w\nx,y\n3,w,x,y\n", name="t.csv")
    assert t.frame["id"].to_list() == ["1", "3"]
    assert t.dropped == [(3, "row ends early: 2 of 4 fields"), (4, "row ends early: 2 of 4 fields")]


@pytest.mark.parametrize(("end", "last_kept"), [("\n", True), ("", False)])
def test_exports_that_leave_out_empty_trailing_fields_keep_short_rows(end, last_kept):
    rows = [f"{i},x,y" if i % 2 else f"{i},x" for i in range(1, 21)]
    t = one(("id,a,b\n" + "\n".join(rows) + end).encode(), name="t.csv")
    kept = [str(i) for i in range(1, 21 if last_kept else 20)]
    assert t.frame["id"].to_list() == kept
    assert t.frame.row(1) == ("2", "x", None)
    assert t.dropped == ([] if last_kept else [(21, "row ends early: 2 of 3 fields")])
    padded = 10 if last_kept else 9
    assert (
        f"{padded} rows had fewer fields than the header (first on line 3); "
        "their missing values were left empty"
    ) in t.notes


@pytest.mark.parametrize(
    ("text", "rows", "dropped"),
    [
        # truncated last row, cut outside and inside quotes, with and without final newline
        ("id,a,b,c,d\n1,v,w,x,y\n2,v,w", ["1"], [(3, "row ends early: 3 of 5 fields")]),
        ("id,a,b,c,d\n1,v,w,x,y\n2,v,w\n", ["1"], [(3, "row ends early: 3 of 5 fields")]),
        ('id,a,b,c,d\n1,v,w,x,y\n2,"v, w', ["1"], [(3, "row ends early: 2 of 5 fields")]),
        (
            'id,a,b,c,d\n1,v,w,x,y\n2,"multi\nline\ncut',
            ["1"],
            [(3, "row ends early: 2 of 5 fields")],
        ),
        # too many fields, in the middle and last
        ("id,a\n1,x\n2,x,y,z\n3,x\n", ["1", "3"], [(3, "too many fields: 4 of 2")]),
        ("id,a\n1,x\n2,x,y\n", ["1"], [(3, "too many fields: 3 of 2")]),
        # a quote that is never closed swallows the rest of the file in a naive reader
        ('id,a,b\n1,x,y\n2,"oops,y\n3,x,y\n4,x,y\n', ["1", "3", "4"], [(3, readers._BROKEN_QUOTE)]),
        # ... also when the swallowed lines happen to give the right number of fields
        ('id,a,b\n1,x,"y"\n2,x,"open\n3,x,y\n', ["1", "3"], [(3, readers._BROKEN_QUOTE)]),
        (
            'id,a,b\n1,x,y\n2,"open,y\n3,x,y\n4,"a\nb",c\n',
            ["1", "3", "4"],
            [(3, readers._BROKEN_QUOTE)],
        ),
        # a stray quote inside an unquoted value is kept as text
        ('id,a,b\n1,5" screen,y\n2,x,y\n', ["1", "2"], []),
        # several problems: all counted, listed in line order
        (
            "id,a\n" + "".join(f"{i},x{',extra' if i % 3 == 0 else ''}\n" for i in range(1, 40)),
            [str(i) for i in range(1, 40) if i % 3],
            [(i + 1, "too many fields: 3 of 2") for i in range(3, 40, 3)][:10],
        ),
    ],
)
def test_rows_that_cannot_be_read(text, rows, dropped):
    t = one(text.encode(), name="bad.csv")
    assert t.frame["id"].to_list() == rows
    assert t.dropped == dropped
    assert t.dropped_count == max(len(dropped), text.count(",extra"))
    assert (
        f"dropped {t.dropped_count} row{'s' if t.dropped_count > 1 else ''} that could not be read"
        in t.notes
        or not dropped
    )


def test_line_numbers_survive_the_careful_path():
    rng = random.Random(7)
    rows = []
    for i in range(3000):
        body = rng.choice(["plain", '"two\nlines"', '"crlf\r\nx"', '"a, b"', '"three\n\nlines"'])
        rows.append(f"{i},{body},{rng.choice(['open', 'closed'])}")
    good = ("id,body,status\r\n" + "\r\n".join(rows) + "\r\n").encode()
    fast = one(good, name="good.csv")
    ref = reference_lines(good, ",", 1)
    assert fast.line_numbers.to_list() == [line for line, _ in ref]
    # one bad row forces the careful reader over the whole file
    bad = good.replace(b"\r\n1500,", b"\r\n1500,x,y,z,", 1)
    careful = one(bad, name="bad.csv")
    assert careful.dropped_count == 1
    assert careful.dropped[0][0] == next(line for line, f in ref if f[0] == "1500")
    keep = pl.Series([f[0] != "1500" for _, f in ref])
    assert careful.frame.equals(fast.frame.filter(keep))
    assert careful.line_numbers.to_list() == fast.line_numbers.filter(keep).to_list()


@pytest.mark.parametrize(
    "file", [f for f in sorted(p.name for p in DATA.glob("read_*")) if f.endswith((".csv", ".txt"))]
)
def test_careful_reader_agrees_with_the_fast_one(file, monkeypatch):
    fast = one(DATA / file)
    monkeypatch.setattr(
        readers, "_read_fast", lambda data, ctx, counts=None: (None, None, {}, False)
    )
    careful = one(DATA / file)
    assert careful.frame.equals(fast.frame)
    assert careful.line_numbers.to_list() == fast.line_numbers.to_list()
    assert careful.dropped == fast.dropped


def test_header_but_no_rows_is_an_empty_frame_with_a_note():
    t = one(b"id,subject,status\n", name="empty.csv")
    assert t.frame.columns == ["id", "subject", "status"]
    assert t.frame.height == 0
    assert t.line_numbers.len() == 0
    assert "the file has a header but no data rows" in t.notes


def test_locating_bad_rows_and_building_rows_agree(monkeypatch):
    rows = [f'{i},"text {i}, more",{"x" if i % 7 else "x,extra"}' for i in range(300)]
    data = ("id,body,flag\n" + "\n".join(rows) + '\n300,"cut\n').encode()
    located = one(data, name="t.csv")
    monkeypatch.setattr(readers, "_read_without", lambda *args: None)
    built = one(data, name="t.csv")
    assert located.frame.equals(built.frame)
    assert located.line_numbers.to_list() == built.line_numbers.to_list()
    assert located.dropped == built.dropped
    assert located.dropped_count == built.dropped_count == 44
    assert located.dropped[0] == (2, "too many fields: 4 of 3")


def test_many_empty_last_values_do_not_slow_down_or_break_the_fast_path():
    rows = "".join(f"{i},subject {i},\n" for i in range(readers.MAX_VERIFY * 2))
    t = one(("id,subject,satisfaction\n" + rows).encode(), name="t.csv")
    assert t.frame.height == readers.MAX_VERIFY * 2
    assert t.frame["satisfaction"].null_count() == t.frame.height
    assert t.dropped_count == 0


def test_large_csv_keeps_the_blocks_polars_read_it_in():
    # issue 18: copying the blocks into one chunk per column cost a fifth of the import; the
    # loader keeps its first column whole instead (lib.schema.first_column_whole)
    body = "".join(f"{i},{i % 7},text {i}\n" for i in range(300_000))
    (table,) = read_source(("id,n,t\n" + body).encode())
    assert table.frame.height == 300_000
    chunks = table.frame.n_chunks("all")
    assert chunks[0] > 1 and len(set(chunks)) == 1
    assert table.frame.get_column("t")[-1] == "text 299999"
    assert table.frame.get_column("t").to_list()[::100_000] == [
        "text 0",
        "text 100000",
        "text 200000",
    ]
