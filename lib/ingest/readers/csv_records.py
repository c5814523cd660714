"""Quote-aware records of delimited text with the physical lines each one spans, as the csv
module reads them (a bare carriage return is hidden from it and put back in the fields).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

Record = tuple[int, int, list[str]]  # (first line, last line, fields), lines 1-based


def _split_lines(text: str) -> Iterator[str]:
    """Physical lines ending at ``\\n`` (the ending kept), as the csv module wants them."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            if start < len(text):
                yield _protect_cr(text[start:])
            return
        yield _protect_cr(text[start : end + 1])
        start = end + 1


_CR_STANDIN = "\ue000"  # a private-use character the csv module treats as text
_BARE_CR = re.compile(r"\r(?!\n)")


def _protect_cr(line: str) -> str:
    """Hide a carriage return that does not end the line: Polars reads it as text, while the
    csv module refuses it outside quotes. :func:`_restore_cr` puts it back in the fields."""
    return _BARE_CR.sub(_CR_STANDIN, line) if "\r" in line else line


def _restore_cr(fields: list[str]) -> list[str]:
    return [f.replace(_CR_STANDIN, "\r") for f in fields]


def _records(lines: Iterable[str], delimiter: str, first_line: int = 1) -> Iterator[Record]:
    """Quote-aware records with their physical line span. Stops at a csv error."""
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=False)
    consumed = 0
    try:
        for fields in reader:
            if any(_CR_STANDIN in f for f in fields):
                fields = _restore_cr(fields)
            yield first_line + consumed, first_line + reader.line_num - 1, fields
            consumed = reader.line_num
    except csv.Error:
        return
