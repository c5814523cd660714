"""Closing activities of process-mining event logs, as data (one place, several languages).

A process-mining log (XES-style columns ``case:concept:name``, ``concept:name``,
``time:timestamp``, ``org:resource``) has no status column: each row names the step taken
("Take in charge ticket", "Resolve ticket", "Closed", "Chiuso"). :func:`closing_kind` tells
which steps close the ticket: ``"solved"`` for a resolution, ``"closed"`` for a closure, null
for any other step. A step matches when it is one of the words below, alone or with an object
("Resolve ticket", "Close case", "Ticket closed", "Chiudi richiesta"); case, surrounding
spaces and ``_``/``-`` separators do not matter. "Resolve SW anomaly" is no closing step (it
resolves a sub-task, not the ticket).

Example
-------
>>> import polars as pl
>>> s = pl.Series(["Resolve ticket", "Closed", "Wait", "Chiuso", "Ticket resolved",
...                "Resolve SW anomaly"])
>>> pl.select(closing_kind(pl.lit(s))).to_series().to_list()
['solved', 'closed', None, 'closed', 'solved', None]
"""

from __future__ import annotations

import re

import polars as pl

__all__ = ["CLOSING_WORDS", "TICKET_WORDS", "closing_kind"]

#: Step names that close a ticket, by kind, in en/it/es/pt/fr/de/nl (with and without
#: accents). Bugzilla's RESOLVED/VERIFIED and its resolutions (INVALID, DUPLICATE, FIXED,
#: WONTFIX) count as a resolution.
CLOSING_WORDS: dict[str, tuple[str, ...]] = {
    "solved": (
        # en
        "resolve", "resolved", "resolution", "solve", "solved", "fix", "fixed",
        "verified", "invalid", "duplicate", "wontfix", "won't fix", "worksforme",
        # it
        "risolvi", "risolto", "risolta", "risoluzione", "risolvere",
        # es / pt
        "resolver", "resuelto", "resuelta", "resolvido", "resolvida", "solucionado",
        "solucionada", "resolución", "resolucion", "resolução", "resolucao", "solución",
        "solucion", "solução", "solucao",
        # fr
        "résoudre", "resoudre", "résolu", "resolu", "résolue", "resolue", "résolution",
        # de
        "lösen", "loesen", "gelöst", "geloest", "erledigt", "lösung", "loesung",
        # nl
        "oplossen", "opgelost", "afgehandeld", "afhandelen",
        # es / it / de: finished, completed
        "finalizar", "finalizado", "finalizada", "completato", "completata", "beendet",
        "beenden",
    ),
    "closed": (
        # en
        "close", "closed", "closure", "done",
        # it
        "chiudi", "chiuso", "chiusa", "chiusura", "chiudere",
        # es / pt
        "cerrar", "cerrado", "cerrada", "fechar", "fechado", "fechada", "encerrar",
        "encerrado", "encerrada", "cierre", "fechamento", "encerramento",
        # fr
        "fermer", "fermé", "ferme", "fermée", "clos", "close", "clôturer", "clôturé",
        "cloturer", "cloture", "clôture", "fermeture",
        # de
        "schließen", "schliessen", "geschlossen", "abgeschlossen", "schließung",
        "schliessung", "abschluss",
        # nl
        "sluiten", "gesloten", "afsluiten", "afgesloten", "afmelden", "afgemeld",
    ),
}  # fmt: skip

#: Objects a closing step may name ("Resolve ticket", "Ticket closed").
TICKET_WORDS: tuple[str, ...] = (
    "ticket", "tickets", "case", "incident", "request", "issue", "call", "incidencia",
    "vorgangs", "falls",
    "caso", "richiesta", "incidente", "segnalazione", "chamado", "solicitud", "solicitação",
    "demande", "dossier", "anfrage", "fall", "vorgang", "melding", "verzoek",
)  # fmt: skip


#: Articles between a closing verb and its object ("the", "le", "del", "do", "des").
_ARTICLES = (
    "the|a|le|la|les|l'|du|de|des|de la|del|el|do|da|o|dello|della|il|lo|den|das|die|des|het"
    "|van de|van het|dem|zum|zur|de la|de los"
)


def _pattern(words: tuple[str, ...], objects: list[str] | None = None) -> str:
    verbs = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    things = TICKET_WORDS if objects is None else objects
    objs = "|".join(re.escape(w) for w in sorted(set(things), key=len, reverse=True))
    sep = r"[\s_\-]+"
    # "resolve", "resolve ticket", "resolve the ticket", "ticket resolved", and with the
    # articles of the other languages: "Résoudre le ticket", "Cierre del ticket"
    art = rf"(?:(?:{_ARTICLES}){sep}|(?:de{sep})?[ld]')"  # "de la", "de l'incident"
    verb_first = rf"(?:{verbs})(?:{sep}(?:{art})?(?:{objs}))?"
    return rf"^(?:{verb_first}|(?:{objs}){sep}(?:{verbs}))$"


_PATTERNS = {kind: _pattern(words) for kind, words in CLOSING_WORDS.items()}
#: "Completed", "Ticket completed" close (BPI 2013 writes its status as the step); "Call
#: completed" does not (a contact centre's call ended, the case goes on).
_PATTERNS["solved"] = "|".join(
    [
        _PATTERNS["solved"],
        _pattern(("complete", "completed"), [w for w in TICKET_WORDS if w != "call"]),
    ]
)


def closing_kind(expr: pl.Expr) -> pl.Expr:
    """``"solved"`` / ``"closed"`` where a step closes the ticket, else null (see module doc).

    >>> s = pl.Series(["RESOLVED", "close_ticket", "Take in charge ticket", None,
    ...                "Résoudre le ticket", "Cierre del ticket"])
    >>> pl.select(closing_kind(pl.lit(s))).to_series().to_list()
    ['solved', 'closed', None, None, 'solved', 'closed']
    """
    text = expr.cast(pl.String).str.strip_chars().str.to_lowercase()
    return (
        pl.when(text.str.contains(_PATTERNS["closed"]))
        .then(pl.lit("closed"))
        .when(text.str.contains(_PATTERNS["solved"]))
        .then(pl.lit("solved"))
        .otherwise(pl.lit(None, pl.String))
    )
