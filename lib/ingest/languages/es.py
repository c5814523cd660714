"""Spanish (español): Jira Cloud/Server in Spanish, GLPI, osTicket, Zendesk and Freshdesk
with a Spanish interface.

>>> STATUSES["new"].split("|")[:2]
['tareas por hacer', 'por hacer']
"""

CODE = "es"
NAME = "Spanish"

HEADERS = {
    "first_response_at": "hora de la respuesta inicial|fecha de primera respuesta"
    "|primera respuesta el|hora de primera respuesta",
    "customer_tier": "plan|plan del cliente|nivel de cliente|nivel del cliente|segmento"
    "|suscripción",
    "activity": "actividad",
    "ticket_id": "clave de incidencia|clave|id de la incidencia|id de incidencia|id del ticket"
    "|número de ticket|número de caso|número|n.º|nº|ticket|caso|incidencia|id de ticket",
    "created_at": "creada|creado|fecha de creación|fecha de apertura|fecha de alta|abierto"
    "|creado el|creada el|fecha creación|hora de creación",
    "solved_at": "fecha de solución|solucionado|solucionada|fecha solución",
    "resolved_at": "resuelta|resuelto|fecha de resolución|resuelto el|hora de resolución",
    "closed_at": "fecha de cierre|cerrado|cerrada|cerrado el|hora de cierre",
    "updated_at": "actualizada|actualizado|última actualización|fecha de actualización"
    "|última modificación|modificado|modificada",
    "status": "estado|estado de la incidencia|estado del ticket",
    "priority": "prioridad|severidad|gravedad",
    "channel": "canal|origen|origen de la solicitud|fuente|medio",
    "category": "tipo de incidencia|categoría|tipo|tipo de solicitud|tema|motivo",
    "agent": "persona asignada|asignado a|asignado a - técnico|asignado|asignada|técnico"
    "|responsable|agente|propietario",
    "group": "grupo|equipo|cola|departamento|asignado a - grupo|asignado a - grupo de técnicos"
    "|grupo asignado",
    "level": "nivel|nivel de soporte",
    "customer": "informador|solicitante|solicitante - solicitante|cliente|empresa"
    "|organización|usuario|contacto|reportado por",
    "subject": "resumen|título|asunto|tema del ticket",
    "description": "descripción|mensaje|detalle|detalles|comentario",
    "tags": "etiquetas|etiqueta",
    "escalated": "escalado|escalada|escalamiento",
    "reassignments": "reasignaciones|número de reasignaciones",
    "reopens": "reaperturas|reabierto",
    "first_response_minutes": "tiempo de primera respuesta|primera respuesta",
    "satisfaction": "satisfacción|valoración|calificación|encuesta de satisfacción",
}

AVOID = {
    "customer": "plan suscripción segmento nivel",
    "level": "seguridad cliente plan suscripción contrato cuenta",
    "group": "plan suscripción contrato",
    "ticket_id": "proyecto padre principal responsable informador creador",
    "created_at": "vencimiento vista cambiada",
    "agent": "proyecto id grupo",
    "category": "proyecto estado",
    "status": "categoría resolución",
}

STATUSES = {
    "new": "tareas por hacer|por hacer|nuevo|nueva|abierto sin asignar|pendiente de asignar",
    "open": "en curso|en progreso|abierto|abierta|asignado|asignada|en curso (asignado)"
    "|en curso (planificado)|en revisión|reabierto|en proceso|en tratamiento",
    "pending": "pendiente|en espera|esperando al cliente|esperando respuesta"
    "|pendiente del cliente|esperando soporte",
    "on_hold": "en pausa|pausado|bloqueado|suspendido|esperando a terceros|esperando a un tercero",
    "solved": "resuelto|resuelta|finalizada|finalizado|hecho|listo|completado|completada"
    "|solucionado|solucionada|terminado|terminada",
    "closed": "cerrado|cerrada|cancelado|cancelada|rechazado|rechazada|duplicado|descartado",
}

PRIORITIES = {
    "urgent": "urgente|crítica|crítico|muy alta|más alta|máxima|bloqueante",
    "high": "alta|alto|importante|mayor",
    "normal": "media|medio|normal|moderada",
    "low": "baja|bajo|muy baja|más baja|mínima|menor|trivial",
}

CHANNELS = {
    "email": "correo|correo electrónico|email|e-mail|correo electrónico saliente|correo saliente",
    "web": "formulario|formulario web|portal|sitio web|web|helpdesk|widget de comentarios",
    "chat": "chat|chat en vivo",
    "phone": "teléfono|llamada|llamada telefónica|telefónico",
    "messaging": "whatsapp|sms|mensaje|mensajería",
    "social": "redes sociales|red social",
    "other": "otro|otros|directo|escrito|correo postal|presencial",
}

NOBODY = "sin asignar|no asignado|no asignada|nadie|sin agente|sin grupo"

NOTHING = "ninguna|ninguno|sin prioridad|sin estado"

MONTHS = (
    "ene|enero",
    "feb|febrero",
    "mar|marzo",
    "abr|abril",
    "may|mayo",
    "jun|junio",
    "jul|julio",
    "ago|agosto",
    "sep|sept|set|septiembre|setiembre",
    "oct|octubre",
    "nov|noviembre",
    "dic|diciembre",
)


#: Common short words (articles, pronouns, prepositions), space-separated: enough to tell
#: which language a ticket's text is in (``lib.sentiment_language``), never used to match columns.
STOPWORDS = (
    "el la los las a de del que y en un una por con para es no se mi su al lo como pero más "
    "este esta ya muy hay son fue sin sobre también cuando porque donde nos le les tengo "
    "puedo está favor hola gracias"
)
