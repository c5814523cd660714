"""Sniffing delimited text on its first 64 KB: the delimiter, the header line (after any
preamble) and whether the export routinely leaves out empty trailing fields.
"""

from __future__ import annotations

import codecs
from collections import Counter
from collections.abc import Sequence

from lib.ingest.readers.csv_records import Record, _records, _split_lines
from lib.ingest.readers.encoding import SAMPLE_BYTES
from lib.ingest.readers.names import HEADER_SEARCH, _looks_like_names
from lib.ingest.readers.table import _is_footer

#: Delimiters tried, in order of preference when they explain the sample equally well.
DELIMITERS = (",", ";", "\t", "|")


def _is_blank(fields: Sequence[str | None]) -> bool:
    return all(not (f or "").strip() for f in fields)


def _mode(counts: Sequence[int]) -> tuple[int, int]:
    """Most common count (ties go to the larger count) and how often it occurs."""
    value, n = max(Counter(counts).items(), key=lambda kv: (kv[1], kv[0]))
    return value, n


def _choose_delimiter(sample: str, complete: bool, ext: str) -> tuple[str, list[Record]]:
    """Pick the delimiter whose field counts are the most consistent over the sample."""
    preference = ("\t", ",", ";", "|") if ext in (".tsv", ".tab") else DELIMITERS
    best: tuple[tuple[bool, float, int, int], str, list[Record]] | None = None
    for rank, delimiter in enumerate(preference):
        recs = list(_records(_split_lines(sample), delimiter))
        if not complete and len(recs) > 1:
            recs.pop()  # may be cut by the end of the sample
        counts = [len(f) for _, _, f in recs if not _is_blank(f)]
        if not counts:
            continue
        width, n_width = _mode(counts)
        score = (width > 1, n_width / len(counts), width, -rank)
        if best is None or score > best[0]:
            best = (score, delimiter, recs)
    if best is None:
        return preference[0], []
    return best[1], best[2]


def _find_header(recs: list[Record]) -> tuple[int, int, list[str]] | None:
    """Index of the header record, the data width and the header fields (padded/trimmed)."""
    counts = [len(f) for _, _, f in recs if not _is_blank(f)]
    if not counts:
        return None
    width, _ = _mode(counts)
    data_last_empty = all(
        not f[-1].strip() for _, _, f in recs if len(f) == width and not _is_blank(f)
    )
    fallback: tuple[int, int, list[str]] | None = None
    for i, (_, _, fields) in enumerate(recs[:HEADER_SEARCH]):
        if _is_blank(fields):
            continue
        n = len(fields)
        if n == width:
            names = list(fields)
        elif n == width + 1 and not fields[-1].strip():
            names = list(fields[:-1])  # the header line ends with a stray delimiter
        elif n == width - 1 and width > 2 and data_last_empty:
            names = [*fields, ""]  # the data lines end with a stray delimiter
        else:
            continue
        if _looks_like_names(names):
            return i, width, names
        if fallback is None:
            fallback = (i, width, names)
    if fallback is None:  # no record of the dominant width near the top: take the first one
        i = next(i for i, (_, _, f) in enumerate(recs) if not _is_blank(f))
        fallback = (i, len(recs[i][2]), list(recs[i][2]))
    return fallback


def _sample_text(data: bytes) -> tuple[str, bool]:
    r"""The first ~64 KB cut at a line end (longer if the first line is longer), without a
    byte order mark: left in, it would sit before a quoted first name (``\ufeff"ID"``) and the
    csv module would keep the quotes in the name.

    >>> _sample_text(b'\xef\xbb\xbf"ID",x\n1,2\n')
    ('"ID",x\n1,2\n', True)
    """
    # Only the window looked at is copied (not the whole file without its BOM).
    skip = len(codecs.BOM_UTF8) if data[:3] == codecs.BOM_UTF8 else 0
    size = len(data) - skip
    window = data[skip : skip + 16 * SAMPLE_BYTES]
    if size <= SAMPLE_BYTES:
        return window.decode("utf-8", errors="replace"), True
    cut = window.rfind(b"\n", 0, SAMPLE_BYTES)
    if cut < 0:
        cut = window.find(b"\n", SAMPLE_BYTES, 16 * SAMPLE_BYTES)
        if cut < 0:
            cut = min(size, 16 * SAMPLE_BYTES)
    return window[: cut + 1].decode("utf-8", errors="replace"), cut + 1 >= size


def _pads_short_rows(data_recs: list[Record], width: int) -> bool:
    """True when the sample shows many rows with fewer fields than the header: some exporters
    leave out empty trailing fields, and then a short row is not damage."""
    counts = [len(f) for _, _, f in data_recs[:-1] if not _is_blank(f) and not _is_footer(f)]
    short = sum(1 for k in counts if k < width)
    return short >= 5 and short >= 0.1 * len(counts)
