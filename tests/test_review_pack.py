"""Tests for lib/review_pack.py and lib/charts/meetings.py: agenda, edits, effects, minutes, pack.

The agenda is built from the seeded demo helpdesk, whose planted effects are known
(lib.demo.DemoTruth): the outlier agent must be on it (when lib.outliers is installed), the
hard-case agent must not, and the top driver must be the category with most escalations in the
review period, counted here directly.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from html import escape
from html.parser import HTMLParser

import polars as pl
import pytest

from lib import review_pack as rp
from lib.charts.meetings import drivers_svg, nice_ticks, sparkline_svg, trend_svg
from lib.demo import demo_tickets, demo_truth
from lib.periods import in_dates, review_periods
from lib.store import Store

HAS_OUTLIERS = importlib.util.find_spec("lib.outliers") is not None
UTC = dt.UTC
EXTERNAL = re.compile(r"""(?:src|href|action|srcset|poster)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    return demo_tickets()


@pytest.fixture(scope="module")
def periods(tickets: pl.DataFrame):
    p = review_periods(tickets)
    return rp.meeting_periods(tickets, *p.review, baseline=p.baseline)


@pytest.fixture(scope="module")
def facts(tickets: pl.DataFrame, periods) -> rp.ReviewFacts:
    return rp.review_facts(tickets, periods, policy_categories=demo_truth().policy_categories)


def _review_slice(tickets: pl.DataFrame, periods) -> pl.DataFrame:
    return tickets.filter(in_dates(*periods.review))


# ------------------------------------------------------------------ facts and agenda


def test_headline_matches_hand_count(tickets, periods, facts) -> None:
    part = _review_slice(tickets, periods)
    n, k = part.height, int(part.get_column("escalated").sum())
    prev = tickets.filter(in_dates(*periods.previous))
    kp, np_ = int(prev.get_column("escalated").sum()), prev.height
    agenda = rp.build_agenda(facts)
    head = agenda[0]
    assert (head.source, head.ref) == ("free", rp.HEADLINE_REF)
    assert head.title.startswith(f"Escalation rate {100 * k / n:.1f}% ({k:,} of {n:,}) vs ")
    assert f"{100 * kp / np_:.1f}% previous period" in head.title
    assert facts.periods.previous == (
        periods.review[0] - dt.timedelta(days=14),
        periods.review[0] - dt.timedelta(days=1),
    )


def test_top_driver_is_the_category_with_most_escalations(tickets, periods, facts) -> None:
    part = _review_slice(tickets, periods).filter(pl.col("escalated"))
    counts = part.group_by("category").len().sort(["len", "category"], descending=[True, False])
    top, n = counts.row(0)
    prev = tickets.filter(in_dates(*periods.previous) & pl.col("escalated"))
    n_prev = prev.filter(pl.col("category") == top).height
    drivers = [e for e in rp.build_agenda(facts) if e.source == "driver"]
    assert drivers[0].ref == top
    assert drivers[0].title == f"Driver: {top}, {n:,} escalations ({n - n_prev:+,})"
    # the three biggest by escalations come first, in order
    assert [d.ref for d in drivers[:3]] == counts.get_column("category").head(3).to_list()


def test_rising_category_beyond_the_top_three_is_added(facts) -> None:
    rest = facts.drivers.slice(3).filter(pl.col("significant") & (pl.col("change") > 0))
    refs = [e.ref for e in rp.build_agenda(facts) if e.source == "driver"]
    for cat in rest.get_column("category").to_list():
        assert cat in refs[3:]


@pytest.mark.skipif(not HAS_OUTLIERS, reason="lib.outliers is not installed")
def test_planted_outlier_agent_is_on_the_agenda_and_the_hard_case_agent_is_not(facts) -> None:
    truth = demo_truth()
    agents = [e.ref for e in rp.build_agenda(facts) if e.source == "agent"]
    assert truth.outlier_agent in agents
    assert truth.hard_case_agent not in agents
    entry = next(e for e in rp.build_agenda(facts) if e.ref == truth.outlier_agent)
    row = facts.agents.table.filter(pl.col("agent") == truth.outlier_agent).row(0, named=True)
    assert f"{row['escalated']:,} escalations of {row['tickets']:,} tickets" in entry.detail
    assert row["ratio"] > 1.5


