"""Exports in other languages, loaded as a user would (hand-made fixtures in tests/data/), and
the quality report's rule: a value the export has but that cannot be read stays missing, and
only a row with no status at all gets a derived one, reported as such."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from lib.ingest import load_export
from lib.ingest.rules import apply_rules, custom_rule

DATA = Path(__file__).resolve().parents[1] / "data"


def test_spanish_jira_export_reads_headers_dates_and_statuses():
    res = load_export(DATA / "lang_jira_es.csv")
    m = res.mapping
    assert (m["ticket_id"], m["created_at"], m["updated_at"], m["status"], m["priority"]) == (
        "Clave de incidencia", "Creada", "Actualizada", "Estado", "Prioridad",
    )  # fmt: skip
    assert (m["agent"], m["customer"], m["subject"], m["category"]) == (
        "Persona asignada", "Informador", "Resumen", "Tipo de Incidencia",
    )  # fmt: skip
    t = res.tickets.sort("ticket_id")
    assert res.report.rows_kept == 6 and res.report.rows_dropped == 0
    assert t.get_column("created_at").to_list()[:3] == [
        datetime(2025, 1, 10, 16, 51, tzinfo=UTC),
        datetime(2025, 4, 3, 11, 2, tzinfo=UTC),
        datetime(2024, 8, 21, 7, 15, tzinfo=UTC),
    ]
    assert t.get_column("status").to_list() == ["new", "open", "solved", "new", "open", "solved"]
    priorities = ["high", "normal", "urgent", "low", "high", "normal"]
    assert t.get_column("priority").to_list() == priorities
    assert not [p for p in res.report.parse if p["failed"]]


def test_portuguese_glpi_export_reads_statuses_priorities_and_channels():
    res = load_export(DATA / "lang_glpi_pt.csv")
    m = res.mapping
    assert (m["created_at"], m["updated_at"], m["agent"], m["group"], m["priority"]) == (
        "Data de abertura", "Última atualização", "Atribuído - Técnico", "Atribuído - Grupo",
        "Prioridade",
    )  # fmt: skip
    t = res.tickets
    counts = dict(t.group_by("status").len().iter_rows())
    assert counts == {"new": 1, "open": 1, "pending": 2, "solved": 3, "closed": 2, None: 1}
    assert dict(t.group_by("priority").len().iter_rows()) == {
        "normal": 3, "high": 2, "urgent": 2, "low": 3,
    }  # fmt: skip
    assert dict(t.group_by("channel").len().iter_rows()) == {
        "web": 3, "email": 3, "phone": 3, "other": 1,
    }  # fmt: skip
    assert t.get_column("agent").null_count() == 2  # an empty cell and "Não atribuído"


def test_unread_status_stays_missing_and_only_an_empty_one_is_derived():
    res = load_export(DATA / "lang_glpi_pt.csv")
    t = res.tickets.sort("ticket_id")
    by_id = dict(t.select("ticket_id", "status").iter_rows())
    assert by_id["1208"] is None  # "Em homologação": not understood, stays missing
    assert by_id["1209"] == "solved"  # empty status, has a solution date: derived
    rep = res.report
    [status_parse] = [p for p in rep.parse if p["canonical"] == "status"]
    assert status_parse["failed"] == 1
    assert status_parse["examples"] == [(7, "Em homologação")]
    # The missing-values table agrees with the parse report: 1 of 10 tickets.
    assert rep.null_share["status"] == 0.1
    assert rep.derived == [
        {
            "file": "lang_glpi_pt.csv",
            "field": "status",
            "column": "Status",
            "rows": 1,
            "detail": "no status in the export: 1 read as solved (it has a solved date), "
            "0 as open (none)",
        }
    ]
    assert rep.to_dict()["derived"] == rep.derived


def test_without_a_status_column_every_status_is_derived_and_reported():
    csv = b"Id,Created at,Solved at\n1,2024-03-01 10:00,2024-03-02 10:00\n2,2024-03-01 11:00,\n"
    res = load_export(csv)
    assert res.tickets.get_column("status").to_list() == ["solved", "open"]
    [d] = res.report.derived
    assert (d["field"], d["column"], d["rows"]) == ("status", None, 2)
    assert d["detail"].startswith("no status column mapped: 1 read as solved")


def test_unknown_statuses_are_not_turned_into_solved_or_open():
    rows = ["Id,Created at,Status,Solved at"]
    rows += [f"{i},2024-03-0{1 + i % 9} 10:00,Limbo,2024-03-10 10:00" for i in range(5)]
    rows += [f"{i},2024-03-0{1 + i % 9} 10:00,Nirvana," for i in range(5, 8)]
    res = load_export("\n".join(rows).encode())
    assert res.tickets.get_column("status").null_count() == 8
    assert res.report.null_share["status"] == 1.0
    assert res.report.derived == []
    failed = [p["failed"] for p in res.report.parse if p["canonical"] == "status"]
    assert pl.Series(failed).sum() == 8


def test_french_jira_export_reads_every_month_with_its_dot_and_accent():
    """French Jira writes "janv.", "févr.", "août", "sept.", and "oct." / "nov." with a dot
    (the months it shares with English): every date is read, the resolved one too."""
    res = load_export(DATA / "lang_jira_fr.csv")
    m = res.mapping
    assert (m["ticket_id"], m["created_at"], m["updated_at"], m["status"]) == (
        "Clé de ticket", "Créé", "Mise à jour", "État",
    )  # fmt: skip
    assert res.report.rows_kept == 7 and res.report.rows_dropped == 0
    assert not [p for p in res.report.parse if p["failed"]]
    t = res.tickets.sort("ticket_id")
    months = [d.month for d in t.get_column("created_at").to_list()]
    assert months == [1, 2, 8, 9, 10, 11, 12]
    assert t.get_column("created_at")[4] == datetime(2025, 10, 16, 14, 12, tzinfo=UTC)
    solved = t.get_column("solved_at").to_list()
    assert solved[2] == datetime(2025, 8, 6, 17, 30, tzinfo=UTC)
    assert solved[3] == datetime(2025, 9, 22, 16, 10, tzinfo=UTC)
    assert solved[5] == datetime(2025, 11, 5, 9, 50, tzinfo=UTC)
    assert [s is None for s in solved] == [True, True, False, False, True, False, True]


@pytest.mark.parametrize(
    ("header", "yes", "no"),
    [
        ("Id,Fecha de creación,Escalado", "Sí", "No"),
        ("Id,Data de abertura,Escalonado", "Sim", "Não"),
        ("Id,Date de création,Escaladé", "Oui", "Non"),
        ("Id,Erstellt,Eskaliert", "Ja", "Nein"),
        ("Id,Data creazione,Escalato", "Vero", "Falso"),
    ],
)
def test_a_yes_no_escalation_column_in_another_language_is_read(
    header: str, yes: str, no: str
) -> None:
    """Every 4th ticket says yes: the flag is read, and no value is reported unreadable."""
    rows = [header] + [
        f"{i},2024-03-0{1 + i % 5} 10:00,{yes if i % 4 == 0 else no}" for i in range(40)
    ]
    res = load_export("\n".join(rows).encode())
    assert res.mapping["escalated"] == header.split(",")[2]
    t = res.tickets.sort(pl.col("ticket_id").cast(pl.Int64))
    assert t.get_column("escalated").to_list() == [i % 4 == 0 for i in range(40)]
    assert set(t.filter("escalated").get_column("escalation_reason")) == {
        "Escalated column says yes"
    }
    assert not [p for p in res.report.parse if p["failed"]]
    assert not [w for w in res.report.warnings if "escalat" in w]


def test_a_custom_is_true_rule_reads_yes_in_another_language() -> None:
    t = pl.DataFrame({"ticket_id": ["1", "2", "3"], "raw:Urgente": ["Sim", "Não", "sí"]})
    rule = custom_rule("raw:Urgente", "is true", None)
    assert apply_rules(t, [rule]).frame.get_column("escalated").to_list() == [True, False, True]


def test_a_tick_reads_as_yes_and_a_dash_or_dot_as_unreadable() -> None:
    from lib.ingest.normalise import parse_bool

    out, _ = parse_bool(pl.Series(["✓", "✔", "–", ".", "*", "no"]))
    assert out.to_list() == [True, True, None, None, None, False]


def test_servicenow_lists_in_german_and_french_map_group_agent_and_caller():
    """ServiceNow's incident list with German or French labels: the assignment group
    ("Zuweisungsgruppe", "Groupe d'affectation") carries the second level, the caller is the
    customer and "Affecté à" the agent."""
    de = [
        "Nummer,Eröffnet,Kurzbeschreibung,Anrufer,Priorität,Status,Zuweisungsgruppe,"
        "Zugewiesen an,Aktualisiert,Gelöst,Geschlossen",
        "INC0020001,03.06.2024 08:10:00,VPN bricht ab,Jana Wolf,2 - Hoch,Gelöst,2nd Level Netz,"
        "Timo Brandt,04.06.2024 10:00:00,04.06.2024 10:00:00,06.06.2024 10:00:00",
        "INC0020002,03.06.2024 09:15:00,Drucker,Olaf Kern,3 - Mittel,In Bearbeitung,"
        "Service Desk,Ines Vogt,03.06.2024 11:00:00,,",
        "INC0020003,05.06.2024 14:30:00,SAP gesperrt,Rita Sommer,3 - Mittel,Ausstehend,"
        "Service Desk,Ines Vogt,05.06.2024 15:00:00,,",
    ]
    res = load_export("\n".join(de).encode())
    m = res.mapping
    assert (m["group"], m["customer"], m["closed_at"]) == (
        "Zuweisungsgruppe", "Anrufer", "Geschlossen",
    )  # fmt: skip
    t = res.tickets.sort("ticket_id")
    assert t.get_column("escalated").to_list() == [True, False, False]
    assert t.get_column("status").to_list() == ["solved", "open", "pending"]
    fr = [
        "Numéro,Ouvert,Description courte,Appelant,Priorité,État,Groupe d'affectation,Affecté à",
        "INC0030001,18/02/2024 02:38:15,Imprimante,Joe Martin,3 - Modérée,En cours,"
        "Centre de services,Carole Petit",
        "INC0030002,29/02/2024 20:13:03,Outlook,Léa Roux,1 - Critique,Fermé,"
        "Support niveau 2 Applications,David Loo",
    ]
    res = load_export("\n".join(fr).encode())
    assert (res.mapping["agent"], res.mapping["customer"]) == ("Affecté à", "Appelant")
    assert res.mapping["group"] == "Groupe d'affectation"
    assert res.tickets.sort("ticket_id").get_column("escalated").to_list() == [False, True]


def test_german_freshdesk_reads_pending_and_the_first_response_time():
    rows = [
        "Ticket-ID,Betreff,Status,Priorität,Gruppe,Erstellt am,Gelöst am,Erste Antwort am",
        "1,Login,Ausstehend,Hoch,L1 Support,2024-03-18 09:00:00,,2024-03-18 09:40:00",
        "2,Rechnung,Gelöst,Mittel,L1 Support,2024-03-19 10:00:00,2024-03-19 12:00:00,"
        "2024-03-19 10:20:00",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.mapping["first_response_at"] == "Erste Antwort am"
    t = res.tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["pending", "solved"]
    assert t.get_column("first_response_minutes").to_list() == [40, 20]


def test_dutch_jira_takes_the_issue_key_as_the_ticket_id():
    rows = [
        "Samenvatting,Issuesleutel,Issue-id,Issuetype,Status,Prioriteit,Gemaakt",
        "Inlog,KLS-1,10040,Taak,Te doen,Hoog,01/mrt/24 4:05 PM",
        "Factuur,KLS-2,10041,Taak,Gereed,Laag,02/mrt/24 9:10 AM",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.mapping["ticket_id"] == "Issuesleutel"
    assert sorted(res.tickets.get_column("ticket_id").to_list()) == ["KLS-1", "KLS-2"]


def test_swedish_czech_and_russian_exports_read_dates_statuses_and_escalations():
    """Jira in Swedish and Russian (month abbreviations "maj", "okt", "сен", "мая"), GLPI in
    Czech: statuses, the tags column and the second-level group are understood."""
    sv = [
        "Sammanfattning,Ärendenyckel,Ärende-id,Ärendetyp,Status,Prioritet,Tilldelad,Rapportör,"
        "Skapad,Uppdaterad,Löst,Etiketter,Etiketter",
        "Inloggning,KS-1,10300,Incident,Klar,Medel,Rosa Berg,Ida Holm,3/maj/24 9:48 PM,"
        "4/maj/24 9:30 AM,4/maj/24 9:30 AM,eskalerad,vip",
        "Faktura,KS-2,10301,Incident,Pågående,Hög,Rosa Berg,Per Lund,12/okt/24 8:05 AM,"
        "12/okt/24 9:00 AM,,,",
        "Export,KS-3,10302,Incident,Väntar på support,Låg,Ola Sten,Per Lund,13/okt/24 8:05 AM,"
        "13/okt/24 9:00 AM,,faktura,",
    ]
    res = load_export("\n".join(sv).encode())
    assert res.mapping["ticket_id"] == "Ärendenyckel"
    t = res.tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["solved", "open", "open"]
    assert t.get_column("created_at")[0] == datetime(2024, 5, 3, 21, 48, tzinfo=UTC)
    assert t.get_column("escalated").to_list() == [True, False, False]
    ru = [
        "Тема,Ключ задачи,ID задачи,Тип задачи,Статус,Приоритет,Исполнитель,Автор,Создано,"
        "Обновлено,Метки,Метки",
        "Пароль,ТП-11,20011,Ошибка,К выполнению,Средний,Анна Ким,Олег Бор,12/сен/24 1:22 AM,"
        "13/сен/24 1:21 PM,escalated,",
        "VPN,ТП-12,20012,Ошибка,Готово,Высокий,Анна Ким,Олег Бор,3/мая/24 10:00 AM,"
        "4/мая/24 10:00 AM,,",
    ]
    res = load_export("\n".join(ru).encode())
    t = res.tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["new", "solved"]
    assert t.get_column("priority").to_list() == ["normal", "high"]
    assert t.get_column("created_at").to_list() == [
        datetime(2024, 9, 12, 1, 22, tzinfo=UTC),
        datetime(2024, 5, 3, 10, 0, tzinfo=UTC),
    ]
    assert t.get_column("escalated").to_list() == [True, False]
    cs = [
        '"ID";"Název";"Stav";"Datum otevření";"Priorita";"Žadatel - Žadatel";'
        '"Přiřazeno - Technik";"Přiřazeno - Skupina";"Kategorie"',
        '"1 800";"Tiskárna";"Vyřešeno";"04-04-2024 02:36";"Nízká";"Olga Malá";"Jan Novák";'
        '"Podpora L1";"Hardware"',
        '"1 805";"VPN";"Zpracovávaný (přiřazeno)";"13-03-2024 08:54";"Vysoká";"Petr Kos";'
        '"Eva Dvořák";"Podpora L2";"Síť"',
    ]
    res = load_export("\n".join(cs).encode())
    assert res.mapping["group"] == "Přiřazeno - Skupina"
    t = res.tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["solved", "open"]
    assert t.get_column("escalated").to_list() == [False, True]


def test_a_resolved_yes_no_column_gives_the_status_when_there_is_none():
    """A call centre's "Resolved" (Y/N) and no status column: Y is solved, N open."""
    rows = ["Call Id,Agent,Date,Time,Resolved", "ID1,Greg,1/22/2021,13:17:02,Y"]
    rows += ["ID2,Dan,1/25/2021,09:05:40,N", "ID3,Jim,3/11/2021,16:44:10,Y"]
    res = load_export("\n".join(rows).encode())
    assert res.tickets.sort("ticket_id").get_column("status").to_list() == [
        "solved",
        "open",
        "solved",
    ]
    detail = next(d["detail"] for d in res.report.derived if d["field"] == "status")
    assert "2 read as solved (column 'Resolved' says yes, or it has a solved date)" in detail
    # the columns read to derive them are not listed as unused
    assert not {"Time", "Resolved"} & set(res.report.unmapped_columns)


