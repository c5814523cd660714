"""Who answers for a ticket in the agent comparison: the escalating owner, the first owner or
the final owner (issue 13 point 1).

``agent`` in the canonical schema is the *final* owner. When escalating means "moved to Tier 2",
the final owner of an escalated ticket is the Tier-2 person who received it, so comparing agents
on ``agent`` blames the receivers. By default each ticket is credited to the person responsible
when it escalated or was resolved at first level: ``escalated_by`` for escalated tickets, else
``first_agent``, else ``agent`` (DESIGN.md sections 3 and 5).

>>> import polars as pl
>>> t = pl.DataFrame({"agent": ["t2", "t2", "t1b"], "first_agent": ["t1a", "t1b", "t1b"],
...                   "escalated_by": ["t1a", None, None], "escalated": [True, True, False]})
>>> o = responsible_owner(t)
>>> o.tickets.get_column("agent").to_list(), o.used
(['t1a', 't1b', 't1b'], 'escalating')
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from lib.outliers.inputs import OutlierError

#: Owner choices: who a ticket is credited to in the comparison.
OWNERS: tuple[str, ...] = ("escalating", "first", "final")
#: One line per owner choice, for a page's choice widget and caption.
OWNER_LABELS: dict[str, str] = {
    "escalating": "Escalating owner",
    "first": "First owner",
    "final": "Final owner",
}


@dataclass(frozen=True)
class Owner:
    """The tickets with ``agent`` set to the responsible person, and which owner that is."""

    tickets: pl.DataFrame
    #: The choice asked for (one of ``OWNERS``).
    requested: str
    #: The choice actually used: lower when the export lacks the columns for the one asked.
    used: str
    #: One plain sentence saying whom each ticket is credited to (for a caption).
    sentence: str


def _filled(tickets: pl.DataFrame, column: str) -> bool:
    return column in tickets.columns and tickets.get_column(column).null_count() < tickets.height


def responsible_owner(tickets: pl.DataFrame, owner: str = "escalating") -> Owner:
    """Replace ``agent`` with the person a ticket is credited to (see the module notes).

    ``"escalating"``: ``escalated_by`` for escalated tickets, ``first_agent`` for the others,
    each falling back to the next (``first_agent``, then ``agent``) ticket by ticket.
    ``"first"``: ``first_agent``, else ``agent``. ``"final"``: ``agent`` as exported. When the
    export fills none of the columns asked for, the final owner is used and the sentence says so.

    >>> import polars as pl
    >>> t = pl.DataFrame({"agent": ["t2"], "escalated": [True]})
    >>> responsible_owner(t).used
    'final'
    """
    if owner not in OWNERS:
        raise OutlierError(f"owner must be one of {list(OWNERS)}, got {owner!r}")
    if "agent" not in tickets.columns:
        raise OutlierError("the tickets have no 'agent' column; an agent comparison needs one")
    has_first = _filled(tickets, "first_agent")
    used = owner_choice(owner, has_by=_filled(tickets, "escalated_by"), has_first=has_first)
    expr = owner_expr(used, has_first=has_first)
    out = tickets.with_columns(expr.cast(pl.String).alias("agent")) if used != "final" else tickets
    return Owner(out, owner, used, _sentence(owner, used))


def owner_choice(owner: str, *, has_by: bool, has_first: bool) -> str:
    """The owner choice used when ``owner`` is asked for and the export fills ``escalated_by``
    (``has_by``) and ``first_agent`` (``has_first``) or not.

    >>> owner_choice("escalating", has_by=False, has_first=True)
    'first'
    """
    used = owner
    if owner == "escalating" and not has_by:
        used = "first" if has_first else "final"
    if used == "first" and not has_first:
        used = "final"
    return used


def owner_expr(used: str, *, has_first: bool, prefix: str = "") -> pl.Expr:
    """The expression of the agent a ticket is credited to under the owner choice ``used``
    (``prefix``: read the owner columns under that prefix, e.g. their codes).

    >>> t = pl.DataFrame({"agent": ["b"], "first_agent": ["a"], "escalated": [False]})
    >>> t.select(owner_expr("first", has_first=True)).item()
    'a'
    """
    agent = pl.col(prefix + "agent")
    first = pl.coalesce(pl.col(prefix + "first_agent"), agent) if has_first else agent
    if used == "escalating":
        esc = pl.col("escalated").fill_null(False)
        by = pl.col(prefix + "escalated_by")
        return pl.when(esc).then(pl.coalesce(by, first)).otherwise(first)
    return first if used == "first" else agent


def owner_sentence(requested: str, used: str) -> str:
    """The caption's sentence on whom tickets are credited to (``used``, asked ``requested``)."""
    return _sentence(requested, used)


def _sentence(requested: str, used: str) -> str:
    what = {
        "escalating": "each escalated ticket counts for the agent who escalated it, every other "
        "ticket for its first owner (final owner where the export does not say)",
        "first": "each ticket counts for its first owner (final owner where the export does "
        "not say)",
        "final": "each ticket counts for its final owner (the assignee in the export)",
    }[used]
    if used == requested:
        return f"Credited to the {OWNER_LABELS[used].lower()}: {what}."
    missing = (
        "escalated-by or first-owner column"
        if requested == "escalating"
        else ("first-owner column")
    )
    return (
        f"Credited to the {OWNER_LABELS[used].lower()}: {what}. The export has no {missing}, so "
        "the person who received an escalation may be counted for it."
    )


def receivers_note(table: pl.DataFrame, *, min_escalated: int = 10) -> str | None:
    """A warning when the agents credited with most escalations hold (almost) nothing else:
    they look like receivers (Tier 2), so the comparison cannot tell who escalated. ``table``
    is an agent comparison table (``agent``, ``tickets``, ``escalated``); None when the split
    does not look like that.

    >>> import polars as pl
    >>> t = pl.DataFrame({"agent": ["t2a", "t2b", "t1a", "t1b"], "tickets": [40, 30, 500, 400],
    ...                   "escalated": [40, 29, 0, 3]})
    >>> print(receivers_note(t))
    2 agents (t2a, t2b) hold 69 of the 72 escalations and almost nothing else: they look like \
the people who receive escalations, not the ones who escalate. Credit tickets to the escalating \
or first owner, or map the first-owner or escalated-by column on Data.
    """
    if table.is_empty() or not {"tickets", "escalated"} <= set(table.columns):
        return None
    total = int(table.get_column("escalated").sum())
    receivers = table.filter(
        (pl.col("escalated") >= min_escalated) & (pl.col("escalated") >= 0.9 * pl.col("tickets"))
    ).sort("escalated", descending=True)
    held = int(receivers.get_column("escalated").sum())
    if receivers.is_empty() or total == 0 or held < 0.6 * total:
        return None
    names = receivers.get_column("agent").cast(pl.String).to_list()
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3:,} more" if len(names) > 3 else "")
    one = len(names) == 1
    who = f"{len(names):,} agent{'' if one else 's'} ({shown}) hold{'s' if one else ''}"
    return (
        f"{who} {held:,} of the {total:,} escalations and almost nothing else: they look "
        "like the people who receive escalations, not the ones who escalate. Credit tickets to "
        "the escalating or first owner, or map the first-owner or escalated-by column on Data."
    )
