"""Every non-trivial read of tickets, scoped to what the user may see."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import BooleanField, Case, DateTimeField, ExpressionWrapper, F, Q, QuerySet, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, Least

from customers.models import Store, Tag
from customers.selectors import store_list_for_user, tag_list
from helpdesk import broadcast
from helpdesk.access import Viewer, scope_to_user, visible_store_ids
from returns.portal.links import portal_url_for_order
from tickets.models import (
    OPEN_STATUSES,
    WRITTEN_AT_MAX_EARLIER,
    Attachment,
    Channel,
    Intent,
    Macro,
    Mailbox,
    Message,
    Priority,
    ReplyTemplate,
    ReplyTemplateVariant,
    Sentiment,
    SurveyResponse,
    Team,
    Ticket,
    TicketEvent,
)


def ticket_visible_to(*, user: Viewer) -> QuerySet[Ticket]:
    return scope_to_user(Ticket.objects.all(), user)


def ticket_get_for_agent(*, user: Viewer, ticket_id: int) -> Ticket:
    """A ticket the user may see; raises ``Ticket.DoesNotExist`` otherwise (same as missing)."""
    return (
        ticket_visible_to(user=user)
        .select_related("store", "customer", "team", "assignee", "order", "shipment__carrier")
        .get(pk=ticket_id)
    )


def ticket_is_visible(*, user: Viewer, ticket_id: int) -> bool:
    """Whether the user may open the ticket's page (the same scoping as ``ticket_get_for_agent``)."""
    return ticket_visible_to(user=user).filter(pk=ticket_id).exists()


# Below this many estimated matching messages, search gathers the matches and sorts them;
# above, it walks the inbox order and checks each ticket (see ``ticket_search``).
SEARCH_SEMI_JOIN_ROWS = 20_000


