"""Writes of the analytics app: refreshing the rollup tables the dashboards read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics import histograms
from analytics.models import (
    NO_EARLIER_TICKET,
    AgentDay,
    IntentDay,
    OrderDay,
    OrderLineDay,
    OrderTicketDay,
    ReturnLineDay,
    RollupState,
    SegmentDay,
    TicketDay,
)
from analytics.returns_selectors import NOT_SOLD, PRODUCT_COMPLAINT_INTENTS, returned_line_rows
from analytics.rollup_refresh import (
    BATCH_SIZE,
    RefreshWindow,
    rollup_rows_replace,
    rollup_time_zone,
    rollups_refresh_in_turn,
)
from analytics.ticket_selectors import (
    PROACTIVE_SOURCE,
    customer_tickets,
    customer_wrote_after_the_auto_answer,
    foreign_language_q,
    has_translated_message,
    proactive_event,
)
from customers.models import Order, OrderLine
from customers.segments import COMPLAINT_INTENTS
from tickets.models import Message, Survey, SurveyResponse, Ticket, TicketEvent

# Dimensions of a TicketDay row, in the order of its unique key.
_DIMENSIONS = ("day", "store_id", "channel", "team_id", "language", "country", "proactive")
_INTENT_DIMENSIONS = ("day", "store_id", "channel", "team_id", "language", "country", "intent")
_AGENT_DIMENSIONS = ("day", "store_id", "channel", "team_id", "language", "country", "agent_id")
_COUNTS = (
    "created",
    "solved",
    "auto_answered",
    "came_back",
    "foreign_tickets",
    "translated_tickets",
    "foreign_messages",
    "translated_messages",
)


def _key(row: dict[str, Any], prefix: str = "") -> tuple[Any, ...]:
    return (
        row["day"],
        row[f"{prefix}store_id"],
        row[f"{prefix}channel"],
        row[f"{prefix}team_id"] or 0,
        row[f"{prefix}language"] or "",
        row[f"{prefix}customer__country"] or "",
        bool(row["proactive"]),
    )


def _ticket_dimensions(prefix: str = "", *, intent: bool = False) -> list[str]:
    names = [
        "store_id",
        "channel",
        "team_id",
        "language",
        "customer__country",
        *(["intent"] if intent else []),
    ]
    return [f"{prefix}{name}" for name in names]


def _created_counts(since: dt.datetime | None, tz: dt.tzinfo) -> list[dict[str, Any]]:
    tickets = Ticket.objects.all() if since is None else Ticket.objects.filter(created_at__gte=since)
    auto = Q(auto_answered=True)
    foreign = Q(team__isnull=False) & foreign_language_q("language", "team__working_language")
    # Aggregates named after a ticket field would shadow it in the other aggregates' filters.
    rows = (
        tickets.annotate(day=TruncDate("created_at", tzinfo=tz), proactive=proactive_event())
        .order_by()
        .values("day", *_ticket_dimensions(intent=True), "proactive")
        .annotate(
            n_created=Count("id"),
            n_auto_answered=Count("id", filter=auto),
            n_came_back=Count(
                "id", filter=auto & (Q(reopened_count__gt=0) | customer_wrote_after_the_auto_answer())
            ),
            n_foreign_tickets=Count("id", filter=foreign),
            n_translated_tickets=Count("id", filter=foreign & has_translated_message()),
        )
    )
    return [
        {
            **{name: value for name, value in row.items() if not name.startswith("n_")},
            **{name[2:]: value for name, value in row.items() if name.startswith("n_")},
        }
        for row in rows
    ]


def _solved_counts(since: dt.datetime | None, tz: dt.tzinfo) -> list[dict[str, Any]]:
    tickets = Ticket.objects.filter(solved_at__isnull=False)
    if since is not None:
        tickets = tickets.filter(solved_at__gte=since)
    return list(
        tickets.annotate(day=TruncDate("solved_at", tzinfo=tz), proactive=proactive_event())
        .order_by()
        .values("day", *_ticket_dimensions(), "proactive")
        .annotate(solved=Count("id"))
    )


def _message_counts(since: dt.datetime | None, tz: dt.tzinfo) -> list[dict[str, Any]]:
    messages = Message.objects.filter(
        direction=Message.Direction.INBOUND, ticket__isnull=False, ticket__team__isnull=False
    ).filter(foreign_language_q("language", "ticket__team__working_language"))
    if since is not None:
        messages = messages.filter(created_at__gte=since)
    proactive = Exists(
        TicketEvent.objects.filter(
            ticket=OuterRef("ticket_id"), kind=TicketEvent.Kind.CREATED, data__source=PROACTIVE_SOURCE
        )
    )
    return list(
        messages.annotate(day=TruncDate("created_at", tzinfo=tz), proactive=proactive)
        .order_by()
        .values("day", *_ticket_dimensions("ticket__"), "proactive")
        .annotate(
            foreign_messages=Count("id"),
            translated_messages=Count("id", filter=Q(translation__isnull=False)),
        )
    )


def _agent_row() -> dict[str, Any]:
    return {
        "tickets": 0,
        "with_due": 0,
        "breached": 0,
        "first_responses": {},
        "solved": 0,
        "reopened": 0,
        "resolutions": {},
        "replies": 0,
        "csat_answers": 0,
        "csat_total": 0,
        "csat_satisfied": 0,
    }


def _agent_days(since: dt.datetime | None, tz: dt.tzinfo) -> dict[tuple[Any, ...], dict[str, Any]]:
    """AgentDay rows, keyed by (day, store, channel, team, language, country, agent).

    Durations go into histograms one by one, streamed from the database (a few thousand
    tickets a day); the plain counts are grouped in SQL.
    """
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}

    def row(
        day: dt.date, store: int, channel: str, team: Any, language: Any, country: Any, agent: Any
    ) -> dict:
        key = (day, store, channel, team or 0, language or "", country or "", agent or 0)
        return rows.setdefault(key, _agent_row())

    dimensions = ("store_id", "channel", "team_id", "language", "customer__country", "assignee_id")
    customer = customer_tickets(Ticket.objects.all()).order_by()
    received = customer if since is None else customer.filter(created_at__gte=since)
    for day, *keys, created, responded, due1, due2, due3, breached in (
        received.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values_list(
            "day",
            *dimensions,
            "created_at",
            "first_responded_at",
            "first_response_due_at",
            "resolution_due_at",
            "sla_due_at",
            "sla_breached",
        )
        .iterator(chunk_size=5000)
    ):
        counts = row(day, *keys)
        counts["tickets"] += 1
        if due1 or due2 or due3 or breached:
            counts["with_due"] += 1
            counts["breached"] += int(breached)
        if responded is not None:
            histograms.add(counts["first_responses"], (responded - created).total_seconds())
    solved = customer.filter(solved_at__isnull=False)
    if since is not None:
        solved = solved.filter(solved_at__gte=since)
    for day, *keys, created, solved_at, reopened in (
        solved.annotate(day=TruncDate("solved_at", tzinfo=tz))
        .values_list("day", *dimensions, "created_at", "solved_at", "reopened_count")
        .iterator(chunk_size=5000)
    ):
        counts = row(day, *keys)
        counts["solved"] += 1
        counts["reopened"] += int(reopened > 0)
        histograms.add(counts["resolutions"], (solved_at - created).total_seconds())
    replies = Message.objects.filter(
        direction=Message.Direction.OUTBOUND,
        kind=Message.Kind.MESSAGE,
        author__isnull=False,
        ticket__isnull=False,
    )
    if since is not None:
        replies = replies.filter(created_at__gte=since)
    for day, *keys, n in (
        replies.annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by()
        .values_list("day", *(f"ticket__{name}" for name in dimensions[:-1]), "author_id")
        .annotate(n=Count("id"))
    ):
        row(day, *keys)["replies"] += n
    answers = SurveyResponse.objects.filter(survey__kind=Survey.Kind.CSAT)
    if since is not None:
        answers = answers.filter(responded_at__gte=since)
    ticket = "survey__ticket__"
    for day, store, channel, team, language, country, agent, n, total, satisfied in (
        answers.annotate(day=TruncDate("responded_at", tzinfo=tz))
        .order_by()
        .values_list(
            "day",
            f"{ticket}store_id",
            f"{ticket}channel",
            "team_id",
            f"{ticket}language",
            f"{ticket}customer__country",
            "agent_id",
        )
        .annotate(n=Count("id"), total=Sum("score"), satisfied=Count("id", filter=Q(score__gte=4)))
    ):
        counts = row(day, store, channel, team, language, country, agent)
        counts["csat_answers"] += n
        counts["csat_total"] += total or 0
        counts["csat_satisfied"] += satisfied
    return rows


@transaction.atomic
def rollups_refresh(*, days: int | None = 3, now: dt.datetime | None = None) -> int:
    """Recount ``TicketDay``, ``IntentDay`` and ``AgentDay``, then the order-line, order-ticket
    and return-line rollups, for the last ``days`` days (today included); ``None``: everything.

    Each rollup has its own state row, so that one whose table is newer than the others still
    gets a full first count; the first refresh (or one after ``TIME_ZONE`` changed) recounts
    everything, so that sums over all earlier days (the backlog) are right. Running it twice
    gives the same rows; concurrent runs wait for each other on the state rows. Returns the
    rows written.
    """
    return rollups_refresh_in_turn(
        (
            (RollupState.DAILY, _recount_ticket_days),
            (RollupState.ORDER_LINES, _recount_order_line_days),
            (RollupState.ORDER_TICKETS, _recount_order_ticket_days),
            (RollupState.RETURN_LINES, _recount_return_line_days),
        ),
        days=days,
        now=now,
    )


def _recount_ticket_days(window: RefreshWindow) -> int:
    """``TicketDay``, ``IntentDay`` and ``AgentDay`` of the window's days."""
    since, tz = window.since, window.tz
    created = _created_counts(since, tz)
    intent_rows: dict[tuple[Any, ...], int] = {}
    for row in created:
        if not row["proactive"]:
            key = (*_key(row)[:-1], row["intent"] or "")
            intent_rows[key] = intent_rows.get(key, 0) + row["created"]
    rows: dict[tuple[Any, ...], dict[str, int]] = {}
    for source, prefix in (
        (created, ""),
        (_solved_counts(since, tz), ""),
        (_message_counts(since, tz), "ticket__"),
    ):
        for row in source:
            counts = rows.setdefault(_key(row, prefix), dict.fromkeys(_COUNTS, 0))
            for name in _COUNTS:
                counts[name] += row.get(name, 0)

    agent_rows = _agent_days(since, tz)

    return (
        rollup_rows_replace(
            window.stale(TicketDay),
            [TicketDay(**dict(zip(_DIMENSIONS, key, strict=True)), **counts) for key, counts in rows.items()],
        )
        + rollup_rows_replace(
            window.stale(IntentDay),
            [
                IntentDay(**dict(zip(_INTENT_DIMENSIONS, key, strict=True)), created=n)
                for key, n in intent_rows.items()
            ],
        )
        + rollup_rows_replace(
            window.stale(AgentDay),
            [
                AgentDay(**dict(zip(_AGENT_DIMENSIONS, key, strict=True)), **counts)
                for key, counts in agent_rows.items()
            ],
        )
    )


