"""Czech (čeština): GLPI, Jira, Zendesk and Freshdesk with a Czech interface. Jira writes dates
with Czech month abbreviations (``12/bře/24``, ``3/říj/24``).

>>> STATUSES["solved"].split("|")[:2]
['vyřešeno', 'hotovo']
"""

CODE = "cs"
NAME = "Czech"

HEADERS = {
    "satisfaction": "hodnocení|spokojenost",
    "ticket_id": "klíč|id požadavku|číslo požadavku|číslo tiketu|číslo úkolu",
    "created_at": "datum otevření|vytvořeno|datum vytvoření|otevřeno",
    "solved_at": "datum vyřešení|vyřešeno dne",
    "resolved_at": "vyřešeno",
    "closed_at": "datum uzavření|uzavřeno dne",
    "updated_at": "poslední aktualizace|aktualizováno|poslední změna|naposledy upraveno",
    "status": "stav|status",
    "priority": "priorita",
    "channel": "zdroj požadavku|kanál|zdroj",
    "category": "kategorie|typ požadavku|typ úkolu|typ",
    "agent": "přiřazeno - technik|řešitel|přiřazeno|technik|přidělený technik",
    "group": "přiřazeno - skupina|přiřazeno - skupina techniků|skupina|tým|fronta",
    "level": "úroveň|úroveň podpory",
    "customer": "žadatel - žadatel|žadatel|zadavatel|zákazník|organizace|entita|reportér",
    "subject": "název|předmět|shrnutí",
    "description": "popis",
    "tags": "štítky|štítek|tagy",
    "escalated": "eskalováno|eskalace",
}

STATUSES = {
    "new": "nový|nové|nová|k řešení",
    "open": "zpracovávané (přiřazeno)|zpracovávané (plánováno)|zpracovávané|probíhá|v řešení"
    "|otevřený|otevřeno|znovu otevřeno|zpracovávaný (přiřazeno)|zpracovávaný (naplánováno)"
    "|zpracovávaný|čeká na podporu",
    "pending": "čekající|čeká na zákazníka|čeká na odpověď|čekání",
    "on_hold": "pozastaveno|blokováno|odloženo",
    "solved": "vyřešeno|hotovo|dokončeno|vyřešený",
    "closed": "uzavřeno|zavřeno|uzavřený|zrušeno|zamítnuto",
}

PRIORITIES = {
    "urgent": "velmi vysoká|nejvyšší|kritická|naléhavá",
    "high": "vysoká",
    "normal": "střední|normální",
    "low": "nízká|velmi nízká|nejnižší",
}

CHANNELS = {
    "email": "e-mail|email",
    "web": "webový formulář|portál",
    "phone": "telefon",
    "other": "osobně|jiné",
}

NOBODY = "nepřiřazeno|nikdo"

MONTHS = (
    "led|leden|ledna",
    "úno|únor|února",
    "bře|březen|března",
    "dub|duben|dubna",
    "kvě|květen|května",
    "čvn|červen|června",
    "čvc|červenec|července",
    "srp|srpen|srpna",
    "zář|září",
    "říj|říjen|října",
    "lis|listopad|listopadu",
    "pro|prosinec|prosince",
)
