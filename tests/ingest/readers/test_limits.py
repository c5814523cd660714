"""Budgets on rows, columns and estimated memory, checked before a table is materialised.

Every hostile file is generated here and small: the limits are lowered for the test, or the
file only claims its size (Parquet metadata, sheet XML), and the reader that would
materialise the table is replaced by one that fails, so a refusal proves it came first.
"""

from __future__ import annotations

import gzip
import io
import json
import threading
import time
import zipfile

import fastexcel
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib.errors import IngestError
from lib.ingest.readers import excel, json_records, limits, read_source
from lib.ingest.readers.limits import Limits, reserve
from lib.ingest.readers.names import _unique_names

SMALL = Limits(max_rows=1_000, max_columns=50, max_memory=10 * 1024**2)


@pytest.fixture
def no_materialising(monkeypatch):
    """Readers that materialise a table fail the test if they are reached."""

    def boom(*_a, **_k):
        raise AssertionError("the table was materialised before the limits were checked")

    monkeypatch.setattr(pl, "read_parquet", boom)
    monkeypatch.setattr(pl, "read_csv", boom)
    monkeypatch.setattr(fastexcel, "read_excel", boom)


def _parquet(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def test_parquet_with_40m_rows_is_refused_from_its_metadata(no_materialising):
    data = _parquet(pa.table({"Id": pa.nulls(40_000_000, pa.int8())}))
    assert len(data) < 100_000
    with pytest.raises(IngestError) as err:
        read_source(data, name="big.parquet")  # default limits
    msg = str(err.value)
    assert "big.parquet" in msg and "40,000,000 rows" in msg and "REVIEW_MAX_ROWS" in msg
    assert "split the export" in msg


def test_parquet_too_wide_or_too_big_in_memory(no_materialising):
    wide = _parquet(pa.table({f"c{i}": [1] for i in range(60)}))
    with pytest.raises(IngestError, match=r"60 columns.*REVIEW_MAX_COLUMNS"):
        read_source(wide, name="wide.parquet", limits=SMALL)
    text = _parquet(pa.table({"Subject": [f"{i} " * 5_000 for i in range(900)]}))
    with pytest.raises(IngestError, match=r"of memory.*REVIEW_MAX_MEMORY"):
        read_source(text, name="long.parquet", limits=Limits(max_memory=5_000_000))


def _xlsx(rows: int, cols: int = 1, dimension: str | None = None) -> bytes:
    """A minimal workbook: the sheet XML of ``rows`` rows of ``cols`` cells."""
    cells = "".join(f'<c t="n"><v>{j}</v></c>' for j in range(cols))
    body = "".join(f'<row r="{i + 1}">{cells}</row>' for i in range(rows))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main">{dim}<sheetData>{body}</sheetData></worksheet>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


def test_xlsx_rows_and_cells_are_counted_before_the_workbook_is_loaded(no_materialising):
    with pytest.raises(IngestError, match="2,000 rows, more than the limit of 1,000"):
        read_source(_xlsx(2_000), name="long.xlsx", limits=SMALL)
    with pytest.raises(IngestError, match="60 columns"):
        read_source(_xlsx(3, cols=60), name="wide.xlsx", limits=SMALL)


def test_xlsx_cannot_hold_more_rows_than_excel(monkeypatch, no_materialising):
    monkeypatch.setattr(excel, "XLSX_MAX_ROWS", 500)
    with pytest.raises(IngestError) as err:
        read_source(_xlsx(600), name="fake.xlsx", limits=Limits())
    assert "fake.xlsx" in str(err.value) and "more than a worksheet can hold" in str(err.value)


def test_a_real_workbook_within_the_limits_is_read(tmp_path):
    path = tmp_path / "ok.xlsx"
    pl.DataFrame({"Id": [1, 2], "Subject": ["a", "b"]}).write_excel(path)
    (t,) = read_source(path, limits=SMALL)
    assert t.frame.rows() == [("1", "a"), ("2", "b")]


def test_zip_of_many_tiny_csv_rows_is_refused_before_polars_reads_it(no_materialising):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("rows.csv", b"Id,Status\n" + b"1,a\n" * 5_000)
    with pytest.raises(IngestError) as err:
        read_source(buf.getvalue(), name="tiny.zip", limits=SMALL)
    assert "tiny.zip/rows.csv" in str(err.value) and "5,000 rows" in str(err.value)


def test_csv_with_a_huge_header_is_refused_quickly():
    header = b",".join(b"c%d" % i for i in range(300_000))  # longer than the sniffing sample
    for name, data in (
        ("wide.csv", header + b"\n1,2\n"),
        ("wide.csv.gz", gzip.compress(b",".join([b"a"] * 2_000_000) + b"\n1\n")),
    ):
        start = time.perf_counter()
        with pytest.raises(IngestError) as err:
            read_source(data, name=name)  # default limits
        assert time.perf_counter() - start < 5
        assert name in str(err.value) and "REVIEW_MAX_COLUMNS" in str(err.value)


def test_repeated_names_are_numbered_in_linear_time():
    start = time.perf_counter()
    names = _unique_names(["a"] * 100_000)
    assert time.perf_counter() - start < 2
    assert names[:3] == ["a", "a (2)", "a (3)"] and len(set(names)) == 100_000


def test_json_lines_whose_every_row_brings_a_new_key_is_refused():
    data = b"".join(json.dumps({f"k{i}": i}).encode() + b"\n" for i in range(3_000))
    start = time.perf_counter()
    with pytest.raises(IngestError, match="REVIEW_MAX_COLUMNS"):
        read_source(data, name="keys.jsonl")
    assert time.perf_counter() - start < 5


def test_json_record_with_300k_keys_is_refused(monkeypatch):
    """Refused at the first column over the limit, not after building 300,000 columns (a count,
    not a timer: a wall-clock limit fails on a busy machine)."""
    widths: list[int] = []
    real = json_records.check_columns

    def spy(display, columns, lim):
        widths.append(columns)
        return real(display, columns, lim)

    monkeypatch.setattr(json_records, "check_columns", spy)
    data = json.dumps([{f"key{i}": i for i in range(300_000)}]).encode()
    with pytest.raises(IngestError, match="more than the limit of 2,000"):
        read_source(data, name="one.json")
    assert widths == [2_001]


def test_json_with_too_many_records_is_refused():
    data = json.dumps([{"id": i} for i in range(2_000)]).encode()
    with pytest.raises(IngestError, match="2,000 rows"):
        read_source(data, name="many.json", limits=SMALL)


def test_refused_when_the_estimate_exceeds_the_free_memory(monkeypatch, no_materialising):
    monkeypatch.setattr(limits, "available_memory", lambda: 1_000_000)
    data = b"Id,Subject\n" + b"1,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n" * 30_000
    with pytest.raises(IngestError) as err:
        read_source(data, name="free.csv")
    assert "free.csv" in str(err.value) and "free on the server" in str(err.value)


def test_imports_running_at_the_same_time_share_the_free_memory(monkeypatch):
    monkeypatch.setattr(limits, "available_memory", lambda: 10_000)
    held, release = threading.Event(), threading.Event()

    def other_session():
        with reserve("theirs.csv", 5_000, Limits()):
            held.set()
            release.wait(5)

    worker = threading.Thread(target=other_session)
    worker.start()
    try:
        assert held.wait(5)
        refused = pytest.raises(IngestError, match=r"mine.csv.*imports running now hold")
        with refused, reserve("mine.csv", 4_000, Limits()):
            pass
    finally:
        release.set()
        worker.join()
    with reserve("mine.csv", 4_000, Limits()):  # free again once the other import ended
        assert limits.reserved_memory() == 4_000
    assert limits.reserved_memory() == 0


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("REVIEW_MAX_ROWS", "3")
    with pytest.raises(IngestError, match="more than the limit of 3 "):
        read_source(b"Id\n1\n2\n3\n4\n5\n", name="env.csv")
