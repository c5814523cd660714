"""The database source: SQLite files here (fast, in ``make test``), PostgreSQL with a few
hundred thousand tickets under ``-m postgres`` (REVIEW_TEST_POSTGRES_URL, skipped when unset).

The tables are shaped like the dbt Zendesk package's ``zendesk__ticket_enriched`` model, with
rows of our own.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from lib.errors import IngestError
from lib.ingest.sql_source import (
    Connection,
    SqlSource,
    available_names,
    inspect_sql,
    load_sql,
    masked,
    read_sql,
    resolve_url,
)
from tests.ingest.sql_tickets import TABLE, ticket_rows, write_desk

N_SQLITE = 600  # one ticket every 3 hours: 2024-01-01 03:00 to 2024-03-16 00:00
FEB = SqlSource(table=TABLE, start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29))


def _in_feb(rows: list[tuple]) -> int:
    return sum(1 for row in rows if row[1].startswith("2024-02"))


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the dbt-shaped ticket table, an empty table and a blob table."""
    path = write_desk(tmp_path_factory.mktemp("sql") / "desk.sqlite", N_SQLITE)
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("CREATE TABLE empty_tickets (id INTEGER, created_at TEXT)")
        con.execute("CREATE TABLE blobs (a BLOB, b BLOB)")
        con.execute("INSERT INTO blobs VALUES (x'00ff', x'01')")
        con.execute(
            'CREATE TABLE "odd tickets" ("id" INTEGER, "created; DROP TABLE blobs" TEXT, '
            '"state" TEXT)'
        )
        con.execute("INSERT INTO \"odd tickets\" VALUES (1, '2024-01-05', 'open')")
        con.execute("INSERT INTO \"odd tickets\" VALUES (2, '2024-02-05', 'solved')")
        con.execute(f"CREATE VIEW open_tickets AS SELECT * FROM {TABLE} WHERE status = 'open'")
        con.execute("CREATE TABLE epoch (id INTEGER, created INTEGER, status TEXT)")
        con.execute("INSERT INTO epoch VALUES (1, 1704067200, 'open')")
    return path


@pytest.fixture(scope="module")
def url(desk: Path) -> sa.URL:
    return resolve_url(
        Connection("env", "REVIEW_SQL_DESK"), environ={"REVIEW_SQL_DESK": f"sqlite:///{desk}"}
    )


