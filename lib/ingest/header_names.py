"""Header names compared the way people mean them: normalised (no BOM or quotes, lower case,
single spaces) or loosely (letters, digits and ``#`` only), and a header indexed both ways.
"""

from __future__ import annotations

import re


def norm_header(name: str) -> str:
    """Normalise a header name: no BOM or quotes, lower case, single spaces.

    >>> norm_header('\\ufeff  Created   AT ')
    'created at'
    """
    s = str(name).replace("\ufeff", "").strip().strip('"').strip()
    return re.sub(r"\s+", " ", s).lower()


def _loose(name: str) -> str:
    """Lower-case letters, digits and ``#`` only (``Created_at`` == ``created at``)."""
    return re.sub(r"[^a-z0-9#]+", "", norm_header(name))


def _tokens(name: str) -> list[str]:
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    return re.findall(r"[a-z0-9]+|#", norm_header(s))


def _present(columns: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Index the header by normalised and by loose name (first occurrence wins)."""
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for c in columns:
        exact.setdefault(norm_header(c), c)
        loose.setdefault(_loose(c), c)
    return exact, loose


def _find(name: str, exact: dict[str, str], loose: dict[str, str]) -> str | None:
    hit = exact.get(norm_header(name))
    if hit is None and _loose(name):
        hit = loose.get(_loose(name))
    return hit


def _has(entry: str, exact: dict[str, str]) -> bool:
    """Whether any ``|`` alternative of a signature entry is in the header (case-insensitive)."""
    return any(norm_header(alt) in exact for alt in entry.split("|"))
