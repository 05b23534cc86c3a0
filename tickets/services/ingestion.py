"""Storing what customers send: idempotent, threaded, never lost (DESIGN.md flow 1)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Order, Store
from customers.services import customer_resolve
from helpdesk import broadcast, events
from helpdesk.exceptions import ApplicationError
from tickets.ingest.conversation import REFERENCE_ALPHABET, find_ticket
from tickets.ingest.inbound import InboundMessage
from tickets.ingest.mail import inbound_from_email
from tickets.ingest.mime import MalformedEmail
from tickets.models import Attachment, Mailbox, Message, Ticket, TicketEvent
from tickets.services.sla import ticket_apply_sla

logger = logging.getLogger(__name__)

ATTEMPTS = 3  # a lost race on a unique key is retried: the second look finds the winner's row
REOPENED_BY_CUSTOMER = (Ticket.Status.SOLVED, Ticket.Status.PENDING)


@dataclass(frozen=True)
class IngestResult:
    message: Message
    ticket: Ticket | None
    created_ticket: bool
    duplicate: bool
    unprocessable: bool = False


def email_ingest(*, raw: bytes, mailbox: Mailbox) -> IngestResult:
    """One raw e-mail into its mailbox's store: stored threaded, or kept as unprocessable."""
    fallback_id = raw_external_id(raw)
    try:
        inbound = inbound_from_email(
            raw=raw, store_id=mailbox.store_id, delivered_to=mailbox.address, external_id=fallback_id
        )
    except MalformedEmail as error:
        reason = error.reason
    else:
        if inbound.sender_address:
            return message_ingest(inbound=inbound)
        reason = "The message has no sender address to answer."
    message = message_store_unprocessable(
        store=mailbox.store, channel="email", raw=raw, reason=reason, external_id=fallback_id
    )
    return IngestResult(message, None, created_ticket=False, duplicate=False, unprocessable=True)


def message_ingest(*, inbound: InboundMessage) -> IngestResult:
    """Store an inbound message on its conversation, opening one if needed.

    A redelivery (same store, channel and external id) is a no-op that returns the
    stored message. An auto-reply or bounce is stored but never opens a ticket and
    never reopens one.
    """
    for attempt in range(ATTEMPTS):
        existing = _stored(inbound)
        if existing is not None:
            return IngestResult(existing, existing.ticket, created_ticket=False, duplicate=True)
        try:
            with transaction.atomic():
                return _ingest(inbound)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
            logger.info("ingest race on %s/%s, retrying", inbound.channel, inbound.external_id)
    raise AssertionError("unreachable")


def message_store_unprocessable(
    *, store: Store, channel: str, raw: bytes, reason: str, external_id: str = ""
) -> Message:
    """Keep a message that could not be read, with why, for a manager to look at and retry."""
    external_id = external_id or raw_external_id(raw)
    message, _ = Message.objects.get_or_create(
        store=store,
        channel=channel,
        external_id=external_id,
        defaults={
            "direction": Message.Direction.INBOUND,
            "raw": raw,
            "parse_error": reason[:2000] or "unreadable",
            "triage_status": Message.Triage.SKIPPED,
            "created_at": timezone.now(),
        },
    )
    return message


def raw_external_id(raw: bytes) -> str:
    """A stable id for a message that carries none, so a redelivery is still recognised."""
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@helpdesk.invalid>"


def _stored(inbound: InboundMessage) -> Message | None:
    if not inbound.external_id:
        return None
    return (
        Message.objects.select_related("ticket")
        .filter(store_id=inbound.store_id, channel=inbound.channel, external_id=inbound.external_id)
        .first()
    )


def _ingest(inbound: InboundMessage) -> IngestResult:
    store = Store.objects.get(pk=inbound.store_id)
    customer = customer_resolve(
        store=store,
        email=inbound.sender_address,
        buyer_id=inbound.buyer_id,
        name=inbound.sender_name,
        chat_visitor=inbound.visitor_id,
    )
    now = timezone.now()
    ticket = find_ticket(inbound=inbound, customer=customer)
    created = False
    if ticket is None and not inbound.auto_submitted:
        ticket = _ticket_open(store=store, inbound=inbound, customer_id=customer.pk, now=now)
        created = True
    elif ticket is not None:
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)

    message = Message(
        ticket=ticket,
        store=store,
        channel=inbound.channel,
        external_id=inbound.external_id,
        direction=Message.Direction.INBOUND,
        sender_name=inbound.sender_name[:200],
        sender_address=inbound.sender_address[:320],
        recipients=list(inbound.recipients),
        subject=inbound.subject[:300],
        body_text=inbound.text,
        body_html=inbound.html,
        body_display=inbound.display_text or inbound.text,
        in_reply_to=inbound.in_reply_to[:300],
        references=" ".join(inbound.references),
        raw=inbound.raw,
        raw_payload=inbound.raw_payload,
        sent_at=inbound.sent_at,
        is_auto_submitted=inbound.auto_submitted,
        warnings=list(inbound.warnings)
        + ([f"auto-submitted: {inbound.auto_reason}"] if inbound.auto_reason else []),
        triage_status=Message.Triage.SKIPPED if inbound.auto_submitted else Message.Triage.PENDING,
        created_at=now,
    )
    message.full_clean(validate_unique=False, validate_constraints=False)
    message.save()
    _store_attachments(message, inbound)
    if created:
        events.emit("ticket.created", events.ticket_payload(ticket), store_id=store.pk)
    events.emit("message.created", events.message_payload(message), store_id=store.pk)
    if message.triage_status == Message.Triage.PENDING:
        from tickets.tasks import message_triage

        # Robust: with the broker down the message is stored all the same, and the request must
        # not fail for it; beat's sweep queues its triage once the broker is back.
        transaction.on_commit(lambda: message_triage.delay(message.pk), robust=True)

    if ticket is not None and not created:
        _ticket_note_customer_message(ticket, message, now, reopen=not inbound.auto_submitted)
        ticket = ticket_apply_sla(ticket=ticket, now=now)
    if ticket is not None:
        broadcast.ticket_changed(
            ticket_id=ticket.pk, team_id=ticket.team_id, change="created" if created else "message"
        )
    return IngestResult(message, ticket, created_ticket=created, duplicate=False)


