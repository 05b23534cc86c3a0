"""A minimal dashboard (tickets per day and by channel) that the framework tests register for themselves."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.dashboards import Chart, Column, Dashboard, Dataset, Kpi, Table
from analytics.filters import DashboardFilters
from tickets.models import Channel


def build(filters: DashboardFilters) -> Dashboard:
    tickets = filters.tickets()
    per_day = dict(
        tickets.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
    )
    days = filters.day_list()
    channel_labels = dict(Channel.choices)
    by_channel = [
        {"channel": channel, "label": str(channel_labels.get(channel, channel)), "tickets": n}
        for channel, n in tickets.order_by().values_list("channel").annotate(n=Count("id")).order_by("-n")
    ]
    return Dashboard(
        title=_("Example"),
        kpis=[Kpi(_("Tickets"), f"{sum(per_day.values()):,}")],
        charts=[
            Chart(
                "per-day",
                _("Tickets per day"),
                "line",
                [day.isoformat() for day in days],
                [Dataset(_("Tickets"), [per_day.get(day, 0) for day in days])],
                wide=True,
            )
        ],
        tables=[
            Table(
                "by-channel",
                _("Tickets by channel"),
                [Column("label", _("Channel")), Column("tickets", _("Tickets"), numeric=True, format="int")],
                by_channel,
            )
        ],
    )
