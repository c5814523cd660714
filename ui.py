"""Streamlit glue shared by the pages: the loaded dataset, the sidebar, captions, errors.

This is the only module besides the page scripts that imports ``streamlit``. It caches the
parsed dataset once per process (shared by every session, keyed by its snapshot file), keeps
each session's filters in its own ``st.session_state``, and turns the project's own errors
(:class:`lib.errors.ReviewError`) into messages.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from lib import metrics, periods
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
                "Baseline dates", value=(lo, min(hi, lo.replace(day=lo.day))), key="p_base_rng"
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
    with sb.expander("Filters", expanded=False):
        for key, (_, column, label) in FILTER_FIELDS.items():
            if t.get_column(column).null_count() == t.height:
                continue
            st.multiselect(label, _options(t, column), key=key, placeholder="All")
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
