"""Team performance: response and resolution spreads, SLA, reopens, replies and CSAT."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
)

from analytics import histograms
from analytics.filters import DashboardFilters
from analytics.models import AgentDay
from analytics.ticket_selectors.common import (
    _messages,
    customer_tickets,
)
from analytics.ticket_selectors.percentiles import (
    FRACTIONS,
    Spread,
    _Percentiles,
    _Seconds,
    _seconds_between,
    _spreads_in_python,
)
from tickets.models import Message, Survey, SurveyResponse


@dataclass(frozen=True)
class ResponseFigures:
    tickets: int
    first_response: Spread
    with_due: int
    breached: int

    @property
    def sla_attainment(self) -> float | None:
        return (self.with_due - self.breached) / self.with_due if self.with_due else None


@dataclass(frozen=True)
class ResolutionFigures:
    solved: int
    resolution: Spread
    reopened: int

    @property
    def reopen_rate(self) -> float | None:
        return self.reopened / self.solved if self.solved else None


def percentiles_in_sql() -> bool:
    return connection.vendor == "postgresql"


def _grouped(
    queryset: QuerySet[Any],
    *,
    group: str | None,
    start: str,
    end: str,
    counts: dict[str, Aggregate],
) -> dict[Hashable, tuple[dict[str, int], Spread]]:
    """Counts and the spread of ``end - start`` per value of ``group`` (``None``: one overall row)."""
    if percentiles_in_sql():
        figures = {
            **counts,
            "timed": Count(end),
            "spread": _Percentiles(_Seconds(F(end), F(start)), FRACTIONS),
        }
        if group:
            rows: Iterable[dict[str, Any]] = (
                queryset.order_by().values(group).annotate(**figures).values(group, *figures)
            )
        else:
            row = queryset.order_by().aggregate(**figures)
            rows = [row] if row[next(iter(counts))] else []
        result = {}
        for row in rows:
            spread = row["spread"] or [None, None]
            result[row[group] if group else None] = (
                {name: row[name] or 0 for name in counts},
                Spread(row["timed"] or 0, spread[0], spread[1]),
            )
        return result
    by_key: dict[Hashable, dict[str, int]]
    if group:
        count_rows = queryset.order_by().values(group).annotate(**counts).values(group, *counts)
        by_key = {row[group]: {name: row[name] for name in counts} for row in count_rows}
    else:
        totals = queryset.order_by().aggregate(**counts)
        first = next(iter(counts))
        by_key = {None: {name: totals[name] or 0 for name in counts}} if totals[first] else {}
    durations = queryset.order_by().values_list(group or "pk", start, end)
    spreads = _spreads_in_python(
        ((key if group else None), _seconds_between(began, ended)) for key, began, ended in durations
    )
    return {key: (by_key[key], spreads.get(key, Spread())) for key in by_key}


def _due_q() -> Q:
    return (
        Q(first_response_due_at__isnull=False)
        | Q(resolution_due_at__isnull=False)
        | Q(sla_due_at__isnull=False)
        | Q(sla_breached=True)
    )


def response_figures(filters: DashboardFilters, *, group: str | None = None) -> dict[Any, ResponseFigures]:
    """Per ``group`` (team, assignee or ``None``), customer tickets created in the period: first
    response spread and SLA attainment (tickets with a due time that were not breached)."""
    grouped = _grouped(
        customer_tickets(filters.tickets()),
        group=group,
        start="created_at",
        end="first_responded_at",
        counts={
            "tickets": Count("id"),
            "with_due": Count("id", filter=_due_q()),
            "breached": Count("id", filter=_due_q() & Q(sla_breached=True)),
        },
    )
    return {
        key: ResponseFigures(counts["tickets"], spread, counts["with_due"], counts["breached"])
        for key, (counts, spread) in grouped.items()
    }


def resolution_figures(
    filters: DashboardFilters, *, group: str | None = None
) -> dict[Any, ResolutionFigures]:
    """Per ``group``, customer tickets solved in the period: resolution spread and how many had
    been reopened."""
    grouped = _grouped(
        customer_tickets(filters.tickets(date="solved_at")),
        group=group,
        start="created_at",
        end="solved_at",
        counts={"solved": Count("id"), "reopened": Count("id", filter=Q(reopened_count__gt=0))},
    )
    return {
        key: ResolutionFigures(counts["solved"], spread, counts["reopened"])
        for key, (counts, spread) in grouped.items()
    }


def replies_by_agent(filters: DashboardFilters) -> dict[int, int]:
    """Replies agents wrote to customers in the period (not automatic answers or notes)."""
    replies = _messages(
        filters,
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND, kind=Message.Kind.MESSAGE, author__isnull=False
        ),
    )
    return dict(replies.order_by().values_list("author").annotate(n=Count("id")))


@dataclass(frozen=True)
class Csat:
    responses: int
    average: float | None
    satisfied: int  # 4 or 5

    @property
    def satisfied_share(self) -> float | None:
        return self.satisfied / self.responses if self.responses else None


def csat_by(filters: DashboardFilters, *, group: str | None = None) -> dict[Any, Csat]:
    """CSAT answers (1–5) received in the period, per ``group`` ("agent", "team" or ``None``)."""

    responses = filters.apply(
        SurveyResponse.objects.filter(survey__kind=Survey.Kind.CSAT),
        date="responded_at",
        store="survey__ticket__store",
        channel="survey__ticket__channel",
        team="team",
        language="survey__ticket__language",
        country="survey__ticket__customer__country",
    )
    figures = {"n": Count("id"), "average": Avg("score"), "satisfied": Count("id", filter=Q(score__gte=4))}
    if group is None:
        row = responses.order_by().aggregate(**figures)
        return {None: Csat(row["n"], row["average"], row["satisfied"])} if row["n"] else {}
    rows = responses.order_by().values(group).annotate(**figures)
    return {row[group]: Csat(row["n"], row["average"], row["satisfied"]) for row in rows}


@dataclass(frozen=True)
class TeamPerformance:
    """The team dashboard's figures per grouping: ``None`` (everyone), "team" and "agent"."""

    responses: dict[str | None, dict[Any, ResponseFigures]]
    resolutions: dict[str | None, dict[Any, ResolutionFigures]]
    csat: dict[str | None, dict[Any, Csat]]
    replies: dict[Any, int]


