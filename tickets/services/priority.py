"""Priority: an explainable score, stored with its parts, and the priority it maps to.

``priority_score(context=...)`` is a pure function of a ``PriorityContext`` (what triage knows
about the ticket) and returns the score with one reason per contributing signal, each with its
points, so the ticket page can say why a ticket ranks where it does. The active seasonal rule
set may weigh reasons up or down (``overrides[phase]["priority_weights"]``, e.g.
``{"gift_order": 2.0, "parcel_anomaly": 1.5}`` during Christmas). Each tag of the customer that
carries ``priority_points`` (customers.Tag, e.g. VIP +15, frequent complainer -5) adds a reason
of its own ("Customer tag VIP +15"); the season may weigh them too (code ``customer_tag``).

``ticket_prioritise(ticket=...)`` reads the context, stores ``priority_score`` and
``priority_reasons``, and moves the priority through ``ticket_set_priority`` (which records the
change and recomputes the SLA), unless an agent set the priority by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tickets.models import OPEN_STATUSES, Intent, Message, Priority, Sentiment, Ticket, TicketEvent

Reason = dict[str, Any]  # {"code": str, "points": float, **details}

# How pressing each intent is in itself (money or a deadline at stake scores higher).
INTENT_POINTS: dict[str, int] = {
    Intent.NOT_RECEIVED: 15,
    Intent.CANCEL_ORDER: 15,
    Intent.CHANGE_ORDER: 15,
    Intent.DAMAGED_ITEM: 12,
    Intent.WRONG_ITEM: 12,
    Intent.MISSING_ITEM: 12,
    Intent.PAYMENT_ISSUE: 12,
    Intent.CUSTOMS_DUTIES: 10,
    Intent.WHERE_IS_MY_ORDER: 8,
    Intent.REFUND_STATUS: 8,
    Intent.NOT_AS_DESCRIBED: 8,
    Intent.RETURN_REQUEST: 5,
    Intent.PRODUCT_QUESTION: 3,
    Intent.INVOICE_REQUEST: 2,
    Intent.FEEDBACK_POSITIVE: -5,
}
THREATS = frozenset({"chargeback_threat", "legal_threat", "review_threat"})
REPEAT_WINDOW = timedelta(days=7)

# Score thresholds, lowest first: below LOW_BELOW is low, from URGENT_FROM urgent.
LOW_BELOW = 5
HIGH_FROM = 35
URGENT_FROM = 60

REASON_LABELS: dict[str, Promise] = {
    "angry": _("The customer is angry"),
    "negative": _("Negative tone"),
    "threat": _("Threatens a chargeback, review or legal action"),
    "intent": _("Request: %(intent)s"),
    "customer_value": _("Customer lifetime value %(value)s"),
    "order_value": _("Order value %(value)s"),
    "gift_order": _("Gift order"),
    "sla_overdue": _("SLA target missed"),
    "sla_soon": _("SLA target due within %(hours)s h"),
    "repeat_contact": _("Contact number %(count)s about this order in 7 days"),
    "other_open_tickets": _("%(count)s other open tickets from this customer"),
    "parcel_anomaly": _("Parcel problem: %(anomaly)s"),
    "escalated": _("Escalated to the team lead"),
    "customer_tag": _("Customer tag %(tag)s"),
}


@dataclass(frozen=True)
class PriorityContext:
    intent: str = ""
    sentiment: str = ""
    angry: bool = False
    anger_reasons: tuple[str, ...] = ()
    customer_value: Decimal = Decimal(0)
    order_value: Decimal | None = None
    currency: str = ""
    gift_order: bool = False
    sla_due_at: datetime | None = None
    now: datetime | None = None
    contacts_7d: int = 1
    other_open_tickets: int = 0
    parcel_anomaly: str = ""
    weights: dict[str, float] = field(default_factory=dict)
    customer_tags: tuple[tuple[str, int], ...] = ()  # (tag name, priority points), tags with points


@dataclass(frozen=True)
class PriorityScore:
    score: float
    priority: int
    reasons: list[Reason]


def priority_for_score(score: float) -> int:
    if score >= URGENT_FROM:
        return Priority.URGENT
    if score >= HIGH_FROM:
        return Priority.HIGH
    if score < LOW_BELOW:
        return Priority.LOW
    return Priority.NORMAL


def priority_score(*, context: PriorityContext) -> PriorityScore:
    """The score (sum of the reasons' points, each weighted by the season) and its priority."""
    raw: list[Reason] = []

    def add(code: str, points: float, **details: Any) -> None:
        if points:
            raw.append({"code": code, "points": points, **details})

    if context.angry:
        add("angry", 25)
    elif context.sentiment == Sentiment.NEGATIVE:
        add("negative", 10)
    threats = sorted(THREATS.intersection(context.anger_reasons))
    if threats:
        add("threat", 15, threats=threats)
    if context.intent:
        add("intent", INTENT_POINTS.get(context.intent, 0), intent=context.intent)
    value_tier = settings.HIGH_VALUE_CUSTOMER
    if context.customer_value >= value_tier:
        add("customer_value", 15, value=f"{context.customer_value:.2f} {context.currency}".strip())
    elif context.customer_value >= value_tier * Decimal("0.3"):
        add("customer_value", 8, value=f"{context.customer_value:.2f} {context.currency}".strip())
    if context.order_value is not None:
        value = f"{context.order_value:.2f} {context.currency}".strip()
        if context.order_value >= 200:
            add("order_value", 10, value=value)
        elif context.order_value >= 80:
            add("order_value", 5, value=value)
    if context.gift_order:
        add("gift_order", 5)
    if context.sla_due_at is not None and context.now is not None:
        left = context.sla_due_at - context.now
        if left <= timedelta(0):
            add("sla_overdue", 20)
        elif left <= timedelta(hours=1):
            add("sla_soon", 15, hours=1)
        elif left <= timedelta(hours=4):
            add("sla_soon", 8, hours=4)
    if context.contacts_7d >= 3:
        add("repeat_contact", 20, count=context.contacts_7d)
    elif context.contacts_7d == 2:
        add("repeat_contact", 10, count=2)
    if context.other_open_tickets:
        add("other_open_tickets", min(10, 5 * context.other_open_tickets), count=context.other_open_tickets)
    if context.parcel_anomaly:
        add("parcel_anomaly", 10, anomaly=context.parcel_anomaly)
    for tag_name, points in context.customer_tags:
        add("customer_tag", points, tag=tag_name)

    reasons = []
    for reason in raw:
        weight = float(context.weights.get(reason["code"], 1.0))
        points = round(reason["points"] * weight, 2)
        if weight != 1.0:
            reason["weight"] = weight
        reasons.append({**reason, "points": points})
    reasons.sort(key=lambda r: -abs(r["points"]))
    score = round(max(0.0, sum(r["points"] for r in reasons)), 2)
    return PriorityScore(score=score, priority=priority_for_score(score), reasons=reasons)


# Reading the context --------------------------------------------------------------------------


def season_priority_weights(*, store_id: int) -> dict[str, float]:
    """The priority weights of the rule sets live for this store now (several multiply)."""
    from customers.models import Store
    from helpdesk.seasons import season_overrides_live

    marketplace = Store.objects.filter(pk=store_id).values_list("marketplace", flat=True).first() or ""
    weights: dict[str, float] = {}
    for overrides in season_overrides_live(store_id=store_id, marketplace=marketplace):
        found = overrides.get("priority_weights")
        if not isinstance(found, dict):
            continue
        for code, weight in found.items():
            try:
                weights[str(code)] = weights.get(str(code), 1.0) * float(weight)
            except (TypeError, ValueError):
                continue
    return weights


def customer_tag_points(*, customer_id: int | None) -> tuple[tuple[str, int], ...]:
    """The customer's tags that move priority, as (name, points), the heaviest first."""
    from customers.models import Tag

    if customer_id is None:
        return ()
    rows = (
        Tag.objects.filter(customer_links__customer_id=customer_id)
        .exclude(priority_points=0)
        .order_by("-priority_points", "name")
        .values_list("name", "priority_points")
    )
    return tuple((name, int(points)) for name, points in rows)


def contacts_about(*, ticket: Ticket, now: datetime) -> int:
    """Customer messages in the last 7 days on this ticket or on other tickets about its order."""
    where = Q(ticket=ticket)
    if ticket.order_id is not None:
        where |= Q(ticket__order_id=ticket.order_id, ticket__customer_id=ticket.customer_id)
    return (
        Message.objects.filter(where, direction=Message.Direction.INBOUND, kind=Message.Kind.MESSAGE)
        .filter(created_at__gte=now - REPEAT_WINDOW)
        .count()
    )


def priority_context_for(
    *, ticket: Ticket, now: datetime | None = None, anger_reasons: tuple[str, ...] = ()
) -> PriorityContext:
    now = now or timezone.now()
    customer = ticket.customer
    order = ticket.order
    shipment = ticket.shipment
    if shipment is None and order is not None:
        shipment = order.shipments.exclude(anomaly="").order_by("-id").first()
    if not anger_reasons:
        latest = (
            ticket.messages.filter(direction=Message.Direction.INBOUND, kind=Message.Kind.MESSAGE)
            .order_by("-created_at", "-id")
            .values_list("anger_reasons", flat=True)
            .first()
        )
        anger_reasons = tuple(latest or ())
    other_open = (
        Ticket.objects.filter(
            customer_id=ticket.customer_id, status__in=OPEN_STATUSES, merged_into__isnull=True
        )
        .exclude(pk=ticket.pk)
        .count()
    )
    return PriorityContext(
        intent=ticket.intent,
        sentiment=ticket.sentiment,
        angry=ticket.angry,
        anger_reasons=anger_reasons,
        customer_value=customer.lifetime_value or Decimal(0),
        order_value=order.total if order is not None else None,
        currency=(order.currency if order is not None else customer.lifetime_value_currency) or "",
        gift_order=bool(order is not None and order.is_gift),
        sla_due_at=ticket.sla_due_at,
        now=now,
        contacts_7d=max(1, contacts_about(ticket=ticket, now=now)),
        other_open_tickets=other_open,
        parcel_anomaly=shipment.anomaly if shipment is not None else "",
        weights=season_priority_weights(store_id=ticket.store_id),
        customer_tags=customer_tag_points(customer_id=ticket.customer_id),
    )


def _set_by_hand(ticket: Ticket) -> bool:
    return ticket.events.filter(kind=TicketEvent.Kind.PRIORITY, actor__isnull=False).exists()


@transaction.atomic
def ticket_prioritise(
    *, ticket: Ticket, now: datetime | None = None, anger_reasons: tuple[str, ...] = ()
) -> PriorityScore:
    """Score the ticket, store the score and its reasons, and move its priority to match.

    A priority an agent set by hand is kept (the score and reasons are still updated), and an
    escalated ticket stays urgent.
    """
    from tickets.services.status import ticket_set_priority

    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "order", "shipment")
        .get(pk=ticket.pk)
    )
    result = priority_score(context=priority_context_for(ticket=ticket, now=now, anger_reasons=anger_reasons))
    escalated = ticket.events.filter(kind=TicketEvent.Kind.ESCALATED).exists()
    reasons = ([{"code": "escalated", "points": 0}] if escalated else []) + result.reasons
    ticket.priority_score = Decimal(str(min(result.score, 9999)))
    ticket.priority_reasons = reasons
    ticket.save(update_fields=["priority_score", "priority_reasons"])
    wanted = Priority.URGENT if escalated else result.priority
    if wanted != ticket.priority and not _set_by_hand(ticket):
        ticket_set_priority(ticket=ticket, priority=wanted, actor=None)
    return result
