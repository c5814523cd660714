"""The "Bot first touch" section of the Routing & policy page: what a bot or AI agent met
first, what it resolved, what it handed to people and whether those escalated more often than
tickets that came straight to a person, by topic; topics to cover in the knowledge base.

The figures come from :func:`lib.bot.bot_review` (through :func:`ui.aggregates.aggregate`, so
the sidebar's filters apply); the export's own bot columns are read from the snapshot.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from lib.bot import BotReview, bot_review
from lib.charts import bot as charts
from lib.markdown import md_escape
from ui import aggregates, dataset, layout, session, widgets


def _names(text: str) -> tuple[str, ...]:
    """The bot names typed by the user, comma-separated, without blanks or duplicates."""
    return tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))


def _with_coverage(per: pl.DataFrame) -> pl.DataFrame:
    """``per`` with ``article_exists`` from the knowledge coverage recorded on Drivers (null
    where nothing is recorded for the category)."""
    cov = session.store().get_knowledge_coverage().select("category", "article_exists")
    return per.join(cov, on="category", how="left", maintain_order="left")


def _missing(review: BotReview) -> None:
    looked = ", ".join(review.looked_at) or "no column"
    layout.empty_state(
        "This export has no mark of a bot or AI agent, so the bot's first touch cannot be "
        f"shown. Looked at: {md_escape(looked)}.",
        action=f"To see it, load an export with {md_escape(review.hint)}; or name your bot above.",
    )


def _candidates(per: pl.DataFrame) -> None:
    st.markdown("**Knowledge-base candidates**")
    cand = per.filter(pl.col("candidate"))
    if cand.height == 0:
        st.caption(
            "No topic is both handed off at or above the bot's usual share and escalated more "
            "often after a handoff than straight to a person (with at least 5 handoffs)."
        )
    for row in cand.head(8).iter_rows(named=True):
        article = {True: "article recorded", False: "recorded as having no article"}.get(
            row["article_exists"], "no coverage record yet"
        )
        st.markdown(
            f"- **{md_escape(row['category'])}**: {row['handed_off']:,} handoffs "
            f"({100 * row['handoff_share']:.0f}% of its bot tickets), "
            f"{100 * row['handed_rate']:.0f}% escalated after a handoff against "
            f"{100 * (row['direct_rate'] or 0):.0f}% straight to a person; {article}."
        )
    st.page_link(
        "views/drivers.py",
        label="Knowledge coverage on the Drivers page",
        icon=":material/menu_book:",
    )


def section(data: dataset.Active) -> None:
    """Draw the section for the session's dataset and the sidebar's filters."""
    st.markdown(
        "Which tickets a bot or AI agent met first, what it resolved, and whether the tickets "
        "it handed to a person escalated more often than those that came straight to a person."
    )
    typed = st.text_input(
        "Your bot's names (comma-separated, optional)",
        key="bot_names",
        help="Agent or handler names that are a bot in this export (for example Ava). Known "
        "names (Answer Bot, AI agent, Fin, Freddy...) are found without it.",
    )
    path = str(session.store().snapshot_file(data.record))
    review: BotReview = aggregates.aggregate(
        data, bot_review, snapshot=path, extra_names=_names(typed)
    )
    if not review.found:
        _missing(review)
        return
    cards = charts.bot_cards(review.summary)
    for col, (label, card) in zip(st.columns(len(cards)), cards, strict=True):
        col.metric(label, **card)
    found = "; ".join(
        f"{md_escape(s)} “{md_escape(v)}”: {n:,} tickets" for s, v, n in review.evidence.rows()
    )
    st.caption(f"Bot marks found in {found}. The sidebar's filters apply.")
    for note in review.notes:
        st.warning(md_escape(note), icon=":material/warning:")
    per = _with_coverage(review.by_category)
    mix = (
        ""
        if review.same_mix is None
        else f" With the handed-off tickets' mix of topics, tickets straight to a person "
        f"would escalate at {100 * review.same_mix:.1f}%."
    )
    widgets.chart_downloads(
        charts.handoff_figure(per),
        "bot_handoff_escalation",
        key="bot_chart",
        data=per,
        caption="Per topic, the escalation rate of tickets the bot handed to a person beside "
        "tickets that came straight to a person, with counts; whiskers: 95% interval; "
        "★ knowledge-base candidate. Handed-off tickets differ in mix: the bot keeps the easy "
        "ones and bot channels bring other topics, so compare within a topic, not overall." + mix,
    )
    widgets.table(
        per, view=charts.BOT_CATEGORY_VIEW, key="bot_table", filename="bot_first_touch.csv"
    )
    _candidates(per)


__all__ = ["section"]
