"""Tests for lib.ingest.preset_mapping: candidates match loosely, a column serves two keys only
when allowed.
"""

from __future__ import annotations

from lib.ingest.preset_mapping import map_with_preset
from lib.ingest.presets import PRESETS


def test_candidates_match_ignoring_case_space_and_punctuation():
    zendesk = next(p for p in PRESETS if p.vendor == "zendesk")
    m = map_with_preset(zendesk, ["ID", " created_at ", "SOLVED AT", "via"])
    assert m == {
        "ticket_id": "ID",
        "created_at": " created_at ",
        "solved_at": "SOLVED AT",
        "channel": "via",
    }


def test_a_column_serves_two_keys_only_when_allowed():
    for preset in PRESETS:
        cols = sorted({c for cands in preset.columns.values() for c in cands})
        mapping = map_with_preset(preset, cols)
        used: dict[str, list[str]] = {}
        for k, c in mapping.items():
            used.setdefault(c, []).append(k)
        for c, keys in used.items():
            assert len(keys) == 1 or set(keys) == {"updated_at", "event_time"}, (preset.label, c)
