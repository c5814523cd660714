"""Fuzzing load_export: every failure is an IngestError with a message, never anything else.

Random bytes, mutated and truncated real-shaped exports, huge fields, odd encodings and
malformed dates. ``make test`` runs a bounded number of examples; ``make fuzz`` runs many
more (``FUZZ_EXAMPLES``). Each example must also finish within a few seconds (no hang).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.errors import IngestError
from lib.ingest import load_export
from lib.schema import validate
from tests.conftest import DATA

SEED = (DATA / "zendesk_small.csv").read_bytes()[:6000]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "80"))
PER_EXAMPLE_SECONDS = 20

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
)


class Hang(Exception):
    pass


def _alarm(_signum, _frame):
    raise Hang("load_export took too long")


def check(payload: bytes, name: str = "fuzz.csv") -> None:
    src = io.BytesIO(payload)
    src.name = name
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(PER_EXAMPLE_SECONDS)
    try:
        res = load_export(src, max_bytes=50_000_000)
    except IngestError as exc:
        assert str(exc).strip(), "an error without a message"
        assert name in str(exc) or "no file" in str(exc), f"message does not name the file: {exc}"
        return
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    validate(res.tickets)


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes(payload: bytes) -> None:
    check(payload)


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(SEED)
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "dup"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "insert":
            data[i:i] = draw(st.sampled_from([b'"', b",", b"\n", b"\r", b"\x00", b";", b"\t"]))
        elif op == "delete":
            del data[i : i + draw(st.integers(1, 50))]
        elif op == "truncate":
            del data[i:]
        else:
            j = min(len(data), i + draw(st.integers(1, 200)))
            data[i:i] = data[i:j]
    return bytes(data)


@FUZZ
@given(mutated())
def test_mutated_exports(payload: bytes) -> None:
    check(payload)


@FUZZ
@given(
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]),
    st.lists(
        st.tuples(
            st.text(max_size=30),
            st.one_of(
                st.text(max_size=40),
                st.sampled_from(["2024-02-30 10:00", "31/31/2024", "yesterday", "", "?"]),
                st.datetimes().map(str),
            ),
        ),
        max_size=15,
    ),
)
def test_odd_encodings_and_malformed_dates(encoding: str, rows) -> None:
    lines = ["Id,Created at,Subject"]
    for i, (subject, created) in enumerate(rows):
        s = subject.replace('"', '""')
        lines.append(f'{i},"{created}","{s}"')
    text = "\n".join(lines) + "\n"
    try:
        payload = text.encode(encoding)
    except UnicodeEncodeError:
        payload = text.encode(encoding, errors="replace")
    check(payload)


def test_huge_field_and_many_columns() -> None:
    check(b"Id,Created at,Subject\n1,2024-01-01," + b"x" * 5_000_000 + b"\n")
    header = ",".join(f"c{i}" for i in range(3000))
    check((header + "\n" + ",".join("1" for _ in range(3000)) + "\n").encode())


@pytest.mark.parametrize("wrap", ["gz", "zip"])
def test_archives_of_garbage(wrap: str) -> None:
    if wrap == "gz":
        check(gzip.compress(b"\x00\xff" * 1000), "x.csv.gz")
        check(gzip.compress(SEED)[:200], "cut.csv.gz")
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("a.csv", b"\x00garbage")
            z.writestr("b.bin", b"\x01\x02")
        check(buf.getvalue(), "x.zip")
        check(buf.getvalue()[:100], "cut.zip")


def _parquet(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _hostile(name: str) -> bytes:
    """Small files that claim or grow into a lot (see SECURITY.md, "Size budgets")."""
    if name == "rows.parquet":
        return _parquet(pa.table({"Id": pa.nulls(40_000_000, pa.int8())}))
    if name == "wide.parquet":
        return _parquet(pa.table({f"c{i}": [1] for i in range(2_500)}))
    if name == "list_id.parquet":
        return _parquet(pa.table({"Id": pa.array([[1], [2, 3]]), "x": [1, 2]}))
    if name == "utf8.parquet":
        raw = pa.array([b"ok", b"\xff\xfe"], type=pa.binary())
        bad = pa.Array.from_buffers(pa.string(), 2, raw.buffers())
        return _parquet(pa.table({"Id": ["1", "2"], "S": bad}))
    if name == "keys.jsonl":
        return b"".join(json.dumps({f"k{i}": i}).encode() + b"\n" for i in range(3000))
    if name == "one.json":
        return json.dumps([{f"k{i}": i for i in range(50_000)}]).encode()
    return gzip.compress(b",".join([b"a"] * 1_000_000) + b"\n1\n")  # header.csv.gz


@pytest.mark.parametrize(
    "name",
    [
        "rows.parquet",
        "wide.parquet",
        "list_id.parquet",
        "utf8.parquet",
        "keys.jsonl",
        "one.json",
        "header.csv.gz",
    ],
)
def test_hostile_shapes_get_a_message_in_time(name: str) -> None:
    check(_hostile(name), name)
