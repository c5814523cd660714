"""French (français): GLPI (a French project), Jira, Zendesk and Freshdesk with a French
interface.

>>> STATUSES["pending"].split("|")[:2]
['en attente', 'en attente du client']
"""

CODE = "fr"
NAME = "French"

HEADERS = {
    "first_response_at": "heure de la réponse initiale|date de première réponse"
    "|première réponse le|heure de première réponse",
    "customer_tier": "forfait|niveau client|niveau du client|segment client|abonnement",
    "activity": "activite|activité",
    "ticket_id": "clé|clé de ticket|clé du ticket|numéro de ticket|n° de ticket|numéro"
    "|identifiant|id du ticket|référence|ticket",
    "created_at": "date d'ouverture|date de création|création|créé|créé le|créée le|ouvert le"
    "|date ouverture|ouverture",
    "solved_at": "date de résolution|résolu le|date de solution",
    "resolved_at": "résolu|résolue|résolu le|heure de résolution|date de résolution",
    "closed_at": "date de clôture|clôturé le|clos le|fermé le|date de fermeture"
    "|heure de clôture|heure de fermeture",
    "updated_at": "dernière modification|mise à jour|mis à jour|modifié le|mis à jour le"
    "|date de mise à jour|dernière mise à jour",
    "status": "statut|état|état du ticket|statut du ticket",
    "priority": "priorité|gravité|sévérité",
    "channel": "source de la demande|source|origine|canal|canal de contact|provenance",
    "category": "catégorie|type|type de ticket|type de demande|thème",
    "agent": "attribué à - technicien|technicien|attribué à|assigné à|assigné|responsable"
    "|agent|intervenant|technicien attribué|affecté à",
    "group": "attribué à - groupe de techniciens|attribué à - groupe|groupe"
    "|groupe de techniciens|équipe|file d'attente|département|groupe d'affectation",
    "level": "niveau|niveau de support",
    "customer": "demandeur|demandeur - demandeur|rapporteur|client|société|entreprise"
    "|utilisateur|contact|organisation|appelant",
    "subject": "titre|résumé|sujet|objet",
    "description": "description|message|détails|commentaire|contenu",
    "tags": "étiquettes|étiquette|libellés|mots-clés",
    "escalated": "escaladé|escalade|escaladé le",
    "reassignments": "réaffectations|nombre de réaffectations|réattributions",
    "reopens": "réouvertures|rouvert",
    "first_response_minutes": "délai de première réponse|première réponse"
    "|temps de première réponse",
    "satisfaction": "satisfaction|note de satisfaction|évaluation|enquête de satisfaction",
}

AVOID = {
    "customer": "forfait offre abonnement segment niveau",
    "level": "sécurité client forfait abonnement contrat compte",
    "group": "forfait abonnement contrat",
    "created_at": "échéance temps délai",
    "agent": "groupe id",
}

STATUSES = {
    "new": "nouveau|nouvelle|à faire|ouvert non attribué",
    "open": "en cours (attribué)|en cours (planifié)|en cours|ouvert|ouverte|attribué|assigné"
    "|rouvert|en traitement|en analyse",
    "pending": "en attente|en attente du client|en attente de réponse|attente client",
    "on_hold": "suspendu|en pause|bloqué|en attente d'un tiers"
    "|en attente de tiers|en attente d'une tierce partie",
    "solved": "résolu|résolue|terminé|terminée|fait|traité|traitée",
    "closed": "clos|close|fermé|fermée|clôturé|clôturée|annulé|annulée|rejeté|doublon",
}

# Jira's "Majeur" is its third priority (high); GLPI's "Majeure" is its sixth (above "Très haute").
PRIORITIES = {
    "urgent": "très haute|urgente|critique|majeure|bloquant|très urgente",
    "high": "haute|élevée|importante|majeur|haut",
    "normal": "moyenne|normale|moyen",
    "low": "basse|très basse|faible|mineure|mineur|bas",
}

CHANNELS = {
    "email": "courriel|e-mail|email|mail|courrier électronique|e-mail sortant|courriel sortant",
    "web": "formulaire|formulaire web|portail|site web|helpdesk|widget de commentaires"
    "|widget de feedback",
    "chat": "chat|tchat|messagerie instantanée",
    "phone": "téléphone|appel|appel téléphonique",
    "messaging": "whatsapp|sms|texto",
    "social": "réseaux sociaux|réseau social",
    "other": "autre|autres|direct|écrit|courrier|courrier postal|en personne",
}

NOBODY = "non assigné|non assignée|non attribué|non attribuée|aucun"

NOTHING = "aucune|sans priorité"

MONTHS = (
    "janv|janvier",
    "févr|fév|fevr|février",
    "mars",
    "avr|avril",
    "mai",
    "juin",
    "juil|juillet",
    "août|aout",
    "sept|septembre",
    "oct|octobre",
    "nov|novembre",
    "déc|décembre",
)


#: Common short words (articles, pronouns, prepositions), space-separated: enough to tell
#: which language a ticket's text is in (``lib.sentiment_language``), never used to match columns.
STOPWORDS = (
    "le la les de des du que et en un une pour avec est ne pas se mon ma mes son sa au aux "
    "dans sur ce cette qui nous vous je il elle sont mais plus très été sans aussi quand "
    "parce où merci bonjour"
)
