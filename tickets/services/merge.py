"""Merging two conversations into one, and splitting one into two.

Merge: every message of the source moves to the target (the conversation reads in time
order because it is ordered by when each message was written), the source is closed
with ``merged_into`` set, and mail that later answers the source lands on the target
(``tickets.ingest.conversation.find_ticket`` follows merges). Only tickets of the same
customer in the same store are merged: replies to one customer must never reach another,
and a reply must leave from the store the customer wrote to.

Split: a message (and, if asked, the ones after it) moves to a new ticket of the same
customer and store; answers to those messages then thread onto the new ticket.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import broadcast
from helpdesk.access import visible_store_ids
from helpdesk.exceptions import ApplicationError
from tickets.models import Message, Ticket, TicketEvent
from tickets.services.ingestion import new_reference
from tickets.services.permissions import MERGE, check_actor, check_sees
from tickets.services.sla import ticket_apply_sla
from tickets.services.status import ticket_event_record, ticket_set_status


def _latest(messages: Iterable[Message], direction: str) -> dt.datetime | None:
    return max((m.created_at for m in messages if m.direction == direction), default=None)


def _later(first: dt.datetime | None, second: dt.datetime | None) -> dt.datetime | None:
    return max((when for when in (first, second) if when is not None), default=None)


@transaction.atomic
def ticket_merge(*, actor: User | AnonymousUser | None, source: Ticket, target: Ticket) -> Ticket:
    """Merge ``source`` into ``target`` and return the target. For team leads and managers."""
    user = check_actor(actor, MERGE)
    if source.pk == target.pk:
        raise ApplicationError(_("A ticket cannot be merged into itself."))
    locked = Ticket.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    tickets = {ticket.pk: ticket for ticket in locked}
    if len(tickets) < 2:
        raise ApplicationError(_("One of the tickets no longer exists."))
    source, target = tickets[source.pk], tickets[target.pk]
    store_ids = visible_store_ids(user)
    check_sees(user, source, store_ids)
    check_sees(user, target, store_ids)
    names = {"source": source.reference, "target": target.reference}
    if source.merged_into_id:
        raise ApplicationError(_("#%(source)s was already merged into another ticket.") % names)
    if target.merged_into_id:
        raise ApplicationError(
            _("#%(target)s was merged into another ticket: merge into that one instead.") % names
        )
    if target.status == Ticket.Status.CLOSED:
        raise ApplicationError(_("#%(target)s is closed: merge into an open ticket.") % names)
    if source.customer_id != target.customer_id:
        raise ApplicationError(
            _("#%(source)s and #%(target)s belong to different customers and cannot be merged.") % names
        )
    if source.store_id != target.store_id:
        raise ApplicationError(
            _("#%(source)s and #%(target)s belong to different stores and cannot be merged.") % names
        )

    now = timezone.now()
    moved = Message.objects.filter(ticket=source).update(ticket=target)
    # Tickets merged into the source earlier now point at the target directly.
    Ticket.objects.filter(merged_into=source).update(merged_into=target)
    target.tags.add(*source.tags.all())

    fields = ["last_customer_message_at", "last_agent_message_at", "priority", "version", "updated_at"]
    target.last_customer_message_at = _later(target.last_customer_message_at, source.last_customer_message_at)
    target.last_agent_message_at = _later(target.last_agent_message_at, source.last_agent_message_at)
    if source.priority > target.priority:  # the merged conversation is as urgent as its most urgent part
        ticket_event_record(
            target, TicketEvent.Kind.PRIORITY, user, **{"from": target.priority, "to": source.priority}
        )
        target.priority = source.priority
    if target.order_id is None and source.order_id is not None:
        target.order_id = source.order_id
        fields.append("order")
    if target.shipment_id is None and source.shipment_id is not None:
        target.shipment_id = source.shipment_id
        fields.append("shipment")
    if (
        target.first_responded_at is None
        and source.first_responded_at is not None
        and source.first_responded_at >= target.created_at
    ):
        target.first_responded_at = source.first_responded_at
        fields.append("first_responded_at")
    target.version += 1
    target.updated_at = now
    target.save(update_fields=fields)
    ticket_event_record(
        target, TicketEvent.Kind.MERGED, user, **{"from": source.reference, "messages": moved}
    )

    source.merged_into = target
    source.version += 1
    source.updated_at = now
    source.save(update_fields=["merged_into", "version", "updated_at"])
    ticket_event_record(source, TicketEvent.Kind.MERGED, user, into=target.reference)
    ticket_set_status(ticket=source, status=Ticket.Status.CLOSED, actor=user, merged_into=target)

    target = ticket_apply_sla(ticket=target, now=now)
    broadcast.ticket_changed(ticket_id=source.pk, team_id=source.team_id, change="merged")
    broadcast.ticket_changed(ticket_id=target.pk, team_id=target.team_id, change="merged")
    return target


@transaction.atomic
def ticket_split(
    *, actor: User | AnonymousUser | None, ticket: Ticket, message: Message, with_following: bool = False
) -> Ticket:
    """Move ``message`` (and, with ``with_following``, every later one) to a new ticket of
    the same customer and store; returns the new ticket."""
    user = check_actor(actor)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    check_sees(user, ticket)
    if ticket.status == Ticket.Status.CLOSED or ticket.merged_into_id:
        raise ApplicationError(_("A closed ticket cannot be split."))
    conversation = list(ticket.messages.order_by("created_at", "id"))
    position = next((index for index, m in enumerate(conversation) if m.pk == message.pk), None)
    if position is None:
        raise ApplicationError(_("This message is not part of this ticket."))
    moving = conversation[position:] if with_following else [conversation[position]]
    staying = [m for m in conversation if m not in moving]
    if not any(m.direction != Message.Direction.INTERNAL for m in staying):
        raise ApplicationError(_("Nothing would be left of this conversation: split from a later message."))

    now = timezone.now()
    first = moving[0]
    responses = [m.created_at for m in moving if m.direction == Message.Direction.OUTBOUND]
    new = Ticket(
        reference=new_reference(),
        store_id=ticket.store_id,
        customer_id=ticket.customer_id,
        channel=ticket.channel,
        subject=(first.subject or ticket.subject)[:300],
        status=Ticket.Status.OPEN if ticket.assignee_id else Ticket.Status.NEW,
        priority=ticket.priority,
        team_id=ticket.team_id,
        assignee_id=ticket.assignee_id,
        language=first.language or ticket.language,
        order_id=ticket.order_id,
        shipment_id=ticket.shipment_id,
        last_customer_message_at=_latest(moving, Message.Direction.INBOUND),
        last_agent_message_at=_latest(moving, Message.Direction.OUTBOUND),
        first_responded_at=min(responses, default=None),
        created_at=first.created_at,
        updated_at=now,
    )
    new.full_clean(validate_unique=False, validate_constraints=False)
    new.save()
    Message.objects.filter(pk__in=[m.pk for m in moving]).update(ticket=new)
    ticket_event_record(
        new, TicketEvent.Kind.CREATED, user, split_from=ticket.reference, messages=len(moving)
    )

    ticket.last_customer_message_at = _latest(staying, Message.Direction.INBOUND)
    ticket.last_agent_message_at = _latest(staying, Message.Direction.OUTBOUND)
    ticket.version += 1
    ticket.updated_at = now
    ticket.save(update_fields=["last_customer_message_at", "last_agent_message_at", "version", "updated_at"])
    ticket_event_record(ticket, TicketEvent.Kind.SPLIT, user, to=new.reference, messages=len(moving))

    ticket_apply_sla(ticket=ticket, now=now)
    new = ticket_apply_sla(ticket=new, now=now)
    broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="split")
    broadcast.ticket_changed(ticket_id=new.pk, team_id=new.team_id, change="created")
    return new
