"""Agents correct a ticket's intent in one click; triage then keeps their label and
``nlp_train`` learns from it (``tickets.selectors.intent_corrections``)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import broadcast
from helpdesk.exceptions import ApplicationError
from tickets.models import Intent, Message, Ticket, TicketEvent
from tickets.services.permissions import check_actor, check_sees
from tickets.services.status import ticket_event_record


@transaction.atomic
def ticket_correct_intent(*, ticket: Ticket, intent: str, actor: User | AnonymousUser | None) -> Ticket:
    """Set the ticket's intent by hand; the event names the customer message it corrects."""
    user = check_actor(actor)
    if intent not in Intent.values:
        raise ApplicationError(_("Unknown intent: %(intent)s.") % {"intent": intent})
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    check_sees(user, ticket)
    if ticket.intent == intent:
        return ticket
    message = (
        Message.objects.filter(ticket=ticket, direction=Message.Direction.INBOUND, kind=Message.Kind.MESSAGE)
        .order_by("-created_at", "-id")
        .only("pk", "intent")
        .first()
    )
    previous = ticket.intent
    ticket.intent = intent
    ticket.intent_confidence = 1.0
    ticket.version += 1
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["intent", "intent_confidence", "version", "updated_at"])
    ticket_event_record(
        ticket,
        TicketEvent.Kind.INTENT_CORRECTED,
        user,
        **{
            "from": previous,
            "to": intent,
            "message": message.pk if message else None,
            "model_intent": message.intent if message else "",
        },
    )
    broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="intent")
    return ticket