def _ticket_open(*, store: Store, inbound: InboundMessage, customer_id: int, now: dt.datetime) -> Ticket:
    subject = (
        inbound.subject.strip() or (inbound.display_text or inbound.text).strip().split("\n", 1)[0][:120]
    )
    order = None
    if inbound.order_number:
        order = Order.objects.filter(store=store, external_id=inbound.order_number.strip()).first()
    thread_id = inbound.thread_id[:200]
    if (
        thread_id
        and Ticket.objects.filter(store=store, channel=inbound.channel, external_thread_id=thread_id).exists()
    ):
        # The thread is another customer's conversation (find_ticket never joins across
        # customers): this message opens its own ticket, without taking the thread's id.
        logger.warning("thread %s/%s belongs to another customer", inbound.channel, thread_id)
        thread_id = ""
    ticket = Ticket(
        reference=new_reference(),
        store=store,
        customer_id=customer_id,
        channel=inbound.channel,
        external_thread_id=thread_id,
        subject=subject[:300],
        status=Ticket.Status.NEW,
        order=order,
        last_customer_message_at=now,
        created_at=now,
        updated_at=now,
    )
    ticket.full_clean(validate_unique=False, validate_constraints=False)
    ticket.save()
    TicketEvent.objects.create(
        ticket=ticket, kind=TicketEvent.Kind.CREATED, data={"channel": inbound.channel}, created_at=now
    )
    return ticket_apply_sla(ticket=ticket, now=now)


def _ticket_note_customer_message(
    ticket: Ticket, message: Message, now: dt.datetime, *, reopen: bool
) -> None:
    fields = ["last_customer_message_at", "version", "updated_at"]
    previous = ticket.status
    if reopen and ticket.status in REOPENED_BY_CUSTOMER:
        if ticket.status == Ticket.Status.SOLVED:
            ticket.solved_at = None
            ticket.reopened_count += 1
            fields += ["solved_at", "reopened_count"]
        ticket.status = Ticket.Status.OPEN
        fields.append("status")
    ticket.last_customer_message_at = now
    ticket.version += 1
    ticket.updated_at = now
    ticket.save(update_fields=fields)
    if ticket.status != previous:
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.STATUS,
            data={"from": previous, "to": ticket.status, "because": "customer wrote", "message": message.pk},
            created_at=now,
        )


def _store_attachments(message: Message, inbound: InboundMessage) -> None:
    limit = settings.ATTACHMENT_MAX_BYTES
    skipped = []
    for attachment in inbound.attachments:
        if len(attachment.payload) > limit:
            skipped.append(
                f"attachment {attachment.filename!r} ({len(attachment.payload)} bytes) is over the limit"
            )
            continue
        digest = hashlib.sha256(attachment.payload).hexdigest()
        stored = Attachment(
            message=message,
            filename=attachment.filename[:255],
            content_type=attachment.content_type[:150],
            size=len(attachment.payload),
            sha256=digest,
            content_id=attachment.content_id[:300],
            is_inline=attachment.is_inline,
        )
        if Attachment.objects.filter(message=message, sha256=digest, filename=stored.filename).exists():
            continue
        stored.file.save(
            attachment.filename[:100] or "attachment.bin", ContentFile(attachment.payload), save=False
        )
        stored.save()
    if skipped:
        message.warnings = [*message.warnings, *skipped]
        message.save(update_fields=["warnings"])


def new_reference() -> str:
    """A short reference agents can read out and customers can keep in a subject."""
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        if not Ticket.objects.filter(reference=reference).exists():
            return reference


def message_read_again(*, message: Message) -> IngestResult:
    """Read a kept, unprocessable e-mail again (say, after a parser fix).

    If it now reads, it replaces the kept copy and goes through the normal pipeline
    (threading, idempotency); if not, the kept copy stays with the new reason.
    """
    if not message.parse_error or message.raw is None:
        raise ApplicationError(_("Only unprocessable messages with their raw original can be read again."))
    mailbox = Mailbox.objects.filter(store_id=message.store_id).order_by("-is_active", "pk").first()
    if mailbox is None:
        raise ApplicationError(_("The store has no mailbox to read this message into."))
    raw = bytes(message.raw)
    with transaction.atomic():
        kept = Message.objects.select_for_update().get(pk=message.pk)
        try:
            inbound = inbound_from_email(
                raw=raw, store_id=kept.store_id, delivered_to=mailbox.address, external_id=kept.external_id
            )
        except MalformedEmail as error:
            reason = error.reason
        else:
            if inbound.sender_address:
                kept.delete()
                return message_ingest(inbound=inbound)
            reason = "The message has no sender address to answer."
        kept.parse_error = reason
        kept.save(update_fields=["parse_error"])
        return IngestResult(kept, None, created_ticket=False, duplicate=False, unprocessable=True)
