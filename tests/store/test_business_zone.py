"""lib.store: a dataset's business time zone (and a saved mapping's) stored and read back."""

from __future__ import annotations

import pytest

from lib.errors import StoreError
from lib.ingest.business_zone import ZONE_KEY, split_zone
from lib.store import Store
from tests.store.helpers import _tickets


def test_zone_is_stored_with_the_dataset_and_survives_reopening(store: Store, db_url: str):
    ds = store.register_dataset("Berlin desk", _tickets(), business_tz="Europe/Berlin")
    other = store.register_dataset("Old import", _tickets())
    store.save_mapping("fp", {"ticket_id": "Id", ZONE_KEY: "Europe/Berlin"}, vendor="zendesk")
    store.close()
    with Store(db_url) as again:
        assert again.get_dataset(ds.id).business_tz == "Europe/Berlin"
        assert again.get_dataset(other.id).business_tz is None  # UTC
        assert split_zone(again.get_mapping("fp")) == ({"ticket_id": "Id"}, "Europe/Berlin")
        changed = again.set_business_zone(ds.id, "America/New_York")
        assert changed.business_tz == "America/New_York"
        assert again.load_snapshot(ds.id).equals(_tickets())  # the tickets are not touched
        assert again.list_datasets().filter(again.list_datasets()["id"] == ds.id)[
            "business_tz"
        ].to_list() == ["America/New_York"]


def test_an_unknown_zone_is_refused_and_nothing_changes(store: Store):
    with pytest.raises(StoreError, match="Mars/Olympus"):
        store.register_dataset("Bad", _tickets(), business_tz="Mars/Olympus")
    assert store.list_datasets().height == 0
    assert list(store.snapshot_dir.glob("*.parquet")) == []
    ds = store.register_dataset("Good", _tickets(), business_tz="Asia/Tokyo")
    with pytest.raises(StoreError, match="unknown time zone"):
        store.set_business_zone(ds.id, "Europe/Nowhere")
    assert store.get_dataset(ds.id).business_tz == "Asia/Tokyo"
