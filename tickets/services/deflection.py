"""Self-service answers (deflection): simple questions answered at once, with live facts.

Three questions are answered without an agent when triage is confident enough (at least the
store's ``auto_answer_threshold``; empty = never; a live seasonal rule set may override it
with ``self_service_threshold``):

* ``where_is_my_order`` with a linked outbound parcel that is moving normally: its tracking
  status, last checkpoint and date, and the carrier's tracking link;
* ``return_request``: the store's return window (with a live holiday extension) and the
  returns link;
* ``refund_status``: the state, amount and date of the latest refund of the linked order.

The answer is the store's (or the global) active template whose slug starts with
``self-service-`` for that intent, in the customer's language (else English), with the
placeholders of every template plus the live facts: ``{status}``, ``{checkpoint}``,
``{checkpoint_date}``, ``{carrier}``, ``{estimated_delivery}``, ``{return_window}``,
``{return_deadline}``, ``{refund_status}``, ``{refund_amount}``, ``{refund_date}``. It goes
out through the automatic-reply path (an outbound message without an agent, kind
"automatic answer"), the ticket is solved with ``auto_answered`` and an event says why.

Never: for an auto-reply or bounce, an angry customer, an escalated ticket or a claim under
review, a ticket an agent holds or answered, a ticket that was answered automatically before
(a customer who writes back after an automatic answer reopens the ticket to a human, and
triage then assigns it), or a channel the answer cannot reach.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import formats, timezone, translation

from customers.models import Store
from helpdesk.seasons import season_overrides_live
from tickets.models import Channel, Intent, Message, ReplyTemplate, Ticket, TicketEvent
from tickets.selectors import (
    placeholders_fill,
    reply_placeholder_values,
    reply_template_variant,
)
from tickets.services.claim_risk import ticket_allows_automatic_money
from tickets.services.replies import EMAIL_CHANNELS, message_auto_reply, reply_subject
from tickets.services.status import ticket_event_record, ticket_set_status

logger = logging.getLogger(__name__)

DEFLECTABLE_INTENTS = (Intent.WHERE_IS_MY_ORDER, Intent.RETURN_REQUEST, Intent.REFUND_STATUS)
TEMPLATE_PREFIX = "self-service-"
# One automatic answer per ticket per day at most (and none once a customer wrote back).
ANSWER_INTERVAL = dt.timedelta(hours=24)
# Channels an automatic answer reaches: e-mail (and the contact form), and the chat widget.
ANSWERABLE_CHANNELS = frozenset({*EMAIL_CHANNELS, Channel.CHAT})
# Parcels moving normally; anything else (delivered, held, failed, late…) needs a person.
MOVING_STATUSES = frozenset({"info_received", "in_transit", "out_for_delivery", "available_for_pickup"})


@dataclass(frozen=True)
class Deflection:
    answered: bool
    reason: str  # the intent answered, or why not
    message: Message | None = None
    facts: dict[str, str] = field(default_factory=dict)


def store_auto_answer_threshold(*, store: Store) -> float | None:
    """The confidence from which the store answers automatically now; ``None``: it never does.

    A live seasonal rule set's ``self_service_threshold`` replaces the store's own (the
    lowest wins when several are live), for stores that answer automatically at all.
    """
    if store.auto_answer_threshold is None:
        return None
    threshold = float(store.auto_answer_threshold)
    seasonal = []
    for overrides in season_overrides_live(store_id=store.pk, marketplace=store.marketplace):
        value = overrides.get("self_service_threshold")
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            try:
                seasonal.append(min(1.0, max(0.0, float(value))))
            except ValueError:
                continue
    return min(seasonal) if seasonal else threshold


def self_service_template(*, store_id: int, intent: str) -> ReplyTemplate | None:
    """The active self-service template for ``intent``: the store's own before a global one."""
    return (
        ReplyTemplate.objects.filter(is_active=True, intent=intent, slug__startswith=TEMPLATE_PREFIX)
        .filter(Q(store__isnull=True) | Q(store_id=store_id))
        .prefetch_related("variants")
        .order_by(F("store_id").asc(nulls_last=True), "pk")
        .first()
    )


