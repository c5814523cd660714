"""Streamlit glue shared by the pages: the loaded dataset, the sidebar, captions, errors.

This is the only module besides the page scripts that imports ``streamlit``. It caches the
parsed dataset once per process (shared by every session, keyed by its snapshot file), keeps
each session's filters in its own ``st.session_state``, and turns the project's own errors
(:class:`lib.errors.ReviewError`) into messages.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from lib import metrics, periods
from lib.access import AccessPolicy
from lib.csvsafe import to_csv_bytes
from lib.errors import ReviewError
from lib.ingest import canonical_only, load_export
from lib.ingest.rules import Rule, describe_rules, rules_from_json, rules_to_json
from lib.schema import LABELS
from lib.store import Actor, Dataset, Store, default_store

ROOT = Path(__file__).resolve().parent
DEMO_FILE = ROOT / "data" / "demo_helpdesk.csv.gz"
DEMO_NAME = "Demo helpdesk"

#: Sidebar filter fields: session key -> (Filters field, canonical column, label)
FILTER_FIELDS = {
    "f_channels": ("channels", "channel", "Channel"),
    "f_categories": ("categories", "category", "Category"),
    "f_agents": ("agents", "agent", "Agent"),
    "f_groups": ("groups", "group", "Group"),
    "f_priorities": ("priorities", "priority", "Priority"),
    "f_tiers": ("tiers", "customer_tier", "Customer tier"),
}


# ------------------------------------------------------------------ store and datasets


def store() -> Store:
    """The process-wide store (one engine per process)."""
    return default_store()


def actor() -> Actor | None:
    """The signed-in user's role, or ``None`` in single-user mode (no ``[auth]`` configured)."""
    return st.session_state.get("_actor")


def can_edit() -> bool:
    """True when this session may change tags, mappings, meetings and action items."""
    a = actor()
    return a is None or a.can_edit


def _auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: single-user mode
        return False


def gate() -> None:
    """Sign-in and roles. Without ``[auth]`` in secrets the app is single-user (no gate).

    With ``[auth]``, every page needs a signed-in user whose e-mail is on the ``[access]``
    allow-list (see lib/access.py); the role decides whether editing controls show.
    """
    if not _auth_configured():
        st.session_state["_actor"] = None
        return
    access = dict(st.secrets.get("access", {}))
    provider = access.get("provider")
    if not st.user.is_logged_in:
        st.title("Escalation Review")
        st.markdown("Sign in to see your team's escalation review.")
        st.button(
            "Sign in",
            type="primary",
            icon=":material/login:",
            on_click=(lambda: st.login(provider)) if provider else st.login,
            key="auth_login",
        )
        st.stop()
    email = str(st.user.get("email") or "")
    role = AccessPolicy.from_mapping(access).role_for(email)
    if role is None:
        st.title("Escalation Review")
        st.error(
            f"{email or 'This account'} is not on this app's allow-list. Ask the person who "
            "runs Escalation Review to add you to [access] in .streamlit/secrets.toml.",
            icon=":material/block:",
        )
        st.button("Sign out", on_click=st.logout, key="auth_logout_denied")
        st.stop()
    st.session_state["_actor"] = Actor(email=email, role=role)
    with st.sidebar:
        st.caption(f"Signed in as {_md_safe(email)} ({role})")
        st.button("Sign out", on_click=st.logout, key="auth_logout", icon=":material/logout:")


@st.cache_resource(show_spinner="Opening the dataset…", max_entries=4)
def _snapshot_frame(path: str) -> pl.DataFrame:
    """The snapshot (canonical columns and extras), parsed once per process per file."""
    return pl.read_parquet(path)


@st.cache_resource(show_spinner=False, max_entries=4)
def _canonical(path: str) -> pl.DataFrame:
    return canonical_only(_snapshot_frame(path))


@dataclass
class Active:
    """The dataset this session looks at."""

    record: Dataset
    tickets: pl.DataFrame

    @property
    def rules(self) -> list[Rule]:
        return rules_from_json(self.record.rules)


