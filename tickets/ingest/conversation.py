"""Which conversation a new message belongs to.

In order of certainty: the platform's thread id; the e-mail's In-Reply-To and
References; the ticket reference in the subject ("[#K7Q2M9XD]") or in the reply
address ("support+K7Q2M9XD@…"); then the same customer writing about the same
subject within a window. A match is only accepted for the same customer, so one
customer's mail never lands in another customer's ticket.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from customers.models import Customer
from tickets.ingest.inbound import InboundMessage
from tickets.models import Message, Ticket

REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_REFERENCE = rf"(?:[{REFERENCE_ALPHABET}]{{8}}|D\d{{7}})"
SUBJECT_TOKEN = re.compile(rf"\[#({_REFERENCE})\]")
ADDRESS_TOKEN = re.compile(rf"\+({_REFERENCE})@", re.IGNORECASE)
# Reply and forward prefixes of the mail clients our customers use, in their languages.
REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|ref|rif|antw|odp|res|r|tr|wg|fw|fwd|enc|doorst|回复|回覆|答复|转发|轉寄|返信|転送)"
    r"\s*(?:\[\d+\])?\s*[:：]\s*)+",
    re.IGNORECASE,
)
SUBJECT_FALLBACK_WINDOW = dt.timedelta(days=14)


def normalise_subject(subject: str) -> str:
    without_tokens = SUBJECT_TOKEN.sub(" ", subject)
    previous = None
    while previous != without_tokens:
        previous, without_tokens = without_tokens, REPLY_PREFIX.sub("", without_tokens)
    return " ".join(without_tokens.split()).casefold()


def references_in(inbound: InboundMessage) -> list[str]:
    """Ticket references the customer's client carried in the subject or the reply address."""
    found = SUBJECT_TOKEN.findall(inbound.subject)
    for recipient in inbound.recipients:
        found += [token.upper() for token in ADDRESS_TOKEN.findall(recipient)]
    return found


def find_ticket(*, inbound: InboundMessage, customer: Customer) -> Ticket | None:
    """The open or solved conversation this message continues, or None for a new one.

    A ticket that was merged hands its answers on to the ticket it was merged into.
    """
    customers_tickets = Ticket.objects.filter(store_id=inbound.store_id, customer=customer)
    tickets = customers_tickets.filter(merged_into__isnull=True)
    if inbound.thread_id:
        by_thread = customers_tickets.filter(
            channel=inbound.channel, external_thread_id=inbound.thread_id
        ).first()
        if by_thread is not None:
            return _follow_merges(by_thread)
    message_ids = [mid for mid in (inbound.in_reply_to, *reversed(inbound.references)) if mid]
    if message_ids:
        replied_to = (
            Message.objects.filter(
                store_id=inbound.store_id, external_id__in=message_ids, ticket__isnull=False
            )
            .select_related("ticket")
            .order_by("-created_at")
        )
        for message in replied_to:
            if message.ticket is not None and message.ticket.customer_id == customer.pk:
                return _follow_merges(message.ticket)
    references = references_in(inbound)
    if references:
        by_reference = customers_tickets.filter(reference__in=references).order_by("-created_at").first()
        if by_reference is not None:
            return _follow_merges(by_reference)
    subject = normalise_subject(inbound.subject)
    if subject:
        recent = tickets.exclude(status=Ticket.Status.CLOSED).filter(
            updated_at__gte=timezone.now() - SUBJECT_FALLBACK_WINDOW
        )
        for candidate in recent.order_by("-updated_at")[:20]:
            if normalise_subject(candidate.subject) == subject:
                return candidate
    return None


def _follow_merges(ticket: Ticket) -> Ticket:
    seen = set()
    while ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket
