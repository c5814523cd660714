"""Slovak (slovenčina): Jira and Jira Service Management with a Slovak interface. Jira writes
dates with Slovak month abbreviations (``03/máj/25 3:07 PM``, ``05/jún/24``).

>>> STATUSES["solved"].split("|")[:2]
['hotové', 'vyriešené']
"""

CODE = "sk"
NAME = "Slovak"

HEADERS = {
    "ticket_id": "kľúč|číslo požiadavky|id požiadavky",
    "created_at": "vytvorené|dátum vytvorenia|vytvorený",
    "resolved_at": "vyriešené|dátum vyriešenia",
    "closed_at": "dátum uzavretia|uzavreté dňa",
    "updated_at": "aktualizované|naposledy aktualizované|upravené",
    "status": "stav",
    "priority": "priorita",
    "channel": "kanál|zdroj",
    "category": "typ úlohy|typ|kategória|typ požiadavky",
    "agent": "riešiteľ|pridelené|priradený|zodpovedný",
    "group": "komponenty|komponent|skupina|front",  # not "tím": too close to "Time"
    "level": "úroveň podpory",
    "customer": "reportér|nahlasovateľ|žiadateľ|zákazník|firma",
    "subject": "súhrn|predmet|názov",
    "description": "opis",
    "tags": "menovky|štítky",
}

STATUSES = {
    "new": "na vykonanie|úlohy|nový",
    "open": "prebieha|v riešení|otvorené|znovu otvorené|čaká sa na podporu",
    "pending": "čaká sa na zákazníka|čaká na zákazníka|čaká sa na odpoveď",
    "on_hold": "pozastavené|zablokované|čaká sa na dodávateľa",
    "solved": "hotové|vyriešené|dokončené",
    "closed": "zatvorené|uzavreté|zrušené|zamietnuté",
}

PRIORITIES = {
    "urgent": "najvyššia|kritická|naliehavá",
    "high": "vysoká",
    "normal": "stredná|normálna",
    "low": "nízka|najnižšia",
}

CHANNELS = {
    "email": "e-mail|email",
    "web": "webový formulár|portál",
    "chat": "chat",
    "phone": "telefón",
}

NOBODY = "nepridelené|nikto"

MONTHS = (
    "jan|január|januára",
    "feb|február|februára",
    "mar|marec|marca",
    "apr|apríl|apríla",
    "máj|mája",
    "jún|jún|júna",
    "júl|júla",
    "aug|august|augusta",
    "sep|september|septembra",
    "okt|október|októbra",
    "nov|november|novembra",
    "dec|december|decembra",
)
