"""Finnish (suomi): Jira and Jira Service Management with a Finnish interface. Jira writes
dates with Finnish month abbreviations and ap./ip. (``28/tammik./24 3:07 ip.``).

>>> STATUSES["solved"].split("|")[:2]
['valmis', 'ratkaistu']
"""

CODE = "fi"
NAME = "Finnish"

HEADERS = {
    "ticket_id": "tehtävän avain|avain|tiketin numero|pyynnön numero",
    "created_at": "luotu|luontipäivä|luotu pvm",
    "resolved_at": "ratkaistu|ratkaisupäivä",
    "closed_at": "suljettu|sulkemispäivä",
    "updated_at": "päivitetty|päivityspäivä|viimeksi päivitetty",
    "status": "tila",
    "priority": "prioriteetti|tärkeys",
    "channel": "kanava|lähde",
    "category": "tehtävätyyppi|tyyppi|kategoria|pyyntötyyppi",
    "agent": "vastuuhenkilö|käsittelijä|vastaanottaja|määrätty",
    "group": "komponentit|komponentti|tiimi|ryhmä|jono",
    "level": "tukitaso|taso",
    "customer": "raportoija|pyytäjä|asiakas|yritys|organisaatio",
    "subject": "yhteenveto|aihe|otsikko",
    "description": "kuvaus",
    "tags": "tunnisteet|tunniste",
}

STATUSES = {
    "new": "tehtävänä|tehtävät|tekemättä|uusi",
    "open": "työn alla|käynnissä|avoin|avattu uudelleen|odottaa tukea",
    "pending": "odottaa asiakasta|odottaa vastausta",
    "on_hold": "pidossa|estetty|odottaa toimittajaa",
    "solved": "valmis|ratkaistu",
    "closed": "suljettu|peruttu|hylätty",
}

PRIORITIES = {
    "urgent": "korkein|kriittinen|kiireellinen",
    "high": "korkea",
    "normal": "keskitaso|normaali",
    "low": "matala|matalin",
}

CHANNELS = {
    "email": "sähköposti",
    "web": "verkkolomake|portaali",
    "chat": "chat|keskustelu",
    "phone": "puhelin",
}

NOBODY = "ei määritetty|määrittämätön"

MONTHS = (
    "tammik|tammikuu|tammikuuta",
    "helmik|helmikuu|helmikuuta",
    "maalisk|maaliskuu|maaliskuuta",
    "huhtik|huhtikuu|huhtikuuta",
    "toukok|toukokuu|toukokuuta",
    "kesäk|kesäkuu|kesäkuuta",
    "heinäk|heinäkuu|heinäkuuta",
    "elok|elokuu|elokuuta",
    "syysk|syyskuu|syyskuuta",
    "lokak|lokakuu|lokakuuta",
    "marrask|marraskuu|marraskuuta",
    "jouluk|joulukuu|joulukuuta",
)
