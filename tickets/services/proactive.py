"""Proactive parcel care: telling the customer about a parcel anomaly before they ask, and a
ticket for the team when it is severe (DESIGN flow 3).

Logistics finds anomalies and asks for care with ``logistics.signals.parcel_anomaly_needs_care``
(``tickets.receivers``); each piece of care is claimed once from logistics, inside the
transaction that does it.

The notice is an e-mail from the store's mailbox, like the shipping notifications of tracking
tools, but written on a ticket so that it is on the customer's history, its delivery is
tracked (``message_send`` retries it) and the customer's answer threads onto it. It goes on the
open ticket about that parcel when there is one (the severe anomaly's, or the customer's own
question), else on a new ticket created solved: nobody has to act on a notice, so it stays out
of the queue until the customer writes back, which reopens it. The text is the managers' reply
template ``parcel-notice-<kind>`` in the customer's language when they wrote one (placeholders
{name}, {order}, {tracking}, {tracking_url}, {store}), else the built-in text
(``logistics.notices``). If an agent has written to the customer on that ticket since the
anomaly was found, the notice is not sent (the agent said it better).

A severe anomaly opens a ticket (or reopens the parcel's ticket) that is routed, prioritised
and assigned like any other and appears in the inbox live, with the parcel linked and an
internal note giving the parcel's state, the customer's history and a suggested compensation
tier (``returns.services.compensation``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import Customer, Order
from helpdesk import broadcast
from logistics.models import Shipment
from logistics.notices import BUILT_IN_LANGUAGES, notice_language, notice_render
from logistics.services.care import (
    AnomalyEscalation,
    ParcelNotice,
    anomaly_escalation_claim,
    anomaly_notice_claim,
    anomaly_notice_withdraw,
)
from tickets.models import OPEN_STATUSES, Channel, Intent, Message, ReplyTemplate, Ticket, TicketEvent
from tickets.selectors import placeholders_fill
from tickets.services.assignment import ticket_auto_assign
from tickets.services.ingestion import new_reference
from tickets.services.priority import ticket_prioritise
from tickets.services.replies import _last_customer_message_id, _new_message_id, _thread_message_ids
from tickets.services.routing import ticket_route
from tickets.services.sla import ticket_apply_sla
from tickets.services.status import ticket_set_status

logger = logging.getLogger(__name__)

NOTICE_TEMPLATE_PREFIX = "parcel-notice-"
# What the customer will be asking about, by anomaly kind (for routing, priority, compensation).
INTENT_OF_ANOMALY = {
    "customs": Intent.CUSTOMS_DUTIES,
    "returned": Intent.NOT_RECEIVED,
}
SOURCE = "parcel_anomaly"


def parcel_notice_send(*, anomaly_id: int, now: dt.datetime | None = None) -> Message | None:
    """Send the customer's notice about an anomaly, if it is owed and due; else do nothing.

    Returns the queued message. Safe to call early (nothing: not due), twice or concurrently
    (the notice is claimed once).
    """
    now = now or timezone.now()
    with transaction.atomic():
        notice = anomaly_notice_claim(anomaly_id=anomaly_id, now=now)
        if notice is None:
            return None
        ticket = _parcel_ticket(customer_id=notice.customer_id, shipment_id=notice.shipment_id)
        if ticket is not None:
            ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
            if (
                ticket.last_agent_message_at is not None
                and ticket.last_agent_message_at >= notice.detected_at
            ):
                anomaly_notice_withdraw(
                    anomaly_id=anomaly_id,
                    reason=_(
                        "Not sent: an agent had already written to the customer on ticket %(reference)s."
                    )
                    % {"reference": ticket.reference},
                )
                return None
        subject, body = _notice_text(notice)
        if ticket is None:
            ticket = _ticket_create(
                store_id=notice.store_id,
                customer_id=notice.customer_id,
                order_id=notice.order_id,
                shipment_id=notice.shipment_id,
                channel=Channel.EMAIL,
                subject=subject,
                language=notice.language,
                kind=notice.kind,
                solved=True,
                now=now,
            )
        message = Message.objects.create(
            ticket=ticket,
            store_id=ticket.store_id,
            channel=Channel.EMAIL,
            external_id=_new_message_id(ticket),
            direction=Message.Direction.OUTBOUND,
            kind=Message.Kind.PROACTIVE,
            sender_name=ticket.store.name,
            recipients=[notice.recipient],
            subject=f"{subject} [#{ticket.reference}]"[:300],
            body_text=body,
            body_display=body,
            in_reply_to=_last_customer_message_id(ticket),
            references=" ".join(_thread_message_ids(ticket)),
            language=notice.language,
            triage_status=Message.Triage.SKIPPED,
            delivery_status=Message.Delivery.QUEUED,
            created_at=now,
        )
        # A visible change (an agent's open page must see it before replying), but not an
        # agent's response: the SLA clocks stay as they are.
        Ticket.objects.filter(pk=ticket.pk).update(version=F("version") + 1, updated_at=now)
        from tickets.tasks import message_send

        transaction.on_commit(lambda: message_send.delay(message.pk), robust=True)
        broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="message")
        return message


def parcel_anomaly_ticket_open(*, anomaly_id: int, now: dt.datetime | None = None) -> Ticket | None:
    """A ticket for a severe anomaly, once: the parcel's open ticket (reopened if solved) or a
    new one, routed, prioritised and assigned, with the internal note for the agent."""
    now = now or timezone.now()
    with transaction.atomic():
        claim = anomaly_escalation_claim(anomaly_id=anomaly_id, now=now)
        if claim is None:
            return None
        if claim.customer_id is None:
            logger.warning("anomaly %s: the parcel has no customer to open a ticket for", anomaly_id)
            return None
        customer = Customer.objects.get(pk=claim.customer_id)
        ticket = _parcel_ticket(customer_id=customer.pk, shipment_id=claim.shipment_id)
        created = ticket is None
        if ticket is None:
            shipment = Shipment.objects.select_related("order", "store").get(pk=claim.shipment_id)
            subject = notice_render(
                kind=claim.kind,
                language=claim.language,
                customer_name="",
                tracking_number=shipment.tracking_number,
                order_number=shipment.order.external_id if shipment.order else "",
                tracking_url="",
                store_name=shipment.store.name,
            ).subject
            ticket = _ticket_create(
                store_id=claim.store_id,
                customer_id=customer.pk,
                order_id=claim.order_id,
                shipment_id=claim.shipment_id,
                channel=_channel_for(customer=customer, store_platform=shipment.store.platform),
                subject=subject,
                language=customer.language or claim.language,
                kind=claim.kind,
                solved=False,
                now=now,
            )
        elif ticket.status == Ticket.Status.SOLVED:
            ticket = ticket_set_status(ticket=ticket, status=Ticket.Status.OPEN, actor=None)
        ticket = ticket_route(ticket=ticket)
        _note_add(ticket=ticket, claim=claim, now=now)
        ticket_prioritise(ticket=ticket, now=now)
        ticket_auto_assign(ticket=ticket)
        broadcast.ticket_changed(
            ticket_id=ticket.pk, team_id=ticket.team_id, change="created" if created else "note"
        )
        return Ticket.objects.get(pk=ticket.pk)


# --- helpers ---------------------------------------------------------------------------------


def _parcel_ticket(*, customer_id: int, shipment_id: int) -> Ticket | None:
    """The customer's most recent ticket about this parcel that is not closed."""
    return (
        Ticket.objects.filter(customer_id=customer_id, shipment_id=shipment_id, merged_into__isnull=True)
        .filter(Q(status__in=OPEN_STATUSES) | Q(status=Ticket.Status.SOLVED))
        .select_related("store")
        .order_by("-created_at", "-id")
        .first()
    )


