"""Values the loader derives rather than reads, and how it reports them.

The rule: a value the export has but that could not be read stays missing (the parse report
counts it, and so does the missing-values table); a value is derived only where the export
has none at all for that row, and every derivation is counted per file and column in
``QualityReport.derived`` (shown on the Data quality tab).

Example
-------
>>> import polars as pl
>>> from lib.ingest.load_report import QualityReport
>>> frame = pl.DataFrame({
...     "status": [None, None, "open", None],
...     "raw:State": ["Limbo", None, "Open", "-"],
...     "solved_at": [None, 1, None, None],
... })
>>> report = QualityReport()
>>> derive_status(frame, {"status": "State"}, "t.csv", report)["status"].to_list()
[None, 'solved', 'open', 'open']
>>> report.derived[0]["rows"], report.derived[0]["detail"]
(2, 'no status in the export: 1 read as solved (it has a solved date), 1 as open (none)')
"""

from __future__ import annotations

import polars as pl

from lib.ingest.load_report import QualityReport
from lib.ingest.normalise.booleans import parse_bool
from lib.ingest.normalise.vocabularies import has_value

__all__ = ["derive_first_response", "derive_status"]


def derive_status(
    frame: pl.DataFrame, mapping: dict[str, str], file: str, report: QualityReport
) -> pl.DataFrame:
    """Fill ``status`` from ``solved_at`` (solved, else open) only on rows whose export status
    is empty; a status that was there but not understood stays null. Counts go to
    ``report.derived`` (a list of dicts: file, field, column, rows, detail)."""
    if "status" not in frame.columns:
        frame = frame.with_columns(status=pl.lit(None, pl.String))
    column = mapping.get("status")
    missing = frame.get_column("status").is_null()
    if not missing.any():
        return frame
    raw = f"raw:{column}" if column else None
    if raw and raw in frame.columns:
        given = has_value(frame.get_column(raw))
    else:
        given = pl.repeat(False, frame.height, eager=True)
    empty = missing & ~given
    n = int(empty.sum())
    if n == 0:
        return frame
    solved = (
        frame.get_column("solved_at").is_not_null()
        if "solved_at" in frame.columns
        else pl.repeat(False, frame.height, eager=True)
    )
    flag = _solved_flag(frame)
    if flag is not None:  # a call centre's "Resolved" Y/N column, where no status says
        solved = solved | flag[0].fill_null(False)
    n_solved = int((empty & solved).sum())
    frame = frame.with_columns(
        status=pl.when(pl.lit(empty))
        .then(pl.when(pl.lit(solved)).then(pl.lit("solved")).otherwise(pl.lit("open")))
        .otherwise(pl.col("status"))
    )
    why = "no status in the export" if column else "no status column mapped"
    because = "it has a solved date"
    if flag is not None:
        because = f"column {flag[1]!r} says yes, or it has a solved date"
    report.derived.append(
        {
            "file": file,
            "field": "status",
            "column": column,
            "rows": n,
            "detail": f"{why}: {n_solved} read as solved ({because}), "
            f"{n - n_solved} as open (none)",
            **({"source": flag[1]} if flag is not None else {}),
        }
    )
    return frame


#: Header words of a yes/no column saying the ticket is solved ("Resolved": Y/N).
_SOLVED_NAMES = frozenset(
    {"resolved", "solved", "closed", "is resolved", "is solved", "is closed", "resolved?",
     "solved?", "closed?", "resuelto", "resolvido", "résolu", "resolu", "gelöst", "risolto",
     "opgelost"}
)  # fmt: skip


def _solved_flag(frame: pl.DataFrame) -> tuple[pl.Series, str] | None:
    """A yes/no column of the export named "Resolved" (or solved, closed), read as Booleans,
    with its header; None when the export has none.

    >>> f = pl.DataFrame({"raw:Resolved": ["Y", "N", "Y"]})
    >>> flag, header = _solved_flag(f)
    >>> flag.to_list(), header
    ([True, False, True], 'Resolved')
    """
    for col in frame.columns:
        header = col.removeprefix("raw:")
        if not col.startswith("raw:") or header.strip().lower() not in _SOLVED_NAMES:
            continue
        values = frame.get_column(col)
        if values.dtype == pl.Boolean:
            return values, header
        parsed, _ = parse_bool(values.cast(pl.String))
        filled = values.drop_nulls().len()
        if filled and parsed.drop_nulls().len() >= 0.9 * filled:
            return parsed, header
    return None


def derive_first_response(
    frame: pl.DataFrame, mapping: dict[str, str], file: str, report: QualityReport
) -> pl.DataFrame:
    """Fill ``first_response_minutes`` from a first-response *time* (``_first_response_at``,
    e.g. Freshdesk's ``stats.first_responded_at``) minus ``created_at``, only on rows with no
    first-response duration; a time before creation stays missing. Counts go to
    ``report.derived``.

    >>> from datetime import datetime
    >>> from lib.ingest.load_report import QualityReport
    >>> f = pl.DataFrame({
    ...     "created_at": [datetime(2026, 1, 1, 9), datetime(2026, 1, 1, 9), None],
    ...     "_first_response_at": [datetime(2026, 1, 1, 10, 30), datetime(2026, 1, 1, 8), None],
    ... })
    >>> r = QualityReport()
    >>> mapping = {"first_response_at": "stats.first_responded_at"}
    >>> out = derive_first_response(f, mapping, "t.json", r)
    >>> out["first_response_minutes"].to_list()
    [90.0, None, None]
    >>> r.derived[0]["detail"]
    'first response time = first response at - created: 1 row; 1 before creation left missing'
    """
    column = mapping.get("first_response_at")
    if not column or "_first_response_at" not in frame.columns or "created_at" not in frame.columns:
        return frame
    if "first_response_minutes" not in frame.columns:
        frame = frame.with_columns(first_response_minutes=pl.lit(None, pl.Float64))
    gap = (pl.col("_first_response_at") - pl.col("created_at")).dt.total_seconds() / 60.0
    fill = pl.col("first_response_minutes").is_null() & pl.col("_first_response_at").is_not_null()
    counts = frame.select(
        n=(fill & pl.col("created_at").is_not_null() & (gap >= 0)).sum(),
        before=(fill & (gap < 0)).sum(),
    ).row(0)
    if not counts[0] and not counts[1]:
        return frame
    frame = frame.with_columns(
        first_response_minutes=pl.when(fill & (gap >= 0))
        .then(gap.cast(pl.Float64))
        .otherwise(pl.col("first_response_minutes"))
    )
    n, before = int(counts[0]), int(counts[1])
    detail = f"first response time = first response at - created: {n:,} row{'s' * (n != 1)}"
    if before:
        detail += f"; {before:,} before creation left missing"
    report.derived.append(
        {
            "file": file,
            "field": "first_response_minutes",
            "column": column,
            "rows": n,
            "detail": detail,
        }
    )
    return frame
