"""What a parser made of one column: the :class:`ParseReport` every parser returns, with
parsed and failed counts and the first failures as examples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from lib.ingest.normalise._common import _nulls

_EXAMPLES = 10


@dataclass
class ParseReport:
    """What a parser made of one column.

    ``parsed`` counts non-null inputs that were understood, ``failed`` the non-null inputs that
    were not (they became null); placeholders count as neither. ``failed_examples`` holds the first
    ten failures as ``(row index, raw value)``. ``ambiguous`` is set for dates whose day and month
    order could not be decided from the data.
    """

    column: str | None
    parsed: int
    failed: int
    failed_examples: list[tuple[int, str]] = field(default_factory=list)
    detail: str = ""
    ambiguous: bool = False


def _report(
    raw: pl.Series,
    attempted: pl.Series,
    out: pl.Series,
    detail: str = "",
    *,
    ambiguous: bool = False,
) -> ParseReport:
    """Count parsed and failed values; ``attempted`` is non-null where a value was expected."""
    failed_mask = attempted.is_not_null() & out.is_null()
    failed = int(failed_mask.sum())
    examples: list[tuple[int, str]] = []
    if failed:
        idx = failed_mask.arg_true().head(_EXAMPLES)
        examples = [(int(i), str(v)) for i, v in zip(idx, raw.gather(idx).to_list(), strict=True)]
    return ParseReport(
        column=raw.name or None,
        parsed=int(out.is_not_null().sum()),
        failed=failed,
        failed_examples=examples,
        detail=detail,
        ambiguous=ambiguous,
    )


def _all_failed(s: pl.Series, dtype: pl.DataType, why: str) -> tuple[pl.Series, ParseReport]:
    out = _nulls(s.name, s.len(), dtype)
    return out, _report(s, s, out, why)
