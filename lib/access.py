"""Who may do what: the e-mail allow-list that gives each signed-in user a role.

Roles are ``viewer`` (reads everything) and ``editor`` (may also change tags, mappings,
meetings and action items). The allow-list lives in ``.streamlit/secrets.toml``::

    [access]
    editors = ["lead@example.com"]
    viewers = ["*@example.com"]      # a whole domain

An address on both lists is an editor; an address on neither may not use the app.

Example
-------
>>> policy = AccessPolicy.from_mapping({"editors": ["Lead@Example.com"], "viewers": ["*@example.com"]})
>>> policy.role_for("lead@example.com"), policy.role_for("ann@example.com"), policy.role_for("x@evil.test")
('editor', 'viewer', None)
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROLES = ("viewer", "editor")


def _norm(items: Iterable[Any] | None) -> tuple[str, ...]:
    if items is None:
        return ()
    if isinstance(items, str):
        items = [items]
    return tuple(str(i).strip().lower() for i in items if str(i).strip())


def _matches(email: str, pattern: str) -> bool:
    if pattern.startswith("*@"):
        return email.endswith(pattern[1:])
    return email == pattern


@dataclass(frozen=True)
class AccessPolicy:
    """The allow-list: addresses (or ``*@domain``) per role."""

    editors: tuple[str, ...] = ()
    viewers: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> AccessPolicy:
        """Build from the ``[access]`` table of the secrets (missing table: nobody)."""
        data = data or {}
        return cls(editors=_norm(data.get("editors")), viewers=_norm(data.get("viewers")))

    def role_for(self, email: str | None) -> str | None:
        """``"editor"``, ``"viewer"`` or ``None`` (not allowed) for a verified e-mail."""
        if not email:
            return None
        email = email.strip().lower()
        if any(_matches(email, p) for p in self.editors):
            return "editor"
        if any(_matches(email, p) for p in self.viewers):
            return "viewer"
        return None

    @property
    def empty(self) -> bool:
        """True when nobody is on the list (a misconfiguration the app reports)."""
        return not (self.editors or self.viewers)