def _bootstrap(st_store: Store) -> None:
    """First start: open on ``REVIEW_DATA`` exports if given, else on the bundled demo."""
    env = os.environ.get("REVIEW_DATA", "").strip()
    done_key = f"bootstrapped:{env}"
    if st_store.get_setting(done_key):
        return
    if env:
        paths = [p for p in env.split(os.pathsep) if p.strip()]
        result = load_export(paths)
        name = ", ".join(Path(p).name for p in paths)
    elif DEMO_FILE.exists() and st_store.list_datasets().height == 0:
        result = load_export(DEMO_FILE)
        name = DEMO_NAME
    else:
        return
    st_store.register_dataset(
        name,
        save_frame(result),
        source_files=[str(p) for p in (env.split(os.pathsep) if env else [DEMO_FILE])],
        vendor=result.vendor,
        mapping=result.mapping,
        rules=rules_to_json(result.rules),
        report=result.report.to_dict(),
    )
    st_store.set_setting(done_key, True)


@st.cache_resource(show_spinner="Loading the exports named in REVIEW_DATA…")
def _bootstrap_once(env: str, db: str) -> bool:
    """Run :func:`_bootstrap` once per process and database (not once per session)."""
    _bootstrap(default_store(db))
    return True


def pseudonym_key() -> bytes:
    """This installation's secret key for pseudonyms (made once, kept in the database)."""
    key = store().get_setting("pseudonym_key")
    if not key:
        key = secrets.token_hex(32)
        store().set_setting("pseudonym_key", key, actor=actor())
    return bytes.fromhex(key)


def save_frame(result: Any) -> pl.DataFrame:
    """Snapshot frame: canonical tickets joined with the extras (raw columns for rules)."""
    if result.extras is None or result.extras.width <= 1:
        return result.tickets
    return result.tickets.join(result.extras, on="ticket_id", how="left")


def active() -> Active | None:
    """The session's dataset (its own choice, else the store's active one), or ``None``."""
    st_store = store()
    try:
        _bootstrap_once(os.environ.get("REVIEW_DATA", ""), st_store.url)
    except ReviewError as exc:
        st.error(f"Could not open the exports named in REVIEW_DATA: {exc}")
    wanted = st.session_state.get("dataset_id")
    record = st_store.get_dataset(wanted) if wanted is not None else None
    if record is None:
        record = st_store.get_active_dataset()
    if record is None:
        listed = st_store.list_datasets()
        if listed.height:
            record = st_store.get_dataset(int(listed.get_column("id")[0]))
    if record is None:
        return None
    path = st_store.snapshot_file(record)
    if path is None or not path.exists():
        st.warning(f"The snapshot of dataset “{record.name}” is missing; import it again.")
        return None
    st.session_state["dataset_id"] = record.id
    return Active(record, _canonical(str(path)))


def snapshot_of(record: Dataset) -> pl.DataFrame:
    """The full snapshot (with extras) of a dataset, from the shared cache."""
    path = store().snapshot_file(record)
    return _snapshot_frame(str(path)) if path else pl.DataFrame()


# ------------------------------------------------------------------ sidebar and filters


@st.cache_resource(show_spinner=False, max_entries=8)
def _filter_options(key: str, _tickets: pl.DataFrame) -> dict[str, list[str]]:
    """Choices of every sidebar filter, computed once per dataset snapshot (``key``)."""
    return {column: _options(_tickets, column) for _, column, _ in FILTER_FIELDS.values()}


def _options(tickets: pl.DataFrame, column: str) -> list[str]:
    values = tickets.get_column(column).drop_nulls().unique().sort().to_list()
    if tickets.get_column(column).null_count():
        values.append(metrics.MISSING)
    return values