def _estimated_rows(sql: str, *params: str) -> int:
    """The planner's estimate of how many rows ``sql`` returns (from column statistics; no scan)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


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
        in_messages = (
            f"SELECT ticket_id FROM tickets_message WHERE ticket_id IS NOT NULL AND search @@ {tsquery}"
        )
        if _estimated_rows(in_messages, query) < SEARCH_SEMI_JOIN_ROWS:
            # A rare term: collect the few matching tickets, then sort them.
            matching = RawSQL(
                f"SELECT id FROM tickets_ticket WHERE search @@ {tsquery} UNION ALL {in_messages}",
                [query, query],
            )
            return queryset.filter(id__in=matching)
        # A common term: walk the inbox in its own order and stop at the first page of matches
        # (gathering hundreds of thousands of matches first took minutes at a million tickets).
        return queryset.filter(
            RawSQL(
                f"(tickets_ticket.search @@ {tsquery} OR EXISTS (SELECT 1 FROM tickets_message m "
                f"WHERE m.ticket_id = tickets_ticket.id AND m.search @@ {tsquery}))",
                [query, query],
                output_field=BooleanField(),
            )
        )
    matching_messages = Message.objects.filter(
        Q(body_text__icontains=query) | Q(subject__icontains=query), ticket__isnull=False
    ).values("ticket_id")
    return queryset.filter(
        Q(reference__iexact=query) | Q(subject__icontains=query) | Q(id__in=matching_messages)
    )


_SLUG = re.compile(r"^[-\w]{1,60}$", re.ASCII)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class InboxFilters:
    """The inbox's narrowing filters, each empty (or None) when not set.

    Built from request parameters by ``from_params``, which drops every value it cannot
    read (an unknown status, a store id that is not a number, …): a bad link shows the
    unfiltered list, never an error.
    """

    status: str = ""
    priority: int | None = None
    channel: str = ""
    store: int | None = None
    language: str = ""
    intent: str = ""
    sentiment: str = ""
    tag: str = ""
    country: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> InboxFilters:
        def text(name: str, limit: int = 60) -> str:
            value = params.get(name, "")
            value = value.strip() if isinstance(value, str) else ""
            return value if len(value) <= limit else ""  # too long to be any valid value

        def number(name: str) -> int | None:
            value = text(name, 12)
            return int(value) if value.isascii() and value.isdigit() else None

        priority = number("priority")
        language = text("language", 20).lower().replace("_", "-")
        country = text("country", 2).upper()
        return cls(
            status=text("status") if text("status") in Ticket.Status.values else "",
            priority=priority if priority in Priority.values else None,
            channel=text("channel") if text("channel") in Channel.values else "",
            store=number("store"),
            language=language if _LANGUAGE.match(language) else "",
            intent=text("intent") if text("intent") in Intent.values else "",
            sentiment=text("sentiment") if text("sentiment") in Sentiment.values else "",
            tag=text("tag") if _SLUG.match(text("tag")) else "",
            country=country if _COUNTRY.match(country) else "",
        )

    def is_empty(self) -> bool:
        return self == InboxFilters()

    def apply(self, tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
        exact = {
            "status": self.status,
            "priority": self.priority,
            "channel": self.channel,
            "store_id": self.store,
            "intent": self.intent,
            "sentiment": self.sentiment,
        }
        tickets = tickets.filter(**{field: value for field, value in exact.items() if value})
        if self.tag:
            # By id, not through a join on the slug: the planner then knows from the statistics
            # how rare the tag is (a join on a rare slug walked all million tickets).
            tag_id = Tag.objects.filter(slug=self.tag).values_list("pk", flat=True).first()
            tickets = tickets.filter(tags=tag_id) if tag_id is not None else tickets.none()
        if self.language:
            # "zh" also finds "zh-hans" and "zh-TW": agents think in languages, not tags.
            tickets = tickets.filter(
                Q(language__iexact=self.language) | Q(language__istartswith=f"{self.language}-")
            )
        if self.country:
            # The customer's country, or where the order was shipped to.
            tickets = tickets.filter(
                Q(customer__country=self.country) | Q(order__shipping_country=self.country)
            )
        return tickets


# How the inbox can be sorted; the first is the default.
INBOX_SORTS = ("priority", "due")


def ticket_inbox(
    *,
    user: Viewer,
    view: str = "all",
    query: str = "",
    filters: InboxFilters | None = None,
    sort: str = "priority",
) -> QuerySet[Ticket]:
    """The inbox list for one of the standard views, narrowed by ``filters``, most urgent
    first (``sort="priority"``) or soonest SLA deadline first (``sort="due"``)."""
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
    if filters is not None:
        tickets = filters.apply(tickets)
    tickets = ticket_search(queryset=tickets, query=query)
    order = DUE_ORDER if sort == "due" else INBOX_ORDER
    return tickets.select_related("store", "customer", "assignee", "team").order_by(*order)


# The inbox's order, matched by the partial indexes on Ticket: most urgent, soonest due
# (no deadline last, on every database), newest.
INBOX_ORDER = (F("priority").desc(), F("sla_due_at").asc(nulls_last=True), F("id").desc())
# Sorted by SLA due time: soonest deadline (no deadline last), most urgent, newest
# (index ticket_open_due_queue_idx).
DUE_ORDER = (F("sla_due_at").asc(nulls_last=True), F("priority").desc(), F("id").desc())


@dataclass(frozen=True)
class InboxPage:
    tickets: list[Ticket]
    next_cursor: str  # "" on the last page
    is_first: bool


def ticket_inbox_page(
    *,
    user: Viewer,
    view: str = "all",
    query: str = "",
    filters: InboxFilters | None = None,
    sort: str = "priority",
    after: str = "",
    size: int = 50,
) -> InboxPage:
    """One page of the inbox, continuing after ``after`` (a cursor from the previous page).

    Keyset pagination: the page is an index range scan however deep it is, and no
    COUNT(*) runs over a queue of a million tickets. Both sorts order by the same three
    columns (priority, SLA due time, id), so one cursor shape serves both.
    """
    tickets = ticket_inbox(user=user, view=view, query=query, filters=filters, sort=sort)
    position = _decode_cursor(after)
    if position is not None:
        tickets = tickets.filter(_after_by_due(*position) if sort == "due" else _after(*position))
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


def _after_by_due(priority: int, due: dt.datetime | None, ticket_id: int) -> Q:
    """Rows that sort after (due, priority, id) in DUE_ORDER."""
    same_due_after = Q(priority__lt=priority) | Q(priority=priority, id__lt=ticket_id)
    if due is None:
        return Q(sla_due_at__isnull=True) & same_due_after
    return Q(sla_due_at__gt=due) | Q(sla_due_at__isnull=True) | (Q(sla_due_at=due) & same_due_after)


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
    # In the order the messages were written, not the order they arrived: platforms and mail
    # servers retry and reorder, so a customer's earlier message can land after a later one.
    # The rule of ``Message.written_at``: never later than the arrival, and a sender's clock
    # moves a message at most WRITTEN_AT_MAX_EARLIER earlier.
    arrived = F("created_at")
    earliest = ExpressionWrapper(arrived - WRITTEN_AT_MAX_EARLIER, output_field=DateTimeField())
    written = Case(
        When(
            direction=Message.Direction.INBOUND,
            sent_at__isnull=False,
            then=Least(Greatest(F("sent_at"), earliest), arrived),
        ),
        default=arrived,
    )
    return (
        ticket.messages.select_related("author", "translation")
        .prefetch_related("attachments")
        .order_by(written, "id")
    )


def inbox_groups_for_user(*, user: User) -> list[str]:
    """The live-update groups an inbox subscribes to: every inbox for managers, else the stores
    the user may see (the same scoping as the list, so unrouted tickets are heard too)."""
    store_ids = visible_store_ids(user)
    if store_ids is None:
        return [broadcast.ALL_INBOXES, broadcast.SEASONS]
    return [broadcast.store_inbox_group(store_id) for store_id in sorted(store_ids)] + [broadcast.SEASONS]


# Live updates -----------------------------------------------------------------------------------

# How many rows one live request may ask for, and how many changes a resync patches in place
# before it tells the page to load the list again.
LIVE_ROWS_MAX = 100
LIVE_RESYNC_MAX = 200


@dataclass(frozen=True)
class LiveRows:
    tickets: list[Ticket]  # asked for and in the view, in inbox order
    removed: list[int]  # asked for, but not (or no longer) in the view, or not visible


def ticket_inbox_rows(*, inbox: QuerySet[Ticket], ticket_ids: Iterable[int]) -> LiveRows:
    """The rows of ``ticket_ids`` that belong in an inbox view.

    ``inbox`` is the view's queryset from ``ticket_inbox`` (already scoped to the user and
    filtered like the page), so a row the user may not see is never rendered: it is only
    reported as removed, which tells the page nothing it did not send.
    """
    ids = sorted(set(ticket_ids))[:LIVE_ROWS_MAX]
    tickets = list(inbox.filter(pk__in=ids)) if ids else []
    found = {ticket.pk for ticket in tickets}
    return LiveRows(tickets=tickets, removed=[ticket_id for ticket_id in ids if ticket_id not in found])


def ticket_changed_since(*, user: Viewer, since: dt.datetime, limit: int | None = None) -> list[int] | None:
    """Ids of the tickets ``user`` may see that changed at or after ``since``, oldest change
    first; ``None`` when more than ``limit`` did (the page reloads its list instead).

    A range scan on ``ticket_updated_idx``; every service that changes what an inbox shows
    moves ``updated_at`` (see ``helpdesk.broadcast.position_of``).
    """
    changed = (
        ticket_visible_to(user=user)
        .filter(updated_at__gte=since)
        .order_by("updated_at", "id")
        .values_list("id", flat=True)
    )
    limit = LIVE_RESYNC_MAX if limit is None else limit
    ids = list(changed[: limit + 1])
    return None if len(ids) > limit else ids


def ticket_conversation_since(
    *, ticket: Ticket, after_id: int, refresh_ids: Iterable[int] = ()
) -> QuerySet[Message]:
    """Messages of the ticket newer than ``after_id``, plus ``refresh_ids`` (a delivery status
    moved), for a ticket page that shows everything up to ``after_id``."""
    refresh = sorted(set(refresh_ids))[:LIVE_ROWS_MAX]
    return ticket_conversation(ticket=ticket).filter(Q(id__gt=after_id) | Q(id__in=refresh))


def mailbox_for_inbound_token(*, token: str) -> Mailbox | None:
    """The active mailbox a raw-MIME webhook token belongs to."""
    if not token or len(token) > 64:
        return None
    return Mailbox.objects.select_related("store").filter(inbound_token=token, is_active=True).first()


def mailboxes_due_for_poll(*, now: dt.datetime) -> QuerySet[Mailbox]:
    """Active IMAP mailboxes whose next poll is due (never polled counts as due)."""
    return (
        Mailbox.objects.filter(is_active=True)
        .exclude(imap_host="")
        .filter(Q(imap_next_poll_at__isnull=True) | Q(imap_next_poll_at__lte=now))
        .order_by("pk")
    )


PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Templates the self-service answers send (tickets.services.deflection); not offered to agents.
SELF_SERVICE_PREFIX = "self-service-"


@dataclass(frozen=True)
class RenderedTemplate:
    pk: int
    name: str
    body: str
    set_status: str


def reply_templates_for(*, ticket: Ticket, agent_name: str) -> list[RenderedTemplate]:
    """Active templates for the ticket's store, in the customer's language (else English),
    with placeholders filled from the ticket. Unknown placeholders stay as written.

    The self-service answers are left out: their placeholders (parcel status, refund state) are
    filled only by the automatic answer, so in the composer they would read half-empty."""
    language = ticket.language or "en"
    templates = (
        ReplyTemplate.objects.filter(is_active=True)
        .filter(Q(store__isnull=True) | Q(store_id=ticket.store_id))
        .exclude(slug__startswith=SELF_SERVICE_PREFIX)
        .prefetch_related("variants")
        .order_by("-usage_count", "name")
    )
    values = _placeholder_values(ticket, agent_name)
    rendered = []
    for template in templates:
        body = _render_variant(template, language, values)
        if body is not None:
            rendered.append(RenderedTemplate(template.pk, template.name, body, template.set_status))
    return rendered


def reply_templates_suggested(
    *, ticket: Ticket, limit: int = 3, agent_name: str = ""
) -> list[RenderedTemplate]:
    """The ``limit`` templates most likely to answer ``ticket``, rendered like the picker's.

    Ranked by: written for the ticket's intent; a variant in the customer's own language (not
    only the English fallback); the ticket's store's own template (over one for every store);
    how often agents used it; then name. Templates with neither variant are left out.
    """
    language = (ticket.language or "en").lower()
    primary = language.split("-")[0]
    templates = (
        ReplyTemplate.objects.filter(is_active=True)
        .filter(Q(store__isnull=True) | Q(store_id=ticket.store_id))
        .exclude(slug__startswith=SELF_SERVICE_PREFIX)
        .prefetch_related("variants")
    )
    ranked = []
    for template in templates:
        languages = {variant.language.lower() for variant in template.variants.all()}
        if not languages & {language, primary, "en"}:
            continue
        key = (
            bool(ticket.intent) and template.intent == ticket.intent,
            bool(languages & {language, primary}),
            template.store_id is not None,
            template.usage_count,
        )
        ranked.append((key, template))
    ranked.sort(key=lambda pair: (tuple(-int(part) for part in pair[0]), pair[1].name, pair[1].pk))
    values = _placeholder_values(ticket, agent_name)
    suggested = []
    for _key, template in ranked[:limit]:
        body = _render_variant(template, ticket.language or "en", values)
        if body is not None:
            suggested.append(RenderedTemplate(template.pk, template.name, body, template.set_status))
    return suggested


def reply_template_render(*, template: ReplyTemplate, ticket: Ticket, agent_name: str) -> str | None:
    """``template`` in the customer's language (else English) with placeholders filled from
    the ticket; ``None`` when it has neither variant."""
    return _render_variant(template, ticket.language or "en", _placeholder_values(ticket, agent_name))


def reply_placeholder_values(*, ticket: Ticket, agent_name: str) -> dict[str, str]:
    """What a template's placeholders are filled with for ``ticket``."""
    return _placeholder_values(ticket, agent_name)


