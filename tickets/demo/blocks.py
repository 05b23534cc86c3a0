"""The large, generated part of the demo, built block by block with bulk inserts.

Ticket ``j`` is about order ``j * 4 // 5`` (so some orders have two tickets: repeat
contacts), and order ``o`` belongs to customer ``o * 3 // 4`` (so customers have
several orders). Every entity draws from its own seeded random generator, so the
data is the same on every run and a block can be rebuilt alone. Blocks commit
whole, in order, so the number of demo tickets says where a run stopped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from customers.models import (
    Product,
    Store,
)
from helpdesk.bulk import bulk_insert
from helpdesk.demo import corpus
from tickets.demo.aftercare import AftercareBuilder
from tickets.demo.commerce import CommerceBuilder
from tickets.demo.conversations import ConversationBuilder
from tickets.demo.keys import CENT, customer_of_order, order_of_ticket, rng
from tickets.demo.state import Context
from tickets.models import Message, Survey, SurveyResponse, Ticket, TicketEvent


def ensure_products(stores: dict[str, Store]) -> dict[int, list[Product]]:
    rates = {
        "USD": Decimal(1),
        "EUR": Decimal("0.92"),
        "GBP": Decimal("0.79"),
        "BRL": Decimal("5.1"),
        "JPY": Decimal(150),
    }
    products: dict[int, list[Product]] = {}
    for store in stores.values():
        existing = {p.sku: p for p in Product.objects.filter(store=store)}
        missing = []
        for index, (sku, title, category) in enumerate(corpus.PRODUCTS):
            if sku in existing:
                continue
            usd = Decimal(rng("price", index).choice((6, 9, 12, 15, 19, 24, 29, 35, 49, 59, 79, 99, 129)))
            price = (usd * rates.get(store.currency, Decimal(1)) - Decimal("0.01")).quantize(CENT)
            missing.append(
                Product(
                    store=store, sku=sku, title=title, category=category, price=price, currency=store.currency
                )
            )
        bulk_insert(Product, missing)
        products[store.pk] = list(Product.objects.filter(store=store).order_by("sku"))
    return products


def build_block(ctx: Context, first: int, last: int) -> int:
    """Create tickets [first, last) and everything they refer to; returns tickets created."""
    with transaction.atomic():
        return _Block(ctx, first, last).build()


class _Block(CommerceBuilder, ConversationBuilder, AftercareBuilder):
    def build(self) -> int:
        ctx = self.ctx
        order_ids = range(order_of_ticket(self.first), order_of_ticket(self.last - 1) + 1)
        customer_ids = range(customer_of_order(order_ids[0]), customer_of_order(order_ids[-1]) + 1)
        self._customers(customer_ids)
        self._orders(order_ids)
        tickets = [self._ticket(j) for j in range(self.first, self.last)]
        bulk_insert(Ticket, [t for t, _ in tickets])
        messages, events, ticket_tags, surveys, responses = [], [], [], [], []
        for ticket, plan in tickets:
            messages.extend(self._messages(ticket, plan))
            events.append(
                TicketEvent(
                    ticket=ticket,
                    kind=TicketEvent.Kind.CREATED,
                    data={"channel": ticket.channel},
                    created_at=ticket.created_at,
                )
            )
            if ticket.assignee_id:
                events.append(
                    TicketEvent(
                        ticket=ticket,
                        kind=TicketEvent.Kind.ASSIGNED,
                        data={"to": ticket.assignee_id},
                        created_at=ticket.created_at + dt.timedelta(minutes=7),
                    )
                )
            if plan["gift"]:
                ticket_tags.append(Ticket.tags.through(ticket_id=ticket.pk, tag_id=ctx.tags["gift"].pk))
            if ticket.solved_at:
                survey, response = self._survey(ticket, plan["r"])
                surveys.append(survey)
                if response:
                    responses.append((survey, response))
        bulk_insert(Message, messages)
        bulk_insert(TicketEvent, events)
        bulk_insert(Ticket.tags.through, ticket_tags)
        bulk_insert(Survey, surveys)
        for survey, response in responses:
            response.survey = survey
        bulk_insert(SurveyResponse, [response for _, response in responses])
        self._returns(tickets)
        return len(tickets)

    # --- customers -------------------------------------------------------------------------
