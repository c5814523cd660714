"""lib.review_pack.minutes: the Markdown minutes and Markdown escaping."""

from __future__ import annotations

import re


def test_minutes_markdown(meeting_pack, facts) -> None:
    md = meeting_pack["md"]
    assert md.startswith("# Review \\<script\\>")
    assert not re.search(r"(?<!\\)<", md)  # every < of user text is escaped
    assert "\\[l\\](javascript:1)" in md and "[l](" not in md  # not a link
    for heading in ("## Headline", "## Agenda and decisions", "## Action items",
                    "### Agreed in this meeting", "### Still open from earlier meetings",
                    "## Notes"):  # fmt: skip
        assert heading in md
    assert "**Decision:** Decided \\<script\\>" in md
    # every agenda entry is listed, numbered, in order
    titles = re.findall(r"^\d+\. \*\*(.+)\*\* \(", md, re.M)
    assert len(titles) == len(meeting_pack["entries"]) + 1
    # table rows keep their 8 columns although the text contains pipes
    rows = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows and all(len(re.findall(r"(?<!\\)\|", row)) == 9 for row in rows)
    assert "(overdue)" in md  # an overdue carried item
    assert f"{100 * facts.kpi.review['rate']:.1f}%" in md