def reply_template_variant(*, template: ReplyTemplate, language: str) -> ReplyTemplateVariant | None:
    """The template's variant in ``language`` (or its primary language), else English."""
    variants = {variant.language: variant for variant in template.variants.all()}
    return variants.get(language) or variants.get(language.split("-")[0]) or variants.get("en")


def placeholders_fill(*, body: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}``-style placeholders; unknown ones stay as written."""
    # A plain substitution, not str.format: templates are edited by people and must not reach attributes.
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), body)


def _placeholder_values(ticket: Ticket, agent_name: str) -> dict[str, str]:
    shipment = ticket.shipment
    return {
        "name": (ticket.customer.display_name or "").split(" ")[0],
        "order": ticket.order.external_id if ticket.order else "",
        "tracking": shipment.tracking_number if shipment else "",
        "tracking_url": shipment.tracking_url if shipment else "",
        # The returns portal: the ticket's order opened by a signed link, else the look-up.
        "return_url": portal_url_for_order(order_id=ticket.order_id, language=ticket.language),
        "agent": agent_name,
    }


def _render_variant(template: ReplyTemplate, language: str, values: dict[str, str]) -> str | None:
    variant = reply_template_variant(template=template, language=language)
    if variant is None:
        return None
    return placeholders_fill(body=variant.body, values=values)


# The inbox's filter bar and bulk actions, the ticket page --------------------------------------


@dataclass(frozen=True)
class InboxOptions:
    """What the filter bar and the bulk bar offer: only stores, and agents, the user may see."""

    stores: list[Store]
    tags: list[Tag]
    languages: list[str]
    assignees: list[User]  # empty unless the user may assign tickets to others


def inbox_options(*, user: User) -> InboxOptions:
    stores = list(store_list_for_user(user=user))
    covering = Team.objects.filter(stores__in=[store.pk for store in stores]).values("id")
    languages = {store.default_language for store in stores}
    for team_languages in Team.objects.filter(id__in=covering).values_list("languages", flat=True):
        languages.update(code for code in team_languages or [] if isinstance(code, str))
    assignees = (
        list(
            User.objects.filter(is_active=True, agent__teams__in=covering)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        if user.has_perm("tickets.assign_ticket")
        else []
    )
    return InboxOptions(
        stores=stores,
        tags=list(tag_list()),
        languages=sorted(code.lower() for code in languages if code),
        assignees=assignees,
    )


def ticket_assignee_choices(*, ticket: Ticket) -> QuerySet[User]:
    """The active agents of the ticket's team (and its lead); for a ticket no team has yet,
    the agents of the teams covering its store."""
    if ticket.team_id is not None:
        agents = Q(agent__teams=ticket.team_id) | Q(led_teams=ticket.team_id)
    else:
        agents = Q(agent__teams__stores=ticket.store_id)
    return (
        User.objects.filter(agents, is_active=True).distinct().order_by("first_name", "last_name", "username")
    )


def assignee_get(*, user_id: int) -> User | None:
    """An active user, as a possible assignee (the assignment service checks their team)."""
    return User.objects.filter(pk=user_id, is_active=True).first()


def ticket_merge_candidates(*, user: Viewer, ticket: Ticket, limit: int = 20) -> QuerySet[Ticket]:
    """Other tickets this one could be merged into: the same customer's, in the same store,
    not closed and not merged themselves, newest first."""
    return (
        ticket_visible_to(user=user)
        .filter(customer_id=ticket.customer_id, store_id=ticket.store_id, merged_into__isnull=True)
        .exclude(pk=ticket.pk)
        .exclude(status=Ticket.Status.CLOSED)
        .order_by("-created_at", "-id")[:limit]
    )


def macros_for(*, ticket: Ticket) -> QuerySet[Macro]:
    """The active macros of the ticket's store and team (and the ones for every store/team)."""
    team = (
        Q(team__isnull=True) if ticket.team_id is None else Q(team__isnull=True) | Q(team_id=ticket.team_id)
    )
    return (
        Macro.objects.filter(is_active=True)
        .filter(Q(store__isnull=True) | Q(store_id=ticket.store_id))
        .filter(team)
        .select_related("reply_template")
        .order_by("name", "id")
    )


