"""Escalation to the team lead: anger on a high-value customer, a third contact about the same
order within a week, or a chargeback threat. An escalated ticket is tagged ``escalated``, its
audit trail says why (and names the lead), and it becomes urgent."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction

from tickets.models import Priority, Ticket, TicketEvent

ESCALATED_TAG = "escalated"


def escalation_reasons(
    *, angry: bool, anger_reasons: tuple[str, ...] | list[str], customer_value: Decimal, contacts_7d: int
) -> list[str]:
    """Why a ticket goes to the lead (empty: it does not). Pure."""
    reasons = []
    if angry and customer_value >= settings.HIGH_VALUE_CUSTOMER:
        reasons.append("angry_high_value_customer")
    if contacts_7d >= 3:
        reasons.append("third_contact")
    if "chargeback_threat" in anger_reasons:
        reasons.append("chargeback_threat")
    return reasons


@transaction.atomic
def ticket_escalate(*, ticket: Ticket, reasons: list[str]) -> bool:
    """Escalate once: tag, event, urgent. False when nothing to do or already escalated."""
    from customers.services import tag_ensure
    from tickets.services.status import ticket_add_tag, ticket_event_record, ticket_set_priority

    if not reasons:
        return False
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("team").get(pk=ticket.pk)
    if ticket.events.filter(kind=TicketEvent.Kind.ESCALATED).exists():
        return False
    lead_id = ticket.team.lead_id if ticket.team is not None else None
    ticket_event_record(ticket, TicketEvent.Kind.ESCALATED, None, reasons=reasons, lead=lead_id)
    tag = tag_ensure(
        slug=ESCALATED_TAG, name="Escalated", description="Escalated to the team lead by triage."
    )
    ticket_add_tag(ticket=ticket, tag=tag, actor=None)
    ticket_set_priority(ticket=ticket, priority=Priority.URGENT, actor=None)
    return True
