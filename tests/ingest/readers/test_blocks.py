"""Tests for lib.ingest.readers.blocks: a file read block-wise gives the same bytes, counts and
tables as a plain read, in one bytes object, and a file that changes while read is refused."""

from __future__ import annotations

import gzip
import os
import tracemalloc

import pytest

from lib.errors import IngestError
from lib.ingest.readers import blocks, read_source
from lib.ingest.readers.line_index import _count_lines_and_quotes

#: Files that each trip a different part of the reader, all small.
CASES = {
    "empty": b"",
    "one_byte": b"x",
    "bom_crlf": b'\xef\xbb\xbfId,Note\r\n1,"a, b"\r\n2,plain\r\n',
    "quoted_breaks": b'Id,Note\n1,"two\nlines"\n2,"three\n\nlines"\n3,x\n',
    "no_final_newline": b"Id,Subject\n1,first\n2,last",
    "odd_quote": b'Id,Note\n1,"never closed\n2,x\n3,y\n',
    "blank_rows_footer": b"Id,Subject,Status\n1,a,open\n\n2,b,closed\nTotal: 2\n",
}


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data)
    return path


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Blocks of 5 bytes, every file read block-wise: block edges land everywhere."""
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 5)
    monkeypatch.setattr(blocks, "MIN_BLOCKWISE", 0)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize(("block", "readers"), [(1, 2), (5, 1), (5, 3), (7, 2), (4096, 2)])
def test_same_bytes_and_counts_as_a_plain_read(tmp_path, monkeypatch, name, block, readers):
    monkeypatch.setattr(blocks, "BLOCK_BYTES", block)
    monkeypatch.setattr(blocks, "READERS", readers)
    data = CASES[name]
    path = _write(tmp_path, name, data)
    got, counts = blocks.read_file(path, path.name, count=True, min_blockwise=0)
    assert got == data and type(got) is bytes
    expected = _count_lines_and_quotes(data) if data else None
    assert counts == expected
    assert blocks.read_file(path, path.name, count=False, min_blockwise=0) == (data, None)
    small = blocks.read_file(path, path.name, count=True)  # below MIN_BLOCKWISE: one read
    assert small == (data, None)


@pytest.mark.parametrize("name", [n for n in CASES if n not in ("empty", "one_byte")])
def test_tables_from_a_block_wise_read_equal_those_from_bytes(tmp_path, tiny_blocks, name):
    path = _write(tmp_path, name, CASES[name])
    (by_path,) = read_source(path)
    (by_bytes,) = read_source(CASES[name], name=path.name)
    assert by_path.frame.equals(by_bytes.frame)
    assert by_path.line_numbers.to_list() == by_bytes.line_numbers.to_list()
    for attr in ("encoding", "delimiter", "header_line", "dropped", "dropped_count", "notes"):
        assert getattr(by_path, attr) == getattr(by_bytes, attr), attr


def test_empty_file_keeps_its_message(tmp_path, tiny_blocks):
    with pytest.raises(IngestError, match=r"^empty\.csv: is empty"):
        read_source(_write(tmp_path, "empty", b""))


def test_a_container_is_not_counted(tmp_path, tiny_blocks):
    packed = gzip.compress(CASES["quoted_breaks"])
    path = tmp_path / "t.csv.gz"
    path.write_bytes(packed)
    assert blocks.read_file(path, "t.csv.gz", count=True) == (packed, None)
    assert read_source(path)[0].frame.height == 3


def test_the_file_is_held_once_in_memory(tmp_path):
    data = b"Id,Note\n" + b"1,abcdefgh\n" * 400_000  # 4.4 MB
    path = _write(tmp_path, "big", data)
    tracemalloc.start()
    try:
        got, counts = blocks.read_file(path, "big.csv", count=True, min_blockwise=0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got == data and counts == (400_001, 0)
    assert peak < 1.2 * len(data)  # no second copy of the file


@pytest.mark.parametrize("change", ["grows", "shrinks", "rewritten"])
def test_a_file_that_changes_while_read_is_refused(tmp_path, monkeypatch, change):
    data = b"Id,Subject\n" + b"".join(b"%d,row\n" % i for i in range(200))
    path = _write(tmp_path, "moving", data)
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 256)
    read_block = blocks._read_block

    def meddle(fh, block, display):
        first = fh.tell() == 0
        read_block(fh, block, display)
        if first:  # another program writes while the first block is counted
            if change == "grows":
                with open(path, "ab") as fh:
                    fh.write(b"999,late row\n")
            elif change == "shrinks":
                os.truncate(path, 300)
            else:
                os.utime(path, ns=(0, 10**9))

    monkeypatch.setattr(blocks, "_read_block", meddle)
    with pytest.raises(IngestError, match=r"^moving\.csv: changed while it was being read"):
        blocks.read_file(path, "moving.csv", count=True, min_blockwise=0)


def test_the_fixture_reads_every_file_block_wise(tmp_path, tiny_blocks, monkeypatch):
    # read_file's default was fixed at import: the fixture's MIN_BLOCKWISE of 0 did not reach
    # read_source, so the tests using it compared two plain reads
    calls = []
    read_blocks = blocks._read_blocks
    monkeypatch.setattr(blocks, "_read_blocks", lambda *a: calls.append(a) or read_blocks(*a))
    read_source(_write(tmp_path, "quoted_breaks", CASES["quoted_breaks"]))
    assert len(calls) == 1


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="no /proc here")
def test_a_small_file_reporting_the_wrong_size_is_read_to_its_end():
    # /proc files (and some network file systems) report no size or a wrong one: a file below
    # the block-wise size is read to its end, as before, not refused as "changed"
    data, counts = blocks.read_file("/proc/self/status", "status.csv", count=True)
    assert os.stat("/proc/self/status").st_size == 0 and b"Name:" in data and counts is None


def test_a_device_is_read_plainly(tmp_path):
    assert blocks.read_file(os.devnull, "null", count=True, min_blockwise=0) == (b"", None)


def test_a_file_replaced_before_a_second_reader_opens_it_is_refused(tmp_path):
    path = _write(tmp_path, "replaced", b"Id\n1\n")
    with open(path, "rb") as fh:
        first = os.fstat(fh.fileno())
        other = _write(tmp_path, "other", b"Id\n2\n")
        os.replace(other, path)  # another program writes a new file under the same name
        with pytest.raises(IngestError, match=r"^replaced\.csv: changed while it was being read"):
            blocks._reopen(path, first, "replaced.csv")
