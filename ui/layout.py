"""Page furniture: title and question, the context caption, empty states and errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from lib.errors import ReviewError
from lib.ingest import rules
from lib.markdown import md_escape
from lib.schema import LABELS
from ui import dataset, sidebar
from ui.data_tabs import DATA_TABS, data_tab_link


def header(title: str, question: str) -> None:
    """Title and the one sentence saying what question the page answers."""
    st.title(title)
    st.markdown(f"<p class='er-question'>{_escape(question)}</p>", unsafe_allow_html=True)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def context_caption(data: dataset.Active) -> None:
    """The dataset, period and escalation definition in one caption line."""
    f = sidebar.filters()
    rng = f"{f.start} to {f.end}" if f.start and f.end else "all dates"
    extra = f.describe().split("; ", 1)[1] if "; " in f.describe() else ""
    bits = [
        f"**{md_escape(data.record.name)}** ({data.tickets.height:,} tickets)",
        md_escape(rng),
        md_escape(rules.describe_rules(data.rules)),
    ]
    if extra and f.active:
        bits.append(f"filters: {md_escape(extra)}")
    st.caption(" · ".join(bits))


def escalation_signal(data: dataset.Active) -> str | None:
    """The sentence saying the active rules mark (almost) no ticket escalated, else None."""
    return rules.escalation_signal(data.tickets, data.rules)


def signal_warning(data: dataset.Active) -> None:
    """Once per page: a warning, instead of rates of 0.0% read as a fact, when the rules
    hardly match the export, with a link to where the rules are set."""
    text = escalation_signal(data)
    if text is None:
        return
    with st.container(key="escalation_signal"):
        st.warning(md_escape(text), icon=":material/rule:")
        data_tab_link(DATA_TABS[1], icon=":material/tune:")


def empty_state(message: str, *, action: str | None = None) -> None:
    """A friendly message that says what to do next."""
    st.info(message + (f" {action}" if action else ""), icon=":material/info:")


def page_data(*, require: str | None = None, missing: str = "", action: str = "") -> dataset.Active:
    """The session's dataset with the context caption (and the warning when the escalation
    rules hardly match the export) shown, or an empty state and a stop.

    With ``require``, a dataset whose ``require`` column is empty also stops the page, showing
    ``missing`` and ``action``.
    """
    data: dataset.Active | None = st.session_state.get("_active")
    if data is None:
        no_data()
        st.stop()
    context_caption(data)
    signal_warning(data)
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


def show_error(exc: Exception, *, what: str = "") -> None:
    """Show one of the project's own errors as a message (others propagate as bugs)."""
    prefix = f"{what}: " if what else ""
    st.error(prefix + md_escape(str(exc)), icon=":material/error:")


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
/* Phone width: KPI cards two to a row instead of one per screen. */
@media (max-width: 640px) {
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) {
    flex-direction: row !important; flex-wrap: wrap !important; gap: 0.5rem !important;
  }
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) > [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important;
    width: calc(50% - 0.5rem) !important;
  }
  [data-testid="stMetricValue"] { font-size: 1.25rem; }
  [data-testid="stMetricDelta"] { font-size: 0.75rem; height: auto !important; max-width: 100%; }
  [data-testid="stMetricDelta"] div,
  [data-testid="stMetricDelta"] p { white-space: normal !important; overflow: visible; }
  /* Plotly's mode bar (zoom, pan, PNG) would cover the legend of a phone-width chart: a tap
     shows it. Each chart keeps its HTML and data downloads below it. */
  .js-plotly-plot .modebar-container { display: none !important; }
}
</style>
"""


def style() -> None:
    """The app's small CSS additions (no external fonts or scripts)."""
    st.html(CSS)