@pytest.fixture
def statements() -> Iterator[list[tuple[str, object]]]:
    """Every statement a database source sends, with its parameters."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((statement, parameters))

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(sa.Engine, "before_cursor_execute", record)


def test_dbt_ticket_table_maps_and_reads_only_the_date_range(url: sa.URL) -> None:
    sample = inspect_sql(FEB, url)
    assert sample.mapping["ticket_id"] == "ticket_id"
    assert sample.mapping["created_at"] == "created_at"
    assert sample.mapping["agent"] == "assignee_name"
    assert sample.mapping["group"] == "group_name"
    assert sample.mapping["channel"] == "created_channel"
    result = load_sql(FEB, url, sample)
    tickets = result.tickets
    assert tickets.height == _in_feb(ticket_rows(N_SQLITE))
    assert tickets["created_at"].min() >= dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    assert tickets["created_at"].max() < dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert result.report.rows_read == tickets.height  # filtered by the database, not after
    assert "filtered" in result.report.files[0].notes[-1]


def test_date_range_is_a_bound_parameter_on_the_quoted_column(
    url: sa.URL, statements: list[tuple[str, object]]
) -> None:
    load_sql(FEB, url, inspect_sql(FEB, url))
    reads = [(s, p) for s, p in statements if "WHERE" in s and "count" not in s.lower()]
    assert reads, statements
    sql, params = reads[-1]
    assert "zendesk__ticket_enriched.created_at >= ?" in sql
    assert "zendesk__ticket_enriched.created_at < ?" in sql
    assert "2024-02" not in sql and "2024-03" not in sql  # values never formatted into SQL
    assert list(params) == ["2024-02-01", "2024-03-01"]  # type: ignore[call-overload]


def test_hostile_identifiers_are_quoted(url: sa.URL, desk: Path, statements: list) -> None:
    src = SqlSource(table="odd tickets", start=dt.date(2024, 2, 1))
    sample = inspect_sql(src, url)
    mapping = {"ticket_id": "id", "created_at": "created; DROP TABLE blobs", "status": "state"}
    result = load_sql(src, url, sample, mapping=mapping)
    assert result.tickets["ticket_id"].to_list() == ["2"]
    assert any('"created; DROP TABLE blobs" >= ?' in s for s, _ in statements)
    with closing(sqlite3.connect(desk)) as con, con:  # the column's name was never run as SQL
        assert con.execute("SELECT count(*) FROM blobs").fetchone() == (1,)


def test_query_source_with_colons_and_a_date_range(url: sa.URL) -> None:
    src = SqlSource(
        query="SELECT * FROM zendesk__ticket_enriched WHERE subject <> 'x:y 10:00';",
        start=dt.date(2024, 3, 1),
    )
    result = load_sql(src, url, inspect_sql(src, url))
    assert result.tickets.height == sum(1 for r in ticket_rows(N_SQLITE) if r[1] >= "2024-03")


def test_batches_report_progress(url: sa.URL) -> None:
    seen: list[tuple[float, str]] = []
    sample = inspect_sql(FEB, url)
    table = read_sql(
        FEB, url, created="created_at", batch_rows=50, progress=lambda x, m: seen.append((x, m))
    )
    assert table.frame.height == _in_feb(ticket_rows(N_SQLITE))
    reads = [m for _, m in seen if m.startswith("Read ")]
    assert (
        len(reads) >= 4
        and reads[-1] == f"Read {table.frame.height:,} of {table.frame.height:,} rows"
    )
    assert [x for x, _ in seen] == sorted(x for x, _ in seen)
    assert sample.tables[0].frame.height == N_SQLITE


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (
            SqlSource(table="tickets"),
            ["unknown table or view 'tickets'", "zendesk__ticket_enriched"],
        ),
        (SqlSource(query="SELECT nope FROM zendesk__ticket_enriched"), ["query failed", "nope"]),
        (SqlSource(query="SELECT 1; DELETE FROM blobs"), ["more than one statement"]),
        (SqlSource(query="DELETE FROM blobs RETURNING *"), ["query failed"]),
        (SqlSource(table="empty_tickets"), ["empty_tickets: has no rows"]),
        (SqlSource(query="SELECT * FROM empty_tickets"), ["returned no rows"]),
        (SqlSource(table="blobs"), ["no column has a type that can be read"]),
        (SqlSource(), ["either a table or view, or a query"]),
    ],
)
def test_bad_sources_say_what_failed(
    url: sa.URL, desk: Path, source: SqlSource, words: list[str]
) -> None:
    with pytest.raises(IngestError) as err:
        inspect_sql(source, url)
    for w in words:
        assert w in str(err.value)
    with closing(sqlite3.connect(desk)) as con, con:  # a query never changes the database
        assert con.execute("SELECT count(*) FROM blobs").fetchone() == (1,)


def test_empty_date_range_and_too_many_rows(url: sa.URL) -> None:
    sample = inspect_sql(FEB, url)
    future = SqlSource(table=FEB.table, start=dt.date(2030, 1, 1))
    with pytest.raises(IngestError, match="no tickets were created in the date range"):
        load_sql(future, url, sample)
    with pytest.raises(IngestError, match="more than the limit of 100"):
        read_sql(FEB, url, created="created_at", max_rows=100)
    with pytest.raises(IngestError, match="needs the created date column"):
        load_sql(FEB, url, sample, mapping={"ticket_id": "ticket_id"})


def test_a_column_type_that_cannot_be_read(url: sa.URL, desk: Path) -> None:
    with closing(sqlite3.connect(desk)) as con, con:
        con.execute("CREATE TABLE IF NOT EXISTS with_blob (id INTEGER, created TEXT, pic BLOB)")
        con.execute("DELETE FROM with_blob")
        con.execute("INSERT INTO with_blob VALUES (1, '2024-01-02', x'00')")
    src = SqlSource(table="with_blob")
    sample = inspect_sql(src, url)
    assert "pic" not in sample.columns
    assert "column 'pic' holds binary data and was left out" in sample.tables[0].notes
    mapping = {"ticket_id": "id", "created_at": "created", "subject": "pic"}
    with pytest.raises(IngestError, match="column 'pic': is mapped but cannot be read"):
        load_sql(src, url, sample, mapping=mapping)
    epoch = SqlSource(table="epoch", start=dt.date(2024, 1, 1))
    with pytest.raises(IngestError, match="column 'created': holds Int64 values"):
        load_sql(
            epoch,
            url,
            inspect_sql(epoch, url),
            mapping={"ticket_id": "id", "created_at": "created"},
        )


SECRET = "hunter2-S3CRET/x@y"


def test_the_password_is_never_in_messages_logs_or_saved_source(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket_port() as port:
        raw = sa.URL.create(
            "postgresql+psycopg", "ana", SECRET, "127.0.0.1", port, "helpdesk"
        ).render_as_string(hide_password=False)
    caplog.set_level(logging.DEBUG)
    url = resolve_url(Connection("env", "REVIEW_SQL_DW"), environ={"REVIEW_SQL_DW": raw})
    with pytest.raises(IngestError) as err:
        inspect_sql(SqlSource(table="tickets"), url)
    message = str(err.value)
    assert "cannot connect" in message and "ana:***@127.0.0.1" in message
    assert err.value.__cause__ is None and err.value.__suppress_context__
    shown = [message, caplog.text, masked(raw), repr(url), str(url)]
    assert not any(SECRET in s or "hunter2" in s for s in shown), shown
    typed = Connection("url", "postgresql://ana@db/helpdesk", "REVIEW_SQL_PW")
    saved = SqlSource(table="t").to_json(typed, "postgresql")
    assert "hunter2" not in repr(saved)
    assert resolve_url(typed, environ={"REVIEW_SQL_PW": SECRET}).password == SECRET


@pytest.mark.parametrize(
    ("connection", "environ", "words"),
    [
        (Connection("env", "DATABASE_URL"), {"DATABASE_URL": "sqlite://"}, "starting with"),
        (
            Connection("env", "REVIEW_SQL_DW"),
            {"REVIEW_SQL_DW": SECRET},
            "does not hold a database URL",
        ),
        (Connection("env", "REVIEW_SQL_DW"), {}, "REVIEW_SQL_DW is not set"),
        (Connection("secret", "dw"), {}, "secret sql.dw is not set"),
        (Connection("url", f"postgresql://ana:{SECRET}@db/x"), {}, "holds a password"),
        (Connection("url", "snowflake://ana@acme/db?token=hunter2"), {}, "holds a password"),
        (Connection("url", "postgresql://ana@db/x", "HOME"), {"HOME": SECRET}, "starting with"),
    ],
)
def test_credential_sources_are_checked_without_echoing_them(
    connection: Connection, environ: dict[str, str], words: str
) -> None:
    with pytest.raises(IngestError) as err:
        resolve_url(connection, environ=environ, secrets={})
    assert words in str(err.value)
    assert "hunter2" not in str(err.value)


def test_missing_dialect_names_its_package() -> None:
    url = make_url("snowflake://ana:hunter2@acme/db")
    with pytest.raises(IngestError) as err:
        inspect_sql(SqlSource(table="t"), url)
    assert "snowflake-sqlalchemy" in str(err.value) and "hunter2" not in str(err.value)


def test_available_names_lists_names_only() -> None:
    env = {"REVIEW_SQL_DW": SECRET, "REVIEW_MAX_ROWS": "9", "DATABASE_URL": "x"}
    found = available_names(env, {"sql": {"warehouse": SECRET, "nested": {"a": 1}}})
    assert [(c.kind, c.name) for c in found] == [("env", "REVIEW_SQL_DW"), ("secret", "warehouse")]
    assert "hunter2" not in repr(found)


class socket_port:
    """A local port nobody listens on (connections to it are refused at once)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