def _recount_order_line_days(window: RefreshWindow) -> int:
    """``OrderLineDay`` and ``OrderDay`` of the orders placed in the window's days.

    A complaint about an older order is counted by the nightly full refresh.
    """
    tz = window.tz
    lines = OrderLine.objects.exclude(order__status__in=NOT_SOLD)
    if window.since is not None:
        lines = lines.filter(order__placed_at__gte=window.since)
    complained = Q(
        order_id__in=Ticket.objects.filter(
            intent__in=PRODUCT_COMPLAINT_INTENTS, merged_into__isnull=True, order_id__isnull=False
        ).values("order_id")
    )
    rows = (
        lines.annotate(day=TruncDate("order__placed_at", tzinfo=tz))
        .order_by()
        .values_list("day", "order__store_id", "order__shipping_country", "product_id", "sku")
        .annotate(units=Sum("quantity"), n=Count("id"), complained=Count("id", filter=complained))
    )
    new_rows = [
        OrderLineDay(
            day=day,
            store_id=store_id,
            country=country or "",
            product_id=product_id or 0,
            sku=sku,
            units_sold=units or 0,
            lines=n,
            complained_lines=complained_lines,
        )
        for day, store_id, country, product_id, sku, units, n, complained_lines in rows
    ]
    return rollup_rows_replace(window.stale(OrderLineDay), new_rows) + _recount_order_days(window)


