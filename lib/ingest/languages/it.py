"""Italian (italiano): GLPI, Jira, Zendesk and Freshdesk with an Italian interface.

>>> MONTHS[4]
'mag|maggio'
"""

CODE = "it"
NAME = "Italian"

HEADERS = {
    "first_response_at": "ora della risposta iniziale|data della prima risposta|prima risposta il",
    "customer_tier": "piano cliente|piano del cliente|livello cliente|segmento|abbonamento",
    "activity": "attivita|attività",
    "ticket_id": "chiave|chiave ticket|chiave del ticket|chiave della richiesta|numero ticket"
    "|numero del ticket|id ticket|n. ticket|numero|codice|codice ticket",
    "created_at": "data di apertura|data di creazione|creato|creata|creato il|aperto il"
    "|data apertura|data creazione|apertura",
    "solved_at": "data di risoluzione|risolto il|data risoluzione|data di soluzione",
    "resolved_at": "risolto|risolta|ora di risoluzione|data di risoluzione",
    "closed_at": "data di chiusura|chiuso il|data chiusura|ora di chiusura",
    "updated_at": "ultima modifica|aggiornato|aggiornata|aggiornato il|ultimo aggiornamento"
    "|data di aggiornamento|data ultima modifica|modificato il",
    "status": "stato|stato del ticket|stato ticket",
    "priority": "priorità|gravità|severità",
    "channel": "fonte della richiesta|fonte|origine|canale|canale di contatto|provenienza",
    "category": "categoria|tipo|tipo di ticket|tipo ticket|tipologia|argomento",
    "agent": "assegnato a - tecnico|assegnatario|assegnato a|assegnato|tecnico|incaricato"
    "|operatore|responsabile|agente",
    "group": "assegnato a - gruppo di tecnici|assegnato a - gruppo|gruppo|gruppo di tecnici"
    "|squadra|coda|reparto|ufficio",
    "level": "livello|livello di supporto",
    "customer": "richiedente|richiedente - richiedente|segnalatore|autore|cliente|azienda"
    "|società|utente|contatto|organizzazione",
    "subject": "titolo|riepilogo|oggetto|sommario",
    "description": "descrizione|messaggio|dettagli|commento|contenuto",
    "tags": "etichette|etichetta|tag",
    "escalated": "escalato|escalation|scalato",
    "reassignments": "riassegnazioni|numero di riassegnazioni",
    "reopens": "riaperture|riaperto",
    "first_response_minutes": "tempo di prima risposta|prima risposta",
    "satisfaction": "soddisfazione|valutazione|gradimento",
}

AVOID = {
    "customer": "piano abbonamento segmento livello",
    "level": "sicurezza cliente piano abbonamento contratto",
    "group": "piano abbonamento contratto",
    "created_at": "scadenza tempo",
    "agent": "gruppo id",
}

STATUSES = {
    "new": "nuovo|nuova|da fare|da completare|aperto non assegnato",
    "open": "in corso (assegnato)|in corso (pianificato)|in corso|in lavorazione|aperto"
    "|aperta|assegnato|assegnata|riaperto|in gestione|in carico|in revisione",
    "pending": "in attesa|in attesa del cliente|in attesa di risposta|attesa cliente",
    "on_hold": "sospeso|sospesa|in sospeso|in pausa|bloccato|in attesa di terze parti"
    "|in attesa di terzi",
    "solved": "risolto|risolta|completato|completata|fatto|evaso|evasa|terminato",
    "closed": "chiuso|chiusa|annullato|annullata|rifiutato|duplicato|archiviato",
}

PRIORITIES = {
    "urgent": "molto alta|urgente|critica|critico|bloccante|massima|altissima",
    "high": "alta|alto|maggiore|importante|elevata",
    "normal": "media|medio|normale",
    "low": "bassa|basso|molto bassa|minima|minore|banale|trascurabile",
}

CHANNELS = {
    "email": "e-mail|email|posta elettronica|mail",
    "web": "modulo|modulo web|portale|sito web|helpdesk",
    "chat": "chat|chat dal vivo",
    "phone": "telefono|chiamata|telefonata",
    "messaging": "whatsapp|sms|messaggio",
    "social": "social|social network|social media",
    "other": "altro|altri|diretto|scritto|di persona",
}

NOBODY = "non assegnato|non assegnata|nessuno|nessun tecnico|nessun gruppo"

NOTHING = "nessuna|nessun"

MONTHS = (
    "gen|genn|gennaio",
    "feb|febbr|febbraio",
    "mar|marzo",
    "apr|aprile",
    "mag|maggio",
    "giu|giugno",
    "lug|luglio",
    "ago|agosto",
    "set|sett|settembre",
    "ott|ottobre",
    "nov|novembre",
    "dic|dicembre",
)


#: Common short words (articles, pronouns, prepositions), space-separated: enough to tell
#: which language a ticket's text is in (``lib.sentiment_language``), never used to match columns.
STOPWORDS = (
    "il lo la gli le a di del della che e un una con è si mio mia suo sua al nel nella "
    "sono ma più questo questa già molto ci anche quando perché dove grazie ho ciao"
)
