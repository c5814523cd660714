"""Polish (Polski): Jira, Zendesk and Freshdesk with a Polish interface. Jira writes dates with
Polish month abbreviations (``10/gru/23 5:22 PM``).

>>> MONTHS[11].split("|")[:2]
['gru', 'grudzień']
"""

CODE = "pl"
NAME = "Polish"

HEADERS = {
    "satisfaction": "ocena|ocena obsługi|zadowolenie|oceń obsługę",
    "ticket_id": "klucz|klucz zgłoszenia|numer zgłoszenia|id zgłoszenia|identyfikator zgłoszenia",
    "created_at": "utworzono|utworzone|data utworzenia|data zgłoszenia|utworzono dnia",
    "solved_at": "data rozwiązania|rozwiązano dnia",
    "resolved_at": "rozwiązano",
    "closed_at": "data zamknięcia|zamknięto",
    "updated_at": "zaktualizowano|data aktualizacji|ostatnia aktualizacja|zmodyfikowano",
    "status": "status|stan",
    "priority": "priorytet",
    "channel": "kanał|źródło",
    "category": "typ zgłoszenia|kategoria|typ",
    "agent": "osoba przypisana|przypisany|przypisana|przypisane do|agent|właściciel",
    "group": "grupa|zespół|kolejka|dział",
    "customer": "zgłaszający|klient|firma|organizacja|zleceniodawca",
    "subject": "podsumowanie|temat|tytuł",
    "description": "opis",
    "tags": "etykiety|etykieta|tagi",
    "escalated": "eskalowane|eskalacja",
}

STATUSES = {
    "new": "do zrobienia|nowe|nowy|otwarte do zrobienia",
    "open": "w toku|w trakcie|w realizacji|otwarte|przypisane",
    "pending": "oczekuje na klienta|oczekujące|oczekuje na odpowiedź",
    "on_hold": "wstrzymane|zablokowane",
    "solved": "gotowe|rozwiązane|zrobione|zakończone",
    "closed": "zamknięte|anulowane|odrzucone",
}

PRIORITIES = {
    "urgent": "najwyższy|krytyczny|pilny|blokujący",
    "high": "wysoki|ważny",
    "normal": "średni|normalny",
    "low": "niski|najniższy|trywialny",
}

CHANNELS = {
    "email": "e-mail|email|poczta",
    "web": "formularz|formularz internetowy|portal|strona internetowa",
    "chat": "czat",
    "phone": "telefon|telefonicznie",
    "social": "media społecznościowe",
    "other": "inne|osobiście",
}

NOBODY = "nieprzypisane|nieprzypisany|brak przypisania|nikt"

MONTHS = (
    "sty|styczeń|stycznia",
    "lut|luty|lutego",
    "mar|marzec|marca",
    "kwi|kwiecień|kwietnia",
    "maj|maja",
    "cze|czerwiec|czerwca",
    "lip|lipiec|lipca",
    "sie|sierpień|sierpnia",
    "wrz|wrzesień|września",
    "paź|październik|października",
    "lis|listopad|listopada",
    "gru|grudzień|grudnia",
)
