"""Portuguese (português, Brazil and Portugal): GLPI, Jira, Zendesk and Freshdesk with a
Portuguese interface.

>>> STATUSES["open"].split("|")[:2]
['em atendimento (atribuído)', 'em atendimento (planejado)']
"""

CODE = "pt"
NAME = "Portuguese"

HEADERS = {
    "first_response_at": "hora da resposta inicial|data da primeira resposta"
    "|primeira resposta em|hora da primeira resposta",
    "customer_tier": "plano do cliente|nível do cliente|nivel do cliente|segmento|assinatura",
    "activity": "atividade",
    "ticket_id": "id do chamado|número do chamado|chamado|nº do chamado|chave|chave do item"
    "|id do ticket|número do ticket|protocolo|número",
    "created_at": "data de abertura|data de criação|criado|criada|criado em|aberto em"
    "|data abertura|abertura",
    "solved_at": "data da solução|data de solução|solucionado em|data solução",
    "resolved_at": "resolvido|resolvida|data de resolução|resolvido em|hora da resolução"
    "|hora de resolução",
    "closed_at": "data de fechamento|data de encerramento|fechado em|encerrado em"
    "|hora do fechamento|hora de fechamento|hora do encerramento",
    "updated_at": "última atualização|atualizado|atualizada|atualizado em"
    "|data de atualização|última modificação|modificado em",
    "status": "status|estado|situação|status do chamado",
    "priority": "prioridade|severidade|criticidade",
    "channel": "origem|origem da requisição|fonte|fonte da requisição|canal"
    "|canal de atendimento|meio",
    "category": "categoria|tipo|tipo de item|tipo de chamado|assunto principal",
    "agent": "atribuído - técnico|técnico|técnico atribuído|responsável|atribuído a"
    "|atribuído|atendente|agente|analista",
    "group": "atribuído - grupo|atribuído - grupo de técnicos|grupo|grupo de técnicos"
    "|equipe|fila|departamento|grupo atribuído",
    "level": "nível|nível de suporte|nível de atendimento",
    "customer": "requerente|requerente - requerente|solicitante|relator|cliente|empresa"
    "|usuário|contato",
    "subject": "título|resumo|assunto",
    "description": "descrição|mensagem|detalhes|comentário",
    "tags": "etiquetas|etiqueta|rótulos|marcadores|tags",
    "escalated": "escalado|escalonado|escalonamento",
    "reassignments": "reatribuições|número de reatribuições",
    "reopens": "reaberturas|reaberto",
    "first_response_minutes": "tempo de primeira resposta|primeira resposta",
    "satisfaction": "satisfação|avaliação|pesquisa de satisfação",
}

AVOID = {
    "customer": "plano assinatura segmento nível nivel",
    "level": "segurança cliente plano assinatura contrato conta",
    "group": "plano assinatura contrato",
    "created_at": "tempo progresso vencimento excedido",
    "solved_at": "tempo progresso excedido",
    "agent": "grupo id",
}

STATUSES = {
    "new": "novo|nova|itens pendentes|tarefas pendentes|a fazer|aberto sem atribuição",
    "open": "em atendimento (atribuído)|em atendimento (planejado)|em atendimento"
    "|em andamento|em progresso|aberto|aberta|atribuído|reaberto|em análise|em execução"
    "|em curso|em curso (atribuído)|em curso (planeado)|em revisão|em desenvolvimento|em teste",
    "pending": "pendente|aguardando|aguardando cliente|aguardando resposta"
    "|aguardando usuário|em espera|aguardando o cliente|aguardando resposta do cliente",
    "on_hold": "em pausa|pausado|suspenso|bloqueado|aguardando terceiros|aguardando terceiro",
    "solved": "solucionado|solucionada|resolvido|resolvida|concluído|concluída|feito"
    "|finalizado|finalizada|itens concluídos|itens concluidos",
    "closed": "fechado|fechada|encerrado|encerrada|cancelado|cancelada|rejeitado|duplicado",
}

PRIORITIES = {
    "urgent": "muito alta|mais alta|urgente|crítica|crítico|muito urgente|emergência|bloqueador",
    "high": "alta|alto|maior|importante|elevada",
    "normal": "média|médio|normal|moderada",
    "low": "baixa|baixo|muito baixa|mais baixa|menor|trivial|mínima",
}

CHANNELS = {
    "email": "e-mail|email|correio eletrônico|e-mail de saída|email de saída",
    "web": "helpdesk|formulário|formulário web|portal|site|widget de feedback",
    "chat": "chat|chat online",
    "phone": "telefone|ligação|telefonema",
    "messaging": "whatsapp|sms|mensagem",
    "social": "redes sociais|rede social",
    "other": "outro|outros|direto|escrito|presencial",
}

NOBODY = "não atribuído|não atribuída|sem atribuição|não designado|ninguém|sem técnico|sem grupo"

NOTHING = "nenhuma|nenhum|sem prioridade"

MONTHS = (
    "jan|janeiro",
    "fev|fevereiro",
    "mar|março",
    "abr|abril",
    "mai|maio",
    "jun|junho",
    "jul|julho",
    "ago|agosto",
    "set|setembro",
    "out|outubro",
    "nov|novembro",
    "dez|dezembro",
)


#: Common short words (articles, pronouns, prepositions), space-separated: enough to tell
#: which language a ticket's text is in (``lib.sentiment_language``), never used to match columns.
STOPWORDS = (
    "o a os as de do da dos das que e em um uma por com para é não se meu minha seu sua ao na "
    "no nas nos como mas mais este esta já muito há são foi sem sobre também quando porque "
    "onde pelo pela está favor olá obrigado"
)