# --- PostgreSQL (REVIEW_TEST_POSTGRES_URL; `make test-postgres`) ---------------------------

PG_TICKETS = 300_000


@pytest.fixture(scope="module")
def pg() -> Iterator[tuple[sa.URL, str]]:
    """The test database with ``PG_TICKETS`` dbt-shaped tickets, one every 5 minutes from
    2023-01-01 UTC (timestamptz), in a table of its own (dropped afterwards)."""
    raw = os.environ.get("REVIEW_TEST_POSTGRES_URL")
    if not raw:
        pytest.skip("REVIEW_TEST_POSTGRES_URL is not set")
    url = make_url(raw)
    table = f"sqlsrc_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as con:
        con.exec_driver_sql(
            f"""CREATE TABLE {table} AS
            SELECT i AS ticket_id,
                   timestamptz '2023-01-01 00:00+00' + (i * interval '5 minutes') AS created_at,
                   timestamptz '2023-01-01 00:00+00' + (i * interval '5 minutes')
                       + interval '1 day' AS updated_at,
                   (ARRAY['open','pending','solved','closed'])[1 + mod(i, 4)] AS status,
                   (ARRAY['low','normal','high','urgent'])[1 + mod(i / 7, 4)] AS priority,
                   (ARRAY['question','incident','problem'])[1 + mod(i / 3, 3)] AS type,
                   'Printer ' || i || ' will not print' AS subject,
                   (ARRAY['email','web','chat'])[1 + mod(i / 5, 3)] AS created_channel,
                   ARRAY['vip'] AS ticket_tags,
                   (ARRAY['Ana Ruiz','Bo Lee','Cy Park'])[1 + mod(i / 11, 3)] AS assignee_name,
                   (ARRAY['Tier 1','Tier 1','Tier 2'])[1 + mod(i / 13, 3)] AS group_name,
                   mod(i, 100)::numeric(10, 2) AS ticket_satisfaction_score,
                   gen_random_uuid() AS external_id,
                   '\\x00'::bytea AS attachment
            FROM generate_series(1, {PG_TICKETS}) AS i"""
        )
        con.exec_driver_sql(f"CREATE INDEX ON {table} (created_at)")
        con.exec_driver_sql(f"ANALYZE {table}")
        con.exec_driver_sql(f"CREATE SEQUENCE {table}_seq")
    try:
        yield url, table
    finally:
        with engine.begin() as con:
            con.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
            con.exec_driver_sql(f"DROP SEQUENCE IF EXISTS {table}_seq")
        engine.dispose()


