"""The Data page's "From a database" source: pick where the URL comes from (an environment
variable or a secret, never a typed password), a table, view or query and a date range, then
the same mapping screen, rules and import as an uploaded file (:mod:`ui.importer`).

The URL is resolved from its name each time it is used, shown only masked, and never kept in
the session or the database; a failed read leaves the dataset that was open as it was.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import partial
from types import SimpleNamespace
from typing import Any

import streamlit as st

from lib.errors import ReviewError
from lib.ingest import Inspection, LoadResult
from lib.ingest.business_zone import propose_for_tables, split_zone
from lib.ingest.sql_source import (
    ENV_PREFIX,
    SECRETS_SECTION,
    Connection,
    SqlSource,
    available_names,
    inspect_sql,
    load_sql,
    masked,
    resolve_url,
)
from lib.markdown import md_escape
from ui import importer, layout, session

STATE = "sqlimp"
KINDS = {
    "named": "A URL in an environment variable or secret",
    "url": "A URL without its password, the password in an environment variable",
}
READS = {"table": "A table or view", "query": "A query"}


def _secrets() -> Any:
    """Streamlit's secrets, or nothing when the app has no secrets file."""
    try:
        return {SECRETS_SECTION: dict(st.secrets.get(SECRETS_SECTION) or {})}
    except Exception:  # no .streamlit/secrets.toml: st.secrets raises on first access
        return {}


def _url(connection: Connection) -> Any:
    return resolve_url(connection, environ=os.environ, secrets=_secrets())


def _load(
    insp: Inspection, *, connection: Connection, source: SqlSource, **kwargs: Any
) -> LoadResult:
    """The mapping screen's loader: read the rows (date range pushed down), then parse."""
    return load_sql(source, _url(connection), insp, **kwargs)


def _connection_choice() -> Connection | None:
    kind = st.radio(
        "Connection",
        list(KINDS),
        format_func=KINDS.get,
        key="sql_kind",
        help="Passwords are never typed here: they come from the server's environment or "
        f"from the [{SECRETS_SECTION}] section of .streamlit/secrets.toml.",
    )
    names = available_names(os.environ, _secrets())
    if kind == "named":
        if not names:
            layout.empty_state(
                "No database URL is set up for this app yet.",
                action=f"Set an environment variable whose name starts with {ENV_PREFIX} "
                f"(for example {ENV_PREFIX}WAREHOUSE) to the database's SQLAlchemy URL, or add "
                f"it under [{SECRETS_SECTION}] in .streamlit/secrets.toml, and restart the app.",
            )
            return None
        return st.selectbox(
            "Where the URL is",
            names,
            format_func=Connection.describe,
            key="sql_name",
        )
    url = st.text_input(
        "Database URL without its password",
        key="sql_url",
        placeholder="postgresql+psycopg://analyst@warehouse.example.com:5432/helpdesk",
    )
    pw = [c.name for c in names if c.kind == "env"]
    password_env = st.selectbox(
        "Environment variable holding the password",
        [None, *pw],
        format_func=lambda n: "— no password —" if n is None else n,
        key="sql_password_env",
    )
    return Connection("url", url.strip(), password_env) if url.strip() else None


def saved_sources() -> dict[int, tuple[str, dict[str, Any]]]:
    """Datasets read from a database: id -> (name, the source they remember)."""
    out: dict[int, tuple[str, dict[str, Any]]] = {}
    store = session.store()
    for ds_id in store.list_datasets().get_column("id").to_list():
        rec = store.get_dataset(ds_id)
        source = (rec.report or {}).get("source") if rec is not None else None
        if isinstance(source, dict) and source.get("kind") == "sql":
            out[ds_id] = (rec.name, source)
    return out


def _fill_from_saved() -> None:
    """Put a saved dataset's source into the form (the user then reads it again)."""
    picked = st.session_state.get("sql_saved")
    saved = saved_sources().get(picked) if picked is not None else None
    if saved is None:
        return
    src = saved[1]
    conn = Connection(**src["connection"])
    ss = st.session_state
    names = available_names(os.environ, _secrets())
    ss["sql_kind"] = "url" if conn.kind == "url" else "named"
    if conn.kind == "url":
        ss["sql_url"] = conn.name
        known = conn.password_env is None or Connection("env", conn.password_env) in names
        if known:
            ss["sql_password_env"] = conn.password_env
    else:
        known = conn in names
        if known:
            ss["sql_name"] = conn
    if not known:
        st.warning(
            f"The dataset was read through {md_escape(conn.describe())}, which this server "
            "does not have now: choose where the URL is.",
            icon=":material/warning:",
        )
    ss["sql_what"] = "query" if src.get("query") else "table"
    ss["sql_table"], ss["sql_query"] = src.get("table") or "", src.get("query") or ""
    for key, value in (("sql_start", src.get("start")), ("sql_end", src.get("end"))):
        ss[key] = dt.date.fromisoformat(value) if value else None


