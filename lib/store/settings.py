"""App-wide named values stored as JSON, such as the pseudonym key or the sentiment method
chosen for a dataset."""

from __future__ import annotations

import secrets
from typing import Any

from lib.store._base import (
    StoreBase,
    _set_setting,
)
from lib.store.models import (
    Setting,
)
from lib.store.roles import Actor, _who, _writes

#: Settings that belong to this installation, not to its data: never exported in a backup and
#: kept as they are by a restore. ``pseudonym_key`` turns pseudonyms back into names.
SECRET_SETTINGS = ("pseudonym_key",)


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

    def secret_key(self, key: str) -> bytes:
        """This installation's random secret ``key`` (one of :data:`SECRET_SETTINGS`), made on
        first use. Anyone may cause it to be made (a viewer's first pseudonymised view too); two
        sessions asking at once get the same key.

        >>> from lib.store import Store
        >>> store = Store("sqlite://")
        >>> store.secret_key("pseudonym_key") == store.secret_key("pseudonym_key")
        True
        """
        if key not in SECRET_SETTINGS:
            raise ValueError(f"{key} is not a secret setting")
        with self._read() as s:
            row = s.get(Setting, key)
        if row is None or not row.value:
            with self._write() as s:
                row = s.get(Setting, key)
                if row is None or not row.value:
                    _set_setting(s, key, secrets.token_hex(32), "system")
                    s.flush()
                    row = s.get(Setting, key)
        return bytes.fromhex(row.value)
