"""The automation dashboard: self-service answers and the customers who came back anyway,
returns decided by the rules, and machine translation, counted by hand; live and from the
daily rollup alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from analytics.dashboards import automation
from analytics.filters import DashboardFilters
from analytics.services import rollups_refresh
from returns.models import ReturnRequest
from tests.factories import MessageFactory, ReturnRequestFactory, TicketFactory, TranslationFactory
from tickets.models import Message

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=2)
T = dt.datetime.combine(START, dt.time(8), tzinfo=timezone.get_current_timezone())
MINUTE = dt.timedelta(minutes=1)


def inbound(ticket, at, *, language="de", translated=False):
    return MessageFactory(
        ticket=ticket,
        direction=Message.Direction.INBOUND,
        language=language,
        translation=TranslationFactory() if translated else None,
        created_at=at,
    )


def auto_reply(ticket, at):
    return MessageFactory(
        ticket=ticket, direction=Message.Direction.OUTBOUND, kind=Message.Kind.AUTO_REPLY, created_at=at
    )


@pytest.fixture
def figures(store_eu, team_eu, lead_eu):
    assert team_eu.working_language == "zh-hans"
    common = {"store": store_eu, "team": team_eu, "language": "de", "created_at": T}
    answered = TicketFactory(**common, auto_answered=True)
    inbound(answered, T, translated=True)
    auto_reply(answered, T + MINUTE)
    wrote_again = TicketFactory(**common, auto_answered=True)
    inbound(wrote_again, T)
    auto_reply(wrote_again, T + MINUTE)
    inbound(wrote_again, T + 60 * MINUTE, translated=True)
    reopened = TicketFactory(**common, auto_answered=True, reopened_count=1)
    auto_reply(reopened, T + MINUTE)
    by_agent = TicketFactory(**common)
    inbound(by_agent, T, language="zh")  # the team's own language: nothing to translate
    decided = T + 5 * MINUTE
    for status, decided_by in (
        (ReturnRequest.Status.APPROVED, None),
        (ReturnRequest.Status.REJECTED, None),
        (ReturnRequest.Status.APPROVED, lead_eu),
    ):
        ReturnRequestFactory(
            store=store_eu, status=status, requested_at=T, decided_at=decided, decided_by=decided_by
        )
    ReturnRequestFactory(store=store_eu, status=ReturnRequest.Status.NEEDS_REVIEW, requested_at=T)


@pytest.fixture(params=["live", "rollup"])
def page(request, manager, figures):
    if request.param == "rollup":
        rollups_refresh(days=None)
    return automation.build(DashboardFilters(user=manager, start=START, end=TODAY))


def _kpis(page) -> dict[str, str]:
    return {str(kpi.label): kpi.value for kpi in page.kpis}


def test_self_service_rate_and_customers_who_came_back(page):
    kpis = _kpis(page)
    assert kpis["Self-service answer rate"] == "75.0 %"  # 3 of 4
    assert kpis["Answered automatically"] == "3"
    assert kpis["Came back after self-service"] == "66.7 %"  # wrote again, reopened: 2 of 3
    first_day = page.table("per-day").rows[0]
    assert (first_day["tickets"], first_day["auto"], first_day["came_back"]) == (4, 3, 2)


def test_returns_decided_by_the_rules(page):
    assert _kpis(page)["Returns decided automatically"] == "50.0 %"
    decisions = {str(row["decision"]): row["returns"] for row in page.table("returns").rows}
    assert decisions == {
        "Requested": 4,
        "Approved by the rules": 1,
        "Rejected by the rules": 1,
        "Decided by a person": 1,
        "Not decided yet": 1,
    }


def test_translation_use(page):
    kpis = _kpis(page)
    # Four German tickets for a team working in Chinese; two have a translated message.
    assert kpis["Foreign-language tickets translated"] == "50.0 %"
    # Three German customer messages, two translated; the Chinese one is not foreign.
    assert kpis["Foreign-language messages translated"] == "66.7 %"
    first_day = page.table("per-day").rows[0]
    assert (first_day["foreign"], first_day["translated"]) == (3, 2)