def test_glpi_requesters_group_is_no_support_team_and_pt_pt_glpi_is_glpi():
    """ "Requerente - Grupo" is the requester's department ("Suporte Nível 2 Comercial" is a
    sales team): the support team is the technicians' group. GLPI in Portugal's Portuguese
    ("Estado", "Em curso (atribuído)", "Atribuído a - Grupo") is GLPI."""
    rows = [
        '"ID";"Título";"Status";"Data de abertura";"Requerente - Grupo";"Atribuído - Técnico";'
        '"Técnico - Grupo"',
        '"1 201";"Toner";"Novo";"03-03-2025 09:10";"Suporte Nível 2 Comercial";"Kátia";'
        '"N1 - Service Desk"',
        '"1 202";"SAP";"Fechado";"04-03-2025 10:00";"Financeiro";"Kátia";"N2 - Redes"',
    ]
    res = load_export("\n".join(rows).encode())
    assert res.mapping["group"] == "Técnico - Grupo"
    assert res.tickets.sort("ticket_id").get_column("escalated").to_list() == [False, True]
    pt = [
        '"ID";"Título";"Estado";"Data de abertura";"Última modificação";'
        '"Atribuído a - Técnico";"Atribuído a - Grupo";"Prioridade"',
        '"12 480";"Impressora";"Em curso (atribuído)";"03-03-2025 09:10";"03-03-2025 10:00";'
        '"Rita";"Suporte Nível 1";"Média"',
        '"12 481";"VPN";"Em curso (planeado)";"04-03-2025 09:10";"04-03-2025 10:00";"Rui";'
        '"Suporte Nível 2";"Alta"',
        '"12 482";"Email";"Solucionado";"05-03-2025 09:10";"05-03-2025 10:00";"Rui";'
        '"Suporte Nível 1";"Baixa"',
    ]
    res = load_export("\n".join(pt).encode())
    assert res.vendor == "glpi"
    t = res.tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["open", "open", "solved"]
    assert t.get_column("escalated").to_list() == [False, True, False]


