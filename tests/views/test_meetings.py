"""AppTest: the Review meetings page on the demo data, with a real SQLite file underneath.

Every test starts from a copy of one bootstrapped data folder (the demo dataset is imported
once per module), so the page opens as it does for a new user.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from lib.demo import demo_truth
from lib.errors import StoreError
from lib.review_pack import review_pack_html
from lib.store import Actor, Store
from tests.views.hostile import IMAGE, raw_markdown
from ui import dataset
from ui.meetings.export import pack_of

ROOT = Path(__file__).resolve().parents[2]
PAGE = "views/meetings.py"
START = "Start meeting and build the agenda"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-secret",
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example.test/.well-known/openid-configuration",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo dataset imported (as the app does on first start)."""
    home = tmp_path_factory.mktemp("template")
    with (
        pytest.MonkeyPatch.context() as mp,
        Store(f"sqlite:///{home / 'review.sqlite'}") as store,
    ):
        mp.delenv("REVIEW_DATA", raising=False)
        dataset._bootstrap(store)
        assert store.list_datasets().height == 1
    return home


@pytest.fixture
def home(review_home: Path, template: Path) -> Path:
    shutil.copytree(template, review_home, dirs_exist_ok=True)
    for suffix in ("-wal", "-shm"):
        (review_home / f"review.sqlite{suffix}").unlink(missing_ok=True)
    return review_home


def _store() -> Store:
    """A second connection to the page's database (another person, another process)."""
    return Store(os.environ["DATABASE_URL"])