GROUPINGS: tuple[str | None, ...] = (None, "team", "agent")


def team_performance(
    filters: DashboardFilters, *, rollup: bool = False, groupings: Sequence[str | None] = GROUPINGS
) -> TeamPerformance:
    """Response, resolution, SLA, reopen and CSAT figures, and replies per agent.

    From the daily rollup the percentiles come from histograms (within a few per cent of the
    exact ``percentile_cont``); live they are exact.
    """
    if rollup:
        return _team_performance_from_rollup(filters, groupings)
    ticket_field = {None: None, "team": "team", "agent": "assignee"}
    answer_field = {None: None, "team": "team", "agent": "agent"}
    return TeamPerformance(
        responses={group: response_figures(filters, group=ticket_field[group]) for group in groupings},
        resolutions={group: resolution_figures(filters, group=ticket_field[group]) for group in groupings},
        csat={group: csat_by(filters, group=answer_field[group]) for group in groupings},
        replies=replies_by_agent(filters) if "agent" in groupings else {},
    )


_AGENT_DAY_COUNTS = (
    "tickets",
    "with_due",
    "breached",
    "solved",
    "reopened",
    "replies",
    "csat_answers",
    "csat_total",
    "csat_satisfied",
)


_HISTOGRAMS = ("first_responses", "resolutions")


def _empty_agent_totals() -> dict[str, Any]:
    return {**dict.fromkeys(_AGENT_DAY_COUNTS, 0), **{name: {} for name in _HISTOGRAMS}}


