"""Reads for the volume, team and automation dashboards: one aggregate query per figure.

Every function takes the viewer's ``DashboardFilters`` and answers in plain Python values, so
the dashboard modules only arrange them. Percentiles are PostgreSQL's ``percentile_cont``
(linear interpolation) computed in SQL; other databases (the SQLite test run) fetch the
durations and interpolate the same way in Python.

Durations are calendar time between the ticket's recorded timestamps (``first_responded_at``,
``solved_at`` minus ``created_at``), not the business-hours SLA clock.

The reads live in one module per dashboard; this package re-exports them, so callers import
``analytics.ticket_selectors`` (``customer_tickets`` is shared with the other dashboards).
"""

from analytics.ticket_selectors.automation import (
    customer_wrote_after_the_auto_answer,
    foreign_language_q,
    has_translated_message,
    returns_decisions,
    self_service_by_day,
    translated_tickets,
    translations_by_day,
)
from analytics.ticket_selectors.common import (
    PROACTIVE_SOURCE,
    customer_tickets,
    proactive_event,
    proactive_tickets,
    rollup_refreshed_at,
)
from analytics.ticket_selectors.percentiles import Spread, percentile_cont
from analytics.ticket_selectors.team import (
    GROUPINGS,
    Csat,
    ResolutionFigures,
    ResponseFigures,
    TeamPerformance,
    csat_by,
    percentiles_in_sql,
    replies_by_agent,
    resolution_figures,
    response_figures,
    team_performance,
)
from analytics.ticket_selectors.volume import (
    OrderTickets,
    backlog_by_day,
    customer_tickets_by,
    ticket_totals,
    tickets_per_bucket,
    tickets_per_order,
)

__all__ = [
    "GROUPINGS",
    "PROACTIVE_SOURCE",
    "Csat",
    "OrderTickets",
    "ResolutionFigures",
    "ResponseFigures",
    "Spread",
    "TeamPerformance",
    "backlog_by_day",
    "csat_by",
    "customer_tickets",
    "customer_tickets_by",
    "customer_wrote_after_the_auto_answer",
    "foreign_language_q",
    "has_translated_message",
    "percentile_cont",
    "percentiles_in_sql",
    "proactive_event",
    "proactive_tickets",
    "replies_by_agent",
    "resolution_figures",
    "response_figures",
    "returns_decisions",
    "rollup_refreshed_at",
    "self_service_by_day",
    "team_performance",
    "ticket_totals",
    "tickets_per_bucket",
    "tickets_per_order",
    "translated_tickets",
    "translations_by_day",
]
