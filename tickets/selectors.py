"""Every non-trivial read of tickets, scoped to what the user may see."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL

from helpdesk import broadcast
from helpdesk.access import Viewer, scope_to_user, visible_store_ids
from tickets.models import OPEN_STATUSES, Mailbox, Message, ReplyTemplate, Team, Ticket


def ticket_visible_to(*, user: Viewer) -> QuerySet[Ticket]:
    return scope_to_user(Ticket.objects.all(), user)


def ticket_get_for_agent(*, user: Viewer, ticket_id: int) -> Ticket:
    """A ticket the user may see; raises ``Ticket.DoesNotExist`` otherwise (same as missing)."""
    return (
        ticket_visible_to(user=user)
        .select_related("store", "customer", "team", "assignee", "order", "shipment__carrier")
        .get(pk=ticket_id)
    )


def ticket_search(*, queryset: QuerySet[Ticket], query: str) -> QuerySet[Ticket]:
    """Tickets whose reference, subject or any message matches ``query``.

    PostgreSQL uses the generated tsvector columns (GIN-indexed, see migration
    tickets 0002); other databases fall back to case-insensitive substring matching.
    """
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        tsquery = "websearch_to_tsquery('simple', %s)"
        in_ticket = RawSQL(f"SELECT id FROM tickets_ticket WHERE search @@ {tsquery}", [query])
        in_message = RawSQL(
            f"SELECT ticket_id FROM tickets_message WHERE ticket_id IS NOT NULL AND search @@ {tsquery}",
            [query],
        )
        return queryset.filter(Q(id__in=in_ticket) | Q(id__in=in_message))
    matching_messages = Message.objects.filter(
        Q(body_text__icontains=query) | Q(subject__icontains=query), ticket__isnull=False
    ).values("ticket_id")
    return queryset.filter(
        Q(reference__iexact=query) | Q(subject__icontains=query) | Q(id__in=matching_messages)
    )


def ticket_inbox(*, user: Viewer, view: str = "all", query: str = "") -> QuerySet[Ticket]:
    """The inbox list for one of the standard views, most urgent first."""
    if not isinstance(user, User):
        return Ticket.objects.none()
    tickets = ticket_visible_to(user=user)
    if view == "mine":
        tickets = tickets.filter(assignee=user, status__in=OPEN_STATUSES)
    elif view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True, status__in=OPEN_STATUSES)
    elif view == "my_team":
        tickets = tickets.filter(team__members__user=user, status__in=OPEN_STATUSES)
    elif view == "overdue":
        tickets = tickets.filter(sla_breached=True, status__in=OPEN_STATUSES)
    elif view == "waiting":
        tickets = tickets.filter(status=Ticket.Status.PENDING)
    elif view == "open":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    tickets = ticket_search(queryset=tickets, query=query)
    return tickets.select_related("store", "customer", "assignee", "team").order_by(*INBOX_ORDER)


# The inbox's order, matched by the partial indexes on Ticket: most urgent, soonest due
# (no deadline last, on every database), newest.
INBOX_ORDER = (F("priority").desc(), F("sla_due_at").asc(nulls_last=True), F("id").desc())


@dataclass(frozen=True)
class InboxPage:
    tickets: list[Ticket]
    next_cursor: str  # "" on the last page
    is_first: bool


def ticket_inbox_page(
    *, user: Viewer, view: str = "all", query: str = "", after: str = "", size: int = 50
) -> InboxPage:
    """One page of the inbox, continuing after ``after`` (a cursor from the previous page).

    Keyset pagination: the page is an index range scan however deep it is, and no
    COUNT(*) runs over a queue of a million tickets.
    """
    tickets = ticket_inbox(user=user, view=view, query=query)
    position = _decode_cursor(after)
    if position is not None:
        tickets = tickets.filter(_after(*position))
    rows = list(tickets[: size + 1])
    next_cursor = _encode_cursor(rows[size - 1]) if len(rows) > size else ""
    return InboxPage(tickets=rows[:size], next_cursor=next_cursor, is_first=position is None)


def _after(priority: int, due: dt.datetime | None, ticket_id: int) -> Q:
    """Rows that sort after (priority, due, id) in INBOX_ORDER."""
    if due is None:
        same_priority = Q(sla_due_at__isnull=True, id__lt=ticket_id)
    else:
        same_priority = (
            Q(sla_due_at__gt=due) | Q(sla_due_at__isnull=True) | Q(sla_due_at=due, id__lt=ticket_id)
        )
    # The leading bound lets the index scan start at this priority instead of the top.
    return Q(priority__lte=priority) & (Q(priority__lt=priority) | (Q(priority=priority) & same_priority))


def _encode_cursor(ticket: Ticket) -> str:
    due = ticket.sla_due_at.isoformat() if ticket.sla_due_at else None
    payload = json.dumps([ticket.priority, due, ticket.pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, dt.datetime | None, int] | None:
    """The position a cursor names; None (the first page) for a missing or tampered one."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        priority, due, ticket_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        when = dt.datetime.fromisoformat(due) if due is not None else None
        if not isinstance(priority, int) or not isinstance(ticket_id, int):
            return None
    except (ValueError, TypeError):
        return None
    return priority, when, ticket_id


def ticket_conversation(*, ticket: Ticket) -> QuerySet[Message]:
    return (
        ticket.messages.select_related("author", "translation")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def inbox_groups_for_user(*, user: User) -> list[str]:
    """The live-update groups an inbox subscribes to: every inbox for managers, else own teams."""
    if visible_store_ids(user) is None:
        return [broadcast.ALL_INBOXES, broadcast.SEASONS]
    team_ids = Team.objects.filter(Q(members__user=user) | Q(lead=user)).values_list("id", flat=True)
    return [broadcast.inbox_group(team_id) for team_id in sorted(set(team_ids))] + [broadcast.SEASONS]


def mailbox_for_inbound_token(*, token: str) -> Mailbox | None:
    """The active mailbox a raw-MIME webhook token belongs to."""
    if not token or len(token) > 64:
        return None
    return Mailbox.objects.select_related("store").filter(inbound_token=token, is_active=True).first()


PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class RenderedTemplate:
    pk: int
    name: str
    body: str
    set_status: str


def reply_templates_for(*, ticket: Ticket, agent_name: str) -> list[RenderedTemplate]:
    """Active templates for the ticket's store, in the customer's language (else English),
    with placeholders filled from the ticket. Unknown placeholders stay as written."""
    language = ticket.language or "en"
    templates = (
        ReplyTemplate.objects.filter(is_active=True)
        .filter(Q(store__isnull=True) | Q(store_id=ticket.store_id))
        .prefetch_related("variants")
        .order_by("-usage_count", "name")
    )
    shipment = ticket.shipment
    values = {
        "name": (ticket.customer.display_name or "").split(" ")[0],
        "order": ticket.order.external_id if ticket.order else "",
        "tracking": shipment.tracking_number if shipment else "",
        "tracking_url": shipment.tracking_url if shipment else "",
        "return_url": settings.HELPDESK_PUBLIC_URL.rstrip("/") + "/returns/",
        "agent": agent_name,
    }
    rendered = []
    for template in templates:
        variants = {variant.language: variant for variant in template.variants.all()}
        variant = variants.get(language) or variants.get("en")
        if variant is None:
            continue
        # A plain substitution, not str.format: templates are edited by people and must not reach attributes.
        body = PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), variant.body)
        rendered.append(RenderedTemplate(template.pk, template.name, body, template.set_status))
    return rendered
