"""Swedish (svenska): Jira, Zendesk and Freshdesk with a Swedish interface. Jira writes dates
with Swedish month abbreviations (``25/apr/24 9:48 PM``, ``3/maj/24``, ``12/okt/24``).

>>> STATUSES["solved"].split("|")[:2]
['klar', 'löst']
"""

CODE = "sv"
NAME = "Swedish"

HEADERS = {
    "satisfaction": "betyg|nöjdhet|kundnöjdhet",
    "ticket_id": "ärendenyckel|nyckel|ärendenummer|ärende-id|ärende id|biljettnummer",
    "created_at": "skapad|skapat|skapad den|skapades|datum skapad|skapandedatum",
    "resolved_at": "löst|löst den|lösningsdatum|datum löst",
    "closed_at": "stängd den|stängningsdatum|datum stängd",
    "updated_at": "uppdaterad|uppdaterat|senast uppdaterad|ändrad|senast ändrad",
    "status": "status|tillstånd",
    "priority": "prioritet",
    "channel": "kanal|källa",
    "category": "ärendetyp|kategori|typ",
    "agent": "tilldelad|tilldelad till|handläggare|ansvarig|agent",
    "group": "grupp|team|kö|avdelning|supportgrupp",
    "level": "nivå|supportnivå",
    "customer": "rapportör|beställare|kund|företag|organisation|anmälare|kontakt",
    "subject": "sammanfattning|ämne|rubrik|titel",
    "description": "beskrivning",
    "tags": "etiketter|etikett|taggar",
    "escalated": "eskalerad|eskalering",
}

STATUSES = {
    "new": "att göra|nytt",  # not "ny": the US state code in complaint files
    "open": "pågående|öppen|öppet|under arbete|återöppnad|pågår|väntar på support",
    "pending": "väntande|väntar på kund|väntar på svar|avvaktar kund|inväntar kund",
    "on_hold": "parkerad|pausad|blockerad|väntar på tredje part",
    "solved": "klar|löst|åtgärdad|färdig|utförd",
    "closed": "stängd|stängt|avbruten|avvisad|dubblett",
}

PRIORITIES = {
    "urgent": "högsta|kritisk|akut|brådskande|blockerande",
    "high": "hög",
    "normal": "medel|normal",
    "low": "låg|lägsta",
}

CHANNELS = {
    "email": "e-post|mejl",
    "web": "webbformulär|webb|portal",
    "chat": "chatt",
    "phone": "telefon",
    "social": "sociala medier",
}

NOBODY = "ej tilldelad|otilldelad|ingen"

MONTHS = (
    "jan|januari",
    "feb|februari",
    "mar|mars",
    "apr|april",
    "maj",
    "jun|juni",
    "jul|juli",
    "aug|augusti",
    "sep|sept|september",
    "okt|oktober",
    "nov|november",
    "dec|december",
)