def macro_get_for_ticket(*, ticket: Ticket, macro_id: int) -> Macro:
    """A macro that applies to ``ticket``; raises ``Macro.DoesNotExist`` otherwise."""
    return macros_for(ticket=ticket).get(pk=macro_id)


def attachment_get_for_agent(*, user: Viewer, attachment_id: int) -> Attachment:
    """An attachment of a message in a store the user may see; raises
    ``Attachment.DoesNotExist`` otherwise (the same as a missing one)."""
    return scope_to_user(Attachment.objects.all(), user, store_field="message__store").get(pk=attachment_id)


def ticket_message_get(*, ticket: Ticket, message_id: int) -> Message:
    """A message of ``ticket`` (fetched through a scoped selector); raises ``Message.DoesNotExist``."""
    return ticket.messages.get(pk=message_id)


# --- The chat widget (public: the visitor's signed token names the conversation) ------------

CHAT_HISTORY_LIMIT = 200


def chat_ticket(*, store_id: int, thread_id: str) -> Ticket | None:
    """The ticket of a chat conversation, or None before its first message."""
    return (
        Ticket.objects.filter(store_id=store_id, channel=Channel.CHAT, external_thread_id=thread_id)
        .only("id", "status", "merged_into_id", "external_thread_id")
        .first()
    )


