"""AppTest: the Anomalies page on the bundled demo (planted spike, level shift and sentiment drop,
see lib.demo.demo_truth), sensitivity, triage buttons and the store, viewers, empty states.

The demo's planted events are the known truth the page must show; alert counts are also checked
against lib.anomaly called directly on the same tickets, so the page's period filter, sentiment
cache and triage bookkeeping are what is tested.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from lib.anomaly import detect_anomalies, simulate_tickets
from lib.charts.anomaly import KINDS
from lib.demo import demo_truth
from lib.ingest import load_export
from lib.sentiment import add_sentiment
from lib.store import Actor, Store, alert_key
from tests.conftest import module_home

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo_helpdesk.csv.gz"
PAGE = "views/anomalies.py"
TRUTH = demo_truth()
END = date(2026, 11, 20)  # last day of the demo export = end of the default review period
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-secret",
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example.test/.well-known/openid-configuration",
}
LABEL_TO_KIND = {v: k for k, v in KINDS.items()}


home = module_home("anomalies_home")


@pytest.fixture(scope="module")
def scored() -> pl.DataFrame:
    """The demo tickets with sentiment scored the way the page does it (subject, VADER)."""
    return add_sentiment(load_export(DEMO).tickets)[0]


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _page(*, period: str | None = None, viewer: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if viewer is not None:  # signed in through the app's [auth] gate, on the viewers list
        at.secrets["auth"] = AUTH
        at.secrets["access"] = {"editors": ["lead@example.com"], "viewers": [viewer]}
        at.user = {"is_logged_in": True, "email": viewer}
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at.switch_page(PAGE).run()
    _ok(at)
    if period is not None:
        at.segmented_control(key="an_period").set_value(period).run()
        _ok(at)
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m for m in at.metric if m.label == label).value


def _alerts(at: AppTest) -> pd.DataFrame:
    """The page's alert table (empty frame when the page shows none)."""
    for d in at.dataframe:
        if {"Kind", "Explanation"} <= set(d.value.columns):
            frame = d.value.copy()
            for col in ("Start", "End"):
                frame[col] = pd.to_datetime(frame[col]).dt.date
            return frame
    return pd.DataFrame(columns=["Topic", "Kind", "Start", "End", "State"])


def _uid(row: pd.Series) -> str:
    metric, kind = LABEL_TO_KIND[row["Kind"]]
    return hashlib.sha1(alert_key(row["Topic"], metric, kind, row["Start"]).encode()).hexdigest()[
        :10
    ]


def _expected(tickets: pl.DataFrame, start: date, sensitivity: str = "balanced") -> pl.DataFrame:
    a = detect_anomalies(tickets, end=END, sensitivity=sensitivity)
    return a.filter((pl.col("end") >= start) & (pl.col("start") <= END))


def _row(alerts: pd.DataFrame, topic: str, kinds: tuple[str, ...]) -> pd.Series:
    hit = alerts[(alerts["Topic"] == topic) & alerts["Kind"].isin(kinds)]
    assert len(hit) == 1, (topic, kinds, alerts[["Topic", "Kind", "Start", "End"]])
    return hit.iloc[0]


# --------------------------------------------------------------------------------------------


def test_default_review_period_shows_the_ongoing_sentiment_drop(home: Path, scored) -> None:
    at = _page()
    assert at.title[0].value == "Anomalies"
    alerts = _alerts(at)
    want = _expected(scored, END - timedelta(days=13))
    assert len(alerts) == want.height == int(_metric(at, "Alerts")) >= 1
    assert (
        int(_metric(at, "Sentiment alerts")) == want.filter(pl.col("metric") == "sentiment").height
    )
    drop = _row(alerts, TRUTH.sentiment_topic, ("Sentiment drop",))
    # the planted drop starts about 20 days before the end and lasts to it
    assert abs((drop["Start"] - TRUTH.sentiment_start).days) <= 5 and drop[
        "End"
    ] >= END - timedelta(2)
    assert drop["Observed"] < drop["Expected"] - 0.2
    # the three-day spike ended weeks before the 14-day review period: not listed here
    assert (
        TRUTH.spike_topic not in set(alerts["Topic"])
        or not (alerts[alerts["Topic"] == TRUTH.spike_topic]["Start"] <= TRUTH.spike_end).any()
    )
    # the small topics are named as judged weekly; the sentiment method is stated
    captions = " ".join(c.value for c in at.caption)
    assert "Judged per week" in captions and "Account deletion" in captions
    assert "VADER" in captions and "subject" in captions
    assert _metric(at, "Judged weekly") == "2 of 10"
    # the most negative tickets of the sentiment topic, lowest first, text as it is
    neg = next(d.value for d in at.dataframe if "Subject" in d.value.columns)
    assert list(neg.columns) == ["#", "Ticket", "Created", "Subject", "Sentiment"]
    neg = neg.rename(columns={"Sentiment": "sentiment"})
    assert at.selectbox(key="an_neg_topic").value == TRUTH.sentiment_topic
    assert list(neg["sentiment"]) == sorted(neg["sentiment"]) and neg["sentiment"].iloc[0] < -0.5
    topic_t = scored.filter(
        (pl.col("category") == TRUTH.sentiment_topic)
        & (pl.col("created_at").dt.date() >= END - timedelta(days=13))
    )
    # shown to two decimals
    assert neg["sentiment"].iloc[0] == pytest.approx(
        topic_t.get_column("sentiment").min(), abs=0.005
    )


