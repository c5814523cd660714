"""The Alerts & digests page's subscriptions: who gets the digest or the alerts, by e-mail or
webhook, how often and for which dataset; editors add, pause, resume and delete them."""

from __future__ import annotations

import datetime as dt
import os

import polars as pl
import streamlit as st

from lib.markdown import md_escape
from lib.notify import available_webhooks
from lib.notify.schedule import FREQUENCIES, WEEKDAYS, next_slot, zone
from lib.store.models import SUBSCRIPTION_CHANNELS, Subscription
from lib.store.notify import schedule_of
from ui import layout, session, widgets
from ui.settings import CHANNEL_WORDS, dataset_names, flash, mail_ready, secrets

CONTENTS = {"digest": "The digest", "alerts": "Alerts only (when a threshold is crossed)"}
FORMATS = {"html": "HTML with charts", "markdown": "Markdown", "json": "JSON"}


def when(moment: dt.datetime | None, tz: str) -> str:
    """A moment in the subscription's zone, as the table shows it ("" for none)."""
    if moment is None:
        return ""
    return moment.astimezone(zone(tz)).strftime("%a %d %b %Y %H:%M")


def _status(r: Subscription, hooks: list[str], mail_ok: bool) -> str:
    if not r.active:
        return "paused"
    if r.channel != "email" and r.target not in hooks:
        return f"webhook not set up (REVIEW_WEBHOOK_{r.target})"
    if r.channel == "email" and not mail_ok:
        return "no mail server set up"
    return f"last sending failed: {r.last_error}" if r.last_error else "ready"


#: A status's badge colour, by how the status starts (``ready`` is green).
_STATUS_COLOURS = (
    ("paused", "gray"),
    ("webhook not set up", "orange"),
    ("no mail server", "orange"),
    ("last sending failed", "red"),
)


def card_lines(row: dict[str, str]) -> tuple[str, str, str]:
    """One subscription (a row of the table :func:`_frame` makes, with its column names) as
    the three Markdown lines of its card: who and its status, what is sent how and when, and
    the next and last sending with the dataset.

    >>> print(*card_lines({"Who": "ana@example.com", "Status": "last sending failed: SMTP 550",
    ...     "When": "Every day at 09:00 (UTC)", "Next": "", "What": "The digest",
    ...     "How": "e-mail, HTML with charts", "Dataset": "The active dataset",
    ...     "Last sent": ""}), sep="\\n")
    **ana@example.com** :red-badge[last sending failed] SMTP 550
    The digest · e-mail, HTML with charts · Every day at 09:00 (UTC)
    Next: – · Last sent: never · Dataset: The active dataset
    """
    status = row["Status"]
    colour = next((c for start, c in _STATUS_COLOURS if status.startswith(start)), "green")
    label, _, detail = status.partition(": ") if colour == "red" else (status, "", "")
    if colour == "orange" and " (" in status:  # the variable to set, after the badge
        label, detail = status.split(" (", 1)[0], "(" + status.split(" (", 1)[1]
    head = f"**{md_escape(row['Who'])}** :{colour}-badge[{md_escape(label)}]"
    if detail:
        head += " " + md_escape(detail)
    sent = f"{md_escape(row['What'])} · {md_escape(row['How'])} · {md_escape(row['When'])}"
    nxt = row["Next"] or ("none while paused" if status == "paused" else "–")
    last = row["Last sent"] or "never"
    timing = (
        f"Next: {md_escape(nxt)} · Last sent: {md_escape(last)} · "
        f"Dataset: {md_escape(row['Dataset'])}"
    )
    return head, sent, timing


def _frame(
    rows: list[Subscription], names: dict[int, str], hooks: list[str], mail_ok: bool
) -> pl.DataFrame:
    now = dt.datetime.now(dt.UTC)
    meetings = session.store().meeting_dates()
    columns = {
        "Who": [r.target for r in rows],
        "Status": [_status(r, hooks, mail_ok) for r in rows],
        "When": [schedule_of(r).describe() for r in rows],
        "Next": [
            when(next_slot(schedule_of(r), now, meetings), r.tz) if r.active else "" for r in rows
        ],
        "What": [CONTENTS[r.content].split(" (")[0] for r in rows],
        "How": [f"{CHANNEL_WORDS[r.channel]}, {FORMATS[r.format]}" for r in rows],
        "Dataset": [names.get(r.dataset_id, "The active dataset") for r in rows],
        "Last sent": [when(r.last_sent_at, r.tz) for r in rows],
    }
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))


