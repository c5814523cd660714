"""Presets of the self-hosted service desks and issue trackers: GLPI (its Portuguese, French,
English, Spanish, German and Italian CSV exports), OTRS/Znuny (ticket search CSV), Redmine
(issues CSV) and Request Tracker (search results spreadsheet).

None of them exports the ticket's first owner or first team: only the current technician,
owner or queue, so ``first_agent`` and ``first_group`` stay unmapped (say so on the mapping
screen, or load the history as an event log).

Example
-------
>>> [p.vendor for p in TRACKER_PRESETS]
['glpi', 'otrs', 'redmine', 'rt']
"""

from __future__ import annotations

from lib.ingest.presets.base import _PRIORITY_WORDS, Preset, _cols, _names, _vm

_NO_FIRST_OWNER = (
    "No first owner or first team is exported (only the current one), so first_agent and "
    "first_group stay unmapped."
)

#: GLPI's "Assigned to - Group" column, as GLPI 9 and 10 name it in each language
#: ("Technician group" in GLPI 10).
_GLPI_GROUPS = (
    "Atribuído - Grupo|Atribuído - Grupo de técnicos|Atribuído a - Grupo|Técnico - Grupo"
    "|Attribué à - Groupe|Attribué à - Groupe de techniciens|Assigned to - Group"
    "|Assigned to - Technician group"
    "|Asignado a - Grupo|Asignado a - Grupo de técnicos|Zugewiesen an - Gruppe"
    "|Zugewiesen an - Technikergruppe|Assegnato a - Gruppo|Assegnato a - Gruppo di tecnici"
)

#: GLPI's "Assigned to - Technician" column in each language.
_GLPI_TECHNICIANS = (
    "Atribuído - Técnico|Atribuído a - Técnico|Attribué à - Technicien|Assigned to - Technician"
    "|Asignado a - Técnico|Zugewiesen an - Techniker|Assegnato a - Tecnico"
)

