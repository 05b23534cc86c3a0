"""The team performance dashboard: response and resolution percentiles, SLA attainment, reopen
rate and the agent table, each checked against figures counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from analytics import histograms
from analytics.dashboards import team
from analytics.filters import DashboardFilters
from analytics.services import rollups_refresh
from analytics.ticket_selectors import team as team_selectors
from tests.factories import MessageFactory, SurveyFactory, SurveyResponseFactory, TicketFactory
from tickets.models import Message, Survey

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=4)
T = dt.datetime.combine(START, dt.time(8), tzinfo=timezone.get_current_timezone())
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def tickets(store_eu, store_us, team_eu, team_us, agent_eu, agent_us):
    due = T + 8 * HOUR
    eu = {
        "store": store_eu,
        "team": team_eu,
        "assignee": agent_eu,
        "created_at": T,
        "first_response_due_at": due,
    }
    a1 = TicketFactory(**eu, first_responded_at=T + HOUR, solved_at=T + 10 * HOUR, status="solved")
    a2 = TicketFactory(
        **eu,
        first_responded_at=T + 3 * HOUR,
        solved_at=T + 20 * HOUR,
        status="solved",
        sla_breached=True,
        reopened_count=1,
    )
    TicketFactory(**eu, first_responded_at=T + 2 * HOUR)  # a3: answered, still open
    b1 = TicketFactory(
        store=store_us,
        team=team_us,
        assignee=agent_us,
        created_at=T,
        first_responded_at=T + 4 * HOUR,
        solved_at=T + 4 * HOUR,
        status="solved",
    )
    TicketFactory(store=store_us, team=team_us, created_at=T)  # b2: nobody answered yet
    # Before the period: counted in no figure of this period.
    TicketFactory(
        store=store_eu,
        team=team_eu,
        assignee=agent_eu,
        created_at=T - 10 * 24 * HOUR,
        first_responded_at=T - 10 * 24 * HOUR + 50 * HOUR,
        solved_at=T - 5 * 24 * HOUR,
        status="solved",
    )
    for author, ticket in ((agent_eu, a1), (agent_eu, a2), (agent_us, b1)):
        MessageFactory(
            ticket=ticket, direction=Message.Direction.OUTBOUND, author=author, created_at=T + HOUR
        )
    MessageFactory(  # an automatic answer and a note are not replies
        ticket=a1,
        direction=Message.Direction.OUTBOUND,
        kind=Message.Kind.AUTO_REPLY,
        author=agent_eu,
        created_at=T + HOUR,
    )
    MessageFactory(ticket=a1, direction=Message.Direction.INTERNAL, author=agent_eu, created_at=T + HOUR)
    for ticket, score, agent, team_ in (
        (a1, 5, agent_eu, team_eu),
        (a2, 3, agent_eu, team_eu),
        (b1, 4, agent_us, team_us),
    ):
        SurveyResponseFactory(
            survey=SurveyFactory(ticket=ticket, status=Survey.Status.ANSWERED),
            score=score,
            agent=agent,
            team=team_,
            responded_at=T + 30 * HOUR,
        )


def _page(user):
    return team.build(DashboardFilters(user=user, start=START, end=TODAY))


def _kpis(page) -> dict[str, str]:
    return {str(kpi.label): kpi.value for kpi in page.kpis}


def test_headline_percentiles_sla_reopens_and_csat(manager, tickets):
    kpis = _kpis(_page(manager))
    # First responses 1, 2, 3, 4 h: median 2.5 h, p90 3 + 0.7 = 3.7 h.
    assert kpis["First response, median"] == "2.5 h"
    assert kpis["First response, p90"] == "3.7 h"
    # Solved in the period after 4, 10, 20 h: median 10 h, p90 10 + 0.8 × 10 = 18 h.
    assert kpis["Resolution, median"] == "10.0 h"
    assert kpis["Resolution, p90"] == "18.0 h"
    assert kpis["SLA attainment"] == "66.7 %"  # three with a due time, one breached
    assert kpis["Reopen rate"] == "33.3 %"
    assert kpis["CSAT average"] == "4.00"


def test_team_table(manager, team_eu, team_us, tickets):
    rows = {row["name"]: row for row in _page(manager).table("by-team").rows}
    eu, us = rows[team_eu.name], rows[team_us.name]
    assert (eu["tickets"], eu["handled"], us["tickets"], us["handled"]) == (3, 2, 2, 1)
    assert eu["first_response_median"] == pytest.approx(2 * 3600)
    assert eu["first_response_p90"] == pytest.approx(2.8 * 3600)
    assert us["first_response_median"] == pytest.approx(4 * 3600)
    assert eu["resolution_median"] == pytest.approx(15 * 3600)
    assert eu["sla_attainment"] == pytest.approx(2 / 3)
    assert us["sla_attainment"] is None  # no ticket with a due time
    assert eu["reopen_rate"] == pytest.approx(0.5)
    assert eu["csat_average"] == pytest.approx(4.0)


def test_agent_efficiency_table(manager, agent_eu, agent_us, tickets):
    rows = {row["name"]: row for row in _page(manager).table("by-agent").rows}
    mei = rows[agent_eu.get_full_name()]
    jun = rows[agent_us.get_full_name()]
    assert (mei["handled"], mei["replies"], mei["csat_average"], mei["csat_responses"]) == (2, 2, 4.0, 2)
    assert (jun["handled"], jun["replies"], jun["csat_average"]) == (1, 1, 4.0)
    assert mei["resolution_median"] == pytest.approx(15 * 3600)
    assert rows["Unassigned"]["tickets"] == 1


def test_the_same_percentiles_in_sql_and_in_python(manager, tickets, monkeypatch):
    expected = _page(manager).table("by-team").rows
    monkeypatch.setattr(team_selectors, "percentiles_in_sql", lambda: False)
    assert _page(manager).table("by-team").rows == expected


def test_the_rollup_gives_the_same_counts_and_percentiles_within_a_few_per_cent(manager, tickets):
    live = _page(manager)
    rollups_refresh(days=None)
    rolled = _page(manager)
    assert "daily rollup" in " ".join(str(note) for note in rolled.notes)
    for key in ("by-team", "by-agent"):
        live_rows = {row["name"]: row for row in live.table(key).rows}
        rolled_rows = {row["name"]: row for row in rolled.table(key).rows}
        assert live_rows.keys() == rolled_rows.keys()
        for name, row in live_rows.items():
            for column, value in row.items():
                if value is None or isinstance(value, str):
                    assert rolled_rows[name][column] == value, (key, name, column)
                else:
                    assert rolled_rows[name][column] == pytest.approx(value, rel=0.05), (key, name, column)


def test_histogram_percentiles_follow_percentile_cont():
    histogram: dict[str, int] = {}
    for hours in (1, 2, 3, 4):
        histograms.add(histogram, hours * 3600)
    merged: dict[int, int] = {}
    histograms.merge(merged, histogram)
    assert histograms.percentile(merged, 0.5) == pytest.approx(2.5 * 3600, rel=0.05)
    assert histograms.percentile(merged, 0.9) == pytest.approx(3.7 * 3600, rel=0.05)
    assert histograms.percentile({}, 0.5) is None
    assert histograms.bucket_of(30) == 0
