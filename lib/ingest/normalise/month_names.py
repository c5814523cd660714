"""Month names of other languages in dates: ``10/ene/25``, ``3/févr./24``, ``12. Mär. 2024``,
``1 de março de 2024`` rewritten with English abbreviations (and ``p. m.`` as ``PM``) so that
the date formats can read them. The names come from ``MONTHS`` in :mod:`lib.ingest.languages`.

Vectorised: one regular expression finds the month word of every value, the few distinct words
are mapped to English, and one replace writes them back; a column is only rewritten when a
sample of its distinct values has a foreign month word.
"""

from __future__ import annotations

import re

import polars as pl

from lib.ingest.languages import MODULES, en, fold, month_numbers
from lib.ingest.normalise._common import _sample_distinct

_ENGLISH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _foreign_words() -> dict[str, str]:
    """``{lower-case month word: English abbreviation}``, as written and without accents, for
    every month word the date formats cannot read (all but English ``Mar`` and ``March``)."""
    # What chrono's %B reads: English abbreviations and full names ("Sept" is neither).
    english = {max(t.split("|"), key=len) for t in en.MONTHS} | {a.lower() for a in _ENGLISH}
    out: dict[str, str] = {}
    for m in MODULES:
        for number, text in enumerate(getattr(m, "MONTHS", ()), start=1):
            for word in text.split("|"):
                word = word.strip().lower()
                for form in {word, fold(word)} - english - {""}:
                    out.setdefault(form, _ENGLISH[number - 1])
    return out


_WORDS = _foreign_words()
# A dot after a month word goes with it ("févr." -> "Feb").
_MONTH_RE = (
    r"(?i)\b(" + "|".join(re.escape(w) for w in sorted(_WORDS, key=len, reverse=True)) + r")\b\.?"
)
# "1 de março de 2024", "10 de jun de 2025": the two "de" go.
_DE_RE = r"(?i)(\d)\s+de\s+(\p{L}+\.?)\s+de\s+(\d)"
# An English abbreviation with a dot, as French and Spanish interfaces write the months they
# share with English ("16/oct./25", "3/nov./24"): the dot goes, as after the other months
# (not before a digit: "12.Mar.2024" keeps its separators).
_DOTTED_RE = r"(?i)\b(" + "|".join(_ENGLISH) + r")\.(\D|$)"
_MERIDIEM_RE = r"(?i)\b[ap]\.\s?m\.(?:\s|$)"
#: Before and after noon in other words, after a time: German "vorm." / "nachm." (older Java
#: locale data), Japanese 午前 / 午後, Chinese 上午 / 下午, Korean 오전 / 오후, Turkish ÖÖ / ÖS,
#: Hungarian de. / du., Finnish ap. / ip., Ukrainian дп / пп (Jira: ``12/6月/24 3:29 午後``).
_AM_WORDS = r"vorm\.|午前|上午|오전|ÖÖ|öö|de\.|ap\.|дп"
_PM_WORDS = r"nachm\.|午後|下午|오후|ÖS|ös|du\.|ip\.|пп"
_OTHER_MERIDIEM = {
    "AM": rf"(?i)(\d)\s*(?:{_AM_WORDS})(?:\s|$)",
    "PM": rf"(?i)(\d)\s*(?:{_PM_WORDS})(?:\s|$)",
}
_HAS_OTHER = rf"(?i)\d\s*(?:{_AM_WORDS}|{_PM_WORDS})(?:\s|$)"


def english_month_names(s: pl.Series) -> pl.Series:
    """Rewrite month names of other languages (and ``a. m.``/``p. m.``) in English.

    Returns ``s`` itself when a sample of its distinct values has none. Values keep their
    numbers and order; only the month word (with a dot after it, and the ``de`` around it in
    ``1 de março de 2024``) changes.

    >>> english_month_names(pl.Series(["10/ene/25 4:51 PM", "3/févr./24", "12. Mär. 2024",
    ...     "1 de março de 2024", "5 mag 2024", "7 okt 2023", "4:05 p. m.", None])).to_list()
    ['10/Jan/25 4:51 PM', '3/Feb/24', '12. Mar 2024', '1 Mar 2024', '5 May 2024', \
'7 Oct 2023', '4:05 PM', None]
    >>> english_month_names(pl.Series(["10 de jun de 2025 16:51", "15/Sept/24"])).to_list()
    ['10 jun 2025 16:51', '15/Sep/24']
    >>> english_month_names(pl.Series(["16/oct./25 2:12 PM", "3/déc./25", "Oct. 5"])).to_list()
    ['16/oct/25 2:12 PM', '3/Dec/25', 'Oct 5']
    >>> english_month_names(pl.Series(["12/6月/24 3:29 午後", "10/十一月/24 9:56 上午"])).to_list()
    ['12/Jun/24 3:29 PM', '10/Nov/24 9:56 AM']
    >>> english_month_names(pl.Series(["03/Oca/24 6:20 ÖS", "05/márc./24 3:07 du.",
    ...     "28/tammik./24 9:07 ap.", "05/січ./24 3:07 пп", "05/3월/24 3:07 오후"])).to_list()
    ['03/Jan/24 6:20 PM', '05/Mar/24 3:07 PM', '28/Jan/24 9:07 AM', '05/Jan/24 3:07 PM', \
'05/Mar/24 3:07 PM']
    >>> english_month_names(pl.Series(["12.Mar.2024", "3.Oct.2024"])).to_list()
    ['12.Mar.2024', '3.Oct.2024']
    >>> s = pl.Series(["05/Mar/24 3:07 PM"])
    >>> english_month_names(s) is s
    True
    """
    sample = _sample_distinct(s).drop_nulls()
    has_month = bool(sample.str.contains(_MONTH_RE).any())
    has_meridiem = bool(sample.str.contains(_MERIDIEM_RE).any())
    has_other = bool(sample.str.contains(_HAS_OTHER).any())
    has_de = bool(sample.str.contains(_DE_RE).any())
    has_dot = bool(sample.str.contains(_DOTTED_RE).any())
    if not (has_month or has_meridiem or has_de or has_dot or has_other):
        return s
    out = s.str.replace(_DE_RE, "${1} ${2} ${3}") if has_de else s
    if has_dot:
        out = out.str.replace(_DOTTED_RE, "${1}${2}")
    if has_month:
        word = out.str.extract(_MONTH_RE, 1).str.to_lowercase()
        distinct = word.drop_nulls().unique()
        english = distinct.replace_strict(
            distinct, [_WORDS.get(w, _WORDS.get(fold(w), w)) for w in distinct.to_list()]
        )
        month = word.replace_strict(distinct, english, default=None, return_dtype=pl.String)
        out = (
            pl.DataFrame({"v": out, "m": month})
            .select(
                pl.when(pl.col("m").is_not_null())
                .then(pl.col("v").str.replace(_MONTH_RE, pl.col("m")))
                .otherwise(pl.col("v"))
            )
            .to_series()
        )
    if has_meridiem:
        for letter in "ap":
            out = out.str.replace(_MERIDIEM_RE.replace("[ap]", letter), f"{letter.upper()}M ")
        out = out.str.strip_chars_end()
    if has_other:
        for english, pattern in _OTHER_MERIDIEM.items():
            out = out.str.replace(pattern, f"${{1}} {english} ")
        out = out.str.strip_chars_end()
    return out.alias(s.name)


__all__ = ["english_month_names", "month_numbers"]
