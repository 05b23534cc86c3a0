"""What the ticket dashboards share: proactive tickets left out of customer figures, the daily
rollup's rows under the viewer's filters, and the filters applied to messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import (
    Exists,
    Func,
    OuterRef,
    QuerySet,
)
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from analytics.filters import DashboardFilters
from analytics.models import IntentDay, RollupState, TicketDay
from tickets.models import Message, Ticket, TicketEvent
from tickets.services.proactive import SOURCE as PROACTIVE_SOURCE

# -- proactive tickets ---------------------------------------------------------------------------


def proactive_event() -> Exists:
    # The partial index analytics_proactive_ticket_idx (analytics migration 0001) keeps this cheap.
    return Exists(
        TicketEvent.objects.filter(
            ticket=OuterRef("pk"), kind=TicketEvent.Kind.CREATED, data__source=PROACTIVE_SOURCE
        )
    )


def customer_tickets(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Tickets a customer started: without the ones the system opened about a parcel anomaly."""
    return queryset.exclude(proactive_event())


def proactive_tickets(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Tickets the system opened itself about a parcel anomaly (tickets.services.proactive)."""
    return queryset.filter(proactive_event())


# -- the daily rollup ----------------------------------------------------------------------------


def rollup_refreshed_at() -> dt.datetime | None:
    """When the daily rollups were last refreshed; ``None``: never built (or built for another
    ``TIME_ZONE``), so count live. Their days are days in ``settings.TIME_ZONE`` whatever the
    viewer's time zone: the pages say so."""
    return (
        RollupState.objects.filter(
            name=RollupState.DAILY, refreshed_at__isnull=False, time_zone=settings.TIME_ZONE
        )
        .values_list("refreshed_at", flat=True)
        .first()
    )


def _ticket_days(
    filters: DashboardFilters, *, in_period: bool = True, model: type[TicketDay | IntentDay] = TicketDay
) -> QuerySet[Any]:
    rows = filters.apply(
        model.objects.all(),
        date=None,
        store="store_id",
        channel="channel",
        team="team_id",
        language="language",
        country="country",
    )
    if in_period:
        rows = rows.filter(day__gte=filters.start, day__lte=filters.end)
    return rows.order_by()


# The ticket fields the volume breakdowns use, as TicketDay columns.
_ROLLUP_FIELDS = {"intent": "intent", "language": "language", "customer__country": "country"}


def _messages(filters: DashboardFilters, queryset: QuerySet[Message]) -> QuerySet[Message]:
    return filters.apply(
        queryset.filter(ticket__isnull=False),
        date="created_at",
        store="store",
        channel="channel",
        team="ticket__team",
        language="ticket__language",
        country="ticket__customer__country",
    )


def _bucket(field: str, *, hourly: bool) -> Func:
    tz = timezone.get_current_timezone()
    return TruncHour(field, tzinfo=tz) if hourly else TruncDate(field, tzinfo=tz)