def message_deflect(*, message: Message, now: dt.datetime | None = None) -> Deflection:
    """Answer ``message``'s question automatically and solve its ticket, when that is safe."""
    now = now or timezone.now()
    if message.ticket_id is None:
        return Deflection(False, "no_ticket")
    with transaction.atomic():
        # Locked: two messages of one ticket triaged at once must not both be answered.
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("store", "customer", "order", "shipment__carrier")
            .get(pk=message.ticket_id)
        )
        reason = _why_not(message, ticket, now)
        if reason:
            return Deflection(False, reason)
        template = self_service_template(store_id=ticket.store_id, intent=message.intent)
        if template is None:
            return Deflection(False, "no_template")
        language = ticket.language or message.language or ticket.customer.language or "en"
        variant = reply_template_variant(template=template, language=language)
        if variant is None:
            return Deflection(False, "no_template")
        with translation.override(variant.language):
            facts = _facts(message.intent, ticket, now)
        if facts is None:
            return Deflection(False, "no_facts")
        values = {**reply_placeholder_values(ticket=ticket, agent_name=ticket.store.name), **facts}
        body = placeholders_fill(body=variant.body, values=values).strip()
        if not body:
            return Deflection(False, "no_template")
        answer = message_auto_reply(ticket=ticket, subject=reply_subject(ticket), body=body)
        Message.objects.filter(pk=answer.pk).update(language=variant.language)
        ticket = ticket_set_status(ticket=ticket, status=Ticket.Status.SOLVED, actor=None)
        Ticket.objects.filter(pk=ticket.pk).update(auto_answered=True)
        ticket_event_record(
            ticket,
            TicketEvent.Kind.AUTO_ANSWERED,
            None,
            intent=message.intent,
            confidence=message.intent_confidence,
            template=template.slug,
            language=variant.language,
            message=answer.pk,
            answering=message.pk,
        )
    logger.info("ticket %s answered automatically (%s)", ticket.reference, message.intent)
    return Deflection(True, message.intent, answer, facts)


def _why_not(message: Message, ticket: Ticket, now: dt.datetime) -> str:
    """The first reason not to answer automatically; empty when it is safe to."""
    if (
        message.is_auto_submitted
        or message.direction != Message.Direction.INBOUND
        or message.kind != Message.Kind.MESSAGE
    ):
        return "auto_submitted"
    threshold = store_auto_answer_threshold(store=ticket.store)
    if threshold is None:
        return "off"
    if message.intent not in DEFLECTABLE_INTENTS or ticket.intent != message.intent:
        return "intent"  # not a simple question, or an agent corrected the intent
    if message.intent_confidence is None or message.intent_confidence < threshold:
        return "confidence"
    if message.angry or ticket.angry:
        return "angry"
    if not ticket_allows_automatic_money(ticket=ticket):
        return "claim_review"
    if ticket.events.filter(kind=TicketEvent.Kind.ESCALATED).exists():
        return "escalated"
    if ticket.status not in (Ticket.Status.NEW, Ticket.Status.OPEN) or ticket.merged_into_id:
        return "status"
    if (
        ticket.auto_answered
        or ticket.events.filter(
            kind=TicketEvent.Kind.AUTO_ANSWERED, created_at__gte=now - ANSWER_INTERVAL
        ).exists()
    ):
        return "answered_before"
    if ticket.assignee_id is not None:
        return "assigned"
    if ticket.messages.filter(direction=Message.Direction.OUTBOUND, author__isnull=False).exists():
        return "human_replied"
    latest = (
        ticket.messages.filter(direction=Message.Direction.INBOUND, kind=Message.Kind.MESSAGE)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if latest != message.pk:
        return "not_latest"
    if ticket.channel not in ANSWERABLE_CHANNELS or (
        ticket.channel in EMAIL_CHANNELS and not ticket.customer.email
    ):
        return "channel"
    return ""


# The live facts, in the active language ---------------------------------------------------------


def _facts(intent: str, ticket: Ticket, now: dt.datetime) -> dict[str, str] | None:
    if intent == Intent.WHERE_IS_MY_ORDER:
        return _parcel_facts(ticket)
    if intent == Intent.RETURN_REQUEST:
        return _return_facts(ticket, now)
    if intent == Intent.REFUND_STATUS:
        return _refund_facts(ticket)
    return None


def _zone(ticket: Ticket) -> zoneinfo.ZoneInfo:
    for name in (ticket.customer.timezone, ticket.store.timezone):
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


def _date(value: dt.datetime | dt.date | None, ticket: Ticket) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, _zone(ticket)).date()
    return formats.date_format(value, "DATE_FORMAT")


