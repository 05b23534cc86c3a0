"""Automation: self-service answers, return decisions by the rules, machine translation."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Concat, TruncDate
from django.utils import timezone

from analytics.filters import DashboardFilters
from analytics.ticket_selectors.common import (
    _messages,
    _ticket_days,
    customer_tickets,
)
from returns.models import ReturnRequest
from tickets.models import Message


def customer_wrote_after_the_auto_answer() -> Q:
    """Tickets whose customer wrote again after an automatic answer.

    Uncorrelated on purpose: PostgreSQL hashes the (small) set of such tickets once instead of
    probing the messages of every ticket.
    """
    auto_answer_before = Message.objects.filter(
        ticket=OuterRef("ticket"), kind=Message.Kind.AUTO_REPLY, created_at__lt=OuterRef("created_at")
    )
    wrote_again = Message.objects.filter(
        direction=Message.Direction.INBOUND, ticket__auto_answered=True
    ).filter(Exists(auto_answer_before))
    return Q(pk__in=wrote_again.values("ticket_id"))


def has_translated_message() -> Q:
    """Tickets with a machine-translated customer message (uncorrelated, hashed once)."""
    translated = Message.objects.filter(direction=Message.Direction.INBOUND, translation__isnull=False)
    return Q(pk__in=translated.values("ticket_id"))


def self_service_by_day(filters: DashboardFilters, *, rollup: bool = False) -> dict[dt.date, dict[str, int]]:
    """Per day: customer tickets, those answered automatically, and of these the ones the
    customer came back on (wrote again after the automatic answer, or reopened)."""
    if rollup:
        summed = (
            _ticket_days(filters)
            .filter(proactive=False)
            .values("day")
            .annotate(tickets=Sum("created"), auto=Sum("auto_answered"), came_back=Sum("came_back"))
        )
        return {
            row["day"]: {key: row[key] or 0 for key in ("tickets", "auto", "came_back")} for row in summed
        }
    tz = timezone.get_current_timezone()
    auto = Q(auto_answered=True)
    rows = (
        customer_tickets(filters.tickets())
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(
            tickets=Count("id"),
            auto=Count("id", filter=auto),
            came_back=Count(
                "id", filter=auto & (Q(reopened_count__gt=0) | customer_wrote_after_the_auto_answer())
            ),
        )
    )
    return {row["day"]: {key: row[key] for key in ("tickets", "auto", "came_back")} for row in rows}


def returns_decisions(filters: DashboardFilters) -> dict[str, int]:
    """Returns requested in the period by who decided them.

    The rules' decision records no person (``decided_by`` empty, returns.services.requests);
    a lead deciding a return in review is recorded as ``decided_by``.
    """
    returns = filters.apply(
        ReturnRequest.objects.all(),
        date="requested_at",
        store="store",
        team="ticket__team",
        language="customer_language",
        country="customer__country",
    )
    decided_by_rules = Q(decided_at__isnull=False, decided_by__isnull=True)
    return returns.order_by().aggregate(
        total=Count("id"),
        auto_approved=Count("id", filter=decided_by_rules & ~Q(status=ReturnRequest.Status.REJECTED)),
        auto_rejected=Count("id", filter=decided_by_rules & Q(status=ReturnRequest.Status.REJECTED)),
        by_person=Count("id", filter=Q(decided_by__isnull=False)),
        undecided=Count("id", filter=Q(decided_at__isnull=True)),
    )


def foreign_language_q(language: str, working_language: str) -> Q:
    """Written in another language than the team works in ("zh" is not foreign to "zh-hans")."""
    return (
        ~Q(**{language: ""})
        & ~Q(**{language: F(working_language)})
        & ~Q(**{f"{working_language}__startswith": Concat(F(language), Value("-"))})
    )


def translations_by_day(filters: DashboardFilters, *, rollup: bool = False) -> dict[dt.date, dict[str, int]]:
    """Per day: customer messages in another language than their team's, and those translated."""
    if rollup:
        summed = (
            _ticket_days(filters)
            .values("day")
            .annotate(foreign=Sum("foreign_messages"), translated=Sum("translated_messages"))
        )
        return {
            row["day"]: {"foreign": row["foreign"] or 0, "translated": row["translated"] or 0}
            for row in summed
            if row["foreign"]
        }
    tz = timezone.get_current_timezone()
    foreign = _messages(
        filters, Message.objects.filter(direction=Message.Direction.INBOUND, ticket__team__isnull=False)
    ).filter(foreign_language_q("language", "ticket__team__working_language"))
    rows = (
        foreign.annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(foreign=Count("id"), translated=Count("id", filter=Q(translation__isnull=False)))
    )
    return {row["day"]: {"foreign": row["foreign"], "translated": row["translated"]} for row in rows}


def translated_tickets(filters: DashboardFilters, *, rollup: bool = False) -> dict[str, int]:
    """Customer tickets in another language than their team's, and those with a translated message."""
    if rollup:
        summed = (
            _ticket_days(filters)
            .filter(proactive=False)
            .aggregate(foreign=Sum("foreign_tickets"), translated=Sum("translated_tickets"))
        )
        return {"foreign": summed["foreign"] or 0, "translated": summed["translated"] or 0}
    foreign = customer_tickets(filters.tickets()).filter(
        Q(team__isnull=False) & foreign_language_q("language", "team__working_language")
    )
    return foreign.order_by().aggregate(
        foreign=Count("id"), translated=Count("id", filter=has_translated_message())
    )
