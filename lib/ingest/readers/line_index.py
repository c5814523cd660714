"""Physical lines of UTF-8 bytes: line feeds and quotes counted, line starts found and lines
decoded on demand, in chunks so a big file needs no temporary of its size.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lib.ingest.readers.csv_records import _protect_cr

if TYPE_CHECKING:  # numpy is imported on first use: see lib/ingest/readers/blocks.py
    import numpy as np

#: Bytes from which the count is split between the calling thread and a second one.
SPLIT_COUNT_BYTES = 1 << 25


def _count_lines_and_quotes(data: bytes | memoryview) -> tuple[int, int]:
    """Line feeds and double quotes in ``data``, counted over cache-sized chunks (faster than
    ``bytes.count``, and without a temporary the size of the file); a large ``data`` is
    counted in two halves at once (numpy releases the GIL while it compares).

    >>> _count_lines_and_quotes(b'a,"b\\nc"\\n')
    (2, 2)
    """
    if len(data) >= SPLIT_COUNT_BYTES:
        with memoryview(data) as view:
            half = len(view) // 2
            second: list[tuple[int, int]] = []
            helper = threading.Thread(target=lambda: second.append(_count(view[half:])))
            helper.start()
            try:
                newlines, quotes = _count(view[:half])
            finally:
                helper.join()
        return newlines + second[0][0], quotes + second[0][1]
    return _count(data)


def _count(data: bytes | memoryview) -> tuple[int, int]:
    import numpy as np  # on first use: see lib/ingest/readers/blocks.py

    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = quotes = 0
    for o in range(0, len(buf), 1 << 18):
        chunk = buf[o : o + (1 << 18)]
        newlines += int(np.count_nonzero(chunk == 10))
        quotes += int(np.count_nonzero(chunk == 34))
    return newlines, quotes


def _newline_positions(data: bytes, start: int = 0) -> np.ndarray:
    """Byte offsets of the line feeds from ``start`` on, found in chunks (no big temporaries)."""
    import numpy as np  # on first use: see lib/ingest/readers/blocks.py

    buf = np.frombuffer(data, dtype=np.uint8)
    step = 1 << 24
    parts = [np.flatnonzero(buf[o : o + step] == 10) + o for o in range(start, len(buf), step)]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _line_offset(data: bytes, line: int, newline_count: int) -> int:
    """Byte offset where 1-based ``line`` starts, counting line feeds back from the end, so a
    line near the end of a big file is found without scanning all of it."""
    import numpy as np  # on first use: see lib/ingest/readers/blocks.py

    after = newline_count - (line - 1)  # line feeds at or after the start of ``line``
    buf = np.frombuffer(data, dtype=np.uint8)
    end, step = len(buf), 1 << 20
    while end > 0 and line > 1:
        start = max(0, end - step)
        found = np.flatnonzero(buf[start:end] == 10)
        if len(found) >= after + 1:
            return start + int(found[len(found) - after - 1]) + 1
        after -= len(found)
        end = start
    return 0


def _iter_lines(data: bytes, newlines: np.ndarray, offset: int) -> Iterator[str]:
    """Decoded physical lines from byte ``offset`` on, found with the line feed index."""
    import numpy as np  # on first use: see lib/ingest/readers/blocks.py

    j = int(np.searchsorted(newlines, offset))
    while offset < len(data):
        end = int(newlines[j]) + 1 if j < len(newlines) else len(data)
        yield _protect_cr(data[offset:end].decode("utf-8", errors="replace"))
        offset, j = end, j + 1


class _Lines:
    """Random access to the physical lines of UTF-8 bytes (0-based)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.bounds: list[int] = [0, *(_newline_positions(data) + 1).tolist()]
        if self.bounds[-1] < len(data):
            self.bounds.append(len(data))
        self.count = len(self.bounds) - 1
        self.bare_cr = b"\r" in data  # only then can a field hold the stand-in character

    def odd_quotes(self, first: int, last: int) -> bool:
        """True when 1-based lines ``first`` to ``last`` hold an odd number of quotes."""
        return self.data.count(b'"', self.bounds[first - 1], self.bounds[last]) % 2 == 1

    def iter_from(self, i: int) -> Iterator[str]:
        data, bounds = self.data, self.bounds
        for j in range(i, self.count):
            line = data[bounds[j] : bounds[j + 1]].decode("utf-8", errors="replace")
            yield _protect_cr(line) if self.bare_cr else line