def test_jira_workflow_statuses_and_the_italian_issue_key():
    """Jira's development and feedback statuses ("Patch Available", "Waiting for Feedback",
    "Em revisão") are open or pending, not unknown; Italian Jira's "Chiave del ticket" is the
    key users see."""
    rows = ["Summary,Issue key,Issue id,Status,Created"]
    statuses = ["Patch Available", "Waiting for Feedback", "Development in progress", "In QA"]
    statuses += ["Em revisão", "Closed"]
    rows += [f"x,HD-{i},{100 + i},{s},0{1 + i}/Mar/24 9:00 AM" for i, s in enumerate(statuses)]
    t = load_export("\n".join(rows).encode()).tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["open", "pending", "open", "open", "open", "closed"]
    it = ["Riepilogo,Chiave del ticket,ID ticket,Stato,Creato"]
    it += ["a,HD-12,61000,Aperto,01/mar/24 9:00 AM", "b,HD-13,61001,Chiuso,02/mar/24 9:00 AM"]
    res = load_export("\n".join(it).encode())
    assert res.mapping["ticket_id"] == "Chiave del ticket"


def test_a_resolved_flag_fills_empty_statuses_and_case_number_is_the_case():
    """A "Resolved" Yes/No beside a status column decides only where the status is empty; a
    case events export keys its rows by "Case Number", not the event's "Id"; a Portuguese
    "(horas úteis)" counts hours."""
    rows = ["Case Ref,Opened,Status,Resolved", "C1,2024-03-01 09:00,Open,No"]
    rows += ["C2,2024-03-02 09:00,,Yes", "C3,2024-03-03 09:00,,No"]
    t = load_export("\n".join(rows).encode()).tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["open", "solved", "open"]
    ev = ["Id,Case Number,Created Date,Status,Owner"]
    ev += [
        "a01,00001001,2024-03-01 09:00,New,Ana",
        "a02,00001001,2024-03-01 11:00,Closed,Ana",
        "a03,00001002,2024-03-02 09:00,New,Rui",
        "a04,00001002,2024-03-02 10:00,Working,Rui",
    ]
    res = load_export("\n".join(ev).encode())
    assert res.mapping["ticket_id"] == "Case Number" and res.tickets.height == 2
    pt = ["Chamado,Data de abertura,Status,Tempo da primeira resposta (horas úteis)"]
    pt += ['1,2024-03-01 09:00,Novo,"1,5"', '2,2024-03-02 09:00,Novo,"2,0"']
    t = load_export("\n".join(pt).encode()).tickets.sort("ticket_id")
    assert t.get_column("first_response_minutes").to_list() == [90, 120]


