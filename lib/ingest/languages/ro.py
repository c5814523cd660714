"""Romanian (română): Jira and Jira Service Management with a Romanian interface. Jira writes
dates with Romanian month abbreviations and a.m./p.m. (``07/ian./24 2:56 a.m.``).

>>> STATUSES["solved"].split("|")[:2]
['finalizat', 'rezolvat']
"""

CODE = "ro"
NAME = "Romanian"

HEADERS = {
    "ticket_id": "cheie|cheie problemă|număr tichet|id tichet",
    "created_at": "creat|creată|data creării|creat la",
    "resolved_at": "rezolvat|rezolvată|data rezolvării",
    "closed_at": "închis la|data închiderii",
    "updated_at": "actualizat|actualizată|ultima actualizare",
    "status": "stare|status",
    "priority": "prioritate",
    "channel": "canal|sursă",
    "category": "tip problemă|tip|categorie|tip solicitare",
    "agent": "responsabil|atribuit|persoană desemnată|asignat",
    "group": "componente|componentă|echipă|grup|coadă|departament",
    "level": "nivel de suport|nivel",
    "customer": "raportor|solicitant|client|companie|organizație",
    "subject": "rezumat|subiect|titlu",
    "description": "descriere",
    "tags": "etichete",
}

STATUSES = {
    "new": "de făcut|nou",
    "open": "în desfășurare|în curs|în lucru|deschis|redeschis|în așteptarea suportului",
    "pending": "se așteaptă clientul|în așteptarea clientului|așteaptă clientul|în așteptare",
    "on_hold": "suspendat|blocat|în așteptarea furnizorului",
    "solved": "finalizat|rezolvat|gata",
    "closed": "închis|anulat|respins",
}

PRIORITIES = {
    "urgent": "cea mai mare|cea mai înaltă|critică|critic|urgent|urgentă",
    "high": "mare|înaltă|ridicată",
    "normal": "medie|mediu",
    "low": "mică|scăzută|cea mai mică|cea mai scăzută",
}

CHANNELS = {
    "email": "e-mail|email",
    "web": "formular web|portal",
    "chat": "chat",
    "phone": "telefon",
}

NOBODY = "neatribuit|nealocat"

MONTHS = (
    "ian|ianuarie",
    "feb|februarie",
    "mar|martie",
    "apr|aprilie",
    "mai",
    "iun|iunie",
    "iul|iulie",
    "aug|august",
    "sept|septembrie",
    "oct|octombrie",
    "nov|noiembrie",
    "dec|decembrie",
)
