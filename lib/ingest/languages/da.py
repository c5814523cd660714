"""Danish (dansk): Jira and Jira Service Management with a Danish interface. Jira writes dates
with Danish month abbreviations (``05/maj/24 3:07 PM``, ``05/okt./24``).

>>> STATUSES["solved"].split("|")[:2]
['færdig', 'løst']
"""

CODE = "da"
NAME = "Danish"

HEADERS = {
    "ticket_id": "sagsnøgle|nøgle|sagsnummer|sags-id",
    "created_at": "oprettet|oprettelsesdato|oprettet dato",
    "resolved_at": "løst|løst dato|løsningsdato",
    "closed_at": "lukket dato|lukket den",
    "updated_at": "opdateret|senest opdateret|ændret",
    "status": "status",
    "priority": "prioritet",
    "channel": "kanal|kilde",
    "category": "sagstype|type|kategori|anmodningstype",
    "agent": "tildelt|ansvarlig|sagsbehandler|tildelt til",
    "group": "komponent(er)|komponenter|komponent|team|gruppe|kø|afdeling",
    "level": "supportniveau|niveau",
    "customer": "rapportør|anmelder|kunde|firma|organisation",
    "subject": "resumé|oversigt|emne|titel",
    "description": "beskrivelse",
    "tags": "etiketter|mærkater",
}

STATUSES = {
    "new": "opgaver|skal gøres",  # not "ny": the US state code in complaint files
    "open": "i gang|igangværende|åben|genåbnet|venter på support",
    "pending": "venter på kunde|venter på svar",
    "on_hold": "sat i bero|blokeret|venter på leverandør",
    "solved": "færdig|løst|udført",
    "closed": "lukket|annulleret|afvist",
}

PRIORITIES = {
    "urgent": "højest|kritisk|haster",
    "high": "høj",
    "normal": "middel|mellem|normal",
    "low": "lav|lavest",
}

CHANNELS = {
    "email": "e-mail|email",
    "web": "webformular|portal",
    "chat": "chat",
    "phone": "telefon",
}

NOBODY = "ikke tildelt|ingen"

MONTHS = (
    "jan|januar",
    "feb|februar",
    "mar|marts",
    "apr|april",
    "maj",
    "jun|juni",
    "jul|juli",
    "aug|august",
    "sep|september",
    "okt|oktober",
    "nov|november",
    "dec|december",
)
