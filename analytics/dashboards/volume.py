"""Volume: how many tickets came in, when, through which channel, about what, from where,
how many are waiting, and how many tickets each order costs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from analytics import ticket_selectors as selectors
from analytics.dashboards import Chart, Column, Dashboard, Dataset, Table
from analytics.dashboards.kpi_text import count_kpi, percent_kpi
from analytics.filters import DashboardFilters
from analytics.query_settings import dashboard_query_settings
from customers.models import Platform
from tickets.models import Channel, Intent

# Up to this many days the tickets-over-time chart shows hours.
HOURLY_UP_TO_DAYS = 3
# Chinese is known to Django by script; detectors report "zh".
_LANGUAGE_ALIASES = {"zh": "zh-hans"}


def language_name(code: str) -> str:
    if not code:
        return _("Unknown")
    try:
        return str(get_language_info(_LANGUAGE_ALIASES.get(code, code))["name_translated"])
    except KeyError:
        return code


def _buckets(filters: DashboardFilters, *, hourly: bool) -> list[Any]:
    if not hourly:
        return filters.day_list()
    tz = timezone.get_current_timezone()
    first = filters.start_at
    hours = []
    at = first
    while at < filters.end_at:
        hours.append(at.astimezone(tz).replace(minute=0, second=0, microsecond=0))
        # Step in UTC so that a daylight-saving change neither repeats nor skips an hour.
        at = at + dt.timedelta(hours=1)
    return hours


def _bucket_label(bucket: Any, *, hourly: bool) -> str:
    return bucket.strftime("%Y-%m-%d %H:00") if hourly else bucket.isoformat()


def _over_time_chart(filters: DashboardFilters, hourly: bool, rollup: bool) -> tuple[Chart, dict[str, int]]:
    counts = selectors.tickets_per_bucket(filters, hourly=hourly, rollup=rollup)
    buckets = _buckets(filters, hourly=hourly)
    channel_labels = dict(Channel.choices)
    per_channel: dict[str, dict[Any, int]] = {}
    proactive: dict[Any, int] = {}
    for (bucket, channel, is_proactive), n in counts.items():
        if is_proactive:
            proactive[bucket] = proactive.get(bucket, 0) + n
        else:
            per_channel.setdefault(channel, {})[bucket] = n
    totals = {channel: sum(values.values()) for channel, values in per_channel.items()}
    datasets = [
        Dataset(
            str(channel_labels.get(channel, channel)),
            [per_channel[channel].get(bucket, 0) for bucket in buckets],
            {"stack": "customer"},
        )
        for channel in sorted(per_channel, key=lambda channel: -totals[channel])
    ]
    if proactive:
        datasets.append(
            Dataset(
                _("Proactive (parcel anomaly)"),
                [proactive.get(bucket, 0) for bucket in buckets],
                {"type": "line"},
            )
        )
    title = _("Tickets per hour by channel") if hourly else _("Tickets per day by channel")
    chart = Chart(
        "over-time",
        title,
        "stacked-bar",
        [_bucket_label(bucket, hourly=hourly) for bucket in buckets],
        datasets,
        wide=True,
        y_label=_("Tickets"),
    )
    return chart, totals


def _breakdown_table(key: str, title: str, label: str, rows: list[tuple[str, str, int]]) -> Table:
    total = sum(n for _code, _name, n in rows)
    return Table(
        key,
        title,
        [
            Column("code", _("Code")),
            Column("name", label),
            Column("tickets", _("Tickets"), numeric=True, format="int"),
            Column("share", _("Share"), numeric=True, format="percent"),
        ],
        [
            {"code": code, "name": name, "tickets": n, "share": n / total if total else None}
            for code, name, n in rows
        ],
    )


def rollup_values(refreshed_at: dt.datetime) -> dict[str, str]:
    """The values of a "these figures come from a rollup" note: when, and whose days."""
    return {"at": timezone.localtime(refreshed_at).strftime("%Y-%m-%d %H:%M"), "tz": settings.TIME_ZONE}


def rollup_note(refreshed_at: dt.datetime | None, *, hourly: bool = False) -> list[str]:
    if refreshed_at is None:
        return []
    values = rollup_values(refreshed_at)
    if hourly:
        return [
            _(
                "Hourly figures are counted live; the others come from the daily rollup (days in "
                "%(tz)s), refreshed every 10 minutes (last: %(at)s)."
            )
            % values
        ]
    return [
        _(
            "These figures come from the daily rollup (days in %(tz)s), refreshed every 10 minutes "
            "(last: %(at)s)."
        )
        % values
    ]


def build(filters: DashboardFilters) -> Dashboard:
    with dashboard_query_settings():
        return _build(filters)


def _build(filters: DashboardFilters) -> Dashboard:
    hourly = filters.days <= HOURLY_UP_TO_DAYS
    previous = filters.previous_period()
    refreshed_at = selectors.rollup_refreshed_at()
    rollup = refreshed_at is not None
    over_time, per_channel = _over_time_chart(filters, hourly, rollup)
    totals = selectors.ticket_totals(filters, rollup=rollup)
    previous_totals = selectors.ticket_totals(previous, rollup=rollup)
    # Distinct orders do not add up across days, so this one figure is counted live, and only
    # for the period shown (the slowest query of the page at 1M tickets).
    orders = selectors.tickets_per_order(filters)
    backlog = selectors.backlog_by_day(filters, rollup=rollup)

    intents = dict(Intent.choices)
    platforms = dict(Platform.choices)
    by_intent = [
        (code, str(intents.get(code, code)) if code else _("Not classified"), n)
        for code, n in selectors.customer_tickets_by(filters, "intent", rollup=rollup)
    ]
    by_language = [
        (code, language_name(code), n)
        for code, n in selectors.customer_tickets_by(filters, "language", rollup=rollup)
    ]
    by_country = [
        (code, code or _("Unknown"), n)
        for code, n in selectors.customer_tickets_by(filters, "customer__country", rollup=rollup)
    ]
    by_platform = [
        (code, str(platforms.get(code, code)), n)
        for code, n in selectors.customer_tickets_by(filters, "store__platform", rollup=rollup)
    ]

    customer = totals["customer"]
    kpis = [
        count_kpi(
            _("Customer tickets"),
            customer,
            previous_totals["customer"],
            hint=_("Tickets customers started in the period (proactive tickets not counted)."),
        ),
        count_kpi(
            _("Tickets per day"),
            customer / filters.days,
            previous_totals["customer"] / previous.days,
            digits=1,
        ),
        count_kpi(
            _("Proactive tickets"),
            totals["proactive"],
            previous_totals["proactive"],
            hint=_("Tickets the system opened itself about a parcel anomaly."),
        ),
        count_kpi(
            _("Open at the end of the period"),
            backlog[-1][1] if backlog else None,
            backlog[0][1] if backlog else None,
            hint=_(
                "Created and not solved by the end of the last day; compared with the end of the first day."
            ),
            up_is_good=False,
        ),
        count_kpi(
            _("Tickets per order"),
            orders.tickets_per_order,
            hint=_("Customer tickets about an order divided by the number of distinct orders."),
            up_is_good=False,
            digits=2,
            compare=False,
        ),
        percent_kpi(
            _("Orders with 2+ tickets"),
            orders.several_share,
            hint=_("Of the orders customers wrote about in the period, the share with two tickets or more."),
            up_is_good=False,
            compare=False,
        ),
    ]
    charts = [
        over_time,
        Chart(
            "backlog",
            _("Open tickets at the end of each day"),
            "line",
            [day.isoformat() for day, _n in backlog],
            [Dataset(_("Open tickets"), [n for _day, n in backlog])],
            wide=True,
            y_label=_("Tickets"),
        ),
        Chart(
            "by-intent",
            _("Tickets by intent"),
            "horizontal-bar",
            [name for _code, name, _n in by_intent],
            [Dataset(_("Tickets"), [n for _code, _name, n in by_intent])],
        ),
        Chart(
            "by-language",
            _("Tickets by language"),
            "doughnut",
            [name for _code, name, _n in by_language],
            [Dataset(_("Tickets"), [n for _code, _name, n in by_language])],
        ),
        Chart(
            "by-country",
            _("Tickets by destination country"),
            "bar",
            [name for _code, name, _n in by_country],
            [Dataset(_("Tickets"), [n for _code, _name, n in by_country])],
        ),
        Chart(
            "by-platform",
            _("Tickets by platform"),
            "doughnut",
            [name for _code, name, _n in by_platform],
            [Dataset(_("Tickets"), [n for _code, _name, n in by_platform])],
        ),
    ]
    channel_labels = dict(Channel.choices)
    tables = [
        _breakdown_table(
            "by-channel",
            _("Tickets by channel"),
            _("Channel"),
            [
                (code, str(channel_labels.get(code, code)), n)
                for code, n in sorted(per_channel.items(), key=lambda item: (-item[1], item[0]))
            ],
        ),
        _breakdown_table("by-intent", _("Tickets by intent"), _("Intent"), by_intent),
        _breakdown_table("by-language", _("Tickets by language"), _("Language"), by_language),
        _breakdown_table("by-country", _("Tickets by destination country"), _("Country"), by_country),
        _breakdown_table("by-platform", _("Tickets by platform"), _("Platform"), by_platform),
        Table(
            "backlog",
            _("Open tickets at the end of each day"),
            [Column("day", _("Day")), Column("open", _("Open tickets"), numeric=True, format="int")],
            [{"day": day, "open": n} for day, n in backlog],
        ),
    ]
    return Dashboard(
        title=_("Volume"),
        kpis=kpis,
        charts=charts,
        tables=tables,
        notes=[
            *rollup_note(refreshed_at, hourly=hourly),
            _(
                "Customer tickets leave out the tickets the system opens itself about parcel anomalies; "
                "the destination country is the customer's country."
            ),
            _(
                "Open tickets: created before the end of the day and not solved by then; a ticket "
                "reopened after a solve counts as open since it was created."
            ),
        ],
    )