def test_last_30_days_shows_all_three_planted_events(home: Path, scored) -> None:
    at = _page(period="30")
    alerts = _alerts(at)
    assert len(alerts) == _expected(scored, END - timedelta(days=29)).height
    spike = _row(alerts, TRUTH.spike_topic, ("Spike",))
    assert spike["Start"] <= TRUTH.spike_start and spike["End"] >= TRUTH.spike_end
    assert spike["Observed"] > 2 * spike["Expected"]  # planted x3
    shift = _row(alerts, TRUTH.shift_topic, ("Level shift",))
    assert shift["Observed"] > shift["Expected"] and shift["End"] >= END - timedelta(days=29)
    _row(alerts, TRUTH.sentiment_topic, ("Sentiment drop",))
    # each listed alert has a chart (top 6) and the three triage buttons
    assert len(at.get("plotly_chart")) == min(6, len(alerts))
    assert [b.label for b in at.button].count("Send to agenda") == min(6, len(alerts))


def test_sensitivity_orders_the_alert_counts(home: Path, scored) -> None:
    at = _page(period="90")
    counts = {}
    for sens in ("conservative", "balanced", "sensitive"):
        at.segmented_control(key="an_sens").set_value(sens).run()
        _ok(at)
        counts[sens] = int(_metric(at, "Alerts"))
        assert counts[sens] == _expected(scored, END - timedelta(days=89), sens).height
        assert any(sens.capitalize() + ": about one false alert" in c.value for c in at.caption)
    assert counts["conservative"] <= counts["balanced"] <= counts["sensitive"]
    assert counts["conservative"] < counts["sensitive"]


def test_topic_selector_judges_other_columns(home: Path) -> None:
    at = _page(period="30")
    at.selectbox(key="an_topic").set_value("channel").run()
    _ok(at)
    lead = next(d.value for d in at.dataframe if "Rising" in d.value.columns)
    assert set(lead["Topic"]) == {"chat", "email", "messaging", "phone", "web"}


def test_triage_buttons_store_state(home: Path) -> None:
    store = Store(os.environ["DATABASE_URL"])
    at = _page(period="30")
    alerts = _alerts(at)
    spike = _row(alerts, TRUTH.spike_topic, ("Spike",))
    drop = _row(alerts, TRUTH.sentiment_topic, ("Sentiment drop",))
    shift = _row(alerts, TRUTH.shift_topic, ("Level shift",))
    total = int(_metric(at, "Alerts"))

    at.button(key=f"an_agenda_{_uid(spike)}").click().run()
    _ok(at)
    agenda = store.agenda_alerts()
    assert agenda.height == 1
    item = agenda.row(0, named=True)
    assert (item["topic"], item["start_date"]) == (spike["Topic"], spike["Start"])
    assert item["dataset_id"] == at.session_state["dataset_id"]
    assert item["observed"] == pytest.approx(spike["Observed"], abs=0.01)
    assert any(s.value == f"{TRUTH.spike_topic}: on agenda." for s in at.success)
    assert _row(_alerts(at), TRUTH.spike_topic, ("Spike",))["State"] == "on agenda"
    assert at.button(key=f"an_agenda_{_uid(spike)}").disabled

    at.button(key=f"an_known_{_uid(shift)}").click().run()
    at.button(key=f"an_dismissed_{_uid(drop)}").click().run()
    _ok(at)
    states = dict(store.get_alert_states().select("topic", "state").iter_rows())
    assert states == {
        TRUTH.spike_topic: "agenda",
        TRUTH.shift_topic: "known",
        TRUTH.sentiment_topic: "dismissed",
    }
    # dismissed alerts are hidden by default and counted apart; the toggle shows them again
    assert int(_metric(at, "Alerts")) == total - 1
    assert TRUTH.sentiment_topic not in set(_alerts(at)["Topic"])
    assert int(_metric(at, "Not yet triaged")) == total - 3
    at.toggle(key="an_dismissed").set_value(True).run()
    shown = _alerts(at)
    assert _row(shown, TRUTH.sentiment_topic, ("Sentiment drop",))["State"] == "dismissed as noise"
    assert _row(shown, TRUTH.shift_topic, ("Level shift",))["State"] == "known"

    # undo returns an alert to untriaged; the agenda keeps the one sent there
    at.button(key=f"an_undo_{_uid(drop)}").click().run()
    _ok(at)
    assert _row(_alerts(at), TRUTH.sentiment_topic, ("Sentiment drop",))["State"] == "new"
    assert store.agenda_alerts().get_column("topic").to_list() == [TRUTH.spike_topic]
    store.close()


