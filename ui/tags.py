"""Category tags (skill / policy / unknown): read, saved and shown beside categories."""

from __future__ import annotations

import polars as pl
import streamlit as st

from lib.store import default_store
from ui import session


@st.cache_data(ttl=60, show_spinner=False)
def _category_tags(url: str) -> pl.DataFrame:
    return default_store(url).get_category_tags()


def category_tags() -> pl.DataFrame:
    """Stored category tags: ``category``, ``kind`` (skill / policy / unknown), ``note``, …"""
    return _category_tags(session.store().url)


def policy_categories() -> tuple[str, ...]:
    """Categories tagged policy-based (they feed the overview's policy share)."""
    tags = category_tags()
    return tuple(tags.filter(pl.col("kind") == "policy").get_column("category").sort().to_list())


def save_category_tag(category: str, kind: str, note: str = "") -> None:
    """Store a category's tag as the signed-in user and refresh every page's view of tags."""
    session.store().set_category_tag(category, kind, note=note, actor=session.actor())
    _category_tags.clear()


def with_tags(frame: pl.DataFrame, column: str = "category") -> pl.DataFrame:
    """``frame`` with a ``tag`` column (skill / policy / unknown, ``–`` untagged) after
    ``column``, so every table that lists categories shows their tags."""
    if column not in frame.columns:
        return frame
    tags = category_tags().select(pl.col("category").alias(column), pl.col("kind").alias("tag"))
    out = frame.join(tags, on=column, how="left", maintain_order="left")
    out = out.with_columns(pl.col("tag").fill_null("–"))
    order = list(frame.columns)
    order.insert(order.index(column) + 1, "tag")
    return out.select(order)


def tag_label(category: str) -> str:
    """``"Refunds (policy)"``: a category with its tag, for selectboxes."""
    tags = dict(category_tags().select("category", "kind").iter_rows())
    return f"{category} ({tags[category]})" if category in tags else category
