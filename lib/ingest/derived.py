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
from lib.ingest.normalise.vocabularies import has_value

__all__ = ["derive_status"]


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
    n_solved = int((empty & solved).sum())
    frame = frame.with_columns(
        status=pl.when(pl.lit(empty))
        .then(pl.when(pl.lit(solved)).then(pl.lit("solved")).otherwise(pl.lit("open")))
        .otherwise(pl.col("status"))
    )
    why = "no status in the export" if column else "no status column mapped"
    report.derived.append(
        {
            "file": file,
            "field": "status",
            "column": column,
            "rows": n,
            "detail": f"{why}: {n_solved} read as solved (it has a solved date), "
            f"{n - n_solved} as open (none)",
        }
    )
    return frame