def test_viewer_sees_states_but_no_buttons(home: Path) -> None:
    at = _page(period="30", viewer="viewer@example.com")
    assert at.session_state["_actor"] == Actor("viewer@example.com", "viewer")
    labels = {b.label for b in at.button}
    assert not labels & {"Send to agenda", "Mark known", "Dismiss as noise", "Undo"}
    assert len(_alerts(at)) >= 3 and len(at.get("plotly_chart")) >= 3


def _register(store: Store, name: str, tickets: pl.DataFrame, tmp: Path) -> int:
    csv = tmp / f"{name}.csv"
    tickets.select(
        pl.col("ticket_id").alias("Ticket ID"),
        pl.col("created_at").dt.strftime("%Y-%m-%d %H:%M:%S").alias("Created at"),
        pl.col("category").alias("Category"),
        pl.lit("Question about my account").alias("Subject"),
        pl.lit("solved").alias("Status"),
    ).write_csv(csv)
    return int(store.register_dataset(name, load_export(csv).tickets).id)


def test_empty_states(review_home: Path, tmp_path: Path) -> None:
    """A clean series raises nothing (empty state with what to do); two weeks of data are too
    little history to judge."""
    with Store(os.environ["DATABASE_URL"]) as store:
        clean = simulate_tickets(days=120, topics={"Billing": 20.0, "Login": 12.0}, seed=3)
        clean_id = _register(store, "Clean", clean, tmp_path)
        short_id = _register(store, "Short", simulate_tickets(days=14), tmp_path)
    at = _page(period="90", dataset_id=clean_id)
    assert any("Clean" in c.value for c in at.caption)
    assert int(_metric(at, "Alerts")) == 0 and len(at.get("plotly_chart")) == 0
    assert any("No category alerts" in i.value and "Sensitive" in i.value for i in at.info)
    assert any(d.value.shape[0] == 2 for d in at.dataframe if "Rising" in d.value.columns)
    at.selectbox(key="sb_dataset").set_value(short_id).run()
    _ok(at)
    assert any("too little history" in i.value for i in at.info)
    assert not at.metric


def test_small_topic_alert_is_judged_and_drawn_per_week(review_home: Path, tmp_path: Path) -> None:
    """A topic of about one ticket a day with a x4 fortnight: one weekly alert over the two
    weeks of the event, a weekly chart with both weeks marked."""
    import json

    t = simulate_tickets(
        days=150, topics={"big": 20.0, "small": 1.0}, events=[("small", "volume", 120, 4.0, 14)]
    )
    with Store(os.environ["DATABASE_URL"]) as store:
        ds = _register(store, "Weekly", t, tmp_path)
    at = _page(period="90", dataset_id=ds)
    alerts = _alerts(at)
    assert list(alerts["Topic"]) == ["small"] and list(alerts["Kind"]) == ["Level shift"]
    row = alerts.iloc[0]
    # the event runs Tue 30 Apr to Mon 13 May 2024 (days 120..133): the weeks of 29 Apr and 6 May
    assert (row["Start"], row["End"], row["Per"]) == (
        date(2024, 4, 29),
        date(2024, 5, 12),
        "tickets a week",
    )
    small = t.filter(pl.col("category") == "small")
    weeks = [
        small.filter(pl.col("created_at").dt.date().is_between(a, b)).height
        for a, b in ((date(2024, 4, 29), date(2024, 5, 5)), (date(2024, 5, 6), date(2024, 5, 12)))
    ]
    assert row["Tickets"] == sum(weeks)
    assert row["Observed"] == sum(weeks) / 2  # the mean week of the alert
    assert 4 <= row["Expected"] <= 10  # about 7 tickets a week before the event
    weekly = [c.value.replace("\\", "") for c in at.caption if "Judged per week" in c.value]
    rate = re.search(r"small \((\d\.\d) a day\)", weekly[0])
    assert rate is not None and 0.8 <= float(rate.group(1)) <= 1.2  # about one a day
    assert any("judged weekly" in c.value for c in at.caption)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["title"]["text"] == "Tickets a week"
    bars = [tr for tr in spec["data"] if tr.get("name") == "Alert"]
    assert len(bars) == 1 and [y for y in bars[0]["y"] if y is not None] == weeks


