"""Groups of tickets in a period that describe the same defect.

The tickets' subjects (and descriptions, when the export has them) become TF-IDF vectors of
words and character 4-grams (:mod:`lib.bugs.text`); tickets whose texts are near neighbours
(cosine at least ``threshold``) form a group (:mod:`lib.bugs.similar`); groups smaller than
``min_tickets`` are dropped. Each group then gets its evidence: label (top terms), tickets,
escalations among them, open tickets, customers and tiers, first and last seen, categories,
example ticket ids, whether it reads like a defect (error words, a bug category or tag) and
whether its category spiked in the period's volume alerts (:func:`lib.anomaly.detect_anomalies`).

Groups are ranked by strength: tickets, doubled when the group's main category spiked in the
period (a cluster of similar complaints that also moved its topic's volume is the stronger
sign of a defect), then by escalations.

Example
-------
>>> from lib.bugs.simulate import planted_helpdesk
>>> t, _ = planted_helpdesk(seed=3, noise=300)
>>> res = find_groups(t)
>>> res.groups.filter(pl.col("defect_like")).height >= 5
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl
import scipy.sparse as sp

from lib.bugs.similar import components
from lib.bugs.text import Vectors, vectorise

#: Words that say something is broken (several languages), read on the raw text.
DEFECT_WORDS = (
    r"(?i)\b(errors?|fail\w*|broken|break\w*|crash\w*|bugs?|buggy|glitch\w*|not working|"
    r"doesn'?t work|does not work|won'?t|cannot|can'?t|unable|time ?outs?|timing out|timed out|"
    r"slow|down|outage|[45]\d\d|exception|wrong|missing|lost|blank|empty|duplicated?|twice|"
    r"loops?|stuck|freez\w*|hangs?|incorrect|erro|falla\w*|fehler|errore|panne|kaputt|"
    r"no funciona|não funciona|ne fonctionne|funktioniert nicht|non funziona)\b"
)
#: Categories and tags that name defects.
DEFECT_TOPICS = r"(?i)bug|defect|incident|problem|error|outage|fehler|erro|falla|anomal"
#: Statuses of tickets still waiting.
OPEN_STATUSES = ("new", "open", "pending", "on_hold")
#: Distinct texts read at most (the most recent); beyond, the run is capped and says so.
MAX_TEXTS = 100_000
#: Characters of a description read (its opening says what is wrong).
DESCRIPTION_CHARS = 300


@dataclass(frozen=True)
class BugGroups:
    """What :func:`find_groups` found."""

    #: one row per group, strongest first (see the module's notes for the columns)
    groups: pl.DataFrame
    #: ``ticket_id``, ``group``: which tickets each group holds
    members: pl.DataFrame
    #: tickets read (in the period, with some text)
    tickets: int
    #: which text was read: "subject", "subject and description", or "" (none)
    text: str
    #: sentences on what was done: caps, boilerplate removed
    notes: list[str] = field(default_factory=list)


def _texts(tickets: pl.DataFrame) -> tuple[pl.Series, str]:
    has_subject = "subject" in tickets.columns and tickets.get_column("subject").null_count() < (
        tickets.height
    )
    has_desc = (
        "description" in tickets.columns
        and tickets.get_column("description").null_count() < tickets.height
    )
    if not has_subject and not has_desc:
        return pl.Series("text", [None] * tickets.height, dtype=pl.String), ""
    parts = []
    if has_subject:
        parts.append(pl.col("subject").fill_null(""))
    if has_desc:
        parts.append(pl.col("description").fill_null("").str.slice(0, DESCRIPTION_CHARS))
    text = tickets.select(pl.concat_str(parts, separator=" ").alias("text")).to_series()
    what = " and ".join(
        w for w, has in (("subject", has_subject), ("description", has_desc)) if has
    )
    return text, what


def _labels(vec: Vectors, doc_group: np.ndarray, groups: list[int], top: int = 4) -> list[str]:
    """Top terms of each group's centroid in the word block; a word already inside a chosen
    pair is skipped."""
    n_terms = len(vec.terms)
    words = vec.matrix[:, :n_terms]
    out = []
    for g in groups:
        idx = np.flatnonzero(doc_group == g)
        centroid = (sp.csr_matrix(vec.weight[idx][None, :]) @ words[idx]).toarray().ravel()
        picked: list[str] = []
        for j in np.argsort(-centroid):
            if centroid[j] <= 0 or len(picked) >= top:
                break
            term = vec.terms[j]
            if any(term in p.split(" ") or term in p for p in picked):
                continue
            picked = [p for p in picked if p not in term.split(" ")]
            picked.append(term)
        out.append(" · ".join(picked))
    return out


def _spikes(alerts: pl.DataFrame | None, start: date | None, end: date | None) -> pl.DataFrame:
    """One row per topic with a volume rise (spike or level shift) overlapping the period."""
    cols = {"topic": pl.String, "spike": pl.String}
    if alerts is None or alerts.height == 0:
        return pl.DataFrame(schema=cols)
    a = alerts.filter((pl.col("metric") == "volume") & (pl.col("kind") != "drop"))
    if start is not None:
        a = a.filter(pl.col("end") >= start)
    if end is not None:
        a = a.filter(pl.col("start") <= end)
    return (
        a.sort("score", descending=True)
        .group_by("topic", maintain_order=True)
        .first()
        .select(
            pl.col("topic").cast(pl.String),
            spike=pl.format(
                "{} volume {} {} to {} ({} tickets, {} expected)",
                pl.col("topic"),
                pl.col("kind").str.replace("_", " "),
                pl.col("start"),
                pl.col("end"),
                pl.col("observed").round(0).cast(pl.Int64),
                pl.col("expected").round(0).cast(pl.Int64),
            ),
        )
    )


def _mix(t: pl.DataFrame, column: str, top: int = 3) -> pl.DataFrame:
    """``_g`` and ``"A 80%, B 20%"``: each group's most common values of ``column`` with their
    shares of the group's tickets that have one."""
    counts = (
        t.filter(pl.col(column).is_not_null())
        .group_by("_g", column)
        .len()
        .sort(["_g", "len", column], descending=[False, True, False])
        .with_columns(share=(pl.col("len") * 100 / pl.col("len").sum().over("_g")).round(0))
    )
    return counts.group_by("_g", maintain_order=True).agg(
        pl.format("{} {}%", pl.col(column), pl.col("share").cast(pl.Int64))
        .head(top)
        .str.join(", ")
        .alias(column + "_mix")
    )


