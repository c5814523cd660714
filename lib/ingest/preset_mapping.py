"""How one preset fits a header: the share of its signature present, and the mapping of canonical
keys to the header's columns by the preset's candidates and custom-field rules.
"""

from __future__ import annotations

from lib.ingest.header_names import _find, _has, _present
from lib.ingest.presets import ALLOWED_SHARED, PRESETS, Preset  # noqa: F401 (PRESETS: doctests)


def signature_score(preset: Preset, columns: list[str]) -> tuple[float, int]:
    """Share and number of the preset's signature entries present in ``columns``.

    Names are compared case- and space-insensitively (``Created_at`` is not ``Created at``);
    a header without one of the preset's ``required`` entries scores nothing.

    >>> signature_score(PRESETS[0], ["id", "VIA", "created  at", "Solved_at"])[1]
    3
    """
    exact, _ = _present(columns)
    if not all(_has(entry, exact) for entry in preset.required):
        return 0.0, 0
    hits = sum(_has(entry, exact) for entry in preset.signature)
    return hits / len(preset.signature), hits


def _shared_ok(a: str, b: str) -> bool:
    return frozenset({a, b}) in ALLOWED_SHARED


def map_with_preset(preset: Preset, columns: list[str]) -> dict[str, str]:
    """Map canonical keys to the exact column names of ``columns`` by the preset's candidates.

    Custom-field rules come first, then the candidates in order; a column already used by
    another key is skipped unless the pair is in :data:`ALLOWED_SHARED`.

    >>> p = next(p for p in PRESETS if p.vendor == "zendesk")
    >>> map_with_preset(p, ["Id", "Product area [list]", "Ticket type"])
    {'category': 'Product area [list]', 'ticket_id': 'Id'}
    """
    exact, loose = _present(columns)
    mapping: dict[str, str] = {}

    def free(key: str, col: str) -> bool:
        return all(c != col or _shared_ok(k, key) for k, c in mapping.items())

    for rule in preset.custom_fields:
        if rule.key in mapping:
            continue
        for col in columns:
            if rule.matches(col) and free(rule.key, col):
                mapping[rule.key] = col
                break
    for key, candidates in preset.columns.items():
        if key in mapping:
            continue
        for cand in candidates:
            col = _find(cand, exact, loose)
            if col is not None and free(key, col):
                mapping[key] = col
                break
    return mapping
