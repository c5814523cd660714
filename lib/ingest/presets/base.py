"""The shape of a vendor preset (:class:`Preset`, :class:`CustomField`) and the small helpers the
preset tables are written with.

Mapping keys are the canonical ticket columns of :mod:`lib.schema` plus a few inputs the loader
turns into canonical columns:

``description``
    the ticket's body or first message (for sentiment scoring).
``escalated``
    an explicit escalation yes/no column.
``level``
    a support level or tier column (L1/L2/L3) in process-mining logs.
``event_time``
    the event timestamp of an event log (one row per state change).
``resolved_at``, ``closed_at``
    when a vendor has both; the canonical ``solved_at`` is the earliest of ``solved_at``,
    ``resolved_at`` and ``closed_at``.

Example
-------
>>> _vm("web form=web; mail=email")
{'web form': 'web', 'mail': 'email'}
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lib.ingest.header_names import norm_header

#: Pairs of mapping keys that may read the same source column.
ALLOWED_SHARED: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({"updated_at", "event_time"}),
        frozenset({"created_at", "event_time"}),
        frozenset({"group", "level"}),
        frozenset({"solved_at", "resolved_at"}),
        frozenset({"solved_at", "closed_at"}),
        frozenset({"subject", "description"}),
        frozenset({"customer", "customer_tier"}),
    }
)


@dataclass(frozen=True)
class CustomField:
    """A rule that picks a vendor's custom field by its name.

    A column qualifies when its normalised name contains ``marker`` and any of ``keywords``
    and none of ``avoid``, e.g. Zendesk's ``Product area [list]`` for
    ``CustomField("category", "[list]", ("area",))``.

    >>> CustomField("escalated", "", ("escalat",), ("level",)).matches("Escalation level")
    False
    """

    key: str
    marker: str
    keywords: tuple[str, ...]
    avoid: tuple[str, ...] = ()

    def matches(self, column: str) -> bool:
        n = norm_header(column)
        words = f"{n}|{n.replace('_', ' ').replace('.', ' ')}"  # cf_escalation_level
        return (
            self.marker in n
            and any(k in words for k in self.keywords)
            and not any(a in words for a in self.avoid)
        )


#: An escalation's level custom field ("Escalation level", "Escalation tier"): it names a level
#: (L2, Tier 3), so it is the ``level`` field, not a yes/no flag or the customer's tier. ("Support
#: tier" and "Support level" usually hold the customer's plan: Premium, Standard.)
LEVEL_FIELD_WORDS = ("escalation level", "escalation tier")
#: Words that make a "tier" custom field an escalation's level, not the customer's plan.
LEVEL_AVOID = ("escalat",)


@dataclass(frozen=True)
class Preset:
    """What one helpdesk export looks like and how its columns map to the canonical ones.

    signature
        Header names that identify the export, compared case- and space-insensitively; an
        entry may list alternatives separated by ``|`` (``"sys_updated_on|sys_updated_at"``).
    columns
        Candidate source headers per mapping key, best first; they match ignoring case,
        spacing and punctuation (``assigned_to`` finds ``Assigned to``).
    value_maps
        The vendor's own words (lower case) for channel, priority and status, mapped to the
        schema's vocabularies.
    dayfirst
        The order this vendor's exports usually write dates such as 01/10/2023 in: only a
        preference. The file's values decide first; when they cannot, this order is used and
        the load report says so (see :mod:`lib.ingest.date_order`). None: day first.
    duration_unit
        Unit of bare numbers in duration columns ("minutes", "hours", "seconds").
    event_log
        One row per state change; :func:`detect_vendor` switches it on when every entry of
        ``event_log_when`` is in the header.
    custom_fields
        Rules that pick custom fields by their names; they win over ``columns``.
    adjust
        A constant added to a numeric column (Zendesk: reassignments = ``Group stations`` - 1).
    repeated
        Keys whose source column repeats in the file (Jira's ``Labels``); the loader gathers
        the numbered duplicates, see :func:`repeated_columns`.
    required
        Signature entries that must all be present for the preset to be picked (the words
        only this vendor uses, such as Freshdesk's ``Created time``).
    ignore
        Beginnings of header names that are never mapped, not even by their values: SLA
        flags and deadlines that look like escalations or solve times (GLPI's ``Tempo para
        resolver excedido``, Freshdesk's ``is_escalated``); see :meth:`ignores`.
    """

    vendor: str
    label: str
    signature: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    dayfirst: bool | None = None
    duration_unit: dict[str, str] = field(default_factory=dict)
    event_log: bool = False
    notes: str = ""
    event_log_when: tuple[str, ...] = ()
    custom_fields: tuple[CustomField, ...] = ()
    adjust: dict[str, int] = field(default_factory=dict)
    repeated: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def ignores(self, column: str) -> bool:
        """Whether ``column`` starts with one of the ``ignore`` names (case-insensitive).

        >>> Preset("x", "X", (), {}, ignore=("time to resolve",)).ignores("Time to resolve (2)")
        True
        """
        name = norm_header(column)
        return any(name.startswith(norm_header(prefix)) for prefix in self.ignore)


def _names(text: str) -> tuple[str, ...]:
    """Split ``"Id; Created at; Via"`` into header names."""
    return tuple(s.strip() for s in text.split(";") if s.strip())


def _cols(**candidates: str) -> dict[str, tuple[str, ...]]:
    """``_cols(customer="Organization; Requester")`` -> ``{"customer": ("Organization", ...)}``."""
    return {k: _names(v) for k, v in candidates.items()}


def _vm(text: str) -> dict[str, str]:
    """Parse ``"web form=web; mail=email"`` into a value map (raw values lower case)."""
    pairs = (p.split("=", 1) for p in _names(text))
    return {raw.strip().lower(): value.strip() for raw, value in pairs}


_PRIORITY_WORDS = _vm("low=low; normal=normal; medium=normal; high=high; urgent=urgent")
