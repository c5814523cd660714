"""The Alerts & digests page's parts: where messages go (the mail server, masked; the webhooks,
by name) with a test message, and the thresholds editor. Subscriptions: :mod:`ui.subscriptions`.

Credentials are read from the environment and ``.streamlit/secrets.toml`` each time, shown only
masked, and never kept in the session or the database.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

import polars as pl
import streamlit as st

from lib.errors import ReviewError
from lib.markdown import md_escape
from lib.notify import (
    OutgoingMessage,
    available_webhooks,
    masked_url,
    post_webhook,
    send_email,
    smtp_settings,
    webhook_url,
)
from lib.notify import smtp as smtp_mod
from lib.notify import webhooks as hooks_mod
from lib.notify.schedule import next_slot, zone
from lib.notify.thresholds import METRICS, OPS
from lib.store.notify import schedule_of
from ui import layout, session, widgets

FLASH = "_settings_flash"
READ_ONLY = (
    "You have read-only access (viewer): you see what is set up, and an editor changes "
    "thresholds and subscriptions."
)
OP_WORDS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}
CHANNEL_WORDS = {"email": "E-mail", "slack": "Slack", "teams": "Microsoft Teams",
                 "json": "Generic JSON webhook"}  # fmt: skip


def secrets() -> dict[str, Any]:
    """The ``[smtp]`` and ``[webhooks]`` sections of Streamlit's secrets ({} without a file)."""
    out: dict[str, Any] = {}
    for section in (smtp_mod.SECRETS_SECTION, hooks_mod.SECRETS_SECTION):
        try:
            value = st.secrets.get(section)
        except Exception:  # no .streamlit/secrets.toml: st.secrets raises on first access
            return out
        if isinstance(value, Mapping):
            out[section] = dict(value)
    return out


def flash(message: str) -> None:
    st.session_state[FLASH] = message


def show_flash() -> None:
    """The message the last change left (shown once)."""
    msg = st.session_state.pop(FLASH, None)
    if msg:
        st.success(md_escape(msg), icon=":material/check_circle:")


def dataset_names() -> dict[int, str]:
    """Dataset id -> name."""
    frame = session.store().list_datasets()
    return dict(frame.select("id", "name").iter_rows())


def context_caption() -> None:
    """The active dataset (subscriptions without one follow it) and the meetings planned."""
    active = st.session_state.get("_active")
    meetings = session.store().meeting_dates()
    bits = [
        f"Active dataset **{md_escape(active.record.name)}** (times in {md_escape(active.zone)})"
        if active is not None
        else "No dataset loaded yet"
    ]
    planned = f"{len(meetings)} open review meeting(s)" if meetings else "no open review meeting"
    bits.append(planned)
    st.caption(" · ".join(bits))


def mail_ready() -> bool:
    """True when the mail server settings are complete enough to try."""
    try:
        return smtp_settings(os.environ, secrets()).configured
    except ReviewError:
        return False


def headline() -> None:
    """Thresholds, active subscriptions, the mail server and the next sending."""
    store = session.store()
    subs = store.list_subscriptions()
    live = [s for s in subs if s.active]
    now = dt.datetime.now(dt.UTC)
    meetings = store.meeting_dates()
    nexts = [(m, s.tz) for s in live if (m := next_slot(schedule_of(s), now, meetings))]
    try:
        mail = "set up" if smtp_settings(os.environ, secrets()).configured else "not set up"
    except ReviewError:
        mail = "settings wrong"
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Thresholds", len(store.list_thresholds()))
    c2.metric("Active subscriptions", len(live), help=f"{len(subs) - len(live)} paused")
    c3.metric("Mail server", mail)
    first = min(nexts) if nexts else None
    c4.metric(
        "Next sending",
        first[0].astimezone(zone(first[1])).strftime("%a %d %b %H:%M") if first else "–",
        help="In the subscription's own time zone",
    )


# ---- where messages go ----------------------------------------------------------------------
def delivery_status(edit: bool) -> None:
    """The mail server (masked) and the webhooks set up, and a test message for editors."""
    st.subheader("Where messages go")
    try:
        mail = smtp_settings(os.environ, secrets())
        mail_error = None
    except ReviewError as exc:
        mail, mail_error = None, str(exc)
    rows: list[tuple[str, str]] = []
    if mail_error:
        st.error(f"Mail server settings: {md_escape(mail_error)}", icon=":material/error:")
    elif mail is not None and mail.configured:
        rows.append(("E-mail (SMTP)", mail.describe()))
    else:
        layout.empty_state(
            "No mail server is set up, so e-mail subscriptions cannot be sent yet.",
            action="Set REVIEW_SMTP_HOST, REVIEW_SMTP_USER, REVIEW_SMTP_PASSWORD and "
            "REVIEW_SMTP_FROM on the server (or an [smtp] section in .streamlit/secrets.toml) "
            "and restart the app. Passwords are never typed on this page.",
        )
    names = available_webhooks(os.environ, secrets())
    rows += [(f"Webhook {n}", masked_url(webhook_url(n, os.environ, secrets()))) for n in names]
    if rows:  # a table, not Markdown: addresses and URLs stay plain text, never links
        st.dataframe(
            pl.DataFrame(rows, schema=["Channel", "Set up as (passwords and paths hidden)"],
                         orient="row"),
            hide_index=True, key="set_where",
        )  # fmt: skip
    if not names:
        st.caption(
            "No webhook is set up. A Slack, Microsoft Teams or other webhook URL is a secret: "
            "set it as REVIEW_WEBHOOK_<NAME> on the server (or under [webhooks] in "
            ".streamlit/secrets.toml) and subscribe it here by its name."
        )
    if edit:
        _test_message(mail if mail_error is None else None, names)


