"""Linking a ticket to the order and parcel its messages name.

An order number or tracking number found in a message links the ticket only to an order or
parcel of the ticket's own store that belongs to the ticket's customer: a number quoted by
mistake (or on purpose) never shows an agent another customer's order. A ticket already
linked keeps its link; an order with exactly one outbound parcel brings that parcel along.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from customers.models import Order
from helpdesk import broadcast
from tickets.models import Ticket


def _belongs(order: Order | None, ticket: Ticket) -> bool:
    if order is None or order.store_id != ticket.store_id:
        return False
    if order.customer_id is not None:
        return order.customer_id == ticket.customer_id
    email = (ticket.customer.email or "").strip().lower()
    return bool(email) and order.email.strip().lower() == email


def order_for_number(*, ticket: Ticket, number: str) -> Order | None:
    """The ticket's customer's order with this platform number in the ticket's store, if any."""
    number = number.strip()
    bare = number.lstrip("#").strip()
    candidates = Order.objects.filter(store_id=ticket.store_id).filter(
        Q(external_id__iexact=number) | Q(external_id__iexact=bare) | Q(external_id__iexact=f"#{bare}")
    )
    return next((order for order in candidates if _belongs(order, ticket)), None)


@transaction.atomic
def ticket_link_entities(*, ticket: Ticket, entities: dict[str, list[dict[str, Any]]]) -> Ticket:
    """Link the ticket to the first own order / parcel named in ``entities`` (extract_entities)."""
    from logistics.models import Shipment

    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "order", "shipment")
        .get(pk=ticket.pk)
    )
    fields: list[str] = []
    if ticket.shipment_id is None:
        for found in entities.get("tracking_numbers") or []:
            value = str(found.get("value") or "").replace(" ", "")
            shipment = (
                Shipment.objects.select_related("order")
                .filter(store_id=ticket.store_id, tracking_number__iexact=value)
                .first()
            )
            if shipment is None or not _belongs(shipment.order, ticket):
                continue
            if ticket.order_id is not None and shipment.order_id != ticket.order_id:
                continue
            ticket.shipment = shipment
            fields.append("shipment")
            if ticket.order_id is None:
                ticket.order = shipment.order
                fields.append("order")
            break
    if ticket.order_id is None:
        for found in entities.get("order_numbers") or []:
            order = order_for_number(ticket=ticket, number=str(found.get("value") or ""))
            if order is not None:
                ticket.order = order
                fields.append("order")
                break
    if ticket.order_id is not None and ticket.shipment_id is None:
        parcels = list(
            Shipment.objects.filter(order_id=ticket.order_id, direction=Shipment.Direction.OUTBOUND)[:2]
        )
        if len(parcels) == 1:
            ticket.shipment = parcels[0]
            fields.append("shipment")
    if fields:
        ticket.updated_at = timezone.now()
        ticket.save(update_fields=[*fields, "updated_at"])
        broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="links")
    return ticket
