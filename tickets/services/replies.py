"""Agent replies and internal notes, and delivering replies through the channel they came from."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import broadcast, events
from helpdesk.exceptions import ApplicationError
from helpdesk.platforms.base import ConnectorError
from tickets.models import Channel, Mailbox, Message, Ticket
from tickets.services.platform_delivery import (
    PLATFORM_CHANNELS,
    SendInProgress,
    platform_send,
    platform_send_for,
    send_lock_acquire,
    send_lock_release,
)
from tickets.services.sla import ticket_apply_sla
from tickets.services.status import ticket_set_status

# Channels answered by e-mail; marketplace channels need their platform connector; chat
# replies go to the visitor's open widget (and wait in the history for their next visit).
EMAIL_CHANNELS = {Channel.EMAIL, Channel.WEB_FORM}
MAX_REFERENCES = 20


class StaleTicket(ApplicationError):
    """Something new arrived on the ticket after the agent opened it: the reply is held."""


@dataclass(frozen=True)
class Delivery:
    sent: bool
    error: str = ""


@transaction.atomic
def message_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    seen_version: int | None = None,
    status_after: str = "",
) -> Message:
    """Write a reply (sent after commit) or an internal note (never leaves) on a ticket.

    ``seen_version`` is the ticket version the agent's page showed; if the ticket changed
    since (a customer message, another agent's reply), nothing is written and the agent
    is asked to look again.
    """
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    body = body.strip()
    if not body:
        raise ApplicationError(_("The reply is empty."))
    if ticket.status == Ticket.Status.CLOSED:
        raise ApplicationError(_("This ticket is closed; a new message from the customer opens a new one."))
    if seen_version is not None and seen_version != ticket.version:
        raise StaleTicket(
            _("Something new happened on this ticket since you opened it. Read it, then send again."),
            extra={"version": ticket.version},
        )
    now = timezone.now()
    if internal:
        message = Message.objects.create(
            ticket=ticket,
            store_id=ticket.store_id,
            channel=ticket.channel,
            direction=Message.Direction.INTERNAL,
            author=author,
            sender_name=author.get_full_name() or author.get_username(),
            body_text=body,
            body_display=body,
            triage_status=Message.Triage.SKIPPED,
            created_at=now,
        )
    else:
        message = Message.objects.create(
            ticket=ticket,
            store_id=ticket.store_id,
            channel=ticket.channel,
            external_id=_new_message_id(ticket),
            direction=Message.Direction.OUTBOUND,
            author=author,
            sender_name=author.get_full_name() or author.get_username(),
            recipients=[ticket.customer.email] if ticket.customer.email else [],
            subject=reply_subject(ticket),
            body_text=body,
            body_display=body,
            in_reply_to=_last_customer_message_id(ticket),
            references=" ".join(_thread_message_ids(ticket)),
            triage_status=Message.Triage.SKIPPED,
            delivery_status=Message.Delivery.QUEUED,
            created_at=now,
        )
        ticket.last_agent_message_at = now
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
        if ticket.channel == Channel.CHAT:
            # No network call to wait for: delivered by this process, so it is live at once.
            transaction.on_commit(lambda: message_deliver(message=message))
        else:
            from tickets.tasks import message_send

            transaction.on_commit(lambda: message_send.delay(message.pk), robust=True)
        events.emit("message.created", events.message_payload(message), store_id=ticket.store_id)
    ticket.version += 1
    ticket.updated_at = now
    ticket.save(update_fields=["last_agent_message_at", "first_responded_at", "version", "updated_at"])
    ticket = ticket_apply_sla(ticket=ticket, now=now)
    if status_after and status_after != ticket.status:
        ticket_set_status(ticket=ticket, status=status_after, actor=author)
    elif not internal and ticket.status == Ticket.Status.NEW:
        ticket_set_status(ticket=ticket, status=Ticket.Status.OPEN, actor=author)
    broadcast.ticket_changed(
        ticket_id=ticket.pk, team_id=ticket.team_id, change="reply" if not internal else "note"
    )
    return message


def message_deliver(*, message: Message) -> Delivery:
    """Send a queued reply. Safe to call twice: a sent message is not sent again.

    On a platform channel raises a retryable ``ConnectorError`` when the platform may take it
    later (the message stays queued); a final refusal marks it failed with the platform's reason.
    """
    if message.channel in PLATFORM_CHANNELS:
        return _platform_deliver(message)
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("ticket__customer", "store")
            .get(pk=message.pk)
        )
        if (
            message.direction != Message.Direction.OUTBOUND
            or message.delivery_status == Message.Delivery.SENT
        ):
            return Delivery(sent=message.delivery_status == Message.Delivery.SENT)
        if message.channel == Channel.CHAT and message.ticket_id:
            return _chat_deliver(message)
        if message.channel not in EMAIL_CHANNELS:
            return _delivery_failed(message, _not_configured(message))
        if not message.ticket or not message.ticket.customer.email:
            return _delivery_failed(message, _("The customer has no e-mail address to answer."))
        email = _email_for(message)
    # Outside the row lock: the SMTP conversation may be slow. A crash between sending
    # and recording means a retry could send again; mail servers drop the duplicate
    # by Message-ID, which is the same on every attempt.
    email.send(fail_silently=False)
    Message.objects.filter(pk=message.pk).update(
        delivery_status=Message.Delivery.SENT, delivery_error="", sent_at=timezone.now()
    )
    _broadcast_delivery(message)
    return Delivery(sent=True)


@transaction.atomic
def message_auto_reply(*, ticket: Ticket, subject: str, body: str) -> Message:
    """An automatic answer to the customer (a confirmation), sent by e-mail after commit.

    It is not an agent's response: SLA clocks, first response and the ticket version stay.
    The subject gets the ticket's ``[#REF]`` unless it has it already.
    """
    token = f"[#{ticket.reference}]"
    message = Message.objects.create(
        ticket=ticket,
        store_id=ticket.store_id,
        channel=ticket.channel,
        external_id=_new_message_id(ticket),
        direction=Message.Direction.OUTBOUND,
        kind=Message.Kind.AUTO_REPLY,
        sender_name=ticket.store.name,
        recipients=[ticket.customer.email] if ticket.customer.email else [],
        subject=(subject if token in subject else f"{subject} {token}")[:300],
        body_text=body,
        body_display=body,
        in_reply_to=_last_customer_message_id(ticket),
        references=" ".join(_thread_message_ids(ticket)),
        triage_status=Message.Triage.SKIPPED,
        delivery_status=Message.Delivery.QUEUED,
        created_at=timezone.now(),
    )
    from tickets.tasks import message_send

    transaction.on_commit(lambda: message_send.delay(message.pk), robust=True)
    return message


# A reply queued this long has outlived its task's own retries (30 s doubling to 8 min, about
# 16 min in all): its task was lost (the broker restarted empty, its worker was killed).
REQUEUE_QUEUED_AFTER = dt.timedelta(minutes=30)
REQUEUE_BATCH = 200


def replies_due_for_sending_again(*, now: dt.datetime | None = None, limit: int = REQUEUE_BATCH) -> list[int]:
    """Replies still queued ``REQUEUE_QUEUED_AFTER`` after they were written, oldest first, each
    returned at most once per that interval: the caller queues their sending again (a sent
    message is never sent twice by ``message_deliver``)."""
    now = now or timezone.now()
    waiting = (
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND,
            delivery_status=Message.Delivery.QUEUED,
            created_at__lt=now - REQUEUE_QUEUED_AFTER,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    interval = int(REQUEUE_QUEUED_AFTER.total_seconds())
    return [pk for pk in waiting if cache.add(f"reply-requeued:{pk}", 1, timeout=interval)]


def message_delivery_failed(*, message: Message, error: str) -> None:
    """Record that sending failed for good (after the task's retries); a sent message stays sent."""
    if not Message.objects.filter(pk=message.pk, delivery_status=Message.Delivery.SENT).exists():
        _delivery_failed(message, error)


def reply_subject(ticket: Ticket) -> str:
    subject = ticket.subject or _("Your message")
    token = f"[#{ticket.reference}]"
    prefixed = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    return (prefixed if token in prefixed else f"{prefixed} {token}")[:300]


def _email_for(message: Message) -> EmailMessage:
    ticket = message.ticket
    assert ticket is not None
    sender = _sender_address(ticket)
    local, _, domain = sender.partition("@")
    headers = {"Message-ID": message.external_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    store_name = ticket.store.name
    return EmailMessage(
        subject=message.subject,
        body=message.body_text,
        from_email=f"{store_name} <{sender}>",
        to=[ticket.customer.email],
        reply_to=[f"{store_name} <{local}+{ticket.reference}@{domain}>"] if domain else None,
        headers=headers,
    )


def _sender_address(ticket: Ticket) -> str:
    mailbox = Mailbox.objects.filter(store_id=ticket.store_id, is_active=True).order_by("pk").first()
    if mailbox is not None:
        return mailbox.address
    return ticket.store.support_email or settings.DEFAULT_FROM_EMAIL


def _new_message_id(ticket: Ticket) -> str:
    domain = _sender_address(ticket).rpartition("@")[2] or "helpdesk.invalid"
    return f"<{ticket.reference}.{secrets.token_hex(8)}@{domain}>"


def _last_customer_message_id(ticket: Ticket) -> str:
    last = (
        ticket.messages.filter(direction=Message.Direction.INBOUND)
        .exclude(external_id="")
        .order_by("-created_at", "-id")
        .values_list("external_id", flat=True)
        .first()
    )
    return last or ""


def _thread_message_ids(ticket: Ticket) -> list[str]:
    ids = list(
        ticket.messages.exclude(direction=Message.Direction.INTERNAL)
        .filter(external_id__startswith="<")
        .order_by("created_at", "id")
        .values_list("external_id", flat=True)
    )
    # Keep the first (the thread's root) and the most recent, as mail clients do.
    return ids if len(ids) <= MAX_REFERENCES else [ids[0], *ids[-(MAX_REFERENCES - 1) :]]


def _platform_deliver(message: Message) -> Delivery:
    """A reply on a marketplace or shop channel, through the store's connector (see
    ``tickets.services.platform_delivery``): one worker at a time, the call outside the row lock."""
    if not send_lock_acquire(message.pk):
        raise SendInProgress()
    try:
        with transaction.atomic():
            message = (
                Message.objects.select_for_update(of=("self",))
                .select_related("ticket__customer", "ticket__order", "store")
                .get(pk=message.pk)
            )
            if (
                message.direction != Message.Direction.OUTBOUND
                or message.delivery_status == Message.Delivery.SENT
            ):
                return Delivery(sent=message.delivery_status == Message.Delivery.SENT)
            send = platform_send_for(message=message)
            if send is None:
                return _delivery_failed(message, _not_configured(message))
        try:
            platform_send(message=message, send=send)
        except ConnectorError as error:
            if error.retryable:
                raise
            return _delivery_failed(message, error.message)
        _broadcast_delivery(message)
        return Delivery(sent=True)
    finally:
        send_lock_release(message.pk)


def _not_configured(message: Message) -> str:
    return _(
        "Replies on %(channel)s go through its platform connector, which is not configured for this store."
    ) % {"channel": message.get_channel_display()}


def _chat_deliver(message: Message) -> Delivery:
    """A chat reply is delivered by telling the conversation's open widgets, after commit."""
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(
        delivery_status=Message.Delivery.SENT, delivery_error="", sent_at=now
    )
    assert message.ticket_id is not None
    broadcast.chat_message_sent(ticket_id=message.ticket_id, message=broadcast.chat_message(message))
    _broadcast_delivery(message)
    return Delivery(sent=True)


def _delivery_failed(message: Message, error: str) -> Delivery:
    Message.objects.filter(pk=message.pk).update(
        delivery_status=Message.Delivery.FAILED, delivery_error=error[:500]
    )
    _broadcast_delivery(message)
    return Delivery(sent=False, error=error)


def _broadcast_delivery(message: Message) -> None:
    if message.ticket_id:
        broadcast.broadcast_on_commit(
            [broadcast.ticket_group(message.ticket_id)], {"kind": "message.delivery", "message": message.pk}
        )
