"""The self-contained offline review pack (HTML): inline SVG charts and CSS only, so it opens
offline and prints well; every user and data text is escaped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Any

import polars as pl

from lib import audit, formatting, periods, plain_words
from lib.calibration.pack import CalibrationPack, calibration_html
from lib.charts.meetings import drivers_svg, sparkline_svg, trend_svg
from lib.review_pack._common import _meeting_fields, _pct, _when
from lib.review_pack.actions import ACTION_SECTIONS, meeting_actions
from lib.review_pack.agenda import SOURCE_LABELS, _alert_entry
from lib.review_pack.effects import alert_series
from lib.review_pack.facts import AgentFlags, ReviewFacts

_CSS = """
:root { --ink:#1C1917; --muted:#57534E; --line:#E7E5E4; --accent:#C2410C; --bad:#B91C1C;
        --good:#15803D; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 28px 32px 40px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px;
     border-bottom: 2px solid var(--line); break-after: avoid; }
h3 { font-size: 15px; margin: 18px 0 6px; break-after: avoid; }
.meta { color: var(--muted); margin: 2px 0; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { flex: 1 1 200px; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
        break-inside: avoid; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase;
               letter-spacing: .04em; }
.card .value { font-size: 26px; font-weight: 650; }
.card .delta { font-size: 12.5px; color: var(--muted); }
.card .delta.up { color: var(--bad); } .card .delta.down { color: var(--good); }
table { width: 100%; border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { background: #F5F5F4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
.caption { color: var(--muted); font-size: 12.5px; margin: 4px 0 0; }
.empty { color: var(--muted); font-style: italic; }
figure { margin: 6px 0; break-inside: avoid; }
ol.agenda { padding-left: 22px; }
ol.agenda li { margin: 0 0 12px; break-inside: avoid; }
.badge { display: inline-block; font-size: 11px; padding: 1px 7px; border-radius: 10px;
         background: #F5F5F4; color: var(--muted); margin-left: 6px; vertical-align: 1px; }
.decision { margin: 4px 0 0; padding: 6px 10px; border-left: 3px solid var(--accent);
            background: #FFF7ED; white-space: pre-wrap; }
.nodecision { color: var(--muted); font-style: italic; margin: 4px 0 0; }
.overdue { color: var(--bad); font-weight: 600; }
.pre { white-space: pre-wrap; }
.nowrap { white-space: nowrap; }
.alert { display: flex; gap: 16px; align-items: center; border-bottom: 1px solid var(--line);
         padding: 8px 0; break-inside: avoid; }
.alert .text { flex: 1; }
.alert svg.chart { flex: 0 0 300px; }
@media (max-width: 600px) {
  .alert { flex-direction: column; align-items: stretch; }
  .alert svg.chart { flex: none; }
}
footer { margin-top: 30px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line);
         padding-top: 8px; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { margin-top: 18px; }
  section { break-inside: auto; }
}
@page { size: A4; margin: 14mm 12mm; }
"""


def _pts(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:+.1f} pts"


def _h(text: Any) -> str:
    """Escape user or data text for HTML (``None`` as empty)."""
    return "" if text is None else escape(str(text), quote=True)


def _kpi_cards(kpi: audit.KpiTable) -> str:
    r, prev, base = kpi.review, kpi.previous, kpi.baseline
    cards = []
    for label, key in (("Tickets", "tickets"), ("Escalations", "escalations")):
        young = (
            f'<div class="delta">{r["maturing"]:,} more still maturing, not counted</div>'
            if key == "tickets" and kpi.horizon is not None and r.get("maturing")
            else ""
        )
        cards.append(
            f'<div class="card"><div class="label">{label}</div>'
            f'<div class="value">{r[key]:,}</div>'
            f'<div class="delta">previous period {prev[key]:,} · baseline {base[key]:,}</div>'
            f"{young}</div>"
        )
    deltas = []
    for vs, row in (("previous", prev), ("baseline", base)):
        t = kpi.change(vs)
        cls = t.direction if t.significant else "flat"
        sig = "a real change" if t.significant else "may be chance"
        deltas.append(
            f'<div class="delta {cls}">{_pts(t.diff)} vs {vs} ({_pct(row["rate"])}; {sig})</div>'
        )
    cards.append(
        '<div class="card"><div class="label">Escalation rate</div>'
        f'<div class="value">{_pct(r["rate"])}</div>'
        f'<div class="delta">95% interval {_pct(r["rate_low"])} to {_pct(r["rate_high"])}</div>'
        + "".join(deltas)
        + "</div>"
    )
    return '<div class="cards">' + "".join(cards) + "</div>"


def _table(headers: Sequence[tuple[str, bool]], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table; cells are already escaped; ``headers`` are (label, numeric)."""
    head = "".join(f'<th class="num">{h}</th>' if num else f"<th>{h}</th>" for h, num in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{c}</td>' if num else f"<td>{c}</td>"
            for c, (_, num) in zip(row, headers, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _drivers_html(drivers: pl.DataFrame, policy: Sequence[str]) -> str:
    if drivers.height == 0:
        return '<p class="empty">No escalations by category in the review period.</p>'
    rows = []
    for d in drivers.iter_rows(named=True):
        name = _h(d["category"]) + (
            ' <span class="badge">policy</span>' if d["category"] in policy else ""
        )
        rows.append(
            [
                name,
                f"{d['escalations']:,}",
                f"{d['tickets']:,}",
                _pct(d["rate"]),
                _pct(d["previous_rate"]),
                f"{d['escalations_change']:+,}",
                _plain(
                    plain_words.change(d.get("change"), d.get("p_value"), q=d.get("q_value")),
                    plain_words.figures(p=d.get("p_value"), q=d.get("q_value")),
                ),
                _pct(d["share_of_escalations"]),
            ]
        )
    headers = [("Category", False), ("Escalations", True), ("Tickets", True), ("Rate", True),
               ("Previous rate", True), ("Change in escalations", True),
               ("Rate change", False), ("Share of escalations", True)]  # fmt: skip
    return drivers_svg(drivers) + _table(headers, rows)


def _plain(words: str, figures: str) -> str:
    """Plain words with the exact figures in a tooltip.

    >>> _plain("no real change", "p=0.72")
    '<span title="p=0.72">no real change</span>'
    """
    return f'<span title="{_h(figures)}">{_h(words)}</span>'


def _summary(facts: ReviewFacts) -> str:
    """The period's summary: the story every page tells (the bare narrative without one)."""
    return audit.story_words(facts.story).summary if facts.story else audit.narrative(facts.kpi)


def _horizon_note(facts: ReviewFacts) -> str:
    h = facts.kpi.horizon
    return f" Rates count tickets {h.describe()}." if h is not None else ""


def _changes_html(facts: ReviewFacts) -> str:
    """What changed since the previous period, across every dimension (largest first)."""
    story = facts.story
    if story is None:
        return ""
    words = audit.story_words(story)
    rows = [
        [
            _h(c.label),
            _h(c.value),
            _pct(c.rate),
            f"{c.tickets:,}",
            _pct(c.previous_rate),
            f"{c.previous_tickets:,}",
            _pts(c.change),
            _plain(
                plain_words.verdict(c.p_value, q=c.q_value),
                plain_words.figures(p=c.p_value, q=c.q_value),
            ),
        ]
        for c in story.changes
    ]
    headers = [("Dimension", False), ("Value", False), ("Rate, review period", True),
               ("Tickets", True), ("Rate, previous period", True), ("Tickets", True),
               ("Change", True), ("Could it be chance?", False)]  # fmt: skip
    table = _table(headers, rows) if rows else ""
    mix = f'<p class="caption">{_h(words.mix)}</p>' if words.mix else ""
    return (
        '<section id="changes"><h2>What changed since the previous period</h2>'
        f"<p>{_h(words.changes)}</p>{table}{mix}</section>"
    )


def _agents_html(agents: AgentFlags) -> str:
    note = f'<p class="caption">{_h(agents.note)}</p>'
    if agents.table is None:
        return f'<p class="empty">{_h(agents.note)}</p>'
    if agents.table.height == 0:
        return '<p class="empty">No agent stands out once case mix is allowed for.</p>' + note
    rows = []
    for a in agents.table.iter_rows(named=True):
        rows.append(
            [
                _h(a["agent"]),
                f"{a['tickets']:,}",
                f"{a['escalated']:,}",
                formatting.count(a["expected"]),
                formatting.ratio(a["ratio"]),
                _h(a.get("direction") or ""),
                _plain(plain_words.odds(a["q_value"]), plain_words.figures(q=a["q_value"]))
                if a.get("q_value") is not None
                else "–",
            ]
        )
    headers = [("Agent", False), ("Tickets", True), ("Escalations", True), ("Expected", True),
               ("Observed / expected", True), ("Direction", False),
               ("Chance it's noise (every agent tested)", True)]  # fmt: skip
    return _table(headers, rows) + note


def _alerts_html(alerts: pl.DataFrame | None, tickets: pl.DataFrame | None) -> str:
    if alerts is None or alerts.height == 0:
        return '<p class="empty">No alerts were sent to this meeting\'s agenda.</p>'
    out = []
    for a in alerts.iter_rows(named=True):
        entry = _alert_entry(a)
        chart = ""
        if tickets is not None:
            series = alert_series(tickets, a)
            if series.height:
                unit = "mean sentiment" if a.get("metric") == "sentiment" else "tickets"
                chart = sparkline_svg(
                    series.get_column("date").to_list(),
                    series.get_column("value").to_list(),
                    window=(a["start_date"], a.get("end_date") or a["start_date"]),
                    unit=unit,
                )
        out.append(
            f'<div class="alert"><div class="text"><strong>{_h(entry.title)}</strong>'
            f'<div class="caption">{_h(entry.detail)}</div></div>{chart}</div>'
        )
    return "".join(out) + (
        '<p class="caption">Daily tickets (or mean sentiment) of the topic; the alert\'s days '
        "are shaded.</p>"
    )


def _agenda_html(agenda: pl.DataFrame) -> str:
    if agenda.height == 0:
        return '<p class="empty">No agenda items.</p>'
    items = []
    for item in agenda.iter_rows(named=True):
        label = SOURCE_LABELS.get(item.get("source") or "free", "Note")
        decision = (item.get("decision") or "").strip()
        dec = (
            f'<div class="decision"><strong>Decision:</strong> {_h(decision)}</div>'
            if decision
            else '<p class="nodecision">No decision recorded.</p>'
        )
        detail = f'<div class="caption">{_h(item["detail"])}</div>' if item.get("detail") else ""
        items.append(
            f"<li><strong>{_h(item['title'])}</strong>"
            f'<span class="badge">{_h(label)}</span>{detail}{dec}</li>'
        )
    return '<ol class="agenda">' + "".join(items) + "</ol>"


def _actions_html(frame: pl.DataFrame) -> str:
    if frame.height == 0:
        return '<p class="empty">None.</p>'
    rows = []
    for a in frame.iter_rows(named=True):
        due = f'<span class="nowrap">{_h(a.get("due_date") or "")}</span>'
        if a.get("overdue"):
            due = f'<span class="overdue">{due} (overdue)</span>'
        link = f"{a['link_kind']}: {a['link_value']}" if a.get("link_kind") else ""
        rows.append(
            [
                str(a["id"]),
                _h(a["title"]) + (f'<div class="caption">{_h(a["description"])}</div>'
                                  if a.get("description") else ""),
                _h(a.get("owner") or ""),
                due,
                _h(str(a.get("status") or "").replace("_", " ")),
                _h(a.get("priority") or ""),
                _h(link),
                _h(a.get("outcome_note") or ""),
            ]
        )  # fmt: skip
    headers = [("#", True), ("Action", False), ("Owner", False), ("Due", False),
               ("Status", False), ("Priority", False), ("Linked to", False),
               ("Outcome", False)]  # fmt: skip
    return _table(headers, rows)


def review_pack_html(
    meeting: Any,
    agenda: pl.DataFrame,
    actions: pl.DataFrame,
    *,
    facts: ReviewFacts | None = None,
    alerts: pl.DataFrame | None = None,
    tickets: pl.DataFrame | None = None,
    dataset_name: str = "",
    definition: str = "",
    generated_at: dt.datetime | None = None,
    calibration: CalibrationPack | None = None,
) -> str:
    """The self-contained HTML review pack of a meeting.

    Sections: headline numbers (with the tests against the previous period and the baseline),
    the weekly trend, top drivers, flagged agents, the alerts on the agenda (with a daily chart
    of their topic when ``tickets`` are given), the agenda with decisions, and the action items
    (agreed, closed, still open). Charts are inline SVG; no script, font, image or style sheet
    is fetched, so the file opens offline; print CSS lays it out on A4. All user and data text
    is HTML-escaped. ``alerts`` are the alert records (:meth:`lib.store.Store.get_alert_states`
    rows) of the alerts on the agenda. ``calibration``: the latest closed calibration session
    and the escalation matrix (:mod:`lib.calibration.pack`), a section after the actions.

    >>> from datetime import date
    >>> html = review_pack_html({"id": 1, "title": "<script>x</script>", "date": date(2024, 3, 1)},
    ...                         pl.DataFrame(schema={"title": pl.String}),
    ...                         pl.DataFrame(schema={"id": pl.Int64}))
    >>> "<script>" in html, "&lt;script&gt;x&lt;/script&gt;" in html
    (False, True)
    """
    m = _meeting_fields(meeting)
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    title = m.get("title") or "Escalation review"
    meta = [f"Meeting {m.get('date') or ''}", f"review period {_when(m)}"]
    if dataset_name:
        meta.append(f"dataset {dataset_name}")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<header><h1>{_h(title)}</h1>",
        f'<p class="meta">{_h(" · ".join(meta))}</p>',
    ]
    if definition:
        parts.append(f'<p class="meta">{_h(definition)}</p>')
    if m.get("attendees"):
        parts.append(f'<p class="meta">Attendees: {_h(m["attendees"])}</p>')
    parts.append("</header>")
    if facts is not None:
        p = facts.periods
        parts += [
            '<section id="headline"><h2>Headline numbers</h2>',
            _kpi_cards(facts.kpi),
            f"<p>{_h(_summary(facts))}</p>",
            f'<p class="caption">{_h(p.label("review"))}; {_h(p.label("previous"))}; '
            f"{_h(p.label('baseline'))}. A change is called significant when a two-proportion "
            f"test gives p &lt; 0.05.{_h(_horizon_note(facts))}</p></section>",
            _changes_html(facts),
            '<section id="trend"><h2>Trend</h2><figure>',
            trend_svg(facts.trend, highlight=p.review),
            '</figure><p class="caption">Bars: tickets created per week (right axis). Line: '
            "share escalated, with its 95% Wilson interval as the band; the review period is "
            "shaded. Hover a point for its counts.</p></section>",
            '<section id="drivers"><h2>Top drivers in the review period</h2>',
            _drivers_html(facts.drivers, facts.policy_categories),
            f'<p class="caption">Categories with most escalations among tickets created in the '
            f"review period ({_h(formatting.day_range(*p.review))}), each compared with the "
            f"previous period ({_h(formatting.day_range(*p.previous))}).</p>",
            "</section>",
            f'<section id="agents"><h2>Flagged agents, review period '
            f"({_h(formatting.day_range(*p.review))})</h2>",
            _agents_html(facts.agents),
            "</section>",
        ]
    parts += [
        '<section id="alerts"><h2>Alerts</h2>',
        _alerts_html(alerts, tickets),
        "</section>",
        '<section id="agenda"><h2>Agenda and decisions</h2>',
        _agenda_html(agenda),
        "</section>",
    ]
    split = meeting_actions(m, agenda, actions)
    parts.append('<section id="actions"><h2>Action items</h2>')
    for key, heading in ACTION_SECTIONS:
        parts += [f"<h3>{heading}</h3>", _actions_html(split[key])]
    parts.append("</section>")
    if calibration is not None:
        parts.append(calibration_html(calibration))
    if (m.get("notes") or "").strip():
        parts.append(
            f'<section id="notes"><h2>Notes</h2><p class="pre">{_h(m["notes"])}</p></section>'
        )
    parts.append(
        f"<footer>Generated {generated_at.strftime('%Y-%m-%d %H:%M UTC')} by Escalation Review. "
        "Escalation rate = escalated tickets / tickets created in the period; intervals are 95% "
        "Wilson intervals.</footer></main></body></html>"
    )
    return "\n".join(parts)


def meeting_pack_html(
    meeting: Any,
    agenda: pl.DataFrame,
    actions: pl.DataFrame,
    alert_states: pl.DataFrame,
    tickets: pl.DataFrame,
    *,
    zone: str,
    sentiment: Callable[[], pl.DataFrame],
    **pack: Any,
) -> str:
    """:func:`review_pack_html` of a meeting as the app and ``review pack`` build it: the alerts
    on its ``agenda`` picked from ``alert_states`` (the store's records), a sentiment alert
    charted with the scores of ``sentiment()`` (``ticket_id``, ``sentiment``; asked for only
    then), every day counted in the meeting's dataset's business ``zone``. ``pack``: the other
    arguments of :func:`review_pack_html` (facts, dataset name, definition, calibration).

    >>> from datetime import date
    >>> none = pl.DataFrame({"source": [], "ref": []}, schema={"source": pl.String,
    ...                                                        "ref": pl.String})
    >>> states = pl.DataFrame({"alert_key": [], "metric": []},
    ...                       schema={"alert_key": pl.String, "metric": pl.String})
    >>> html = meeting_pack_html({"id": 1, "title": "Review", "date": date(2024, 3, 1)}, none,
    ...     pl.DataFrame(), states, pl.DataFrame(), zone="Asia/Tokyo", sentiment=pl.DataFrame)
    >>> "<h1>Review</h1>" in html
    True
    """
    keys = agenda.filter(pl.col("source") == "alert").get_column("ref").to_list()
    alerts = alert_states.filter(pl.col("alert_key").is_in([k for k in keys if k]))
    if alerts.height and (alerts.get_column("metric") == "sentiment").any():
        scored = sentiment().select("ticket_id", "sentiment")
        tickets = tickets.drop("sentiment").join(scored, on="ticket_id", how="left")
    with periods.use_zone(zone):  # the alert charts' days
        return review_pack_html(meeting, agenda, actions, alerts=alerts, tickets=tickets, **pack)