def _page(*, viewer: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if viewer is not None:  # signed in through the app's [auth] gate, on the viewers list
        at.secrets["auth"] = AUTH
        at.secrets["access"] = {"editors": ["lead@example.com"], "viewers": [viewer]}
        at.user = {"is_logged_in": True, "email": viewer}
    at.run()
    at.switch_page(PAGE).run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _button(at: AppTest, label: str, **match):
    found = [
        b
        for b in at.button
        if b.label == label and all(getattr(b, k) == v for k, v in match.items())
    ]
    assert found, f"no button {label!r} in {[b.label for b in at.button]}"
    return found[0]


def _start(at: AppTest) -> AppTest:
    _button(at, START).click().run()
    _ok(at)
    return at


def _agenda_titles(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**") and ". " in m.value[:6]]


def _item_forms(at: AppTest) -> list[str]:
    keys = {t.key.rsplit("_", 1)[0] for t in at.text_input if (t.key or "").startswith("mt_af_")}
    return sorted(keys, key=lambda k: int(k.rsplit("_", 1)[1]))


def _editor(at: AppTest, prefix: str):
    eds = [e for e in at.data_editor if e.key.startswith(prefix)]
    assert len(eds) == 1, [e.key for e in at.data_editor]
    return eds[0]


def _edit(at: AppTest, prefix: str, rows: dict) -> AppTest:
    ed = _editor(at, prefix)
    at.session_state[ed.key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    name = ed.key.removeprefix("mt_ed_").rsplit("_", 1)[0]  # mt_ed_<table>_<generation>
    _button(at, "Save changes", key=f"mt_save_{name}").click().run()
    _ok(at)
    return at


# ------------------------------------------------------------------ tests


def test_empty_page_then_start_a_meeting(home: Path) -> None:
    at = _page()
    assert at.title[0].value == "Review meetings"
    assert any("No review meeting yet" in i.value for i in at.info)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Meetings held"] == "0" and metrics["Open action items"] == "0"
    assert metrics["Escalation rate, review period"].endswith("%")

    _start(at)
    # the top three drivers, no rising one and no other change: nothing is significant once
    # the rows of every dimension are tested together (the demo plants no such rise). The
    # agenda compares on the sidebar's 7-day horizon, as the Overview: the review period's
    # younger tickets are left out, so drivers compare rates, not counts of unequal periods
    assert [s.value for s in at.success] == ["Meeting started with 5 agenda items."]
    titles = _agenda_titles(at)
    assert titles[0].startswith("**1. Escalation rate ")
    assert (
        "Driver: API & integrations, 17 escalations in the review period (rate 44.7% vs 36.7% "
        "before)" in titles[1]
    )
    assert any(f"Agent: {demo_truth().outlier_agent} escalates" in t for t in titles)
    assert {m.label: m.value for m in at.metric}["Meetings held"] == "1"
    with _store() as s:
        (meeting,) = s.list_meetings().iter_rows(named=True)
        assert meeting["agenda_items"] == 5
        assert (meeting["period_start"], meeting["period_end"]) == (
            dt.date(2026, 11, 7),
            dt.date(2026, 11, 20),
        )
        assert s.list_agenda_items(meeting["id"]).get_column("source").to_list() == [
            "free", "driver", "driver", "driver", "agent",
        ]  # fmt: skip


def test_add_edit_and_conflict_is_reported_not_overwritten(home: Path) -> None:
    at = _start(_page())
    form = _item_forms(at)[1]  # the top driver's agenda item
    at.text_input(key=f"{form}_title").input("Write the API rate-limit article")
    at.text_input(key=f"{form}_owner").input("ana")
    _button(at, "Add action item", form_id=form).click().run()
    _ok(at)
    assert any("“Write the API rate-limit article” added" in s.value for s in at.success)
    with _store() as s:
        (item,) = s.list_actions().iter_rows(named=True)
    assert (item["owner"], item["link_kind"], item["link_value"]) == (
        "ana",
        "category",
        "API & integrations",
    )
    assert item["due_date"] == dt.date.today() + dt.timedelta(days=14)
    table = _editor(at, "mt_ed_m").value
    assert table["title"].tolist() == ["Write the API rate-limit article"]
    assert table["version"].tolist() == [1]

    # Edit in the table: owner and status, saved on version 1.
    _edit(at, "mt_ed_m", {0: {"owner": "bo", "status": "in_progress"}})
    assert any(s.value == "Saved 1 action item." for s in at.success)
    with _store() as s:
        fresh = s.get_action(item["id"])
        assert (fresh.owner, fresh.status, fresh.version) == ("bo", "in_progress", 2)
        history = s.action_history(item["id"]).select("field", "old_value", "new_value").rows()
        assert ("owner", "ana", "bo") in history and ("status", "open", "in_progress") in history

        # Someone else changes the item underneath (another session on the same file).
        s.update_action(item["id"], {"due_date": "2027-01-15"}, expected_version=2, who="chen")
    at.run()
    assert any("Changed by someone else" in w.value for w in at.warning)

    _edit(at, "mt_ed_m", {0: {"owner": "dee"}})
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert "was changed by chen at" in errors[0] and "(due date)" in errors[0]
    assert "reload" in errors[0] and "Your change (not saved): owner → dee" in errors[0]
    with _store() as s:
        fresh = s.get_action(item["id"])
    assert (fresh.owner, fresh.due_date, fresh.version) == ("bo", dt.date(2027, 1, 15), 3)

    # Saving again still refuses: the table still holds version 2.
    _button(at, "Save changes", key=f"mt_save_m{fresh.created_in_meeting}").click().run()
    assert any("was changed by chen" in e.value for e in at.error)

    # Reload shows chen's change; then the edit goes through.
    _button(at, "Reload", key=f"mt_reload_m{fresh.created_in_meeting}").click().run()
    _ok(at)
    table = _editor(at, "mt_ed_m").value
    assert table["version"].tolist() == [3] and not at.error
    assert str(table["due_date"].tolist()[0])[:10] == "2027-01-15"
    _edit(at, "mt_ed_m", {0: {"owner": "dee"}})
    with _store() as s:
        assert s.get_action(item["id"]).owner == "dee"


def test_decision_free_item_reorder_and_remove(home: Path) -> None:
    at = _start(_page())
    with _store() as s:
        mid = int(s.list_meetings().get_column("id")[0])
        ids = s.list_agenda_items(mid).get_column("id").to_list()
    at.text_area(key=f"mt_dec_{ids[1]}").input("Ask product for <b>better</b> API errors")
    at.button(key=f"mt_decsave_{ids[1]}").click().run()
    _ok(at)
    at.text_input(key="mt_free_title").input("Holiday cover | *rota*")
    _button(at, "Add to the agenda").click().run()
    _ok(at)
    with _store() as s:
        items = s.list_agenda_items(mid)
    assert items.get_column("decision")[1] == "Ask product for <b>better</b> API errors"
    assert items.get_column("title")[-1] == "Holiday cover | *rota*"
    assert any(m.value.startswith("**6. Holiday cover \\| \\*rota\\***") for m in at.markdown)
    new_id = int(items.get_column("id")[-1])

    at.button(key=f"mt_up_{new_id}").click().run()
    _ok(at)
    with _store() as s:
        order = s.list_agenda_items(mid).get_column("id").to_list()
    assert order == [*ids[:4], new_id, ids[4]]

    at.button(key=f"mt_rm_{ids[0]}").click().run()
    _ok(at)
    with _store() as s:
        order = s.list_agenda_items(mid).get_column("id").to_list()
    assert order == [*ids[1:4], new_id, ids[4]]
    assert _agenda_titles(at)[0].startswith("**1. Driver: API & integrations")


def test_carried_over_item_is_on_the_agenda_and_closed_in_the_meeting(home: Path) -> None:
    with _store() as s:
        old = s.create_meeting("2026-11-01", title="Last review")
        late = s.create_action("Call Acme back", owner="ana", due_date="2026-11-05",
                               meeting_id=old.id)  # fmt: skip
        s.create_action("Update macros", owner="bo", due_date="2099-01-01", meeting_id=old.id)
    at = _start(_page())
    titles = _agenda_titles(at)
    carried = [t for t in titles if "Carried over" in t]
    assert len(carried) == 2
    assert "Call Acme back (ana, due 2026-11-05, overdue)" in carried[0]  # overdue first
    assert {m.label: m.value for m in at.metric}["Overdue"] == "1"

    at.text_input(key=f"mt_out_{late.id}").input("Called, issue solved")
    _button(at, "Mark done", form_id=f"mt_close_{late.id}").click().run()
    _ok(at)
    with _store() as s:
        item = s.get_action(late.id)
        new = int(s.list_meetings().get_column("id")[0])
    assert (item.status, item.closed_in_meeting, item.outcome_note) == (
        "done",
        new,
        "Called, issue solved",
    )
    assert any("**Closed in this meeting:** done" in m.value for m in at.markdown)
    assert {m.label: m.value for m in at.metric}["Overdue"] == "0"


def test_action_items_tab_filters_and_history(home: Path) -> None:
    with _store() as s:
        m = s.create_meeting("2026-11-01")
        s.create_action("Late one", owner="ana", due_date="2026-01-01", meeting_id=m.id)
        s.create_action("Fine one", owner="bo", due_date="2099-01-01", meeting_id=m.id)
        done = s.create_action("Closed one", owner="ana", meeting_id=m.id)
        s.close_action(done.id, expected_version=1, outcome="ok")
    at = _page()
    assert _editor(at, "mt_ed_all").value["title"].tolist() == ["Late one", "Fine one"]
    at.toggle(key="mt_f_overdue").set_value(True).run()
    _ok(at)
    assert _editor(at, "mt_ed_all").value["title"].tolist() == ["Late one"]
    at.toggle(key="mt_f_overdue").set_value(False).run()
    at.multiselect(key="mt_f_status").set_value(["done"]).run()
    at.multiselect(key="mt_f_owner").set_value(["ana"]).run()
    _ok(at)
    assert _editor(at, "mt_ed_all").value["title"].tolist() == ["Closed one"]
    at.selectbox(key="mt_hist_item").set_value(done.id).run()
    hist = next(d.value for d in at.dataframe if "changed_by" in d.value.columns)
    assert hist["field"].tolist()[0] == "created"
    assert {"status", "outcome_note", "closed_at"} <= set(hist["field"].tolist())


def test_viewer_sees_no_editing_controls(home: Path) -> None:
    with _store() as s:
        m = s.create_meeting("2026-11-24", period_start="2026-11-07", period_end="2026-11-20")
        item = s.add_agenda_item(m.id, "Refund policy", decision="Keep it")
        s.create_action("Fix SSO doc", owner="ana", meeting_id=m.id)
    at = _page(viewer="viewer@example.com")
    assert at.session_state["_actor"] == Actor("viewer@example.com", "viewer")
    assert any("read-only access" in i.value for i in at.info)
    labels = {b.label for b in at.button}
    assert not labels & {START, "Save decision", "Add action item", "Save changes", "Restore"}
    assert not at.data_editor and not at.text_area and not at.file_uploader
    assert not [t for t in at.text_input if t.key == "mt_who"]
    assert any(m.value == "**Decision:** Keep it" for m in at.markdown)
    assert any("Fix SSO doc" in d.value["title"].tolist() for d in at.dataframe
               if "title" in d.value.columns)  # fmt: skip
    assert item.id is not None


def test_restore_refuses_a_non_database_and_restores_a_backup(home: Path, tmp_path: Path) -> None:
    with _store() as s:
        s.create_meeting("2026-11-10", title="Kept in the backup")
        backup = s.backup(tmp_path / "backup.sqlite").read_bytes()
        s.create_meeting("2026-11-24", title="Made after the backup")
    at = _page()
    at.file_uploader(key="mt_restore_file").set_value(("notes.txt", b"hello", "text/plain"))
    at.run()
    at.checkbox(key="mt_restore_sure").check().run()
    at.button(key="mt_restore_go").click().run()
    _ok(at)
    errors = [e.value for e in at.error]
    assert any(
        e.startswith("Nothing was restored: notes.txt is not an Escalation Review backup")
        for e in errors
    ), errors
    with _store() as s:
        assert s.list_meetings().height == 2  # unchanged

    at.file_uploader(key="mt_restore_file").set_value(
        ("backup.sqlite", backup, "application/octet-stream")
    )
    at.run()
    at.button(key="mt_restore_go").click().run()
    _ok(at)
    done = [s.value for s in at.success]
    assert any(
        v.startswith("Restored from backup.sqlite: 1 meetings, 0 action items") for v in done
    )
    with _store() as s:
        assert s.list_meetings().get_column("title").to_list() == ["Kept in the backup"]
    assert {m.label: m.value for m in at.metric}["Meetings held"] == "1"
    # the previous database was kept beside the live one
    assert list(home.glob("review.sqlite.bak-*"))


def test_exports_are_offered(home: Path) -> None:
    at = _start(_page())
    labels = [b.label for b in at.get("download_button")]
    for label in ("Minutes (Markdown)", "Review pack (HTML)", "All action items (CSV)",
                  "Download a backup of the database"):  # fmt: skip
        assert label in labels
    assert pl.__version__  # polars imported for the module's helpers


def test_a_decision_changed_by_someone_else_is_not_silently_overwritten(home: Path) -> None:
    at = _start(_page())
    with _store() as s:
        mid = int(s.list_meetings().get_column("id")[0])
        item = int(s.list_agenda_items(mid).get_column("id")[1])
        # Another lead saves a decision on the same point while this page is open.
        s.update_agenda_item(
            item, {"decision": "Escalate to product"}, actor=Actor("bo@example.com", "editor")
        )
    at.text_area(key=f"mt_dec_{item}").input("Train Tier 1 on API errors")
    at.button(key=f"mt_decsave_{item}").click().run()
    _ok(at)
    shown = " ".join(e.value for e in at.error)
    assert "bo" in shown and "Escalate to product" in shown and "not saved" in shown
    with _store() as s:
        assert s.list_agenda_items(mid).get_column("decision")[1] == "Escalate to product"
    # The user's text is still in the box; saving again replaces the other decision on purpose.
    assert at.text_area(key=f"mt_dec_{item}").value == "Train Tier 1 on API errors"
    at.button(key=f"mt_decsave_{item}").click().run()
    _ok(at)
    with _store() as s:
        assert s.list_agenda_items(mid).get_column("decision")[1] == "Train Tier 1 on API errors"
    # and with no one else in between, the next edit saves straight away
    at.text_area(key=f"mt_dec_{item}").input("Train Tier 1 on API errors by Friday")
    at.button(key=f"mt_decsave_{item}").click().run()
    with _store() as s:
        assert s.list_agenda_items(mid).get_column("decision")[1].endswith("by Friday")
    assert not at.error


def test_meeting_notes_saved_by_someone_else_are_not_silently_lost(home: Path) -> None:
    at = _start(_page())
    with _store() as s:
        mid = int(s.list_meetings().get_column("id")[0])
        s.update_meeting(mid, {"notes": "A's notes"}, actor=Actor("ana@example.com", "editor"))
    at.text_area(key=f"mt_md_notes_{mid}").input("B's notes")
    _button(at, "Save details").click().run()
    _ok(at)
    shown = " ".join(e.value for e in at.error)
    assert "ana@example.com" in shown and "A's notes" in shown and "not saved" in shown
    assert "Meeting details saved." not in [s.value for s in at.success]
    with _store() as s:
        assert s.get_meeting(mid).notes == "A's notes"
    assert at.text_area(key=f"mt_md_notes_{mid}").value == "B's notes"
    _button(at, "Save details").click().run()  # on purpose, having seen theirs
    with _store() as s:
        assert s.get_meeting(mid).notes == "B's notes"


def test_viewers_get_no_backup(home: Path) -> None:
    at = _page(viewer="viewer@example.com")
    labels = [b.label for b in at.get("download_button")]
    assert "Download a backup of the database" not in labels
    assert any("Backups and restores are for editors" in c.value for c in at.caption)


def test_hostile_owner_and_title_of_a_carried_item_render_literally(home: Path) -> None:
    with _store() as s:
        old = s.create_meeting("2026-11-01", title=IMAGE.format("meeting"))
        s.create_action(IMAGE.format("title"), owner=IMAGE.format("owner"),
                        due_date="2099-01-01", meeting_id=old.id)  # fmt: skip
    at = _start(_page())
    assert any("owner" in c.value for c in at.caption)  # the carried item's status line
    assert not raw_markdown(at), raw_markdown(at)


def _first_meeting() -> tuple[int, list[int]]:
    with _store() as s:
        mid = int(s.list_meetings().get_column("id")[0])
        return mid, s.list_agenda_items(mid).get_column("id").to_list()


def test_a_typed_decision_is_saved_on_leaving_the_box_or_shown_unsaved(home: Path) -> None:
    at = _start(_page())
    mid, ids = _first_meeting()
    # Typing and leaving the box (no button) saves it: nothing typed vanishes.
    at.text_area(key=f"mt_dec_{ids[0]}").input("Keep the API rate as the headline").run()
    _ok(at)
    with _store() as s:
        assert s.list_agenda_items(mid)["decision"][0] == "Keep the API rate as the headline"
    assert not [w for w in at.warning if "Unsaved" in w.value]

    # A save refused (someone else decided meanwhile) is shown as unsaved, and the export warns.
    with _store() as s:
        s.update_agenda_item(ids[1], {"decision": "Escalate to product"}, who="Bo")
    at.text_area(key=f"mt_dec_{ids[1]}").input("Train Tier 1").run()
    _ok(at)
    assert any("**Unsaved:**" in w.value for w in at.warning)
    export = [w.value for w in at.warning if "Not in these exports" in w.value]
    assert len(export) == 1 and "Driver: API & integrations" in export[0]
    assert at.button(key="mt_close_go").disabled  # no closing over an unsaved decision
    at.button(key=f"mt_decsave_{ids[1]}").click().run()  # on purpose, having seen Bo's
    _ok(at)
    assert not [w for w in at.warning if "Unsaved" in w.value or "Not in these" in w.value]
    with _store() as s:
        assert s.list_agenda_items(mid)["decision"][1] == "Train Tier 1"


def test_removing_an_agenda_item_can_be_undone_with_its_decision(home: Path) -> None:
    at = _start(_page())
    mid, ids = _first_meeting()
    at.text_input(key="mt_who").input("Dana (Support Ops)").run()
    at.text_area(key=f"mt_dec_{ids[1]}").input("Write the article").run()
    at.button(key=f"mt_rm_{ids[1]}").click().run()
    _ok(at)
    assert any("Removed “Driver: API & integrations" in w.value for w in at.warning)
    assert len(_agenda_titles(at)) == 4
    assert any("removed by Dana (Support Ops)" in m.value for m in at.markdown)
    at.button(key="mt_undo_btn").click().run()
    _ok(at)
    with _store() as s:
        items = s.list_agenda_items(mid)
    assert items["id"].to_list() == ids and items["decision"][1] == "Write the article"
    assert len(_agenda_titles(at)) == 5
    assert any("back on the agenda, with its decision" in m.value for m in at.success)


def test_the_typed_name_is_recorded_on_every_meeting_write(home: Path) -> None:
    at = _page()
    at.text_input(key="mt_who").input("Dana (Support Ops)").run()
    _start(at)
    assert any("started by Dana (Support Ops)" in c.value for c in at.caption)
    mid, ids = _first_meeting()
    at.text_area(key=f"mt_dec_{ids[0]}").input("Agreed").run()
    at.text_area(key=f"mt_md_notes_{mid}").input("Short meeting")
    _button(at, "Save details").click().run()
    form = _item_forms(at)[0]
    at.text_input(key=f"{form}_title").input("Check the rate")
    _button(at, "Add action item", form_id=form).click().run()
    _ok(at)
    with _store() as s:
        m = s.get_meeting(mid)
        assert (m.created_by, m.updated_by) == ("Dana (Support Ops)", "Dana (Support Ops)")
        assert s.list_agenda_items(mid)["updated_by"][0] == "Dana (Support Ops)"
        (action,) = s.list_actions().iter_rows(named=True)
        assert s.action_history(action["id"])["changed_by"].to_list() == ["Dana (Support Ops)"]


def test_closing_a_meeting_freezes_it_and_the_pack_lists_what_closed_in_it(home: Path) -> None:
    with _store() as s:
        old = s.create_meeting("2026-11-01", title="Last review")
        s.create_action("Call Acme back", owner="ana", due_date="2026-11-05", meeting_id=old.id)
        s.create_action("Update macros", owner="bo", due_date="2099-01-01", meeting_id=old.id)
    at = _start(_page())
    mid, ids = _first_meeting()
    # Marking a carried item done in the meeting's grid closes it in this meeting.
    table = _editor(at, f"mt_ed_m{mid}").value
    row = table["title"].tolist().index("Call Acme back")
    _edit(at, f"mt_ed_m{mid}", {row: {"status": "done"}})
    with _store() as s:
        done = s.list_actions().filter(pl.col("title") == "Call Acme back").row(0, named=True)
        assert (done["status"], done["closed_in_meeting"]) == ("done", mid)
        meeting = s.get_meeting(mid)
        html = review_pack_html(meeting, s.list_agenda_items(mid), s.list_actions())
    closed_part = html.split("Closed in this meeting", 1)[1].split("Still open", 1)[0]
    assert "Call Acme back" in closed_part

    at.checkbox(key="mt_close_sure").check().run()
    at.button(key="mt_close_go").click().run()
    _ok(at)
    assert any("Meeting closed" in m.value for m in at.success)
    assert any("This meeting is closed" in i.value for i in at.info)
    assert not [t for t in at.text_area if (t.key or "").startswith("mt_dec_")]
    assert any(m.value.startswith("- #") and "Update macros" in m.value for m in at.markdown)
    with _store() as s:
        frozen = s.get_meeting(mid)
        assert frozen.closed_at is not None and "Call Acme back" in frozen.minutes
        assert "Call Acme back" in frozen.pack_html and "Update macros" in frozen.pack_html
        with pytest.raises(StoreError, match="was closed by local user"):
            s.update_agenda_item(ids[0], {"decision": "late"})
        # A later change to an action item does not rewrite the closed meeting's minutes.
        late = s.list_actions().filter(pl.col("title") == "Update macros").row(0, named=True)
        s.update_action(late["id"], {"title": "Renamed later"}, expected_version=1)
        assert "Renamed later" not in s.get_meeting(mid).minutes
        # ...nor its review pack: the export serves the pack frozen at closing
        pack = pack_of(None, s.get_meeting(mid)).decode("utf-8")
        assert "Update macros" in pack and "Renamed later" not in pack
    at.run()
    _ok(at)
    assert any("minutes and the review pack are as they were" in c.value for c in at.caption)
