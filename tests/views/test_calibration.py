"""AppTest: the Calibration page on the demo data with a real SQLite file underneath: a leader
builds and opens a set, two participants answer on their own, the leader closes it, and the
results (agreement, participants, disputed scenarios onto the agenda, the matrix) show; tickets
picked under the Breakdowns drill-down reach the Build a set tab (the Agents and At risk pages'
controls are checked in their own tests)."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from lib.review_pack import review_pack_html
from lib.store import Store
from tests.conftest import module_home
from tests.views.test_anomalies import AUTH
from ui import dataset
from ui.calibration.results import calibration_pack

ROOT = Path(__file__).resolve().parents[2]
PAGE = "views/calibration.py"


home = module_home("calibration_home")


def _import_demo(folder: Path) -> None:
    """The demo dataset imported into ``folder``'s database (as the app does on first start)."""
    with Store(f"sqlite:///{folder / 'review.sqlite'}") as store:
        dataset._bootstrap(store)


@pytest.fixture(scope="module", autouse=True)
def demo(home: Path) -> None:
    """The demo dataset imported once for the module."""
    _import_demo(home)


@pytest.fixture
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder of its own with the demo, for a test that leaves a calibration session
    open (the module's other tests start with none, whatever order they run in)."""
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'review.sqlite'}")
    _import_demo(tmp_path)
    return tmp_path


def _store() -> Store:
    return Store(os.environ["DATABASE_URL"])


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    return _ok(at.switch_page(PAGE).run())


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, first_column: str):
    """The table whose first column is ``first_column`` (tables carry no key in AppTest)."""
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def _submit(at: AppTest) -> None:
    next(b for b in at.button if b.label == "Save and next").click().run()
    _ok(at)


def _answer_all(at: AppTest, name: str, items: list[int], decide) -> None:
    at.text_input(key="cal_name").set_value(name).run()
    for n, item in enumerate(items):
        # Nobody's earlier answer shows: the form starts empty for a new participant.
        assert at.radio(key=f"cal_decision_{item}").value is None
        escalate = decide(n)
        at.radio(key=f"cal_decision_{item}").set_value(
            "Escalate" if escalate else "Handle at Tier 1"
        )
        if escalate:
            at.selectbox(key=f"cal_target_{item}").set_value("Tier 2")
            at.radio(key=f"cal_reason_{item}").set_value("policy")
        _submit(at)
    assert any("You answered all" in s.value for s in at.success)


def test_build_answer_close_and_read_results(home: Path) -> None:
    at = _page()
    assert any("No calibration session is open" in i.value for i in at.info)
    at.number_input(key="cal_n").set_value(3)
    at.button(key="cal_draw").click().run()
    # the borderline tickets come from the escalation risk model (trained once on the demo)
    said = [c.value for c in at.caption if c.value.startswith("Borderline tickets")]
    assert said and "escalation risk model's (trained" in said[0], said
    at.text_input(key="cal_title").set_value("April calibration").run()
    at.button(key="cal_open").click().run()
    _ok(at)
    store = _store()
    sid = int(store.list_calibration_sessions().item(0, "id"))
    items = store.calibration_items(sid).get_column("item_id").to_list()
    assert len(items) == 3
    assert any("Opened “April calibration” with 3 scenarios" in s.value for s in at.success)

    # Two participants, each on their own: Ana escalates everything, Bo the first only.
    _answer_all(at, "Ana", items, lambda n: True)
    _answer_all(at, "Bo", items, lambda n: n < 1)
    assert store.calibration_progress(sid).rows() == [("Ana", 3), ("Bo", 3)]
    assert any("No session is closed yet" in i.value for i in at.info)

    meeting = store.create_meeting("2026-01-15", title="January review")
    at.button(key=f"cal_close_{sid}").click().run()
    _ok(at)
    text = " ".join(m.value for m in at.markdown)
    assert "The team agrees beyond chance on 1 of 3 scenarios (2 participants, 6 answers)" in text
    assert "What kappa" not in text  # the explanation sits in an expander
    people = _table(at, "Participant")
    assert people["Participant"].tolist() == ["Ana", "Bo"]
    assert people["Agrees with the team %"].tolist() == [33.3, 33.3]
    disputed = _table(at, "Scenario")
    assert disputed["Pairs agreeing %"].tolist() == [0.0, 0.0, 100.0]
    assert disputed["Escalate to"].tolist()[2] == "Escalate to Tier 2 ×2"

    at.button(key="cal_agenda").click().run()
    _ok(at)
    agenda = store.list_agenda_items(meeting.id)
    assert agenda.height == 2
    assert agenda.get_column("title").str.starts_with("Calibration: escalate ticket").all()
    assert "1 would escalate, 1 would handle at Tier 1" in agenda.item(0, "detail")

    # The meeting pack carries the session's results.
    html = review_pack_html(store.get_meeting(meeting.id), agenda, store.list_actions(),
                            calibration=calibration_pack())  # fmt: skip
    assert '<section id="calibration">' in html
    assert "Session “April calibration”" in html and "agrees beyond chance on 1 of 3" in html
    store.close()