def sidebar(data: Active | None) -> None:
    """The shared sidebar: dataset picker, periods and filters (kept across pages)."""
    sb = st.sidebar
    listed = store().list_datasets()
    if (target := st.session_state.pop("_switch_to", None)) is not None:
        st.session_state["sb_dataset"] = target
        st.session_state["dataset_id"] = target
    if listed.height:
        ids = listed.get_column("id").to_list()
        names = dict(zip(ids, listed.get_column("name").to_list(), strict=True))
        current = st.session_state.get("dataset_id", ids[0])
        chosen = sb.selectbox(
            "Dataset",
            ids,
            index=ids.index(current) if current in ids else 0,
            format_func=lambda i: names.get(i, str(i)),
            key="sb_dataset",
        )
        if chosen != st.session_state.get("dataset_id"):
            st.session_state["dataset_id"] = chosen
            reset_filters()
            st.rerun()
    if data is None or data.tickets.height == 0:
        return
    t = data.tickets
    lo, hi = periods.date_bounds(t) or (date.today(), date.today())
    with sb.expander("Review period and baseline", expanded=False):
        review_days = st.number_input(
            "Review period (days)", min_value=1, max_value=366, value=14, key="p_days"
        )
        review_end = st.date_input(
            "Review period ends", value=hi, min_value=lo, max_value=hi, key="p_end"
        )
        base_choice = st.radio(
            "Baseline",
            ["First 30 days of data", "90 days before the review period", "Custom"],
            key="p_base",
        )
        if base_choice == "Custom":
            rng = st.date_input(
                "Baseline dates",
                value=(lo, min(hi, lo + timedelta(days=29))),
                min_value=lo,
                max_value=hi,
                key="p_base_rng",
            )
            baseline: Any = tuple(rng) if isinstance(rng, tuple) and len(rng) == 2 else "first30"
        else:
            baseline = "first30" if base_choice.startswith("First") else "prior90"
    presets = periods.date_presets(hi, lo, review_days=int(review_days))
    preset = sb.selectbox(
        "Date range", [*presets, "Custom"], index=len(presets) - 1, key="f_preset"
    )
    if preset == "Custom":
        rng = sb.date_input("From – to", value=(lo, hi), min_value=lo, max_value=hi, key="f_rng")
        start, end = (rng[0], rng[1]) if isinstance(rng, tuple) and len(rng) == 2 else (lo, hi)
    else:
        start, end = presets[preset]
    path = store().snapshot_file(data.record)
    options = _filter_options(str(path), t)
    with sb.expander("Filters", expanded=False):
        for key, (_, column, label) in FILTER_FIELDS.items():
            if t.get_column(column).null_count() == t.height:
                continue
            st.multiselect(label, options[column], key=key, placeholder="All")
        st.toggle("Escalated tickets only", key="f_escalated")
    st.session_state["_filters"] = metrics.Filters(
        start=start,
        end=end,
        escalated_only=bool(st.session_state.get("f_escalated")),
        **{f: tuple(st.session_state.get(k) or ()) for k, (f, _, _) in FILTER_FIELDS.items()},
    )
    st.session_state["_periods"] = periods.review_periods(
        t, review_days=int(review_days), review_end=review_end, baseline=baseline
    )


def switch_dataset(dataset_id: int) -> None:
    """Make this session look at another dataset from the next run on (filters reset)."""
    st.session_state["_switch_to"] = dataset_id
    reset_filters()


def reset_filters() -> None:
    for key in [*FILTER_FIELDS, "f_escalated", "f_preset", "f_rng", "p_end", "p_base_rng"]:
        st.session_state.pop(key, None)


def filters() -> metrics.Filters:
    """The session's sidebar filters (date range included)."""
    return st.session_state.get("_filters") or metrics.Filters()


def dimension_filters() -> metrics.Filters:
    """The sidebar filters without the date range (headline periods bring their own dates)."""
    f = filters()
    return metrics.Filters(
        channels=f.channels,
        categories=f.categories,
        agents=f.agents,
        groups=f.groups,
        priorities=f.priorities,
        tiers=f.tiers,
        escalated_only=f.escalated_only,
    )


def review_periods() -> periods.Periods | None:
    """The session's review, previous and baseline periods."""
    return st.session_state.get("_periods")


