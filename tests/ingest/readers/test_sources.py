"""Tests for lib.ingest.readers.sources: paths, bytes and uploaded files."""

from __future__ import annotations

import io

import pytest

from lib.errors import IngestError
from lib.ingest.readers import read_many, read_source
from tests.ingest.readers.helpers import one


def test_sources_path_str_bytes_and_uploaded_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"id\n1\n")

    class Uploaded(io.BytesIO):  # what Streamlit's UploadedFile looks like
        name = "upload.csv"

    assert one(path).name == "t.csv"
    assert one(str(path)).name == "t.csv"
    assert one(path, name="shown.csv").name == "shown.csv"
    assert one(b"id\n1\n").name == "upload"
    up = Uploaded(b"id\n1\n")
    up.read()  # a file already read to the end still works
    assert one(up).name == "upload.csv"
    assert one(open(path, "rb")).name == "t.csv"  # noqa: SIM115
    tables = read_many([path, b"id\n2\n3\n"])
    assert [t.frame.height for t in tables] == [1, 2]


def test_missing_path_and_unsupported_source(tmp_path):
    with pytest.raises(IngestError, match=r"nope\.csv: file not found"):
        read_source(tmp_path / "nope.csv")
    with pytest.raises(IngestError, match="a folder"):
        read_source(tmp_path)
    with pytest.raises(IngestError, match="cannot read a int"):
        read_source(42)