def _test_message(mail: Any, names: list[str]) -> None:
    with st.expander("Send a test message", icon=":material/send:"):
        targets = ["email"] + [f"hook:{n}" for n in names]
        pick = st.selectbox(
            "Send to",
            targets,
            format_func=lambda t: "E-mail" if t == "email" else f"Webhook {t[5:]}",
            key="set_test_target",
        )
        actor = session.actor()
        address = ""
        kind = "slack"
        if pick == "email":
            address = st.text_input(
                "E-mail address", value=actor.email if actor else "", key="set_test_address"
            )
        else:
            kind = st.selectbox(
                "Webhook kind",
                list(hooks_mod.KINDS),
                format_func=hooks_mod.KINDS.get,
                key="set_test_kind",
            )
        if st.button("Send a test message", key="set_test_send", icon=":material/send:"):
            message = OutgoingMessage(
                "Escalation Review: test message",
                "This is a test message from Escalation Review's Alerts & digests page.",
                "<p>This is a test message from Escalation Review's "
                "<b>Alerts &amp; digests</b> page.</p>",
            )
            with layout.user_errors("Test message not sent"):
                if pick == "email":
                    send_email(message, [address], mail or smtp_settings({}, {}))
                    st.success(f"Sent a test message to {md_escape(address)}.")
                else:
                    url = webhook_url(pick[5:], os.environ, secrets())
                    status = post_webhook(url, kind, message, {"test": True})
                    st.success(f"Webhook {pick[5:]} accepted the test message ({status}).")


# ---- thresholds -----------------------------------------------------------------------------
def thresholds_section(edit: bool) -> None:
    """The thresholds table, and for editors a form to add one and a button to delete one."""
    st.subheader("Thresholds")
    st.caption(
        "A threshold is crossed when a figure of the review period's digest passes it: alert "
        "subscriptions are sent then, and `python -m review check` exits with code 1."
    )
    store = session.store()
    rules = store.list_thresholds()
    names = dataset_names()
    if not rules:
        layout.empty_state(
            "No thresholds yet.",
            action="Add one below, for example the escalation rate above 15%."
            if edit
            else "An editor adds them on this page.",
        )
    else:
        frame = pl.DataFrame(
            {
                "Figure": [METRICS[t.metric].label for t in rules],
                "Crossed when": [
                    f"{OP_WORDS[t.op]} {METRICS[t.metric].format(t.value)}" for t in rules
                ],
                "Dataset": [names.get(t.dataset_id, "Every dataset") for t in rules],
                "Note": [t.note for t in rules],
            }
        )
        widgets.table(frame, key="set_thresholds", filename="thresholds.csv")
    if not edit:
        return
    if rules:
        labels = {t.id: t.describe() for t in rules}
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        gone = c1.selectbox("Threshold", list(labels), format_func=labels.get, key="set_thr_del")
        if c2.button("Delete", key="set_thr_delete", icon=":material/delete:"):
            with layout.user_errors("Threshold not deleted"):
                store.delete_threshold(gone, actor=session.actor())
                flash(f"Deleted the threshold “{labels[gone]}”.")
                st.rerun()
    _add_threshold(names)


def _add_threshold(names: dict[int, str]) -> None:
    with st.form("set_thr_form", border=True):
        st.markdown("**Add a threshold**")
        c1, c2, c3 = st.columns([2, 1, 1])
        metric = c1.selectbox(
            "Figure", list(METRICS), format_func=lambda k: METRICS[k].label, key="set_thr_metric"
        )
        op = c2.selectbox("Crossed when", list(OPS), format_func=OP_WORDS.get, key="set_thr_op")
        value = c3.number_input(
            "Value", value=15.0, step=1.0, key="set_thr_value",
            help="In the figure's unit: percent for the escalation rate, percentage points "
            "for its change, a count for the others.",
        )  # fmt: skip
        c4, c5 = st.columns([1, 2])
        ds = c4.selectbox(
            "Dataset", [None, *names], format_func=lambda i: "Every dataset" if i is None
            else names[i], key="set_thr_dataset",
        )  # fmt: skip
        note = c5.text_input("Note (optional)", key="set_thr_note")
        if st.form_submit_button("Add threshold", icon=":material/add:"):
            m = METRICS[metric]
            with layout.user_errors("Threshold not added"):
                rule = session.store().add_threshold(
                    metric, op, m.from_display(float(value)), dataset_id=ds, note=note,
                    actor=session.actor(),
                )  # fmt: skip
                flash(f"Added the threshold “{rule.describe()}”.")
                st.rerun()
