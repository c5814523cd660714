"""The bot's first touch: which tickets a bot or AI agent met first (:mod:`lib.bot.marks`,
words as data in :mod:`lib.bot.words`) and what followed (:mod:`lib.bot.figures`).

>>> from lib.bot import is_bot_name
>>> is_bot_name("Answer Bot for Web Widget")
True
"""

from __future__ import annotations

from lib.bot.figures import (
    BotReview,
    bot_by_category,
    bot_review,
    bot_summary,
    direct_same_mix,
    review_marks,
)
from lib.bot.marks import (
    MARK_COLUMNS,
    BotMarks,
    bot_columns,
    is_bot_name,
    mark_tickets,
    tag_meaning,
)

__all__ = [
    "MARK_COLUMNS",
    "BotMarks",
    "BotReview",
    "bot_by_category",
    "bot_columns",
    "bot_review",
    "bot_summary",
    "direct_same_mix",
    "is_bot_name",
    "mark_tickets",
    "review_marks",
    "tag_meaning",
]