def test_sentiment_is_scored_once_and_kept_beside_the_snapshot(home: Path, scored) -> None:
    import streamlit as st

    from ui import scoring

    at = _page()
    store = Store(os.environ["DATABASE_URL"])
    record = store.get_dataset(at.session_state["dataset_id"])
    side = store.sidecar_path(record, "sentiment.parquet")
    assert side.is_file() and side.parent == store.snapshot_file(record).parent
    kept = pl.read_parquet(side)
    assert kept.columns == ["ticket_id", "sentiment"]
    assert kept.equals(scored.select("ticket_id", "sentiment"))
    method = "scored from subject with VADER (offline lexicon), 100% of tickets"
    assert pl.read_parquet_metadata(side)["sentiment_method"] == method
    assert store.get_setting(f"sentiment_method:{record.id}") == method
    # a later process reads the file instead of scoring again
    original = side.read_bytes()
    try:
        from lib.sentiment_sidecar import SCORER_VERSION

        meta = {"sentiment_method": "read from the sidecar", "sentiment_version": SCORER_VERSION}
        kept.with_columns(pl.lit(-0.5).alias("sentiment")).write_parquet(side, metadata=meta)
        scoring._sentiment.clear()
        st.cache_data.clear()  # the detection is cached per snapshot path, which did not change
        at = _page()
        assert any("read from the sidecar" in c.value for c in at.caption)
        assert int(_metric(at, "Sentiment alerts")) == 0  # every ticket -0.5: nothing moves
    finally:
        side.write_bytes(original)
        scoring._sentiment.clear()
        st.cache_data.clear()
        store.close()


def test_triage_survives_a_spike_growing_into_a_level_shift(tmp_path: Path) -> None:
    """A spike marked known stays known when more days turn it into a level shift from the same
    day; a drop starting that day, or the same rise from another day, is not covered by it."""
    from lib.charts.anomaly import triaged

    with Store(f"sqlite:///{tmp_path / 'r.db'}") as store:
        spike = {"topic": "SSO", "metric": "volume", "kind": "spike", "start": date(2025, 3, 4)}
        store.set_alert_state(spike, "known", note="vendor outage")
        states = store.get_alert_states()
    later = pl.DataFrame(
        {
            "topic": ["SSO", "SSO", "SSO"],
            "metric": ["volume", "volume", "volume"],
            "kind": ["level_shift", "drop", "level_shift"],
            "start": [date(2025, 3, 4), date(2025, 3, 4), date(2025, 3, 5)],
        }
    )
    out = triaged(later, states)
    assert out.get_column("state").to_list() == ["known", None, None]
    assert out.get_column("note").to_list()[0] == "vendor outage"
    assert out.get_column("key").to_list()[0] == "SSO|volume|spike|2025-03-04"  # undo clears it


def test_sentiment_method_is_recorded_even_when_a_viewer_scored_first(home: Path) -> None:
    import streamlit as st

    from ui import scoring

    ds = _page().session_state["dataset_id"]
    with Store(os.environ["DATABASE_URL"]) as store:
        store.set_setting(f"sentiment_method:{ds}", "", actor=Actor("lead@example.com", "editor"))
    scoring._sentiment.clear()
    st.cache_data.clear()
    _page(viewer="viewer@example.com")  # scores; a viewer may not write
    with Store(os.environ["DATABASE_URL"]) as store:
        assert store.get_setting(f"sentiment_method:{ds}") == ""
    _page()  # the next editor to pass by records it, although the scores come from the cache
    with Store(os.environ["DATABASE_URL"]) as store:
        assert "VADER" in store.get_setting(f"sentiment_method:{ds}")