def _sorted(res, column: str) -> list:
    return res.tickets.sort("ticket_id").get_column(column).to_list()


def test_dutch_and_other_closing_steps_close_a_logs_ticket() -> None:
    """ "Melding afgesloten", "Afgehandeld", "Finalizar incidencia", "Beendet": closing steps;
    a solve followed by one stays solved."""
    rows = ["Case ID,Activity,Timestamp,Resource"]
    steps = {
        "A": ["Melding registreren", "Melding opgelost", "Melding afgesloten"],
        "B": ["Melding registreren", "Afgehandeld"],
        "C": ["Registrar incidencia", "Finalizar incidencia"],
        "D": ["Vorgang anlegen", "Beendet"],
        "E": ["Melding registreren", "Behandelen"],
    }
    for case, names in steps.items():
        rows += [f"{case},{s},2024-03-0{i + 1} 10:00,Eva" for i, s in enumerate(names)]
    res = load_export("\n".join(rows).encode())
    assert _sorted(res, "status") == ["closed", "solved", "solved", "solved", "open"]
    solved = _sorted(res, "solved_at")
    assert solved[0] == datetime(2024, 3, 2, 10, 0, tzinfo=UTC)  # at "opgelost"
    assert solved[4] is None


def test_words_of_other_helpdesks_and_languages() -> None:
    """Zammad's ``close_at``, OTRS's "root@localhost" (nobody), GLPI in Spanish, Jira's
    default statuses, Freshdesk's sources in four languages, a self-service portal."""
    zammad = ["number,title,state,priority,group,owner,customer,created_at,close_at,tags"]
    zammad += [
        "88001,Late,closed,2 normal,Users,Anna,jo@x.org,2024-01-22T07:44:25Z,"
        "2024-01-22T09:10:00Z,vip",
        "88002,Open,open,2 normal,Users,-,jo@x.org,2024-01-23T07:44:25Z,,",
    ]
    res = load_export("\n".join(zammad).encode())
    assert _sorted(res, "solved_at")[0] == datetime(2024, 1, 22, 9, 10, tzinfo=UTC)
    otrs = ["Ticket#,Title,Created,State,Priority,Queue,Owner,Customer User"]
    otrs += [
        "2024010110000011,Mail,2024-01-01 10:00:00,new,3 normal,Raw,root@localhost,ann",
        "2024010110000012,VPN,2024-01-01 11:00:00,open,3 normal,Raw,bob,cy",
    ]
    assert _sorted(load_export("\n".join(otrs).encode()), "agent") == [None, "bob"]
    glpi = ['"ID";"Título";"Estado";"Fecha de apertura";"Prioridad";"Asignado a - Técnico";']
    glpi += ['"2 553";"VPN";"Nuevo";"05-03-2024 14:22";"Media";"Ruiz Ana";']
    assert load_export("\n".join(glpi).encode()).vendor == "glpi"
    jira = ["Issue key,Status,Created,Assignee"]
    statuses = ["Backlog", "Selected for Development", "Under review", "Implementing"]
    jira += [f"P-{i},{s},2024-01-0{i + 1} 10:00,Ann" for i, s in enumerate(statuses)]
    assert _sorted(load_export("\n".join(jira).encode()), "status") == [
        "new",
        "new",
        "open",
        "open",
    ]
    sources = ["Ausgehende E-Mail", "E-mail sortant", "Correo electrónico saliente"]
    sources += ["E-mail de saída", "Widget de comentarios", "Self-Service-Portal", "Portal"]
    chan = ["Ticket ID,Subject,Source,Created time"]
    chan += [f"{i},x,{s},2024-01-0{i + 1} 10:00" for i, s in enumerate(sources)]
    assert _sorted(load_export("\n".join(chan).encode()), "channel") == ["email"] * 4 + ["web"] * 3


