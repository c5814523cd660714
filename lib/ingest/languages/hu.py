"""Hungarian (magyar): Jira and Jira Service Management with a Hungarian interface. Jira
writes dates with Hungarian month abbreviations and de./du. (``05/márc./24 3:07 du.``).

>>> STATUSES["solved"].split("|")[:2]
['kész', 'megoldva']
"""

CODE = "hu"
NAME = "Hungarian"

HEADERS = {
    "ticket_id": "kulcs|jegy azonosító|jegyszám",
    "created_at": "létrehozva|létrehozás dátuma|létrehozás",
    "resolved_at": "megoldva|megoldás dátuma",
    "closed_at": "lezárva|lezárás dátuma",
    "updated_at": "frissítve|módosítva|utolsó módosítás",
    "status": "állapot|státusz",
    "priority": "prioritás|fontosság",
    "channel": "csatorna|forrás",
    "category": "feladattípus|típus|kategória|kérés típusa",
    "agent": "felelős|hozzárendelt|megbízott|ügyintéző",
    "group": "komponensek|komponens|csapat|csoport|sor",
    "level": "támogatási szint|szint",
    "customer": "bejelentő|kérelmező|ügyfél|cég|szervezet",
    "subject": "összefoglaló|tárgy|cím",
    "description": "leírás",
    "tags": "címkék|címke",
}

STATUSES = {
    "new": "teendő|új",
    "open": "folyamatban|nyitott|újranyitva|támogatásra vár",
    "pending": "ügyfélre vár|válaszra vár",
    "on_hold": "felfüggesztve|blokkolva|szállítóra vár",
    "solved": "kész|megoldva|befejezve",
    "closed": "lezárva|lezárt|elutasítva|visszavonva",
}

PRIORITIES = {
    "urgent": "legmagasabb|kritikus|sürgős",
    "high": "magas",
    "normal": "közepes|normál",
    "low": "alacsony|legalacsonyabb",
}

CHANNELS = {
    "email": "e-mail|email",
    "web": "webes űrlap|portál",
    "chat": "csevegés|chat",
    "phone": "telefon",
}

NOBODY = "nincs hozzárendelve|senki"

MONTHS = (
    "jan|január",
    "febr|február",
    "márc|március",
    "ápr|április",
    "máj|május",
    "jún|június",
    "júl|július",
    "aug|augusztus",
    "szept|szeptember",
    "okt|október",
    "nov|november",
    "dec|december",
)
