"""AppTest: the At risk page on a small seeded helpdesk (known risk factors, open tickets at the
export), with a real SQLite file underneath: the ranking, the threshold's count, sending a ticket
to the next meeting's agenda (editors only), the downloads, and the refusal on a tiny export.

The model is trained once per module (the page caches it per snapshot, filters and horizon).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from lib.store import Store
from tests.conftest import module_home
from tests.test_access import AUTH
from tests.views.data_tabs import open_routing_tab
from tests.views.hostile import IMAGE, raw_markdown
from tests.views.risk_seed import risk_tickets

ROOT = Path(__file__).resolve().parents[2]
PAGE = "views/at_risk.py"
SEND = "Send to agenda"

home = module_home("at_risk_home")


@pytest.fixture(scope="module")
def tickets(home: Path) -> pl.DataFrame:
    """800 tickets over 45 days, some open at the export, registered as the only dataset."""
    t = risk_tickets()
    with Store(os.environ["DATABASE_URL"]) as store:
        store.register_dataset("Seeded risk", t)
    return t


def _page(*, viewer: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if viewer is not None:  # signed in through the app's [auth] gate, on the viewers list
        at.secrets["auth"] = AUTH
        at.secrets["access"] = {"editors": ["lead@example.com"], "viewers": [viewer]}
        at.user = {"is_logged_in": True, "email": viewer}
    at.switch_page(PAGE).run()  # straight to the page (no Overview run first)
    _ok(at)
    assert at.title[0].value == "At risk"
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(scope="module")
def at(tickets: pl.DataFrame) -> AppTest:
    return _page()


def _ranked(at: AppTest):
    tables = [d.value for d in at.dataframe if "Risk %" in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def _send(at: AppTest, ticket: str):
    """The Send to agenda button of a ticket's card."""
    return at.button(key="ar_send_top" + hashlib.sha1(ticket.encode()).hexdigest()[:10])


def _metric(at: AppTest, start: str) -> str:
    found = [m.value for m in at.metric if m.label.startswith(start)]
    assert found, [m.label for m in at.metric]
    return found[0]


def test_open_tickets_are_ranked_with_reasons_age_idle_owner_and_group(at, tickets) -> None:
    shown = _ranked(at)
    still_open = tickets.filter(
        ~pl.col("status").is_in(["solved", "closed"]) & ~pl.col("escalated")
    )
    assert sorted(shown["Ticket"]) == sorted(still_open.get_column("ticket_id").to_list())
    risk = shown["Risk %"].tolist()
    assert risk == sorted(risk, reverse=True) and 0 < risk[-1] <= risk[0] < 100
    for column in ("Why", "Age (h)", "Idle (h)", "Owner", "Group"):
        assert column in shown.columns
    assert shown["Why"].str.len().min() > 0
    text = " ".join(m.value for m in at.markdown)
    assert "How good is this" in " ".join(h.value for h in at.subheader)
    assert "The top 10% caught" in text  # the backtest in plain words
    assert at.get("plotly_chart")  # the calibration chart
    assert "equal groups" in " ".join(c.value for c in at.caption)


def test_the_threshold_count_follows_the_slider(at) -> None:
    shown = _ranked(at)
    for pct in (40, 15):
        at.slider(key="ar_threshold").set_value(pct).run()
        _ok(at)
        expected = int((shown["Risk %"] > pct).sum())
        assert _metric(at, f"Open above {pct}%") == f"{expected:,}"
    assert int(_metric(at, "Open above 15%")) > int((shown["Risk %"] > 40).sum())


def test_the_idle_threshold_is_one_setting_with_the_routing_page(tickets) -> None:
    at = _page()
    at.number_input(key="ar_idle_hours").set_value(24).run()
    _ok(at)
    assert "Idle > 24 h" in [m.label for m in at.metric]
    at.switch_page("views/routing.py").run()
    _ok(at)
    open_routing_tab(at, "Idle tickets")
    assert at.number_input(key="rt_idle_hours").value == 24
    assert "Idle > 24 h" in [m.label for m in at.metric]
    at.number_input(key="rt_idle_hours").set_value(96).run()
    at.switch_page(PAGE).run()
    _ok(at)
    assert at.number_input(key="ar_idle_hours").value == 96


def test_every_table_and_the_chart_can_be_downloaded(at) -> None:
    labels = [b.label for b in at.get("download_button")]
    # ranked tickets, the chart's HTML and data, the thresholds and cut-offs tables
    assert labels.count("Download CSV") >= 3
    assert {"Chart (HTML)", "Chart data (CSV)"} <= set(labels)


