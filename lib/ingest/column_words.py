"""Words that identify a canonical column: header synonyms per key, header words that argue
against a key, and the value vocabularies (status, priority, channel and rating words).

Built from the language data in :mod:`lib.ingest.languages` (one module per language): add
words there, not here.

>>> "persona asignada" in SYNONYMS["agent"], "pendente" in STATUS_WORDS
(True, True)
"""

from __future__ import annotations

from lib.ingest import languages
from lib.schema import CHANNELS, PRIORITIES, STATUSES

__all__ = ["AVOID", "CHANNEL_WORDS", "PRIORITY_WORDS", "RATING_WORDS", "STATUS_WORDS", "SYNONYMS"]

#: Normalised header names that mean each key, best first (English first, then the others).
SYNONYMS: dict[str, tuple[str, ...]] = languages.header_words()

#: Column tokens (accent-free) that argue against a key unless the synonym itself has them.
AVOID: dict[str, frozenset[str]] = languages.avoid_tokens()

_DURATION_HINTS = languages.header_tokens("DURATION_WORDS")


def _lower_words(kind: str, canonical: tuple[str, ...]) -> frozenset[str]:
    """Every word of a vocabulary in lower case, as written and without accents; one-letter
    words (``x`` for the social network) are left out: a column of ``x`` marks is no channel.

    >>> "x" in _lower_words("CHANNELS", ()), "twitter" in _lower_words("CHANNELS", ())
    (False, True)
    """
    words = {w for ws in languages.value_words(kind).values() for w in ws} | set(canonical)
    return frozenset(w for w in words | {languages.fold(w) for w in words} if len(w) > 1)


# --------------------------------------------------------------------------- value vocabularies

STATUS_WORDS = _lower_words("STATUSES", STATUSES)
PRIORITY_WORDS = _lower_words("PRIORITIES", PRIORITIES)
CHANNEL_WORDS = _lower_words("CHANNELS", CHANNELS)
RATING_WORDS = frozenset(w for ws in languages.word_lists("RATINGS").values() for w in ws)

_COUNT_WORDS = languages.header_tokens("COUNT_WORDS")
