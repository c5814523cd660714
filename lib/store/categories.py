"""What reviewers record per category: whether its escalations are skill- or policy-based
(tags) and the state of its knowledge-base article (coverage)."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlmodel import select

from lib.store._base import (
    StoreBase,
    _choice,
    _frame,
    _schema,
    _text,
    _upsert,
)
from lib.store.models import (
    TAG_KINDS,
    CategoryTag,
    KnowledgeCoverage,
    _now,
)
from lib.store.roles import Actor, _who, _writes


class CategoriesMixin(StoreBase):
    """Category tags and knowledge coverage."""

    @_writes
    def set_category_tag(
        self, category: str, kind: str, *, note: str = "", actor: Actor | None = None
    ) -> None:
        """Tag a category's escalations as ``skill``, ``policy`` or ``unknown``."""
        category = _text(category, "Category", required=True)
        _choice(kind, TAG_KINDS, "Tag")
        with self._write() as s:
            values = {"category": category, "kind": kind, "note": _text(note, "Note")}
            values.update(updated_by=_who(None, actor), updated_at=_now())
            _upsert(s, CategoryTag, values, "category")

    @_writes
    def remove_category_tag(self, category: str, *, actor: Actor | None = None) -> None:
        """Forget a category's tag."""
        with self._write() as s:
            s.execute(sa.delete(CategoryTag).where(CategoryTag.category == category))

    def get_category_tags(self) -> pl.DataFrame:
        """One row per tagged category: category, kind, note, updated_by, updated_at."""
        with self._read() as s:
            rows = s.exec(select(CategoryTag).order_by(CategoryTag.category)).all()
        return _frame(rows, _schema(CategoryTag))

    @_writes
    def set_knowledge_coverage(
        self,
        category: str,
        *,
        article_exists: bool = False,
        accurate: bool = False,
        detailed_enough: bool = False,
        link: str = "",
        note: str = "",
        actor: Actor | None = None,
    ) -> None:
        """Record the state of a category's knowledge-base article."""
        category = _text(category, "Category", required=True)
        with self._write() as s:
            values = {
                "category": category,
                "article_exists": bool(article_exists),
                "accurate": bool(accurate),
                "detailed_enough": bool(detailed_enough),
                "link": _text(link, "Link"),
                "note": _text(note, "Note"),
                "updated_by": _who(None, actor),
                "updated_at": _now(),
            }
            _upsert(s, KnowledgeCoverage, values, "category")

    def get_knowledge_coverage(self) -> pl.DataFrame:
        """One row per category with a coverage record."""
        with self._read() as s:
            rows = s.exec(select(KnowledgeCoverage).order_by(KnowledgeCoverage.category)).all()
        return _frame(rows, _schema(KnowledgeCoverage))
