"""Sample headers and small helpers shared by the column-matching tests."""

from __future__ import annotations

import polars as pl

from lib.ingest.columns import mapping_from_matches
from lib.ingest.name_match import ColumnMatch
from tests.conftest import DATA

GENERIC = {
    "ticket_id": "Case #",
    "created_at": "Opened On",
    "agent": "Owner",
    "group": "Queue",
    "category": "Topic",
    "escalated": "Escalated?",
    "customer_tier": "Cust Tier",
    "channel": "Channel",
    "priority": "Prio",
    "closed_at": "Closed On",
}


def read(name: str, **kw) -> pl.DataFrame:
    return pl.read_csv(DATA / name, infer_schema=False, **kw)


def found(matches: dict[str, ColumnMatch]) -> dict[str, str]:
    return mapping_from_matches(matches)
