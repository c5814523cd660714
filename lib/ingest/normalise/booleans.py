"""Yes/no flags: the words, symbols and numbers exports use for true and false."""

from __future__ import annotations

import polars as pl

from lib.ingest.normalise._common import _as_strings, _key, _map_distinct, _map_series
from lib.ingest.normalise.placeholders import _clean_strings
from lib.ingest.normalise.report import ParseReport, _all_failed, _report

#: Words for yes, in the languages exports come in (Spanish, Portuguese, French, German,
#: Italian, Dutch), and the escalation column's own "escalated".
TRUE_WORDS = (
    *("true", "t", "yes", "y", "x", "✓", "✔", "checked", "on", "escalated", "is escalated"),
    *("sí", "si", "sì", "sim", "s", "verdadero", "verdadeiro", "oui", "vrai", "ja", "j"),
    *("wahr", "vero", "waar", "escalado", "escalada", "escalonado", "escaladé", "eskaliert"),
    *("escalato", "geëscaleerd"),
)
#: Words for no, likewise.
FALSE_WORDS = (
    *("false", "f", "no", "n", "unchecked", "off", "not escalated", "non-escalated"),
    *("unescalated", "não", "nao", "falso", "non", "faux", "nein", "falsch", "nee", "onwaar"),
    *("no escalado", "não escalonado", "nao escalonado", "non escaladé", "nicht eskaliert"),
    *("non escalato", "niet geëscaleerd"),
)
_BOOL_KEYS = {
    **{_key(k): True for k in TRUE_WORDS if _key(k)},
    **{_key(k): False for k in FALSE_WORDS if _key(k)},
}
#: Values read as they are: numbers, and ticks (whose key would be empty, as a dash's is).
_BOOL_RAW = {"1": True, "1.0": True, "0": False, "0.0": False, "✓": True, "✔": True}


def _bool_of(raw: str) -> bool | None:
    if raw in _BOOL_RAW:
        return _BOOL_RAW[raw]
    key = _key(raw)
    return _BOOL_KEYS.get(key) if key else None


def parse_bool(s: pl.Series) -> tuple[pl.Series, ParseReport]:
    """Parse yes/no values into Boolean.

    Reads true/false, yes/no, y/n, 1/0, t/f, on/off, checked/unchecked, ``x`` (a ticked
    box) and escalated/not escalated, in any case, and the same words in the export languages
    (:data:`TRUE_WORDS`, :data:`FALSE_WORDS`: sí/no, sim/não, oui/non, ja/nein...).

    >>> import polars as pl
    >>> parse_bool(pl.Series(["TRUE", "no", "x", "Not escalated", "maybe"]))[0].to_list()
    [True, False, True, False, None]
    >>> parse_bool(pl.Series(["Sí", "Não", "Oui", "nein", "Escalonado"]))[0].to_list()
    [True, False, True, False, True]
    >>> parse_bool(pl.Series(["✓", "–", ".", "*"]))[0].to_list()
    [True, None, None, None]
    """
    if s.dtype == pl.Boolean:
        return s, _report(s, s, s, "booleans")
    if s.dtype.is_numeric():
        x = s.cast(pl.Float64)
        out = _map_series(x, lambda v: pl.when(v == 1).then(True).when(v == 0).then(False))
        return out, _report(s, s, out, "1/0 numbers")
    strings = _as_strings(s)
    if strings is None:
        return _all_failed(s, pl.Boolean(), f"{s.dtype} values are not yes/no values")
    clean = _clean_strings(strings)
    out = _map_distinct(clean, _bool_of, pl.Boolean())
    return out, _report(s, clean, out, "yes/no values")


#: Values of an escalation column that name no escalation ("None", "Normal", "Not required").
_NO_ESCALATION = frozenset(
    _key(w)
    for w in (
        *("none", "normal", "not required", "no escalation", "not applicable", "n a", "na"),
        *("ninguno", "ninguna", "aucun", "aucune", "nenhum", "nenhuma", "nessuno", "keine"),
        *("kein", "geen", "brak", "0", "unknown", "tbd", "declined", "rejected", "denied"),
        *("refused", "pending", "cancelled", "canceled", "not yet", "n/a", "l1", "tier 1"),
        *("level 1", "1st line", "first line", "t1", "n1"),
    )
)


def parse_escalated(s: pl.Series) -> tuple[pl.Series, ParseReport]:
    """The escalated flag: yes/no values (:func:`parse_bool`); a column that says yes nowhere
    but names where tickets went (Freshdesk's "Escalated to": "L2 Support", "Engineering")
    is an escalation wherever it names someone, and no escalation where it is empty or says
    none.

    >>> import polars as pl
    >>> parse_escalated(pl.Series(["L2 Support", None, "None", "Engineering"]))[0].to_list()
    [True, False, False, True]
    >>> parse_escalated(pl.Series(["Yes", "No", "L2"]))[0].to_list()
    [True, False, None]
    """
    out, pr = parse_bool(s)
    strings = _as_strings(s) if s.dtype not in (pl.Boolean,) and not s.dtype.is_numeric() else None
    if strings is None or out.fill_null(False).any():
        return out, pr
    clean = _clean_strings(strings)
    named = _map_distinct(
        clean,
        lambda raw: _bool_of(raw) is None and _key(raw) not in _NO_ESCALATION,
        pl.Boolean(),
    )
    if not named.fill_null(False).any():
        return out, pr
    flag = named.fill_null(False).alias(s.name)
    examples = clean.filter(named.fill_null(False)).unique(maintain_order=True).head(3)
    shown = ", ".join(repr(v) for v in examples.to_list())
    detail = f"names where tickets went ({shown}): a named one counts as escalated"
    return flag, _report(s, clean, flag, detail)
