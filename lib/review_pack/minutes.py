"""The minutes of a meeting as Markdown, with every text a user typed escaped."""

from __future__ import annotations

from typing import Any

import polars as pl

from lib import audit
from lib.markdown import md_escape
from lib.markdown import md_escape_lines as _md_block
from lib.review_pack._common import _meeting_fields, _when
from lib.review_pack.actions import ACTION_SECTIONS, meeting_actions
from lib.review_pack.agenda import SOURCE_LABELS
from lib.review_pack.facts import ReviewFacts


def _md_action_table(frame: pl.DataFrame) -> list[str]:
    out = ["| # | Action | Owner | Due | Status | Priority | Linked to | Outcome |",
           "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for a in frame.iter_rows(named=True):
        link = f"{a['link_kind']}: {a['link_value']}" if a.get("link_kind") else ""
        due = str(a["due_date"] or "")
        if a.get("overdue"):
            due += " (overdue)"
        out.append(
            f"| {a['id']} | {md_escape(a['title'])} | {md_escape(a['owner'])} | {due} | "
            f"{str(a['status']).replace('_', ' ')} | {a['priority']} | {md_escape(link)} | "
            f"{md_escape(a.get('outcome_note'))} |"
        )
    return out


def minutes_markdown(
    meeting: Any,
    agenda: pl.DataFrame,
    actions: pl.DataFrame,
    *,
    facts: ReviewFacts | None = None,
    dataset_name: str = "",
    definition: str = "",
) -> str:
    """The meeting's minutes as Markdown: details, headline, agenda with decisions, actions.

    ``meeting`` is a :class:`lib.store.Meeting` (or a mapping of its fields), ``agenda`` its
    agenda items, ``actions`` the action items (:meth:`lib.store.Store.list_actions`; those
    created or closed in the meeting and those carried into it are listed). User text is
    escaped so it shows literally.

    >>> from datetime import date
    >>> md = minutes_markdown({"id": 1, "title": "Review <1>", "date": date(2024, 3, 1)},
    ...                       pl.DataFrame({"title": ["Point *A*"], "source": ["free"],
    ...                                     "detail": [""], "decision": ["Ship it"],
    ...                                     "ref": [None]}),
    ...                       pl.DataFrame(schema={"id": pl.Int64, "created_in_meeting": pl.Int64,
    ...                                            "closed_in_meeting": pl.Int64}))
    >>> print(md.splitlines()[0])
    # Review \\<1\\>
    >>> "1. **Point \\\\*A\\\\***" in md and "**Decision:** Ship it" in md
    True
    """
    m = _meeting_fields(meeting)
    lines = [f"# {md_escape(m.get('title') or 'Escalation review')}", ""]
    lines.append(f"- **Date:** {m.get('date') or ''}")
    lines.append(f"- **Review period:** {_when(m)}")
    if dataset_name:
        lines.append(f"- **Dataset:** {md_escape(dataset_name)}")
    if definition:
        lines.append(f"- **Escalation definition:** {md_escape(definition)}")
    if m.get("attendees"):
        lines.append(f"- **Attendees:** {md_escape(m['attendees'])}")
    lines.append("")
    if facts is not None:
        summary = audit.story_words(facts.story).summary if facts.story else None
        lines += ["## Headline", "", md_escape(summary or audit.narrative(facts.kpi)), ""]
    lines += ["## Agenda and decisions", ""]
    if agenda.height == 0:
        lines += ["No agenda items.", ""]
    for i, item in enumerate(agenda.iter_rows(named=True), start=1):
        label = SOURCE_LABELS.get(item.get("source") or "free", "Note")
        lines.append(f"{i}. **{md_escape(item['title'])}** ({label})")
        if item.get("detail"):
            lines.append(f"   {md_escape(item['detail'])}")
        decision = (item.get("decision") or "").strip()
        lines.append("")
        if decision:
            lines.append(f"   **Decision:** {_md_block(decision, '   ').lstrip()}")
        else:
            lines.append("   *No decision recorded.*")
        lines.append("")
    parts = meeting_actions(m, agenda, actions)
    lines += ["## Action items", ""]
    for key, heading in ACTION_SECTIONS:
        frame = parts[key]
        lines += [f"### {heading}", ""]
        lines += (_md_action_table(frame) if frame.height else ["None."]) + [""]
    if (m.get("notes") or "").strip():
        lines += ["## Notes", "", _md_block(m["notes"]), ""]
    return "\n".join(lines).rstrip() + "\n"
