"""Header names compared the way people mean them: normalised (no BOM or quotes, lower case,
single spaces) or loosely (letters, digits and ``#`` only, accents dropped), and a header
indexed both ways.
"""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo

from lib.ingest.languages import fold

#: A time zone in brackets after a time column's name: Front's "Created at (Europe/Berlin)",
#: "Opened (UTC)", "Closed (GMT+2)".
_ZONE_SUFFIX = re.compile(r"^(.*?\S)\s*\((UTC|GMT|Z|[A-Z][A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+)\)\s*$")


@lru_cache(maxsize=4096)
def header_zone(name: str) -> tuple[str, str | None]:
    """The name without a time zone in brackets, and the zone when it is one Python knows.

    >>> header_zone("Created at (Europe/Berlin)"), header_zone("Tier (Gold)")
    (('Created at', 'Europe/Berlin'), ('Tier (Gold)', None))
    """
    match = _ZONE_SUFFIX.match(str(name))
    if match is None:
        return str(name), None
    zone = "UTC" if match.group(2) in ("UTC", "GMT", "Z") else match.group(2)
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return str(name), None
    return match.group(1), zone


def norm_header(name: str) -> str:
    """Normalise a header name: no BOM or quotes, lower case, single spaces.

    >>> norm_header('\\ufeff  Created   AT ')
    'created at'
    """
    s = str(name).replace("\ufeff", "").strip().strip('"').strip()
    return re.sub(r"\s+", " ", s).lower()


@lru_cache(maxsize=16384)
def _loose(name: str) -> str:
    """Lower-case letters, digits and ``#`` only, without accents (``Created_at`` == ``created
    at``, ``Título`` == ``titulo``).

    >>> _loose("Última atualização")
    'ultimaatualizacao'
    """
    return re.sub(r"[^\w#]+|_+", "", fold(norm_header(name)))


def _tokens(name: str) -> list[str]:
    """Words of a header, lower case without accents (camelCase split).

    >>> _tokens("Atribuído - Técnico"), _tokens("firstReplyTime")
    (['atribuido', 'tecnico'], ['first', 'reply', 'time'])
    """
    return list(_token_tuple(str(name)))


@lru_cache(maxsize=16384)
def _token_tuple(name: str) -> tuple[str, ...]:
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return tuple(re.findall(r"[^\W_]+|#", fold(norm_header(s))))


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
