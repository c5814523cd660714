"""Norwegian (norsk bokmål): Jira and Jira Service Management with a Norwegian interface. Jira
writes dates with Norwegian month abbreviations and a.m./p.m. (``05/des./24 3:07 p.m.``).

>>> STATUSES["solved"].split("|")[:2]
['ferdig', 'løst']
"""

CODE = "nb"
NAME = "Norwegian"

HEADERS = {
    "ticket_id": "saksnøkkel|nøkkel|saksnummer|saks-id",
    "created_at": "opprettet|opprettet dato|opprettelsesdato",
    "resolved_at": "løst|løst dato|løsningsdato",
    "closed_at": "lukket dato|lukket den",
    "updated_at": "oppdatert|sist oppdatert|endret",
    "status": "status",
    "priority": "prioritet",
    "channel": "kanal|kilde",
    "category": "sakstype|type|kategori|forespørselstype",
    "agent": "tildelt|ansvarlig|saksbehandler",
    "group": "komponent(er)|komponenter|komponent|team|gruppe|kø|avdeling",
    "level": "støttenivå|nivå",
    "customer": "rapportør|innmelder|kunde|firma|organisasjon",
    "subject": "sammendrag|emne|tittel",
    "description": "beskrivelse",
    "tags": "etiketter|stikkord",
}

STATUSES = {
    "new": "gjøremål|å gjøre",  # not "ny": the US state code in complaint files
    "open": "pågår|under arbeid|åpen|gjenåpnet|venter på støtte",
    "pending": "venter på kunde|venter på svar",
    "on_hold": "på vent|blokkert|venter på leverandør",
    "solved": "ferdig|løst|utført",
    "closed": "lukket|avbrutt|avvist",
}

PRIORITIES = {
    "urgent": "høyest|kritisk|haster",
    "high": "høy",
    "normal": "middels|normal",
    "low": "lav|lavest",
}

CHANNELS = {
    "email": "e-post",
    "web": "webskjema|portal",
    "chat": "chat",
    "phone": "telefon",
}

NOBODY = "ikke tildelt|ingen"

MONTHS = (
    "jan|januar",
    "feb|februar",
    "mar|mars",
    "apr|april",
    "mai",
    "jun|juni",
    "jul|juli",
    "aug|august",
    "sep|september",
    "okt|oktober",
    "nov|november",
    "des|desember",
)