def subscriptions_section(edit: bool) -> None:
    """The subscriptions table, and for editors the form to add one and the row actions."""
    st.subheader("Subscriptions")
    store = session.store()
    rows = store.list_subscriptions()
    names = dataset_names()
    hooks = available_webhooks(os.environ, secrets())
    if not rows:
        layout.empty_state(
            "Nobody is subscribed yet.",
            action="Add a subscription below: the digest every week, or alerts only."
            if edit
            else "An editor adds subscriptions on this page.",
        )
    else:
        frame = _frame(rows, names, hooks, mail_ready())
        # one card each: eight columns of sentences do not fit a table's width
        for row in frame.iter_rows(named=True):
            head, sent, timing = card_lines(row)
            with st.container(border=True):
                st.markdown(head)
                st.markdown(sent)
                st.caption(timing)
        widgets.download(frame, "subscriptions.csv", key="set_subs_dl")
        st.caption(
            "The command line sends what is due: run `python -m review digest --due` from cron "
            "or a systemd timer (see the README). Times are in each subscription's time zone."
        )
    if not edit:
        return
    if rows:
        _row_actions(rows)
    _add_form(names, hooks)


def _row_actions(rows: list[Subscription]) -> None:
    labels = {r.id: f"{r.target} · {schedule_of(r).describe()}" for r in rows}
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    pick = c1.selectbox("Subscription", list(labels), format_func=labels.get, key="set_sub_pick")
    row = next(r for r in rows if r.id == pick)
    store, actor = session.store(), session.actor()
    if c2.button("Resume" if not row.active else "Pause", key="set_sub_toggle"):
        with layout.user_errors("Subscription not changed"):
            store.update_subscription(pick, {"active": not row.active}, actor=actor)
            flash(f"{'Resumed' if not row.active else 'Paused'} {labels[pick]}.")
            st.rerun()
    if c3.button("Delete", key="set_sub_delete", icon=":material/delete:"):
        with layout.user_errors("Subscription not deleted"):
            store.delete_subscription(pick, actor=actor)
            flash(f"Deleted {labels[pick]}.")
            st.rerun()


def _add_form(names: dict[int, str], hooks: list[str]) -> None:
    """Not a form: the fields shown depend on the channel and frequency picked."""
    with st.container(border=True, key="set_sub_add"):
        st.markdown("**Add a subscription**")
        c1, c2 = st.columns([1, 2])
        channel = c1.selectbox(
            "How", list(SUBSCRIPTION_CHANNELS), format_func=CHANNEL_WORDS.get, key="set_sub_channel"
        )
        if channel == "email":
            target = c2.text_input(
                "E-mail addresses", key="set_sub_emails", placeholder="lead@example.com, ops@…"
            )
        elif hooks:
            target = c2.selectbox("Webhook", hooks, key="set_sub_hook")
        else:
            c2.info(
                "No webhook is set up: set REVIEW_WEBHOOK_<NAME> on the server (or [webhooks] "
                "in .streamlit/secrets.toml), restart, then pick it here.",
                icon=":material/info:",
            )
            return
        c3, c4, c5 = st.columns(3)
        content = c3.selectbox("What", list(CONTENTS), format_func=CONTENTS.get, key="set_sub_what")
        formats = ["json"] if channel == "json" else ["html", "markdown"]
        fmt = c4.selectbox("Format", formats, format_func=FORMATS.get, key="set_sub_format")
        ds = c5.selectbox(
            "Dataset", [None, *names], format_func=lambda i: "The active dataset" if i is None
            else names[i], key="set_sub_dataset",
        )  # fmt: skip
        c6, c7, c8, c9 = st.columns(4)
        frequency = c6.selectbox(
            "How often", list(FREQUENCIES), index=1, format_func=FREQUENCIES.get,
            key="set_sub_freq",
        )  # fmt: skip
        weekday, anchor = 0, None
        if frequency in ("weekly", "biweekly"):
            weekday = c7.selectbox(
                "On", range(7), format_func=lambda d: WEEKDAYS[d], key="set_sub_weekday"
            )
        if frequency == "biweekly":
            anchor = c7.date_input("First sending week", key="set_sub_anchor")
        hour = c8.number_input("At (hour)", 0, 23, 8, key="set_sub_hour")
        active = st.session_state.get("_active")
        tz = c9.text_input(
            "Time zone", value=active.zone if active is not None else "UTC", key="set_sub_tz"
        )
        if st.button("Add subscription", key="set_sub_save", icon=":material/add:"):
            with layout.user_errors("Subscription not added"):
                row = session.store().add_subscription(
                    channel, target or "", content=content, format=fmt, frequency=frequency,
                    weekday=int(weekday), hour=int(hour), tz=tz, anchor=anchor, dataset_id=ds,
                    actor=session.actor(),
                )  # fmt: skip
                flash(f"Subscribed {row.target}: {schedule_of(row).describe()}.")
                st.rerun()
