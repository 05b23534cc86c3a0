"""The actions managers use in admin go through the services: the same rules, the same log."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from helpdesk.models import RuleSetSwap, SeasonalRuleSet
from returns.models import ReturnEvent, ReturnRequest
from tests.factories import ReturnRequestFactory, SeasonalRuleSetFactory, TicketFactory
from tickets.models import Ticket, TicketEvent

NEW_YORK = ZoneInfo("America/New_York")


def run_action(client, changelist: str, action: str, objects) -> str:
    response = client.post(
        changelist, {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_manager_assigns_tickets_to_themself_and_closes_solved_ones(client, manager, store_eu, team_eu):
    client.force_login(manager)
    new = TicketFactory(store=store_eu, team=team_eu, status=Ticket.Status.NEW)
    solved = TicketFactory(store=store_eu, team=team_eu, status=Ticket.Status.SOLVED)

    run_action(client, "/admin/tickets/ticket/", "assign_to_me", [new])
    run_action(client, "/admin/tickets/ticket/", "close", [solved])

    new.refresh_from_db()
    solved.refresh_from_db()
    assert new.assignee == manager
    assert new.status == Ticket.Status.OPEN
    assert solved.status == Ticket.Status.CLOSED
    assert TicketEvent.objects.filter(ticket=new, kind=TicketEvent.Kind.ASSIGNED, actor=manager).exists()


@pytest.mark.django_db
def test_closing_a_ticket_that_is_not_solved_is_refused_with_the_reason(client, manager, store_eu):
    client.force_login(manager)
    open_ticket = TicketFactory(store=store_eu, status=Ticket.Status.OPEN)

    page = run_action(client, "/admin/tickets/ticket/", "close", [open_ticket])

    open_ticket.refresh_from_db()
    assert open_ticket.status == Ticket.Status.OPEN
    assert "cannot become" in page


@pytest.mark.django_db
def test_a_manager_approves_a_return_waiting_for_review(client, manager):
    client.force_login(manager)
    waiting = ReturnRequestFactory(status=ReturnRequest.Status.NEEDS_REVIEW)

    run_action(client, "/admin/returns/returnrequest/", "approve", [waiting])

    waiting.refresh_from_db()
    assert waiting.status == ReturnRequest.Status.APPROVED
    assert waiting.decided_by == manager
    assert ReturnEvent.objects.filter(return_request=waiting, to_status="approved", actor=manager).exists()


@pytest.mark.django_db
def test_a_manager_switches_a_rule_set_into_peak_by_hand_and_back_to_schedule(client, manager):
    client.force_login(manager)
    rule_set = SeasonalRuleSetFactory()

    run_action(client, "/admin/helpdesk/seasonalruleset/", "activate_during", [rule_set])
    rule_set.refresh_from_db()
    assert rule_set.phase == SeasonalRuleSet.Phase.DURING
    assert rule_set.manual_phase is True

    run_action(client, "/admin/helpdesk/seasonalruleset/", "return_to_schedule", [rule_set])
    rule_set.refresh_from_db()
    assert rule_set.manual_phase is False
    assert RuleSetSwap.objects.filter(rule_set=rule_set, actor=manager).count() == 2


@pytest.mark.django_db
def test_a_team_lead_cannot_switch_holiday_mode(client, lead_eu):
    lead_eu.is_staff = True
    lead_eu.save()
    client.force_login(lead_eu)
    rule_set = SeasonalRuleSetFactory()

    client.post(
        "/admin/helpdesk/seasonalruleset/",
        {"action": "activate_during", ACTION_CHECKBOX_NAME: [rule_set.pk]},
    )

    rule_set.refresh_from_db()
    assert rule_set.phase == SeasonalRuleSet.Phase.INACTIVE


@pytest.mark.django_db
def test_a_manager_copies_a_rule_set_to_next_year_once(client, manager):
    client.force_login(manager)
    rule_set = SeasonalRuleSetFactory(
        slug="black-friday-2026-us",
        name="Black Friday / Cyber Monday 2026 (US)",
        prepare_from=datetime(2026, 11, 6, tzinfo=NEW_YORK),
        peak_from=datetime(2026, 11, 27, tzinfo=NEW_YORK),
        peak_until=datetime(2026, 12, 2, tzinfo=NEW_YORK),
        review_until=datetime(2026, 12, 23, tzinfo=NEW_YORK),
    )

    page = run_action(client, "/admin/helpdesk/seasonalruleset/", "copy_to_next_year", [rule_set])

    copy = SeasonalRuleSet.objects.get(slug="black-friday-2027-us")
    assert copy.peak_from == datetime(2027, 11, 26, tzinfo=NEW_YORK)
    assert not copy.is_enabled
    assert "Created for next year" in page
    assert "Black Friday / Cyber Monday 2027 (US)" in page

    again = run_action(client, "/admin/helpdesk/seasonalruleset/", "copy_to_next_year", [rule_set])

    assert SeasonalRuleSet.objects.count() == 2
    assert "Created for next year" not in again
    assert "Skipped" in again
    assert "exists already" in again


@pytest.mark.django_db
def test_a_team_lead_cannot_copy_rule_sets(client, lead_eu):
    lead_eu.is_staff = True
    lead_eu.save()
    client.force_login(lead_eu)
    rule_set = SeasonalRuleSetFactory()

    client.post(
        "/admin/helpdesk/seasonalruleset/",
        {"action": "copy_to_next_year", ACTION_CHECKBOX_NAME: [rule_set.pk]},
    )

    assert SeasonalRuleSet.objects.count() == 1
