"""lib.store.settings: named settings round trip."""

from __future__ import annotations

from lib.store import Store


def test_settings_round_trip(store: Store) -> None:
    assert store.get_setting("sensitivity", "balanced") == "balanced"
    store.set_setting("sensitivity", {"level": "conservative", "fdr": 0.01})
    assert store.get_setting("sensitivity") == {"level": "conservative", "fdr": 0.01}