def filtered(data: Active, *, dates: bool = True) -> pl.DataFrame:
    """The active dataset after the sidebar filters."""
    return metrics.apply_filters(data.tickets, filters() if dates else dimension_filters())


# ------------------------------------------------------------------ page furniture


def header(title: str, question: str) -> None:
    """Title and the one sentence saying what question the page answers."""
    st.title(title)
    st.markdown(f"<p class='er-question'>{_escape(question)}</p>", unsafe_allow_html=True)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def context_caption(data: Active) -> None:
    """The dataset, period and escalation definition in one caption line."""
    f = filters()
    rng = f"{f.start} to {f.end}" if f.start and f.end else "all dates"
    extra = f.describe().split("; ", 1)[1] if "; " in f.describe() else ""
    bits = [
        f"**{data.record.name}** ({data.tickets.height:,} tickets)",
        rng,
        describe_rules(data.rules),
    ]
    if extra and f.active:
        bits.append(f"filters: {extra}")
    st.caption(" · ".join(_md_safe(b) for b in bits))


def _md_safe(text: str) -> str:
    """Keep user-provided names from being read as Markdown or HTML in captions."""
    out = text
    for ch in ("<", ">", "[", "]", "`", "$", "|"):
        out = out.replace(ch, "\\" + ch)
    return out


def empty_state(message: str, *, action: str | None = None) -> None:
    """A friendly message that says what to do next."""
    st.info(message + (f" {action}" if action else ""), icon=":material/info:")


def page_data(*, require: str | None = None, missing: str = "", action: str = "") -> Active:
    """The session's dataset with the context caption shown, or an empty state and a stop.

    With ``require``, a dataset whose ``require`` column is empty also stops the page, showing
    ``missing`` and ``action``.
    """
    data: Active | None = st.session_state.get("_active")
    if data is None:
        no_data()
        st.stop()
    context_caption(data)
    if require is not None and data.tickets.get_column(require).null_count() == data.tickets.height:
        empty_state(missing, action=action)
        st.stop()
    return data


def no_data() -> None:
    """Empty state for pages opened before any dataset is loaded."""
    empty_state(
        "No dataset is loaded yet.",
        action="Open **Data** in the menu and upload your helpdesk's ticket export.",
    )
    st.page_link("views/data.py", label="Go to Data", icon=":material/upload_file:")


def download(frame: pl.DataFrame, filename: str, *, label: str = "Download CSV", key: str) -> None:
    """A spreadsheet-safe CSV download of a table."""
    st.download_button(
        label,
        data=to_csv_bytes(frame),
        file_name=filename,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        # No rerun on click: a rerun can drop the file before the browser has fetched it.
        on_click="ignore",
    )


def show_error(exc: Exception, *, what: str = "") -> None:
    """Show one of the project's own errors as a message (others propagate as bugs)."""
    prefix = f"{what}: " if what else ""
    st.error(prefix + str(exc), icon=":material/error:")


@contextmanager
def user_errors(what: str = "") -> Iterator[None]:
    """``with user_errors("Import"):`` shows a ReviewError as a message instead of a traceback."""
    try:
        yield
    except ReviewError as exc:
        show_error(exc, what=what)


def label(column: str) -> str:
    """Human label of a canonical column."""
    return LABELS.get(column, column.replace("_", " ").capitalize())


CSS = """
<style>
.er-question { color: #57534E; font-size: 1.05rem; margin-top: -0.6rem; }
[data-testid="stMetricValue"] { font-size: 1.7rem; }
</style>
"""


def style() -> None:
    """The app's small CSS additions (no external fonts or scripts)."""
    st.html(CSS)


# ------------------------------------------------------------------ audit pages (issue 3)
# Shared by Overview, Breakdowns, Drivers and Routing & policy: cached aggregates, category
# tags, tables and charts with their downloads, and the small editors (events, tags, coverage).


def snapshot_key(data: Active) -> str:
    """The dataset's snapshot path: names one version of its tickets (a safe cache key)."""
    return str(store().snapshot_file(data.record))


