"""The canonical keys a mapping may use."""

from __future__ import annotations

from lib.ingest.keys import KEYS
from lib.schema import MAPPABLE


def test_keys_cover_the_mappable_schema_columns():
    assert set(MAPPABLE) <= set(KEYS)
    assert {"level", "event_time", "resolved_at", "closed_at", "description"} <= set(KEYS)
    assert len(KEYS) == len(set(KEYS))
