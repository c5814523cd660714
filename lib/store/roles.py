"""Who may change data: the signed-in :class:`Actor` and its role, the guard that refuses a
viewer's writes, and the name recorded as a change's author."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from lib.errors import PermissionDenied, StoreError

if TYPE_CHECKING:
    from lib.store._base import StoreBase

ROLES = ("viewer", "editor")
LOCAL_USER = "local user"


@dataclass(frozen=True)
class Actor:
    """The signed-in user: ``role`` is ``"viewer"`` (reads) or ``"editor"`` (reads and writes).

    >>> Actor("ana@example.com", "editor").can_edit
    True
    """

    email: str
    role: str = "viewer"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise StoreError(
                f"Unknown role {self.role!r} for {self.email} (expected viewer or editor)"
            )

    @property
    def can_edit(self) -> bool:
        return self.role == "editor"


def can_edit(actor: Actor | None) -> bool:
    """True when ``actor`` may change data (``None`` = single-user mode, which may)."""
    return actor is None or actor.can_edit


F = TypeVar("F", bound=Callable[..., Any])


def _writes(method: F) -> F:
    """Refuse the call when the keyword argument ``actor`` is a viewer."""

    @functools.wraps(method)
    def wrapper(self: StoreBase, *args: Any, **kwargs: Any) -> Any:
        actor = kwargs.get("actor")
        if actor is not None and not actor.can_edit:
            raise PermissionDenied(
                f"{actor.email} has read-only access: ask an editor to make this change."
            )
        return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _who(who: str | None, actor: Actor | None) -> str:
    """Name recorded as the author: the signed-in actor's e-mail, else ``who``, else local user."""
    if actor is not None:
        return actor.email
    return (who or "").strip() or LOCAL_USER
