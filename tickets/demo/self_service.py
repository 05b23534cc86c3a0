"""The demo's self-service answers: two stores answer simple questions automatically, with
templates in the languages their customers write in (``tickets.services.deflection``)."""

from __future__ import annotations

from tickets.models import Intent, ReplyTemplate, ReplyTemplateVariant

# Store key (tickets.demo.reference.STORES) -> confidence from which it answers automatically.
AUTO_ANSWER_STORES = {"shopify": 0.85, "woo_fr": 0.85}

# slug -> (intent, name, {language: body}); placeholders as in tickets.services.deflection.
TEMPLATES: dict[str, tuple[str, str, dict[str, str]]] = {
    "self-service-where-is-my-order": (
        Intent.WHERE_IS_MY_ORDER,
        "Self-service: where is my order (live tracking)",
        {
            "en": (
                "Hi {name},\n\nyour order {order} is on its way with {carrier}. Status: {status}.\n"
                "Last checkpoint: {checkpoint} ({checkpoint_date}).\n"
                "Follow your parcel here: {tracking_url}\n\n"
                "If you have another question, just reply to this e-mail and one of us will help you.\n{agent}"
            ),
            "de": (
                "Hallo {name},\n\nIhre Bestellung {order} ist mit {carrier} unterwegs. Status: {status}.\n"
                "Letzter Scan: {checkpoint} ({checkpoint_date}).\n"
                "Hier können Sie Ihr Paket verfolgen: {tracking_url}\n\n"
                "Haben Sie noch eine Frage? Antworten Sie einfach auf diese E-Mail, wir helfen gern.\n{agent}"
            ),
            "fr": (
                "Bonjour {name},\n\nvotre commande {order} est en route avec {carrier}. Statut : {status}.\n"
                "Dernier passage : {checkpoint} ({checkpoint_date}).\n"
                "Suivez votre colis ici : {tracking_url}\n\n"
                "Une autre question ? Répondez simplement à cet e-mail, nous vous aiderons.\n{agent}"
            ),
            "es": (
                "Hola {name}:\n\ntu pedido {order} va en camino con {carrier}. Estado: {status}.\n"
                "Último punto de control: {checkpoint} ({checkpoint_date}).\n"
                "Sigue tu paquete aquí: {tracking_url}\n\n"
                "¿Tienes otra pregunta? Responde a este correo y te ayudaremos.\n{agent}"
            ),
            "it": (
                "Ciao {name},\n\nil tuo ordine {order} è in viaggio con {carrier}. Stato: {status}.\n"
                "Ultimo passaggio: {checkpoint} ({checkpoint_date}).\n"
                "Segui il pacco qui: {tracking_url}\n\n"
                "Hai un'altra domanda? Rispondi a questa e-mail e ti aiuteremo.\n{agent}"
            ),
            "pt": (
                "Olá {name},\n\no seu pedido {order} está a caminho com {carrier}. Estado: {status}.\n"
                "Último ponto de controlo: {checkpoint} ({checkpoint_date}).\n"
                "Acompanhe a encomenda aqui: {tracking_url}\n\n"
                "Tem outra pergunta? Responda a este e-mail e ajudamos.\n{agent}"
            ),
        },
    ),
    "self-service-returns": (
        Intent.RETURN_REQUEST,
        "Self-service: how to return",
        {
            "en": (
                "Hi {name},\n\nyou can return items within {return_window} days of delivery. "
                "Start your return here and you will get a decision and a label at once: {return_url}\n\n"
                "If something arrived damaged or wrong, reply to this e-mail and we will sort it out.\n{agent}"
            ),
            "de": (
                "Hallo {name},\n\nSie können Artikel innerhalb von {return_window} Tagen nach der Zustellung "
                "zurückgeben. Starten Sie die Rücksendung hier, Entscheidung und Etikett erhalten Sie sofort: "
                "{return_url}\n\nKam etwas beschädigt oder falsch an? Antworten Sie auf diese E-Mail.\n{agent}"
            ),
            "fr": (
                "Bonjour {name},\n\nvous pouvez retourner vos articles dans les {return_window} jours suivant "
                "la livraison. Lancez le retour ici, vous recevrez aussitôt la décision et l'étiquette : "
                "{return_url}\n\nUn article abîmé ou erroné ? Répondez à cet e-mail.\n{agent}"
            ),
            "es": (
                "Hola {name}:\n\npuedes devolver artículos en un plazo de {return_window} días desde la "
                "entrega. Inicia la devolución aquí y recibirás al momento la decisión y la etiqueta: "
                "{return_url}\n\n¿Llegó algo dañado o equivocado? Responde a este correo.\n{agent}"
            ),
            "it": (
                "Ciao {name},\n\npuoi restituire gli articoli entro {return_window} giorni dalla consegna. "
                "Avvia il reso qui e riceverai subito la decisione e l'etichetta: {return_url}\n\n"
                "Qualcosa è arrivato danneggiato o sbagliato? Rispondi a questa e-mail.\n{agent}"
            ),
            "pt": (
                "Olá {name},\n\npode devolver artigos no prazo de {return_window} dias após a entrega. "
                "Inicie a devolução aqui e recebe logo a decisão e a etiqueta: {return_url}\n\n"
                "Chegou algo danificado ou errado? Responda a este e-mail.\n{agent}"
            ),
        },
    ),
    "self-service-refund-status": (
        Intent.REFUND_STATUS,
        "Self-service: refund status",
        {
            "en": (
                "Hi {name},\n\nthe refund of {refund_amount} for your order {order}: {refund_status} "
                "({refund_date}). Banks usually show it within 5 to 10 working days.\n\n"
                "If you have another question, just reply to this e-mail.\n{agent}"
            ),
            "de": (
                "Hallo {name},\n\ndie Erstattung über {refund_amount} für Ihre Bestellung {order}: "
                "{refund_status} ({refund_date}). Banken zeigen sie meist nach 5 bis 10 Werktagen an.\n\n"
                "Noch eine Frage? Antworten Sie einfach auf diese E-Mail.\n{agent}"
            ),
            "fr": (
                "Bonjour {name},\n\nle remboursement de {refund_amount} pour votre commande {order} : "
                "{refund_status} ({refund_date}). Les banques l'affichent en général sous 5 à 10 jours "
                "ouvrés.\n\nUne autre question ? Répondez simplement à cet e-mail.\n{agent}"
            ),
            "es": (
                "Hola {name}:\n\nel reembolso de {refund_amount} de tu pedido {order}: {refund_status} "
                "({refund_date}). Los bancos suelen mostrarlo en 5 a 10 días hábiles.\n\n"
                "¿Tienes otra pregunta? Responde a este correo.\n{agent}"
            ),
            "it": (
                "Ciao {name},\n\nil rimborso di {refund_amount} per il tuo ordine {order}: {refund_status} "
                "({refund_date}). Le banche di solito lo mostrano entro 5-10 giorni lavorativi.\n\n"
                "Hai un'altra domanda? Rispondi a questa e-mail.\n{agent}"
            ),
            "pt": (
                "Olá {name},\n\no reembolso de {refund_amount} do seu pedido {order}: {refund_status} "
                "({refund_date}). Os bancos costumam mostrá-lo em 5 a 10 dias úteis.\n\n"
                "Tem outra pergunta? Responda a este e-mail.\n{agent}"
            ),
        },
    ),
}


def ensure_self_service_templates() -> None:
    for slug, (intent, name, bodies) in TEMPLATES.items():
        template, created = ReplyTemplate.objects.get_or_create(
            slug=slug, defaults={"name": name, "intent": intent}
        )
        if created:
            ReplyTemplateVariant.objects.bulk_create(
                ReplyTemplateVariant(template=template, language=language, body=body)
                for language, body in bodies.items()
            )