def period_filters(start: date | None, end: date | None) -> metrics.Filters:
    """The sidebar's dimension filters with another date range (a review period, say)."""
    import dataclasses

    return dataclasses.replace(dimension_filters(), start=start, end=end)


def narrowed(where: metrics.Filters, column: str, value: str) -> metrics.Filters:
    """``where`` restricted to one value of a filterable column (a drill-down slice)."""
    import dataclasses

    field = next(f for f, col, _ in FILTER_FIELDS.values() if col == column)
    return dataclasses.replace(where, **{field: (value,)})


@st.cache_resource(max_entries=4, show_spinner=False)
def _filtered(path: str, where: metrics.Filters) -> pl.DataFrame:
    """The tickets passing ``where``, filtered once for all the aggregates of a page run; a
    date range is cut from the frame with the same dimension filters (one scan per change)."""
    import dataclasses

    if where.start is None and where.end is None:
        return metrics.apply_filters(_canonical(path), where)
    dims = dataclasses.replace(where, start=None, end=None)
    dates = metrics.Filters(start=where.start, end=where.end)
    return metrics.apply_filters(_filtered(path, dims), dates)


@st.cache_data(max_entries=256, show_spinner="Computing…")
def _aggregate(path: str, where: metrics.Filters, module: str, name: str, options: dict) -> Any:
    import importlib

    func = getattr(importlib.import_module(module), name)
    return func(_filtered(path, where), **options)


def aggregate(
    data: Active, func: Any, *, where: metrics.Filters | None = None, **options: Any
) -> Any:
    """``func(tickets, **options)`` on the tickets passing ``where`` (default: the sidebar
    filters, dates included), cached per snapshot, filters, function and options.

    ``func`` is a module-level function of ``lib`` (e.g. ``metrics.breakdown``); the cache
    lives here, never on the lib function itself.
    """
    return _aggregate(
        snapshot_key(data), where if where is not None else filters(), func.__module__,
        func.__name__, options,
    )  # fmt: skip


@st.cache_data(ttl=60, show_spinner=False)
def _category_tags(url: str) -> pl.DataFrame:
    return default_store(url).get_category_tags()


def category_tags() -> pl.DataFrame:
    """Stored category tags: ``category``, ``kind`` (skill / policy / unknown), ``note``, …"""
    return _category_tags(store().url)


def policy_categories() -> tuple[str, ...]:
    """Categories tagged policy-based (they feed the overview's policy share)."""
    tags = category_tags()
    return tuple(tags.filter(pl.col("kind") == "policy").get_column("category").sort().to_list())


def save_category_tag(category: str, kind: str, note: str = "") -> None:
    """Store a category's tag as the signed-in user and refresh every page's view of tags."""
    store().set_category_tag(category, kind, note=note, actor=actor())
    _category_tags.clear()


def with_tags(frame: pl.DataFrame, column: str = "category") -> pl.DataFrame:
    """``frame`` with a ``tag`` column (skill / policy / unknown, ``–`` untagged) after
    ``column``, so every table that lists categories shows their tags."""
    if column not in frame.columns:
        return frame
    tags = category_tags().select(pl.col("category").alias(column), pl.col("kind").alias("tag"))
    out = frame.join(tags, on=column, how="left", maintain_order="left")
    out = out.with_columns(pl.col("tag").fill_null("–"))
    order = list(frame.columns)
    order.insert(order.index(column) + 1, "tag")
    return out.select(order)


def tag_label(category: str) -> str:
    """``"Refunds (policy)"``: a category with its tag, for selectboxes."""
    tags = dict(category_tags().select("category", "kind").iter_rows())
    return f"{category} ({tags[category]})" if category in tags else category


