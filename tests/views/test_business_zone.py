"""AppTest: the business time zone on the Data page drives the Overview's day trend."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.ingest import inspect_sources, load_export
from lib.store import Store
from tests.views.data_tabs import open_data_tab

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parents[1] / "data" / "tz_mixed_offsets.csv"


def _day_counts(at: AppTest) -> Counter:
    """Tickets per day drawn by the Overview's trend (all bar traces added up)."""
    chart = next(c for c in at.get("plotly_chart") if "Tickets counted" in c.proto.spec)
    out: Counter = Counter()
    for trace in json.loads(chart.proto.spec)["data"]:
        if trace.get("type") == "bar":
            for x, y in zip(trace["x"], trace["y"], strict=True):
                out[date.fromisoformat(str(x)[:10])] += y or 0
    return out


def test_changing_the_zone_on_the_data_page_recounts_the_overview_days(review_home: Path):
    result = load_export(FIXTURE, tz="Europe/Berlin")
    with Store() as store:
        ds = store.register_dataset("Berlin desk", result.tickets, mapping=result.mapping)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["ov_every"] = "Day"
    at.run()
    assert not at.exception, at.exception
    utc = _day_counts(at)
    # UTC days: the three tickets of Sunday night 27 October and the one at 00:30 Monday
    # (23:30Z) all fall on the 27th
    assert utc[date(2024, 10, 27)] == 4 and date(2024, 10, 28) not in utc

    open_data_tab(at.switch_page("views/data.py"), "Datasets")
    shown = lambda: " ".join(m.value for m in at.markdown)  # noqa: E731
    assert "Business time zone of “Berlin desk”:** UTC" in shown()
    at.selectbox(key=f"ds_tz_{ds.id}").set_value("Europe/Berlin")
    at.button(key="FormSubmitter:zone_form-Apply time zone").click().run()
    assert not at.exception, at.exception
    assert "Business time zone of “Berlin desk”:** Europe/Berlin" in shown()
    with Store() as store:
        assert store.get_dataset(ds.id).business_tz == "Europe/Berlin"

    at.session_state["ov_every"] = "Day"
    at.switch_page("views/overview.py").run()
    assert not at.exception, at.exception
    berlin = _day_counts(at)
    assert berlin[date(2024, 10, 27)] == 3 and berlin[date(2024, 10, 28)] == 1
    assert sum(berlin.values()) == sum(utc.values())


def test_import_proposes_the_zone_from_the_offsets_and_stores_the_choice(review_home: Path):
    with Store() as store:  # an open dataset (no demo to bootstrap)
        store.register_dataset("Earlier", load_export(FIXTURE).tickets)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/data.py").run()
    at.file_uploader(key="uploads").upload(
        "tz_mixed_offsets.csv", FIXTURE.read_bytes(), "text/csv"
    ).run()
    assert not at.exception, at.exception
    zone = next(s for s in at.selectbox if s.label == "Business time zone")
    assert zone.value == "Europe/Berlin"  # +01:00 in March, +02:00 in summer
    assert any("proposed from the UTC offsets" in c.value for c in at.caption)
    zone.set_value("America/New_York")  # the user's choice wins over the proposal
    at.button(key="FormSubmitter:mapping_form-Confirm mapping and read tickets").click().run()
    next(b for b in at.button if b.label.startswith("Import 15 tickets")).click().run()
    assert not at.exception, at.exception
    with Store() as store:
        rec = store.get_active_dataset()
        assert (rec.name, rec.business_tz) == ("tz_mixed_offsets.csv", "America/New_York")
        saved = store.get_mapping(inspect_sources(FIXTURE).fingerprint)
        assert saved["_business_tz"] == "America/New_York"


def test_exports_named_in_review_data_open_in_their_proposed_zone(review_home: Path, monkeypatch):
    monkeypatch.setenv("REVIEW_DATA", str(FIXTURE))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    with Store() as store:
        rec = store.get_active_dataset()
        assert (rec.name, rec.business_tz) == ("tz_mixed_offsets.csv", "Europe/Berlin")
