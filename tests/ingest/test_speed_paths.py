"""The faster paths of an import give exactly what the slower ones gave: the snapshot frame
put together without a join, and the rule value picker's counts without a full sort."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lib.ingest import load_export
from lib.ingest.rules import value_counts

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    "name",
    ["zendesk_small.csv", "evlog_levels.csv", "lang_jira_es.csv", "zendesk_api_tickets.json"],
)
def test_snapshot_frame_is_the_join_it_replaces(name: str) -> None:
    res = load_export(DATA / name)
    joined = res.tickets.join(res.extras, on="ticket_id", how="left")
    assert res.snapshot_frame().equals(joined)


def test_snapshot_frame_joins_extras_that_are_not_row_aligned() -> None:
    res = load_export(DATA / "zendesk_small.csv")
    shuffled = res.extras.sample(fraction=1.0, shuffle=True, seed=1)
    res.extras = shuffled
    assert res.snapshot_frame().equals(res.tickets.join(shuffled, on="ticket_id", how="left"))


def test_value_counts_lists_the_same_values_as_a_full_sort() -> None:
    # 3,000 distinct values, ties at the cut (many values seen twice), blanks and padding
    values = [f"v{i:04d}" for i in range(3000)] + [f"v{i:04d}" for i in range(0, 3000, 7)]
    values += ["top"] * 9 + [" top "] * 2 + ["", None, "  "]  # type: ignore[list-item]
    frame = pl.DataFrame({"raw:State": values})
    text = frame.get_column("raw:State").str.strip_chars()
    full = (
        text.filter(text.is_not_null() & (text != ""))
        .value_counts(name="n")
        .sort(["n", "raw:State"], descending=[True, False])
        .head(50)
    )
    expected = [(str(v), int(n)) for v, n in full.iter_rows()]
    got = value_counts(frame, "raw:State", limit=50)
    assert got == expected and got[0] == ("top", 11) and len(got) == 50


def test_the_loader_imports_without_numpy() -> None:
    # numpy's import (0.16 s here) is made while the first blocks of a big file are copied
    # (lib/ingest/readers/blocks.py), not before the file is opened: a module of the import
    # path that imports numpy at its top puts that time back in front of every import.
    import subprocess
    import sys

    code = (
        "import sys; from lib.ingest import load_export; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'numpy')[:3])"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_a_big_file_is_counted_while_it_is_read(tmp_path: Path) -> None:
    # the count that the line numbers need, made on the blocks as they land (numpy's first use)
    from lib.ingest.readers.blocks import read_file

    body = b"id,note\n" + b"".join(b'%d,"a\nb ""q"""\n' % i for i in range(200_000))
    path = tmp_path / "big.csv"
    path.write_bytes(body)
    data, counts = read_file(path, "big.csv", count=True, min_blockwise=0)
    assert data == body
    assert counts == (body.count(b"\n"), body.count(b'"'))