def _money(amount: Decimal, currency: str) -> str:
    return f"{formats.number_format(amount, 2, force_grouping=True)} {currency}"


def _parcel_facts(ticket: Ticket) -> dict[str, str] | None:
    from logistics.models import Shipment, TrackingEvent, TrackingStatus

    shipment = ticket.shipment
    if (
        shipment is None
        or shipment.direction != Shipment.Direction.OUTBOUND
        or shipment.status not in MOVING_STATUSES
        or shipment.anomaly
        or not shipment.tracking_url
    ):
        return None
    event = TrackingEvent.objects.filter(shipment=shipment).order_by("-occurred_at", "-pk").first()
    if event is not None:
        place = event.location or shipment.last_location
        checkpoint = ", ".join(part for part in (event.description, place) if part)
        when: dt.datetime | None = event.occurred_at
    else:
        checkpoint, when = shipment.last_location, shipment.last_event_at
    return {
        "status": str(TrackingStatus(shipment.status).label),
        "checkpoint": checkpoint,
        "checkpoint_date": _date(when, ticket),
        "carrier": shipment.carrier.name if shipment.carrier else "",
        "tracking": shipment.tracking_number,
        "tracking_url": shipment.tracking_url,
        "estimated_delivery": _date(shipment.estimated_delivery_at or shipment.promised_by, ticket),
    }


def _return_facts(ticket: Ticket, now: dt.datetime) -> dict[str, str] | None:
    from logistics.models import Shipment
    from returns.models import ReturnPolicy
    from returns.portal.links import portal_url_for_order

    policy = (
        ReturnPolicy.objects.filter(store_id=ticket.store_id, is_active=True)
        .order_by(F("category").asc(), "priority", "pk")  # the store-wide policy ("") first
        .first()
    )
    if policy is None or policy.final_sale:
        return None
    deadline: dt.date | None = None
    if ticket.order_id is not None:
        delivered = (
            Shipment.objects.filter(
                order_id=ticket.order_id, direction=Shipment.Direction.OUTBOUND, delivered_at__isnull=False
            )
            .order_by("-delivered_at")
            .values_list("delivered_at", flat=True)
            .first()
        )
        if delivered is not None:
            deadline = timezone.localtime(delivered, _zone(ticket)).date() + dt.timedelta(
                days=policy.window_days
            )
            if policy.honour_holiday_extension:
                extended = _holiday_extension(ticket, now)
                if extended is not None and extended > deadline:
                    deadline = extended
    return {
        "return_window": str(policy.window_days),
        "return_deadline": _date(deadline, ticket),
        # The portal in the answer's language: the ticket's order at once (signed link), else the look-up.
        "return_url": portal_url_for_order(
            order_id=ticket.order_id, language=translation.get_language() or ""
        ),
    }


def _holiday_extension(ticket: Ticket, now: dt.datetime) -> dt.date | None:
    latest = None
    for overrides in season_overrides_live(store_id=ticket.store_id, marketplace=ticket.store.marketplace):
        try:
            until = dt.date.fromisoformat(str(overrides.get("return_window_extension_until") or ""))
        except ValueError:
            continue
        latest = until if latest is None or until > latest else latest
    return latest


def _refund_facts(ticket: Ticket) -> dict[str, str] | None:
    from returns.models import Refund

    if ticket.order_id is None:
        return None
    refund = Refund.objects.filter(order_id=ticket.order_id).order_by("-created_at", "-pk").first()
    if refund is None or refund.status == Refund.Status.FAILED:
        return None  # nothing to report, or a failed refund: a person explains and fixes it
    return {
        "refund_status": str(Refund.Status(refund.status).label),
        "refund_amount": _money(refund.amount, refund.currency),
        "refund_date": _date(refund.issued_at or refund.created_at, ticket),
    }
