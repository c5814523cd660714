"""lib.store.notify on SQLite and PostgreSQL: thresholds and subscriptions are kept, editors
alone change them, webhook URLs are refused (only names are stored), and due subscriptions
follow their schedules, meetings and last sending."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.errors import PermissionDenied, StoreError
from lib.notify.thresholds import Threshold, evaluate
from lib.store import Store
from tests.store.helpers import EDITOR, VIEWER, _tickets


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_thresholds_are_kept_per_dataset_and_evaluate(store: Store) -> None:
    ds = store.register_dataset("Q4", _tickets()).id
    other = store.register_dataset("Other", _tickets(2), activate=False).id
    everywhere = store.add_threshold("escalation_rate", ">", 0.15, actor=EDITOR)
    store.add_threshold("overdue_actions", ">=", 3, dataset_id=ds, note="chase", actor=EDITOR)
    store.add_threshold("tickets", "<", 10, dataset_id=other, actor=EDITOR)
    assert everywhere == Threshold("escalation_rate", ">", 0.15, None, everywhere.id, "")
    assert [t.metric for t in store.list_thresholds()] == [
        "escalation_rate", "overdue_actions", "tickets",
    ]  # fmt: skip
    mine = store.list_thresholds(ds)
    assert [(t.metric, t.dataset_id, t.note) for t in mine] == [
        ("escalation_rate", None, ""), ("overdue_actions", ds, "chase"),
    ]  # fmt: skip
    figures = {"escalation_rate": 0.2, "overdue_actions": 3.0, "tickets": 5.0}
    assert [b.metric for b in evaluate(figures, mine)] == ["escalation_rate", "overdue_actions"]
    store.delete_threshold(everywhere.id, actor=EDITOR)
    assert len(store.list_thresholds()) == 2
    # deleting a dataset deletes the thresholds and subscriptions set for it alone
    store.add_subscription("email", "a@example.com", dataset_id=other, actor=EDITOR)
    store.delete_dataset(other, actor=EDITOR)
    assert [t.metric for t in store.list_thresholds()] == ["overdue_actions"]
    assert store.list_subscriptions() == []


def test_bad_thresholds_are_refused_with_what_was_expected(store: Store) -> None:
    with pytest.raises(StoreError, match="Metric 'csat' is not allowed"):
        store.add_threshold("csat", ">", 1)
    with pytest.raises(StoreError, match="Comparison '=' is not allowed"):
        store.add_threshold("tickets", "=", 1)
    with pytest.raises(StoreError, match="Threshold value 'many' is not a number"):
        store.add_threshold("tickets", ">", "many")
    with pytest.raises(StoreError, match="Dataset 99 does not exist"):
        store.add_threshold("tickets", ">", 1, dataset_id=99)
    assert store.list_thresholds() == []


def test_viewers_cannot_change_thresholds_or_subscriptions(store: Store) -> None:
    rule = store.add_threshold("tickets", ">", 1, actor=EDITOR)
    sub = store.add_subscription("email", "a@example.com", actor=EDITOR)
    assert sub.created_by == EDITOR.email
    for call in (
        lambda: store.add_threshold("tickets", ">", 1, actor=VIEWER),
        lambda: store.delete_threshold(rule.id, actor=VIEWER),
        lambda: store.add_subscription("email", "v@example.com", actor=VIEWER),
        lambda: store.update_subscription(sub.id, {"active": False}, actor=VIEWER),
        lambda: store.delete_subscription(sub.id, actor=VIEWER),
        lambda: store.mark_subscription_sent(sub.id, utc(2026, 12, 1), actor=VIEWER),
    ):
        with pytest.raises(PermissionDenied, match="read-only access"):
            call()
    assert len(store.list_thresholds()) == 1 and store.get_subscription(sub.id).active


def test_subscriptions_store_addresses_or_webhook_names_never_urls(store: Store) -> None:
    mail = store.add_subscription(
        "email", "ana@example.com; bo@example.org", frequency="biweekly", weekday=4,
        anchor="2026-12-04", tz="Europe/Berlin", actor=EDITOR,
    )  # fmt: skip
    assert (mail.target, mail.anchor) == ("ana@example.com, bo@example.org", dt.date(2026, 12, 4))
    hook = store.add_subscription("slack", "team_slack", content="alerts", format="markdown")
    assert hook.target == "TEAM_SLACK"
    with pytest.raises(StoreError, match="webhook URL is a secret and is not stored"):
        store.add_subscription("slack", "https://hooks.slack.com/services/T0/B0/XYZ")
    with pytest.raises(StoreError, match="'ana@' is not an e-mail address"):
        store.add_subscription("email", "ana@")
    with pytest.raises(StoreError, match="Time zone 'Nowhere' is unknown"):
        store.add_subscription("email", "a@example.com", tz="Nowhere")
    with pytest.raises(StoreError, match="Hour 24 is not 0-23"):
        store.update_subscription(mail.id, {"hour": 24})
    with pytest.raises(StoreError, match="Cannot change last_sent_at"):
        store.update_subscription(mail.id, {"last_sent_at": utc(2026, 1, 1)})
    with pytest.raises(StoreError, match="webhook URL is a secret"):
        store.update_subscription(hook.id, {"target": "https://example.com/x"})
    paused = store.update_subscription(hook.id, {"active": False}, actor=EDITOR)
    assert not paused.active and paused.updated_by == EDITOR.email
    assert [s.target for s in store.list_subscriptions()] == [mail.target, "TEAM_SLACK"]
    store.delete_subscription(mail.id, actor=EDITOR)
    assert [s.id for s in store.list_subscriptions()] == [hook.id]


def test_due_subscriptions_follow_schedule_meetings_and_last_sending(store: Store) -> None:
    daily = store.add_subscription("email", "a@example.com", frequency="daily", hour=8)
    before = store.add_subscription("teams", "ops", frequency="meeting", hour=16)
    paused = store.add_subscription("json", "feed", frequency="daily", hour=8)
    store.update_subscription(paused.id, {"active": False})
    made = daily.created_at
    tomorrow_9 = dt.datetime.combine(made.date() + dt.timedelta(days=1), dt.time(9), dt.UTC)
    assert [s.id for s in store.due_subscriptions(tomorrow_9)] == [daily.id]
    store.mark_subscription_sent(daily.id, tomorrow_9)
    assert store.due_subscriptions(tomorrow_9 + dt.timedelta(hours=1)) == []
    # a failed sending keeps the last success and records why
    row = store.mark_subscription_sent(daily.id, tomorrow_9, error="mail server refused")
    assert (row.last_sent_at, row.last_error) == (tomorrow_9, "mail server refused")
    # a meeting in three days: the "before each meeting" one is due the day before, at 16:00
    meeting_day = made.date() + dt.timedelta(days=3)
    store.create_meeting(meeting_day)
    day_before_17 = dt.datetime.combine(meeting_day - dt.timedelta(days=1), dt.time(17), dt.UTC)
    assert {s.id for s in store.due_subscriptions(day_before_17)} == {daily.id, before.id}
    with pytest.raises(StoreError, match="timezone-aware"):
        store.mark_subscription_sent(daily.id, dt.datetime(2026, 1, 1))