def test_without_lib_outliers_the_agenda_still_builds(monkeypatch, tickets, periods) -> None:
    monkeypatch.setitem(sys.modules, "lib.outliers", None)  # import now raises ImportError
    flags = rp.flagged_agents(tickets, periods.review)
    assert flags.table is None and "not available" in flags.note
    f = rp.review_facts(tickets, periods)
    agenda = rp.build_agenda(f)
    assert agenda and not [e for e in agenda if e.source == "agent"]
    html = rp.review_pack_html({"id": 1, "title": "x"}, pl.DataFrame(), pl.DataFrame(), facts=f)
    assert "not available" in html


def test_flagged_agents_without_agent_column(tickets, periods) -> None:
    flags = rp.flagged_agents(tickets.drop("agent"), periods.review)
    assert flags.table is None and "no agent column" in flags.note


def _store_with_history() -> tuple[Store, int]:
    """A store with an earlier meeting and its items; returns the store and a new meeting."""
    s = Store("sqlite://")
    m0 = s.create_meeting(dt.date(2026, 11, 10))
    s.create_action("Due later", owner="bo", due_date="2026-12-20", meeting_id=m0.id)
    s.create_action("No due date", owner="cy", meeting_id=m0.id)
    s.create_action("Overdue B", owner="ana", due_date="2026-11-20", meeting_id=m0.id)
    s.create_action("Overdue A", owner="ana", due_date="2026-11-01", meeting_id=m0.id)
    done = s.create_action("Already done", meeting_id=m0.id, due_date="2026-11-02")
    s.close_action(done.id, expected_version=1)
    m1 = s.create_meeting(dt.date(2026, 11, 24))
    s.create_action("Made in the new meeting", meeting_id=m1.id, due_date="2026-11-01")
    return s, m1.id


def test_carried_over_items_overdue_first_then_by_due_date() -> None:
    s, m1 = _store_with_history()
    entries = [e for e in rp.build_agenda(None, open_actions=s.open_actions_before(m1))]
    assert [e.source for e in entries] == ["action"] * 4
    titles = [e.title.split(" (")[0] for e in entries]
    assert titles == [
        "Carried over: Overdue A",
        "Carried over: Overdue B",
        "Carried over: Due later",
        "Carried over: No due date",
    ]
    assert entries[0].title.endswith("overdue)") and not entries[2].title.endswith("overdue)")
    # the order is enforced even if the frame comes unsorted
    shuffled = s.open_actions_before(m1).reverse()
    again = [e.title for e in rp.build_agenda(None, open_actions=shuffled)]
    assert again == [e.title for e in entries]


def test_alerts_on_the_agenda_keep_their_key() -> None:
    s = Store("sqlite://")
    alert = {"topic": "SSO", "metric": "volume", "kind": "level_shift",
             "start": dt.date(2026, 11, 2), "end": dt.date(2026, 11, 9),
             "observed": 30.0, "expected": 12.5}  # fmt: skip
    key = s.set_alert_state(alert, "agenda", note="<b>new IdP</b>")
    (entry,) = rp.build_agenda(None, alerts=s.agenda_alerts())
    assert (entry.source, entry.ref) == ("alert", key)
    assert entry.title == "Alert: SSO volume level shift (2026-11-02 to 2026-11-09)"
    assert "observed 30.0 vs expected 12.5" in entry.detail and "<b>new IdP</b>" in entry.detail
    assert rp.default_link("alert", key) == ("alert", key)


# ------------------------------------------------------------------ editing action items

ROWS = [
    {"id": 4, "version": 2, "title": "Fix SSO doc", "owner": "ana",
     "due_date": dt.date(2026, 12, 1), "status": "open", "priority": "normal", "outcome_note": ""},
    {"id": 9, "version": 5, "title": "Call Acme", "owner": "", "due_date": None,
     "status": "in_progress", "priority": "high", "outcome_note": ""},
]  # fmt: skip


@pytest.mark.parametrize(
    ("edited", "expected"),
    [
        ({}, []),
        ({0: {"owner": "bo"}}, [(4, 2, {"owner": "bo"})]),
        ({"1": {"due_date": "2026-12-24T00:00:00"}}, [(9, 5, {"due_date": dt.date(2026, 12, 24)})]),
        ({0: {"due_date": None}}, [(4, 2, {"due_date": None})]),
        ({0: {"owner": "ana "}}, []),  # same value after trimming
        ({1: {"owner": None}}, []),  # empty stays empty
        ({0: {"owner": ""}}, [(4, 2, {"owner": ""})]),  # cleared
        ({0: {"version": 99, "id": 1, "link": "x"}}, []),  # read-only columns ignored
        ({1: {"status": "done", "outcome_note": "ok"}},
         [(9, 5, {"status": "done", "outcome_note": "ok"})]),
        ({0: {"title": "Fix SSO article"}, 1: {"priority": "low"}},
         [(4, 2, {"title": "Fix SSO article"}), (9, 5, {"priority": "low"})]),
    ],
)  # fmt: skip
def test_action_edits(edited, expected) -> None:
    got = [(e.id, e.version, e.changes) for e in rp.action_edits(ROWS, edited)]
    assert got == expected


