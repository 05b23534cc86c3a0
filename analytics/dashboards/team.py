"""Team performance: how fast teams and agents answer and solve, SLA attainment, reopens,
and per agent what they handled, wrote and how customers rated it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from analytics import ticket_selectors as selectors
from analytics.dashboards import Chart, Column, Dashboard, Dataset, Table
from analytics.dashboards.kpi_text import count_kpi, duration_kpi, percent_kpi
from analytics.dashboards.volume import rollup_note
from analytics.filters import DashboardFilters
from analytics.query_settings import dashboard_query_settings
from tickets.models import Team

HOUR = 3600.0


def _agent_names(ids: set[Any]) -> dict[Any, str]:
    users = get_user_model().objects.filter(pk__in=[pk for pk in ids if pk is not None])
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


def _team_names(ids: set[Any]) -> dict[Any, str]:
    return dict(Team.objects.filter(pk__in=[pk for pk in ids if pk is not None]).values_list("pk", "name"))


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / HOUR, 2)


def _performance_rows(
    responses: dict[Any, selectors.ResponseFigures],
    resolutions: dict[Any, selectors.ResolutionFigures],
    csat: dict[Any, selectors.Csat],
    names: dict[Any, str],
    nobody: str,
    replies: dict[Any, int] | None = None,
) -> list[dict[str, Any]]:
    rows = []
    keys = set(responses) | set(resolutions) | set(csat) | set(replies or {})
    for key in keys:
        response = responses.get(key)
        resolution = resolutions.get(key)
        rating = csat.get(key)
        row = {
            "name": names.get(key, nobody) if key is not None else nobody,
            "tickets": response.tickets if response else 0,
            "first_response_median": response.first_response.median if response else None,
            "first_response_p90": response.first_response.p90 if response else None,
            "sla_attainment": response.sla_attainment if response else None,
            "handled": resolution.solved if resolution else 0,
            "resolution_median": resolution.resolution.median if resolution else None,
            "resolution_p90": resolution.resolution.p90 if resolution else None,
            "reopen_rate": resolution.reopen_rate if resolution else None,
            "csat_average": rating.average if rating else None,
            "csat_responses": rating.responses if rating else 0,
        }
        if replies is not None:
            row["replies"] = replies.get(key, 0)
        rows.append(row)
    rows.sort(key=lambda row: (-row["handled"], -row["tickets"], row["name"]))
    return rows


def _columns(*, first: Column, per_agent: bool) -> list[Column]:
    columns = [
        first,
        Column("tickets", _("Tickets received"), numeric=True, format="int"),
        Column("handled", _("Solved"), numeric=True, format="int"),
    ]
    if per_agent:
        columns.append(Column("replies", _("Replies sent"), numeric=True, format="int"))
    return [
        *columns,
        Column("first_response_median", _("First response, median"), numeric=True, format="duration"),
        Column("first_response_p90", _("First response, p90"), numeric=True, format="duration"),
        Column("resolution_median", _("Resolution, median"), numeric=True, format="duration"),
        Column("resolution_p90", _("Resolution, p90"), numeric=True, format="duration"),
        Column("sla_attainment", _("SLA attainment"), numeric=True, format="percent"),
        Column("reopen_rate", _("Reopen rate"), numeric=True, format="percent"),
        Column("csat_average", _("CSAT (1–5)"), numeric=True, format="float1"),
        Column("csat_responses", _("CSAT answers"), numeric=True, format="int"),
    ]


def build(filters: DashboardFilters) -> Dashboard:
    with dashboard_query_settings():
        return _build(filters)


def _build(filters: DashboardFilters) -> Dashboard:
    previous = filters.previous_period()
    refreshed_at = selectors.rollup_refreshed_at()
    rollup = refreshed_at is not None
    now = selectors.team_performance(filters, rollup=rollup)
    before = selectors.team_performance(previous, rollup=rollup, groupings=(None,))
    overall = now.responses[None].get(None)
    overall_before = before.responses[None].get(None)
    solved = now.resolutions[None].get(None)
    solved_before = before.resolutions[None].get(None)
    csat = now.csat[None].get(None)
    csat_before = before.csat[None].get(None)

    team_names = _team_names(
        set(now.responses["team"]) | set(now.resolutions["team"]) | set(now.csat["team"])
    )
    team_rows = _performance_rows(
        now.responses["team"], now.resolutions["team"], now.csat["team"], team_names, _("No team")
    )
    agent_names = _agent_names(
        set(now.responses["agent"])
        | set(now.resolutions["agent"])
        | set(now.csat["agent"])
        | set(now.replies)
    )
    agent_rows = _performance_rows(
        now.responses["agent"],
        now.resolutions["agent"],
        now.csat["agent"],
        agent_names,
        _("Unassigned"),
        now.replies,
    )

    def attr(figures: Any, path: str) -> Any:
        for name in path.split("."):
            if figures is None:
                return None
            figures = getattr(figures, name)
        return figures

    kpis = [
        duration_kpi(
            _("First response, median"),
            attr(overall, "first_response.median"),
            attr(overall_before, "first_response.median"),
            hint=_(
                "Calendar time from the ticket's creation to its first answer, tickets created in the period."
            ),
        ),
        duration_kpi(
            _("First response, p90"),
            attr(overall, "first_response.p90"),
            attr(overall_before, "first_response.p90"),
        ),
        duration_kpi(
            _("Resolution, median"),
            attr(solved, "resolution.median"),
            attr(solved_before, "resolution.median"),
            hint=_("Calendar time from creation to solve, tickets solved in the period."),
        ),
        duration_kpi(
            _("Resolution, p90"), attr(solved, "resolution.p90"), attr(solved_before, "resolution.p90")
        ),
        percent_kpi(
            _("SLA attainment"),
            attr(overall, "sla_attainment"),
            attr(overall_before, "sla_attainment"),
            hint=_("Of the tickets with an SLA due time, the share that was never breached."),
            up_is_good=True,
        ),
        percent_kpi(
            _("Reopen rate"),
            attr(solved, "reopen_rate"),
            attr(solved_before, "reopen_rate"),
            hint=_("Of the tickets solved in the period, the share reopened at least once."),
            up_is_good=False,
        ),
        count_kpi(
            _("CSAT average"),
            attr(csat, "average"),
            attr(csat_before, "average"),
            hint=_("Satisfaction answers (1–5) received in the period."),
            up_is_good=True,
            digits=2,
        ),
    ]
    named_teams = [row for row in team_rows if row["tickets"] or row["handled"]]
    charts = [
        Chart(
            "team-response-times",
            _("First response by team (hours)"),
            "bar",
            [row["name"] for row in named_teams],
            [
                Dataset(_("Median"), [_hours(row["first_response_median"]) for row in named_teams]),
                Dataset(_("90th percentile"), [_hours(row["first_response_p90"]) for row in named_teams]),
            ],
            y_label=_("Hours"),
        ),
        Chart(
            "team-resolution-times",
            _("Resolution by team (hours)"),
            "bar",
            [row["name"] for row in named_teams],
            [
                Dataset(_("Median"), [_hours(row["resolution_median"]) for row in named_teams]),
                Dataset(_("90th percentile"), [_hours(row["resolution_p90"]) for row in named_teams]),
            ],
            y_label=_("Hours"),
        ),
        Chart(
            "team-sla",
            _("SLA attainment and reopen rate by team"),
            "bar",
            [row["name"] for row in named_teams],
            [
                Dataset(_("SLA attainment"), [row["sla_attainment"] for row in named_teams]),
                Dataset(_("Reopen rate"), [row["reopen_rate"] for row in named_teams]),
            ],
            percent=True,
        ),
    ]
    tables = [
        Table("by-team", _("By team"), _columns(first=Column("name", _("Team")), per_agent=False), team_rows),
        Table(
            "by-agent",
            _("Agent efficiency"),
            _columns(first=Column("name", _("Agent")), per_agent=True),
            agent_rows,
            note=_(
                "Solved: tickets solved in the period with the agent as assignee. Replies: messages the "
                "agent wrote to customers in the period. Handle time is not shown: the helpdesk records "
                "no working time per ticket, only message and status times."
            ),
        ),
    ]
    return Dashboard(
        title=_("Team performance"),
        kpis=kpis,
        charts=charts,
        tables=tables,
        notes=[
            *rollup_note(refreshed_at),
            _(
                "Times are calendar time between the ticket's recorded timestamps (first answer, solve) "
                "minus its creation, not the business-hours SLA clock. First response counts customer "
                "tickets created in the period; resolution and reopen rate count tickets solved in it. "
                "Tickets the system opened about a parcel anomaly are left out."
            ),
        ],
    )
