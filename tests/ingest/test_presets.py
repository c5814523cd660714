"""Tests for lib.ingest.presets: the presets are well formed and their value maps translate the
vendors' words.
"""

from __future__ import annotations

from lib.ingest import load_export
from lib.ingest.keys import KEYS
from lib.ingest.presets import PRESETS
from lib.schema import CHANNELS, PRIORITIES, STATUSES
from tests.conftest import DATA


def test_presets_are_well_formed():
    labels = [p.label for p in PRESETS]
    assert len(labels) == len(set(labels))
    vocab = {"status": STATUSES, "priority": PRIORITIES, "channel": CHANNELS}
    for p in PRESETS:
        assert p.notes, p.label
        assert len(p.signature) >= 5, p.label
        assert set(p.columns) <= set(KEYS), p.label
        assert {"ticket_id", "created_at"} <= set(p.columns), p.label
        assert {r.key for r in p.custom_fields} <= set(KEYS)
        assert set(p.duration_unit.values()) <= {"minutes", "hours", "seconds"}
        for key, vmap in p.value_maps.items():
            assert key in vocab, (p.label, key)
            assert all(raw == raw.lower().strip() for raw in vmap), (p.label, key)
            assert set(vmap.values()) <= set(vocab[key]), (p.label, key)


def test_value_maps_translate_vendor_words():
    fresh = next(p for p in PRESETS if p.vendor == "freshdesk")
    assert [fresh.value_maps["priority"][k] for k in "1234"] == ["low", "normal", "high", "urgent"]
    snow = next(p for p in PRESETS if p.label == "ServiceNow incident export")
    assert snow.value_maps["priority"]["3 - moderate"] == "normal"
    assert snow.value_maps["status"]["awaiting user info"] == "pending"
    assert snow.dayfirst is True
    jira = next(p for p in PRESETS if p.vendor == "jira")
    assert jira.dayfirst is True


def test_jira_classic_priorities_read_major_as_the_default_level():
    # Jira's classic scheme has no "Medium": new issues get "Major", the everyday level.
    header = (DATA / "vendor_jira_header.csv").read_text(encoding="utf-8").splitlines()[0]
    names = header.split(",")
    rows = []
    for i, prio in enumerate(["Blocker", "Critical", "Major", "Minor", "Trivial", "Medium"]):
        values = dict.fromkeys(names, "")
        values.update(
            {"Summary": f"Issue {i}", "Issue key": f"SD-{i}", "Issue id": str(100 + i),
             "Issue Type": "Incident", "Status": "Open", "Priority": prio,
             "Created": "12/Mar/24 9:05 AM"}
        )  # fmt: skip
        rows.append(",".join(values[n] for n in names))
    res = load_export(("\n".join([header, *rows]) + "\n").encode(), max_bytes=None)
    assert res.vendor == "jira"
    got = res.tickets.sort("ticket_id").get_column("priority").to_list()
    assert got == ["urgent", "urgent", "normal", "low", "low", "normal"]