def test_send_to_agenda_puts_the_ticket_on_the_next_meeting(home, tickets) -> None:
    at = _page()
    first = _ranked(at)["Ticket"].iloc[0]
    second = _ranked(at)["Ticket"].iloc[1]
    with Store(os.environ["DATABASE_URL"]) as s:
        assert s.list_meetings().height == 0
    _send(at, first).click().run()
    _ok(at)
    with Store(os.environ["DATABASE_URL"]) as s:
        meetings = s.list_meetings()
        assert meetings.height == 1  # none was open: one is started, its agenda built as usual
        items = s.list_agenda_items(int(meetings.get_column("id")[0]))
    mine = items.filter(pl.col("source") == "risk")
    assert mine.get_column("ref").to_list() == [first]
    assert mine.get_column("title")[0].startswith(f"At risk: ticket #{first} (")
    assert items.height > 1  # the data's own agenda is there too
    assert any(f"Ticket {first} is on the agenda" in s.value for s in at.success)
    assert _send(at, first).disabled and not _send(at, second).disabled  # one is on it already
    _send(at, second).click().run()
    _ok(at)
    with Store(os.environ["DATABASE_URL"]) as s:
        assert s.list_meetings().height == 1  # the next meeting is the open one
        refs = s.list_agenda_items(int(s.list_meetings().get_column("id")[0]))
    assert refs.filter(pl.col("source") == "risk").get_column("ref").to_list() == [first, second]


def test_a_viewer_sees_the_send_buttons_disabled_with_the_reason(tickets) -> None:
    at = _page(viewer="viewer@example.com")
    sends = [b for b in at.button if b.label == SEND]
    assert sends and all(b.disabled for b in sends)
    assert any("Viewers cannot change" in c.value for c in at.caption)


def test_a_tiny_export_gets_the_reason_and_no_score(review_home: Path) -> None:
    tiny = risk_tickets(5, n_tickets=60, days=10)
    with Store(os.environ["DATABASE_URL"]) as store:
        store.register_dataset("Tiny", tiny)
    at = _page()
    assert any(w.value.startswith("No score:") for w in at.warning)
    assert any("a few months of history" in i.value for i in at.info)
    assert not at.metric and not at.dataframe
    assert not [b for b in at.button if b.label == SEND]


def test_hostile_names_from_the_export_are_not_markdown(review_home: Path) -> None:
    """A subject, category, owner and group holding a Markdown image stay text on the cards."""
    t = risk_tickets()
    t = t.with_columns(
        pl.lit("Help " + IMAGE.format("subject")).alias("subject"),
        pl.lit("Ops " + IMAGE.format("group")).alias("group"),
        pl.when(pl.col("category") == "SSO")
        .then(pl.lit("SSO " + IMAGE.format("category")))
        .otherwise(pl.col("category"))
        .alias("category"),
    )
    with Store(os.environ["DATABASE_URL"]) as store:
        store.register_dataset("Hostile", t)
    at = _page()
    assert _ranked(at).shape[0] > 0
    assert "Help" in " ".join(m.value for m in at.markdown)
    assert raw_markdown(at) == []


def test_a_category_recorded_after_the_escalation_is_flagged_as_leakage(review_home: Path) -> None:
    """An export whose category is rewritten on escalation ("Escalated") predicts too well: the
    page warns above the figures."""
    t = risk_tickets()
    leaky = pl.when(pl.col("escalated")).then(pl.lit("Escalated")).otherwise(pl.col("category"))
    with Store(os.environ["DATABASE_URL"]) as store:
        store.register_dataset("Leaky", t.with_columns(leaky.alias("category")))
    at = _page()
    assert any(e.value.startswith("Leakage suspected:") for e in at.error)


def test_open_tickets_can_be_picked_for_a_calibration_set(at) -> None:
    box = next(m for m in at.multiselect if m.label == "Tickets for the next calibration set")
    assert not box.disabled
    assert sorted(box.options) == sorted(_ranked(at)["Ticket"])


def test_the_calibration_sampler_reuses_the_at_risk_model(at: AppTest, monkeypatch) -> None:
    # The At risk page (the module's `at`) has trained the model; drawing a calibration set on
    # the same dataset, filters and horizon uses it instead of training it a second time.
    import lib.calibration.borderline as borderline
    import lib.risk as risk

    trained: list[int] = []

    def counting(real):
        return lambda *a, **k: trained.append(1) or real(*a, **k)

    monkeypatch.setattr(risk, "train_risk_model", counting(risk.train_risk_model))
    monkeypatch.setattr(borderline, "train_risk_model", counting(borderline.train_risk_model))
    cal = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    cal.switch_page("views/calibration.py").run()
    cal.number_input(key="cal_n").set_value(3)
    cal.button(key="cal_draw").click().run()
    _ok(cal)
    said = [c.value for c in cal.caption if c.value.startswith("Borderline tickets")]
    assert said and "escalation risk model's (trained" in said[0], said
    assert trained == []