def chat_history(*, ticket_id: int, after: int = 0) -> list[dict[str, object]]:
    """What the visitor may see of their conversation after message ``after``: their own
    messages and the replies delivered to them, never internal notes or queued drafts."""
    messages = (
        Message.objects.filter(ticket_id=ticket_id, pk__gt=max(after, 0))
        .filter(
            Q(direction=Message.Direction.INBOUND)
            | Q(direction=Message.Direction.OUTBOUND, delivery_status=Message.Delivery.SENT)
        )
        .only("id", "direction", "external_id", "sender_name", "body_text", "created_at")
        .order_by("id")[:CHAT_HISTORY_LIMIT]
    )
    return [broadcast.chat_message(message) for message in messages]


def intent_corrections() -> Iterator[tuple[str, str, str]]:
    """(text, subject, intent) of every message whose ticket's intent an agent corrected.

    The latest correction of a ticket wins; it labels the customer message it was made on
    (the event's ``message``), or the ticket's latest customer message for older events.
    ``nlp_train`` reads these through ``settings.NLP_CORRECTION_SOURCES``.
    """
    latest: dict[int, tuple[int | None, str]] = {}
    events = TicketEvent.objects.filter(kind=TicketEvent.Kind.INTENT_CORRECTED).order_by("created_at", "id")
    for ticket_id, data in events.values_list("ticket_id", "data").iterator():
        if isinstance(data, dict) and data.get("to"):
            latest[ticket_id] = (data.get("message"), str(data["to"]))
    for ticket_id, (message_id, intent) in latest.items():
        messages = Message.objects.filter(
            ticket_id=ticket_id, direction=Message.Direction.INBOUND, kind=Message.Kind.MESSAGE
        )
        if message_id:
            messages = messages.filter(pk=message_id)
        row = messages.order_by("-created_at", "-id").values_list("body_text", "subject").first()
        if row and row[0].strip():
            yield row[0], row[1], intent


