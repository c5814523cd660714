"""A closed calibration session's results: agreement among the participants (on the decision
and on where to escalate), each participant against the team and against what happened, the
most disputed scenarios, and differences by group or tenure.

Inputs are two small frames, as :mod:`lib.store.calibration` returns them:

- ``items``: ``item_id``, ``position``, ``ticket_id``, ``category``, ``subject`` and the outcome
  ``outcome_escalated`` (bool) and ``outcome_group``;
- ``answers``: ``item_id``, ``participant``, ``escalate`` (bool), ``target`` (tier or group when
  escalating), ``reason``, and optionally ``participant_group`` and ``participant_tenure``.

"The team majority" for a participant is the most common answer of the *other* participants on
that scenario (their own answer does not count, so nobody agrees with themselves); a tie among
the others is no majority, and that scenario is left out of the participant's share.

Example
-------
>>> import polars as pl
>>> items = pl.DataFrame({"item_id": [1, 2], "position": [0, 1], "ticket_id": ["a", "b"],
...     "category": ["SSO", "Billing"], "subject": ["", ""], "outcome_escalated": [True, False],
...     "outcome_group": ["Tier 2", None]})
>>> answers = pl.DataFrame({"item_id": [1, 1, 2, 2], "participant": ["ana", "bo"] * 2,
...     "escalate": [True, True, False, True], "target": ["Tier 2", "Tier 2", "", "Tier 2"],
...     "reason": ["skill", "skill", "", "policy"]})
>>> r = session_results(items, answers)
>>> r.n_participants, r.items.get_column("ticket_id").to_list()
(2, ['b', 'a'])
>>> r.participants.select("participant", "with_majority", "with_outcome").rows()
[('ana', 0.5, 1.0), ('bo', 0.5, 0.5)]
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import polars as pl

from lib.calibration.agreement import Agreement, fleiss_kappa, gwet_ac1, pair_agreement

ESCALATE = "Escalate"
TIER1 = "Handle at Tier 1"
DECISIONS = (TIER1, ESCALATE)
#: The reasons a participant may give for escalating.
REASONS = ("skill", "policy", "customer demand", "bug")
#: Optional descriptors of a participant that results are split by.
GROUP_FIELDS = {"participant_group": "Group", "participant_tenure": "Tenure"}

_PARTICIPANT_SCHEMA = {
    "participant": pl.String,
    "participant_group": pl.String,
    "participant_tenure": pl.String,
    "answered": pl.Int64,
    "escalate_share": pl.Float64,
    "compared": pl.Int64,
    "with_majority": pl.Float64,
    "with_outcome": pl.Float64,
}


@dataclass(frozen=True)
class Results:
    """What a session found. ``decision``: agreement on escalate or not; ``target``: on what to
    do (Tier 1, or escalate to which tier or group). ``reason`` says why nothing could be
    computed (fewer than two participants), else is empty."""

    decision_kappa: Agreement
    decision_ac1: Agreement
    target_kappa: Agreement
    target_ac1: Agreement
    n_items: int
    n_participants: int
    n_answers: int
    agreed_beyond_chance: int
    judged_items: int
    participants: pl.DataFrame
    items: pl.DataFrame
    groups: pl.DataFrame
    reason: str = ""


def decision_label(escalate: bool | None) -> str | None:
    """The answer as a label: "Escalate" or "Handle at Tier 1".

    >>> decision_label(True), decision_label(False), decision_label(None)
    ('Escalate', 'Handle at Tier 1', None)
    """
    if escalate is None:
        return None
    return ESCALATE if escalate else TIER1


def target_label(escalate: bool | None, target: str | None) -> str | None:
    """What to do with the ticket: Tier 1, or escalate to a named tier or group.

    >>> target_label(False, "Tier 2"), target_label(True, " tier 2 "), target_label(True, "")
    ('Tier 1', 'Escalate to Tier 2', 'Escalate (no target)')
    """
    if escalate is None:
        return None
    if not escalate:
        return "Tier 1"
    name = " ".join(str(target or "").split())
    return f"Escalate to {name[:1].upper() + name[1:]}" if name else "Escalate (no target)"


def counts_table(
    answers: pl.DataFrame, item_ids: list[int], labels: list[str], column: str = "label"
) -> np.ndarray:
    """Scenario x answer table of counts, rows in ``item_ids`` order, columns in ``labels``.

    >>> a = pl.DataFrame({"item_id": [1, 1, 2], "label": ["x", "y", "x"]})
    >>> counts_table(a, [1, 2, 3], ["x", "y"]).tolist()
    [[1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]
    """
    row = {i: k for k, i in enumerate(item_ids)}
    col = {lab: k for k, lab in enumerate(labels)}
    out = np.zeros((len(item_ids), len(labels)))
    for item, lab in answers.select("item_id", column).iter_rows():
        if item in row and lab in col:
            out[row[item], col[lab]] += 1
    return out


def _majority(labels: list[str]) -> str | None:
    """The most common label, or ``None`` on a tie or with no labels.

    >>> _majority(["a", "b", "a"]), _majority(["a", "b"]), _majority([])
    ('a', None, None)
    """
    top = Counter(labels).most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return None
    return top[0][0]


def _labelled(answers: pl.DataFrame) -> pl.DataFrame:
    for name in GROUP_FIELDS:
        if name not in answers.columns:
            answers = answers.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    answers = answers.filter(pl.col("escalate").is_not_null())
    rows = answers.select("escalate", "target").rows()
    return answers.with_columns(
        label=pl.Series([decision_label(e) for e, _ in rows], dtype=pl.String),
        where=pl.Series([target_label(e, t) for e, t in rows], dtype=pl.String),
    )


def _participants(answers: pl.DataFrame, outcome: dict[int, bool | None]) -> pl.DataFrame:
    by_item: dict[int, list[tuple[str, str]]] = {}
    for item, who, lab in answers.select("item_id", "participant", "label").iter_rows():
        by_item.setdefault(item, []).append((who, lab))
    rows = []
    for who, own in answers.group_by("participant", maintain_order=True):
        name = who[0]
        agree = compared = hit = known = 0
        for item, lab in own.select("item_id", "label").iter_rows():
            others = _majority([lb for w, lb in by_item[item] if w != name])
            if others is not None:
                compared += 1
                agree += lab == others
            happened = outcome.get(item)
            if happened is not None:
                known += 1
                hit += lab == decision_label(happened)
        first = own.row(0, named=True)
        rows.append(
            {
                "participant": name,
                "participant_group": first.get("participant_group"),
                "participant_tenure": first.get("participant_tenure"),
                "answered": own.height,
                "escalate_share": float(own.get_column("escalate").mean()),
                "compared": compared,
                "with_majority": agree / compared if compared else None,
                "with_outcome": hit / known if known else None,
            }
        )
    return pl.DataFrame(rows, schema=_PARTICIPANT_SCHEMA).sort("participant")


def _count_words(values: list[str]) -> str:
    """``"Tier 2 ×3, Billing ×1"``: the answers given, most common first."""
    return ", ".join(f"{v} ×{n}" for v, n in Counter(v for v in values if v).most_common())


def _items(items: pl.DataFrame, answers: pl.DataFrame, per_item: tuple[float, ...]) -> pl.DataFrame:
    agreement = dict(zip(items.get_column("item_id").to_list(), per_item, strict=False))
    rows = []
    for it in items.iter_rows(named=True):
        mine = answers.filter(pl.col("item_id") == it["item_id"])
        labels = mine.get_column("label").to_list()
        majority = _majority(labels)
        happened = it.get("outcome_escalated")
        share = agreement.get(it["item_id"], math.nan)
        rows.append(
            {
                "item_id": it["item_id"],
                "position": it["position"],
                "ticket_id": it["ticket_id"],
                "category": it.get("category"),
                "subject": it.get("subject"),
                "answers": mine.height,
                "escalate": labels.count(ESCALATE),
                "tier1": labels.count(TIER1),
                "majority": majority if majority is not None else ("split" if labels else None),
                "agreement": None if math.isnan(share) else share,
                "what_happened": decision_label(happened),
                "outcome_group": it.get("outcome_group"),
                "targets": _count_words(mine.get_column("where").to_list()),
                "reasons": _count_words(mine.get_column("reason").to_list()),
            }
        )
    schema = {
        "item_id": pl.Int64, "position": pl.Int64, "ticket_id": pl.String,
        "category": pl.String, "subject": pl.String, "answers": pl.Int64, "escalate": pl.Int64,
        "tier1": pl.Int64, "majority": pl.String, "agreement": pl.Float64,
        "what_happened": pl.String, "outcome_group": pl.String, "targets": pl.String,
        "reasons": pl.String,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema).sort(
        ["agreement", "answers", "position"], descending=[False, True, False], nulls_last=True
    )


def _groups(answers: pl.DataFrame, participants: pl.DataFrame, item_ids: list[int]) -> pl.DataFrame:
    rows = []
    for field, label in GROUP_FIELDS.items():
        known = participants.filter(pl.col(field).is_not_null() & (pl.col(field) != ""))
        if known.get_column(field).n_unique() < 2:
            continue  # nothing to compare
        for (value,), members in known.group_by(field, maintain_order=True):
            mine = answers.filter(
                pl.col("participant").is_in(members.get_column("participant").to_list())
            )
            kappa = fleiss_kappa(counts_table(mine, item_ids, list(DECISIONS)))
            rows.append(
                {
                    "by": label,
                    "value": value,
                    "participants": members.height,
                    "answers": mine.height,
                    "escalate_share": float(mine.get_column("escalate").mean()),
                    "with_majority": members.get_column("with_majority").mean(),
                    "with_outcome": members.get_column("with_outcome").mean(),
                    "kappa_within": kappa.value if kappa.defined else None,
                }
            )
    schema = {
        "by": pl.String, "value": pl.String, "participants": pl.Int64, "answers": pl.Int64,
        "escalate_share": pl.Float64, "with_majority": pl.Float64,
        "with_outcome": pl.Float64, "kappa_within": pl.Float64,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema).sort(["by", "value"])


def session_results(items: pl.DataFrame, answers: pl.DataFrame) -> Results:
    """Everything the Results tab shows for one session (see the module docstring)."""
    answers = _labelled(answers)
    item_ids = items.get_column("item_id").to_list()
    answers = answers.filter(pl.col("item_id").is_in(item_ids))
    decisions = counts_table(answers, item_ids, list(DECISIONS))
    wheres = sorted({w for w in answers.get_column("where").to_list() if w})
    if "Tier 1" not in wheres:
        wheres = ["Tier 1", *wheres]
    targets = counts_table(answers, item_ids, wheres, column="where")
    kappa, ac1 = fleiss_kappa(decisions), gwet_ac1(decisions)
    n_people = answers.get_column("participant").n_unique()
    outcome = dict(items.select("item_id", "outcome_escalated").iter_rows())
    per_item = tuple(float(v) for v in pair_agreement(decisions))
    judged = [p for p in per_item if not math.isnan(p)]
    beyond = sum(p > kappa.pe for p in judged) if not math.isnan(kappa.pe) else 0
    participants = _participants(answers, outcome)
    return Results(
        decision_kappa=kappa,
        decision_ac1=ac1,
        target_kappa=fleiss_kappa(targets),
        target_ac1=gwet_ac1(targets),
        n_items=len(item_ids),
        n_participants=n_people,
        n_answers=answers.height,
        agreed_beyond_chance=int(beyond),
        judged_items=len(judged),
        participants=participants,
        items=_items(items, answers, per_item),
        groups=_groups(answers, participants, item_ids),
        reason="" if n_people >= 2 else "needs two participants (at least) to measure agreement",
    )
