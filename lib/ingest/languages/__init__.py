"""The words exports use, per language, kept as data in one place: one module per language
(``en``, ``es``, ``pt``, ``fr``, ``de``, ``it``, ``nl``, ``pl``, ``sv``, ``cs``, ``ru``,
``ja``, ``zh``, ``da``, ``nb``, ``fi``, ``hu``, ``ro``, ``sk``, ``tr``, ``uk``, ``ko``), merged
here for the matcher and the value parsers.

A language module holds plain constants, every one optional:

- ``HEADERS``: ``{canonical key: "header|header|..."}``, header names that mean each key
  (written as the export shows them; case, spaces and accents do not matter);
- ``AVOID``: ``{canonical key: "token token"}``, header words that argue against a key;
- ``STATUSES``, ``PRIORITIES``, ``CHANNELS``: ``{canonical value: "word|word|..."}``, the
  export's values for each of the schema's vocabularies (``lib.schema``);
- ``NOBODY``: ``"word|word"``, cells of a person or group column that mean nobody;
- ``NOTHING``: ``"word|word"``, cells of a status, priority or channel column that mean
  no value (``Ninguna``, ``Keine``);
- ``MONTHS``: twelve ``"abbreviation|name"`` strings, January first, for dates written with
  month names (``10/ene/25``, ``12. Mär. 2024``);
- ``RATINGS``, ``COUNT_WORDS``, ``DURATION_WORDS``: rating words, and header tokens of count
  and duration columns.

Values and month names are compared by :func:`value_key` / :func:`fold` (lower case, without
accents, ``ß`` as ``ss``; values also without spaces and punctuation), so ``Em atendimento
(atribuído)`` and ``em atendimento atribuido`` are the same word. A word may mean only one
thing: ``tests/ingest/test_languages.py`` fails when two languages (or one) give the same
normalised word two canonical values. To add a language, copy ``es.py``, translate, and add the
module to ``MODULES`` below (see ARCHITECTURE.md, "Where to add").

>>> value_map("STATUSES")[value_key("Em atendimento (atribuído)")]
'open'
>>> header_words()["created_at"][:2]
('created', 'created at')
>>> month_numbers()["marz"], month_numbers()[fold("Mär")]
(3, 3)
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from types import ModuleType

from lib.ingest.languages import (
    cs,
    da,
    de,
    en,
    es,
    fi,
    fr,
    hu,
    it,
    ja,
    ko,
    nb,
    nl,
    pl,
    pt,
    ro,
    ru,
    sk,
    sv,
    tr,
    uk,
    zh,
)

__all__ = [
    "LANGUAGES",
    "MODULES",
    "VALUE_KINDS",
    "avoid_tokens",
    "collisions",
    "fold",
    "header_tokens",
    "header_words",
    "month_numbers",
    "value_key",
    "value_map",
    "value_words",
    "word_lists",
]

#: The language modules, English first (its header words are tried first).
MODULES: tuple[ModuleType, ...] = (
    en, es, pt, fr, de, it, nl, pl, sv, cs, ru, ja, zh, da, nb, fi, hu, ro, sk, tr, uk, ko
)  # fmt: skip
#: Their codes.
LANGUAGES: tuple[str, ...] = tuple(m.CODE for m in MODULES)
#: The value vocabularies every language may fill.
VALUE_KINDS = ("STATUSES", "PRIORITIES", "CHANNELS")


def fold(text: str) -> str:
    """Lower case without accents (``ß`` as ``ss``, Turkish ``ı`` as ``i``); spaces and
    punctuation kept.

    >>> fold("Última Atualização"), fold("Straße")
    ('ultima atualizacao', 'strasse')
    """
    low = str(text).lower()
    if low.isascii():
        return low
    low = low.replace("ß", "ss").replace("ı", "i")  # Turkish dotless i: "ATANMAMIŞ" too
    return "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))


def value_key(text: str) -> str:
    """The key a value word is compared by: folded, without spaces or punctuation.

    >>> value_key("Em atendimento (atribuído)"), value_key("  WON'T fix ")
    ('ematendimentoatribuido', 'wontfix')
    """
    return re.sub(r"[\W_]+", "", fold(text))


def _alts(text: str) -> tuple[str, ...]:
    """``"a|B  c|"`` -> ``("a", "b c")``: lower case, single spaces, empty parts dropped."""
    return tuple(" ".join(s.split()).lower() for s in text.split("|") if s.strip())


def _unique(words: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words))


@cache
def header_words() -> dict[str, tuple[str, ...]]:
    """Header names per canonical key, every language merged (English first, order kept).

    >>> "data de abertura" in header_words()["created_at"]
    True
    """
    out: dict[str, list[str]] = {}
    for m in MODULES:
        for key, text in getattr(m, "HEADERS", {}).items():
            out.setdefault(key, []).extend(_alts(text))
    return {k: _unique(v) for k, v in out.items()}


@cache
def avoid_tokens() -> dict[str, frozenset[str]]:
    """Header tokens (folded) that argue against each key, every language merged.

    >>> "vencimiento" in avoid_tokens()["created_at"]
    True
    """
    out: dict[str, set[str]] = {k: set() for k in header_words()}
    for m in MODULES:
        for key, text in getattr(m, "AVOID", {}).items():
            out.setdefault(key, set()).update(fold(text).split())
    return {k: frozenset(v) for k, v in out.items()}


@cache
def header_tokens(field: str) -> frozenset[str]:
    """Folded header tokens of a space-separated field (``COUNT_WORDS``, ``DURATION_WORDS``).

    >>> "minutes" in header_tokens("DURATION_WORDS")
    True
    """
    return frozenset(t for m in MODULES for t in fold(getattr(m, field, "")).split())


@cache
def value_words(kind: str) -> dict[str, tuple[str, ...]]:
    """The words of one vocabulary (``STATUSES``, ``PRIORITIES``, ``CHANNELS``) per canonical
    value, every language merged.

    >>> "pendente" in value_words("STATUSES")["pending"]
    True
    """
    out: dict[str, list[str]] = {}
    for m in MODULES:
        for canon, text in getattr(m, kind, {}).items():
            out.setdefault(canon, []).extend(_alts(text))
    return {k: _unique(v) for k, v in out.items()}


def _value_pairs(kind: str) -> list[tuple[str, str, str, str]]:
    """(key, canonical value, language, word as written) for every word of a vocabulary."""
    return [
        (value_key(word), canon, m.CODE, word)
        for m in MODULES
        for canon, text in getattr(m, kind, {}).items()
        for word in _alts(text)
    ]


@cache
def value_map(kind: str) -> dict[str, str]:
    """``{value_key(word): canonical value}`` for one vocabulary (the first language wins a
    clash, which the tests forbid).

    >>> value_map("PRIORITIES")[value_key("Média")]
    'normal'
    """
    out: dict[str, str] = {}
    for key, canon, _, _ in _value_pairs(kind):
        out.setdefault(key, canon)
    return out


@cache
def word_lists(field: str) -> dict[str, tuple[str, ...]]:
    """A ``|`` word field (``NOBODY``, ``NOTHING``, ``RATINGS``) per language code.

    >>> word_lists("NOBODY")["es"][:2]
    ('sin asignar', 'no asignado')
    """
    return {m.CODE: _alts(getattr(m, field)) for m in MODULES if getattr(m, field, "")}


@cache
def month_numbers() -> dict[str, int]:
    """``{folded month name or abbreviation: 1..12}``, every language merged.

    >>> month_numbers()["okt"], month_numbers()["dic"], month_numbers()["marco"]
    (10, 12, 3)
    """
    out: dict[str, int] = {}
    for m in MODULES:
        for number, text in enumerate(getattr(m, "MONTHS", ()), start=1):
            for word in _alts(text):
                out.setdefault(fold(word), number)
    return out


def collisions() -> list[str]:
    """Words that two languages (or one) give different meanings, as messages (none expected).

    Covers the value vocabularies, the month names and the header names (a header name of
    one language that another language gives to a different key).

    >>> collisions()
    []
    """
    problems: list[str] = []

    def check(field: str, pairs: list[tuple[str, str, str, str]]) -> None:
        seen: dict[str, tuple[str, str, str]] = {}
        for key, meaning, lang, word in pairs:
            first = seen.setdefault(key, (meaning, lang, word))
            if first[0] != meaning:
                problems.append(
                    f"{field}: {lang} {word!r} means {meaning!r} but {first[1]} "
                    f"{first[2]!r} means {first[0]!r}"
                )

    for kind in VALUE_KINDS:
        check(kind, _value_pairs(kind))
    months = [
        (fold(w), str(n), m.CODE, w)
        for m in MODULES
        for n, text in enumerate(getattr(m, "MONTHS", ()), start=1)
        for w in _alts(text)
    ]
    check("MONTHS", months)
    # Headers: within one language a name may suit two keys (``tier``); across languages not.
    by_lang: dict[str, dict[str, set[str]]] = {}
    for m in MODULES:
        for key, text in getattr(m, "HEADERS", {}).items():
            for word in _alts(text):
                by_lang.setdefault(value_key(word), {}).setdefault(m.CODE, set()).add(key)
    for word, langs in by_lang.items():
        if len(langs) > 1 and len({frozenset(keys) for keys in langs.values()}) > 1:
            where = "; ".join(f"{lang}: {sorted(keys)}" for lang, keys in langs.items())
            problems.append(f"HEADERS: {word!r} means different keys ({where})")
    nothing = {value_key(w) for words in word_lists("NOTHING").values() for w in words}
    for kind in VALUE_KINDS:
        for key, canon, lang, word in _value_pairs(kind):
            if key in nothing:
                problems.append(f"NOTHING: {lang} {word!r} is also a {kind} word ({canon!r})")
    return problems
