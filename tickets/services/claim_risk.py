"""Claim risk: how likely a not-received / damaged / wrong / missing item claim needs a second look.

``claim_risk_score(context=...)`` is pure: points (0-100) with one reason per signal. From
``settings.CLAIM_RISK_REVIEW_THRESHOLD`` the ticket is flagged (``Ticket.claim_review``), tagged
``claim-review`` for the team lead, and recorded; refund and compensation code must not offer
money automatically on a flagged ticket (``ticket_allows_automatic_money``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tickets.models import Attachment, Intent, Message, Ticket, TicketEvent

CLAIM_INTENTS = frozenset({Intent.NOT_RECEIVED, Intent.DAMAGED_ITEM, Intent.WRONG_ITEM, Intent.MISSING_ITEM})
PHOTO_INTENTS = frozenset({Intent.DAMAGED_ITEM, Intent.WRONG_ITEM, Intent.MISSING_ITEM})
SERIAL_RETURNER_TAG = "serial-returner"
REVIEW_TAG = "claim-review"
NEW_ACCOUNT = timedelta(days=30)
TOO_SOON = timedelta(hours=2)

Reason = dict[str, Any]

REASON_LABELS: dict[str, Promise] = {
    "previous_claims": _("%(count)s previous claims"),
    "claim_value_ratio": _("Claims cover %(percent)s%% of the customer's order value"),
    "serial_returner": _("Tagged serial returner"),
    "new_account": _("Account is %(days)s days old"),
    "carrier_delivered": _("Carrier says delivered (%(location)s)"),
    "soon_after_delivery": _("Claim filed %(minutes)s minutes after delivery"),
    "no_photos": _("No photos attached"),
    "photos": _("Photos attached"),
}


@dataclass(frozen=True)
class ClaimContext:
    intent: str
    previous_claims: int = 0
    claimed_value: Decimal = Decimal(0)
    ordered_value: Decimal = Decimal(0)
    serial_returner: bool = False
    account_age: timedelta | None = None
    delivered_at: datetime | None = None
    delivered_location: str = ""
    claimed_at: datetime | None = None
    photos: bool = False


@dataclass(frozen=True)
class ClaimRisk:
    score: float
    reasons: list[Reason]


def claim_risk_score(*, context: ClaimContext) -> ClaimRisk | None:
    """None for an intent that is not a claim."""
    if context.intent not in CLAIM_INTENTS:
        return None
    reasons: list[Reason] = []
    claims = context.previous_claims
    if claims >= 5:
        reasons.append({"code": "previous_claims", "points": 35, "count": claims})
    elif claims >= 3:
        reasons.append({"code": "previous_claims", "points": 20, "count": claims})
    elif claims >= 1:
        reasons.append({"code": "previous_claims", "points": 5, "count": claims})
    if context.ordered_value > 0 and claims >= 2:
        ratio = context.claimed_value / context.ordered_value
        if ratio >= Decimal("0.3"):
            reasons.append({"code": "claim_value_ratio", "points": 15, "percent": int(ratio * 100)})
    if context.serial_returner:
        reasons.append({"code": "serial_returner", "points": 25})
    if context.account_age is not None and context.account_age < NEW_ACCOUNT:
        reasons.append({"code": "new_account", "points": 10, "days": context.account_age.days})
    if context.delivered_at is not None:
        if context.intent == Intent.NOT_RECEIVED:
            reasons.append(
                {"code": "carrier_delivered", "points": 20, "location": context.delivered_location or "?"}
            )
        elif (
            context.claimed_at is not None
            and timedelta(0) <= context.claimed_at - context.delivered_at < TOO_SOON
        ):
            minutes = int((context.claimed_at - context.delivered_at).total_seconds() // 60)
            reasons.append({"code": "soon_after_delivery", "points": 10, "minutes": minutes})
    if context.intent in PHOTO_INTENTS:
        if context.photos:
            reasons.append({"code": "photos", "points": -10})
        else:
            reasons.append({"code": "no_photos", "points": 10})
    score = float(max(0, min(100, sum(r["points"] for r in reasons))))
    reasons.sort(key=lambda r: -abs(r["points"]))
    return ClaimRisk(score=score, reasons=reasons)


def ticket_allows_automatic_money(*, ticket: Ticket) -> bool:
    """False for a claim flagged for review: refunds and compensation wait for a person."""
    return not ticket.claim_review


def claim_context_for(*, ticket: Ticket, now: datetime | None = None) -> ClaimContext:
    from logistics.models import TrackingStatus
    from logistics.selectors import delivery_scan_for

    now = now or timezone.now()
    customer = ticket.customer
    earlier_claims = (
        Ticket.objects.filter(
            customer_id=ticket.customer_id, intent__in=CLAIM_INTENTS, created_at__lt=ticket.created_at
        )
        .exclude(pk=ticket.pk)
        .exclude(merged_into__isnull=False)
    )
    previous = max(customer.claims_count, earlier_claims.count())
    claimed = earlier_claims.exclude(order=None).aggregate(total=Sum("order__total"))["total"] or Decimal(0)
    ordered = customer.orders.aggregate(total=Sum("total"))["total"] or Decimal(0)
    ordered = max(ordered, customer.lifetime_value or Decimal(0))
    shipment = ticket.shipment
    if shipment is None and ticket.order is not None:
        shipment = ticket.order.shipments.filter(direction="outbound").order_by("-id").first()
    delivered_at, location = None, ""
    if shipment is not None:
        event = delivery_scan_for(shipment)  # the same scan the ticket page shows the agent
        if event is not None:
            delivered_at, location = event.occurred_at, event.location
        elif shipment.status == TrackingStatus.DELIVERED:
            delivered_at, location = shipment.delivered_at or shipment.last_event_at, shipment.last_location
    claimed_at = (
        ticket.messages.filter(direction=Message.Direction.INBOUND)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    ) or ticket.created_at
    photos = Attachment.objects.filter(
        message__ticket=ticket,
        message__direction=Message.Direction.INBOUND,
        content_type__startswith="image/",
    ).exists()
    return ClaimContext(
        intent=ticket.intent,
        previous_claims=previous,
        claimed_value=claimed,
        ordered_value=ordered,
        serial_returner=customer.tags.filter(slug=SERIAL_RETURNER_TAG).exists(),
        account_age=(now - customer.first_seen_at) if customer.first_seen_at else None,
        delivered_at=delivered_at,
        delivered_location=location,
        claimed_at=claimed_at,
        photos=photos,
    )


@transaction.atomic
def ticket_assess_claim_risk(*, ticket: Ticket, now: datetime | None = None) -> ClaimRisk | None:
    """Score a claim, store it, and flag it for review above the threshold (once)."""
    from customers.services import tag_ensure
    from tickets.services.status import ticket_add_tag, ticket_event_record

    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "order", "shipment")
        .get(pk=ticket.pk)
    )
    risk = claim_risk_score(context=claim_context_for(ticket=ticket, now=now))
    if risk is None:
        return None
    ticket.claim_risk = risk.score
    ticket.claim_risk_reasons = risk.reasons
    fields = ["claim_risk", "claim_risk_reasons"]
    flag = risk.score >= settings.CLAIM_RISK_REVIEW_THRESHOLD and not ticket.claim_review
    if flag:
        ticket.claim_review = True
        fields.append("claim_review")
    ticket.save(update_fields=fields)
    if flag:
        ticket_event_record(
            ticket,
            TicketEvent.Kind.CLAIM_FLAGGED,
            None,
            score=risk.score,
            reasons=[r["code"] for r in risk.reasons],
        )
        tag = tag_ensure(slug=REVIEW_TAG, name="Claim review", description="Risky claim: a lead reviews it.")
        ticket_add_tag(ticket=ticket, tag=tag, actor=None)
    return risk