def test_matrix_versions_show_and_download(home: Path) -> None:
    store = _store()
    store.save_escalation_matrix(
        [{"category": "SSO", "situation": "locked out", "action": "Escalate", "to": "Identity"}],
        note="first",
    )
    store.close()
    at = _page()
    shown = _table(at, "Category")
    assert shown.to_dict("records") == [
        {
            "Category": "SSO",
            "Situation": "locked out",
            "Do": "Escalate",
            "To": "Identity",
            "Note": "",
        }
    ]
    assert at.button(key="cal_matrix_save").label == "Save as version 2"


# ---- picking tickets from the drill-downs -----------------------------------------------------
ADD = "Add to the next calibration set"


def _drill(viewer: str | None = None) -> AppTest:
    """The Breakdowns page with its first row's drill-down open."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if viewer is not None:
        at.secrets["auth"] = AUTH
        at.secrets["access"] = {"editors": ["lead@example.com"], "viewers": [viewer]}
        at.user = {"is_logged_in": True, "email": viewer}
    _ok(at.switch_page("views/breakdowns.py").run())  # straight to the page
    at.session_state[at.dataframe[0].key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    return _ok(at.run())


def _picker(at: AppTest):
    return next(m for m in at.multiselect if m.label == "Tickets for the next calibration set")


def test_pick_from_a_drill_down_then_build_the_set(own_home: Path) -> None:
    at = _drill()
    box = _picker(at)
    assert not box.disabled and len(box.options) > 2
    first, second = box.options[0], box.options[1]
    box.set_value([first, second]).run()
    next(b for b in at.button if b.label == ADD).click().run()
    _ok(at)
    assert any("Added 2 ticket(s)" in s.value for s in at.success)
    assert _picker(at).value == []  # the box is emptied for the next pick
    # the Build a set tab: "Ticket ids I choose", pre-filled with the picks and where they came from
    _ok(at.switch_page("views/calibration.py").run())
    assert at.radio(key="cal_how").value == "Ticket ids I choose"
    assert at.text_area(key="cal_ids").value.split() == [first, second]
    preview = next(d.value for d in at.dataframe if d.value.columns[0] == "Ticket")
    assert list(preview["Ticket"]) == [first, second]
    assert preview["Why it was picked"].str.startswith("picked on Breakdowns (category ").all()
    # a third id typed by hand joins the draft; removing one from the box drops it
    at.text_area(key="cal_ids").set_value(f"{second}\nnot-a-ticket").run()
    _ok(at)
    assert any("not in this dataset" in w.value for w in at.warning)
    at.text_input(key="cal_title").set_value("Picked by hand").run()
    at.button(key="cal_open").click().run()
    _ok(at)
    with Store(os.environ["DATABASE_URL"]) as store:
        made = store.list_calibration_sessions()
        assert made.row(0, named=True)["title"] == "Picked by hand"
        assert made.row(0, named=True)["scenarios"] == 1
    # the draft is spent: the box is empty again
    assert "cal_draft" not in at.session_state


def test_viewer_sees_the_control_disabled_with_the_reason(home: Path) -> None:
    at = _drill(viewer="viewer@example.com")
    assert _picker(at).disabled
    assert next(b for b in at.button if b.label == ADD).disabled
    assert any("Read-only access" in c.value for c in at.caption)


def test_a_tiny_export_falls_back_to_the_case_mix_and_says_so(review_home: Path) -> None:
    """The risk model refuses 60 tickets over 10 days: the page names the case-mix model, and a
    still-open ticket picked by hand gets a warning (its outcome is not known yet)."""
    from tests.views.risk_seed import risk_tickets

    tiny = risk_tickets(5, n_tickets=60, days=10)
    with Store(os.environ["DATABASE_URL"]) as store:
        store.register_dataset("Tiny", tiny)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    _ok(at.switch_page(PAGE).run())
    at.number_input(key="cal_n").set_value(4)
    _ok(at.button(key="cal_draw").click().run())
    said = [c.value for c in at.caption if c.value.startswith("Borderline tickets")]
    assert said and "case-mix model's, since the escalation risk model could not" in said[0]
    live = tiny.filter(~pl.col("status").is_in(["solved", "closed"]) & ~pl.col("escalated"))
    one = live.get_column("ticket_id")[0]
    at.radio(key="cal_how").set_value("Ticket ids I choose").run()
    _ok(at.text_area(key="cal_ids").set_value(one).run())
    assert any("still open" in w.value and one in w.value for w in at.warning)
