"""Upgrading a database made by the previous release (schema 5) to the current one, on SQLite
and on PostgreSQL: every row is kept and the result has exactly a new database's schema."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lib.store import Store, migrations
from lib.store.engine import make_engine

PREVIOUS = 5  # the schema the previous release shipped (v005_dataset_business_zone)
T = "2025-03-03 09:00:00"

# Rows as the previous release wrote them: plain SQL, no current model involved.
ROWS = {
    "dataset": [
        {"id": 1, "name": "Zendesk Q1", "created_at": T, "source_files": '["q1.csv"]',
         "vendor": "zendesk", "row_count": 1200, "snapshot_path": None,
         "mapping": '{"ticket_id": "Id"}', "rules": "[]", "report": None,
         "sentiment_method": None, "business_tz": "Europe/Berlin"},
    ],
    "setting": [{"key": "active_dataset_id", "value": "1", "updated_by": "ana", "updated_at": T}],
    "category_tag": [
        {"category": "SSO", "kind": "policy", "note": "admin rights", "updated_by": "ana",
         "updated_at": T},
    ],
    "meeting": [
        {"id": 1, "date": "2025-03-04", "period_start": "2025-02-18", "period_end": "2025-03-03",
         "dataset_id": 1, "title": "Review 9", "attendees": "ana, bo", "notes": "notes",
         "created_by": "ana", "created_at": T, "updated_at": T, "updated_by": "ana",
         "closed_at": None, "closed_by": None, "minutes": None},
    ],
    "agenda_item": [
        {"id": 1, "meeting_id": 1, "source": "driver", "ref": "SSO", "title": "SSO up 40%",
         "detail": "", "decision": "write the article", "position": 0, "updated_by": "ana",
         "updated_at": T, "deleted_at": None, "deleted_by": None},
    ],
    "action_item": [
        {"id": 1, "title": "Write SSO article", "description": "", "owner": "bo",
         "due_date": "2025-03-20", "status": "open", "priority": "high", "link_kind": "category",
         "link_value": "SSO", "created_in_meeting": 1, "closed_in_meeting": None,
         "created_by": "ana", "created_at": T, "closed_at": None, "outcome_note": "",
         "version": 1, "updated_by": "ana", "updated_at": T},
    ],
    "action_history": [
        {"id": 1, "action_id": 1, "version": 1, "changed_at": T, "changed_by": "ana",
         "field": "created", "old_value": None, "new_value": "Write SSO article"},
    ],
}  # fmt: skip


def _previous_release_database(url: str) -> None:
    """Build schema 5 exactly as the previous release did (its migration steps) and fill it."""
    engine = make_engine(url)
    try:
        assert migrations.upgrade(engine, target=PREVIOUS) == PREVIOUS
        with engine.begin() as conn:
            for table, rows in ROWS.items():
                cols = ", ".join(f'"{c}"' for c in rows[0])
                params = ", ".join(f":{c}" for c in rows[0])
                conn.execute(sa.text(f'INSERT INTO "{table}" ({cols}) VALUES ({params})'), rows)
                if conn.dialect.name == "postgresql" and "id" in rows[0]:
                    # the app's own inserts would have moved the id sequence past these rows
                    conn.execute(
                        sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"),
                        {"n": max(r["id"] for r in rows)},
                    )
    finally:
        engine.dispose()


def _columns(engine: sa.Engine) -> dict[str, set[tuple[str, bool]]]:
    insp = sa.inspect(engine)
    return {
        t: {(c["name"], bool(c["nullable"])) for c in insp.get_columns(t)}
        for t in insp.get_table_names()
    }


def test_a_previous_release_database_is_upgraded_without_loss(
    empty_db_url: str, backend: str
) -> None:
    _previous_release_database(empty_db_url)
    with Store(empty_db_url) as store:
        assert store.schema_version == migrations.LATEST
        with store.engine.connect() as conn:
            assert conn.dialect.name == backend
            versions = conn.execute(sa.text("SELECT version FROM schema_version ORDER BY 1"))
            assert [v for (v,) in versions] == list(range(1, migrations.LATEST + 1))
        ds = store.get_active_dataset()
        assert (ds.name, ds.row_count, ds.business_tz) == ("Zendesk Q1", 1200, "Europe/Berlin")
        assert ds.mapping == {"ticket_id": "Id"} and ds.source_files == ["q1.csv"]
        assert store.get_category_tags()["note"].to_list() == ["admin rights"]
        meeting = store.get_meeting(1)
        assert (meeting.title, meeting.attendees, meeting.pack_html) == (
            "Review 9",
            "ana, bo",
            None,
        )
        assert store.list_agenda_items(1)["decision"].to_list() == ["write the article"]
        item = store.get_action(1)
        assert (item.owner, item.due_date, item.version) == ("bo", dt.date(2025, 3, 20), 1)
        assert item.created_at == dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
        # the upgraded database takes new writes, ids continue after the old rows
        updated = store.update_action(1, {"status": "done"}, expected_version=1, who="bo")
        assert updated.version == 2 and updated.closed_at is not None
        assert store.create_action("Next", owner="cy").id == 2
        assert store.create_meeting("2025-03-11").id == 2
        assert store.action_history(1)["field"].to_list() == ["created", "status", "closed_at"]
    # the same schema as a database built new, on this dialect
    fresh_url = empty_db_url.replace("empty.sqlite", "fresh.sqlite")
    if backend == "postgresql":
        from tests.conftest import postgres_schema, postgres_url

        fresh_url = postgres_schema(postgres_url() or "", "fresh")
    with Store(empty_db_url) as upgraded, Store(fresh_url) as fresh:
        assert _columns(upgraded.engine) == _columns(fresh.engine)


def test_answers_of_one_name_in_two_cases_are_merged_by_the_upgrade(
    empty_db_url: str, backend: str
) -> None:
    """A database of schema 8 may hold "Ana" and "ana" answering one scenario (the case-blind
    race of issue 17's answers): the upgrade keeps the later answer of the two, and every other
    answer, under one spelling per person; the database then refuses a second one in any case."""
    engine = make_engine(empty_db_url)
    try:
        assert migrations.upgrade(engine, 8) == 8
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO calibration_session (id, title, note, status, created_at) "
                    "VALUES (1, 'Q1', '', 'open', :t)"
                ),
                {"t": T},
            )
            for item in (1, 2):
                conn.execute(
                    sa.text(
                        "INSERT INTO calibration_item (id, session_id, position, ticket_id, why) "
                        "VALUES (:i, 1, :i, :tid, '')"
                    ),
                    {"i": item, "tid": f"T{item}"},
                )
            answers = [  # (id, item, name, escalate, answered at)
                (1, 1, "Ana", True, "2025-03-03 09:00:05"),
                (2, 1, "ana", False, "2025-03-03 09:00:09"),  # later: kept
                (3, 2, "ANA", True, "2025-03-03 09:00:07"),  # later: kept
                (4, 2, "Ana", False, "2025-03-03 09:00:01"),
                (5, 1, "Bo", True, "2025-03-03 09:00:02"),
            ]
            for aid, item, name, esc, at in answers:
                conn.execute(
                    sa.text(
                        "INSERT INTO calibration_answer (id, session_id, item_id, participant, "
                        "escalate, target, reason, note, answered_at) "
                        "VALUES (:id, 1, :item, :name, :esc, '', '', '', :at)"
                    ),
                    {"id": aid, "item": item, "name": name, "esc": esc, "at": at},
                )
    finally:
        engine.dispose()
    with Store(empty_db_url) as store:
        assert store.schema_version == migrations.LATEST
        # one spelling per person: the first one answered with (answer 1's, since replaced)
        assert _answers(store) == [(2, "Ana", False), (3, "Ana", True), (5, "Bo", True)]
        assert store.calibration_progress(1).rows() == [("Ana", 2), ("Bo", 1)]
        _refuses_another_answer(store, "BO")


@pytest.mark.sqlite_only  # PostgreSQL's lower() always folded every letter: nothing to merge
def test_names_beyond_a_to_z_stored_twice_on_sqlite_are_merged_by_the_upgrade(
    empty_db_url: str,
) -> None:
    """A SQLite database of schema 9 may hold "Émile" and "émile" answering one scenario (its
    index was built by SQLite's own lower(), which folds A-Z only): the upgrade keeps the
    later answer under the first spelling, and the rebuilt index refuses another case."""
    import sqlite3

    engine = make_engine(empty_db_url)
    try:
        assert migrations.upgrade(engine, 9) == 9
    finally:
        engine.dispose()
    # written as the release of schema 9 wrote them: SQLite's own lower() in the index
    raw = sqlite3.connect(empty_db_url.removeprefix("sqlite:///"))
    try:
        raw.execute("DROP INDEX ux_calibration_answer_item_participant_any_case")
        raw.execute(
            "CREATE UNIQUE INDEX ux_calibration_answer_item_participant_any_case "
            "ON calibration_answer (item_id, lower(participant))"
        )
        raw.execute(
            "INSERT INTO calibration_session (id, title, note, status, created_at) "
            "VALUES (1, 'Q1', '', 'open', ?)",
            (T,),
        )
        for item in (1, 2):
            raw.execute(
                "INSERT INTO calibration_item (id, session_id, position, ticket_id, why) "
                "VALUES (?, 1, ?, ?, '')",
                (item, item, f"T{item}"),
            )
        answers = [  # (id, item, name, escalate, answered at)
            (1, 1, "Émile", 1, "2025-03-03 09:00:05"),
            (2, 1, "émile", 0, "2025-03-03 09:00:09"),  # later: kept, as "Émile"
            (3, 2, "ÉMILE", 1, "2025-03-03 09:00:07"),
            (4, 1, "Åsa", 1, "2025-03-03 09:00:02"),
        ]
        raw.executemany(
            "INSERT INTO calibration_answer (id, session_id, item_id, participant, escalate, "
            "target, reason, note, answered_at) VALUES (?, 1, ?, ?, ?, '', '', '', ?)",
            answers,
        )
        raw.commit()
    finally:
        raw.close()
    with Store(empty_db_url) as store:
        assert store.schema_version == migrations.LATEST
        assert _answers(store) == [(2, "Émile", False), (3, "Émile", True), (4, "Åsa", True)]
        assert store.calibration_progress(1).rows() == [("Åsa", 1), ("Émile", 2)]
        _refuses_another_answer(store, "åSA")


def _answers(store: Store) -> list[tuple[int, str, bool]]:
    """(id, participant, escalate) of every calibration answer, by id."""
    with store.engine.connect() as conn:
        left = conn.execute(
            sa.text("SELECT id, participant, escalate FROM calibration_answer ORDER BY id")
        ).all()
    return [(i, who, bool(esc)) for i, who, esc in left]


def _refuses_another_answer(store: Store, name: str) -> None:
    """The database itself refuses a second answer of ``name`` (another case of one that
    answered scenario 1 of session 1)."""
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO calibration_answer (session_id, item_id, participant, escalate, "
                "target, reason, note, answered_at) VALUES (1, 1, :name, true, '', '', '', :t)"
            ),
            {"name": name, "t": T},
        )
