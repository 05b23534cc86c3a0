"""Figures of the customers dashboard: satisfaction (CSAT, NPS), complaints by destination
country, and customer segments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, DateTimeField, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from analytics.filters import DashboardFilters
from analytics.models import AgentDay, OrderDay, SegmentDay
from analytics.returns_selectors import order_line_rollup_fresh
from analytics.ticket_selectors import customer_tickets
from analytics.ticket_selectors.common import rollup_refreshed_at
from customers.models import CustomerTag, Order
from customers.segments import AUTO_TAGS, COMPLAINT_INTENTS, RFM_SEGMENTS
from tickets.models import Survey, SurveyResponse, Ticket

WEEK, MONTH = "week", "month"
# Longer periods than this are shown per month: a year of weekly NPS points is mostly noise.
WEEKLY_UP_TO_DAYS = 183
CSAT_SATISFIED_FROM = 4  # 4 or 5 on the 1–5 scale
NPS_PROMOTER_FROM = 9  # 9–10
NPS_DETRACTOR_UP_TO = 6  # 0–6
NOT_SOLD = (Order.Status.PENDING, Order.Status.CANCELLED)


def bucket_size(filters: DashboardFilters) -> str:
    return WEEK if filters.days <= WEEKLY_UP_TO_DAYS else MONTH


def buckets(filters: DashboardFilters, size: str) -> list[dt.date]:
    """Every week (starting Monday) or month that overlaps the period, in order."""
    if size == WEEK:
        first = filters.start - dt.timedelta(days=filters.start.weekday())
        return [first + dt.timedelta(weeks=n) for n in range((filters.end - first).days // 7 + 1)]
    months = []
    month = filters.start.replace(day=1)
    while month <= filters.end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def truncate(size: str, field: str) -> TruncWeek | TruncMonth:
    function = TruncWeek if size == WEEK else TruncMonth
    return function(field, output_field=DateTimeField(), tzinfo=timezone.get_current_timezone())


def as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


# --- satisfaction ---------------------------------------------------------------------------


def survey_responses(filters: DashboardFilters, kind: str) -> QuerySet[SurveyResponse]:
    """Answers of one kind of survey given in the period, filtered through the surveyed ticket."""
    return filters.apply(
        SurveyResponse.objects.filter(survey__kind=kind),
        date="responded_at",
        store="survey__ticket__store",
        channel="survey__ticket__channel",
        team="survey__ticket__team",
        language="survey__ticket__language",
        country="survey__ticket__customer__country",
    )


def _bucket_of(day: dt.date, size: str) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if size == WEEK else day.replace(day=1)


def _csat_from_agent_days(filters: DashboardFilters, size: str) -> dict[dt.date, dict[str, int]]:
    days = filters.apply(
        AgentDay.objects.filter(day__gte=filters.start, day__lte=filters.end, csat_answers__gt=0),
        date=None,
        store="store_id",
        channel="channel",
        language="language",
        country="country",
    )
    per_bucket: dict[dt.date, dict[str, int]] = {}
    for day, answers, total, satisfied in (
        days.order_by()
        .values_list("day")
        .annotate(answers=Sum("csat_answers"), total=Sum("csat_total"), satisfied=Sum("csat_satisfied"))
    ):
        row = per_bucket.setdefault(_bucket_of(day, size), {"responses": 0, "score_sum": 0, "satisfied": 0})
        row["responses"] += answers or 0
        row["score_sum"] += total or 0
        row["satisfied"] += satisfied or 0
    return per_bucket


def csat_trend(filters: DashboardFilters, size: str, *, rollup: bool | None = None) -> list[dict[str, Any]]:
    """Per week or month: answers, average rating (1–5) and the share rating 4 or 5.

    Read from ``AgentDay``'s CSAT sums (days in ``TIME_ZONE``) once the rollups are built, unless
    a team is chosen: the rollup keeps the team the answer rated, the live count the ticket's
    team now."""
    if rollup is None:
        rollup = rollup_refreshed_at() is not None
    if rollup and filters.team_id is None:
        per_bucket = _csat_from_agent_days(filters, size)
    else:
        per_bucket = {
            as_date(row["bucket"]): row
            for row in survey_responses(filters, Survey.Kind.CSAT)
            .annotate(bucket=truncate(size, "responded_at"))
            .values("bucket")
            .order_by()
            .annotate(
                responses=Count("id"),
                score_sum=Sum("score"),
                satisfied=Count("id", filter=Q(score__gte=CSAT_SATISFIED_FROM)),
            )
        }
    rows = []
    for bucket in buckets(filters, size):
        row = per_bucket.get(bucket, {})
        responses = row.get("responses", 0)
        rows.append(
            {
                "period": bucket,
                "responses": responses,
                "score_sum": row.get("score_sum") or 0,
                "satisfied": row.get("satisfied", 0),
                "average": (row.get("score_sum") or 0) / responses if responses else None,
                "satisfied_share": row.get("satisfied", 0) / responses if responses else None,
            }
        )
    return rows


def nps_trend(filters: DashboardFilters, size: str) -> list[dict[str, Any]]:
    """Per week or month: answers, promoters (9–10), detractors (0–6) and NPS = % promoters − % detractors."""
    per_bucket = {
        as_date(row["bucket"]): row
        for row in survey_responses(filters, Survey.Kind.NPS)
        .annotate(bucket=truncate(size, "responded_at"))
        .values("bucket")
        .order_by()
        .annotate(
            responses=Count("id"),
            promoters=Count("id", filter=Q(score__gte=NPS_PROMOTER_FROM)),
            detractors=Count("id", filter=Q(score__lte=NPS_DETRACTOR_UP_TO)),
        )
    }
    rows = []
    for bucket in buckets(filters, size):
        row = per_bucket.get(bucket, {})
        responses, promoters, detractors = (
            row.get(name, 0) for name in ("responses", "promoters", "detractors")
        )
        rows.append(
            {
                "period": bucket,
                "responses": responses,
                "promoters": promoters,
                "detractors": detractors,
                "nps": nps(promoters, detractors, responses),
            }
        )
    return rows


def nps(promoters: int, detractors: int, responses: int) -> float | None:
    return 100 * (promoters - detractors) / responses if responses else None


# --- complaints by destination country -----------------------------------------------------------


def _from_order_days(filters: DashboardFilters) -> dict[str, dict[str, Any]]:
    """The same counts from the daily rollup ``OrderDay`` (days in ``settings.TIME_ZONE``)."""
    days = filters.apply(OrderDay.objects.all(), date=None, store="store_id", country="country")
    return {
        row["country"]: row
        for row in days.filter(day__gte=filters.start, day__lte=filters.end)
        .values("country")
        .order_by()
        .annotate(
            orders=Sum("orders"),
            complaints=Sum("complaints"),
            orders_with_complaint=Sum("orders_with_complaint"),
        )
    }


def complaints_by_country(filters: DashboardFilters, *, rollup: bool | None = None) -> list[dict[str, Any]]:
    """Per ship-to country: orders placed in the period, the complaint tickets about them, and
    complaints per order.

    Complaint = a customer's ticket with a complaint intent (the same list as the
    "frequent complainer" tag: not received, damaged, wrong, missing, not as described), linked to
    one of those orders; tickets the system opened itself (parcel notices) and merged duplicates
    are left out. Channel, team and language filters do not apply (orders have none).
    """
    if rollup is None:
        rollup = order_line_rollup_fresh()
    if rollup:
        return _sorted(list(_from_order_days(filters).values()))
    orders = filters.apply(
        Order.objects.exclude(status__in=NOT_SOLD),
        date="placed_at",
        store="store",
        country="shipping_country",
    )
    per_country: dict[str, dict[str, Any]] = {
        row["shipping_country"]: {"country": row["shipping_country"], "orders": row["orders"]}
        for row in orders.values("shipping_country").order_by().annotate(orders=Count("id"))
    }
    complaints = customer_tickets(
        filters.apply(
            # created_at ≥ the period's start is always true of a ticket about an order placed in
            # it, and lets the index on created_at skip the older tickets.
            Ticket.objects.filter(
                intent__in=COMPLAINT_INTENTS, merged_into__isnull=True, created_at__gte=filters.start_at
            ).exclude(order__status__in=NOT_SOLD),
            date="order__placed_at",
            store="order__store",
            country="order__shipping_country",
        )
    )
    for row in (
        complaints.values("order__shipping_country")
        .order_by()
        .annotate(tickets=Count("id"), orders_with=Count("order_id", distinct=True))
    ):
        entry = per_country.setdefault(
            row["order__shipping_country"], {"country": row["order__shipping_country"], "orders": 0}
        )
        entry["complaints"] = row["tickets"]
        entry["orders_with_complaint"] = row["orders_with"]
    return _sorted(list(per_country.values()))


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for entry in rows:
        entry.setdefault("complaints", 0)
        entry.setdefault("orders_with_complaint", 0)
        entry["complaints_per_order"] = entry["complaints"] / entry["orders"] if entry["orders"] else None
    rows.sort(key=lambda row: (-(row["complaints_per_order"] or 0), -row["orders"], row["country"]))
    return rows


# --- segments --------------------------------------------------------------------------------


def _memberships(filters: DashboardFilters) -> QuerySet[CustomerTag]:
    """Automatic tag memberships of customers who bought in the stores in view."""
    links = filters.apply(
        CustomerTag.objects.filter(tag__slug__in=list(AUTO_TAGS)),
        date=None,
        store=None,
        country="customer__country",
    )
    store_ids = filters.store_ids()
    if store_ids is not None:
        links = links.filter(
            Exists(Order.objects.filter(customer_id=OuterRef("customer_id"), store_id__in=store_ids))
        )
    return links


def segment_sizes(filters: DashboardFilters) -> list[dict[str, Any]]:
    """Current members of each RFM segment and automatic tag, and how many of them entered in the period."""
    counts = {
        row["tag__slug"]: row
        for row in _memberships(filters)
        .values("tag__slug")
        .order_by()
        .annotate(
            members=Count("id"),
            entered=Count("id", filter=Q(set_at__gte=filters.start_at, set_at__lt=filters.end_at)),
        )
    }
    rows = []
    for slug, (name, description) in AUTO_TAGS.items():
        row = counts.get(slug, {})
        rows.append(
            {
                "slug": slug,
                "name": name,
                "kind": "segment" if slug in RFM_SEGMENTS else "tag",
                "description": description,
                "members": row.get("members", 0),
                "entered": row.get("entered", 0),
            }
        )
    return rows


def segment_entries(filters: DashboardFilters, size: str) -> dict[str, list[int]]:
    """Per RFM segment, the current members who entered it in each week or month of the period.

    The nightly tagging keeps a membership's first date and deletes it when the customer leaves,
    so this counts entries that stuck, not every move.
    """
    periods = buckets(filters, size)
    series = {slug: [0] * len(periods) for slug in RFM_SEGMENTS}
    index = {period: position for position, period in enumerate(periods)}
    rows = (
        _memberships(filters)
        .filter(tag__slug__in=list(RFM_SEGMENTS), set_at__gte=filters.start_at, set_at__lt=filters.end_at)
        .annotate(bucket=truncate(size, "set_at"))
        .values("tag__slug", "bucket")
        .order_by()
        .annotate(n=Count("id"))
    )
    for row in rows:
        position = index.get(as_date(row["bucket"]))
        if position is not None:
            series[row["tag__slug"]][position] += row["n"]
    return series


def segment_history(filters: DashboardFilters, size: str) -> dict[str, list[int | None]]:
    """Per RFM segment, its members at the end of each week or month of the period (the last
    nightly snapshot in it, ``SegmentDay``); ``None`` where no snapshot was taken.

    With a store narrowing (a chosen store, a rule set, a lead's stores) a customer of two of the
    stores in view counts twice."""
    periods = buckets(filters, size)
    store_ids = filters.store_ids()
    days = filters.apply(
        SegmentDay.objects.filter(day__gte=filters.start, day__lte=filters.end, slug__in=list(RFM_SEGMENTS)),
        date=None,
        store=None,
        country="country",
    )
    days = (
        days.filter(store_id=SegmentDay.EVERY_STORE)
        if store_ids is None
        else days.filter(store_id__in=store_ids)
    )
    per_day: dict[dt.date, dict[str, int]] = {}
    for day, slug, members in days.order_by().values_list("day", "slug").annotate(n=Sum("members")):
        per_day.setdefault(day, {})[slug] = members
    last_in: dict[dt.date, dt.date] = {}
    for day in per_day:
        bucket = day - dt.timedelta(days=day.weekday()) if size == WEEK else day.replace(day=1)
        last_in[bucket] = max(day, last_in.get(bucket, day))
    return {
        slug: [per_day[last_in[period]].get(slug, 0) if period in last_in else None for period in periods]
        for slug in RFM_SEGMENTS
    }
