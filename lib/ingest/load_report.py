"""What a load returns: the canonical tickets with the mapping and rules used, and the
data-quality report (per file and overall) shown on the data page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl

from lib.ingest.rules import Rule

__all__ = ["FileReport", "LoadResult", "QualityReport"]


@dataclass
class FileReport:
    """What happened to one file (or archive member)."""

    name: str
    format: str
    encoding: str | None
    delimiter: str | None
    vendor: str
    vendor_label: str
    rows_read: int
    rows_unreadable: int
    notes: list[str] = field(default_factory=list)


@dataclass
class QualityReport:
    """The data-quality report shown on the data page."""

    files: list[FileReport] = field(default_factory=list)
    rows_read: int = 0
    rows_kept: int = 0
    rows_dropped: int = 0
    #: (file, line, reason) for the first ten dropped rows
    dropped_examples: list[tuple[str, int, str]] = field(default_factory=list)
    #: reason -> number of rows
    drop_reasons: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    event_log: bool = False
    events: int = 0
    #: event logs: tickets whose first known support tier is 2 or above
    opened_above_tier1: int = 0
    unmapped_columns: list[str] = field(default_factory=list)
    null_share: dict[str, float] = field(default_factory=dict)
    date_min: datetime | None = None
    date_max: datetime | None = None
    parse: list[dict[str, Any]] = field(default_factory=list)
    rule_counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: values the loader filled in where the export had none (``lib.ingest.derived``): one dict
    #: per file and field with ``file``, ``field``, ``column``, ``rows`` and ``detail``, and
    #: ``source`` when another export column was read for it (a date's "Time" column)
    derived: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the dataset registry."""
        d = {k: v for k, v in self.__dict__.items() if k != "files"}
        d["files"] = [f.__dict__ for f in self.files]
        d["date_min"] = self.date_min.isoformat() if self.date_min else None
        d["date_max"] = self.date_max.isoformat() if self.date_max else None
        return d


@dataclass
class LoadResult:
    """What :func:`load_export` returns (contract: tickets, vendor, mapping, report)."""

    tickets: pl.DataFrame
    vendor: str
    mapping: dict[str, str]
    report: QualityReport
    rules: list[Rule] = field(default_factory=list)
    #: ticket_id plus ``raw:*`` source columns and helper columns (``_description``,
    #: ``_tier_move_at``, ...), one row per ticket, for re-applying rules and for sentiment.
    extras: pl.DataFrame | None = None
    fingerprint: str = ""

    def snapshot_frame(self) -> pl.DataFrame:
        """The frame a dataset stores: the tickets with the extras beside them.

        The loader builds both from one frame, row for row, so the extras are put beside
        the tickets without a join (a hash join of a million rows costs half a second);
        when the rows are not aligned (extras made elsewhere) they are joined on the id.

        >>> t = pl.DataFrame({"ticket_id": ["1", "2"], "status": ["open", "solved"]})
        >>> x = pl.DataFrame({"ticket_id": ["1", "2"], "raw:State": ["Open", "Done"]})
        >>> res = LoadResult(t, "generic", {}, QualityReport(), extras=x)
        >>> res.snapshot_frame().rows()
        [('1', 'open', 'Open'), ('2', 'solved', 'Done')]
        """
        extras = self.extras
        if extras is None or extras.width <= 1:
            return self.tickets
        ids, extra_ids = self.tickets.get_column("ticket_id"), extras.get_column("ticket_id")
        if extras.height == self.tickets.height and ids.equals(extra_ids):
            return pl.concat([self.tickets, extras.drop("ticket_id")], how="horizontal")
        return self.tickets.join(extras, on="ticket_id", how="left")