@pytest.mark.postgres
def test_postgres_date_range_is_pushed_down(
    pg: tuple[sa.URL, str], statements: list[tuple[str, object]]
) -> None:
    url, table = pg
    src = SqlSource(table=table, start=dt.date(2023, 2, 1), end=dt.date(2023, 3, 31))
    sample = inspect_sql(src, url)
    assert (
        sample.mapping["created_at"] == "created_at" and sample.mapping["agent"] == "assignee_name"
    )
    assert "column 'attachment' holds binary data and was left out" in sample.tables[0].notes
    result = load_sql(src, url, sample)
    # 2023-02-01 00:00 to 2023-03-31 23:55 UTC, one ticket every 5 minutes: 59 days of 288.
    assert result.report.rows_read == result.tickets.height == 59 * 288
    sql, params = next(
        (s, p)
        for s, p in statements
        if s.lstrip().startswith("SELECT") and "created_at >=" in s and "count" not in s
    )
    engine = sa.create_engine(url)
    with engine.connect() as con:
        plan = "\n".join(r[0] for r in con.exec_driver_sql("EXPLAIN " + sql, params))
    engine.dispose()
    assert "created_at >=" in plan and "created_at <" in plan, plan  # the filter runs in PostgreSQL
    assert "Index" in plan, plan


@pytest.mark.postgres
def test_postgres_types_and_read_only(pg: tuple[sa.URL, str]) -> None:
    url, table = pg
    src = SqlSource(query=f"SELECT * FROM {table} WHERE ticket_id <= 1000")
    sample = inspect_sql(src, url)
    frame = sample.tables[0].frame
    assert frame.schema["external_id"] == pl.String  # uuid as text
    assert frame.schema["ticket_tags"] == pl.String and frame["ticket_tags"][0] == "vip"
    assert frame.schema["ticket_satisfaction_score"] == pl.String  # numeric as text
    with pytest.raises(IngestError, match="read-only transaction"):
        inspect_sql(SqlSource(query=f"SELECT *, nextval('{table}_seq') FROM {table}"), url)


@pytest.mark.postgres
def test_postgres_password_from_its_own_variable(pg: tuple[sa.URL, str]) -> None:
    url, table = pg
    typed = Connection(
        "url",
        url._replace(password=None).render_as_string(hide_password=False),
        "REVIEW_SQL_TEST_PW",
    )
    environ = {"REVIEW_SQL_TEST_PW": url.password or "unused"}
    resolved = resolve_url(typed, environ=environ)
    src = SqlSource(table=table, start=dt.date(2023, 1, 1), end=dt.date(2023, 1, 1))
    result = load_sql(src, resolved, inspect_sql(src, resolved))
    assert result.tickets.height == 287  # 00:05 to 23:55 on the first day
    assert (url.password or "unused") not in repr(SqlSource(table=table).to_json(typed))


def test_a_secrets_entry_holds_the_url(url: sa.URL) -> None:
    raw = url.render_as_string(hide_password=False)
    found = resolve_url(Connection("secret", "desk"), secrets={"sql": {"desk": raw}})
    assert inspect_sql(SqlSource(table=TABLE), found).tables[0].frame.height == N_SQLITE
    assert masked("postgresql://ana@db/x?password=hunter2") == "postgresql://ana@db/x?password=***"


def test_a_view_and_a_schema_qualified_table(url: sa.URL) -> None:
    n_open = sum(1 for r in ticket_rows(N_SQLITE) if r[3] == "open")
    assert inspect_sql(SqlSource(table="open_tickets"), url).tables[0].frame.height == n_open
    src = SqlSource(table=f"main.{TABLE}", start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29))
    assert load_sql(src, url, inspect_sql(src, url)).tickets.height == _in_feb(
        ticket_rows(N_SQLITE)
    )
