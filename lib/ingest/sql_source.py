"""Tickets straight from a database: a SQLAlchemy URL and a table, view or query, read into
the same raw table an uploaded file becomes, so the mapping screen, value parsing, rules and
validation of :mod:`lib.ingest.loader` run unchanged.

Credentials never pass through this module as text the user typed: the URL comes from an
environment variable (``REVIEW_SQL_*``) or a secrets entry, or a URL without its password is
completed with a password from an environment variable (:func:`resolve_url`). A URL is only
ever shown masked (:func:`masked`), and every message raised here is scrubbed of it.

The date range is pushed down into the query (``WHERE`` on the mapped created column, values
bound as parameters, identifiers quoted by SQLAlchemy); the rows are streamed in batches
(server-side cursor) with progress.

Example
-------
>>> import sqlite3, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "desk.sqlite"
>>> with sqlite3.connect(path) as con:
...     _ = con.execute("CREATE TABLE tickets (id INT, created TEXT, status TEXT)")
...     _ = con.executemany("INSERT INTO tickets VALUES (?, ?, ?)",
...                         [(1, "2024-03-01 10:00", "open"), (2, "2024-03-09 11:00", "solved")])
>>> url = resolve_url(Connection("env", "REVIEW_SQL_DESK"),
...                   environ={"REVIEW_SQL_DESK": f"sqlite:///{path}"})
>>> src = SqlSource(table="tickets", start=dt.date(2024, 3, 5))
>>> sample = inspect_sql(src, url)
>>> sample.mapping["created_at"]
'created'
>>> load_sql(src, url, sample).tickets.get_column("ticket_id").to_list()
['2']
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine import Connection as SaConnection
from sqlalchemy.pool import NullPool

from lib.errors import IngestError
from lib.ingest.columns import match_columns
from lib.ingest.inspection import Inspection, Progress, _merge_mapping, _noop
from lib.ingest.load_report import LoadResult
from lib.ingest.loader import load_tables
from lib.ingest.readers.limits import Limits
from lib.ingest.readers.table import RawTable
from lib.ingest.rules import Rule
from lib.ingest.vendors import detect_vendor, header_fingerprint

__all__ = [
    "ENV_PREFIX",
    "SECRETS_SECTION",
    "Connection",
    "SqlSource",
    "available_names",
    "inspect_sql",
    "load_sql",
    "masked",
    "read_sql",
    "resolve_url",
]

#: Only environment variables with this prefix may hold a URL or a password, so an editor
#: cannot send another secret of the server's environment (the app's own DATABASE_URL, cloud
#: keys) to a database host.
ENV_PREFIX = "REVIEW_SQL_"
#: The section of Streamlit's ``secrets.toml`` whose keys hold database URLs.
SECRETS_SECTION = "sql"
#: Rows read for the mapping screen (column detection and the preview).
SAMPLE_ROWS = 2_000
#: Rows fetched per batch of the full read (one server-side cursor round trip).
BATCH_ROWS = 50_000

#: Query parameters of a URL that hold credentials (masked on display, refused in a typed URL).
_SECRET_PARAMS = re.compile(r"pass|pwd|secret|token|key|credential", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_URL_CREDENTIALS = re.compile(r"(\w[\w+.-]*://[^:/@\s]*):[^@\s]*@")
#: The dialect packages of warehouses documented in the README (not installed).
_DIALECT_PACKAGES = {
    "snowflake": "snowflake-sqlalchemy",
    "bigquery": "sqlalchemy-bigquery",
    "redshift": "sqlalchemy-redshift (with redshift_connector)",
    "mysql": "a MySQL driver such as PyMySQL",
    "mssql": "pyodbc",
}


@dataclass(frozen=True)
class Connection:
    """Where the database URL comes from, never the password itself.

    ``kind``: ``"env"`` (``name`` is an environment variable holding the URL), ``"secret"``
    (``name`` is a key of the ``[sql]`` section of Streamlit's secrets) or ``"url"`` (``name``
    is a URL without a password; ``password_env`` names the environment variable holding it).

    >>> Connection("env", "REVIEW_SQL_WAREHOUSE").describe()
    'environment variable REVIEW_SQL_WAREHOUSE'
    """

    kind: str
    name: str
    password_env: str | None = None

    def describe(self) -> str:
        """The connection in words, safe to show and to store."""
        if self.kind == "env":
            return f"environment variable {self.name}"
        if self.kind == "secret":
            return f"secret {SECRETS_SECTION}.{self.name}"
        pw = f" with the password in {self.password_env}" if self.password_env else ""
        return f"{masked(self.name)}{pw}"


@dataclass(frozen=True)
class SqlSource:
    """What to read: a table or view (``schema.name`` allowed) or a query, and the created
    dates to keep (both ends included, either may be None).

    >>> SqlSource(table="zendesk.zendesk__ticket_enriched").label
    'zendesk.zendesk__ticket_enriched'
    >>> SqlSource(query="SELECT * FROM t", end=dt.date(2024, 1, 31)).label
    'query, created up to 2024-01-31'
    """

    table: str | None = None
    query: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def label(self) -> str:
        """A short name for the source (the dataset's default name)."""
        what = self.table.strip() if self.table else "query"
        if self.start and self.end:
            return f"{what}, created {self.start} to {self.end}"
        if self.start:
            return f"{what}, created from {self.start}"
        if self.end:
            return f"{what}, created up to {self.end}"
        return what

    def to_json(self, connection: Connection, dialect: str | None = None) -> dict[str, Any]:
        """What a saved dataset remembers to read its source again (no password, ever).

        >>> SqlSource(table="t").to_json(Connection("env", "REVIEW_SQL_X"))["connection"]
        {'kind': 'env', 'name': 'REVIEW_SQL_X', 'password_env': None}
        """
        out: dict[str, Any] = {
            "kind": "sql",
            "connection": asdict(connection),
            "dialect": dialect,
            "table": self.table,
            "query": self.query,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }
        if connection.kind == "url":
            out["connection"]["name"] = masked(connection.name)
        return out


def masked(url: str | URL) -> str:
    """A URL with its password and credential parameters replaced by ``***``.

    >>> masked("postgresql://ana:s3cret@db.example.com:5432/helpdesk")
    'postgresql://ana:***@db.example.com:5432/helpdesk'
    >>> masked("snowflake://ana@acme/db?token=abc&warehouse=wh")
    'snowflake://ana@acme/db?token=***&warehouse=wh'
    >>> masked("not a url: x:y@z")
    'the database URL (not shown)'
    """
    try:
        u = url if isinstance(url, URL) else make_url(str(url).strip())
    except Exception:  # an unparsable URL is never echoed
        return "the database URL (not shown)"
    query = {k: ("***" if _SECRET_PARAMS.search(k) else v) for k, v in u.query.items()}
    return u.set(query=query).render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


def available_names(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> list[Connection]:
    """The environment variables and secrets that may hold a URL (names only, no values).

    >>> env, secrets = {"REVIEW_SQL_DW": "x", "HOME": "/root"}, {"sql": {"dw": "y"}}
    >>> [c.name for c in available_names(env, secrets)]
    ['REVIEW_SQL_DW', 'dw']
    """
    found = [Connection("env", k) for k in sorted(environ) if k.startswith(ENV_PREFIX)]
    section = secrets.get(SECRETS_SECTION) if hasattr(secrets, "get") else None
    if isinstance(section, Mapping):
        found += [Connection("secret", k) for k in sorted(section) if isinstance(section[k], str)]
    return found


def _env_name(name: str, what: str) -> str:
    name = (name or "").strip()
    if not name.startswith(ENV_PREFIX) or not re.fullmatch(r"[A-Z0-9_]+", name):
        raise IngestError(
            f"{what} {name!r} cannot be used",
            expected=f"the name of an environment variable starting with {ENV_PREFIX}",
        )
    return name


def resolve_url(
    connection: Connection,
    *,
    environ: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
) -> URL:
    """The SQLAlchemy URL a connection points at; messages never contain its value.

    >>> resolve_url(Connection("url", "postgresql://ana@db/helpdesk", "REVIEW_SQL_PW"),
    ...             environ={"REVIEW_SQL_PW": "s3cret"}).password
    's3cret'
    >>> resolve_url(Connection("env", "REVIEW_SQL_NONE"), environ={})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    lib.errors.IngestError: the environment variable REVIEW_SQL_NONE is not set (expected ...)
    """
    environ = os.environ if environ is None else environ
    secrets = secrets or {}
    if connection.kind == "env":
        name = _env_name(connection.name, "environment variable")
        raw = environ.get(name)
        if not raw:
            raise IngestError(
                f"the environment variable {name} is not set",
                expected="a database URL in it, set before the app starts",
            )
        return _parse_url(raw, f"the environment variable {name}")
    if connection.kind == "secret":
        section = secrets.get(SECRETS_SECTION) or {}
        raw = section.get(connection.name) if isinstance(section, Mapping) else None
        if not isinstance(raw, str) or not raw:
            raise IngestError(
                f"the secret {SECRETS_SECTION}.{connection.name} is not set",
                expected=f"a database URL under [{SECRETS_SECTION}] in .streamlit/secrets.toml",
            )
        return _parse_url(raw, f"the secret {SECRETS_SECTION}.{connection.name}")
    if connection.kind == "url":
        url = _parse_url(connection.name, "the database URL")
        if url.password is not None or any(_SECRET_PARAMS.search(k) for k in url.query):
            raise IngestError(
                "the typed database URL holds a password (it was not used, stored or shown)",
                expected="a URL without a password, and the password in an environment variable",
            )
        if connection.password_env:
            name = _env_name(connection.password_env, "password variable")
            password = environ.get(name)
            if not password:
                raise IngestError(
                    f"the environment variable {name} is not set",
                    expected="the database password in it, set before the app starts",
                )
            url = url.set(password=password)
        return url
    raise IngestError(f"unknown connection kind {connection.kind!r}", expected="env, secret or url")


def _parse_url(raw: str, where: str) -> URL:
    try:
        return make_url(raw.strip())
    except Exception:  # the value is a secret: never echoed
        raise IngestError(
            f"{where} does not hold a database URL",
            expected="a SQLAlchemy URL such as postgresql+psycopg://user:password@host/db",
        ) from None


def _scrub(text: str, url: URL) -> str:
    """``text`` without the URL's password or credential parameters (in any spelling)."""
    secrets = [url.password, *(v for k, v in url.query.items() if _SECRET_PARAMS.search(k))]
    for s in secrets:
        for value in [s] if isinstance(s, str) else list(s or ()):
            if value:
                text = text.replace(value, "***").replace(quote_plus(value), "***")
    return _URL_CREDENTIALS.sub(r"\1:***@", text)


def _db_problem(exc: BaseException, url: URL) -> str:
    """The first line of a driver's message, scrubbed of credentials."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return _scrub(first[:300], url)


def _engine(url: URL) -> sa.Engine:
    """An engine without a pool; parameters never appear in SQLAlchemy's messages."""
    try:
        return sa.create_engine(url, poolclass=NullPool, hide_parameters=True)
    except (sa.exc.NoSuchModuleError, ImportError):
        dialect = url.get_backend_name()
        package = _DIALECT_PACKAGES.get(dialect)
        hint = f" (install {package})" if package else ""
        raise IngestError(
            f"the database kind {url.drivername!r} is not available here{hint}",
            file=masked(url),
            expected="PostgreSQL or SQLite, or a warehouse whose SQLAlchemy dialect is installed",
        ) from None
    except Exception as exc:  # a bad URL option: scrubbed message
        raise IngestError(f"cannot use the database URL: {_db_problem(exc, url)}") from None


def _connect(engine: sa.Engine, url: URL) -> SaConnection:
    try:
        conn = engine.connect()
    except Exception as exc:  # any driver error: scrubbed message
        raise IngestError(
            f"cannot connect: {_db_problem(exc, url)}",
            file=masked(url),
            expected="a reachable database and valid credentials",
        ) from None
    if conn.dialect.name == "postgresql":  # belt and braces: this read never writes
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
    return conn


def _from_clause(conn: SaConnection, source: SqlSource, url: URL) -> sa.FromClause:
    """The table, view or query to select from, with its columns known and quoted."""
    if bool(source.table and source.table.strip()) == bool(source.query and source.query.strip()):
        raise IngestError("give either a table or view, or a query", expected="one of them")
    if source.table:
        schema, _, name = source.table.strip().rpartition(".")
        schema = schema or None
        insp = sa.inspect(conn)
        try:
            found = insp.has_table(name, schema=schema) or name in insp.get_view_names(schema)
            cols = insp.get_columns(name, schema=schema) if found else []
        except Exception as exc:  # an unknown schema, no permission
            raise IngestError(
                f"cannot look up the table: {_db_problem(exc, url)}", file=source.table
            ) from None
        if not found:
            names = sorted(insp.get_table_names(schema) + insp.get_view_names(schema))
            listed = ", ".join(names[:10]) + (" …" if len(names) > 10 else "")
            raise IngestError(
                f"unknown table or view {source.table.strip()!r}",
                expected=f"one of: {listed}" if names else "an existing table or view",
            )
        return sa.table(name, *[sa.column(c["name"]) for c in cols], schema=schema)
    query = source.query.strip().rstrip(";").strip()  # type: ignore[union-attr]
    if ";" in query:
        raise IngestError("the query holds more than one statement", expected="one SELECT")
    # Colons are escaped so that a literal such as '10:00' is not taken for a parameter.
    text = sa.text(query.replace(":", r"\:"))
    try:
        probe = conn.execute(
            sa.select(sa.literal_column("*")).select_from(text.columns().subquery("src")).limit(0)
        )
        names = list(probe.keys())
    except Exception as exc:  # the user's SQL: scrubbed driver message
        conn.rollback()
        raise IngestError(
            f"the query failed: {_db_problem(exc, url)}", expected="a SELECT this database runs"
        ) from None
    return text.columns(*[sa.column(n) for n in names]).subquery("src")


def _date_filter(
    clause: sa.FromClause, column: str, kind: pl.DataType, source: SqlSource, tz: str
) -> list[Any]:
    """WHERE conditions keeping the created dates of ``source`` (bound parameters)."""
    if source.start is None and source.end is None:
        return []
    if column not in clause.c:
        raise IngestError("is not a column of the source", column=column)
    col = clause.c[column]
    after = source.end + dt.timedelta(days=1) if source.end else None
    if isinstance(kind, pl.Datetime) and kind.time_zone:
        zone = ZoneInfo(tz)
        lo, hi = (
            dt.datetime.combine(d, dt.time(), zone) if d else None for d in (source.start, after)
        )
        typ: Any = sa.DateTime(timezone=True)
    elif isinstance(kind, pl.Datetime | pl.Date):
        lo, hi, typ = source.start, after, sa.Date()
    elif kind == pl.String:
        lo, hi = (d.isoformat() if d else None for d in (source.start, after))
        typ = sa.String()
    else:
        raise IngestError(
            f"holds {kind} values, which the date range cannot be compared with in the database",
            column=column,
            expected="a date or timestamp column, or text dates such as 2024-03-01 (or no range)",
        )
    conds = []
    if lo is not None:
        conds.append(col >= sa.bindparam("created_from", lo, type_=typ))
    if hi is not None:
        conds.append(col < sa.bindparam("created_before", hi, type_=typ))
    return conds


def _readable(frame: pl.DataFrame, where: str) -> tuple[pl.DataFrame, list[str]]:
    """Columns in the types the parsers read; unreadable ones dropped with a note.

    >>> _readable(pl.DataFrame({"a": [b"\\x00"], "b": [[1, 2]]}), "t")[0].rows()
    [('1, 2',)]
    """
    notes: list[str] = []
    out: dict[str, pl.Series] = {}
    for name, s in frame.to_dict().items():
        t = s.dtype
        keep = t.is_numeric() and not isinstance(t, pl.Decimal)
        if keep or t in (pl.String, pl.Boolean) or isinstance(t, pl.Datetime | pl.Date):
            out[name] = s
        elif isinstance(t, pl.List | pl.Array):
            out[name] = s.cast(pl.List(pl.String)).list.join(", ")
        elif isinstance(t, pl.Struct):
            out[name] = s.struct.json_encode()
        elif t == pl.Object:
            first = next((v for v in s if v is not None), None)
            if isinstance(first, bytes | bytearray | memoryview):
                notes.append(f"column {name!r} holds binary data and was left out")
                continue
            out[name] = pl.Series(name, [None if v is None else str(v) for v in s], pl.String)
        elif t == pl.Binary:
            notes.append(f"column {name!r} holds binary data and was left out")
        else:  # Decimal, Time, Duration, Categorical, Null: as text
            try:
                out[name] = s.cast(pl.String)
            except Exception:  # a type Polars cannot turn into text
                notes.append(f"column {name!r} has a type ({t}) that cannot be read: left out")
    if frame.width and not out:
        raise IngestError(
            "no column has a type that can be read", file=where, expected="text, numbers or dates"
        )
    return pl.DataFrame(out), notes


def _concat(batches: list[pl.DataFrame]) -> pl.DataFrame:
    """Batches whose inferred types differ (a column null in one batch, text in another)."""
    if len({tuple(b.schema.items()) for b in batches}) <= 1:
        return pl.concat(batches) if len(batches) > 1 else batches[0]
    try:
        return pl.concat(batches, how="vertical_relaxed")
    except Exception:  # no common type: the differing columns as text
        names = batches[0].columns
        clash = {n for n in names if len({b.schema[n] for b in batches if n in b.schema}) > 1}
        return pl.concat(
            [b.with_columns(pl.col(sorted(clash)).cast(pl.String)) for b in batches],
            how="vertical_relaxed",
        )


def _batches(conn: SaConnection, stmt: sa.Select, size: int) -> Iterator[pl.DataFrame]:
    return pl.read_database(
        stmt,
        conn.execution_options(stream_results=True, max_row_buffer=size),
        iter_batches=True,
        batch_size=size,
        infer_schema_length=None,
    )


def _unreadable(exc: BaseException, url: URL, source: SqlSource, done: int = 0) -> IngestError:
    """The message for rows the driver or Polars could not turn into a frame."""
    after = f" after {done:,} rows" if done else ""
    return IngestError(
        f"the rows could not be read{after}: {_db_problem(exc, url)}",
        file=source.label,
        expected="columns of text, numbers or dates",
    )


def inspect_sql(
    source: SqlSource, url: URL, *, sample_rows: int = SAMPLE_ROWS, progress: Progress | None = None
) -> Inspection:
    """Read the first ``sample_rows`` rows and detect vendor and mapping, as for a file.

    The date range is not applied to the sample: the created column is not known yet.
    """
    progress = progress or _noop
    progress(0.05, "Connecting")
    engine = _engine(url)
    try:
        with _connect(engine, url) as conn:
            clause = _from_clause(conn, source, url)
            progress(0.15, "Reading a sample")
            stmt = sa.select(clause).limit(sample_rows)
            try:
                # Polars cannot build a frame from an empty result: ask for one row first.
                empty = conn.execute(sa.select(sa.literal(1)).select_from(clause).limit(1))
                if empty.first() is None:
                    raise IngestError(
                        "returned no rows" if source.query else "has no rows",
                        file=source.label,
                        expected="at least one ticket",
                    )
                frame = _concat(list(_batches(conn, stmt, sample_rows)))
            except IngestError:
                raise
            except Exception as exc:  # the driver or Polars refused a value
                raise _unreadable(exc, url, source) from None
    finally:
        engine.dispose()
    frame, notes = _readable(frame, source.label)
    table = RawTable(name=source.label, frame=frame, format="sql", header_line=0, notes=notes)
    match = detect_vendor(frame.columns)
    matches = match_columns(frame, preset=match.preset)
    mapping = _merge_mapping(match, matches)
    progress(0.3, f"Detected {match.label}")
    return Inspection([table], match, mapping, header_fingerprint(frame.columns), matches)


def read_sql(
    source: SqlSource,
    url: URL,
    *,
    created: str | None,
    created_type: pl.DataType | None = None,
    tz: str = "UTC",
    batch_rows: int = BATCH_ROWS,
    max_rows: int | None = None,
    progress: Progress | None = None,
) -> RawTable:
    """Every row of the source whose created date (column ``created``, of ``created_type``
    in the sample) is in the range, streamed in batches of ``batch_rows``."""
    progress = progress or _noop
    if (source.start or source.end) and not created:
        raise IngestError(
            "the date range needs the created date column",
            expected="a column mapped to Created on the mapping screen, or no date range",
        )
    engine = _engine(url)
    try:
        with _connect(engine, url) as conn:
            clause = _from_clause(conn, source, url)
            conds = _date_filter(clause, created or "", created_type or pl.String(), source, tz)
            stmt = sa.select(clause).where(*conds)
            try:
                total = conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery()))
                total = int(total.scalar_one())
            except Exception as exc:  # scrubbed driver message
                raise IngestError(
                    f"the query failed: {_db_problem(exc, url)}", file=source.label
                ) from None
            if total == 0:
                raise IngestError(
                    f"no tickets were created in the date range (column {created!r})"
                    if conds
                    else ("returned no rows" if source.query else "has no rows"),
                    file=source.label,
                    expected="at least one ticket",
                )
            limit = Limits.from_env().max_rows if max_rows is None else max_rows
            if total > limit:  # the same budget as a file's table
                raise IngestError(
                    f"holds {total:,} rows, more than the limit of {limit:,} (REVIEW_MAX_ROWS)",
                    file=source.label,
                    expected="a narrower date range",
                )
            batches: list[pl.DataFrame] = []
            done = 0
            try:
                for batch in _batches(conn, stmt, batch_rows):
                    batches.append(batch)
                    done += batch.height
                    progress(0.3 * min(done / total, 1.0), f"Read {done:,} of {total:,} rows")
            except IngestError:
                raise
            except Exception as exc:  # a value the driver could not convert
                raise _unreadable(exc, url, source, done) from None
    finally:
        engine.dispose()
    frame, notes = _readable(_concat(batches), source.label)
    if conds:
        notes.append(
            f"{frame.height:,} rows in the date range were read (filtered by the database)"
        )
    return RawTable(name=source.label, frame=frame, format="sql", header_line=0, notes=notes)


def load_sql(
    source: SqlSource,
    url: URL,
    sample: Inspection,
    *,
    mapping: dict[str, str] | None = None,
    rules: list[Rule] | None = None,
    tz: str = "UTC",
    progress: Progress | None = None,
    dayfirst: bool | None = None,
) -> LoadResult:
    """Read the source in full (date range pushed down on the mapped created column) and run
    :func:`lib.ingest.load_tables` on it with the mapping confirmed on ``sample``."""
    progress = progress or _noop
    mapping = dict(sample.mapping if mapping is None else mapping)
    created = mapping.get("created_at")
    kind = sample.tables[0].frame.schema.get(created, pl.String()) if created else pl.String()
    table = read_sql(source, url, created=created, created_type=kind, tz=tz, progress=progress)
    unknown = [c for c in mapping.values() if c not in table.frame.columns]
    if unknown:
        raise IngestError(
            "is mapped but cannot be read from the database", column=unknown[0], file=source.label
        )
    full = Inspection([table], sample.match, sample.mapping, sample.fingerprint, sample.matches)
    return load_tables(
        full, mapping=mapping, rules=rules, tz=tz, progress=progress, dayfirst=dayfirst
    )