def test_translated_freshdesk_counts_and_due_dates_are_no_scores_or_creation_dates() -> None:
    """German "Kundeninteraktionen" (a count) is no satisfaction score; "Erste Antwortzeit"
    is the first response, not "Erfasste Zeit"; Spanish "Vence el" (the due date) is not the
    creation date."""
    de = ["Ticket-ID,Status,Erstellt am,Agent,Kundeninteraktionen,Erfasste Zeit"]
    de[0] += ",Erste Antwortzeit (in Std.)"
    de += [
        f"{i},Offen,2024-03-0{i} 10:00:00,Ann Lee,{i},0{i}:30:00,0{i}:00:00" for i in range(1, 6)
    ]
    res = load_export("\n".join(de).encode())
    assert "satisfaction" not in res.mapping
    assert res.mapping.get("first_response_minutes") == "Erste Antwortzeit (in Std.)"
    es = ["ID del ticket,Asunto,Estado,Hora de creación,Vence el,Hora de resolución"]
    es += [
        "101,a,Abierto,2024-03-04 09:00:00,2024-03-05 09:00:00,",
        "102,b,Resuelto,2024-03-06 10:00:00,2024-03-07 10:00:00,2024-03-06 15:00:00",
        "103,c,Cerrado,2024-03-08 11:00:00,2024-03-09 11:00:00,2024-03-08 12:00:00",
        "104,d,Pendiente,2024-03-10 12:00:00,2024-03-11 12:00:00,",
    ]
    res = load_export("\n".join(es).encode())
    assert res.mapping["created_at"] == "Hora de creación"


