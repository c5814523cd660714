"""A seeded helpdesk with planted defects, to measure the grouping against known truth.

Each planted defect is written many ways (paraphrased subjects, with reply prefixes, ticket
numbers, e-mail addresses and typos mixed in); around them sit noise tickets (how-to questions,
billing and account requests drawn from many words) and near misses: tickets about the same
product part as a defect, in the same category, that are not that defect ("How do I add
columns to the CSV export?" beside "CSV export fails with error 500").

Example
-------
>>> t, truth = planted_helpdesk(seed=1, noise=200)
>>> t.height > 200, sorted(truth.get_column("defect").unique().drop_nulls().to_list())[:2]
(True, ['calendar', 'csv500'])
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

#: Planted defects: name -> (category, paraphrases of the subject).
DEFECTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "csv500": (
        "Data export",
        (
            "CSV export fails with error 500",
            "Error 500 when exporting to CSV",
            "Exporting CSV gives a 500 server error",
            "csv export broken - 500 error",
            "Cannot export CSV, server error 500",
            "CSV export keeps failing (500)",
        ),
    ),
    "sso_loop": (
        "Login & SSO",
        (
            "Okta SSO login redirect loop",
            "Stuck in a redirect loop after Okta login",
            "SSO via Okta loops back to the login page",
            "Okta sign in keeps redirecting in a loop",
            "Login loop with Okta single sign-on",
        ),
    ),
    "ios_crash": (
        "Bug report",
        (
            "iOS app crashes on launch",
            "Mobile app crashing at startup on iPhone",
            "App crashes immediately when opened on iOS",
            "iPhone app crash on start",
            "The iOS app keeps crashing when launching",
        ),
    ),
    "invoice_pdf": (
        "Billing & invoices",
        (
            "Invoice PDF download is blank",
            "Downloaded invoice PDF shows an empty page",
            "Blank PDF when downloading invoices",
            "Invoice PDFs are empty after download",
            "PDF invoice download gives a blank document",
        ),
    ),
    "webhook_dupes": (
        "API & integrations",
        (
            "Webhooks delivered twice",
            "Duplicate webhook deliveries for every event",
            "We receive each webhook event two times",
            "Webhook events are sent in duplicate",
            "Double webhook calls since yesterday",
        ),
    ),
    "calendar": (
        "Bug report",
        (
            "Calendar view shows events on the wrong day",
            "Events appear one day off in the calendar",
            "Calendar displays meetings on the wrong date",
            "Wrong day for events in calendar view",
            "Calendar shifts events by a day",
        ),
    ),
}

#: Near misses: same product part (and category) as a defect, another question.
NEAR_MISSES: tuple[tuple[str, str], ...] = (
    ("csv500", "How do I add columns to the CSV export?"),
    ("csv500", "Can the CSV export include custom fields?"),
    ("csv500", "Schedule a weekly CSV export"),
    ("sso_loop", "How do I set up Okta SSO for a new domain?"),
    ("sso_loop", "Okta certificate rotation next month"),
    ("ios_crash", "Where can I download the iOS app?"),
    ("ios_crash", "Does the iOS app support dark mode?"),
    ("invoice_pdf", "Change the address on our invoice PDF"),
    ("invoice_pdf", "Need a copy of last year's invoice"),
    ("webhook_dupes", "How do I configure webhooks for new tickets?"),
    ("webhook_dupes", "Webhook signing secret rotation"),
    ("calendar", "Can the calendar view show weekends?"),
    ("calendar", "Share the calendar with my team"),
)

_NOISE_VERBS = ("How do I", "Can I", "Where do I", "Is it possible to", "Question:", "Help to")
_NOISE_ACTIONS = (
    "change", "rename", "configure", "remove", "invite", "update", "find", "archive",
    "assign", "translate", "merge", "move", "copy", "hide", "sort", "print", "tag",
)  # fmt: skip
_NOISE_OBJECTS = (
    "user roles", "team members", "my avatar", "the dashboard layout", "saved filters",
    "email templates", "the company logo", "our time zone", "notification sounds",
    "project folders", "a workspace", "custom statuses", "the sidebar", "report widgets",
    "keyboard shortcuts", "the language", "billing contacts", "seat count", "API tokens",
    "audit settings", "retention rules", "guest access", "the welcome email", "SLA targets",
)  # fmt: skip
_NOISE_CATEGORIES = ("How-to", "Onboarding", "Billing & invoices", "Account deletion")
_TIERS = ("free", "pro", "enterprise")
_PREFIXES = ("", "", "", "Re: ", "Fwd: ", "URGENT ", "[External] ")


def _typo(rng: np.random.Generator, text: str) -> str:
    """Drop or swap one letter of a word about a third of the time."""
    if rng.random() > 0.33 or len(text) < 8:
        return text
    i = int(rng.integers(1, len(text) - 2))
    if rng.random() < 0.5:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def planted_helpdesk(
    *,
    seed: int = 0,
    noise: int = 3_000,
    defect_sizes: tuple[int, int] = (12, 80),
    near_misses: int = 20,
    days: int = 28,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(tickets, truth): canonical-shaped tickets and ``ticket_id -> defect`` (null for noise and
    near misses). Each defect gets a size drawn from ``defect_sizes`` and a burst of days."""
    rng = np.random.default_rng(seed)
    start = datetime(2024, 3, 1, tzinfo=UTC)
    rows: list[dict] = []

    def add(subject: str, category: str, defect: str | None, day: float) -> None:
        n = len(rows)
        ref = f" #{int(rng.integers(10_000, 99_999))}" if rng.random() < 0.2 else ""
        mail = f" (from user{n}@example.com)" if rng.random() < 0.1 else ""
        prefix = _PREFIXES[int(rng.integers(len(_PREFIXES)))]
        bug_hit = defect is not None
        rows.append(
            {
                "ticket_id": f"T{n + 1:06d}",
                "created_at": start + timedelta(days=float(day)),
                "subject": prefix + _typo(rng, subject) + ref + mail,
                "category": category,
                "customer": f"Org {int(rng.integers(0, 300))}",
                "customer_tier": _TIERS[int(rng.choice(3, p=[0.5, 0.35, 0.15]))],
                "escalated": bool(rng.random() < (0.3 if bug_hit else 0.08)),
                "status": "open" if rng.random() < 0.25 else "solved",
                "defect": defect,
            }
        )

    for name, (category, phrasings) in DEFECTS.items():
        size = int(rng.integers(defect_sizes[0], defect_sizes[1] + 1))
        begin = float(rng.uniform(0, days - 7))
        for _ in range(size):
            add(phrasings[int(rng.integers(len(phrasings)))], category, name,
                begin + rng.uniform(0, 7))  # fmt: skip
    for _ in range(noise):
        verb = _NOISE_VERBS[int(rng.integers(len(_NOISE_VERBS)))]
        act = _NOISE_ACTIONS[int(rng.integers(len(_NOISE_ACTIONS)))]
        obj = _NOISE_OBJECTS[int(rng.integers(len(_NOISE_OBJECTS)))]
        cat = _NOISE_CATEGORIES[int(rng.integers(len(_NOISE_CATEGORIES)))]
        add(f"{verb} {act} {obj}?", cat, None, rng.uniform(0, days))
    for _ in range(near_misses * len(DEFECTS)):
        near, text = NEAR_MISSES[int(rng.integers(len(NEAR_MISSES)))]
        add(text, DEFECTS[near][0], None, rng.uniform(0, days))
    frame = pl.DataFrame(rows).sample(fraction=1.0, shuffle=True, seed=seed)
    frame = frame.with_columns(
        pl.col("created_at").dt.cast_time_unit("us"),
        tags=pl.lit([], dtype=pl.List(pl.String)),
    )
    return frame.drop("defect"), frame.select("ticket_id", "defect")


