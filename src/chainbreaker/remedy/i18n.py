"""The public grievance page in the languages workers write in: English, Spanish and Portuguese.

Plain words: many complainants are migrant workers writing on a phone, in their second language.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Report a problem at work",
        "intro": "Tell {org} about forced labour, unpaid wages, fees or threats at a company it finances. "
        "You do not have to give your name. We never show what you send to anyone outside the bank's "
        "grievance team.",
        "category": "What happened?",
        "about_name": "Name of the company or employer",
        "about_country": "Country (two letters, e.g. BR)",
        "description": "Describe what happened (when, where, who)",
        "workers": "How many workers are affected? (optional)",
        "anonymous": "Stay anonymous (do not keep my contact)",
        "contact": "How can we reach you? (optional: phone, e-mail or an organisation that helps you)",
        "attachments": "Documents or photos (optional: PDF, PNG, JPEG or text, up to 5 MB each, 3 at most)",
        "submit": "Send",
        "thanks": "Thank you. Your report {ref} was received. Keep this number: an organisation helping you can "
        "ask about it. We will acknowledge it within 7 days.",
        "error": "Please correct this:",
        "too_many": "Too many reports from this connection. Please try again later.",
        "unpaid_wages": "Wages not paid or taken",
        "recruitment_fees": "Recruitment or placement fees",
        "document_retention": "Passport or documents taken",
        "forced_overtime": "Forced overtime",
        "threats_or_violence": "Threats or violence",
        "housing": "Housing controlled by the employer",
        "child_labour": "Child labour",
        "freedom_of_movement": "Not free to leave",
        "other": "Something else",
    },
    "es": {
        "title": "Denunciar un problema en el trabajo",
        "intro": "Informe a {org} sobre trabajo forzoso, salarios no pagados, cobros o amenazas en una empresa "
        "que financia. No tiene que dar su nombre. Lo que envíe solo lo ve el equipo de quejas del banco.",
        "category": "¿Qué pasó?",
        "about_name": "Nombre de la empresa o del empleador",
        "about_country": "País (dos letras, p. ej. MX)",
        "description": "Describa lo que pasó (cuándo, dónde, quién)",
        "workers": "¿Cuántos trabajadores están afectados? (opcional)",
        "anonymous": "Quedar en el anonimato (no guardar mi contacto)",
        "contact": "¿Cómo podemos contactarle? (opcional: teléfono, correo o una organización que le ayuda)",
        "attachments": "Documentos o fotos (opcional: PDF, PNG, JPEG o texto, hasta 5 MB cada uno, máximo 3)",
        "submit": "Enviar",
        "thanks": "Gracias. Recibimos su denuncia {ref}. Guarde este número: una organización que le ayude puede "
        "preguntar por ella. Confirmaremos la recepción en 7 días.",
        "error": "Por favor corrija esto:",
        "too_many": "Demasiadas denuncias desde esta conexión. Inténtelo más tarde.",
        "unpaid_wages": "Salarios no pagados o quitados",
        "recruitment_fees": "Cobros de reclutamiento o colocación",
        "document_retention": "Le quitaron el pasaporte o documentos",
        "forced_overtime": "Horas extra obligatorias",
        "threats_or_violence": "Amenazas o violencia",
        "housing": "Vivienda controlada por el empleador",
        "child_labour": "Trabajo infantil",
        "freedom_of_movement": "No puede irse libremente",
        "other": "Otra cosa",
    },
    "pt": {
        "title": "Denunciar um problema no trabalho",
        "intro": "Informe {org} sobre trabalho forçado, salários não pagos, taxas ou ameaças numa empresa que "
        "financia. Não precisa dar o seu nome. O que enviar só é visto pela equipe de reclamações do banco.",
        "category": "O que aconteceu?",
        "about_name": "Nome da empresa ou do empregador",
        "about_country": "País (duas letras, ex. BR)",
        "description": "Descreva o que aconteceu (quando, onde, quem)",
        "workers": "Quantos trabalhadores são afetados? (opcional)",
        "anonymous": "Ficar anônimo (não guardar o meu contato)",
        "contact": "Como podemos falar com você? (opcional: telefone, e-mail ou uma organização que ajuda)",
        "attachments": "Documentos ou fotos (opcional: PDF, PNG, JPEG ou texto, até 5 MB cada, no máximo 3)",
        "submit": "Enviar",
        "thanks": "Obrigado. Recebemos a sua denúncia {ref}. Guarde este número: uma organização que ajuda você "
        "pode perguntar por ela. Vamos confirmar o recebimento em 7 dias.",
        "error": "Por favor corrija isto:",
        "too_many": "Muitas denúncias desta conexão. Tente mais tarde.",
        "unpaid_wages": "Salários não pagos ou retirados",
        "recruitment_fees": "Taxas de recrutamento ou colocação",
        "document_retention": "Passaporte ou documentos retidos",
        "forced_overtime": "Horas extras forçadas",
        "threats_or_violence": "Ameaças ou violência",
        "housing": "Moradia controlada pelo empregador",
        "child_labour": "Trabalho infantil",
        "freedom_of_movement": "Não pode sair livremente",
        "other": "Outra coisa",
    },
}


def text_for(language: str | None) -> tuple[str, dict[str, str]]:
    """The language to use (English when the one asked for is not offered) and its texts."""
    lang = (language or "en").lower()[:2]
    return (lang, TEXT[lang]) if lang in TEXT else ("en", TEXT["en"])