def md_escape(text: str) -> str:
    """Escape every Markdown control character, so user text renders literally."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_{}[]()<>#+-.!|$~":
        out = out.replace(ch, "\\" + ch)
    return out


def _column_config(frame: pl.DataFrame) -> dict[str, Any]:
    """Formats by the header conventions of :func:`lib.charts.tables.present`."""
    cfg: dict[str, Any] = {}
    for name, dtype in frame.schema.items():
        if name.endswith(" %"):
            cfg[name] = st.column_config.NumberColumn(format="%.1f%%")
        elif name.endswith("(pts)"):
            cfg[name] = st.column_config.NumberColumn(format="%+.1f")
        elif name.endswith(("(h)", "(min)")):
            cfg[name] = st.column_config.NumberColumn(format="%.1f")
        elif name == "p-value":
            cfg[name] = st.column_config.NumberColumn(format="%.3f")
        elif isinstance(dtype, pl.Datetime):
            cfg[name] = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
        elif dtype.is_integer():
            cfg[name] = st.column_config.NumberColumn(format="localized")
        elif name == "Link":
            cfg[name] = st.column_config.LinkColumn()
    return cfg


def table(
    frame: pl.DataFrame,
    *,
    key: str,
    filename: str,
    view: Any = None,
    select: bool = False,
    height: int | None = None,
    download_frame: pl.DataFrame | None = None,
) -> dict[str, Any] | None:
    """A sortable table with its CSV download; with ``select`` a click on a row returns that
    row (as a dict) for a drill-down, else ``None``. ``view`` is a column spec for
    :func:`lib.charts.tables.present` (applied to the table and its download)."""
    if view is not None:
        from lib.charts.tables import present

        frame = present(frame, view)
        if download_frame is not None:
            download_frame = present(download_frame, view)
    event = st.dataframe(
        frame,
        key=key,
        hide_index=True,
        column_config=_column_config(frame),
        height=height if height is not None else "auto",
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
        placeholder="–",
    )
    download(download_frame if download_frame is not None else frame, filename, key=f"{key}_dl")
    if not select:
        return None
    rows = event.selection.rows if event is not None else []
    return frame.row(rows[0], named=True) if rows and rows[0] < frame.height else None


def chart_config(name: str) -> dict[str, Any]:
    """Plotly config: the camera button saves ``<name>.png`` (drawn in the browser)."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def chart_downloads(
    fig: Any,
    name: str,
    *,
    key: str,
    data: pl.DataFrame | None = None,
    caption: str | None = None,
    on_select: str = "ignore",
) -> Any:
    """Show a plotly figure (with a ``caption`` on how to read it) and its downloads: PNG from
    the chart's camera button, an HTML file (interactive, plotly.js included, opens offline)
    and, given ``data``, the chart's numbers as CSV. Returns the chart's selection state when
    ``on_select="rerun"``."""
    event = st.plotly_chart(
        fig, key=key, config=chart_config(name), on_select=on_select, selection_mode="points"
    )
    if caption:
        st.caption(caption)
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "Chart (HTML)",
        data=lambda: fig.to_html(include_plotlyjs=True, full_html=True, config=chart_config(name)),
        file_name=f"{name}.html",
        mime="text/html",
        key=f"{key}_html",
        on_click="ignore",
        icon=":material/download:",
        help="An interactive copy of the chart that opens in any browser, offline. For a PNG "
        "image, use the camera button at the top right of the chart.",
    )
    if data is not None:
        with row:
            download(data, f"{name}.csv", label="Chart data (CSV)", key=f"{key}_csv")
    return event


def clicked(event: Any, index: int = 0) -> Any:
    """``customdata[index]`` of the first point clicked on a chart (``None`` when none)."""
    try:
        points = event.selection.points
    except AttributeError:
        return None
    if not points:
        return None
    custom = points[0].get("customdata")
    if isinstance(custom, list | tuple):
        return custom[index] if len(custom) > index else None
    return custom


def latest_choice(key: str, **sources: Any) -> Any:
    """The value of whichever source changed most recently (e.g. a table row and a chart bar
    that both pick a drill-down), remembered in the session under ``key``."""
    seen = st.session_state.get(f"{key}_seen", {})
    choice = st.session_state.get(key)
    for name, value in sources.items():
        if value is not None and seen.get(name) != value:
            choice = value
    if all(v is None for v in sources.values()) and any(seen.get(n) for n in sources):
        choice = None  # every source was cleared
    st.session_state[f"{key}_seen"] = dict(sources)
    st.session_state[key] = choice
    return choice


