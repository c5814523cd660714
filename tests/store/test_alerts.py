"""lib.store.alerts: alert triage and the alerts waiting for an agenda."""

from __future__ import annotations

import datetime as dt

import polars as pl

from lib.store import Store, alert_key
from tests.store.helpers import (
    TODAY,
    _tickets,
)


def test_alert_triage_and_agenda(store: Store) -> None:
    ds = store.register_dataset("Q4", _tickets())
    spike = {
        "topic": "SSO",
        "metric": "volume",
        "kind": "spike",
        "start": dt.date(2025, 1, 6),
        "end": dt.date(2025, 1, 6),
        "observed": 31,
        "expected": 9.5,
        "score": 6.2,
    }
    shift = {**spike, "kind": "level_shift", "start": dt.date(2025, 1, 10), "score": 3.0}
    noise = {**spike, "topic": "API", "start": dt.date(2025, 1, 3)}
    k1 = store.set_alert_state(spike, "agenda", dataset_id=ds.id, note="discuss")
    k2 = store.set_alert_state(shift, "agenda", dataset_id=ds.id)
    store.set_alert_state(noise, "dismissed", dataset_id=ds.id)
    assert k1 == alert_key("SSO", "volume", "spike", "2025-01-06") == "SSO|volume|spike|2025-01-06"
    agenda = store.agenda_alerts(ds.id)
    assert agenda["alert_key"].to_list() == [k2, k1]  # newest first
    assert agenda.filter(pl.col("alert_key") == k1).select("observed", "expected").row(0) == (
        31.0,
        9.5,
    )
    meeting = store.create_meeting(TODAY)
    store.add_agenda_item(meeting.id, "SSO spike", source="alert", ref=k1)
    assert store.agenda_alerts()["alert_key"].to_list() == [k2]
    assert store.agenda_alerts(pending=False).height == 2
    store.set_alert_state(shift, "known")  # re-triaged: the key is the same row
    assert store.get_alert_states().height == 3
    store.clear_alert_state(k2)
    assert set(store.get_alert_states()["alert_key"]) == {
        k1,
        alert_key("API", "volume", "spike", "2025-01-03"),
    }
