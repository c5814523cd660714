"""Dutch (Nederlands): Jira, GLPI, TOPdesk-like exports, Zendesk and Freshdesk with a Dutch
interface.

>>> STATUSES["solved"].split("|")[:2]
['opgelost', 'gereed']
"""

CODE = "nl"
NAME = "Dutch"

HEADERS = {
    "first_response_at": "tijd van eerste antwoord|eerste antwoord op|datum eerste reactie",
    "customer_tier": "abonnement|klantniveau|klantsegment",
    "ticket_id": "sleutel|issuesleutel|ticketnummer|meldingnummer|meldingsnummer"
    "|incidentnummer|nummer|ticket-id|ticketnr",
    "created_at": "aangemaakt|aangemaakt op|gemaakt|gemaakt op|aanmaakdatum|datum aangemaakt"
    "|datum aanmelding|aanmelddatum"
    "|openingsdatum|geopend op|datum melding|meldingsdatum",
    "solved_at": "datum opgelost|opgelost op|oplosdatum|datum oplossing|datum gereed",
    "resolved_at": "opgelost",
    "closed_at": "gesloten op|sluitingsdatum|datum gesloten|afgesloten op|afmelddatum"
    "|datum afgemeld",
    "updated_at": "bijgewerkt|bijgewerkt op|laatste wijziging|gewijzigd|gewijzigd op"
    "|laatst gewijzigd|wijzigingsdatum",
    "status": "status|ticketstatus|meldingstatus|verwerkingsstatus",
    "priority": "prioriteit|urgentie|ernst",
    "channel": "aanvraagbron|bron|kanaal|binnengekomen via|meldingswijze|contactkanaal",
    "category": "categorie|type|type issue|issuetype|soort|soort melding|onderwerp categorie",
    "agent": "toegewezen aan - technicus|toegewezen persoon|toegewezene|toegewezen aan"
    "|behandelaar|technicus|eigenaar|medewerker",
    "group": "toegewezen aan - groep|groep|team|wachtrij|afdeling|behandelaarsgroep|operatorgroep",
    "level": "niveau|lijn|supportniveau",
    "customer": "aanvrager|aanvrager - aanvrager|melder|klant|bedrijf|organisatie|gebruiker"
    "|contactpersoon|aanmelder",
    "subject": "samenvatting|titel|onderwerp|korte omschrijving",
    "description": "beschrijving|omschrijving|bericht|details|verzoek|opmerking",
    "tags": "labels|label|tags|trefwoorden",
    "escalated": "geëscaleerd|escalatie",
    "reassignments": "hertoewijzingen|aantal hertoewijzingen|doorverwijzingen",
    "reopens": "heropeningen|heropend",
    "first_response_minutes": "eerste reactie|reactietijd|tijd tot eerste reactie",
    "satisfaction": "tevredenheid|beoordeling|klanttevredenheid",
}

AVOID = {
    "customer": "abonnement segment niveau",
    "level": "beveiliging klant abonnement contract account",
    "group": "abonnement contract",
    "created_at": "streefdatum deadline",
    "agent": "groep id",
}

STATUSES = {
    "new": "nieuw|te doen|niet gestart|aangemeld",
    "open": "in behandeling|in behandeling (toegewezen)|in behandeling (gepland)|wordt uitgevoerd"
    "|in uitvoering|mee bezig|bezig|open|toegewezen|heropend|in onderzoek",
    "pending": "wachtend|in afwachting|wacht op klant|wachten op klant|wachten op reactie"
    "|wacht op gebruiker|wachten op gebruiker|wacht op aanmelder"
    "|in afwachting van klant",
    "on_hold": "in de wacht|gepauzeerd|geblokkeerd|aangehouden|wachten op derde"
    "|wacht op leverancier|wachten op leverancier"
    "|wacht op derde partij|wachten op derde partij|wachten op derden",
    "solved": "opgelost|gereed|klaar|afgerond|voltooid|uitgevoerd",
    "closed": "gesloten|afgesloten|geannuleerd|afgewezen|vervallen|duplicaat|afgemeld",
}

PRIORITIES = {
    "urgent": "zeer hoog|kritiek|urgent|spoed|hoogste|blokkerend",
    "high": "hoog|belangrijk|groot",
    "normal": "gemiddeld|normaal|middel",
    "low": "laag|zeer laag|laagste|klein|gering|triviaal",
}

CHANNELS = {
    "email": "e-mail|email|mail",
    "web": "webformulier|formulier|portaal|selfserviceportaal|website|helpdesk",
    "chat": "chat|livechat",
    "phone": "telefoon|telefonisch|gebeld",
    "messaging": "whatsapp|sms",
    "social": "sociale media",
    "other": "overig|anders|direct|schriftelijk|post|balie|persoonlijk",
}

NOBODY = "niet toegewezen|niemand|geen behandelaar|geen groep"

NOTHING = "geen"

MONTHS = (
    "jan|januari",
    "feb|febr|februari",
    "mrt|maart",
    "apr|april",
    "mei",
    "jun|juni",
    "jul|juli",
    "aug|augustus",
    "sep|sept|september",
    "okt|oktober",
    "nov|november",
    "dec|december",
)


#: Common short words (articles, pronouns, prepositions), space-separated: enough to tell
#: which language a ticket's text is in (``lib.sentiment_language``), never used to match columns.
STOPWORDS = (
    "de het een en van in is dat op te met voor niet zijn er maar ook bij als aan om uit "
    "wordt kan nog geen mijn ons wij ik jij hij zij dank graag hallo"
)
