"""Tests for lib.ingest.languages: the language data, its loader, and each language's words
as the matcher and the value parsers see them."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import polars as pl
import pytest

from lib.ingest import languages
from lib.ingest.column_words import CHANNEL_WORDS, PRIORITY_WORDS, STATUS_WORDS, SYNONYMS
from lib.ingest.keys import KEYS
from lib.ingest.name_match import match_by_name
from lib.ingest.normalise import (
    NOBODY,
    nobody_to_null,
    normalise_channel,
    normalise_priority,
    normalise_status,
    parse_datetimes,
)
from lib.schema import CHANNELS, PRIORITIES, STATUSES

ALLOWED = {"STATUSES": STATUSES, "PRIORITIES": PRIORITIES, "CHANNELS": CHANNELS}


@pytest.mark.parametrize("module", languages.MODULES, ids=lambda m: m.CODE)
def test_a_language_module_is_well_formed(module):
    assert module.CODE and module.NAME and module.__doc__
    assert set(module.HEADERS) <= set(KEYS), set(module.HEADERS) - set(KEYS)
    assert set(getattr(module, "AVOID", {})) <= set(KEYS)
    for kind, allowed in ALLOWED.items():
        assert set(getattr(module, kind)) <= set(allowed), (kind, set(getattr(module, kind)))
    assert len(module.MONTHS) == 12
    assert module.NOBODY


def test_the_twenty_two_languages_are_there():
    assert languages.LANGUAGES == (
        "en", "es", "pt", "fr", "de", "it", "nl", "pl", "sv", "cs", "ru", "ja", "zh",
        "da", "nb", "fi", "hu", "ro", "sk", "tr", "uk", "ko",
    )  # fmt: skip


def test_no_normalised_word_means_two_things():
    assert languages.collisions() == []


def test_a_clash_between_languages_is_reported(monkeypatch):
    xx = SimpleNamespace(
        CODE="xx",
        HEADERS={"agent": "estado"},  # es: status
        STATUSES={"closed": "En curso"},  # es: open
        MONTHS=("mar",) + ("x",) * 11,  # es: March
    )
    monkeypatch.setattr(languages, "MODULES", (*languages.MODULES, xx))
    problems = "\n".join(languages.collisions())
    assert "STATUSES: xx 'en curso' means 'closed' but es 'en curso' means 'open'" in problems
    assert "MONTHS: xx 'mar' means '1'" in problems
    assert "HEADERS: 'estado' means different keys" in problems


def test_the_old_public_names_are_built_from_the_language_data():
    assert "persona asignada" in SYNONYMS["agent"]
    assert "data de abertura" in SYNONYMS["created_at"]
    assert {"tareas por hacer", "pendente", "em atendimento (atribuído)", "résolu"} <= STATUS_WORDS
    assert {"média", "media", "hoch", "muito alta"} <= PRIORITY_WORDS
    assert {"telefone", "courriel"} <= CHANNEL_WORDS
    assert NOBODY["pt"][0] == "não atribuído"


# Per language: headers (column -> key), statuses, priorities, channels, nobody, dates.
CASES = {
    "es": {
        "headers": {
            "Clave de incidencia": "ticket_id",
            "Creada": "created_at",
            "Actualizada": "updated_at",
            "Resuelta": "resolved_at",
            "Estado": "status",
            "Prioridad": "priority",
            "Persona asignada": "agent",
            "Informador": "customer",
            "Resumen": "subject",
            "Tipo de Incidencia": "category",
        },
        "statuses": {"Tareas por hacer": "new", "En curso": "open", "Finalizada": "solved",
                     "En espera": "pending", "Cerrado": "closed"},
        "priorities": {"Más alta": "urgent", "Alta": "high", "Media": "normal", "Baja": "low"},
        "channels": {"Correo electrónico": "email", "Teléfono": "phone", "Formulario": "web"},
        "nobody": ["Sin asignar", "Nadie"],
        "dates": {"10/ene/25 4:51 PM": (2025, 1, 10, 16, 51),
                  "20/dic/24 9:00 AM": (2024, 12, 20, 9, 0),
                  "1 de agosto de 2024": (2024, 8, 1, 0, 0)},
    },
    "pt": {
        "headers": {
            "ID": "ticket_id",
            "Data de abertura": "created_at",
            "Última atualização": "updated_at",
            "Status": "status",
            "Prioridade": "priority",
            "Atribuído - Técnico": "agent",
            "Atribuído - Grupo": "group",
            "Categoria": "category",
            "Título": "subject",
            "Requerente": "customer",
        },
        "statuses": {"Novo": "new", "Em atendimento (atribuído)": "open", "Pendente": "pending",
                     "Solucionado": "solved", "Fechado": "closed"},
        "priorities": {"Muito alta": "urgent", "Alta": "high", "Média": "normal", "Baixa": "low",
                       "Urgente": "urgent"},
        "channels": {"E-Mail": "email", "Telefone": "phone", "Helpdesk": "web", "Direto": "other"},
        "nobody": ["Não atribuído", "Nao atribuido"],
        "dates": {"1 de março de 2024": (2024, 3, 1, 0, 0),
                  "15/out/23 10:00": (2023, 10, 15, 10, 0)},
    },
    "fr": {
        "headers": {
            "ID": "ticket_id",
            "Date d'ouverture": "created_at",
            "Dernière modification": "updated_at",
            "Statut": "status",
            "Priorité": "priority",
            "Attribué à - Technicien": "agent",
            "Attribué à - Groupe de techniciens": "group",
            "Catégorie": "category",
            "Titre": "subject",
            "Demandeur - Demandeur": "customer",
        },
        "statuses": {"Nouveau": "new", "En cours (attribué)": "open", "En attente": "pending",
                     "Résolu": "solved", "Clos": "closed"},
        "priorities": {"Très haute": "urgent", "Haute": "high", "Moyenne": "normal",
                       "Basse": "low"},
        "channels": {"Courriel": "email", "Téléphone": "phone", "Helpdesk": "web"},
        "nobody": ["Non attribué"],
        "dates": {"3/fév./24": (2024, 2, 3, 0, 0), "14 févr. 2024 08:30": (2024, 2, 14, 8, 30)},
    },
    "de": {
        "headers": {
            "Vorgangsschlüssel": "ticket_id",
            "Erstellt": "created_at",
            "Aktualisiert": "updated_at",
            "Status": "status",
            "Priorität": "priority",
            "Bearbeiter": "agent",
            "Autor": "customer",
            "Zusammenfassung": "subject",
            "Vorgangstyp": "category",
        },
        "statuses": {"Neu": "new", "In Bearbeitung": "open", "Wartend": "pending",
                     "Gelöst": "solved", "Geschlossen": "closed", "Zu erledigen": "new"},
        "priorities": {"Sehr hoch": "urgent", "Hoch": "high", "Mittel": "normal",
                       "Niedrig": "low"},
        "channels": {"E-Mail": "email", "Telefon": "phone", "Webformular": "web"},
        "nobody": ["Nicht zugewiesen"],
        "dates": {"12. Mär. 2024": (2024, 3, 12, 0, 0), "3. Okt. 2023 14:05": (2023, 10, 3, 14, 5)},
    },
    "it": {
        "headers": {
            "ID": "ticket_id",
            "Data di apertura": "created_at",
            "Ultima modifica": "updated_at",
            "Stato": "status",
            "Priorità": "priority",
            "Assegnato a - Tecnico": "agent",
            "Assegnato a - Gruppo di tecnici": "group",
            "Categoria": "category",
            "Titolo": "subject",
            "Richiedente - Richiedente": "customer",
        },
        "statuses": {"Nuovo": "new", "In corso (assegnato)": "open", "In attesa": "pending",
                     "Risolto": "solved", "Chiuso": "closed"},
        "priorities": {"Molto alta": "urgent", "Alta": "high", "Media": "normal",
                       "Bassa": "low"},
        "channels": {"Posta elettronica": "email", "Telefono": "phone", "Helpdesk": "web"},
        "nobody": ["Non assegnato", "Nessuno"],
        "dates": {"5 mag 2024": (2024, 5, 5, 0, 0), "30 giu 2024 17:00": (2024, 6, 30, 17, 0)},
    },
    "nl": {
        "headers": {
            "Sleutel": "ticket_id",
            "Aangemaakt": "created_at",
            "Bijgewerkt": "updated_at",
            "Status": "status",
            "Prioriteit": "priority",
            "Behandelaar": "agent",
            "Melder": "customer",
            "Samenvatting": "subject",
            "Categorie": "category",
            "Wachtrij": "group",
        },
        "statuses": {"Nieuw": "new", "In behandeling": "open", "Wachtend": "pending",
                     "Opgelost": "solved", "Gesloten": "closed"},
        "priorities": {"Zeer hoog": "urgent", "Hoog": "high", "Gemiddeld": "normal",
                       "Laag": "low"},
        "channels": {"E-mail": "email", "Telefoon": "phone", "Portaal": "web"},
        "nobody": ["Niet toegewezen"],
        "dates": {"7 okt 2023": (2023, 10, 7, 0, 0), "1 mrt 2024 09:15": (2024, 3, 1, 9, 15)},
    },
}  # fmt: skip


@pytest.mark.parametrize("lang", CASES)
def test_headers_of_each_language_find_their_keys(lang):
    headers = CASES[lang]["headers"]
    matches = match_by_name(list(headers))
    got = {m.column: k for k, m in matches.items() if m.column is not None}
    assert {c: got.get(c) for c in headers} == headers


def test_headers_match_without_their_accents_and_in_capitals():
    headers = ["ID", "Ultima atualizacao", "TITULO", "Atribuido - Tecnico", "Prioridade"]
    matches = match_by_name(headers)
    got = {k: matches[k].column for k in ("updated_at", "subject", "agent", "priority")}
    assert got == {
        "updated_at": "Ultima atualizacao",
        "subject": "TITULO",
        "agent": "Atribuido - Tecnico",
        "priority": "Prioridade",
    }


@pytest.mark.parametrize(
    ("lang", "parser", "what"),
    [
        (lang, parser, what)
        for lang in CASES
        for parser, what in (
            (normalise_status, "statuses"),
            (normalise_priority, "priorities"),
            (normalise_channel, "channels"),
        )
    ],
)
def test_values_of_each_language_map_to_the_vocabularies(lang, parser, what):
    cases = CASES[lang][what]
    out, rep = parser(pl.Series("v", list(cases)))
    assert dict(zip(cases, out.to_list(), strict=True)) == cases
    assert rep.failed == 0


@pytest.mark.parametrize("lang", CASES)
def test_nobody_words_of_each_language_are_missing(lang):
    cells = CASES[lang]["nobody"]
    assert nobody_to_null(pl.Series([*cells, "Ana Lima"])).to_list() == [None] * len(cells) + [
        "Ana Lima"
    ]


@pytest.mark.parametrize("lang", CASES)
def test_dates_with_month_names_of_each_language_parse(lang):
    cases = CASES[lang]["dates"]
    out, rep = parse_datetimes(pl.Series("d", list(cases)))
    assert out.to_list() == [datetime(*v, tzinfo=UTC) for v in cases.values()]
    assert rep.failed == 0


def test_words_for_no_value_are_missing_not_failures():
    out, rep = normalise_priority(pl.Series(["Ninguna", "Keine", "Alta", "Aucune"]))
    assert out.to_list() == [None, None, "high", None]
    assert (rep.parsed, rep.failed) == (1, 0)


def test_english_month_dates_are_left_alone():
    out, rep = parse_datetimes(pl.Series(["05/Mar/24 3:07 PM", "15 Sept 2024"]))
    assert out.to_list() == [
        datetime(2024, 3, 5, 15, 7, tzinfo=UTC),
        datetime(2024, 9, 15, tzinfo=UTC),
    ]
    assert rep.failed == 0


def test_a_polish_jira_export_reads_its_months_and_words():
    """Jira with a Polish interface: "10/gru/23 17:22", "Gotowe", "Osoba przypisana"."""
    from lib.ingest import load_export

    rows = ["Podsumowanie,Klucz zgłoszenia,Status,Priorytet,Osoba przypisana,Utworzone,Etykiety"]
    rows += [
        "Drukarka,POM-1,Gotowe,Średni,Anna Nowak,10/gru/23 17:22,",
        "VPN,POM-2,W toku,Wysoki,Anna Nowak,15/sty/24 09:05,eskalacja",
        "Hasło,POM-3,Do zrobienia,Niski,,3/paź/23 11:00,",
    ]
    res = load_export("\n".join(rows).encode())
    t = res.tickets.sort("ticket_id")
    assert t.get_column("created_at").to_list() == [
        datetime(2023, 12, 10, 17, 22, tzinfo=UTC),
        datetime(2024, 1, 15, 9, 5, tzinfo=UTC),
        datetime(2023, 10, 3, 11, 0, tzinfo=UTC),
    ]
    assert t.get_column("status").to_list() == ["solved", "open", "new"]
    assert t.get_column("priority").to_list() == ["normal", "high", "low"]
    assert t.get_column("agent").to_list() == ["Anna Nowak", "Anna Nowak", None]