@pytest.mark.parametrize(
    ("head", "want"),
    [
        (
            "ID del ticket,Estado,Hora de creación,Vence el,Hora de resolución,Hora de cierre,"
            "Hora de la respuesta inicial",
            ("Hora de creación", "Hora de resolución", "Hora de cierre"),
        ),
        (
            "ID du ticket,Statut,Heure de création,Échéance,Heure de résolution,Heure de clôture,"
            "Heure de la réponse initiale",
            ("Heure de création", "Heure de résolution", "Heure de clôture"),
        ),
        (
            "ID do ticket,Status,Hora de criação,Prazo,Hora da resolução,Hora do fechamento,"
            "Hora da resposta inicial",
            ("Hora de criação", "Hora da resolução", "Hora do fechamento"),
        ),
    ],
)
def test_freshdesk_time_columns_in_other_languages(head: str, want: tuple[str, ...]) -> None:
    """Freshdesk's "<time> of creation / resolution / closing" in Spanish, French and
    Portuguese: the creation, solve and close times; the due date and the first response are
    neither (the first response is its own time)."""
    rows = [head]
    for i in range(1, 5):
        solved = f"2024-03-0{i} 15:00:00" if i % 2 else ""
        rows.append(
            f"{i},x,2024-03-0{i} 09:00:00,2024-03-0{i + 1} 09:00:00,{solved},{solved},"
            f"2024-03-0{i} 10:00:00"
        )
    res = load_export("\n".join(rows).encode())
    created, resolved, closed = want
    assert res.mapping["created_at"] == created
    assert res.mapping.get("resolved_at") == resolved
    assert res.mapping.get("closed_at") == closed
    assert _sorted(res, "solved_at")[1] is None
    assert _sorted(res, "solved_at")[0] == datetime(2024, 3, 1, 15, tzinfo=UTC)


