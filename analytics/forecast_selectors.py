"""Reads for the volume forecast: hourly counts of customer tickets and the seasons around them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncHour

from analytics.filters import DashboardFilters
from analytics.forecast import HOUR, HourlySeries, SeasonWindow
from analytics.ticket_selectors import customer_tickets


def floor_hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def hourly_ticket_counts(
    *, filters: DashboardFilters, since: dt.datetime, until: dt.datetime
) -> HourlySeries:
    """Customer tickets created per UTC hour in [since, until), every filter but the period applied;
    hours without a ticket are zeros."""
    since, until = floor_hour(since), floor_hour(until)
    tickets = customer_tickets(filters.tickets(date=None)).filter(created_at__gte=since, created_at__lt=until)
    per_hour = dict(
        tickets.annotate(hour=TruncHour("created_at", tzinfo=dt.UTC))
        .order_by()
        .values_list("hour")
        .annotate(n=Count("id"))
    )
    # SQLite hands back naive datetimes (in UTC); PostgreSQL aware ones.
    counts = {
        (hour if hour.tzinfo else hour.replace(tzinfo=dt.UTC)).astimezone(dt.UTC): n
        for hour, n in per_hour.items()
    }
    size = int((until - since) // HOUR)
    return HourlySeries(since, tuple(counts.get(since + index * HOUR, 0) for index in range(size)))


def season_windows(
    *, filters: DashboardFilters, since: dt.datetime, until: dt.datetime
) -> list[SeasonWindow]:
    """The "during" phases of enabled rule sets that overlap [since, until) and cover the stores in view."""
    from helpdesk.models import SeasonalRuleSet

    rule_sets = SeasonalRuleSet.objects.filter(is_enabled=True, peak_until__gt=since, peak_from__lt=until)
    store_ids = filters.store_ids()
    if store_ids is not None:
        rule_sets = rule_sets.filter(Q(stores=None) | Q(stores__in=store_ids)).distinct()
    return [
        SeasonWindow(
            kind=rule_set.kind, name=rule_set.name, start=rule_set.peak_from, end=rule_set.peak_until
        )
        for rule_set in rule_sets.order_by("peak_from", "pk")
    ]
