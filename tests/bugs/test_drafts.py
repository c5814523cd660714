"""Bug report drafts: Jira CSV import shape (repeated Labels columns, Issue Type Bug), the
priority rule, the evidence with its denominators, and hostile text kept inert in both formats
(formula cells, Markdown and HTML, Jira markup), with e-mail addresses masked."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from lib.bugs import draft, github_markdown, jira_csv
from lib.bugs.drafts import priority

HOSTILE = '=HYPERLINK("http://evil") <img src=x onerror=alert(1)> |x| *b* [link](http://e) {code}'


def _group(**over) -> dict:
    g = {
        "group": 3, "label": "sync · 502", "example_subject": "Sync fails for ana@example.com",
        "tickets": 12, "escalated": 2, "open": 4, "customers": 5, "tiers": "pro 60%, free 40%",
        "first_seen": datetime(2024, 3, 1, tzinfo=UTC),
        "last_seen": datetime(2024, 3, 9, tzinfo=UTC), "categories": "Sync 100%",
        "main_category": "Sync & calendar", "spiking": False, "spike": None,
        "example_ids": ["T1", "T2"],
    }  # fmt: skip
    return {**g, **over}


def test_priority_rule() -> None:
    assert priority(_group(tickets=20, escalated=5)) == "Highest"
    assert priority(_group(tickets=19, escalated=5)) == "High"  # under 20 tickets
    assert priority(_group(tickets=12, escalated=0, spiking=True)) == "High"
    assert priority(_group(tickets=12, escalated=1)) == "Medium"


def test_jira_csv_imports_as_bugs_with_labels_and_evidence() -> None:
    d = draft(_group(spiking=True, spike="Sync volume spike"), [("T1", HOSTILE)], [("ENG-9", 3)])
    rows = list(csv.reader(io.StringIO(jira_csv([d, draft(_group())]).decode("utf-8-sig"))))
    assert rows[0] == ["Summary", "Description", "Issue Type", "Priority"] + ["Labels"] * 3
    first = dict(zip(rows[0][:4], rows[1][:4], strict=True))
    assert first["Issue Type"] == "Bug" and first["Priority"] == "High"
    assert rows[1][4:] == ["from-support", "sync-calendar", "volume-spike"]
    assert rows[2][4:] == ["from-support", "sync-calendar", ""]
    desc = first["Description"]
    assert "|Escalated|2 of 12 (17%)|" in desc and "|Still open|4 of 12|" in desc
    assert "ENG\\-9 (3)" in desc  # already linked issues
    assert "ana@example.com" not in first["Summary"] and "[email]" in first["Summary"]
    assert "\\[link\\]" in desc and "\\{code\\}" in desc and "\\|x\\|" in desc
    for row in rows[1:]:
        assert not any(c.startswith(("=", "+", "-", "@")) for c in row)


def test_github_markdown_escapes_every_value() -> None:
    md = github_markdown(draft(_group(example_subject=HOSTILE), [("T1", HOSTILE)]))
    assert not re.search(r"(?<!\\)[<\[]", md)  # every < and [ is backslash-escaped
    assert "| Escalated | 2 of 12 (17%) |" in md and "| First seen | 2024-03-01 |" in md
    assert "- T1: " in md and "## Example tickets" in md