def events_editor() -> None:
    """Add a trend marker (policy change, release, new playbook) or remove one."""
    from lib.store import EVENT_KINDS

    if (added := st.session_state.pop("_event_added", None)) is not None:
        st.success(f"Added “{added}” to the trend.", icon=":material/check:")
    events = store().list_events()
    with st.form("ev_form", clear_on_submit=True, border=False):
        c1, c2, c3 = st.columns([1, 1, 2])
        day = c1.date_input("Date", key="ev_date")
        kind = c2.selectbox("Kind", EVENT_KINDS, key="ev_kind")
        title = c3.text_input("Title", key="ev_title", placeholder="e.g. New refund policy")
        if st.form_submit_button("Add event", icon=":material/add:"):
            with user_errors("Event"):
                store().add_event(day, kind, title, actor=actor())
                st.session_state["_event_added"] = title
                st.rerun()
    if events.height:
        ids = events.get_column("id").to_list()
        names = {
            r["id"]: f"{r['date']} · {r['kind']}: {r['title']}" for r in events.rows(named=True)
        }
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        gone = c1.selectbox("Remove an event", ids, format_func=names.get, key="ev_remove")
        if c2.button("Remove", key="ev_remove_btn", icon=":material/delete:"):
            with user_errors("Event"):
                store().delete_event(int(gone), actor=actor())
                st.rerun()


def tag_editor(categories: list[str]) -> None:
    """Tag a category's escalations skill-based, policy-based or unknown, with a note."""
    from lib.store import TAG_KINDS

    if not categories:
        return
    if (saved := st.session_state.pop("_tag_saved", None)) is not None:
        st.success(f"Saved “{saved}”.", icon=":material/check:")
    tags = {r["category"]: r for r in category_tags().rows(named=True)}
    cat = st.selectbox("Category to tag", categories, format_func=tag_label, key="tag_category")
    rec = tags.get(cat) or {}
    i = categories.index(cat)
    with st.form(f"tag_form_{i}", border=True):
        kind = st.radio(
            "Its escalations are",
            TAG_KINDS,
            index=TAG_KINDS.index(rec["kind"]) if rec.get("kind") in TAG_KINDS else 2,
            horizontal=True,
            key=f"tag_kind_{i}",
            format_func=lambda k: {"skill": "skill-based", "policy": "policy-based"}.get(k, k),
        )
        note = st.text_input(
            "Note", value=rec.get("note") or "", key=f"tag_note_{i}",
            placeholder="Why? e.g. refunds over $100 need a manager's approval",
        )  # fmt: skip
        if st.form_submit_button("Save tag", icon=":material/sell:"):
            with user_errors("Tag"):
                save_category_tag(cat, kind, note)
                st.session_state["_tag_saved"] = f"{cat}: {kind}"
                st.rerun()


def coverage_editor(categories: list[str]) -> None:
    """Record a category's knowledge-base article: exists, accurate, detailed enough, link."""
    if not categories:
        return
    if (saved := st.session_state.pop("_kc_saved", None)) is not None:
        st.success(f"Saved the knowledge coverage of “{saved}”.", icon=":material/check:")
    known = {r["category"]: r for r in store().get_knowledge_coverage().rows(named=True)}
    cat = st.selectbox("Category to record", categories, format_func=tag_label, key="kc_category")
    rec = known.get(cat) or {}
    i = categories.index(cat)
    with st.form(f"kc_form_{i}", border=True):
        c1, c2, c3 = st.columns(3)
        exists = c1.checkbox(
            "Article exists", value=bool(rec.get("article_exists")), key=f"kc_exists_{i}"
        )
        accurate = c2.checkbox("Accurate", value=bool(rec.get("accurate")), key=f"kc_accurate_{i}")
        detailed = c3.checkbox(
            "Detailed enough to follow", value=bool(rec.get("detailed_enough")),
            key=f"kc_detailed_{i}",
        )  # fmt: skip
        link = st.text_input("Link to the article", value=rec.get("link") or "", key=f"kc_link_{i}")
        note = st.text_input("Note", value=rec.get("note") or "", key=f"kc_note_{i}")
        if st.form_submit_button("Save coverage", icon=":material/menu_book:"):
            with user_errors("Knowledge coverage"):
                store().set_knowledge_coverage(
                    cat, article_exists=exists, accurate=accurate, detailed_enough=detailed,
                    link=link, note=note, actor=actor(),
                )  # fmt: skip
                st.session_state["_kc_saved"] = cat
                st.rerun()


