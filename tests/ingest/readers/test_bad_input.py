"""Tests for lib.ingest.readers on bad input: always IngestError, naming the file (and the line
where there is one); damaged or random bytes never raise anything else.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import random
import time
import tracemalloc
import zipfile
import zlib

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.errors import IngestError
from lib.ingest.readers import read_source


def zip_bytes(members: dict[str, bytes], *, encrypted: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    data = bytearray(buf.getvalue())
    if encrypted:  # set the "encrypted" flag bit in the local and central headers
        for magic, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(magic)
            data[at + offset] |= 0x1
    return bytes(data)


def deflate_bomb(size: int) -> bytes:
    """A .gz of ``size`` zero bytes, compressed without ever holding them all."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    parts = [comp.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + comp.flush()


GOOD_CSV = b"id,subject\n1,a\n"
BAD = [
    (b"", "t.csv", {}, "t.csv: is empty"),
    (b"  \n\t\r\n ", "t.csv", {}, "t.csv: contains only blank space"),
    (b"\xef\xbb\xbf", "t.csv", {}, "t.csv: contains only blank space"),
    (bytes(range(256)) * 20, "t.csv", {}, "t.csv: looks like binary data, not a table"),
    (random.Random(1).randbytes(5000), "blob", {}, "blob: looks like binary data"),
    (b"%PDF-1.7 stuff", "report.csv", {}, "report.csv: is a PDF document, not a table"),
    (b"\x89PNG\r\n\x1a\n", "p.png", {}, "p.png: is a PNG image"),
    (b"PK\x03\x04 this is not a zip", "e.zip", {}, "e.zip: is not a valid zip archive"),
    (b"id,subject\n1,a\n", "e.zip", {}, "e.zip: is not a valid zip file"),
    (b"id,subject\n1,a\n", "e.xlsx", {}, "e.xlsx: is not a valid xlsx file"),
    (b"\x1f\x8b\x08\x00garbage-garbage", "t.csv.gz", {}, "t.csv.gz: is not valid gzip data"),
    (gzip.compress(b"id,x\n" * 1000)[:-30], "t.csv.gz", {}, "t.csv.gz: is a truncated gzip file"),
    (b"plain text", "t.csv.gz", {}, "t.csv.gz: is not valid gzip data"),
    (b"PAR1 not really", "t.parquet", {}, "t.parquet: is not a readable Parquet file"),
    (b"id\n1\n", "t.parquet", {}, "t.parquet: is not a valid Parquet file"),
    (
        zip_bytes({"a.pdf": b"%PDF", "b.png": b"x"}),
        "e.zip",
        {},
        "e.zip: holds no supported file (found: a.pdf, b.png)",
    ),
    (zip_bytes({}), "e.zip", {}, "e.zip: holds no supported file (found: nothing)"),
    (
        zip_bytes({f"m{i}.csv": GOOD_CSV for i in range(51)}),
        "e.zip",
        {},
        "e.zip: holds 51 files, more than the limit of 50",
    ),
    (
        zip_bytes({f"m{i}.csv": GOOD_CSV for i in range(3)}),
        "e.zip",
        {"max_members": 2},
        "holds 3 files, more than the limit of 2",
    ),
    (zip_bytes({"a.csv": GOOD_CSV}, encrypted=True), "e.zip", {}, "e.zip/a.csv: is encrypted"),
    (
        zip_bytes({"big.csv": b"id\n" + b"1\n" * 600_000}),
        "e.zip",
        {"max_bytes": 1 << 20},
        "e.zip/big.csv: is larger than the limit of 1 MB once decompressed",
    ),
    (
        deflate_bomb(64 << 20),
        "bomb.csv.gz",
        {"max_bytes": 1 << 20},
        "bomb.csv.gz: is larger than the limit of 1 MB",
    ),
    (
        b"id\n" + b"1\n" * 1000,
        "plain.csv",
        {"max_bytes": 1000},
        "plain.csv: is larger than the limit of 1,000 bytes",
    ),
    (
        zip_bytes({"t.json": b'[{"id": 1},\n {"id" 2}]'}),
        "j.zip",
        {},
        "j.zip/t.json, line 2: is not valid JSON: Expecting ':' delimiter (column 8)",
    ),
    (
        b'[{"id": 1},\n {"id": 2}\n {"id": 3}]',
        "t.json",
        {},
        "t.json, line 3: is not valid JSON: Expecting ',' delimiter (column 2)",
    ),
    (
        b'{"id": 1, "x": }',
        "t.json",
        {},
        "t.json, line 1: is not valid JSON: Expecting value (column 16)",
    ),
    (
        b'{"id": 1, "name": "x"}',
        "t.json",
        {},
        "t.json: holds a JSON object without a list of records",
    ),
    (b'"just a string"', "t.json", {}, "t.json: holds a single JSON value, not records"),
    (
        b"id,subject\n1,a\n",
        "t.json",
        {},
        "t.json, line 1: is not valid JSON: Expecting value (column 1)",
    ),
    (b"[1, 2, 3]", "t.json", {}, "t.json: holds no JSON objects"),
    (b"[]", "t.json", {}, "t.json: holds no records"),
    (b"not json at all\n", "t.jsonl", {}, "t.jsonl, line 1: is not valid JSON Lines"),
    (b"[" * 100_000, "deep.json", {}, "deep.json: holds JSON nested too deeply to read"),
    (b'[{"a":' * 3000 + b"1" + b"}" * 3000 + b"]", "d.json", {}, "d.json: holds JSON nested too"),
    (
        zip_bytes({"[Content_Types].xml": b"x", "xl/workbook.xml": b"garbage"}),
        "w.xlsx",
        {},
        "w.xlsx: is not a readable spreadsheet",
    ),
    (
        zip_bytes({"word/document.xml": b"x"}),
        "letter.docx",
        {},
        "letter.docx: is a Word document, not a table",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "old.xls",
        {},
        "old.xls: is not a readable spreadsheet",
    ),
]


