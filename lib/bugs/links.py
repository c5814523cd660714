"""Tickets linked to engineering issues, and escalations by linked issue.

Where the links are read from (no column is added to the canonical frame: the snapshot keeps
the export's own columns as ``raw:<name>``):

- **tags**: Jira keys written as tags (``abc-123``, ``jira_abc-123``; a prefix counts when the
  export holds at least two keys with it, so ``covid-19`` alone is not an issue) and ServiceNow
  problem numbers (``prb0001234``);
- **the export's columns** named like links (:data:`LINK_NAMES`: ``problem_id``, "Problem",
  "Linked issues", "Inward issue link (Blocks)", "Jira key", "Bug id" ...): Jira keys and
  ``PRB`` numbers found in them, else the whole value (``Problem ID 14``; a bare number is a
  Zendesk problem ticket, ``problem #14``). Placeholders (``?``, ``-``, ``n/a``) are skipped,
  and so is a value equal to the ticket's own id.

Example
-------
>>> import polars as pl
>>> from datetime import datetime, UTC
>>> t = pl.DataFrame({"ticket_id": ["1", "2", "3"], "tags": [["eng-7", "vip"], ["eng-9"], []],
...                   "escalated": [True, False, False], "status": ["open", "solved", "open"],
...                   "created_at": [datetime(2024, 3, d, tzinfo=UTC) for d in (1, 2, 3)]})
>>> x = pl.DataFrame({"ticket_id": ["1", "2", "3"], "raw:problem_id": ["?", "", "PRB0001234"]})
>>> issue_links(t, x).rows()
[('1', 'ENG-7', 'tags'), ('2', 'ENG-9', 'tags'), ('3', 'PRB0001234', 'problem_id')]
"""

from __future__ import annotations

import polars as pl

from lib.ingest.languages import fold

#: Column names (folded) that hold links to engineering issues or problem records.
LINK_NAMES = (
    r"problem|linked|issue ?links?|^links?$|jira|defect|^bugs?$|bug ?(id|key|link|number)|"
    r"engineering|known error|vinculad|enlace|verkn|lien|collegat"
)
#: A Jira issue key (project key, dash, number).
JIRA_KEY = r"\b[A-Z][A-Z0-9_]{1,9}-\d{1,7}\b"
#: A ServiceNow problem number.
PRB = r"(?i)\bPRB\d{5,}\b"
_TAG_KEY = r"^(?:jira[_:/-]?)?([a-z][a-z0-9]{1,9}-\d{1,7})$"
_PLACEHOLDER = r"^(?:\?|-+|n/?a|none|null|nan|0)?$"
#: Tag prefixes that look like issue keys but are not (versions, standards, diseases).
NOT_PROJECTS = frozenset(
    (
        "covid", "sars", "win", "windows", "ios", "android", "iso", "utf", "sha", "md", "rfc",
        "cve", "ie", "ff", "php", "python", "java", "node", "tls", "ssl", "http", "ver",
        "version", "build", "release", "sprint", "week", "wk",
    )
)  # fmt: skip
OPEN_STATUSES = ("new", "open", "pending", "on_hold")
_EMPTY = pl.DataFrame(schema={"ticket_id": pl.String, "issue": pl.String, "via": pl.String})


def link_columns(extras: pl.DataFrame | None) -> list[str]:
    """The ``raw:`` columns of ``extras`` whose names say they hold issue links.

    >>> link_columns(pl.DataFrame({"raw:Problem": [], "raw:Subject": [], "raw:Linked Issues": []}))
    ['raw:Problem', 'raw:Linked Issues']
    """
    if extras is None:
        return []
    return [
        c
        for c in extras.columns
        if c.startswith("raw:")
        and pl.Series([fold(c.removeprefix("raw:"))]).str.contains(LINK_NAMES).item()
    ]


def _from_tags(tickets: pl.DataFrame) -> pl.DataFrame:
    if "tags" not in tickets.columns:
        return _EMPTY
    tags = (
        tickets.select("ticket_id", pl.col("tags").cast(pl.List(pl.String)))
        .explode("tags")
        .drop_nulls("tags")
        .with_columns(key=pl.col("tags").str.extract(_TAG_KEY, 1))
    )
    keys = tags.filter(pl.col("key").is_not_null()).with_columns(
        prefix=pl.col("key").str.split("-").list.first()
    )
    counts = keys.group_by("prefix").agg(pl.col("key").n_unique().alias("n"))
    good = counts.filter(
        (pl.col("n") >= 2) & ~pl.col("prefix").is_in(sorted(NOT_PROJECTS))
    ).get_column("prefix")
    jira = keys.filter(pl.col("prefix").is_in(good.implode())).select(
        "ticket_id", issue=pl.col("key").str.to_uppercase(), via=pl.lit("tags")
    )
    prb = tags.filter(pl.col("tags").str.contains(r"^prb\d{5,}$")).select(
        "ticket_id", issue=pl.col("tags").str.to_uppercase(), via=pl.lit("tags")
    )
    return pl.concat([jira, prb])


