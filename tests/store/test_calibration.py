"""lib.store.calibration: sessions, answers hidden until closing (in the store, not only on the
page), the versioned escalation matrix, and the migration keeping older data."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import polars as pl
import pytest

from lib.calibration import session_results
from lib.errors import PermissionDenied, StoreError
from lib.store import Store, migrations
from lib.store.engine import make_engine, prepare_sqlite
from lib.store.migrations import v007_calibration
from lib.store.models import CalibrationAnswer
from tests.store.helpers import EDITOR, VIEWER, _race, _sql

SCENARIOS = pl.DataFrame(
    {
        "ticket_id": ["T1", "T2", "T3"],
        "category": ["SSO", "Billing", "SSO"],
        "channel": ["email", "chat", None],
        "priority": ["high", "normal", "low"],
        "customer_tier": [None, "gold", None],
        "first_group": ["Tier 1", "Tier 1", "Tier 1"],
        "subject": ["Login fails for [email]", "Refund", None],
        "why": ["borderline", "", ""],
        "outcome_escalated": [True, False, True],
        "outcome_group": ["Identity", None, "Tier 2"],
    }
)


def _session(store: Store) -> tuple[int, list[int]]:
    s = store.create_calibration_session("March calibration", SCENARIOS, actor=EDITOR)
    return s.id, store.calibration_items(s.id).get_column("item_id").to_list()


def test_open_session_hides_outcomes_and_other_answers(store: Store) -> None:
    sid, items = _session(store)
    open_items = store.calibration_items(sid)
    assert "outcome_escalated" not in open_items.columns
    assert "outcome_group" not in open_items.columns
    assert open_items.get_column("ticket_id").to_list() == ["T1", "T2", "T3"]
    store.submit_calibration_answer(items[0], escalate=True, target="Tier 2", reason="skill",
                                    participant="Ana")  # fmt: skip
    bo = Store(store.url)  # another person, another connection
    bo.submit_calibration_answer(items[0], escalate=False, participant="Bo", note="KB has it")
    with pytest.raises(StoreError, match="stay hidden until the session is closed"):
        bo.calibration_answers(sid)
    mine = bo.my_calibration_answers(sid, "bo")  # the typed name, any case
    assert mine.select("participant", "escalate", "note").rows() == [("Bo", False, "KB has it")]
    assert store.calibration_progress(sid).rows() == [("Ana", 1), ("Bo", 1)]
    bo.close()


def test_signed_in_viewer_answers_as_themselves(store: Store) -> None:
    sid, items = _session(store)
    store.submit_calibration_answer(items[1], escalate=True, target="Billing",
                                    participant="someone else", actor=VIEWER)  # fmt: skip
    assert store.calibration_progress(sid).rows() == [("vi@example.com", 1)]
    with pytest.raises(PermissionDenied):
        store.close_calibration_session(sid, actor=VIEWER)
    with pytest.raises(PermissionDenied):
        store.create_calibration_session("x", SCENARIOS, actor=VIEWER)


def test_answer_again_replaces_and_closing_freezes(store: Store) -> None:
    sid, items = _session(store)
    store.submit_calibration_answer(items[0], escalate=True, reason="policy", participant="Ana")
    store.submit_calibration_answer(items[0], escalate=False, reason="policy", participant="ana ")
    store.submit_calibration_answer(items[0], escalate=True, participant="Bo")
    closed = store.close_calibration_session(sid, who="Lead")
    assert (closed.status, closed.closed_by) == ("closed", "Lead")
    answers = store.calibration_answers(sid)
    # A Tier 1 answer keeps no reason; the second answer replaced the first.
    assert answers.select("participant", "escalate", "reason").rows() == [
        ("Ana", False, ""),
        ("Bo", True, ""),
    ]
    with pytest.raises(StoreError, match="closed by Lead"):
        store.submit_calibration_answer(items[1], escalate=True, participant="Ana")
    with pytest.raises(StoreError, match="closed"):
        store.close_calibration_session(sid)
    items_closed = store.calibration_items(sid)
    assert items_closed.get_column("outcome_escalated").to_list() == [True, False, True]
    r = session_results(items_closed, answers)
    assert r.n_participants == 2 and r.items.row(0, named=True)["majority"] == "split"


def _racing_answers(db_url: str, second: str) -> tuple[Store, int]:
    """Server A has inserted "Ana"'s answer (escalate) to the first scenario and not committed
    it when server B submits ``second``'s (no escalation) to the same one. Returns A's store
    (open) and the session."""
    with Store(db_url) as setup:
        sid, items = _session(setup)

    def a_holds(s) -> None:
        s.add(CalibrationAnswer(session_id=sid, item_id=items[0], participant="Ana", escalate=True))

    a = _race(
        db_url,
        a_holds,
        lambda b: b.submit_calibration_answer(items[0], escalate=False, participant=second),
    )
    return a, sid


def test_two_tabs_answering_one_scenario_at_once_both_succeed(db_url: str) -> None:
    """One participant's two tabs (or two servers) answer the same scenario at the same moment:
    the later answer replaces the first, where a read-then-insert failed on PostgreSQL with a
    duplicate key on (scenario, participant)."""
    a, sid = _racing_answers(db_url, "Ana")
    try:
        mine = a.my_calibration_answers(sid, "Ana")
        assert mine.select("participant", "escalate").rows() == [("Ana", False)]
    finally:
        a.close()


def test_bad_input_is_refused_with_a_reason(store: Store) -> None:
    with pytest.raises(StoreError, match="at least one ticket"):
        store.create_calibration_session("x", SCENARIOS.head(0))
    with pytest.raises(StoreError, match="twice"):
        store.create_calibration_session("x", pl.concat([SCENARIOS, SCENARIOS]))
    with pytest.raises(StoreError, match="title cannot be empty"):
        store.create_calibration_session(" ", SCENARIOS)
    _, items = _session(store)
    with pytest.raises(StoreError, match="Type your name"):
        store.submit_calibration_answer(items[0], escalate=True, participant="  ")
    with pytest.raises(StoreError, match="Reason 'laziness' is not allowed"):
        store.submit_calibration_answer(items[0], escalate=True, reason="laziness", participant="A")
    with pytest.raises(StoreError, match="Scenario 999 does not exist"):
        store.submit_calibration_answer(999, escalate=True, participant="A")


def test_sessions_list_counts(store: Store) -> None:
    sid, items = _session(store)
    store.submit_calibration_answer(items[0], escalate=True, participant="A")
    store.submit_calibration_answer(items[1], escalate=True, participant="A")
    store.submit_calibration_answer(items[1], escalate=False, participant="B")
    row = store.list_calibration_sessions().row(0, named=True)
    assert (row["id"], row["scenarios"], row["participants"], row["answers"]) == (sid, 3, 2, 3)


def test_escalation_matrix_versions(store: Store) -> None:
    assert store.escalation_matrix() is None
    v1 = store.save_escalation_matrix(
        [{"category": "SSO", "situation": "locked out", "action": "Escalate", "to": "Identity"},
         {"category": "", "situation": "", "action": "", "to": ""}],
        note="first", actor=EDITOR,
    )  # fmt: skip
    v2 = store.save_escalation_matrix(
        [{"category": "SSO", "situation": "locked out", "action": "Handle at Tier 1"}],
        note="Tier 1 may unlock now",
        who="Lead",
    )
    assert (v1.version, v2.version) == (1, 2)
    assert store.escalation_matrix().rows[0]["action"] == "Handle at Tier 1"
    assert store.escalation_matrix(1).rows == [
        {"category": "SSO", "situation": "locked out", "action": "Escalate", "to": "Identity",
         "note": ""}
    ]  # fmt: skip
    assert store.escalation_matrix_versions().select("version", "rows", "created_by").rows() == [
        (2, 1, "Lead"),
        (1, 1, "ed@example.com"),
    ]
    with pytest.raises(StoreError, match="Matrix row 1 \\(SSO\\): say to whom"):
        store.save_escalation_matrix([{"category": "SSO", "action": "Escalate"}])
    with pytest.raises(StoreError, match="Matrix row 2: the category is empty"):
        store.save_escalation_matrix([{"category": "A", "action": "Escalate", "to": "x"},
                                      {"situation": "y", "action": "Escalate"}])  # fmt: skip
    with pytest.raises(PermissionDenied):
        store.save_escalation_matrix([], actor=VIEWER)


def test_migration_keeps_older_data(tmp_path: Path) -> None:
    """A database at the step before calibration (with a meeting, an agenda item and a tag)
    gains the calibration tables and keeps every row."""
    path = tmp_path / "old.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    before = v007_calibration.PREVIOUS.VERSION
    assert migrations.upgrade(engine, target=before) == before
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO meeting (id, date, title, attendees, notes, created_at, updated_at) "
            "VALUES (1, '2025-01-07', 'Review', 'ana', '', '2025-01-07 10:00:00', "
            "'2025-01-07 10:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO agenda_item (meeting_id, source, title, detail, decision, position, "
            "updated_at) VALUES (1, 'free', 'SSO', '', 'write article', 0, '2025-01-07 10:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO category_tag (category, kind, note, updated_at) "
            "VALUES ('SSO', 'policy', 'admin rights', '2025-01-07 10:00:00')"
        )
    engine.dispose()
    with Store(f"sqlite:///{path}") as store:
        assert store.schema_version == migrations.LATEST >= v007_calibration.VERSION
        assert store.get_meeting(1).date == dt.date(2025, 1, 7)
        assert store.list_agenda_items(1)["decision"].to_list() == ["write article"]
        assert store.get_category_tags().select("category", "kind").rows() == [("SSO", "policy")]
        _, items = _session(store)
        store.submit_calibration_answer(items[0], escalate=True, participant="Ana")
        assert store.save_escalation_matrix([]).version == 1
    names = _sql(path, "SELECT name FROM schema_version ORDER BY version")
    assert names[v007_calibration.VERSION - 1] == (v007_calibration.NAME,)


@pytest.mark.sqlite_only  # backups are SQLite files
def test_backup_and_restore_keep_sessions_answers_and_matrix(store: Store, tmp_path: Path) -> None:
    sid, items = _session(store)
    store.submit_calibration_answer(items[2], escalate=True, target="Tier 2", participant="Ana")
    store.close_calibration_session(sid)
    store.save_escalation_matrix([{"category": "SSO", "action": "Escalate", "to": "Identity"}])
    backup = store.backup(tmp_path / "backup.sqlite")
    with Store(f"sqlite:///{tmp_path / 'other.sqlite'}") as other:
        other.restore(backup)
        answers = other.calibration_answers(sid)
        assert answers.select("participant", "target").rows() == [("Ana", "Tier 2")]
        assert other.calibration_items(sid).get_column("outcome_group").to_list() == [
            "Identity",
            None,
            "Tier 2",
        ]
        assert other.escalation_matrix().rows[0]["to"] == "Identity"


@pytest.mark.sqlite_only  # backups are SQLite files
def test_a_restored_name_beyond_a_to_z_is_still_found_in_any_case(
    store: Store, tmp_path: Path
) -> None:
    # the restore copies rows with its own connections: without the app's lower() they wrote
    # index entries the app could not find, and "émile" answered the scenario a second time
    sid, items = _session(store)
    store.submit_calibration_answer(items[0], escalate=False, participant="Émile")
    backup = store.backup(tmp_path / "backup.sqlite")
    path = tmp_path / "other.sqlite"
    with Store(f"sqlite:///{path}") as other:
        other.restore(backup)
    with Store(f"sqlite:///{path}") as other:
        other.submit_calibration_answer(items[0], escalate=True, participant="émile")
        assert other.calibration_progress(sid).rows() == [("Émile", 1)]
        mine = other.my_calibration_answers(sid, "ÉMILE")
        assert mine.select("participant", "escalate").rows() == [("Émile", True)]
    with contextlib.closing(sqlite3.connect(path)) as raw:
        prepare_sqlite(raw)
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with contextlib.closing(sqlite3.connect(backup)) as raw:  # the backup file itself too
        prepare_sqlite(raw)
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_the_same_name_in_another_case_answering_at_once_keeps_one_answer(db_url: str) -> None:
    """ "Ana" and "ana" (one person, two tabs or two servers) answer one scenario at the same
    moment: one answer is kept, the later one, as when they answer one after the other."""
    a, sid = _racing_answers(db_url, "ana")
    try:
        mine = a.my_calibration_answers(sid, "ANA")
        assert mine.select("participant", "escalate").rows() == [("Ana", False)]
        assert a.calibration_progress(sid).rows() == [("Ana", 1)]
    finally:
        a.close()


def test_one_person_typing_the_name_in_another_case_stays_one_participant(store: Store) -> None:
    sid, items = _session(store)
    store.submit_calibration_answer(items[0], escalate=True, participant="Ana")
    store.submit_calibration_answer(items[1], escalate=False, participant="ana")
    store.submit_calibration_answer(items[2], escalate=False, participant="Bo")
    assert store.calibration_progress(sid).rows() == [("Ana", 2), ("Bo", 1)]
    mine = store.my_calibration_answers(sid, "ANA")
    assert mine.select("participant", "escalate").rows() == [("Ana", True), ("Ana", False)]


@pytest.mark.parametrize("name", ["Émile", "İlker", "ΟΔΥΣΣΕΥΣ", "Åsa"])
def test_a_name_beyond_a_to_z_answers_again_and_reads_its_answers(store: Store, name: str) -> None:
    # the lookup and the unique index must fold case the same way (the database's lower()):
    # with Python's str.lower() the second answer missed the first row and hit the index
    sid, items = _session(store)
    store.submit_calibration_answer(items[0], escalate=False, participant=name)
    store.submit_calibration_answer(items[0], escalate=True, participant=name)
    store.submit_calibration_answer(items[1], escalate=False, participant=name)
    mine = store.my_calibration_answers(sid, name)
    assert mine.select("participant", "escalate").rows() == [(name, True), (name, False)]
    assert store.calibration_progress(sid).rows() == [(name, 2)]


@pytest.mark.parametrize(
    ("first", "again"), [("Émile", "émile"), ("Ørjan", "øRJAN"), ("Åsa", "åSA")]
)
def test_a_name_beyond_a_to_z_in_another_case_is_one_person(
    store: Store, first: str, again: str
) -> None:
    # SQLite's own lower() folds A-Z only: "Émile" and "émile" were two participants there,
    # one on PostgreSQL; both databases now fold every letter (migration 10)
    sid, items = _session(store)
    store.submit_calibration_answer(items[0], escalate=False, participant=first)
    store.submit_calibration_answer(items[0], escalate=True, participant=again)  # replaces
    store.submit_calibration_answer(items[1], escalate=False, participant=again)
    assert store.calibration_progress(sid).rows() == [(first, 2)]
    mine = store.my_calibration_answers(sid, again)
    assert mine.select("participant", "escalate").rows() == [(first, True), (first, False)]


def test_two_spellings_stored_by_a_race_count_once_and_close_as_one(store: Store) -> None:
    # "Ana" and "ana" answering two scenarios at the same moment on PostgreSQL each find no
    # row of the other (not committed yet) and keep their own spelling: stored here directly
    sid, items = _session(store)
    with store._write() as s:
        for item, name in ((items[0], "Ana"), (items[1], "ana")):
            s.add(CalibrationAnswer(session_id=sid, item_id=item, participant=name, escalate=True))
    store.submit_calibration_answer(items[2], escalate=False, participant="Bo")
    assert store.calibration_progress(sid).rows() == [("Ana", 2), ("Bo", 1)]
    store.close_calibration_session(sid, who="lead")
    answers = store.calibration_answers(sid)
    assert sorted(answers.get_column("participant").to_list()) == ["Ana", "Ana", "Bo"]
