"""Tests for lib.ingest.readers.line_index."""

from __future__ import annotations

import random

import pytest

from lib.ingest.readers import line_index as readers


@pytest.mark.parametrize("seed", range(5))
def test_line_offset_matches_a_plain_count(seed):
    rng = random.Random(seed)
    data = b"".join(rng.choice([b"a", b"bb\n", b"\n", b"ccc"]) for _ in range(3000))
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == 10]
    total = data.count(b"\n")
    for line in rng.sample(range(1, total + 2), 30):
        assert readers._line_offset(data, line, total) == starts[line - 1]


@pytest.mark.parametrize("split", [1, 2, 3, 1 << 30])
def test_counts_split_over_two_threads_match_a_plain_count(monkeypatch, split):
    monkeypatch.setattr(readers, "SPLIT_COUNT_BYTES", split)
    for data in (b"", b"\n", b'"', b'id,"a\nb"\r\n2,""\n', b'"x"\n' * 1001 + b"tail"):
        expected = (data.count(b"\n"), data.count(b'"'))
        assert readers._count_lines_and_quotes(data) == expected
        assert readers._count_lines_and_quotes(memoryview(data)) == expected
