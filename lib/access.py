"""Who may do what: the e-mail allow-list that gives each signed-in user a role.

Roles are ``viewer`` (reads everything) and ``editor`` (may also change tags, mappings,
meetings and action items). The allow-list lives in ``.streamlit/secrets.toml``::

    [access]
    editors = ["lead@example.com"]
    viewers = ["*@example.com"]      # a whole domain

An address on both lists is an editor; an address on neither may not use the app.
Addresses are compared after Unicode NFKC normalisation and case folding, and a claimed
address that normalisation would change (a Kelvin sign for a ``K``, full-width letters...) is
refused outright, so a look-alike can never match someone else's entry. An identity whose
provider says ``email_verified: false`` is refused as well (see ``verified_email``).

Example
-------
>>> policy = AccessPolicy.from_mapping({"editors": ["Lead@Example.com"], "viewers": ["*@example.com"]})
>>> policy.role_for("lead@example.com"), policy.role_for("ann@example.com"), policy.role_for("x@evil.test")
('editor', 'viewer', None)
"""  # noqa: E501

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROLES = ("viewer", "editor")


def normalise_email(email: str) -> str:
    """An address in the form the allow-list compares: NFKC, case-folded, trimmed.

    >>> normalise_email(" Kate@Example.COM "), normalise_email("\u212aate@example.com")
    ('kate@example.com', 'kate@example.com')
    """
    return unicodedata.normalize("NFKC", email.strip()).casefold()


def canonical_email(email: str | None) -> str | None:
    """The normalised address, or ``None`` when normalisation changes it beyond case and spaces.

    A look-alike (Kelvin sign, full-width letters, ligatures, ``ß``) is refused rather than
    folded onto somebody else's address.

    >>> canonical_email("LEAD@example.com "), canonical_email("\u212aate@example.com")
    ('lead@example.com', None)
    >>> canonical_email("ｋate@example.com"), canonical_email(""), canonical_email(None)
    (None, None, None)
    """
    if not email or not email.strip():
        return None
    raw = email.strip()
    norm = normalise_email(raw)
    if norm != raw.lower() or unicodedata.normalize("NFKC", raw) != raw:
        return None
    return norm


def verified_email(claims: Mapping[str, Any]) -> tuple[str | None, str]:
    """The signed-in user's usable address from the identity claims, or ``None`` and why not.

    The provider's ``email_verified`` claim must be true when it is sent (a provider that
    does not send it vouches for the address by sending it at all).

    >>> verified_email({"email": "ann@example.com", "email_verified": True})
    ('ann@example.com', '')
    >>> verified_email({"email": "ann@example.com", "email_verified": False})[0] is None
    True
    """
    email = str(claims.get("email") or "").strip()
    if not email:
        return None, "The sign-in did not give an e-mail address."
    if "email_verified" in claims and not _truthy(claims.get("email_verified")):
        return None, f"The provider has not verified the address {email}."
    canon = canonical_email(email)
    if canon is None:
        return None, f"The address {email} contains look-alike characters and is refused."
    return canon, ""


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def _norm(items: Iterable[Any] | None) -> tuple[str, ...]:
    if items is None:
        return ()
    if isinstance(items, str):
        items = [items]
    return tuple(normalise_email(str(i)) for i in items if str(i).strip())


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
        """``"editor"``, ``"viewer"`` or ``None`` (not allowed) for a verified e-mail.

        >>> AccessPolicy(editors=("kate@example.com",)).role_for("\u212aate@example.com") is None
        True
        """
        email = canonical_email(email)
        if email is None:
            return None
        if any(_matches(email, p) for p in self.editors):
            return "editor"
        if any(_matches(email, p) for p in self.viewers):
            return "viewer"
        return None

    @property
    def empty(self) -> bool:
        """True when nobody is on the list (a misconfiguration the app reports)."""
        return not (self.editors or self.viewers)