def _saved_choice() -> None:
    saved = saved_sources()
    if not saved:
        return
    st.selectbox(
        "Read again the source of",
        [None, *saved],
        format_func=lambda i: (
            "— a new source —"
            if i is None
            else f"{saved[i][0]} ({Connection(**saved[i][1]['connection']).describe()})"
        ),
        key="sql_saved",
        on_change=_fill_from_saved,
        help="Fills in the connection, the table or query and the dates the dataset was read "
        "with; change the dates to bring it up to date, then read and import it again.",
    )


def _source_form() -> tuple[Connection, SqlSource] | None:
    """The connection, the table or query and the date range; returned when read is clicked."""
    _saved_choice()
    connection = _connection_choice()
    what = st.radio("Read", list(READS), format_func=READS.get, key="sql_what", horizontal=True)
    if what == "table":
        table = st.text_input(
            "Table or view", key="sql_table", placeholder="zendesk.zendesk__ticket_enriched"
        )
        query = ""
    else:
        table = ""
        query = st.text_area(
            "Query",
            key="sql_query",
            placeholder="SELECT * FROM zendesk.zendesk__ticket_enriched WHERE is_deleted = false",
            help="One SELECT; it is run inside a read-only transaction where the database "
            "offers one.",
        )
    left, right = st.columns(2)
    start = left.date_input("Created from", value=None, key="sql_start")
    end = right.date_input("Created up to", value=None, key="sql_end")
    st.caption(
        "The date range is applied by the database, on the column mapped to Created, so only "
        "those tickets are read. Leave both empty to read every ticket."
    )
    clicked = st.button(
        "Read from the database", key="sql_read", type="primary", icon=":material/database:"
    )
    if not clicked:
        return None
    if connection is None:
        st.error("Choose where the database URL is.", icon=":material/error:")
        return None
    if not (table.strip() or query.strip()):
        st.error(f"Give the {'table or view' if what == 'table' else 'query'} to read.")
        return None
    if start and end and start > end:
        st.error("The date range ends before it starts.", icon=":material/error:")
        return None
    source = SqlSource(table=table.strip() or None, query=query.strip() or None)
    return connection, SqlSource(source.table, source.query, _date(start), _date(end))


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _open(connection: Connection, source: SqlSource) -> dict[str, Any] | None:
    """Read the sample for the mapping screen; None (and a message) when that fails."""
    st.session_state.pop(STATE, None)
    bar = st.progress(0.0, text="Connecting…")
    try:
        url = _url(connection)
        insp = inspect_sql(source, url, progress=lambda x, m: bar.progress(min(x, 1.0), text=m))
    except ReviewError as exc:
        bar.empty()
        layout.show_error(exc, what="Could not read from the database")
        st.caption("Nothing was changed: the dataset that was open stays open.")
        return None
    bar.empty()
    saved, saved_zone = split_zone(session.store().get_mapping(insp.fingerprint))
    proposal = propose_for_tables(insp.tables, insp.mapping)
    state: dict[str, Any] = {
        "key": (connection, source),
        "insp": insp,
        "saved": saved,
        "result": None,
        "done": None,
        "proposal": proposal,
        "tz": saved_zone or proposal.zone,
        "load": partial(_load, connection=connection, source=source),
        "source": source.to_json(connection, dialect=url.get_backend_name()),
        "shown": masked(url),
        "label": source.label,
    }
    st.session_state[STATE] = state
    return state


def sql_flow() -> None:
    """The database source: the form, then the mapping screen, rules and import."""
    chosen = _source_form()
    state = _open(*chosen) if chosen is not None else st.session_state.get(STATE)
    if state is None:
        return
    insp: Inspection = state["insp"]
    st.success(
        f"Connected to {md_escape(state['shown'])}: detected **{md_escape(insp.match.label)}** "
        f"in a sample of {insp.tables[0].frame.height:,} rows of {md_escape(state['label'])}.",
        icon=":material/check_circle:",
    )
    for note in insp.tables[0].notes:
        st.caption(md_escape(note))
    importer.confirm_and_import(state, [SimpleNamespace(name=state["label"])], "source")