def _from_column(extras: pl.DataFrame, column: str) -> pl.DataFrame:
    name = column.removeprefix("raw:")
    v = extras.select("ticket_id", value=pl.col(column).cast(pl.String).str.strip_chars())
    v = v.filter(
        pl.col("value").is_not_null()
        & ~pl.col("value").str.to_lowercase().str.contains(_PLACEHOLDER)
        & (pl.col("value") != pl.col("ticket_id"))
    )
    found = v.with_columns(
        keys=pl.concat_list(
            pl.col("value").str.extract_all(JIRA_KEY),
            pl.col("value").str.extract_all(PRB).list.eval(pl.element().str.to_uppercase()),
        )
    )
    keyed = found.filter(pl.col("keys").list.len() > 0).explode("keys")
    keyed = keyed.filter(pl.col("keys") != pl.col("ticket_id")).select(
        "ticket_id", issue=pl.col("keys")
    )
    whole = found.filter(pl.col("keys").list.len() == 0).select(
        "ticket_id",
        issue=pl.when(pl.col("value").str.contains(r"^\d+$"))
        .then(pl.lit("problem #" if "problem" in fold(name) else "#") + pl.col("value"))
        .otherwise(pl.col("value").str.replace_all(r"\s+", " ")),
    )
    return pl.concat([keyed, whole]).with_columns(via=pl.lit(name))


def issue_links(tickets: pl.DataFrame, extras: pl.DataFrame | None = None) -> pl.DataFrame:
    """``ticket_id, issue, via``: one row per ticket and linked issue (see the module's notes),
    for the tickets of ``tickets``; ``extras``: the snapshot's ``ticket_id`` and ``raw:``
    columns."""
    parts = [_from_tags(tickets)]
    if extras is not None and "ticket_id" in extras.columns:
        ids = tickets.get_column("ticket_id").implode()
        mine = extras.filter(pl.col("ticket_id").is_in(ids))
        parts += [_from_column(mine, c) for c in link_columns(extras)]
    return pl.concat(parts).unique(maintain_order=True)


def by_issue(tickets: pl.DataFrame, links: pl.DataFrame, *, waiting: int = 10) -> pl.DataFrame:
    """One row per linked issue: tickets, escalated, escalation share, open tickets still
    waiting on it (and up to ``waiting`` of their ids, oldest first), customers, first and last
    seen; most escalations first.

    >>> from datetime import datetime, UTC
    >>> t = pl.DataFrame({"ticket_id": ["1", "2"], "escalated": [True, False],
    ...                   "status": ["open", "solved"], "customer": ["A", "B"],
    ...                   "created_at": [datetime(2024, 3, d, tzinfo=UTC) for d in (1, 2)]})
    >>> links = pl.DataFrame({"ticket_id": ["1", "2"], "issue": ["ENG-7"] * 2, "via": ["tags"] * 2})
    >>> by_issue(t, links).select("issue", "tickets", "escalated", "open", "waiting").rows()
    [('ENG-7', 2, 1, 1, ['1'])]
    """
    cols = ("ticket_id", "escalated", "status", "customer", "created_at")
    have = [c for c in cols if c in tickets.columns]
    joined = links.join(tickets.select(have), on="ticket_id", how="inner")
    if "customer" not in joined.columns:
        joined = joined.with_columns(customer=pl.lit(None, dtype=pl.String))
    is_open = pl.col("status").is_in(OPEN_STATUSES)
    return (
        joined.sort("created_at")
        .group_by("issue")
        .agg(
            via=pl.col("via").unique().sort().str.join(", "),
            tickets=pl.col("ticket_id").n_unique().cast(pl.Int64),
            escalated=pl.col("escalated").sum().cast(pl.Int64),
            open=is_open.sum().cast(pl.Int64),
            waiting=pl.col("ticket_id").filter(is_open).head(waiting),
            customers=pl.col("customer").drop_nulls().n_unique().cast(pl.Int64),
            first_seen=pl.col("created_at").min(),
            last_seen=pl.col("created_at").max(),
        )
        .with_columns(escalation_share=pl.col("escalated") / pl.col("tickets"))
        .sort(["escalated", "open", "tickets", "issue"], descending=[True, True, True, False])
    )
