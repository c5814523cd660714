"""Vendor presets, as data: what each helpdesk's export looks like and how its columns map.

Each :class:`Preset` names the header fields that identify one export (its *signature*), the
source columns for every canonical key, and the vendor's own words for channel, priority and
status. How a preset fits a header is computed in :mod:`lib.ingest.preset_mapping`; which preset
an export is, in :mod:`lib.ingest.vendors`.

One module per vendor family: :mod:`~lib.ingest.presets.helpdesks` (the helpdesks' own CSV and
XLSX exports), :mod:`~lib.ingest.presets.trackers` (GLPI, OTRS/Znuny, Redmine, Request
Tracker) and :mod:`~lib.ingest.presets.api_json` (Zendesk and Freshdesk API JSON); the shape
of a preset is in :mod:`~lib.ingest.presets.base`.

Example
-------
>>> next(p for p in PRESETS if p.vendor == "glpi").label
'GLPI ticket search export (CSV)'
"""

from __future__ import annotations

from lib.ingest.presets.api_json import API_PRESETS
from lib.ingest.presets.base import ALLOWED_SHARED, CustomField, Preset
from lib.ingest.presets.helpdesks import HELPDESK_PRESETS
from lib.ingest.presets.trackers import TRACKER_PRESETS

PRESETS: tuple[Preset, ...] = (*HELPDESK_PRESETS, *TRACKER_PRESETS, *API_PRESETS)

__all__ = ["ALLOWED_SHARED", "PRESETS", "CustomField", "Preset"]
