"""The ingest layer: any helpdesk export in, canonical tickets out.

``load_export`` is the public contract (DESIGN.md section 4). The work is split by concern:
``languages`` (the words of each language, as data: headers, values, month names);
``readers`` (bytes to raw tables); ``presets`` (each vendor's export, as data),
``header_names`` and ``preset_mapping`` (how a preset fits a header), ``keys`` and
``column_words`` (the canonical keys and the words that name them), ``name_match`` and
``value_profile`` (scores by header name and by values), ``columns`` (which column is what) and
``vendors`` (which export this is), imported in that order;
``normalise`` (values into the schema's vocabularies), ``eventlog`` (one row per change to
one row per ticket), ``rules`` (what counts as an escalation); ``inspection`` (read and detect),
``table_parse`` (one table's values), ``derived`` (values filled in where the export has
none, and reported), ``load_report`` (what a load returns) and ``loader`` (the
pipeline).
"""

from lib.ingest.inspection import Inspection, inspect_sources
from lib.ingest.load_report import FileReport, LoadResult, QualityReport
from lib.ingest.loader import canonical_only, load_export, load_tables, reapply_rules

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
