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