def _channel_for(*, customer: Customer, store_platform: str) -> str:
    """E-mail when we can write to the customer, else the store's marketplace (its connector)."""
    if customer.email:
        return Channel.EMAIL
    return store_platform if store_platform in Channel.values else Channel.API


def _ticket_create(
    *,
    store_id: int,
    customer_id: int,
    order_id: int | None,
    shipment_id: int,
    channel: str,
    subject: str,
    language: str,
    kind: str,
    solved: bool,
    now: dt.datetime,
) -> Ticket:
    ticket = Ticket(
        reference=new_reference(),
        store_id=store_id,
        customer_id=customer_id,
        channel=channel,
        subject=subject[:300],
        status=Ticket.Status.SOLVED if solved else Ticket.Status.NEW,
        solved_at=now if solved else None,
        language=language[:10],
        intent=INTENT_OF_ANOMALY.get(kind, Intent.WHERE_IS_MY_ORDER),
        order_id=order_id,
        shipment_id=shipment_id,
        created_at=now,
        updated_at=now,
    )
    ticket.full_clean(validate_unique=False, validate_constraints=False)
    ticket.save()
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.CREATED,
        data={"channel": channel, "source": SOURCE, "anomaly": kind, "notice_only": solved},
        created_at=now,
    )
    return ticket_apply_sla(ticket=ticket, now=now)