def score_groups(
    members: pl.DataFrame,
    truth: pl.DataFrame,
    groups: pl.DataFrame | None = None,
    *,
    cover: float = 0.5,
    purity: float = 0.7,
) -> dict[str, float]:
    """Precision and recall of groups against planted defects.

    A group is *true* when at least ``purity`` of its tickets are one planted defect. A planted
    defect is *found* when a true group holds at least ``cover`` of its tickets. Recall:
    defects found / defects planted. Precision: true groups / groups reported (with ``groups``,
    only those marked ``defect_like`` count as reported: what the page shows first).
    Fragments: true groups per defect found (1.0 when no defect is split).

    >>> m = pl.DataFrame({"ticket_id": ["a", "b", "c", "d"], "group": [1, 1, 1, 2]})
    >>> truth = pl.DataFrame({"ticket_id": ["a", "b", "c", "d"], "defect": ["x", "x", None, None]})
    >>> score_groups(m, truth, purity=0.6)
    {'recall': 1.0, 'precision': 0.5, 'fragments': 1.0, 'groups': 2.0, 'defects': 1.0}
    """
    if groups is not None:
        shown = groups.filter(pl.col("defect_like")).get_column("group")
        members = members.filter(pl.col("group").is_in(shown.implode()))
    sizes = truth.filter(pl.col("defect").is_not_null()).group_by("defect").len("planted")
    size_g = members.group_by("group").len("size")
    both = (
        members.join(truth, on="ticket_id", how="left")
        .filter(pl.col("defect").is_not_null())
        .group_by("group", "defect")
        .len("hit")
        .join(sizes, on="defect")
        .join(size_g, on="group")
        .filter(pl.col("hit") >= purity * pl.col("size"))
    )
    found = both.filter(pl.col("hit") >= cover * pl.col("planted")).get_column("defect")
    n_groups = size_g.height
    n_found = found.n_unique()
    return {
        "recall": n_found / sizes.height if sizes.height else 0.0,
        "precision": both.get_column("group").n_unique() / n_groups if n_groups else 0.0,
        "fragments": both.filter(pl.col("defect").is_in(found.implode())).height / n_found
        if n_found
        else 0.0,
        "groups": float(n_groups),
        "defects": float(sizes.height),
    }
