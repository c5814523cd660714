"""Read the sources and detect the vendor and the column mapping, before any value is parsed
(the first half of :func:`lib.ingest.loader.load_export`, shown on the mapping screen).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from lib.errors import IngestError
from lib.ingest.columns import match_columns
from lib.ingest.readers.containers import read_many
from lib.ingest.readers.table import RawTable
from lib.ingest.vendors import VendorMatch, detect_vendor, header_fingerprint

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_MEMBERS", "Inspection", "inspect_sources"]

Progress = Callable[[float, str], None]

#: Most bytes one source may hold once decompressed (zip/gz bombs); ``REVIEW_MAX_BYTES``
#: overrides it. 2 GiB is about seven times the 1M-ticket benchmark export.
DEFAULT_MAX_BYTES = int(os.environ.get("REVIEW_MAX_BYTES", str(2 * 1024**3)))
#: Most files one zip archive may hold.
DEFAULT_MAX_MEMBERS = 50


@dataclass
class Inspection:
    """Raw tables plus what was detected about them, before parsing."""

    tables: list[RawTable]
    match: VendorMatch
    mapping: dict[str, str]
    fingerprint: str
    matches: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """Union of the tables' columns, in first-seen order."""
        seen: dict[str, None] = {}
        for t in self.tables:
            for c in t.frame.columns:
                seen.setdefault(c, None)
        return list(seen)

    def preview(self, n: int = 5) -> pl.DataFrame:
        """The first rows of the first table."""
        return self.tables[0].frame.head(n)


def _noop(_: float, __: str) -> None:
    return None


def inspect_sources(
    sources: Any, *, max_bytes: int | None = DEFAULT_MAX_BYTES, progress: Progress | None = None
) -> Inspection:
    """Read the sources and detect vendor and column mapping, without parsing values."""
    progress = progress or _noop
    progress(0.05, "Reading files")
    tables = [t for t in read_many(_as_list(sources), max_bytes=max_bytes)]
    if not tables:
        raise IngestError("no file was given", expected="at least one export file")
    first = tables[0]
    match = detect_vendor(first.frame.columns)
    matches = match_columns(first.frame, preset=match.preset)
    mapping = _merge_mapping(match, matches)
    progress(0.3, f"Detected {match.label}")
    return Inspection(tables, match, mapping, header_fingerprint(first.frame.columns), matches)


def _merge_mapping(match: VendorMatch, matches: dict[str, Any]) -> dict[str, str]:
    """A preset's own mapping first, then value-aware matches for the rest.

    For a generic export the value-aware matches win over the name-only guess, so a column
    whose values contradict its name (``Tier`` holding L1/L2) lands where the values say. A
    column with no value, or one whose values rule it out for a key, is never mapped by name;
    a preset's column with no value is not mapped either.
    """

    def allowed(key: str, col: str) -> bool:
        m = matches.get(key)
        return m is None or (col not in m.empty and col not in m.ruled_out)

    if match.preset is None:
        mapping = {k: m.column for k, m in matches.items() if m.column is not None}
        for key, col in match.mapping.items():
            if key not in mapping and col not in mapping.values() and allowed(key, col):
                mapping[key] = col
        return mapping
    empty = next((m.empty for m in matches.values()), frozenset())
    # the vendor's own column is kept unless this export left it empty
    mapping = {k: c for k, c in match.mapping.items() if c not in empty}
    for key, m in matches.items():
        col = m.column
        if col is None or key in mapping or col in mapping.values():
            continue
        if not match.preset.ignores(col):  # an SLA flag or deadline: no escalation, no solve
            mapping[key] = col
    return mapping


def _as_list(sources: Any) -> list[Any]:
    if isinstance(sources, list | tuple):
        return list(sources)
    return [sources]