def find_groups(
    tickets: pl.DataFrame,
    *,
    period: tuple[date, date] | None = None,
    alerts: pl.DataFrame | None = None,
    threshold: float = 0.3,
    min_coherence: float = 0.7,
    min_tickets: int = 5,
    common: float = 0.2,
    word_weight: float = 0.5,
    pairs: bool = False,
    topic_weight: float = 0.1,
    defect_weight: float = 0.1,
    examples: int = 5,
    max_texts: int = MAX_TEXTS,
) -> BugGroups:
    """Groups among ``tickets`` (the review period's, already filtered) describing the same
    defect. ``alerts``: :func:`lib.anomaly.detect_anomalies`'s frame (``topic`` = category): a
    group whose main category had a volume rise overlapping ``period`` (first and last day) is
    marked spiking. An optional ``description`` column (the export's, see ``ui.bugs``) is read
    beside the subject."""
    t = tickets
    start, end = period if period is not None else (None, None)
    notes: list[str] = []
    text, what = _texts(t)
    t = t.with_columns(text.alias("_text")).filter(
        pl.col("_text").is_not_null() & (pl.col("_text").str.strip_chars() != "")
    )
    if t.height > max_texts:
        notes.append(
            f"The period holds {t.height:,} tickets with text; the most recent {max_texts:,} "
            "were grouped (narrow the period or the sidebar's filters to read them all)."
        )
        t = t.sort("created_at", descending=True).head(max_texts)
    if not what or t.height == 0:
        return BugGroups(_empty_groups(), _empty_members(), 0, what, notes)
    facets = [(t.get_column("_text").str.contains(DEFECT_WORDS), defect_weight)]
    if "category" in t.columns:
        facets.append((t.get_column("category"), topic_weight))
    vec = vectorise(
        t.get_column("_text"),
        common=common,
        word_weight=word_weight,
        pairs=pairs,
        facets=tuple(facets),
    )
    if vec.boilerplate:
        shown = ", ".join(vec.boilerplate[:8])
        notes.append(
            f"Words in more than {common:.0%} of the texts were left out as boilerplate: {shown}"
            + (f" and {len(vec.boilerplate) - 8} more." if len(vec.boilerplate) > 8 else ".")
        )
    doc_group = components(
        vec.matrix,
        threshold=threshold,
        min_coherence=min_coherence,
        facet_codes=vec.facet_codes,
        facet_weights=vec.facet_weights,
        frequent=vec.frequent,
    )
    doc = vec.doc_of_text.to_numpy()
    ticket_group = np.where(doc >= 0, doc_group[np.maximum(doc, 0)], -1)
    t = t.with_columns(_g=pl.Series(ticket_group, dtype=pl.Int64))
    sizes = t.filter(pl.col("_g") >= 0).group_by("_g").len()
    keep = sizes.filter(pl.col("len") >= min_tickets).get_column("_g").to_list()
    t = t.filter(pl.col("_g").is_in(keep))
    if not keep:
        return BugGroups(_empty_groups(), _empty_members(), text.len(), what, notes)
    labels = dict(zip(keep, _labels(vec, doc_group, keep), strict=True))
    groups = _evidence(t, examples).with_columns(
        label=pl.col("_g").replace_strict(labels, return_dtype=pl.String)
    )
    spikes = _spikes(alerts, start, end)
    groups = groups.join(spikes, left_on="main_category", right_on="topic", how="left")
    groups = groups.with_columns(
        spiking=pl.col("spike").is_not_null(),
        strength=pl.col("tickets") * pl.when(pl.col("spike").is_not_null()).then(2).otherwise(1),
    ).sort(["strength", "escalated", "last_seen"], descending=True)
    rank = {g: i + 1 for i, g in enumerate(groups.get_column("_g").to_list())}
    groups = groups.with_columns(group=pl.col("_g").replace_strict(rank, return_dtype=pl.Int64))
    members = t.select(
        "ticket_id", group=pl.col("_g").replace_strict(rank, return_dtype=pl.Int64)
    ).sort("group")
    return BugGroups(groups.select(GROUP_COLUMNS), members, text.len(), what, notes)