def _notice_text(notice: ParcelNotice) -> tuple[str, str]:
    """The managers' template for this kind in the customer's language, else the built-in text."""
    templates = (
        ReplyTemplate.objects.filter(slug__in=[f"{NOTICE_TEMPLATE_PREFIX}{notice.kind}"], is_active=True)
        .filter(Q(store__isnull=True) | Q(store_id=notice.store_id))
        .prefetch_related("variants")
        .order_by(F("store_id").asc(nulls_last=True))  # the store's own template first
    )
    for template in templates:
        variants = {notice_language(variant.language): variant for variant in template.variants.all()}
        # A variant in the customer's language ("zh-hans" serves "zh"); the template's English
        # only where no built-in text speaks the customer's language either.
        variant = variants.get(notice.language) or (
            variants.get("en") if notice.language not in BUILT_IN_LANGUAGES else None
        )
        if variant is None:
            continue
        values = {
            "name": notice.customer_name.split(" ")[0] if notice.customer_name else "",
            "order": notice.order_number,
            "tracking": notice.tracking_number,
            "tracking_url": notice.tracking_url,
            "store": notice.store_name,
        }
        subject = (
            placeholders_fill(body=variant.subject, values=values) if variant.subject else notice.subject
        )
        return subject, placeholders_fill(body=variant.body, values=values)
    return notice.subject, notice.body


def _note_add(*, ticket: Ticket, claim: AnomalyEscalation, now: dt.datetime) -> Message:
    """The internal note for the agent, in their team's working language."""
    ticket = Ticket.objects.select_related("team", "customer", "order", "shipment__carrier").get(pk=ticket.pk)
    language = ticket.team.working_language if ticket.team is not None else None
    with translation.override(language or translation.get_language()):
        body = "\n".join(_note_lines(ticket=ticket, claim=claim))
        sender_name = _("Parcel watch")
    note = Message.objects.create(
        ticket=ticket,
        store_id=ticket.store_id,
        channel=ticket.channel,
        direction=Message.Direction.INTERNAL,
        kind=Message.Kind.SYSTEM,
        sender_name=sender_name,
        body_text=body,
        body_display=body,
        triage_status=Message.Triage.SKIPPED,
        created_at=now,
    )
    return note


def _note_lines(*, ticket: Ticket, claim: AnomalyEscalation) -> list[str]:
    shipment = ticket.shipment
    assert shipment is not None
    customer = ticket.customer
    lines = [
        _("Parcel %(tracking)s (%(carrier)s, %(origin)s → %(destination)s): %(anomaly)s. %(detail)s")
        % {
            "tracking": shipment.tracking_number,
            "carrier": shipment.carrier.name if shipment.carrier else _("unknown carrier"),
            "origin": shipment.origin_country or "?",
            "destination": shipment.destination_country or "?",
            # Named here, inside the team's language, not when the anomaly was claimed.
            "anomaly": Shipment.Anomaly(claim.kind).label,
            "detail": claim.detail,
        },
        _("Status: %(status)s; last scan %(when)s %(where)s; shipped %(shipped)s; promised by %(promised)s.")
        % {
            "status": shipment.get_status_display(),
            "when": f"{shipment.last_event_at:%Y-%m-%d %H:%M} UTC" if shipment.last_event_at else "—",
            "where": shipment.last_location,
            "shipped": f"{shipment.shipped_at:%Y-%m-%d}" if shipment.shipped_at else "—",
            "promised": shipment.promised_by.isoformat() if shipment.promised_by else "—",
        },
        "",
        _(
            "Customer: %(name)s. %(orders)s orders, %(returns)s returns, %(claims)s claims, "
            "lifetime value %(value)s %(currency)s."
        )
        % {
            "name": str(customer),
            "orders": customer.orders_count,
            "returns": customer.returns_count,
            "claims": customer.claims_count,
            "value": customer.lifetime_value,
            "currency": customer.lifetime_value_currency,
        },
    ]
    earlier = list(
        Ticket.objects.filter(customer=customer).exclude(pk=ticket.pk).order_by("-created_at", "-id")[:3]
    )
    for other in earlier:
        lines.append(
            _("Earlier ticket #%(reference)s (%(date)s, %(status)s): %(subject)s")
            % {
                "reference": other.reference,
                "date": f"{other.created_at:%Y-%m-%d}",
                "status": other.get_status_display(),
                "subject": other.subject,
            }
        )
    if not earlier:
        lines.append(_("No earlier tickets."))
    lines += ["", *_compensation_lines(ticket=ticket)]
    return lines


def _compensation_lines(*, ticket: Ticket) -> list[str]:
    from returns.services.compensation import compensation_suggest

    order: Order | None = ticket.order
    if order is None:
        return [_("Suggested compensation: none (the parcel has no order).")]
    try:
        suggestion = compensation_suggest(order=order, ticket=ticket, intent=ticket.intent)
    except Exception:  # a suggestion is advice: its failure must not cost the ticket
        logger.exception("compensation suggestion failed for ticket %s", ticket.pk)
        return [_("Suggested compensation: could not be computed.")]
    if suggestion is None:
        return [_("Suggested compensation: none for now.")]
    return [
        _("Suggested compensation: %(tier)s (%(kind)s, up to %(amount)s %(currency)s).")
        % {
            "tier": suggestion.tier_label,
            "kind": suggestion.kind_label,
            "amount": suggestion.amount,
            "currency": suggestion.currency,
        },
        *(f"- {reason}" for reason in suggestion.reasons),
    ]