# ------------------------------------------------------------------ sentiment (issue 5)
# Scored once per dataset and kept beside its snapshot: a sidecar Parquet (ticket_id, sentiment)
# whose metadata holds the sentence saying how sentiment was obtained. Later runs and processes
# read the file; a new snapshot (new path) is scored again.

SENTIMENT_SIDECAR = "sentiment.parquet"


def _with_scores(tickets: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    if scored.height == tickets.height and scored["ticket_id"].equals(tickets["ticket_id"]):
        return tickets.with_columns(scored.get_column("sentiment").cast(pl.Float64))
    right = scored.select("ticket_id", pl.col("sentiment").cast(pl.Float64)).unique("ticket_id")
    return tickets.drop("sentiment").join(right, on="ticket_id", how="left", maintain_order="left")


@st.cache_resource(show_spinner="Scoring ticket sentiment (once per dataset)…", max_entries=4)
def _sentiment(path: str, sidecar: str) -> tuple[pl.DataFrame, str]:
    """(tickets with sentiment, method sentence) for the snapshot at ``path``."""
    import tempfile

    from lib.sentiment import add_sentiment

    tickets = _canonical(path)
    side = Path(sidecar)
    if side.is_file():
        try:
            scored = pl.read_parquet(side, columns=["ticket_id", "sentiment"])
            how = pl.read_parquet_metadata(side).get("sentiment_method") or ""
            return _with_scores(tickets, scored), how or "scored earlier (method not recorded)"
        except Exception:  # a damaged or foreign file: score again and overwrite it
            pass
    snap = _snapshot_frame(path)
    description = snap.get_column("_description") if "_description" in snap.columns else None
    scored, how = add_sentiment(tickets, description=description)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=side.parent, prefix=".tmp-", suffix=".parquet")
        os.close(fd)
        scored.select("ticket_id", "sentiment").write_parquet(
            tmp, metadata={"sentiment_method": how}
        )
        os.replace(tmp, side)
    except OSError:  # read-only data folder: keep the scores in memory only
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return scored, how


def _sentiment_of(data: Active) -> tuple[pl.DataFrame, str]:
    path = store().snapshot_file(data.record)
    sidecar = store().sidecar_path(data.record, SENTIMENT_SIDECAR)
    scored, how = _sentiment(str(path), str(sidecar))
    # Also recorded in the store, for pages that only need the sentence. Done here, once per
    # session, not inside the process-wide cache: whoever scored first (perhaps a viewer, who
    # may not write) must not decide whether it is ever recorded.
    key = f"sentiment_method:{data.record.id}"
    if can_edit() and st.session_state.get("_sentiment_recorded") != (key, how):
        with contextlib.suppress(ReviewError):
            if store().get_setting(key) != how:
                store().set_setting(key, how, actor=actor())
            st.session_state["_sentiment_recorded"] = (key, how)
    return scored, how


def sentiment_tickets(data: Active) -> pl.DataFrame:
    """The dataset's tickets with ``sentiment`` filled (the export's own, else scored from the
    subject and ``_description`` with VADER, else from satisfaction; see
    :func:`lib.sentiment.add_sentiment`), computed once per dataset and cached with its snapshot."""
    return _sentiment_of(data)[0]


def sentiment_method(data: Active) -> str:
    """How :func:`sentiment_tickets` got its sentiment, in one sentence."""
    return _sentiment_of(data)[1]