def test_german_vorm_and_nachm_times_are_read() -> None:
    """A German server's "02/Mär/24 3:45 nachm." (older Java locale data) is 15:45."""
    csv = "Issue key,Status,Created,Assignee\nA-1,Open,02/Mär/24 3:45 nachm.,Ann\n"
    csv += "A-2,Open,03/Mär/24 9:45 vorm.,Bo\n"
    res = load_export(csv.encode())
    assert _sorted(res, "created_at") == [
        datetime(2024, 3, 2, 15, 45, tzinfo=UTC),
        datetime(2024, 3, 3, 9, 45, tzinfo=UTC),
    ]


def test_japanese_and_chinese_jira_exports_are_read() -> None:
    """Jira in Japanese and Chinese: CJK headers, numbered or Chinese month names with
    午前/午後 and 上午/下午, statuses and priorities (both were refused: no created column)."""
    ja = (
        "\ufeff要約,課題キー,課題タイプ,ステータス,優先度,担当者,報告者,作成日,解決日,ラベル\n"
        "VPN に接続できない,HD-1,サービスリクエスト,エスカレーション済み,中,鈴木 一郎,"
        "a@example.org,12/6月/24 3:29 午後,,\n"
        "請求書,HD-2,サービスリクエスト,解決済み,高,佐藤 花子,b@example.org,"
        "04/6月/24 10:48 午前,05/6月/24 9:00 午前,請求\n"
        "ログイン,HD-3,サービスリクエスト,顧客の返答待ち,最高,,c@example.org,"
        "30/11月/24 12:05 午前,,\n"
    )
    t = load_export(ja.encode()).tickets.sort("ticket_id")
    assert t["created_at"].dt.strftime("%Y-%m-%d %H:%M").to_list() == [
        "2024-06-12 15:29",
        "2024-06-04 10:48",
        "2024-11-30 00:05",
    ]
    assert t["status"].to_list() == ["open", "solved", "pending"]
    assert t["priority"].to_list() == ["normal", "high", "urgent"]
    assert t["agent"].to_list() == ["鈴木 一郎", "佐藤 花子", None]
    assert t["escalated"].to_list() == [True, False, False]
    zh = (
        "摘要,事务密钥,事务类型,状态,优先级,经办人,报告人,已创建,已解决,标签\n"
        "支付页面报错,KF-1,任务,已解决,高,王建国,周杰,10/十一月/24 9:56 下午,"
        "12/十一月/24 12:26 下午,登录\n"
        "订单同步失败,KF-2,故障,处理中,中,李娜,赵磊,31/一月/24 8:59 上午,,\n"
        "无法登录,KF-3,故障,待办,低,,周杰,05/3月/24 2:14 下午,,\n"
    )
    t = load_export(zh.encode()).tickets.sort("ticket_id")
    assert t["created_at"].dt.strftime("%Y-%m-%d %H:%M").to_list() == [
        "2024-11-10 21:56",
        "2024-01-31 08:59",
        "2024-03-05 14:14",
    ]
    assert t["solved_at"].dt.strftime("%Y-%m-%d %H:%M").to_list() == [
        "2024-11-12 12:26",
        None,
        None,
    ]
    assert t["status"].to_list() == ["solved", "open", "new"]
    assert t["priority"].to_list() == ["high", "normal", "low"]
    assert t["tags"].to_list() == [["登录"], [], []]


