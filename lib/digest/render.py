"""The digest in words: Markdown, HTML (charts as PNG images) and JSON.

The content is laid out once, as a list of plain-text blocks (:func:`blocks`); the Markdown and
HTML renderers only format them, escaping every value (dataset, category, alert and action
names come from files and users). The HTML refers to its charts either as ``cid:`` parts of an
e-mail (``cid=True``, images from :func:`chart_images`) or as ``data:`` URIs (one offline file).

Example
-------
>>> from datetime import date, datetime, timezone
>>> import polars as pl
>>> from lib.digest.build import build_digest
>>> from lib.schema import conform
>>> t = conform(pl.DataFrame({"ticket_id": ["1", "2"], "escalated": [True, False],
...     "created_at": [datetime(2024, 2, 20, 9, tzinfo=timezone.utc)] * 2}))
>>> d = build_digest(t, dataset="Demo helpdesk", today=date(2024, 3, 1), with_alerts=False,
...                  with_risk=False, now=datetime(2024, 3, 1, 8, tzinfo=timezone.utc))
>>> first, _, meta = to_markdown(d).splitlines()[:3]
>>> print(first)
# Escalation digest: Demo helpdesk
>>> print(meta)
_Review period 2024-02-07 to 2024-02-20 · generated 2024-03-01 08:00 UTC_
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from lib import formatting
from lib.digest.build import figures
from lib.digest.charts import WIDTH, drivers_png, trend_png
from lib.digest.model import ActionLine, Digest
from lib.markdown import md_escape, md_inline

#: Content-IDs of the charts (``cid:trend`` in the e-mail's HTML).
TREND_CID, DRIVERS_CID = "trend", "drivers"


@dataclass(frozen=True)
class Block:
    """One piece of the digest: a heading, a paragraph, a list, a table or a chart."""

    kind: str  # "h2", "p", "note", "ul", "table", "img", "cards"
    text: str = ""
    items: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def subject(d: Digest) -> str:
    """The e-mail subject: dataset, period and the rate with its change.

    >>> # "Escalation digest · Demo · 2024-03-18 to 2024-03-31: 14.6% (+1.2 pts)"
    """
    r = d.rate
    change = f" ({formatting.pts(r.change)})" if r.change is not None else ""
    name = f" · {d.dataset}" if d.dataset else ""
    when = formatting.day_range(*r.review)
    return f"Escalation digest{name} · {when}: {formatting.pct(r.rate)}{change}"


def _of(n: int, total: int) -> str:
    return f"{n:,} of {total:,} tickets"


def _rate_blocks(d: Digest) -> list[Block]:
    r = d.rate
    verdict = "a real change" if r.significant else "may be chance"
    items = [
        f"Review period {formatting.day_range(*r.review)}: {formatting.pct(r.rate)} "
        f"({r.escalations:,} escalated of {r.tickets:,} tickets)",
        f"Previous period {formatting.day_range(*r.previous)}: "
        f"{formatting.pct(r.previous_rate)} ({_of(r.previous_escalations, r.previous_tickets)})"
        + (
            f", change {formatting.pts(r.change)} ({verdict}"
            + (f", p = {r.p_value:.3f})" if r.p_value is not None else ")")
            if r.change is not None
            else ""
        ),
    ]
    if r.baseline is not None:
        base = "a real change" if r.baseline_significant else "may be chance"
        diff = (r.rate or 0) - (r.baseline_rate or 0)
        items.append(
            f"Baseline {formatting.day_range(*r.baseline)}: {formatting.pct(r.baseline_rate)} "
            f"of {r.baseline_tickets:,} tickets, difference {formatting.pts(diff)} ({base})"
        )
    else:
        items.append("Baseline: overlaps the review period, not compared")
    cards = (
        f"Escalation rate|{formatting.pct(r.rate)}|{r.escalations:,} of {r.tickets:,} tickets",
        f"vs previous period|{formatting.pts(r.change)}|"
        + (f"was {formatting.pct(r.previous_rate)}, {verdict}" if r.change is not None else ""),
        f"Alerts|{len(d.alerts.lines):,}|{d.alerts.new:,} not triaged",
        f"Open at risk|{d.at_risk.above:,}|"
        + ("no score" if d.at_risk.refusal else f"above {formatting.pct(d.at_risk.threshold, 0)}"),
        f"Actions overdue|{len(d.overdue):,}|{len(d.due):,} due within {d.due_days} days",
    )
    out = [
        Block("cards", items=cards),
        Block("h2", "Escalation rate"),
        Block("ul", items=tuple(items)),
    ]
    notes = []
    if r.horizon:
        notes.append(
            f"Rates count tickets {r.horizon}; {r.maturing:,} tickets of the review period are "
            "still maturing and left out."
        )
    notes.append(
        "Escalation rate = escalated tickets / tickets created in the period; a change is called "
        "real when a two-proportion test gives p < 0.05 (the Overview's numbers)."
    )
    if not d.low_signal:  # as the Overview: rates under the warning are no finding
        out += [Block("p", line) for line in d.summary]
    out.append(Block("img", TREND_CID, items=("Weekly escalation rate and tickets",)))
    out.append(
        Block(
            "note",
            "Bars: tickets created per week (right scale). Line: share escalated (left scale); "
            "the review period is shaded. " + " ".join(notes),
        )
    )
    return out


def _drivers_blocks(d: Digest) -> list[Block]:
    out = [Block("h2", "Top drivers in the review period")]
    if not d.drivers:
        return [*out, Block("note", "No escalations in the review period.")]
    rows = tuple(
        (
            x.category,
            f"{x.escalations:,}",
            f"{x.escalations_change:+,}",
            f"{x.tickets:,}",
            formatting.pct(x.rate),
        )
        for x in d.drivers
    )
    return [
        *out,
        Block("img", DRIVERS_CID, items=("Escalations by category in the review period",)),
        Block(
            "table",
            headers=("Category", "Escalations", "vs previous", "Tickets", "Rate"),
            rows=rows,
        ),
    ]


def _alerts_blocks(d: Digest) -> list[Block]:
    a = d.alerts
    out = [Block("h2", "New alerts")]
    if a.note:
        return [*out, Block("note", f"No alerts: {a.note}.")]
    if not a.lines:
        return [
            *out,
            Block(
                "note",
                f"No {a.topic} alert in the review period at the {a.sensitivity} setting "
                f"({a.before:,} in the period before).",
            ),
        ]
    rows = tuple(
        (x.topic, x.kind, x.dates, x.text, "new" if x.state is None else x.state) for x in a.lines
    )
    return [
        *out,
        Block("table", headers=("Topic", "Kind", "When", "What", "Triage"), rows=rows),
        Block(
            "note",
            f"Anomalies page defaults: {a.topic} topics, {a.sensitivity} sensitivity; alerts "
            f"dismissed as noise are left out ({a.before:,} alerts in the period before).",
        ),
    ]


def _risk_blocks(d: Digest) -> list[Block]:
    k = d.at_risk
    out = [Block("h2", "Open tickets at risk")]
    if k.refusal:
        return [*out, Block("note", f"No score: {k.refusal}.".replace("..", "."))]
    head = (
        f"{k.above:,} of {k.open:,} open tickets are scored above "
        f"{formatting.pct(k.threshold, 0)} chance of escalating"
        + (f" within {k.horizon_days:g} days" if k.horizon_days else "")
        + " (the At risk page's model)."
    )
    if not k.lines:
        return [*out, Block("p", head)]
    rows = tuple(
        (x.ticket_id, formatting.pct(x.risk, 0), x.category or "–", x.agent or "–", x.why)
        for x in k.lines
    )
    return [
        *out,
        Block("p", head),
        Block("table", headers=("Ticket", "Risk", "Category", "Agent", "Why"), rows=rows),
    ]


def _action_rows(lines: Sequence[ActionLine]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (str(x.id), x.title, x.owner or "–", str(x.due_date or "–"), x.status.replace("_", " "))
        for x in lines
    )


def _actions_blocks(d: Digest) -> list[Block]:
    out = [Block("h2", "Action items due or overdue")]
    if not d.overdue and not d.due:
        return [
            *out,
            Block("note", f"No open action item is overdue or due within {d.due_days} days."),
        ]
    heads = ("Item", "Title", "Owner", "Due", "Status")
    if d.overdue:
        out += [
            Block("p", f"Overdue: {len(d.overdue):,}"),
            Block("table", headers=heads, rows=_action_rows(d.overdue)),
        ]
    if d.due:
        out += [
            Block("p", f"Due within {d.due_days} days: {len(d.due):,}"),
            Block("table", headers=heads, rows=_action_rows(d.due)),
        ]
    return out


def _since_blocks(d: Digest) -> list[Block]:
    out = [Block("h2", "Since the last meeting")]
    s = d.since
    if s is None:
        return [*out, Block("note", "No review meeting yet.")]
    items = [f"Last meeting: {s.title}" + ("" if str(s.date) in s.title else f", {s.date}")]
    if s.period is not None:
        items.append(
            f"Rate then ({formatting.day_range(*s.period)}): {formatting.pct(s.rate_then)} of "
            f"{s.tickets_then:,} tickets; now {formatting.pct(s.rate_now)}"
            + (
                f" ({formatting.pts(s.rate_now - s.rate_then)})"
                if s.rate_now is not None and s.rate_then is not None
                else ""
            )
        )
    closed = "; ".join(s.actions_closed) if s.actions_closed else "none"
    items.append(f"Action items closed since ({len(s.actions_closed):,}): {closed}")
    items.append(f"Action items still open: {s.actions_open:,}")
    return [*out, Block("ul", items=tuple(items))]


def blocks(d: Digest) -> list[Block]:
    """The digest's content, in order, as plain text (the renderers escape it)."""
    out = [Block("note", w) for w in d.warnings]
    if d.low_signal:
        out.append(Block("note", d.low_signal))
    out += _rate_blocks(d)
    out += _drivers_blocks(d)
    out += _alerts_blocks(d)
    out += _risk_blocks(d)
    out += _actions_blocks(d)
    out += _since_blocks(d)
    return out


