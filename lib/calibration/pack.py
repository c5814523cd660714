"""The meeting pack's calibration section: the latest closed session's agreement, its most
disputed scenarios and the escalation matrix the team agreed on (HTML, every text escaped)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import polars as pl

from lib.calibration import words
from lib.calibration.results import Results


@dataclass(frozen=True)
class CalibrationPack:
    """What the pack shows: a session's title, date and results (``None`` before any session
    is closed), and the current matrix rows (``category``, ``situation``, ``action``, ``to``)
    with its version number."""

    title: str
    closed: str
    results: Results | None
    matrix: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    matrix_version: int | None = None


def _h(value: Any) -> str:
    return escape("" if value is None else str(value))


def _disputed(r: Results, n: int) -> str:
    top = r.items.filter(pl.col("agreement") < 1).head(n)
    if top.height == 0:
        return ""
    rows = [
        f"<tr><td>{_h(it['ticket_id'])}</td><td>{_h(it['category'])}</td>"
        f"<td>{_h(it['subject'])}</td>"
        f'<td class="num">{it["escalate"]} / {it["tier1"]}</td>'
        f"<td>{_h(it['what_happened'])}</td></tr>"
        for it in top.iter_rows(named=True)
    ]
    return (
        "<h3>Most disputed scenarios</h3><table><thead><tr><th>Ticket</th><th>Category</th>"
        '<th>Subject</th><th class="num">Escalate / Tier 1</th><th>What happened</th></tr>'
        "</thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def calibration_html(pack: CalibrationPack, *, disputed: int = 3) -> str:
    """The ``<section id="calibration">`` of the review pack.

    >>> from lib.calibration.results import session_results
    >>> items = pl.DataFrame({"item_id": [1], "position": [0], "ticket_id": ["a"],
    ...     "category": ["<b>"], "subject": [""], "outcome_escalated": [True],
    ...     "outcome_group": [None]})
    >>> answers = pl.DataFrame({"item_id": [1, 1], "participant": ["a", "b"],
    ...     "escalate": [True, False], "target": ["", ""], "reason": ["", ""]})
    >>> results = session_results(items, answers)
    >>> html = calibration_html(CalibrationPack("S1", "2024-03-01", results))
    >>> "&lt;b&gt;" in html and "<b>" not in html
    True
    """
    parts = [
        '<section id="calibration"><h2>Calibration: does the team agree on when to escalate?</h2>'
    ]
    r = pack.results
    if r is None:
        parts.append('<p class="empty">No calibration session has been closed yet.</p>')
    else:
        parts += [
            f'<p class="meta">Session “{_h(pack.title)}”, closed {_h(pack.closed)}.</p>',
            f"<p>{_h(words.headline(r))}</p>",
            "<ul>",
            f"<li>Fleiss' kappa {_h(words.coefficient_words(r.decision_kappa))}</li>",
            f"<li>Gwet's AC1 {_h(words.coefficient_words(r.decision_ac1))}</li>",
            "</ul>",
            _disputed(r, disputed),
        ]
    if pack.matrix:
        parts.append(f"<h3>Escalation matrix (version {_h(pack.matrix_version)})</h3>")
        parts.append(
            "<table><thead><tr><th>Category</th><th>Situation</th><th>Do</th><th>To</th>"
            "</tr></thead><tbody>"
        )
        for m in pack.matrix:
            parts.append(
                f"<tr><td>{_h(m.get('category'))}</td><td>{_h(m.get('situation'))}</td>"
                f"<td>{_h(m.get('action'))}</td><td>{_h(m.get('to'))}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append(f'<p class="caption">{_h(words.MEANING)}</p></section>')
    return "\n".join(parts)
