"""One period's figures: customer tickets, response and resolution spreads, automation, returns, CSAT."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.filters import DashboardFilters
from analytics.report.windows import Window
from logistics.services.lanes import percentile_cont

PROACTIVE_SOURCE = "parcel_anomaly"  # tickets.services.proactive.SOURCE (not imported: analytics reads only)


class _PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass(frozen=True)
class Spread:
    """How long something took: count, median and 90th percentile in seconds."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


def duration_spreads(
    queryset: QuerySet[Any], *, start: str, end: str, group_by: Sequence[str] = ()
) -> dict[tuple[Any, ...], Spread]:
    """Median and p90 of ``end - start`` per group (key ``()`` without ``group_by``), rows with both set."""
    queryset = queryset.filter(**{f"{start}__isnull": False, f"{end}__isnull": False}).order_by()
    if connection.vendor == "postgresql":
        elapsed = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
        aggregates = {
            "_n": Count("pk"),
            "_median": _PercentileCont(elapsed, 0.5, output_field=DurationField()),
            "_p90": _PercentileCont(elapsed, 0.9, output_field=DurationField()),
        }
        # ``values()`` with no field would group by every column: one overall row is an aggregate.
        rows = (
            [queryset.aggregate(**aggregates)]
            if not group_by
            else queryset.values(*group_by).annotate(**aggregates)
        )
        return {
            tuple(row[name] for name in group_by): Spread(
                row["_n"], _seconds(row["_median"]), _seconds(row["_p90"])
            )
            for row in rows
            if row["_n"]
        }
    # SQLite has no percentile aggregate: the same interpolation in Python.
    values: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for *key, started, ended in queryset.values_list(*group_by, start, end):
        values[tuple(key)].append((ended - started).total_seconds())
    spreads = {}
    for key, seconds in values.items():
        seconds.sort()
        spreads[key] = Spread(len(seconds), percentile_cont(seconds, 0.5), percentile_cont(seconds, 0.9))
    return spreads


def _seconds(value: dt.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


# --- one period's figures -------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodFigures:
    days: float
    tickets: int  # customer tickets (proactive notices left out)
    proactive: int
    first_response: Spread
    resolution: Spread
    auto_answered: int
    returns: int
    returns_decided: int
    returns_auto_decided: int
    csat_average: float | None
    csat_responses: int
    intents: dict[str, int] = field(default_factory=dict)

    @property
    def per_day(self) -> float | None:
        return self.tickets / self.days if self.days > 0 else None

    @property
    def automation_rate(self) -> float | None:
        return ratio(self.auto_answered, self.tickets)

    @property
    def returns_auto_rate(self) -> float | None:
        return ratio(self.returns_auto_decided, self.returns_decided)

    @property
    def has_data(self) -> bool:
        return bool(self.tickets or self.proactive or self.returns)


def _proactive_marker() -> Exists:
    from tickets.models import TicketEvent

    return Exists(
        TicketEvent.objects.filter(
            ticket=OuterRef("pk"), kind=TicketEvent.Kind.CREATED, data__source=PROACTIVE_SOURCE
        )
    )


def customer_tickets(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Tickets customers opened; the shared selector once it exists, else the event subquery."""
    try:
        from analytics.ticket_selectors import customer_tickets as shared
    except ImportError:
        return queryset.exclude(_proactive_marker())
    return shared(queryset)


def tickets_in(scope: DashboardFilters, window: Window) -> QuerySet[Any]:
    return scope.tickets(date=None).filter(window.q("created_at"))


def _ticket_totals(customers: QuerySet[Any]) -> tuple[dict[str, int], Spread, Spread]:
    """Counts and both time spreads of ``customers``: one pass over the tickets on PostgreSQL."""
    counts = {"tickets": Count("pk"), "auto_answered": Count("pk", filter=Q(auto_answered=True))}
    if connection.vendor != "postgresql":
        totals = customers.aggregate(**counts)
        spreads = [
            duration_spreads(customers, start="created_at", end=end).get((), Spread())
            for end in ("first_responded_at", "solved_at")
        ]
        return totals, spreads[0], spreads[1]
    aggregates: dict[str, Any] = dict(counts)
    for name, end in (("first", "first_responded_at"), ("solved", "solved_at")):
        # percentile_cont skips NULLs: unanswered and unsolved tickets drop out of their spread.
        elapsed = ExpressionWrapper(F(end) - F("created_at"), output_field=DurationField())
        aggregates[f"{name}_n"] = Count(end)
        aggregates[f"{name}_median"] = _PercentileCont(elapsed, 0.5, output_field=DurationField())
        aggregates[f"{name}_p90"] = _PercentileCont(elapsed, 0.9, output_field=DurationField())
    row = customers.order_by().aggregate(**aggregates)
    first, solved = (
        Spread(row[f"{name}_n"], _seconds(row[f"{name}_median"]), _seconds(row[f"{name}_p90"]))
        for name in ("first", "solved")
    )
    return {"tickets": row["tickets"], "auto_answered": row["auto_answered"]}, first, solved


def period_figures(scope: DashboardFilters, window: Window) -> PeriodFigures:
    from returns.models import ReturnRequest
    from tickets.models import Survey, SurveyResponse

    everything = tickets_in(scope, window)
    customers = customer_tickets(everything)
    totals, first_response, resolution = _ticket_totals(customers)
    proactive = everything.count() - totals["tickets"]
    intents = dict(
        customers.exclude(intent="")
        .order_by()
        .values_list("intent")
        .annotate(n=Count("pk"))
        .values_list("intent", "n")
    )
    csat = scope.apply(
        SurveyResponse.objects.filter(survey__kind=Survey.Kind.CSAT),
        date=None,
        store="survey__ticket__store",
        channel="survey__ticket__channel",
        country="survey__ticket__customer__country",
    ).filter(window.q("survey__ticket__created_at"))
    csat_figures = csat.aggregate(average=Avg("score", output_field=FloatField()), n=Count("pk"))
    returns = scope.apply(
        ReturnRequest.objects.all(), date=None, store="store", country="customer__country"
    ).filter(window.q("requested_at"))
    return_figures = returns.aggregate(
        n=Count("pk"),
        decided=Count("pk", filter=Q(decided_at__isnull=False)),
        auto=Count("pk", filter=Q(decided_at__isnull=False, decided_by__isnull=True)),
    )
    return PeriodFigures(
        days=window.days,
        tickets=totals["tickets"],
        proactive=proactive,
        first_response=first_response,
        resolution=resolution,
        auto_answered=totals["auto_answered"],
        returns=return_figures["n"],
        returns_decided=return_figures["decided"],
        returns_auto_decided=return_figures["auto"],
        csat_average=csat_figures["average"],
        csat_responses=csat_figures["n"],
        intents=intents,
    )


def tickets_per_day(scope: DashboardFilters, window: Window) -> dict[dt.date, int]:
    rows = (
        customer_tickets(tickets_in(scope, window))
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    return dict(rows.values_list("day", "n"))