def _recount_order_days(window: RefreshWindow) -> int:
    """``OrderDay`` of the orders placed in the window's days (under ``OrderLineDay``'s state)."""
    tz = window.tz
    orders = Order.objects.exclude(status__in=NOT_SOLD)
    if window.since is not None:
        orders = orders.filter(placed_at__gte=window.since)
    rows: dict[tuple[Any, ...], dict[str, int]] = {}
    for day, store_id, country, n in (
        orders.annotate(day=TruncDate("placed_at", tzinfo=tz))
        .order_by()
        .values_list("day", "store_id", "shipping_country")
        .annotate(n=Count("id"))
    ):
        rows[(day, store_id, country or "")] = {"orders": n, "complaints": 0, "orders_with_complaint": 0}
    complaints = customer_tickets(
        Ticket.objects.filter(
            intent__in=COMPLAINT_INTENTS, merged_into__isnull=True, order__in=orders, order__isnull=False
        )
    )
    for day, store_id, country, tickets, with_complaint in (
        complaints.annotate(day=TruncDate("order__placed_at", tzinfo=tz))
        .order_by()
        .values_list("day", "order__store_id", "order__shipping_country")
        .annotate(tickets=Count("id"), with_complaint=Count("order_id", distinct=True))
    ):
        counts = rows.setdefault(
            (day, store_id, country or ""), {"orders": 0, "complaints": 0, "orders_with_complaint": 0}
        )
        counts["complaints"] += tickets
        counts["orders_with_complaint"] += with_complaint
    return rollup_rows_replace(
        window.stale(OrderDay),
        [
            OrderDay(day=day, store_id=store_id, country=country, **counts)
            for (day, store_id, country), counts in rows.items()
        ],
    )


