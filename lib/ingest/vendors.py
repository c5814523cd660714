"""Recognise a helpdesk's export from its header: the best-fitting preset, else a generic match.

:func:`detect_vendor` scores every preset of :mod:`lib.ingest.presets` against a header and
returns the best one, or a ``generic`` match with columns matched by name (see
:mod:`lib.ingest.name_match`). :func:`header_fingerprint` identifies a header regardless of order
and spelling; :func:`repeated_columns` finds the numbered repeats of a column.

Example
-------
>>> m = detect_vendor(["Id", "Requester", "Created at", "Via", "Group stations", "Solved at"])
>>> m.vendor, m.mapping["ticket_id"], m.mapping["channel"]
('zendesk', 'Id', 'Via')
>>> detect_vendor(["Case #", "Opened On", "Prio"]).vendor
'generic'
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from lib.ingest.columns import mapping_from_matches
from lib.ingest.header_names import _has, _present, norm_header
from lib.ingest.name_match import match_by_name
from lib.ingest.preset_mapping import map_with_preset, signature_score
from lib.ingest.presets import PRESETS, Preset

#: Least share of a preset's signature that must be present to pick it.
DETECT_THRESHOLD = 0.5
#: Least number of signature entries that must be present to pick a preset.
MIN_SIGNATURE_HITS = 3


@dataclass
class VendorMatch:
    """The outcome of :func:`detect_vendor`."""

    vendor: str
    label: str
    score: float
    mapping: dict[str, str]
    preset: Preset | None


def repeated_columns(source: str, columns: list[str]) -> list[str]:
    """The column ``source`` and its numbered repeats, in file order.

    Recognises ``Labels (2)`` and Polars' ``Labels_duplicated_0``.

    >>> repeated_columns("Labels", ["Labels", "Summary", "Labels (2)", "labels (3)"])
    ['Labels', 'Labels (2)', 'labels (3)']
    """
    base = re.escape(norm_header(source))
    pattern = re.compile(rf"^{base}(?: \(\d+\)|_duplicated_\d+)?$")
    return [c for c in columns if pattern.match(norm_header(c))]


def detect_vendor(columns: list[str]) -> VendorMatch:
    """Pick the preset whose signature best matches the header, else a generic match.

    A preset qualifies when at least :data:`DETECT_THRESHOLD` of its signature and at least
    :data:`MIN_SIGNATURE_HITS` entries are present; ties go to the preset with more hits, then
    to the one that maps more columns. The generic match maps columns by name alone.

    >>> detect_vendor(["Ticket ID", "Created time", "Resolved time", "Agent", "Source"]).vendor
    'freshdesk'
    >>> detect_vendor(["Ticket ID", "Ticket name", "Ticket owner", "Create date"]).vendor
    'hubspot'
    """
    columns = [str(c) for c in columns]
    best: tuple[float, int, int] | None = None
    best_preset: Preset | None = None
    best_mapping: dict[str, str] = {}
    for preset in PRESETS:
        score, hits = signature_score(preset, columns)
        if score < DETECT_THRESHOLD or hits < MIN_SIGNATURE_HITS:
            continue
        mapping = map_with_preset(preset, columns)
        rank = (score, hits, len(mapping))
        if best is None or rank > best:
            best, best_preset, best_mapping = rank, preset, mapping
    if best_preset is None or best is None:
        return VendorMatch(
            vendor="generic",
            label="Unrecognised export (columns matched by name)",
            score=0.0,
            mapping=mapping_from_matches(match_by_name(columns)),
            preset=None,
        )
    preset = best_preset
    if preset.event_log_when:
        exact, _ = _present(columns)
        if all(_has(entry, exact) for entry in preset.event_log_when):
            preset = replace(preset, event_log=True, label=preset.label + " (event log)")
    return VendorMatch(
        vendor=preset.vendor,
        label=preset.label,
        score=round(best[0], 4),
        mapping=best_mapping,
        preset=preset,
    )


def header_fingerprint(columns: list[str]) -> str:
    """A stable SHA-256 hex digest of the header, ignoring order, case and spacing.

    >>> header_fingerprint(["Id", "Created at"]) == header_fingerprint(["created  AT", "ID"])
    True
    >>> len(header_fingerprint(["Id"]))
    64
    """
    names = sorted(norm_header(c) for c in columns)
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()
