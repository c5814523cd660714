"""Thresholds on the digest's figures and subscriptions (who gets the digest or the alerts,
by e-mail or webhook, how often, for which dataset).

Writes are editors' (viewers are refused, like every other write). A subscription's ``target``
holds e-mail addresses or the *name* of a webhook (``REVIEW_WEBHOOK_<NAME>`` or ``[webhooks]``
in secrets): a webhook URL is a secret and is refused here, so it never reaches the database.

Example
-------
>>> import datetime as dt
>>> from lib.store import Store
>>> store = Store("sqlite://")
>>> _ = store.add_threshold("escalation_rate", ">", 0.15)
>>> [t.describe() for t in store.list_thresholds()]
['Escalation rate above 15.0%']
>>> sub = store.add_subscription("email", "lead@example.com", frequency="daily", hour=8)
>>> later = sub.created_at + dt.timedelta(days=1, hours=1)
>>> [s.id for s in store.due_subscriptions(later)] == [sub.id]
True
>>> _ = store.mark_subscription_sent(sub.id, later)
>>> store.due_subscriptions(later)
[]
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from lib.errors import StoreError
from lib.notify.message import DeliveryError, check_addresses
from lib.notify.schedule import Schedule, is_due
from lib.notify.thresholds import METRICS, OPS, Threshold
from lib.notify.webhooks import check_name
from lib.store._base import StoreBase, _check_fields, _choice, _date, _text
from lib.store.models import (
    SUBSCRIPTION_CHANNELS,
    SUBSCRIPTION_CONTENTS,
    SUBSCRIPTION_FORMATS,
    SUBSCRIPTION_FREQUENCIES,
    AlertThreshold,
    Dataset,
    Meeting,
    Subscription,
    _now,
)
from lib.store.roles import Actor, _who, _writes

#: Fields of a subscription an editor may change after creating it.
SUBSCRIPTION_FIELDS = {
    "channel", "target", "content", "format", "frequency", "weekday", "hour", "tz", "anchor",
    "dataset_id", "active",
}  # fmt: skip


def _threshold(row: AlertThreshold) -> Threshold:
    return Threshold(row.metric, row.op, row.value, row.dataset_id, row.id, row.note)


def _value(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) or math.isinf(number):
        raise StoreError(f"Threshold value {value!r} is not a number")
    return number


def _target(channel: str, target: Any) -> str:
    """E-mail addresses, cleaned; or a webhook name (never a URL)."""
    text = _text(target, "Recipient", required=True)
    try:
        if channel == "email":
            return ", ".join(check_addresses(text))
        if "://" in text or text.lower().startswith(("http", "www.")):
            raise StoreError(
                "A webhook URL is a secret and is not stored: set it in the environment "
                "variable REVIEW_WEBHOOK_<NAME> (or under [webhooks] in .streamlit/secrets.toml) "
                "and give the name here"
            )
        return check_name(text)
    except DeliveryError as exc:
        raise StoreError(str(exc)) from None


def _check_schedule(row: Subscription) -> None:
    try:
        Schedule(row.frequency, row.hour, row.weekday, row.tz, row.anchor)
    except ValueError as exc:
        raise StoreError(str(exc)) from None


def schedule_of(row: Subscription) -> Schedule:
    """A stored subscription's :class:`~lib.notify.schedule.Schedule`."""
    return Schedule(row.frequency, row.hour, row.weekday, row.tz, row.anchor)