TRACKER_PRESETS: tuple[Preset, ...] = (
    Preset(
        vendor="glpi",
        label="GLPI ticket search export (CSV)",
        signature=_names(
            "ID; Título|Titre|Title|Titel|Titolo; Status|Statut|Stato|Estado;"
            "Data de abertura|Date d'ouverture|Opening date|Eröffnungsdatum|Data di apertura"
            "|Fecha de apertura;"
            "Última atualização|Última modificação|Dernière modification|Last update"
            "|Letzte Änderung|Última modificación|Última actualización"
            "|Ultima modifica;"
            "Prioridade|Priorité|Priority|Priorität|Priorità|Prioridad;"
            "Requerente|Requerente - Requerente|Demandeur|Demandeur - Demandeur|Requester|"
            "Requester - Requester|Anforderer - Anforderer|Richiedente - Richiedente|"
            "Solicitante|Solicitante - Solicitante;"
            f"{_GLPI_TECHNICIANS};"
            f"{_GLPI_GROUPS};"
            "Categoria|Catégorie|Category|Kategorie"
        ),
        required=(
            "Data de abertura|Date d'ouverture|Opening date|Eröffnungsdatum|Data di apertura"
            "|Fecha de apertura",
            f"{_GLPI_TECHNICIANS}|{_GLPI_GROUPS}",
        ),
        ignore=(
            "Tempo para atendimento",
            "Tempo para solução",
            "Tempo para resolver",
            "Temps de prise en compte",
            "Temps de résolution",
            "Time to own",
            "Time to resolve",
        ),
        columns=_cols(
            ticket_id="ID",
            created_at="Data de abertura; Date d'ouverture; Opening date; Eröffnungsdatum;"
            "Data di apertura; Fecha de apertura",
            updated_at="Última atualização; Última modificação; Dernière modification;"
            "Last update; Letzte Änderung;"
            "Ultima modifica; Última modificación; Última actualización",
            solved_at="Data de solução; Date de résolution; Resolution date; Lösungsdatum;"
            "Data di risoluzione; Fecha de resolución; Fecha de solución",
            closed_at="Data de fechamento; Date de clôture; Closing date; Schließungsdatum;"
            "Data di chiusura; Fecha de cierre",
            status="Status; Statut; Stato; Estado",
            priority="Prioridade; Priorité; Priority; Priorität; Priorità",
            channel="Origem da requisição; Source de la demande; Request source;"
            "Quelle der Anfrage; Origine della richiesta",
            category="Categoria; Catégorie; Category; Kategorie",
            agent=_GLPI_TECHNICIANS.replace("|", "; "),
            group=_GLPI_GROUPS.replace("|", "; "),
            customer="Requerente - Requerente; Requerente; Demandeur - Demandeur; Demandeur;"
            "Requester - Requester; Requester; Anforderer - Anforderer;"
            "Richiedente - Richiedente; Entidade; Entité; Entity; Entität; Entità",
            subject="Título; Titre; Title; Titel; Titolo",
            description="Descrição; Description; Beschreibung; Descrizione",
        ),
        value_maps={
            "status": _vm(
                "novo=new; nouveau=new; new=new;"
                "em atendimento (atribuído)=open; em atendimento (planejado)=open;"
                "en cours (attribué)=open; en cours (planifié)=open;"
                "processing (assigned)=open; processing (planned)=open;"
                "pendente=pending; en attente=pending; pending=pending;"
                "solucionado=solved; résolu=solved; solved=solved;"
                "fechado=closed; clos=closed; closed=closed"
            ),
            "priority": _vm(
                "muito baixa=low; baixa=low; média=normal; alta=high; muito alta=urgent;"
                "très basse=low; basse=low; moyenne=normal; haute=high; très haute=urgent;"
                "majeure=urgent; very low=low; low=low; medium=normal; high=high;"
                "very high=urgent; major=urgent"
            ),
            "channel": _vm(
                "helpdesk=web; e-mail=email; email=email; telefone=phone; téléphone=phone;"
                "phone=phone; direto=other; direct=other; escrito=other; écrit=other;"
                "written=other; outro=other; autre=other; other=other"
            ),
        },
        notes=(
            "GLPI Assistance > Tickets search, 'Export' as CSV (semicolon separated, headers "
            "in the user's language): pt-BR 'ID;Título;Status;Data de abertura;Última "
            "atualização;Prioridade;Requerente;Atribuído - Técnico;Atribuído - Grupo;"
            "Categoria', French 'ID;Titre;Statut;Date d'ouverture;Dernière modification;"
            "Priorité;Demandeur;Attribué à - Technicien;Attribué à - Groupe;Catégorie'. The "
            "columns follow the saved search, so either opening date and a technician or group "
            "column is required. Dates follow the user's preference (dd-mm-yyyy by default in "
            "these locales; the order is still read from the values). Statuses New / "
            "Processing (assigned/planned) / Pending / Solved / Closed; priorities Very low .. "
            "Very high and Major. 'Tempo para resolver excedido' / 'Temps de résolution "
            "dépassé' is an SLA flag, not an escalation, and 'Tempo para atendimento' an SLA "
            "deadline, not a solve time: neither is mapped. GLPI's search writes numbers with "
            "the locale's thousands separator (ID '2 553'). " + _NO_FIRST_OWNER
        ),
    ),
    Preset(
        vendor="otrs",
        label="OTRS / Znuny ticket search export (CSV)",
        signature=_names(
            "TicketNumber|Ticket#|Ticket Number; Title; Created; Closed; FirstResponse|"
            "First Response; State; Priority; Queue; Lock; Owner; Responsible; CustomerID|"
            "Customer ID; CustomerUserID|Customer User"
        ),
        required=("TicketNumber|Ticket#|Ticket Number", "Queue"),
        columns=_cols(
            ticket_id="TicketNumber; Ticket#; Ticket Number; TicketID",
            created_at="Created",
            updated_at="Changed",
            closed_at="Closed",
            status="State",
            priority="Priority",
            category="Type; Service",
            agent="Owner",
            group="Queue",
            customer="CustomerID; Customer ID; CustomerUserID; Customer User",
            subject="Title",
            first_response_minutes="FirstResponseInMin; First Response In Min",
        ),
        value_maps={
            "status": _vm(
                "new=new; open=open; pending reminder=pending; pending auto close+=pending;"
                "pending auto close-=pending; closed successful=closed;"
                "closed unsuccessful=closed; merged=closed; removed=closed"
            ),
            "priority": _vm(
                "1 very low=low; 2 low=low; 3 normal=normal; 4 high=high; 5 very high=urgent"
            ),
        },
        duration_unit={"first_response_minutes": "minutes"},
        notes=(
            "OTRS 6 / Znuny ticket search (AgentTicketSearch) with output 'CSV': "
            "'TicketNumber', 'Title', 'Created', 'Closed', 'FirstResponse', 'State', "
            "'Priority', 'Queue', 'Lock', 'Owner', 'Responsible', 'CustomerID', "
            "'CustomerUserID', 'Type', 'Service', 'SLA' (the columns are configurable, the "
            "names are the attribute names; older versions write 'Ticket#'). Dates as "
            "YYYY-MM-DD HH:MM:SS in the agent's time zone. States new / open / pending "
            "reminder / pending auto close± / closed successful / closed unsuccessful / "
            "merged; priorities '1 very low' .. '5 very high'. The queue stands for the team. "
            "'FirstResponse' is a timestamp; 'FirstResponseInMin' (when exported) is the "
            "duration. 'Lock' and 'FirstLock' say nothing about who first owned the ticket. "
            + _NO_FIRST_OWNER
        ),
    ),
    Preset(
        vendor="redmine",
        label="Redmine issues export (CSV)",
        signature=_names(
            "#; Project; Tracker; Parent task; Status; Priority; Subject; Author; Assignee;"
            "Updated; Target version; % Done; Created"
        ),
        required=("#", "Tracker"),
        columns=_cols(
            ticket_id="#",
            created_at="Created",
            updated_at="Updated",
            closed_at="Closed",
            status="Status",
            priority="Priority",
            category="Category; Tracker",
            agent="Assignee",
            customer="Author",
            subject="Subject",
            description="Description",
        ),
        value_maps={
            "status": _vm(
                "new=new; in progress=open; feedback=pending; resolved=solved; closed=closed;"
                "rejected=closed"
            ),
            "priority": {**_PRIORITY_WORDS, "immediate": "urgent"},
        },
        notes=(
            "Redmine Issues > 'CSV' export (English labels): '#', 'Project', 'Tracker', "
            "'Parent task', 'Status', 'Priority', 'Subject', 'Author', 'Assignee', 'Updated', "
            "'Category', 'Target version', 'Start date', 'Due date', 'Estimated time', "
            "'% Done', 'Created', 'Closed'. Dates follow the account's date format (US "
            "month-first such as 01/10/2023 10:15 AM by default in English; the order is read "
            "from the values). Default statuses New / In Progress / Resolved / Feedback / "
            "Closed / Rejected, priorities Low / Normal / High / Urgent / Immediate. The "
            "author is the requester; Redmine has no team field (an assignee may be a group), "
            "so group stays unmapped. " + _NO_FIRST_OWNER
        ),
    ),
    Preset(
        vendor="rt",
        label="Request Tracker search results (spreadsheet)",
        signature=_names(
            "id; Subject; Status; Queue; Owner; Requestors; Created; Resolved; LastUpdated;"
            "Priority; TimeWorked; Told"
        ),
        required=("Requestors", "Queue"),
        columns=_cols(
            ticket_id="id",
            created_at="Created",
            updated_at="LastUpdated",
            resolved_at="Resolved",
            status="Status",
            priority="Priority",
            agent="Owner",
            group="Queue",
            customer="Requestors",
            subject="Subject",
        ),
        value_maps={
            "status": _vm(
                "new=new; open=open; stalled=on_hold; resolved=solved; rejected=closed;"
                "deleted=closed"
            ),
            "priority": _vm("low=low; medium=normal; high=high"),
        },
        notes=(
            "Request Tracker (RT 4/5) search results 'Download as spreadsheet' (tab "
            "separated, Results.tsv): 'id', 'Subject', 'Status', 'Queue', 'Owner', "
            "'Requestors', 'Created', 'Resolved', 'LastUpdated', 'Priority', 'TimeWorked', "
            "'Told', custom fields as 'CF.{Name}'. Statuses new / open / stalled / resolved / "
            "rejected / deleted; owner 'Nobody' is no owner. Priority is a number unless RT 5 "
            "writes Low / Medium / High; bare numbers have no fixed meaning and are left "
            "unread. The queue stands for the team. " + _NO_FIRST_OWNER
        ),
    ),
)
