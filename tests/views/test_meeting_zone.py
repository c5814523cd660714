"""A meeting on another dataset than the active one is about that dataset: its review period in
its business zone (its days), its escalation definition in the minutes and pack, its sentiment
scores for the pack's sentiment alerts."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
from streamlit.testing.v1 import AppTest

from lib.schema import conform
from lib.store import Store
from tests.conftest import module_home

ROOT = Path(__file__).resolve().parents[2]
home = module_home("meeting_zone_home")


def _tickets(times: list[datetime]) -> pl.DataFrame:
    return conform(
        pl.DataFrame(
            {
                "ticket_id": [f"T{i}" for i in range(len(times))],
                "created_at": times,
                "escalated": [i % 3 == 0 for i in range(len(times))],
                "category": ["SSO", "Billing"] * (len(times) // 2) + ["SSO"] * (len(times) % 2),
            }
        )
    )


def _script() -> None:
    import polars as pl
    import streamlit as st

    from lib import periods
    from ui import dataset, session
    from ui.meetings import common

    store = session.store()
    active = store.get_dataset(st.session_state["active_id"])
    periods.set_zone(dataset.zone_of(active))  # as every page run starts
    data = dataset.Active(active, dataset.snapshot_of(active))
    facts = common.facts_for(data, store.get_meeting(st.session_state["meeting_id"]))
    review = facts.kpi.table.filter(pl.col("period") == "review")
    st.markdown(f"{review.item(0, 'tickets')}")


def test_a_meeting_on_a_tokyo_dataset_counts_tokyo_days(home: Path) -> None:
    # 2 tickets a day since February at 03:00 UTC (the same day in both zones); then 6 at
    # 16:00 UTC on 10 March (11 March in Tokyo) and 4 at 16:00 UTC on 11 March (12 March).
    early = [
        datetime(2024, 2, 1, 3, tzinfo=UTC) + timedelta(days=d) for d in range(38) for _ in (0, 1)
    ]
    late = [datetime(2024, 3, 10, 16, tzinfo=UTC)] * 6 + [datetime(2024, 3, 11, 16, tzinfo=UTC)] * 4
    with Store(os.environ["DATABASE_URL"]) as store:
        here = store.register_dataset("Here", _tickets(early))
        tokyo = store.register_dataset("Tokyo", _tickets(early + late))
        store.set_business_zone(tokyo.id, "Asia/Tokyo")
        meeting = store.create_meeting(
            date(2024, 3, 12), period_start=date(2024, 3, 11), period_end=date(2024, 3, 11),
            dataset_id=tokyo.id, title="Tokyo review",
        )  # fmt: skip
    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state["active_id"] = here.id
    at.session_state["meeting_id"] = meeting.id
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # 11 March in Tokyo: the 6 tickets of 16:00 UTC on 10 March (counted in UTC days: the 4
    # of 11 March)
    assert at.markdown[0].value == "6"


def _minutes_and_pack() -> None:
    import streamlit as st

    from lib import periods
    from ui import dataset, session
    from ui.meetings import export

    store = session.store()
    active = store.get_dataset(st.session_state["active_id"])
    periods.set_zone(dataset.zone_of(active))
    data = dataset.Active(active, dataset.snapshot_of(active))
    meeting = store.get_meeting(st.session_state["meeting_id"])
    export.pack_of(data, meeting)
    st.markdown(export.minutes_of(data, meeting))


def test_minutes_and_pack_of_a_meeting_on_another_dataset_use_that_dataset(home: Path) -> None:
    from dataclasses import replace
    from types import SimpleNamespace

    from lib.ingest.rules import default_rules, rules_to_json
    from lib.sentiment_sidecar import SENTIMENT_SIDECAR

    days = [datetime(2024, 2, 1, 3, tzinfo=UTC) + timedelta(days=d) for d in range(40)]
    tag_only = [replace(r, enabled=True) for r in default_rules([]) if r.id == "tag"]
    tier_only = [replace(r, enabled=True) for r in default_rules([]) if r.id == "group_tier"]
    alert = {"topic": "SSO", "metric": "sentiment", "kind": "drop", "start": date(2024, 3, 1)}
    with Store(os.environ["DATABASE_URL"]) as store:
        here = store.register_dataset("Here too", _tickets(days), rules=rules_to_json(tier_only))
        there = store.register_dataset("There", _tickets(days), rules=rules_to_json(tag_only))
        key = store.set_alert_state(alert, "agenda", dataset_id=there.id)
        item = SimpleNamespace(source="alert", ref=key, title="SSO sentiment drop", detail="")
        meeting = store.create_meeting(
            date(2024, 3, 12), period_start=date(2024, 3, 1), period_end=date(2024, 3, 11),
            dataset_id=there.id, title="There review", agenda=[item],
        )  # fmt: skip
        sides = [store.sidecar_path(r, SENTIMENT_SIDECAR) for r in (here, there)]
    at = AppTest.from_function(_minutes_and_pack, default_timeout=60)
    at.session_state["active_id"] = here.id
    at.session_state["meeting_id"] = meeting.id
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    minutes = at.markdown[0].value
    # the minutes name the meeting's dataset and its escalation definition (a tag rule), not
    # the active dataset's (a group rule)
    assert "**Dataset:** There" in minutes
    assert "**Escalation definition:** Escalated = tag says escalated (escalated," in minutes
    # the pack's sentiment alert was charted with the meeting's dataset's scores
    assert sides[1].exists() and not sides[0].exists()


def test_a_meeting_on_a_dataset_of_the_same_name_is_not_said_to_be_gone(home: Path) -> None:
    # Monthly imports of "export.csv" share a name: the Meetings page compared names to decide
    # that a meeting's dataset no longer exists, and said so for a meeting on last month's.
    from ui.meetings.common import PICK

    days = [datetime(2024, 2, 1, 3, tzinfo=UTC) + timedelta(days=d) for d in range(40)]
    with Store(os.environ["DATABASE_URL"]) as store:
        earlier = store.register_dataset("export.csv", _tickets(days))
        latest = store.register_dataset("export.csv", _tickets(days))
        store.set_active_dataset(latest.id)
        meeting = store.create_meeting(
            date(2024, 3, 12), period_start=date(2024, 3, 1), period_end=date(2024, 3, 11),
            dataset_id=earlier.id, title="Last month's review",
        )  # fmt: skip
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[PICK] = meeting.id
    at.switch_page("views/meetings.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key=PICK).value == meeting.id
    assert not any("no longer exists" in i.value for i in at.info)


def _baseline() -> None:
    import streamlit as st

    from lib import periods
    from ui import dataset, session
    from ui.meetings import common

    store = session.store()
    active = store.get_dataset(st.session_state["active_id"])
    periods.set_zone(dataset.zone_of(active))
    data = dataset.Active(active, dataset.snapshot_of(active))
    facts = common.facts_for(data, store.get_meeting(st.session_state["meeting_id"]))
    st.markdown(f"{facts.periods.baseline[0]} {facts.periods.baseline[1]}")


def test_a_meeting_on_another_dataset_takes_that_datasets_baseline(home: Path) -> None:
    # The sidebar's baseline (the active dataset's first 30 days, in 2023) holds none of the
    # other dataset's tickets: its meeting compared its period with an empty baseline.
    from lib.periods import Periods

    old = [datetime(2023, 6, 1, 9, tzinfo=UTC) + timedelta(days=d) for d in range(60)]
    new = [datetime(2024, 2, 1, 9, tzinfo=UTC) + timedelta(days=d) for d in range(40)]
    with Store(os.environ["DATABASE_URL"]) as store:
        here = store.register_dataset("Last year", _tickets(old))
        there = store.register_dataset("This year", _tickets(new))
        meeting = store.create_meeting(
            date(2024, 3, 12), period_start=date(2024, 3, 1), period_end=date(2024, 3, 11),
            dataset_id=there.id, title="This year's review",
        )  # fmt: skip
    at = AppTest.from_function(_baseline, default_timeout=60)
    at.session_state["active_id"] = here.id
    at.session_state["meeting_id"] = meeting.id
    at.session_state["_periods"] = Periods(  # what the sidebar chose for "Last year"
        review=(date(2023, 7, 17), date(2023, 7, 30)),
        previous=(date(2023, 7, 3), date(2023, 7, 16)),
        baseline=(date(2023, 6, 1), date(2023, 6, 30)),
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # "This year"'s first 30 days, cut to end before the review period
    assert at.markdown[0].value == "2024-02-01 2024-02-29"