def _agent_day_pairs(rows: QuerySet[AgentDay]) -> dict[tuple[int, int], dict[str, Any]]:
    """``rows`` summed per (team, agent): counts, and histograms merged bucket by bucket.

    On PostgreSQL the histograms are summed in SQL (jsonb_each_text): decoding thousands of
    small JSON documents in Python took seconds at the 1M-ticket scale.
    """
    pairs: dict[tuple[int, int], dict[str, Any]] = {}

    def pair(team_id: int, agent_id: int) -> dict[str, Any]:
        return pairs.setdefault((team_id, agent_id), _empty_agent_totals())

    if connection.vendor != "postgresql":
        for row in rows.values("team_id", "agent_id", *_HISTOGRAMS, *_AGENT_DAY_COUNTS):
            summed = pair(row["team_id"], row["agent_id"])
            for name in _AGENT_DAY_COUNTS:
                summed[name] += row[name]
            for name in _HISTOGRAMS:
                histograms.merge(summed[name], row[name])
        return pairs
    counts = rows.values("team_id", "agent_id").annotate(
        **{f"sum_{name}": Sum(name) for name in _AGENT_DAY_COUNTS}
    )
    for row in counts:
        summed = pair(row["team_id"], row["agent_id"])
        for name in _AGENT_DAY_COUNTS:
            summed[name] = row[f"sum_{name}"] or 0
    with connection.cursor() as cursor:
        for name in _HISTOGRAMS:
            sql, params = rows.values("team_id", "agent_id", name).query.sql_with_params()
            cursor.execute(
                f"SELECT d.team_id, d.agent_id, h.key::int, SUM(h.value::int) FROM ({sql}) d "
                f"CROSS JOIN LATERAL jsonb_each_text(d.{name}) h GROUP BY 1, 2, 3",
                params,
            )
            for team_id, agent_id, bucket, n in cursor.fetchall():
                pair(team_id, agent_id)[name][bucket] = n
    return pairs


def _team_performance_from_rollup(
    filters: DashboardFilters, groupings: Sequence[str | None]
) -> TeamPerformance:
    rows = filters.apply(
        AgentDay.objects.all(),
        date=None,
        store="store_id",
        channel="channel",
        team="team_id",
        language="language",
        country="country",
    ).filter(day__gte=filters.start, day__lte=filters.end)
    totals: dict[str | None, dict[Any, dict[str, Any]]] = {group: {} for group in groupings}
    for (team_id, agent_id), pair in _agent_day_pairs(rows.order_by()).items():
        for group in groupings:
            key = None if group is None else (team_id if group == "team" else agent_id) or None
            summed = totals[group].get(key)
            if summed is None:
                summed = totals[group][key] = _empty_agent_totals()
            for name in _AGENT_DAY_COUNTS:
                summed[name] += pair[name]
            for name in _HISTOGRAMS:
                for bucket, n in pair[name].items():
                    summed[name][bucket] = summed[name].get(bucket, 0) + n

    def spread(histogram: dict[int, int]) -> Spread:
        return Spread(
            sum(histogram.values()),
            histograms.percentile(histogram, 0.5),
            histograms.percentile(histogram, 0.9),
        )

    return TeamPerformance(
        responses={
            group: {
                key: ResponseFigures(t["tickets"], spread(t["first_responses"]), t["with_due"], t["breached"])
                for key, t in by_key.items()
                if t["tickets"]
            }
            for group, by_key in totals.items()
        },
        resolutions={
            group: {
                key: ResolutionFigures(t["solved"], spread(t["resolutions"]), t["reopened"])
                for key, t in by_key.items()
                if t["solved"]
            }
            for group, by_key in totals.items()
        },
        csat={
            group: {
                key: Csat(t["csat_answers"], t["csat_total"] / t["csat_answers"], t["csat_satisfied"])
                for key, t in by_key.items()
                if t["csat_answers"]
            }
            for group, by_key in totals.items()
        },
        replies={key: t["replies"] for key, t in totals.get("agent", {}).items() if t["replies"]},
    )
