"""German (Deutsch): Jira, GLPI, OTRS/Znuny, osTicket, Zammad, Zendesk and Freshdesk with a
German interface.

>>> PRIORITIES["high"].split("|")[:2]
['hoch', 'dringlich']
"""

CODE = "de"
NAME = "German"

HEADERS = {
    "customer_tier": "tarif|kundenstufe|kundenebene|kundentarif|abonnement|kundensegment",
    "activity": "aktivitat|aktivität|aktivitaet",
    "ticket_id": "vorgangsschlüssel|schlüssel|vorgangs-id|ticketnummer|ticket-nummer"
    "|ticket-nr|ticket-id|ticket nr|vorgangsnummer|nummer|nr",
    "created_at": "erstellt|erstellt am|erstelldatum|erstellungsdatum|eröffnungsdatum"
    "|eröffnet|eröffnet am|angelegt|angelegt am|erfasst am|öffnungsdatum",
    "solved_at": "lösungsdatum|gelöst am|gelöst|datum der lösung",
    "resolved_at": "erledigt|erledigt am|erledigungsdatum|gelöst am|gelöst um",
    "closed_at": "geschlossen am|geschlossen|schließungsdatum|abschlussdatum|abgeschlossen am",
    "updated_at": "aktualisiert|aktualisiert am|letzte änderung|geändert|geändert am"
    "|zuletzt geändert|letzte aktualisierung|änderungsdatum",
    "status": "status|zustand|bearbeitungsstatus|ticketstatus",
    "priority": "priorität|dringlichkeit|schweregrad",
    "channel": "anfragequelle|quelle|kanal|eingangskanal|herkunft|kontaktart",
    "category": "kategorie|vorgangstyp|typ|anfrageart|ticket-typ|tickettyp|thema",
    "agent": "zugewiesen an - techniker|bearbeiter|zugewiesene person|zugewiesen an"
    "|zugewiesen|techniker|verantwortlicher|besitzer|agent",
    "group": "zugewiesen an - techniker-gruppe|zugewiesen an - gruppe|gruppe|team"
    "|warteschlange|queue|abteilung|technikergruppe|zuweisungsgruppe",
    "level": "stufe|support-stufe|supportlevel|ebene|level",
    "customer": "anforderer|anforderer - anforderer|antragsteller|melder|autor|kunde|firma"
    "|firmenname|unternehmensname"
    "|organisation|unternehmen|benutzer|kontakt|kundenbenutzer|anrufer",
    "subject": "zusammenfassung|titel|betreff",
    "description": "beschreibung|nachricht|details|inhalt|kommentar",
    "tags": "stichwörter|schlagwörter|labels|tags",
    "escalated": "eskaliert|eskalation",
    "reassignments": "neuzuweisungen|anzahl neuzuweisungen|weiterleitungen",
    "reopens": "wiedereröffnungen|wiedereröffnet",
    "first_response_minutes": "erste antwort|erstreaktionszeit|zeit bis zur ersten antwort"
    "|erste antwortzeit|erste antwortzeit in std|erste reaktionszeit",
    "first_response_at": "erste antwort am|erste antwort um|zeitpunkt der ersten antwort"
    "|zeit der ersten antwort|uhrzeit der ersten antwort",
    "satisfaction": "zufriedenheit|bewertung|kundenzufriedenheit",
}

AVOID = {
    "customer": "tarif kundenstufe abonnement segment stufe",
    "level": "sicherheit kunde kunden tarif vertrag abonnement konto",
    "group": "tarif vertrag abonnement",
    "created_at": "fällig fälligkeitsdatum frist",
    "agent": "gruppe id",
    "resolved_at": "lösung",
}

STATUSES = {
    "new": "neu|zu erledigen|nicht begonnen",
    "open": "in bearbeitung|in bearbeitung (zugewiesen)|in bearbeitung (geplant)|in arbeit"
    "|offen|zugewiesen|wieder geöffnet|in prüfung|aktiv",
    "pending": "ausstehend|wartend|warten|warten auf kunde|warten auf rückmeldung"
    "|erinnerung wartend|warten auf antwort|rückfrage|warten auf kunden|wartet auf kunde"
    "|wartet auf kunden",
    "on_hold": "zurückgestellt|pausiert|blockiert|angehalten|warten auf dritte|wartet auf dritte"
    "|warten auf drittanbieter|wartet auf drittanbieter",
    "solved": "gelöst|erledigt|fertig|abgeschlossen|behoben|done",
    "closed": "geschlossen|geschlossen erfolgreich|geschlossen erfolglos|storniert"
    "|erfolgreich geschlossen|erfolglos geschlossen"  # OTRS / Znuny
    "|abgebrochen|abgelehnt|zusammengefasst|duplikat",
}

PRIORITIES = {
    "urgent": "sehr hoch|kritisch|dringend|blocker|höchste|notfall|sofort",
    "high": "hoch|dringlich|wichtig|schwer|hohe",
    "normal": "mittel|normal|mittlere",
    "low": "niedrig|sehr niedrig|gering|niedrigste|trivial|unwichtig",
}

CHANNELS = {
    "email": "e-mail|email|mail|ausgehende e-mail|eingehende e-mail",
    "web": "webformular|formular|portal|kundenportal|webseite|helpdesk|feedback-widget"
    "|self-service-portal",
    "chat": "chat|live-chat",
    "phone": "telefon|anruf|telefonanruf",
    "messaging": "whatsapp|sms",
    "social": "soziale medien|social media",
    "other": "sonstige|sonstiges|andere|direkt|schriftlich|brief|post|persönlich",
}

NOBODY = "nicht zugewiesen|nicht zugeordnet|niemand|nicht vergeben|kein bearbeiter"

NOTHING = "keine|kein|keiner|ohne"

MONTHS = (
    "jan|jän|januar|jänner",
    "feb|febr|februar",
    "mär|mrz|märz",
    "apr|april",
    "mai",
    "jun|juni",
    "jul|juli",
    "aug|august",
    "sep|sept|september",
    "okt|oktober",
    "nov|november",
    "dez|dezember",
)


#: Common short words (articles, pronouns, prepositions), space-separated: enough to tell
#: which language a ticket's text is in (``lib.sentiment_language``), never used to match columns.
STOPWORDS = (
    "der die das und zu den von mit ist nicht ein eine sich auf für dem des im bei ich wir "
    "sie es auch nach aus wie aber noch wird sind kann kein keine bitte danke hallo"
)
