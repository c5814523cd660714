"""The demo helpdesk shaped like a Zendesk ticket CSV export, and writing it reproducibly to a
file."""

from __future__ import annotations

import gzip
import io
from datetime import date
from pathlib import Path

import polars as pl

from lib.demo.catalogue import (
    _CONTACTS_PER_ORG,
    _FIRST,
    _LAST,
    _PRIORITIES,
    _TICKET_TYPE,
    CATEGORIES,
    CHANNELS,
    GROUPS,
    N_ORGS,
    TIERS,
    VIA_LABELS,
)
from lib.demo.generate import _datetime, _generate, _lookup, _subject_table, _tags_expr

#: Columns of :func:`demo_export`, in the order a Zendesk ticket CSV export shows them.
EXPORT_COLUMNS: tuple[str, ...] = (
    "Id",
    "Requester",
    "Organization",
    "Assignee",
    "Group",
    "Subject",
    "Tags",
    "Status",
    "Priority",
    "Via",
    "Ticket type",
    "Created at",
    "Updated at",
    "Solved at",
    "Satisfaction Score",
    "Group stations",
    "Assignee stations",
    "Reopens",
    "Replies",
    "First reply time in minutes",
    "Full resolution time in minutes",
    "Product area [list]",
    "Customer tier [list]",
)
#: Zendesk CSV timestamps: "2026-11-20 14:03:27 +0000".
EXPORT_TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def demo_export(
    *,
    seed: int = 7,
    days: int = 180,
    tickets_per_day: float = 60.0,
    end: date | None = None,
    n_agents: int = 15,
) -> pl.DataFrame:
    """The same tickets as :func:`demo_tickets`, shaped like a Zendesk ticket CSV export.

    All columns are strings, named as Zendesk names them (:data:`EXPORT_COLUMNS`). There is no
    escalated flag: as in real exports, an escalation shows as a ``Group`` of "Tier 2" or
    "Tier 3 Engineering" with ``Group stations`` of 2 or more, and most (not all) escalated
    tickets carry the tag ``escalated``.

    >>> e = demo_export(days=60, tickets_per_day=20)
    >>> e.columns[:3], set(e.dtypes) == {pl.String}
    (['Id', 'Requester', 'Organization'], True)
    >>> e.get_column("Created at")[0][-5:]
    '+0000'
    """
    frame, plan = _generate(
        seed=seed, days=days, tickets_per_day=tickets_per_day, end=end, n_agents=n_agents
    )
    contacts = [
        f"{_FIRST[(i * 7 + i // 20) % len(_FIRST)]} {_LAST[(i * 11 + i // 7) % len(_LAST)]}"
        for i in range(N_ORGS * _CONTACTS_PER_ORG)
    ]

    def stamp(column: str) -> pl.Expr:
        return _datetime(column).dt.strftime(EXPORT_TIME_FORMAT)

    def whole(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.Int64).cast(pl.String)

    export = frame.select(
        pl.col("ticket_id").alias("Id"),
        _lookup("contact", contacts).alias("Requester"),
        _lookup("org", plan.org_names).alias("Organization"),
        _lookup("agent", [a.name for a in plan.agents]).alias("Assignee"),
        _lookup("group", GROUPS).alias("Group"),
        _lookup("subject", _subject_table()[0]).alias("Subject"),
        _tags_expr().list.join(" ").alias("Tags"),
        _lookup("status", ["New", "Open", "Pending", "Hold", "Solved", "Closed"]).alias("Status"),
        _lookup("priority", [p.capitalize() for p in _PRIORITIES]).alias("Priority"),
        _lookup("channel", [VIA_LABELS[c] for c in CHANNELS]).alias("Via"),
        _lookup("category", _TICKET_TYPE).alias("Ticket type"),
        stamp("created").alias("Created at"),
        stamp("updated").alias("Updated at"),
        stamp("solved").alias("Solved at"),
        _lookup("csat", ["Good", "Bad", "Offered", "Unoffered"]).alias("Satisfaction Score"),
        whole("group_stations").alias("Group stations"),
        whole("assignee_stations").alias("Assignee stations"),
        whole("reopens").alias("Reopens"),
        whole("replies").alias("Replies"),
        whole("first_reply").alias("First reply time in minutes"),
        whole("resolution").alias("Full resolution time in minutes"),
        _lookup("category", CATEGORIES).alias("Product area [list]"),
        _lookup("tier", [t.capitalize() for t in TIERS]).alias("Customer tier [list]"),
    )
    return export.select(EXPORT_COLUMNS)


def write_demo_export(path: str | Path, **kw: object) -> Path:
    """Write :func:`demo_export` as CSV (gzip-compressed when ``path`` ends in ``.gz``).

    Keyword arguments go to :func:`demo_export`. The bytes are reproducible: the same
    parameters give the same file (the gzip header carries no time stamp).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_demo_export(Path(d) / "demo.csv.gz", days=60, tickets_per_day=5)
    ...     pl.read_csv(p, infer_schema=False).height > 0
    True
    """
    path = Path(path)
    export = demo_export(**kw)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith(".gz"):
        buffer = io.BytesIO()
        export.write_csv(buffer)
        with (
            open(path, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        ):
            gz.write(buffer.getvalue())
    else:
        export.write_csv(path)
    return path
