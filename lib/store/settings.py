"""App-wide named values stored as JSON, such as the pseudonym key or the sentiment method
chosen for a dataset."""

from __future__ import annotations

from typing import Any

from lib.store._base import (
    StoreBase,
    _set_setting,
)
from lib.store.models import (
    Setting,
)
from lib.store.roles import Actor, _who, _writes


class SettingsMixin(StoreBase):
    """Read and write named settings."""

    def get_setting(self, key: str, default: Any = None) -> Any:
        """The stored value of setting ``key`` (JSON), or ``default``."""
        with self._read() as s:
            row = s.get(Setting, key)
            return default if row is None else row.value

    @_writes
    def set_setting(self, key: str, value: Any, *, actor: Actor | None = None) -> None:
        """Store ``value`` (anything JSON can hold) under ``key``."""
        with self._write() as s:
            _set_setting(s, key, value, _who(None, actor))