def _meta(d: Digest) -> str:
    parts = [f"Review period {formatting.day_range(*d.rate.review)}"]
    parts.append(f"generated {d.generated_at:%Y-%m-%d %H:%M} UTC")
    return " · ".join(parts)


def _title(d: Digest) -> str:
    return "Escalation digest" + (f": {d.dataset}" if d.dataset else "")


def to_markdown(d: Digest) -> str:
    """The digest as Markdown (GitHub-flavoured tables; charts are left out)."""
    lines = [f"# {md_escape(_title(d))}", "", f"_{md_escape(_meta(d))}_", ""]
    if d.definition:
        lines += [md_escape(d.definition), ""]
    for b in blocks(d):
        if b.kind == "h2":
            lines += [f"## {md_escape(b.text)}", ""]
        elif b.kind in ("p", "note"):
            text = md_escape(b.text)
            lines += [f"_{text}_" if b.kind == "note" else text, ""]
        elif b.kind == "ul":
            lines += [f"- {md_inline(i)}" for i in b.items] + [""]
        elif b.kind == "cards":
            cells = [c.split("|") for c in b.items]
            lines += [
                "| " + " | ".join(md_inline(c[0]) for c in cells) + " |",
                "|" + " --- |" * len(cells),
                "| " + " | ".join(f"**{md_inline(c[1])}** {md_inline(c[2])}" for c in cells) + " |",
                "",
            ]
        elif b.kind == "table":
            lines += [
                "| " + " | ".join(md_inline(h) for h in b.headers) + " |",
                "|" + " --- |" * len(b.headers),
                *("| " + " | ".join(md_inline(c) for c in row) + " |" for row in b.rows),
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


def chart_images(d: Digest) -> dict[str, bytes]:
    """The charts as PNG bytes keyed by Content-ID (``trend``, ``drivers``)."""
    return {
        TREND_CID: trend_png(d.trend, review=d.rate.review),
        DRIVERS_CID: drivers_png(d.drivers),
    }


_CSS = (
    "body{margin:0;background:#fff;color:#1C1917;font:14px/1.45 system-ui,-apple-system,"
    "'Segoe UI',Roboto,sans-serif}main{max-width:640px;margin:0 auto;padding:20px 16px}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;padding-bottom:3px;"
    "border-bottom:2px solid #E7E5E4}.meta,.note{color:#57534E;font-size:12.5px}"
    "table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}"
    "th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #E7E5E4;vertical-align:top}"
    "th{background:#F5F5F4}td.card{border:1px solid #E7E5E4;padding:8px 10px;width:20%}"
    ".label{color:#57534E;font-size:11px;text-transform:uppercase;letter-spacing:.04em}"
    ".value{font-size:22px;font-weight:650}img{max-width:100%;height:auto}"
)


def to_html(d: Digest, *, cid: bool = False) -> str:
    """The digest as one HTML page. ``cid=True``: charts as ``cid:`` references to the e-mail's
    inline parts (:func:`chart_images`); else as ``data:`` URIs (a file that opens offline)."""
    images = {} if cid else chart_images(d)
    h = escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(_title(d))}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{h(_title(d))}</h1>",
        f'<p class="meta">{h(_meta(d))}</p>',
    ]
    if d.definition:
        parts.append(f'<p class="meta">{h(d.definition)}</p>')
    for b in blocks(d):
        if b.kind == "h2":
            parts.append(f"<h2>{h(b.text)}</h2>")
        elif b.kind == "p":
            parts.append(f"<p>{h(b.text)}</p>")
        elif b.kind == "note":
            parts.append(f'<p class="note">{h(b.text)}</p>')
        elif b.kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{h(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "cards":
            cells = []
            for c in b.items:
                label, value, sub = c.split("|")
                cells.append(
                    f'<td class="card"><div class="label">{h(label)}</div>'
                    f'<div class="value">{h(value)}</div><div class="note">{h(sub)}</div></td>'
                )
            parts.append(f"<table><tr>{''.join(cells)}</tr></table>")
        elif b.kind == "table":
            head = "".join(f"<th>{h(x)}</th>" for x in b.headers)
            body = "".join(
                "<tr>" + "".join(f"<td>{h(c)}</td>" for c in row) + "</tr>" for row in b.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif b.kind == "img":
            src = (
                f"cid:{b.text}"
                if cid
                else "data:image/png;base64," + base64.b64encode(images[b.text]).decode()
            )
            parts.append(f'<img src="{src}" alt="{h(b.items[0])}" width="{WIDTH}">')
    parts.append(
        '<p class="note">Sent by Escalation Review (python -m review digest). The numbers are '
        "those the app shows for the same dataset, period and escalation horizon.</p>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts)


def to_text(d: Digest) -> str:
    """The plain-text part of an e-mail: the Markdown (readable as it is)."""
    return to_markdown(d)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_dict(d: Digest) -> dict[str, Any]:
    """The digest as plain JSON-ready data, with its :func:`figures` under ``"figures"``."""
    out = _plain(dataclasses.asdict(d))
    out["figures"] = figures(d)
    out["subject"] = subject(d)
    return out


def to_json(d: Digest) -> str:
    """The digest as JSON (dates as ISO strings; ``figures`` holds the threshold keys)."""
    return json.dumps(to_dict(d), indent=2, ensure_ascii=False, allow_nan=False)