@pytest.mark.parametrize(("data", "name", "kwargs", "message"), BAD, ids=[m for *_, m in BAD])
def test_bad_input_raises_ingest_error_naming_the_file(data, name, kwargs, message):
    with pytest.raises(IngestError) as info:
        read_source(data, name=name, **kwargs)
    assert message in str(info.value)
    assert str(info.value).startswith(name)


def test_zip_bomb_stops_at_the_limit_without_allocating_it():
    bomb = zip_bytes({"t.csv": b"id\n" + b"\0" * (200 << 20)})
    assert len(bomb) < 1 << 20
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(IngestError, match="larger than the limit of 4 MB"):
        read_source(bomb, name="bomb.zip", max_bytes=4 << 20)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 32 << 20
    assert time.perf_counter() - start < 5


VALID = (
    b"Ticket ID,Subject,Status,Created at,Tags\r\n"
    b'1,"Printer, on fire",open,2024-01-02 10:00,"a b"\r\n'
    b'2,"multi\nline ""quoted""",solved,2024-01-03 11:00,\r\n'
    b"3,plain,pending,2024-01-04 12:00,vip\r\n"
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=0, max_value=len(VALID)),
    flips=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=4),
    junk=st.binary(max_size=40),
    name=st.sampled_from(["t.csv", "t.json", "t.jsonl", "t.xlsx", "t.gz", "t.parquet", "upload"]),
    wrap=st.sampled_from([None, "gzip", "zip"]),
)
def test_damaged_input_only_raises_ingest_error(cut, flips, junk, name, wrap):
    data = bytearray(VALID[:cut])
    for pos, value in flips:
        if pos < len(data):
            data[pos] = value
    data = bytes(data) + junk
    if wrap == "gzip":
        data = gzip.compress(data)[: max(10, len(data))]
    elif wrap == "zip":
        data = zip_bytes({"inner.csv": data})
    try:
        tables = read_source(data, name=name)
    except IngestError as exc:
        assert str(exc)
        return
    for t in tables:
        assert isinstance(t.frame, pl.DataFrame)
        if t.line_numbers is not None:
            assert t.line_numbers.len() == t.frame.height
        assert t.dropped_count >= len(t.dropped)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes_only_raise_ingest_error(data):
    with contextlib.suppress(IngestError):
        read_source(data, name="random.csv")
