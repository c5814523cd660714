"""Header rows and column names: whether a row looks like column names, and unique, non-blank
names for the columns (``Labels``, ``Labels (2)``, ``column_3``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Records of the sample searched for the header line.
HEADER_SEARCH = 50

_NUMERIC_RE = re.compile(r"^[\s\d.,:/+\-%$€£()]+$")


def _looks_like_names(fields: Sequence[str]) -> bool:
    values = [f.strip() for f in fields if f.strip()]
    if not values or len(values) < len(fields) / 2:
        return False
    numeric = sum(bool(_NUMERIC_RE.match(v)) for v in values)
    return numeric <= len(values) / 3 and len(set(values)) >= len(values) / 2


def _unique_names(raw: Sequence[str]) -> list[str]:
    """Strip names, name blanks ``column_N`` and number repeats: ``Labels``, ``Labels (2)``."""
    cleaned = [
        (str(n).replace("\ufeff", "").strip() or f"column_{i}") for i, n in enumerate(raw, 1)
    ]
    taken = set(cleaned)
    seen: set[str] = set()
    next_k: dict[str, int] = {}  # the next number to try per repeated name (linear in repeats)
    out: list[str] = []
    for n in cleaned:
        if n not in seen:
            seen.add(n)
            out.append(n)
            continue
        k = next_k.get(n, 2)
        while f"{n} ({k})" in taken:
            k += 1
        new = f"{n} ({k})"
        next_k[n] = k + 1
        taken.add(new)
        out.append(new)
    return out


def _generated(raw_names: Sequence[str]) -> list[bool]:
    return [not str(n).replace("\ufeff", "").strip() for n in raw_names]
