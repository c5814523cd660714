"""Triage of anomaly alerts (dismissed, known, sent to the agenda), keyed so that a triaged
alert stays triaged in a newer export of the same helpdesk."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlmodel import select

from lib.errors import StoreError
from lib.store._base import (
    StoreBase,
    _choice,
    _date,
    _frame,
    _schema,
    _text,
    _upsert,
)
from lib.store.models import (
    ALERT_STATES,
    AgendaItem,
    AlertState,
    _now,
)
from lib.store.roles import Actor, _who, _writes


def alert_key(topic: str, metric: str, kind: str, start: Any) -> str:
    """The stable key of an alert: ``topic|metric|kind|start``.

    >>> import datetime as dt
    >>> alert_key("SSO", "volume", "spike", dt.date(2025, 3, 4))
    'SSO|volume|spike|2025-03-04'
    """
    return f"{topic}|{metric}|{kind}|{_date(start, 'alert start')}"


def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise StoreError(f"{value!r} is not a number") from None


class AlertsMixin(StoreBase):
    """Alert triage and the alerts waiting for a meeting agenda."""

    @_writes
    def set_alert_state(
        self,
        alert: Mapping[str, Any],
        state: str,
        *,
        dataset_id: int | None = None,
        note: str = "",
        actor: Actor | None = None,
    ) -> str:
        """Triage an alert (a row of ``detect_anomalies``): dismissed, known or agenda.

        Returns the alert's key. Keys do not depend on the dataset, so a triaged alert stays
        triaged when a newer export of the same helpdesk finds it again.
        """
        _choice(state, ALERT_STATES, "Alert state")
        try:
            key = alert_key(alert["topic"], alert["metric"], alert["kind"], alert["start"])
        except KeyError as exc:
            raise StoreError(f"The alert has no {exc.args[0]!r} field") from None
        values = {
            "state": state,
            "note": _text(note, "Note"),
            "topic": str(alert["topic"]),
            "metric": str(alert["metric"]),
            "kind": str(alert["kind"]),
            "start_date": _date(alert["start"], "Alert start"),
            "end_date": _date(alert.get("end"), "Alert end"),
            "observed": _float(alert.get("observed")),
            "expected": _float(alert.get("expected")),
            "score": _float(alert.get("score")),
            "updated_by": _who(None, actor),
            "updated_at": _now(),
        }
        if dataset_id is not None:  # otherwise keep the dataset it was first triaged on
            values["dataset_id"] = dataset_id
        with self._write() as s:
            _upsert(s, AlertState, {"alert_key": key, **values}, "alert_key")
        return key

    @_writes
    def clear_alert_state(self, key: str, *, actor: Actor | None = None) -> None:
        """Return an alert to untriaged."""
        with self._write() as s:
            s.execute(sa.delete(AlertState).where(AlertState.alert_key == key))

    def get_alert_states(self, dataset_id: int | None = None) -> pl.DataFrame:
        """Triaged alerts (all, or those triaged on ``dataset_id``), newest change first."""
        stmt = select(AlertState).order_by(sa.desc(AlertState.updated_at))
        if dataset_id is not None:
            stmt = stmt.where(AlertState.dataset_id == dataset_id)
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _frame(rows, _schema(AlertState))

    def agenda_alerts(self, dataset_id: int | None = None, *, pending: bool = True) -> pl.DataFrame:
        """Alerts sent to the review agenda; with ``pending``, only those on no agenda yet."""
        stmt = select(AlertState).where(AlertState.state == "agenda")
        if dataset_id is not None:
            stmt = stmt.where(AlertState.dataset_id == dataset_id)
        if pending:
            on_agenda = sa.select(AgendaItem.ref).where(
                AgendaItem.source == "alert",
                AgendaItem.ref.is_not(None),
                AgendaItem.deleted_at.is_(None),  # a removed point sends it back
            )
            stmt = stmt.where(AlertState.alert_key.not_in(on_agenda))
        stmt = stmt.order_by(sa.desc(AlertState.start_date), sa.desc(AlertState.score))
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _frame(rows, _schema(AlertState))
