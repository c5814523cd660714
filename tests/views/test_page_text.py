"""AppTest: every page's text, read as a user reads it, uses one number and date format and no
internal names (issue "One story": ``ticket_id`` on screen, "17015 of 100286", "-0.0", "07 Nov").

The scan covers titles, headings, markdown, captions, messages, metric labels, values and deltas,
table headers, tab and expander labels of every page on the demo data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = (
    "views/overview.py",
    "views/breakdowns.py",
    "views/drivers.py",
    "views/routing.py",
    "views/agents.py",
    "views/anomalies.py",
    "views/meetings.py",
    "views/data.py",
)
INTERNAL = re.compile(
    r"\b(ticket_id|created_at|solved_at|updated_at|escalated_at|escalation_reason|in_progress"
    r"|on_hold|first_response_minutes|customer_tier|row_count|first_agent|first_group"
    r"|escalated_by|p_value|share_of_escalations)\b"
)
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
OTHER_DATE_STYLES = re.compile(
    rf"\b\d{{1,2}} {MONTH}\b|\b{MONTH}[a-z]* \d{{1,2}},? \d{{4}}\b"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
)
#: A number of 10,000 or more written without thousands separators.
BARE_THOUSANDS = re.compile(r"(?<![\w.,#/:-])\d{5,}(?![\d.,])")
NEGATIVE_ZERO = re.compile(r"(?<![\d.])-0(?:\.0+)?(?![\d.])")
#: A figure with three or more decimals, unless it is a p- or q-value.
LONG_FLOAT = re.compile(r"(?<![pq]=)(?<![pq] = )(?<![\d.])\d+\.\d{3,}")


def _texts(at: AppTest) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for kind in ("success", "error"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for m in at.metric:
        out.append(("metric", f"{m.label} | {m.value} | {m.delta or ''}"))
    out += [("table header", " | ".join(map(str, d.value.columns))) for d in at.dataframe]
    out += [("expander", str(e.label)) for e in at.expander]
    out += [("tab", str(t.label)) for t in at.tabs]
    return out


def problems(texts: list[tuple[str, str]]) -> list[str]:
    """Every rule a text breaks, as ``kind: rule: text``.

    >>> problems([("caption", "17015 of 100286 on 07 Nov, -0.0 pts, ticket_id, 0.12345")])[0]
    'caption: internal name: 17015 of 100286 on 07 Nov, -0.0 pts, ticket_id, 0.12345'
    >>> problems([("caption", "17,015 of 100,286 from 2026-11-07 (p=0.00053)")])
    []
    """
    rules = {
        "internal name": INTERNAL,
        "date style": OTHER_DATE_STYLES,
        "no thousands separator": BARE_THOUSANDS,
        "-0": NEGATIVE_ZERO,
        "unrounded figure": LONG_FLOAT,
    }
    out = []
    for kind, text in texts:
        plain = text.replace("\\", "")
        out += [f"{kind}: {rule}: {plain[:200]}" for rule, rx in rules.items() if rx.search(plain)]
    return out


def test_the_rules_catch_what_the_issue_saw() -> None:
    bad = problems(
        [
            ("caption", "17015 of 100286 tickets"),
            ("metric", "Change | -0.0 pts | "),
            ("table header", "rank | ticket_id | created_at"),
            ("caption", "29 Oct – 19 Nov 2026 (22 days)"),
            ("caption", "ratio 1.04567"),
        ]
    )
    assert [b.split(": ")[1] for b in bad] == [
        "no thousands separator",
        "-0",
        "internal name",
        "date style",
        "unrounded figure",
    ]


@pytest.mark.parametrize("page", PAGES)
def test_page_text_uses_one_format_and_no_internal_names(review_home: Path, page: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    texts = _texts(at)
    assert len(texts) > 10, "the page drew almost nothing"
    assert problems(texts) == []
