"""Bug report drafts from a defect group: Jira CSV import and GitHub-issue Markdown.

A draft carries the evidence: tickets and escalations (with the denominator), open tickets,
customers and tiers affected (counts and tiers only: customer names stay in the helpdesk),
first and last seen, categories, whether the category spiked, linked issues already known and
example ticket ids with their subjects (e-mail addresses and phone numbers masked).

Priority is suggested by a rule a product owner can check: **Highest** when at least a quarter
of at least 20 tickets escalated, **High** when at least a tenth escalated, or 20 tickets or more,
or the category spiked, else **Medium**.

Jira's CSV importer reads one value per column and takes repeated ``Labels`` columns as several
labels, so the file has one ``Labels`` column per label. Cells go through
:func:`lib.csvsafe.to_csv_bytes` (no cell starts a spreadsheet formula); Markdown values
through :func:`lib.markdown.md_escape`; Jira wiki markup characters in the description are
backslash-escaped.

Example
-------
>>> from datetime import datetime, UTC
>>> g = {"group": 1, "label": "csv · 500", "example_subject": "CSV export fails (500)",
...      "tickets": 40, "escalated": 12, "open": 5, "customers": 9, "tiers": "pro 60%",
...      "first_seen": datetime(2024, 3, 1, tzinfo=UTC), "last_seen": datetime(2024, 3, 6,
...      tzinfo=UTC), "categories": "Data export 100%", "main_category": "Data export",
...      "spiking": False, "spike": None, "example_ids": ["T1", "T2"]}
>>> priority(g)
'Highest'
>>> jira_csv([draft(g)]).decode("utf-8-sig").splitlines()[0]
'Summary,Description,Issue Type,Priority,Labels,Labels'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from lib.csvsafe import to_csv_bytes
from lib.markdown import md_escape
from lib.privacy import mask_text

#: Characters with a meaning in Jira wiki markup.
_JIRA_SPECIAL = re.compile(r"([\\{}\[\]|*_+^~?#-])")
#: The priority rule in words (shown beside a draft).
PRIORITY_RULE = (
    "Highest when at least a quarter of 20 or more tickets escalated; High when at least a "
    "tenth escalated, or 20 tickets or more, or the category spiked; else Medium"
)
#: The label every draft carries, so a product team can find them.
LABEL = "from-support"


@dataclass(frozen=True)
class Draft:
    """One bug report: what both formats are written from."""

    summary: str
    priority: str
    labels: tuple[str, ...]
    #: (label, value) rows of the evidence table
    evidence: tuple[tuple[str, str], ...]
    #: (ticket id, subject) of the example tickets
    examples: tuple[tuple[str, str], ...]
    #: (issue, tickets) already linked among the group's tickets
    linked: tuple[tuple[str, int], ...] = ()


def priority(group: Mapping[str, Any]) -> str:
    """The suggested priority (see the module's notes)."""
    n, esc = int(group["tickets"]), int(group["escalated"])
    share = esc / n if n else 0.0
    if n >= 20 and share >= 0.25:
        return "Highest"
    if share >= 0.1 or n >= 20 or bool(group.get("spiking")):
        return "High"
    return "Medium"


def _mask(text: Any) -> str:
    return pl.select(mask_text(pl.lit(str(text or ""), dtype=pl.String))).item() or ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else ""


def draft(
    group: Mapping[str, Any],
    examples: Sequence[tuple[str, str]] = (),
    linked: Sequence[tuple[str, int]] = (),
    *,
    period: str = "",
) -> Draft:
    """The draft of one group (a row of :attr:`lib.bugs.BugGroups.groups` as a dict);
    ``examples``: (ticket id, subject) pairs (default: the group's example ids, no subject);
    ``linked``: (issue, tickets) pairs; ``period``: words for the period read."""
    n, esc = int(group["tickets"]), int(group["escalated"])
    subject = _mask(group.get("example_subject") or group.get("label") or "")
    summary = f"{subject[:110]} ({n} support tickets)"
    rows = [
        ("Support tickets", f"{n}" + (f" in {period}" if period else "")),
        ("Escalated", f"{esc} of {n} ({esc / n:.0%})" if n else "0"),
        ("Still open", f"{int(group.get('open') or 0)} of {n}"),
        ("Customers affected", str(int(group.get("customers") or 0))),
        ("Customer tiers", str(group.get("tiers") or "not in the export")),
        ("First seen", _day(group.get("first_seen"))),
        ("Last seen", _day(group.get("last_seen"))),
        ("Categories", str(group.get("categories") or "not in the export")),
        ("Top terms", str(group.get("label") or "")),
    ]
    if group.get("spiking"):
        rows.append(("Topic spike", str(group.get("spike") or "")))
    if not examples:
        examples = [(str(i), "") for i in group.get("example_ids") or []]
    labels = [LABEL]
    if group.get("main_category"):
        labels.append(_slug(str(group["main_category"])))
    if group.get("spiking"):
        labels.append("volume-spike")
    return Draft(
        summary=summary,
        priority=priority(group),
        labels=tuple(lb for lb in labels if lb),
        evidence=tuple(rows),
        examples=tuple((str(i), _mask(s)) for i, s in examples),
        linked=tuple((str(k), int(v)) for k, v in linked),
    )


def _jira_escape(text: str) -> str:
    return _JIRA_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def jira_description(d: Draft) -> str:
    """The draft's description in Jira wiki markup (a table of the evidence, the examples).

    >>> d = Draft("s", "High", (), (("Escalated", "3 of 9"),), (("T1", "a|b"),))
    >>> print(jira_description(d))
    Reported by customers through support (drafted by Escalation Review).
    <BLANKLINE>
    ||Evidence||Value||
    |Escalated|3 of 9|
    <BLANKLINE>
    Example tickets:
    * T1: a\\|b
    """
    lines = ["Reported by customers through support (drafted by Escalation Review).", ""]
    lines.append("||Evidence||Value||")
    lines += [f"|{_jira_escape(k)}|{_jira_escape(v) or ' '}|" for k, v in d.evidence]
    if d.linked:
        lines += [
            "",
            "Already linked: " + ", ".join(f"{_jira_escape(k)} ({v})" for k, v in d.linked),
        ]
    lines += ["", "Example tickets:"]
    lines += [f"* {_jira_escape(i)}" + (f": {_jira_escape(s)}" if s else "") for i, s in d.examples]
    return "\n".join(lines)


def jira_csv(drafts: Sequence[Draft]) -> bytes:
    """Jira CSV import file: Summary, Description, Issue Type (Bug), Priority, one Labels column
    per label; spreadsheet-safe (:mod:`lib.csvsafe`)."""
    width = max((len(d.labels) for d in drafts), default=1) or 1
    label_cols = [f"Labels {k}" for k in range(width)]
    frame = pl.DataFrame(
        {
            "Summary": [d.summary for d in drafts],
            "Description": [jira_description(d) for d in drafts],
            "Issue Type": ["Bug"] * len(drafts),
            "Priority": [d.priority for d in drafts],
            **{
                c: [d.labels[k] if k < len(d.labels) else None for d in drafts]
                for k, c in enumerate(label_cols)
            },
        },
        schema={
            "Summary": pl.String,
            "Description": pl.String,
            "Issue Type": pl.String,
            "Priority": pl.String,
            **dict.fromkeys(label_cols, pl.String),
        },
    )
    body = to_csv_bytes(frame)
    head, sep, rest = body.partition(b"\r\n")
    for c in label_cols:
        head = head.replace(c.encode(), b"Labels")
    return head + sep + rest


def github_markdown(d: Draft) -> str:
    """GitHub issue Markdown: title line, evidence table, example ids, linked issues.

    >>> d = Draft("Login <b>fails</b>", "High", ("from-support",), (("Escalated", "3 of 9"),),
    ...           (("T1", "x | y"),))
    >>> print(github_markdown(d))
    # Login \\<b\\>fails\\</b\\>
    <BLANKLINE>
    Reported by customers through support (drafted by Escalation Review).
    Suggested priority: **High**. Labels: `from-support`.
    <BLANKLINE>
    | Evidence | Value |
    | --- | --- |
    | Escalated | 3 of 9 |
    <BLANKLINE>
    ## Example tickets
    <BLANKLINE>
    - T1: x \\| y
    """
    labels = ", ".join(f"`{re.sub(r'[^a-z0-9-]', '', lb)}`" for lb in d.labels)
    lines = [
        f"# {md_escape(d.summary)}",
        "",
        "Reported by customers through support (drafted by Escalation Review).",
        f"Suggested priority: **{md_escape(d.priority)}**."
        + (f" Labels: {labels}." if labels else ""),
        "",
        "| Evidence | Value |",
        "| --- | --- |",
    ]
    lines += [f"| {md_escape(k)} | {md_escape(v)} |" for k, v in d.evidence]
    if d.linked:
        lines += ["", "## Already linked", ""]
        lines += [f"- {md_escape(k)}: {v} tickets" for k, v in d.linked]
    lines += ["", "## Example tickets", ""]
    lines += [f"- {md_escape(i)}" + (f": {md_escape(s)}" if s else "") for i, s in d.examples]
    return "\n".join(lines)