def test_japanese_denied_escalations_are_no_escalations() -> None:
    rows = ["Ticket ID,Created,Status,Tags"]
    tags = [
        "エスカレーション不要",
        "エスカレーションなし",
        "非エスカレ",
        "請求",
        "エスカレーション却下",
    ]
    rows += [f"{i},2024-01-0{i} 10:00,Open,{t}" for i, t in enumerate(tags, 1)]
    rows.append("6,2024-01-06 10:00,Open,エスカレーション済み")
    t = load_export(("\n".join(rows) + "\n").encode()).tickets.sort("ticket_id")
    assert t["escalated"].to_list() == [False, False, False, False, False, True]


JIRA_LANGUAGES = [
    # (header, a row: created 5 March 2024 15:07, resolved 6 March 09:07; status; priority)
    ("Özet,Anahtar,Durum,Öncelik,Atanan,Oluşturuldu,Çözüldü,Bitiş Tarihi",
     "VPN,D-1,Çözüldü,Yüksek,Ada Kaya,05/Mar/24 3:07 ÖS,06/Mar/24 9:07 ÖÖ,20/Nis/24"),
    ("Yhteenveto,Tehtävän avain,Tila,Prioriteetti,Vastuuhenkilö,Luotu,Ratkaistu,Eräpäivä",
     "VPN,D-1,Ratkaistu,Korkea,Aino Virta,05/maalisk./24 3:07 ip.,06/maalisk./24 9:07 ap.,"
     "20/huhtik./24"),
    ("Összefoglaló,Kulcs,Állapot,Prioritás,Felelős,Létrehozva,Megoldva,Határidő",
     "VPN,D-1,Megoldva,Magas,Kiss Anna,05/márc./24 3:07 du.,06/márc./24 9:07 de.,20/ápr./24"),
    ("Rezumat,Cheie problemă,Stare,Prioritate,Responsabil,Creat,Rezolvat,Dată scadentă",
     "VPN,D-1,Rezolvat,Înaltă,Ana Pop,05/mar./24 3:07 p.m.,06/mar./24 9:07 a.m.,20/apr./24"),
    ("Sammendrag,Saksnøkkel,Status,Prioritet,Tildelt,Opprettet,Løst,Forfallsdato",
     "VPN,D-1,Løst,Høy,Kari Nord,05/mar./24 3:07 p.m.,06/mar./24 9:07 a.m.,20/des./24"),
    ("Resumé,Sagsnøgle,Status,Prioritet,Ansvarlig,Oprettet,Løst,Forfaldsdato",
     "VPN,D-1,Løst,Høj,Mette Berg,05/mar./24 3:07 PM,06/mar./24 9:07 AM,20/maj/24"),
    ("Súhrn,Kľúč,Stav,Priorita,Riešiteľ,Vytvorené,Vyriešené,Termín",
     "VPN,D-1,Vyriešené,Vysoká,Eva Malá,05/mar/24 3:07 PM,06/mar/24 9:07 AM,20/máj/24"),
    ("Підсумок,Ключ,Статус,Пріоритет,Виконавець,Створено,Вирішено,Термін",
     "VPN,D-1,Вирішено,Високий,Олена Бондар,05/бер./24 3:07 пп,06/бер./24 9:07 дп,20/квіт./24"),
    ("요약,이슈 키,상태,우선순위,담당자,생성일,해결일,기한",
     "VPN,D-1,해결됨,높음,김민준,05/3월/24 3:07 오후,06/3월/24 9:07 오전,20/4월/24"),
    ("摘要,問題索引鍵,狀態,優先順序,經辦人,已建立,已解決,到期日",
     "VPN,D-1,已解決,高,陳怡君,05/3月/24 3:07 下午,06/3月/24 9:07 上午,20/4月/24"),
]  # fmt: skip


@pytest.mark.parametrize(("header", "row"), JIRA_LANGUAGES, ids=lambda v: v.split(",")[0])
def test_jira_in_more_languages(header: str, row: str) -> None:
    """Jira's month abbreviations and before/after-noon words as Java writes them for Turkish,
    Finnish, Hungarian, Romanian, Norwegian, Danish, Slovak, Ukrainian, Korean and
    traditional Chinese; the due date is never the creation date."""
    data = f"{header}\n{row}\n{row.replace('D-1', 'D-2')}\n"
    result = load_export(data.encode())
    t = result.tickets.sort("ticket_id")
    assert result.mapping["created_at"] == header.split(",")[5]
    first = t.row(0, named=True)
    assert first["created_at"] == datetime(2024, 3, 5, 15, 7, tzinfo=UTC)
    assert first["solved_at"] == datetime(2024, 3, 6, 9, 7, tzinfo=UTC)
    assert first["status"] == "solved" and first["priority"] == "high"
    assert first["agent"] == row.split(",")[4]