def ticket_routing_rule_name(*, ticket: Ticket) -> str:
    """The routing rule that gave the ticket its current team ("" when a person or the
    language default did), as named when it routed."""
    event = (
        TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.TEAM)
        .order_by("-created_at", "-id")
        .values_list("data", flat=True)
        .first()
    )
    if not isinstance(event, dict) or event.get("how") != "rule" or event.get("to") != ticket.team_id:
        return ""
    return str(event.get("rule_name") or "")


# --- REST API reads (tickets/api.py) ----------------------------------------------------------


def ticket_messages_for_api(*, ticket: Ticket) -> QuerySet[Message]:
    """A ticket's messages with their translations and attachments (never the raw originals)."""
    return (
        Message.objects.filter(ticket=ticket)
        .select_related("translation")
        .prefetch_related("attachments")
        .defer("raw", "raw_payload")
        .order_by("id")
    )


def reply_templates_visible_to(*, user: Viewer) -> QuerySet[ReplyTemplate]:
    """Templates for every store, and those of the stores the user may see."""
    store_ids = visible_store_ids(user)
    templates = ReplyTemplate.objects.prefetch_related("variants", "add_tags")
    if store_ids is not None:
        templates = templates.filter(Q(store__isnull=True) | Q(store_id__in=store_ids))
    return templates.order_by("-id")


def survey_responses_visible_to(*, user: Viewer) -> QuerySet[SurveyResponse]:
    """Survey answers about tickets of the stores the user may see."""
    return scope_to_user(
        SurveyResponse.objects.select_related("survey__ticket"), user, store_field="survey__ticket__store"
    ).order_by("-id")