def test_action_edits_rejects_unknown_rows() -> None:
    with pytest.raises(rp.ReviewPackError, match="not in the table"):
        rp.action_edits(ROWS, {5: {"owner": "x"}})


def test_action_edits_apply_and_conflict_on_a_real_store(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    a, b = Store(url), Store(url)
    item = a.create_action("Fix SSO doc", owner="ana")
    shown = a.list_actions().to_dicts()
    b.update_action(item.id, {"owner": "chen"}, expected_version=1, who="chen")
    (edit,) = rp.action_edits(shown, {0: {"owner": "bo"}})
    from lib.errors import ConflictError

    with pytest.raises(ConflictError, match="changed by chen"):
        a.update_action(edit.id, edit.changes, expected_version=edit.version, who="bo")
    assert a.get_action(item.id).owner == "chen"  # not overwritten
    a.close(), b.close()


def test_split_actions() -> None:
    s, m1 = _store_with_history()
    carried = s.open_actions_before(m1).get_column("id").to_list()
    first = carried[0]
    item = s.get_action(first)
    s.close_action(first, expected_version=item.version, meeting_id=m1)
    parts = rp.split_actions(s.list_actions(), meeting_id=m1, carried_ids=carried)
    assert parts["new"].get_column("title").to_list() == ["Made in the new meeting"]
    assert parts["closed"].get_column("id").to_list() == [first]
    assert sorted(parts["carried"].get_column("id").to_list()) == sorted(carried[1:])


# ------------------------------------------------------------------ did it work?


def _effect_tickets() -> pl.DataFrame:
    d0 = dt.datetime(2026, 3, 1, 9, tzinfo=UTC)
    days = list(range(-30, 20))  # 30 days before the change, 20 after (data ends day 19)
    esc_sso = [d < 0 and d % 4 != 0 for d in days]  # before: 3 in 4 escalated
    return pl.DataFrame(
        {
            "created_at": [d0 + dt.timedelta(days=d) for d in days] * 2,
            "category": ["SSO"] * len(days) + ["Billing"] * len(days),
            "agent": ["ann"] * len(days) + ["bob"] * len(days),
            "channel": ["chat"] * (2 * len(days)),
            "escalated": esc_sso + [False] * len(days),
        }
    )


def _actions(rows: list[dict]) -> pl.DataFrame:
    base = {"title": "t", "status": "done", "link_kind": None, "link_value": None,
            "created_at": dt.datetime(2026, 3, 1, 15, tzinfo=UTC)}  # fmt: skip
    return pl.DataFrame([{"id": i + 1, **base, **r} for i, r in enumerate(rows)])


def test_action_effects_by_hand() -> None:
    t = _effect_tickets()
    acts = _actions(
        [
            {"link_kind": "category", "link_value": "SSO"},
            {"link_kind": "agent", "link_value": "bob", "status": "dropped"},
            {"link_kind": "category", "link_value": "SSO", "status": "open"},  # not closed
            {
                "link_kind": "agent",
                "link_value": "ann",
                "created_at": dt.datetime(2026, 4, 2, tzinfo=UTC),
            },  # created after the data ends
            {},  # no link
            {"link_kind": "alert", "link_value": "SSO|volume|spike|2026-02-20"},
        ]
    )
    out = rp.action_effects(t, acts).sort("id")
    assert out.get_column("id").to_list() == [1, 2, 4, 6]
    sso = out.row(0, named=True)
    # 20 days each side (the data ends 19 days after the change): before = days -20..-1
    before_days = list(range(-20, 0))
    k_before = sum(d % 4 != 0 for d in before_days)
    assert sso["window_days"] == 20
    assert (sso["before_tickets"], sso["before_escalations"]) == (20, k_before)
    assert (sso["after_tickets"], sso["after_escalations"]) == (20, 0)
    assert sso["before_rate"] == pytest.approx(k_before / 20)
    assert sso["after_rate"] == 0.0 and sso["significant"]
    assert sso["verdict"].startswith(f"fell from {100 * k_before / 20:.1f}% to 0.0%")
    bob = out.row(1, named=True)
    assert bob["before_escalations"] == bob["after_escalations"] == 0
    assert bob["verdict"].startswith("no significant change")
    assert out.row(2, named=True)["verdict"] == "no tickets since it was created"
    assert out.row(3, named=True)["before_tickets"] == 20  # alert: its topic as a category


def test_action_effects_empty_and_unknown_column() -> None:
    t = _effect_tickets().drop("channel")
    assert rp.action_effects(t, _actions([])).height == 0
    out = rp.action_effects(t, _actions([{"link_kind": "channel", "link_value": "chat"}]))
    assert out.get_column("verdict").to_list() == ["cannot compare a channel link"]


def test_alert_series_counts_by_day(tickets) -> None:
    truth = demo_truth()
    alert = {"topic": truth.spike_topic, "metric": "volume", "start_date": truth.spike_start,
             "end_date": truth.spike_end}  # fmt: skip
    s = rp.alert_series(tickets, alert)
    assert s.height == 28 + 3 + 7
    day = truth.spike_start
    by_hand = tickets.filter(
        (pl.col("category") == truth.spike_topic) & (pl.col("created_at").cast(pl.Date) == day)
    ).height
    assert s.filter(pl.col("date") == day).get_column("value").item() == by_hand
    spike = s.filter(pl.col("date").is_between(truth.spike_start, truth.spike_end))
    before = s.filter(pl.col("date") < truth.spike_start)
    assert spike.get_column("value").mean() > 2 * before.get_column("value").mean()


# ------------------------------------------------------------------ minutes and pack


class _Tags(HTMLParser):
    """Collects start tags and checks that the block elements are closed."""

    VOID = frozenset(
        {"meta", "br", "hr", "img", "input", "link", "circle", "rect", "line", "polygon",
         "polyline", "path"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()


@pytest.fixture(scope="module")
def meeting_pack(tickets, facts):
    """A meeting with hostile user text everywhere, its agenda and items, and its outputs."""
    s, m1 = _store_with_history()
    evil = "<script>alert('x')</script> https://evil.example/x.js | *b* [l](javascript:1)"
    s.update_meeting(m1, {"title": f"Review {evil}", "attendees": "Ana, <img src=x>",
                          "notes": f"Line 1\n{evil}", "period_start": facts.periods.review[0],
                          "period_end": facts.periods.review[1]})  # fmt: skip
    alert = {"topic": demo_truth().spike_topic, "metric": "volume", "kind": "spike",
             "start": demo_truth().spike_start, "end": demo_truth().spike_end,
             "observed": 40.0, "expected": 13.0}  # fmt: skip
    s.set_alert_state(alert, "agenda")
    entries = rp.build_agenda(
        facts, alerts=s.agenda_alerts(), open_actions=s.open_actions_before(m1)
    )
    for e in entries:
        s.add_agenda_item(m1, e.title, source=e.source, ref=e.ref, detail=e.detail)
    s.add_agenda_item(m1, f"Free {evil}", decision=f"Decided {evil}")
    top = next(e for e in entries if e.source == "driver")
    s.create_action(f"Act {evil}", owner="<b>ana</b>", meeting_id=m1, due_date="2026-12-10",
                    link_kind="category", link_value=top.ref)  # fmt: skip
    agenda = s.list_agenda_items(m1)
    keys = agenda.filter(pl.col("source") == "alert").get_column("ref").to_list()
    alerts = s.get_alert_states().filter(pl.col("alert_key").is_in(keys))
    meeting = s.get_meeting(m1)
    actions = s.list_actions(today=dt.date(2026, 11, 24))
    html = rp.review_pack_html(meeting, agenda, actions, facts=facts, alerts=alerts,
                               tickets=tickets, dataset_name="Demo <helpdesk>",
                               definition="Escalated = tag contains \"escalat\"")  # fmt: skip
    md = rp.minutes_markdown(meeting, agenda, actions, facts=facts, dataset_name="Demo")
    return {"html": html, "md": md, "entries": entries, "top": top, "evil": evil}


def test_pack_has_no_external_urls_and_no_script(meeting_pack) -> None:
    html = meeting_pack["html"]
    assert not EXTERNAL.search(html)
    assert "<script" not in html.lower() and "javascript:" not in html.replace(
        "[l](javascript:1)", ""
    ).replace("javascript:1", "")
    assert "@import" not in html and "url(" not in html
    assert "http://" not in html  # not even an SVG namespace
    # the user's link text is there, escaped, as plain text
    assert "https://evil.example/x.js" in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x&gt;" in html and "&lt;b&gt;ana&lt;/b&gt;" in html


def test_pack_is_well_formed_and_complete(meeting_pack, facts) -> None:
    html = meeting_pack["html"]
    parser = _Tags()
    parser.feed(html)
    assert parser.errors == [] and parser.stack == []
    assert "script" not in parser.tags and "img" not in parser.tags and "iframe" not in parser.tags
    assert parser.tags.count("svg") == 3  # trend, drivers, the alert's sparkline
    for section in ("headline", "trend", "drivers", "agents", "alerts", "agenda", "actions"):
        assert f'<section id="{section}">' in html
    r = facts.kpi.review
    assert f"{100 * r['rate']:.1f}%" in html and f">{r['tickets']:,}<" in html
    assert escape(meeting_pack["top"].ref) in html
    if HAS_OUTLIERS:
        assert demo_truth().outlier_agent in html
    assert "Act &lt;script&gt;" in html and "Decided &lt;script&gt;" in html
    assert "@media print" in html and "@page" in html and "break-inside: avoid" in html
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")


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


def test_md_escape_cases() -> None:
    assert rp.md_escape("a_b*c") == "a\\_b\\*c"
    assert rp.md_escape("# title") == "\\# title"
    assert rp.md_escape("1. first") == "1\\. first"
    assert rp.md_escape("two\nlines") == "two lines"


def test_meeting_periods_baseline_rules(tickets) -> None:
    start, end = dt.date(2026, 11, 7), dt.date(2026, 11, 20)
    after = rp.meeting_periods(tickets, start, end, baseline=(dt.date(2026, 11, 1), end))
    assert after.baseline[0] == dt.date(2026, 5, 25)  # overlapping baseline -> first 30 days
    with pytest.raises(rp.ReviewPackError):
        rp.meeting_periods(tickets, end, start)


# ------------------------------------------------------------------ SVG charts


def test_trend_svg_points_and_tooltips(facts) -> None:
    tr = facts.trend.tail(26)
    svg = trend_svg(facts.trend, highlight=facts.periods.review)
    assert svg.count("<circle") == tr.filter(pl.col("rate").is_not_null()).height
    last = tr.row(-1, named=True)
    assert (
        f"{100 * last['rate']:.1f}% escalated ({last['escalations']:,} of {last['tickets']:,})"
    ) in svg
    assert "Review period" in svg and "http" not in svg


def test_trend_svg_breaks_the_line_on_empty_weeks() -> None:
    tr = pl.DataFrame(
        {
            "period_start": [dt.date(2024, 1, 1) + dt.timedelta(weeks=i) for i in range(4)],
            "tickets": [10, 0, 8, 6],
            "escalations": [2, 0, 1, 3],
            "rate": [0.2, None, 0.125, 0.5],
            "rate_low": [0.05, 0.0, 0.02, 0.2],
            "rate_high": [0.5, 1.0, 0.47, 0.8],
        }
    )
    svg = trend_svg(tr)
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 3


def test_drivers_and_sparkline_svg_escape_names() -> None:
    d = pl.DataFrame(
        {"category": ['A "quoted" <cat> & co'], "escalations": [5],
         "previous_escalations": [9], "rate": [0.5], "previous_rate": [0.6]}
    )  # fmt: skip
    svg = drivers_svg(d)
    assert "<cat>" not in svg and "&lt;cat&gt; &amp; co" in svg
    spark = sparkline_svg([dt.date(2024, 1, 1)], [None], unit="<u>")
    assert "<u>" not in spark
    assert sparkline_svg([], []).startswith("<p")


@pytest.mark.parametrize(
    ("high", "ticks"),
    [(0.37, [0.0, 0.1, 0.2, 0.3, 0.4]), (7, [0, 2, 4, 6, 8]), (1000, [0, 250, 500, 750, 1000])],
)
def test_nice_ticks(high, ticks) -> None:
    assert nice_ticks(high) == pytest.approx(ticks)


def test_action_items_csv_is_spreadsheet_safe() -> None:
    from lib.csvsafe import to_csv_bytes

    s = Store("sqlite://")
    s.create_action('=HYPERLINK("http://x","click")', owner="@ana", due_date="2026-12-01")
    frame = s.list_actions().select(rp.ACTION_COLUMNS)
    text = to_csv_bytes(frame).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.split(",")[:3] == ["id", "title", "owner"]
    assert row.startswith("1,\"'=HYPERLINK(") and ",'@ana,2026-12-01," in row