#: The columns of :attr:`BugGroups.groups`, in order.
GROUP_COLUMNS = (
    "group", "label", "example_subject", "tickets", "escalated", "open", "customers", "tiers",
    "first_seen", "last_seen", "categories", "main_category", "spiking", "spike", "defect_like",
    "defect_share", "example_ids", "strength",
)  # fmt: skip


def _col_or_null(t: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name) if name in t.columns else pl.lit(None, dtype=pl.String).alias(name)


def _evidence(t: pl.DataFrame, examples: int) -> pl.DataFrame:
    """One row per group of ``t`` (grouped by ``_g``): the evidence columns."""
    tag_hit = (
        pl.col("tags").list.eval(pl.element().str.contains(DEFECT_TOPICS)).list.any()
        if "tags" in t.columns
        else pl.lit(False)
    )
    t = t.with_columns(
        _col_or_null(t, "customer"),
        _col_or_null(t, "customer_tier"),
        _col_or_null(t, "category"),
        _col_or_null(t, "status"),
        _defect=pl.col("_text").str.contains(DEFECT_WORDS) | tag_hit.fill_null(False),
    )
    subject = "subject" if "subject" in t.columns else "_text"
    return (
        t.sort("created_at", descending=True)
        .group_by("_g")
        .agg(
            tickets=pl.len(),
            escalated=pl.col("escalated").sum().cast(pl.Int64),
            open=pl.col("status").is_in(OPEN_STATUSES).sum().cast(pl.Int64),
            customers=pl.col("customer").n_unique()
            - pl.col("customer").is_null().any().cast(pl.UInt32),
            first_seen=pl.col("created_at").min(),
            last_seen=pl.col("created_at").max(),
            main_category=pl.col("category").drop_nulls().mode().sort().first(),
            defect_share=pl.col("_defect").mean(),
            example_ids=pl.col("ticket_id").head(examples),
            example_subject=pl.col(subject).drop_nulls().mode().sort().first(),
        )
        .with_columns(
            customers=pl.col("customers").cast(pl.Int64),
            defect_like=pl.col("defect_share") >= 0.5,
        )
        .join(_mix(t, "customer_tier"), on="_g", how="left")
        .join(_mix(t, "category"), on="_g", how="left")
        .rename({"customer_tier_mix": "tiers", "category_mix": "categories"})
    )


def _empty_groups() -> pl.DataFrame:
    schema = {
        "group": pl.Int64, "label": pl.String, "example_subject": pl.String,
        "tickets": pl.Int64, "escalated": pl.Int64, "open": pl.Int64, "customers": pl.Int64,
        "tiers": pl.String, "first_seen": pl.Datetime("us", "UTC"),
        "last_seen": pl.Datetime("us", "UTC"), "categories": pl.String,
        "main_category": pl.String, "spiking": pl.Boolean, "spike": pl.String,
        "defect_like": pl.Boolean, "defect_share": pl.Float64,
        "example_ids": pl.List(pl.String), "strength": pl.Int64,
    }  # fmt: skip
    return pl.DataFrame(schema=schema)


def _empty_members() -> pl.DataFrame:
    return pl.DataFrame(schema={"ticket_id": pl.String, "group": pl.Int64})
