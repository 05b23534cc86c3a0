"""Volume: tickets over time, their breakdowns, the backlog and tickets per order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Q,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.filters import DashboardFilters
from analytics.models import IntentDay, OrderTicketDay, RollupState
from analytics.ticket_selectors.common import (
    _ROLLUP_FIELDS,
    _bucket,
    _ticket_days,
    customer_tickets,
    proactive_event,
)
from customers.models import Store


def tickets_per_bucket(
    filters: DashboardFilters, *, hourly: bool, rollup: bool = False
) -> dict[tuple[Any, str, bool], int]:
    """Tickets created per (day or hour, channel, proactive?) in the period."""
    if rollup and not hourly:
        return {
            (day, channel, proactive): n
            for day, channel, proactive, n in _ticket_days(filters)
            .values_list("day", "channel", "proactive")
            .annotate(n=Sum("created"))
            if n
        }
    rows = (
        filters.tickets()
        .annotate(bucket=_bucket("created_at", hourly=hourly), proactive=proactive_event())
        .order_by()
        .values_list("bucket", "channel", "proactive")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[Any, str, bool], int] = {}
    for bucket, channel, proactive, n in rows:
        if hourly and isinstance(bucket, dt.datetime):
            bucket = timezone.localtime(bucket).replace(minute=0, second=0, microsecond=0)
        key = (bucket, channel, bool(proactive))
        counts[key] = counts.get(key, 0) + n
    return counts


def customer_tickets_by(
    filters: DashboardFilters, field: str, *, rollup: bool = False
) -> list[tuple[str, int]]:
    """Customer tickets in the period counted by ``field`` (intent, language, customer__country
    or store__platform)."""
    if rollup:
        rows = (
            _ticket_days(filters, model=IntentDay)
            if field == "intent"
            else _ticket_days(filters).filter(proactive=False)
        )
        if field == "store__platform":
            platform_of = dict(Store.objects.values_list("pk", "platform"))
            counts: dict[str, int] = {}
            for store_id, n in rows.values_list("store_id").annotate(n=Sum("created")):
                platform = platform_of.get(store_id, "")
                counts[platform] = counts.get(platform, 0) + (n or 0)
        else:
            column = _ROLLUP_FIELDS[field]
            counts = dict(rows.values_list(column).annotate(n=Sum("created")))
        return sorted(
            ((value or "", n) for value, n in counts.items() if n), key=lambda item: (-item[1], item[0])
        )
    rows = (
        customer_tickets(filters.tickets())
        .order_by()
        .values_list(field)
        .annotate(n=Count("id"))
        .order_by("-n", field)
    )
    return [(value or "", n) for value, n in rows]


@dataclass(frozen=True)
class OrderTickets:
    tickets_with_order: int
    orders: int
    orders_with_several: int

    @property
    def tickets_per_order(self) -> float | None:
        return self.tickets_with_order / self.orders if self.orders else None

    @property
    def several_share(self) -> float | None:
        return self.orders_with_several / self.orders if self.orders else None


def order_ticket_rollup_fresh() -> bool:
    """Whether ``OrderTicketDay`` has been counted for this ``TIME_ZONE``."""
    return RollupState.objects.filter(
        name=RollupState.ORDER_TICKETS, refreshed_at__isnull=False, time_zone=settings.TIME_ZONE
    ).exists()


def tickets_per_order(filters: DashboardFilters, *, rollup: bool | None = None) -> OrderTickets:
    """Customer tickets about an order per distinct order, and how many orders got 2+ tickets.

    ``OrderTicketDay`` answers when it is fresh and the filters are the order's own (dates,
    stores, the customer's country): a channel, team or language filter picks some of an order's
    tickets, which only a live count can tell apart."""
    if rollup is None:
        rollup = order_ticket_rollup_fresh()
    if rollup and not (filters.channel or filters.team_id is not None or filters.language):
        rows = filters.apply(
            OrderTicketDay.objects.filter(day__gte=filters.start, day__lte=filters.end),
            date=None,
            store="store_id",
            country="country",
        )
        summed = rows.aggregate(
            with_order=Sum("tickets"),
            orders=Sum("tickets", filter=Q(previous_day__lt=filters.start)),
            several=Sum(
                "tickets", filter=Q(previous_day__gte=filters.start, before_previous_day__lt=filters.start)
            ),
        )
        return OrderTickets(summed["with_order"] or 0, summed["orders"] or 0, summed["several"] or 0)
    per_order = (
        customer_tickets(filters.tickets())
        .filter(order__isnull=False)
        .order_by()
        .values("order")
        .annotate(n=Count("id"))
    )
    totals = per_order.aggregate(
        tickets=Sum("n"), orders=Count("order"), several=Count("order", filter=Q(n__gte=2))
    )
    return OrderTickets(totals["tickets"] or 0, totals["orders"] or 0, totals["several"] or 0)


def backlog_by_day(filters: DashboardFilters, *, rollup: bool = False) -> list[tuple[dt.date, int]]:
    """Tickets open at the end of each day: created before its end and not solved by then.

    Set-based: the backlog at the start of the period, plus tickets created minus tickets
    solved each day. A ticket reopened after a solve has no ``solved_at`` any more, so it
    counts as open since it was created (the ticket keeps no history of its solves).
    """
    if rollup:
        before = _ticket_days(filters, in_period=False).filter(day__lt=filters.start)
        totals = before.aggregate(created=Sum("created"), solved=Sum("solved"))
        opening = (totals["created"] or 0) - (totals["solved"] or 0)
        per_day = (
            _ticket_days(filters).values_list("day").annotate(created=Sum("created"), solved=Sum("solved"))
        )
        created = {day: n for day, n, _solved in per_day}
        solved = {day: n for day, _created, n in per_day}
        return _running_backlog(filters, opening, created, solved)
    start = filters.start_at
    every_ticket = filters.tickets(date=None)
    before = every_ticket.filter(created_at__lt=start).filter(
        Q(solved_at__isnull=True) | Q(solved_at__gte=start)
    )
    opening = before.count()
    tz = timezone.get_current_timezone()
    created = dict(
        filters.tickets()
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
    )
    solved = dict(
        filters.tickets(date="solved_at")
        .annotate(day=TruncDate("solved_at", tzinfo=tz))
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
    )
    return _running_backlog(filters, opening, created, solved)


def _running_backlog(
    filters: DashboardFilters, opening: int, created: dict[dt.date, int], solved: dict[dt.date, int]
) -> list[tuple[dt.date, int]]:
    backlog, open_now = [], opening
    for day in filters.day_list():
        open_now += created.get(day, 0) - solved.get(day, 0)
        backlog.append((day, open_now))
    return backlog


def ticket_totals(filters: DashboardFilters, *, rollup: bool = False) -> dict[str, int]:
    """Customer tickets and proactive tickets created in the period."""
    if rollup:
        summed = _ticket_days(filters).aggregate(
            customer=Sum("created", filter=Q(proactive=False)),
            proactive=Sum("created", filter=Q(proactive=True)),
        )
        return {"customer": summed["customer"] or 0, "proactive": summed["proactive"] or 0}
    return (
        filters.tickets()
        .order_by()
        .aggregate(
            customer=Count("id", filter=~Q(proactive_event())),
            proactive=Count("id", filter=Q(proactive_event())),
        )
    )