class NotifyMixin(StoreBase):
    """Thresholds and subscriptions."""

    # ---- thresholds ---------------------------------------------------------------------
    @_writes
    def add_threshold(
        self,
        metric: str,
        op: str,
        value: float,
        *,
        dataset_id: int | None = None,
        note: str = "",
        actor: Actor | None = None,
    ) -> Threshold:
        """Store a threshold (``value`` in the figure's unit: the escalation rate as 0-1)."""
        row = AlertThreshold(
            metric=_choice(metric, METRICS, "Metric"),
            op=_choice(op, OPS, "Comparison"),
            value=_value(value),
            dataset_id=dataset_id,
            note=_text(note, "Note"),
            created_by=_who(None, actor),
        )
        with self._write() as s:
            if dataset_id is not None:
                self._get(s, Dataset, dataset_id, "Dataset")
            s.add(row)
        return _threshold(row)

    def list_thresholds(self, dataset_id: int | None = None) -> list[Threshold]:
        """Every threshold; with ``dataset_id``, those that apply to it (its own and those set
        for every dataset). Ordered by metric, then id."""
        stmt = select(AlertThreshold).order_by(AlertThreshold.metric, AlertThreshold.id)
        if dataset_id is not None:
            stmt = stmt.where(
                sa.or_(AlertThreshold.dataset_id.is_(None), AlertThreshold.dataset_id == dataset_id)
            )
        with self._read() as s:
            return [_threshold(r) for r in s.exec(stmt).all()]

    @_writes
    def delete_threshold(self, threshold_id: int, *, actor: Actor | None = None) -> None:
        """Remove a threshold."""
        with self._write() as s:
            s.delete(self._get(s, AlertThreshold, threshold_id, "Threshold"))

    # ---- subscriptions ------------------------------------------------------------------
    @_writes
    def add_subscription(
        self,
        channel: str,
        target: str,
        *,
        content: str = "digest",
        format: str = "html",
        frequency: str = "weekly",
        weekday: int = 0,
        hour: int = 8,
        tz: str = "UTC",
        anchor: Any = None,
        dataset_id: int | None = None,
        actor: Actor | None = None,
    ) -> Subscription:
        """Subscribe ``target`` (e-mail addresses, or a webhook's name for ``slack``, ``teams``
        or ``json``) to the ``digest`` or to ``alerts`` only (sent when a threshold is crossed).
        ``dataset_id`` None follows the active dataset."""
        channel = _choice(channel, SUBSCRIPTION_CHANNELS, "Channel")
        who = _who(None, actor)
        row = Subscription(
            channel=channel,
            target=_target(channel, target),
            content=_choice(content, SUBSCRIPTION_CONTENTS, "Content"),
            format=_choice(format, SUBSCRIPTION_FORMATS, "Format"),
            frequency=_choice(frequency, SUBSCRIPTION_FREQUENCIES, "Frequency"),
            weekday=int(weekday),
            hour=int(hour),
            tz=_text(tz, "Time zone") or "UTC",
            anchor=_date(anchor, "First week"),
            dataset_id=dataset_id,
            created_by=who,
            updated_by=who,
        )
        _check_schedule(row)
        with self._write() as s:
            if dataset_id is not None:
                self._get(s, Dataset, dataset_id, "Dataset")
            s.add(row)
        return row

    @_writes
    def update_subscription(
        self, subscription_id: int, changes: Mapping[str, Any], *, actor: Actor | None = None
    ) -> Subscription:
        """Change some of :data:`SUBSCRIPTION_FIELDS` (``{"active": False}`` pauses it)."""
        _check_fields(changes, SUBSCRIPTION_FIELDS, "a subscription")
        with self._write() as s:
            row = self._get(s, Subscription, subscription_id, "Subscription", lock=True)
            for key, value in changes.items():
                setattr(row, key, value)
            row.channel = _choice(row.channel, SUBSCRIPTION_CHANNELS, "Channel")
            row.target = _target(row.channel, row.target)
            row.content = _choice(row.content, SUBSCRIPTION_CONTENTS, "Content")
            row.format = _choice(row.format, SUBSCRIPTION_FORMATS, "Format")
            row.frequency = _choice(row.frequency, SUBSCRIPTION_FREQUENCIES, "Frequency")
            row.anchor = _date(row.anchor, "First week")
            row.active = bool(row.active)
            _check_schedule(row)
            if "dataset_id" in changes and row.dataset_id is not None:
                self._get(s, Dataset, row.dataset_id, "Dataset")
            row.updated_by, row.updated_at = _who(None, actor), _now()
            s.add(row)
        return row

    @_writes
    def delete_subscription(self, subscription_id: int, *, actor: Actor | None = None) -> None:
        """Remove a subscription."""
        with self._write() as s:
            s.delete(self._get(s, Subscription, subscription_id, "Subscription"))

    def get_subscription(self, subscription_id: int) -> Subscription | None:
        """One subscription, or None."""
        with self._read() as s:
            return s.get(Subscription, subscription_id)

    def list_subscriptions(self, dataset_id: int | None = None) -> list[Subscription]:
        """Every subscription by id; with ``dataset_id``, those for it and those that follow
        the active dataset (``dataset_id`` None)."""
        stmt = select(Subscription).order_by(Subscription.id)
        if dataset_id is not None:
            stmt = stmt.where(
                sa.or_(Subscription.dataset_id.is_(None), Subscription.dataset_id == dataset_id)
            )
        with self._read() as s:
            return list(s.exec(stmt).all())

    def meeting_dates(self) -> list[dt.date]:
        """Dates of the meetings not yet closed (a "before each meeting" subscription's days)."""
        with self._read() as s:
            rows = s.exec(select(Meeting.date).where(Meeting.closed_at.is_(None))).all()
        return sorted(set(rows))

    def due_subscriptions(self, now: dt.datetime) -> list[Subscription]:
        """Active subscriptions whose latest scheduled moment at or before ``now`` (aware) is
        after their last sending (never sent: after they were made); see
        :mod:`lib.notify.schedule`."""
        meetings = self.meeting_dates()
        return [
            row
            for row in self.list_subscriptions()
            if row.active
            and is_due(
                schedule_of(row), now, since=row.last_sent_at or row.created_at, meetings=meetings
            )
        ]

    @_writes
    def mark_subscription_sent(
        self,
        subscription_id: int,
        at: dt.datetime,
        *,
        error: str | None = None,
        actor: Actor | None = None,
    ) -> Subscription:
        """Record a sending at ``at``; with ``error`` (a failed sending: say why, never a
        password), ``last_sent_at`` stays and the error is kept for the settings page."""
        if at.tzinfo is None:
            raise StoreError("The sending time must be timezone-aware (UTC)")
        with self._write() as s:
            row = self._get(s, Subscription, subscription_id, "Subscription")
            if error is None:
                row.last_sent_at, row.last_error = at, None
            else:
                row.last_error = _text(error, "Error")[:500]
            s.add(row)
        return row
