"""The ingest layer: any helpdesk export in, canonical tickets out.

``load_export`` is the public contract (DESIGN.md section 4). The work is split by concern:
``readers`` (bytes to raw tables), ``vendors`` and ``columns`` (which column is what),
``normalise`` (values into the schema's vocabularies), ``eventlog`` (one row per change to
one row per ticket), ``rules`` (what counts as an escalation) and ``loader`` (the pipeline).
"""

from lib.ingest.loader import (
    FileReport,
    Inspection,
    LoadResult,
    QualityReport,
    canonical_only,
    inspect_sources,
    load_export,
    load_tables,
    reapply_rules,
)

__all__ = [
    "FileReport",
    "Inspection",
    "LoadResult",
    "QualityReport",
    "canonical_only",
    "inspect_sources",
    "load_export",
    "load_tables",
    "reapply_rules",
]