def _recount_order_ticket_days(window: RefreshWindow) -> int:
    """``OrderTicketDay`` of the tickets created in the window's days.

    A ticket's row depends only on the earlier tickets of its order, so new tickets never change
    older rows; the nightly full recount catches tickets moved to another order or deleted.
    """
    since_day = window.since_day
    tickets = customer_tickets(Ticket.objects.filter(order__isnull=False))
    if window.since is not None:
        tickets = tickets.filter(order_id__in=tickets.filter(created_at__gte=window.since).values("order_id"))
    counts: dict[tuple[Any, ...], int] = {}
    order_id = None
    previous = before_previous = NO_EARLIER_TICKET
    # Each order's tickets in turn, oldest first: the two days before each ticket's are at hand.
    for ticket_order_id, day, store_id, country in (
        tickets.annotate(day=TruncDate("created_at", tzinfo=window.tz))
        .order_by("order_id", "created_at", "id")
        .values_list("order_id", "day", "store_id", "customer__country")
        .iterator(chunk_size=20000)
    ):
        if ticket_order_id != order_id:
            order_id, previous, before_previous = ticket_order_id, NO_EARLIER_TICKET, NO_EARLIER_TICKET
        if since_day is None or day >= since_day:
            key = (day, store_id, country or "", previous, before_previous)
            counts[key] = counts.get(key, 0) + 1
        previous, before_previous = day, previous
    return rollup_rows_replace(
        window.stale(OrderTicketDay),
        [
            OrderTicketDay(
                day=day,
                store_id=store_id,
                country=country,
                previous_day=previous_day,
                before_previous_day=before_previous_day,
                tickets=n,
            )
            for (day, store_id, country, previous_day, before_previous_day), n in counts.items()
        ],
    )