def test_sentiment_is_checked_against_the_satisfaction_ratings(home: Path, scored) -> None:
    from lib.sentiment_check import rating_check

    at = _page()
    box = next(e for e in at.expander if e.label.startswith("How far to trust sentiment"))
    text = " ".join(m.value for m in box.markdown).replace("\\", "")
    want = rating_check(
        scored["sentiment"], scored["satisfaction"], source="subject (the scores used here)"
    )
    assert want.auc is not None and want.rated > 1000
    assert want.sentence() in text
    assert box.label.endswith(want.verdict.split(":")[0])
    # the text model trained on the demo's own ratings, judged on held-out tickets beside VADER
    # (the demo's subjects carry no more than VADER already reads, so it is not used)
    from lib.sentiment_model import train_text_model

    trial = train_text_model(scored["subject"], scored["satisfaction"], vader=scored["sentiment"])
    assert trial.held_out is not None and trial.sentence() in text
    assert "on the same tickets" in trial.sentence() and not trial.used
    assert "left unscored" not in text  # the demo is in English
    assert "does not say when each satisfaction rating was given" in text  # nor does the demo
    table = box.dataframe[0].value if box.dataframe else None
    assert table is not None and "trained model, held-out tickets" in table.to_string()
    assert "the export's own score" not in table.to_string()  # the demo has none: VADER's


def test_shared_event_shown_once_and_holiday_calendar_edited(
    review_home: Path, tmp_path: Path
) -> None:
    """Issue 14: a holiday on which most topics fell is one shared-event line, not an alert per
    topic; an editor adds it to the holiday calendar (a bad line is named, nothing lost), after
    which it is neither an alert nor a shared event; a viewer reads the calendar only."""
    from lib.anomaly import simulate_helpdesk

    desk = simulate_helpdesk(days=150, topics=8, level=30.0, holidays=[147], seed=5)
    with Store(os.environ["DATABASE_URL"]) as store:
        ds = _register(store, "Holiday", desk.tickets, tmp_path)
    at = _page(period="30", dataset_id=ds)
    lines = [i.value for i in at.info if "Shared event" in i.value]
    assert len(lines) == 1 and lines[0].startswith("Shared event on 2024-05-27: "), lines
    assert "topics fell together" in lines[0]
    alerts = _alerts(at)
    on_day = alerts[(alerts["Start"] <= date(2024, 5, 27)) & (alerts["End"] >= date(2024, 5, 27))]
    assert on_day.empty, on_day
    at.text_area(key="an_holidays").input("27/05/2024 Spring bank holiday").run()
    at.button(key="an_holidays_save").click().run()
    assert any("line 1" in e.value and "YYYY-MM-DD" in e.value for e in at.error)
    at.text_area(key="an_holidays").input("2024-05-27 Spring bank holiday").run()
    at.button(key="an_holidays_save").click().run()
    _ok(at)
    assert any("Holiday calendar saved (1 days)" in s.value for s in at.success)
    assert not [i.value for i in at.info if "Shared event" in i.value]
    with Store(os.environ["DATABASE_URL"]) as store:
        assert store.get_holidays().rows() == [(date(2024, 5, 27), "Spring bank holiday")]
    viewer = _page(period="30", dataset_id=ds, viewer="v@example.com")
    assert not viewer.text_area and not [b for b in viewer.button if b.key == "an_holidays_save"]
    assert any("2024-05-27 Spring bank holiday" in t.value for t in viewer.text)


def test_satisfaction_sentiment_is_dated_by_when_it_was_given(
    review_home: Path, tmp_path: Path
) -> None:
    """An export with no text but satisfaction ratings: sentiment is the survey, each rating
    judged on the day it was given where the export says when (here two in three), and the
    page says so."""
    t = simulate_tickets(days=60, topics={"Billing": 10.0}, seed=8)
    csv = tmp_path / "rated.csv"
    given = pl.col("created_at") + pl.duration(days=2)
    t.select(
        pl.col("ticket_id").alias("Ticket ID"),
        pl.col("created_at").dt.strftime("%Y-%m-%d %H:%M:%S").alias("Created at"),
        pl.col("category").alias("Category"),
        pl.lit("solved").alias("Status"),
        (pl.int_range(pl.len()) % 5 + 1).alias("Satisfaction"),
        pl.when(pl.int_range(pl.len()) % 3 > 0)
        .then(given.dt.strftime("%Y-%m-%d %H:%M:%S"))
        .alias("Satisfaction date"),
    ).write_csv(csv)
    loaded = load_export(csv)
    assert loaded.mapping.get("satisfaction_at") == "Satisfaction date"
    with Store(os.environ["DATABASE_URL"]) as store:
        ds = int(store.register_dataset("Rated", loaded.tickets).id)
    at = _page(period="30", dataset_id=ds)
    notes = [c.value.replace("\\", "") for c in at.caption if "rating was given" in c.value]
    assert notes and "dated by when each rating was given" in notes[0], notes
    assert "ratings have that date; the others by the ticket's creation day" in notes[0]
