"""lib.store.roles: every write takes an actor, viewers cannot write, editors and single-user
mode can."""

from __future__ import annotations

import inspect

import pytest

from lib import store as store_mod
from lib.errors import PermissionDenied, StoreError
from lib.store import Actor, Store
from tests.store.helpers import (
    EDITOR,
    VIEWER,
    _sql,
)

WRITE_VERBS = (
    "set_",
    "add_",
    "create_",
    "update_",
    "delete_",
    "register_",
    "rename_",
    "save_",
    "close_",
    "clear_",
    "remove_",
    "replace_",
    "restore",
)


def _write_methods() -> list[str]:
    return sorted(
        name
        for name, fn in inspect.getmembers(Store, inspect.isfunction)
        if name.startswith(WRITE_VERBS)
    )


def test_every_write_takes_an_actor() -> None:
    names = _write_methods()
    assert len(names) >= 24
    for name in names:
        assert "actor" in inspect.signature(getattr(Store, name)).parameters, name


@pytest.mark.parametrize("name", _write_methods())
def test_viewers_cannot_write(store: Store, name: str) -> None:
    before = _sql(store, "SELECT COUNT(*) FROM action_history")
    sig = inspect.signature(getattr(Store, name))
    args = [
        "x"
        for p in list(sig.parameters.values())[1:]
        if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty
    ]
    kwargs = {
        p.name: 1
        for p in sig.parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    }
    with pytest.raises(PermissionDenied, match=r"vi@example\.com has read-only access"):
        getattr(store, name)(*args, **kwargs, actor=VIEWER)
    assert _sql(store, "SELECT COUNT(*) FROM action_history") == before


def test_editors_and_single_user_mode_can_write(store: Store) -> None:
    item = store.create_action("By editor", actor=EDITOR)
    assert item.created_by == "ed@example.com"
    store.set_category_tag("SSO", "skill", actor=EDITOR)
    assert store.get_category_tags()["updated_by"].to_list() == ["ed@example.com"]
    assert store.create_action("Single user").created_by == store_mod.LOCAL_USER
    assert (
        store_mod.can_edit(None) and store_mod.can_edit(EDITOR) and not store_mod.can_edit(VIEWER)
    )
    with pytest.raises(StoreError, match="Unknown role 'admin'"):
        Actor("x@example.com", "admin")
