"""Tests for lib.ingest.readers.containers: gzip and zip around any format."""

from __future__ import annotations

import gzip
import io
import zipfile

import polars as pl

from lib.ingest.readers import read_source
from tests.ingest.readers.helpers import one, write_workbook


def test_gzip_wraps_any_format(tmp_path):
    t = one(gzip.compress(b"id;x\n1;a\n"), name="tickets.csv.gz")
    assert (t.name, t.format, t.delimiter) == ("tickets.csv.gz", "csv", ";")
    t = one(gzip.compress(b'{"id": 1}\n{"id": 2}\n'), name="t.jsonl.gz")
    assert (t.format, t.frame.height) == ("jsonl", 2)
    path = tmp_path / "p.parquet"
    pl.DataFrame({"id": [1]}).write_parquet(path)
    t = one(gzip.compress(path.read_bytes()), name="p.parquet.gz")
    assert t.format == "parquet"


def test_zip_with_two_members_and_junk(tmp_path):
    buf = io.BytesIO()
    xlsx = tmp_path / "b.xlsx"
    write_workbook(xlsx)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2024-01/tickets.csv", "id,subject\n1,a\n2,b\n")
        zf.writestr("__MACOSX/2024-01/._tickets.csv", b"\x00\x05\x16\x07junk")
        zf.writestr("2024-01/", "")
        zf.writestr("readme.pdf", b"%PDF-1.4")
        zf.write(xlsx, "b.xlsx")
    tables = read_source(buf.getvalue(), name="export.zip")
    assert [t.name for t in tables] == ["export.zip/2024-01/tickets.csv", "export.zip/b.xlsx"]
    assert [t.format for t in tables] == ["csv", "xlsx"]
    assert tables[0].frame.rows() == [("1", "a"), ("2", "b")]
    assert "skipped 1 other file in export.zip: readme.pdf" in tables[0].notes