def _recount_return_line_days(window: RefreshWindow) -> int:
    """``ReturnLineDay``: every day, or every day whose orders had a return requested or changed
    (decided, cancelled, expired) in the window or since the last refresh.

    Unlike the other rollups it rewrites only the rows whose counts changed (see below)."""
    from returns.models import ReturnRequest

    tz = window.tz
    lines = returned_line_rows().annotate(
        day=TruncDate("order_line__order__placed_at", tzinfo=tz),
        requested_day=TruncDate("return_request__requested_at", tzinfo=tz),
    )
    stale = ReturnLineDay.objects.all()
    since = window.changed_since
    if since is not None:
        touched = set(
            ReturnRequest.objects.filter(Q(updated_at__gte=since) | Q(requested_at__gte=since))
            .annotate(day=TruncDate("order__placed_at", tzinfo=tz))
            .order_by()
            .values_list("day", flat=True)
            .distinct()
        )
        touched.discard(None)
        lines = lines.filter(day__in=touched)
        stale = stale.filter(day__in=touched)
    rows = (
        lines.order_by()
        .values_list(
            "day",
            "order_line__order__store_id",
            "order_line__order__shipping_country",
            "order_line__product_id",
            "order_line__sku",
            "reason",
            "requested_day",
        )
        .annotate(units=Sum("quantity"), n=Count("id"))
    )
    counted = {
        (day, store_id, country or "", product_id or 0, sku, reason, requested_day): (units or 0, n)
        for day, store_id, country, product_id, sku, reason, requested_day, units, n in rows
    }
    # The table holds about a row per return line: rewrite only the rows whose counts changed.
    kept: dict[tuple[Any, ...], tuple[int, int]] = {}
    changed_ids: list[int] = []
    for (
        pk,
        day,
        store_id,
        country,
        product_id,
        sku,
        reason,
        requested_day,
        units,
        line_count,
    ) in stale.values_list(
        "pk", "day", "store_id", "country", "product_id", "sku", "reason", "requested_day", "units", "lines"
    ).iterator(chunk_size=20000):
        key = (day, store_id, country, product_id, sku, reason, requested_day)
        if counted.get(key) == (units, line_count):
            kept[key] = (units, line_count)
        else:
            changed_ids.append(pk)
    for start in range(0, len(changed_ids), BATCH_SIZE):
        ReturnLineDay.objects.filter(pk__in=changed_ids[start : start + BATCH_SIZE]).delete()
    written = [
        ReturnLineDay(
            day=day,
            store_id=store_id,
            country=country,
            product_id=product_id,
            sku=sku,
            reason=reason,
            requested_day=requested_day,
            units=units,
            lines=lines,
        )
        for (day, store_id, country, product_id, sku, reason, requested_day), (
            units,
            lines,
        ) in counted.items()
        if (day, store_id, country, product_id, sku, reason, requested_day) not in kept
    ]
    ReturnLineDay.objects.bulk_create(written, batch_size=BATCH_SIZE)
    return len(written)


@transaction.atomic
def segment_days_snapshot(*, now: dt.datetime | None = None) -> int:
    """Write today's ``SegmentDay`` rows from the current memberships (again: the same rows).

    Run by beat after the nightly tagging; returns the rows written."""
    from customers.models import CustomerTag
    from customers.segments import AUTO_TAGS

    day = timezone.localtime(now or timezone.now(), rollup_time_zone()).date()
    links = CustomerTag.objects.filter(tag__slug__in=list(AUTO_TAGS))
    counts: dict[tuple[int, str, str], int] = {}
    for slug, country, n in (
        links.order_by()
        .values_list("tag__slug", "customer__country")
        .annotate(n=Count("customer_id", distinct=True))
    ):
        counts[(SegmentDay.EVERY_STORE, country or "", slug)] = n
    for slug, country, store_id, n in (
        links.filter(customer__orders__isnull=False)
        .order_by()
        .values_list("tag__slug", "customer__country", "customer__orders__store_id")
        .annotate(n=Count("customer_id", distinct=True))
    ):
        counts[(store_id, country or "", slug)] = n
    SegmentDay.objects.filter(day=day).delete()
    SegmentDay.objects.bulk_create(
        [
            SegmentDay(day=day, store_id=store_id, country=country, slug=slug, members=n)
            for (store_id, country, slug), n in counts.items()
        ],
        batch_size=5000,
    )
    return len(counts)
