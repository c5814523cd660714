"""Vocabulary columns: a vendor's words for channel, priority and status mapped to the schema's
vocabularies, per distinct value. The words of every language come from
:mod:`lib.ingest.languages` (``STATUSES``, ``PRIORITIES``, ``CHANNELS``, ``NOTHING``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import polars as pl

from lib.ingest.languages import fold, value_key, value_map, word_lists
from lib.ingest.normalise._common import _as_strings, _map_series
from lib.ingest.normalise.placeholders import _clean_strings
from lib.ingest.normalise.report import ParseReport, _all_failed, _report
from lib.schema import CHANNELS, PRIORITIES, STATUSES


def _vocab_lookup(
    raw: str, vocab: Mapping[str, str], extra: Mapping[str, str | None]
) -> tuple[bool, str | None]:
    """(found, canonical value) for one raw value; tries ``extra`` first, then the vocabulary,
    then the vocabulary after dropping a rank prefix or suffix (``3 - Moderate``, ``P2 High``)."""
    low = " ".join(raw.lower().split())
    if low in extra:
        return True, extra[low]
    key = value_key(raw)
    if key in extra:
        return True, extra[key]
    if key in vocab:
        return True, vocab[key]
    for pattern in (r"^(?:p|sev|severity|priority|prio)?\d+", r"(?:p|sev)?\d+$"):
        stripped = re.sub(pattern, "", key)
        if stripped and stripped != key and stripped in vocab:
            return True, vocab[stripped]
    return False, None


def _prepare_extra(
    extra: Mapping[str, str | None] | None, allowed: tuple[str, ...], what: str
) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for k, v in (extra or {}).items():
        if v is not None and v not in allowed:
            raise ValueError(f"extra {what} mapping {k!r} -> {v!r}: {v!r} is not one of {allowed}")
        out[" ".join(str(k).lower().split())] = v
        out.setdefault(value_key(str(k)), v)
    return out


def _vocab_strings(s: pl.Series) -> tuple[pl.Series, pl.Series] | None:
    """(raw for examples, cleaned String) for vocabulary columns, numbers included."""
    if s.dtype.is_float():
        x = s.cast(pl.Float64)
        text = _map_series(
            x,
            lambda v: (
                pl.when(v == v.floor())
                .then(v.cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(v.cast(pl.String))
            ),
        )
        return s, _clean_strings(text)
    if s.dtype.is_integer() or s.dtype == pl.Boolean:
        return s, _clean_strings(s.cast(pl.String))
    strings = _as_strings(s)
    return None if strings is None else (s, _clean_strings(strings))


def _normalise_vocab(
    s: pl.Series,
    vocab: Mapping[str, str],
    allowed: tuple[str, ...],
    what: str,
    *,
    extra: Mapping[str, str | None] | None,
    unknown: str | None,
    guess: Callable[[str, Mapping[str, str]], str | None] | None = None,
) -> tuple[pl.Series, ParseReport]:
    extra_keys = _prepare_extra(extra, allowed, what)
    got = _vocab_strings(s)
    if got is None:
        return _all_failed(s, pl.String(), f"{s.dtype} values are not {what} values")
    raw, clean = got
    uniques = clean.drop_nulls().unique(maintain_order=True)
    nothing = [v for v in uniques.to_list() if _means_nothing(v, extra_keys)]
    if nothing:  # "Ninguna", "Keine": no value, like a placeholder, not a failure
        clean = clean.set(clean.is_in(nothing), None)  # type: ignore[arg-type]
        uniques = uniques.filter(~uniques.is_in(nothing))
    mapped: list[str | None] = []
    unknowns: list[str] = []
    guessed: list[str] = []
    for value in uniques.to_list():
        found, canon = _vocab_lookup(value, vocab, extra_keys)
        if not found and guess is not None:
            canon = guess(value, vocab)
            found = canon is not None
            if found:
                guessed.append(f"{value!r} as {canon!r}")
        if not found:
            unknowns.append(value)
            canon = unknown
        mapped.append(canon)
    out = clean.replace_strict(
        uniques, pl.Series(mapped, dtype=pl.String), default=None, return_dtype=pl.String
    ).alias(s.name)
    detail = f"{what} values: {uniques.len()} distinct"
    if unknowns:
        shown = ", ".join(repr(u) for u in unknowns[:5])
        more = f" and {len(unknowns) - 5} more" if len(unknowns) > 5 else ""
        fate = f"read as {unknown!r}" if unknown else "not understood"
        detail += f"; {len(unknowns)} unknown {fate}: {shown}{more}"
    if guessed:
        more = f" and {len(guessed) - 5} more" if len(guessed) > 5 else ""
        detail += f"; {len(guessed)} read by their words: {', '.join(guessed[:5])}{more}"
    return out, _report(raw, clean, out, detail)


#: Keys of the words that mean "no value" in a vocabulary column, every language.
_NOTHING = frozenset(value_key(w) for ws in word_lists("NOTHING").values() for w in ws)


def _means_nothing(raw: str, extra: Mapping[str, str | None]) -> bool:
    """Whether a value says "no value" (``Ninguna``, ``Keine``) and ``extra`` does not map it.

    >>> _means_nothing("Ninguna", {}), _means_nothing("Keine", {"keine": "low"})
    (True, False)
    """
    key = value_key(raw)
    low = " ".join(raw.lower().split())
    return key in _NOTHING and key not in extra and low not in extra


def _vocab(groups: Mapping[str, str]) -> dict[str, str]:
    """Key every ``|``-separated word of each group to the group's canonical value.

    >>> _vocab({"1": "Good|Très bien"})
    {'good': '1', 'tresbien': '1'}
    """
    return {value_key(word): canon for canon, words in groups.items() for word in words.split("|")}


_CHANNEL_VOCAB = value_map("CHANNELS")
_PRIORITY_VOCAB = value_map("PRIORITIES")
_STATUS_VOCAB = value_map("STATUSES")


def normalise_channel(
    s: pl.Series, *, extra: Mapping[str, str | None] | None = None
) -> tuple[pl.Series, ParseReport]:
    """Map a source/via column to email, chat, phone, web, messaging, social, api or other.

    Knows the channel words of Zendesk, Freshdesk, Jira, ServiceNow, osTicket, Zammad, Help
    Scout, Intercom, HubSpot, Salesforce, CFPB and more, ignoring case, spaces and punctuation.
    Unknown values become ``other`` (counted as parsed; the report lists them). ``extra`` maps
    lower-cased raw values first.

    >>> import polars as pl
    >>> raw = pl.Series(["Mail", "Web form", "Phone call (incoming)", "Pigeon"])
    >>> out, rep = normalise_channel(raw)
    >>> out.to_list()
    ['email', 'web', 'phone', 'other']
    >>> rep.detail
    "channel values: 4 distinct; 1 unknown read as 'other': 'Pigeon'"
    """
    return _normalise_vocab(s, _CHANNEL_VOCAB, CHANNELS, "channel", extra=extra, unknown="other")


def normalise_priority(
    s: pl.Series, *, extra: Mapping[str, str | None] | None = None, itil: bool = True
) -> tuple[pl.Series, ParseReport]:
    """Map priorities to low, normal, high or urgent.

    Reads words (Medium -> normal, Critical/Blocker/Highest -> urgent, Major -> high,
    Minor/Trivial/Lowest -> low), ``P1``..``P5`` and ServiceNow's ``1 - Critical``..
    ``5 - Planning``. A vendor's own numbering goes in ``extra`` (e.g. Freshdesk ``{"1": "low",
    "2": "normal", "3": "high", "4": "urgent"}``). Unknown values become null and count as
    failed.

    >>> import polars as pl
    >>> normalise_priority(pl.Series(["1 - Critical", "3 - Moderate", "P2", "Lowest"]))[0].to_list()
    ['urgent', 'normal', 'high', 'low']

    With ``itil`` (no vendor's preset, which numbers its own way: GLPI 1 very low .. 6 major)
    and every number of the column between 1 and 5, bare numbers are ITIL priorities (1 the
    highest, as ServiceNow and most service desks number them); a 0 or a 6 says another scale:

    >>> normalise_priority(pl.Series(["1", "2", "3", "4", "5"]))[0].to_list()
    ['urgent', 'high', 'normal', 'low', 'low']
    >>> normalise_priority(pl.Series(["0", "1", "4"]))[0].to_list()
    [None, None, None]
    """
    numbers = s.cast(pl.String).str.strip_chars().str.replace(r"\.0$", "")
    numbers = numbers.filter(numbers.str.contains(r"^\d+$")).unique()
    itil = itil and numbers.len() > 0 and numbers.is_in(list(_ITIL)).all()
    extra = _major_above_high(s, extra)
    return _normalise_vocab(
        s,
        _PRIORITY_VOCAB,
        PRIORITIES,
        "priority",
        extra=extra,
        unknown=None,
        guess=_itil_rank if itil else None,
    )


def _major_above_high(
    s: pl.Series, extra: Mapping[str, str | None] | None
) -> Mapping[str, str | None] | None:
    """ "Major" beside "High" and no higher word is the top of the scale (BPI 2013's impact:
    Low, Medium, High, Major): urgent, not high as in Jira's Blocker, Critical, Major, Minor.

    >>> _major_above_high(pl.Series(["Low", "High", "Major"]), None)
    {'major': 'urgent'}
    >>> _major_above_high(pl.Series(["Critical", "Major", "High"]), None) is None
    True
    >>> _major_above_high(pl.Series(["Major", "Minor", "High", "Low"]), None) is None
    True
    """
    if extra and any(value_key(str(k)) == "major" for k in extra):
        return extra
    words = s.cast(pl.String).str.strip_chars().str.to_lowercase().unique().drop_nulls()
    if not ({"major", "high"} <= set(words.to_list())):
        return extra
    if {"minor", "trivial", "blocker"} & set(words.to_list()):
        return extra  # Jira's classic scheme (or both of Jira's schemes): Major is under Critical
    if any(_PRIORITY_VOCAB.get(value_key(w)) == "urgent" for w in words.to_list() if w != "major"):
        return extra
    return {**(extra or {}), "major": "urgent"}


#: ITIL's priority numbers (1 critical .. 5 planning).
_ITIL = {"1": "urgent", "2": "high", "3": "normal", "4": "low", "5": "low"}


def _itil_rank(value: str, vocab: Mapping[str, str]) -> str | None:
    """A bare priority number 1-5, read as ITIL's (1 the highest).

    >>> _itil_rank(" 2 ", {}), _itil_rank("7", {})
    ('high', None)
    """
    return _ITIL.get(value.strip().removesuffix(".0"))


def normalise_status(
    s: pl.Series, *, extra: Mapping[str, str | None] | None = None
) -> tuple[pl.Series, ParseReport]:
    """Map statuses to new, open, pending, on_hold, solved or closed.

    Knows the status words of Zendesk, Freshdesk, Jira, ServiceNow, osTicket, Zammad, Help
    Scout, Intercom, HubSpot, Salesforce and others. Unknown values become null and count as
    failed (the loader fills a default).

    >>> import polars as pl
    >>> raw = pl.Series(["Waiting on Customer", "Hold", "Done", "6 - Resolved"])
    >>> normalise_status(raw)[0].to_list()
    ['pending', 'on_hold', 'solved', 'solved']
    """
    return _normalise_vocab(
        s, _STATUS_VOCAB, STATUSES, "status", extra=extra, unknown=None, guess=status_by_words
    )


#: Where an unknown status is cut into parts ("Escalated - Resolved", "Closed (Duplicate)");
#: not at ">" (a move, "Resolved > Reopened", is not two states).
_STATUS_PARTS = r"\s+[-\u2013\u2014/|]\s+|[:()\[\],;]"
#: Of the parts a status names, the one that decides: the furthest along.
_STATUS_ORDER = ("closed", "solved", "pending", "on_hold", "open", "new")
#: An escalation or a level above the first line, any language ("In Escalation", "Escaladé",
#: "Eskaliert", "With Tier 2", "Awaiting L2", "Nível 2", "2nd line"); an ordinal only before
#: a line or level word ("2nd Reminder" is no level).
_STATUS_ESCALATED = re.compile(
    r"escal|eskal|\b(?:l|t|n|tier|level|line|lines|niveau|nivel|stufe|livello|linea"
    r"|linie|lijn|poziom|uroven)[\s_-]*[2-9]\b|\b(?:2nd|3rd|second|third|2e|3e|2eme|3eme"
    r"|segund[oa]|tercer[oa]?|zweite[rn]?|dritte[rn]?|second[oa]|terz[oa]|tweede|derde)\s+"
    r"(?:line|level|tier|niveau|nivel|nivel|linea|livello|stufe|lijn|ligne)\b"
)
#: Waiting, any language ("Awaiting Engineering", "En attente du fournisseur").
_STATUS_WAITING = re.compile(
    r"\b(?:a?wait\w*|pending|pendiente|pendente|attente|esperando|espera|aguardando|attesa"
    r"|warte\w*|wacht\w*"
    r"|oczek\w*|vantar|ceka\w*|ozhid\w*|request\w*(?:\s+\w+)?\s+info\w*)\b"
)
#: The customer, any language: waiting on them is "pending".
_STATUS_CUSTOMER = re.compile(
    r"\b(?:customer|client\w*|requester|requestor|user|reporter|contact|caller|demandeur"
    r"|utilisateur|solicitante|usuario|utente|requerente|kunde\w*|klant\w*|anwender"
    r"|melder|zakaznik\w*|klient\w*)\b"
)
#: Someone outside support, any language: waiting on them is "on hold" ("Awaiting
#: Engineering", "Waiting - Vendor", "Esperando al tercero", "Pending 2nd Approval").
_STATUS_OTHERS = re.compile(
    r"\b(?:vendor\w*|supplier\w*|third|3rd|party|partner\w*|engineering|development|dev"
    r"|developers?|approv\w*|parts?|change|release|deploy\w*|implementation|internal"
    r"|manufacturer|tercer[oa]?|terceir[oa]s?|dritt\w*|tiers|terz[io]|fournisseur|proveedor"
    r"|fornecedor|lieferant\w*|leverancier|fornitore|aprobaci\w*|aprova\w*|approvazione"
    r"|genehmigung|goedkeuring|entwicklung|desarrollo|desenvolvimento|sviluppo|ingenier\w*"
    r"|engenharia|derden?|extern\w*|cab|freigabe|validation|validacao|validacion|convalida"
    r"|validatie)\b"
)
#: Not picked up yet, any language: waiting for it is "new" ("Pending Assignment", "Waiting
#: for triage", "Aguardando atendimento", "En attente de prise en charge").
_STATUS_UNTAKEN = re.compile(
    r"\b(?:assign\w*|triage|atendimento|bearbeitung|prise en charge|asignaci\w*"
    r"|assegnazione|toewijzing|zuweisung|przydzial\w*)\b"
)
#: Support itself, any language: waiting on it ("Warten auf Support", "Awaiting Support") is
#: open work.
_STATUS_SUPPORT = re.compile(
    r"\b(?:support\w*|suporte|soporte|supporto|assistance|assistenza|asistencia|ondersteuning"
    r"|wsparci\w*|podpor\w*|technician|technicien|tecnico|techniker|helpdesk|servicedesk"
    r"|service desk|us|agent\w*|team|equipe|equipo|squadra)\b"
)
#: A word that ends work: a status holding one and nothing known is left unknown.
_STATUS_ENDING = re.compile(r"clos|resol|solv|done|ferm|clotur|cerr|fech|chius|geschlossen|gelost")


def status_by_words(value: str, vocab: Mapping[str, str]) -> str | None:
    """A status the vocabulary does not hold, read by its parts or its words. Parts that are
    all known statuses: the one furthest along ("Escalated - Resolved" is solved). Else: a
    wait on the customer, or on no one named, is pending; on being picked up new; on someone
    outside support (a vendor, engineering, an approval) on hold; on support itself open;
    "With <someone>" the same; an escalation or a higher level is open work. None when
    nothing says (left unknown, with its warning).

    >>> v = _STATUS_VOCAB
    >>> [status_by_words(x, v) for x in ["In Escalation", "Escaladé", "Awaiting Engineering",
    ...  "Escalated - Resolved", "Awaiting customer feedback", "Tested", "Escalation closed"]]
    ['open', 'open', 'on_hold', 'solved', 'pending', None, None]
    >>> [status_by_words(x, v) for x in ["Waiting on 3rd party", "Warten auf Support",
    ...  "With engineering", "Wait", "Awaiting Information", "With Customer", "2nd Reminder"]]
    ['on_hold', 'open', 'on_hold', 'pending', 'pending', 'pending', None]
    >>> [status_by_words(x, v) for x in ["Awaiting Agent", "Pending Assignment", "Awaiting CAB",
    ...  "Waiting for Team Lead Approval", "Wacht op derden", "En curso (planificada)"]]
    ['open', 'new', 'on_hold', 'on_hold', 'on_hold', 'open']
    """
    # a known status with a qualifier in brackets: GLPI's "En curso (planificada)"
    base = value_key(re.sub(r"\s*\([^()]*\)\s*$", "", value))
    if base and base != value_key(value) and base in vocab:
        return vocab[base]
    parts = [value_key(p) for p in re.split(_STATUS_PARTS, value) if value_key(p)]
    if len(parts) > 1 and all(p in vocab for p in parts):
        found = {vocab[p] for p in parts}
        return next(canon for canon in _STATUS_ORDER if canon in found)
    words = " ".join(re.sub(r"[\W_]+", " ", fold(value)).split())
    if _STATUS_ENDING.search(words):  # "Escalation closed", "Pending closure": not guessed
        return None
    waiting = _STATUS_WAITING.search(words) or re.match(r"with\b", words)
    if waiting and _STATUS_CUSTOMER.search(words):
        return "pending"
    if waiting and _STATUS_UNTAKEN.search(words):
        return "new"
    if _STATUS_ESCALATED.search(words):
        return "open"
    if waiting and _STATUS_OTHERS.search(words):
        return "on_hold"
    if waiting and _STATUS_SUPPORT.search(words):
        return "open"
    if _STATUS_WAITING.search(words):
        return "pending"  # "Wait", "Awaiting Information", "Pending Response"
    if waiting:  # "With Tier 1": being worked by the team it names
        return "open"
    return None


def has_value(s: pl.Series) -> pl.Series:
    """True where a raw vocabulary cell holds a value at all (understood or not): not null, not
    a placeholder (``-``, ``n/a``) and not a word for "no value" (``Ninguna``, ``Keine``).

    Decided per distinct value, then mapped back (no per-row Python).

    >>> import polars as pl
    >>> has_value(pl.Series(["Pendente", " - ", None, "Ninguna", "Limbo"])).to_list()
    [True, False, False, False, True]
    """
    got = _vocab_strings(s)
    if got is None:
        return s.is_not_null()
    clean = got[1]
    uniques = clean.drop_nulls().unique()
    nothing = [v for v in uniques.to_list() if _means_nothing(v, {})]
    return (clean.is_not_null() & ~clean.is_in(nothing)).fill_null(False).alias(s.name)
