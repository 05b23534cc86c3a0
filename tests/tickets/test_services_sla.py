"""SLA targets follow the most specific policy and the team's business hours; breaches are caught once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections, transaction

from tests.factories import SLAPolicyFactory, StoreFactory, TeamFactory, TicketFactory, UserFactory
from tickets import tasks
from tickets.models import Channel, Priority, Ticket, TicketEvent
from tickets.services.sla import sla_breach_scan, sla_policy_for, ticket_apply_sla
from tickets.services.status import ticket_set_status

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8 all year; team_eu works 09:00-18:00 Monday to Friday


def cst(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2024, Shanghai time: the 15th is a Friday, the 18th a Monday."""
    return datetime(2024, 3, day, hour, minute, tzinfo=SHANGHAI)


FRIDAY_EVENING = cst(15, 17, 30)
MONDAY_MORNING = cst(18, 10)


@pytest.fixture
def policy(db):
    """One hour to the first answer, two to the next, one working day to solve."""
    return SLAPolicyFactory(
        name="Everything",
        channel="",
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=8 * 60,
        business_hours_only=True,
    )


def ticket_at(moment: datetime, **kwargs) -> Ticket:
    with time_machine.travel(moment, tick=False):
        return TicketFactory(**kwargs)


def apply_at(moment: datetime, ticket: Ticket) -> Ticket:
    with time_machine.travel(moment, tick=False):
        return ticket_apply_sla(ticket=ticket)


def set_status_at(moment: datetime, ticket: Ticket, status: str) -> Ticket:
    with time_machine.travel(moment, tick=False):
        ticket_set_status(ticket=ticket, status=status, actor=None)
        return ticket_apply_sla(ticket=ticket)


def scan_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return sla_breach_scan()


def write(ticket: Ticket, **fields) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(**fields)


def breach_events(ticket: Ticket) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.SLA_BREACHED))


# Which policy ------------------------------------------------------------------------------------


def test_the_policy_matching_more_fields_wins(store_eu):
    SLAPolicyFactory(name="every ticket", channel="")
    SLAPolicyFactory(name="e-mail", channel=Channel.EMAIL)
    store_and_email = SLAPolicyFactory(name="this store by e-mail", store=store_eu, channel=Channel.EMAIL)
    SLAPolicyFactory(name="this store, urgent", store=store_eu, channel="", priority=Priority.URGENT)
    SLAPolicyFactory(
        name="other store", store=StoreFactory(), channel=Channel.EMAIL, priority=Priority.NORMAL
    )
    SLAPolicyFactory(
        name="switched off", store=store_eu, channel=Channel.EMAIL, priority=Priority.NORMAL, is_active=False
    )
    ticket = TicketFactory(store=store_eu, channel=Channel.EMAIL, priority=Priority.NORMAL)

    assert sla_policy_for(ticket=ticket) == store_and_email


def test_a_blank_policy_field_matches_any_value_and_a_set_one_only_its_own(store_eu):
    every_ticket = SLAPolicyFactory(name="every ticket", channel="")
    SLAPolicyFactory(name="e-mail", channel=Channel.EMAIL)
    chat_ticket = TicketFactory(store=store_eu, channel=Channel.CHAT)

    assert sla_policy_for(ticket=chat_ticket) == every_ticket


def test_equally_specific_policies_are_decided_by_the_oldest(store_eu):
    older = SLAPolicyFactory(name="store only", store=store_eu, channel="")
    SLAPolicyFactory(name="urgent only", channel="", priority=Priority.URGENT)
    ticket = TicketFactory(store=store_eu, priority=Priority.URGENT)

    assert sla_policy_for(ticket=ticket) == older


def test_a_ticket_no_policy_matches_has_no_targets(store_eu, team_eu):
    SLAPolicyFactory(channel=Channel.AMAZON)
    ticket = TicketFactory(store=store_eu, team=team_eu, channel=Channel.EMAIL)

    ticket = ticket_apply_sla(ticket=ticket)

    assert ticket.sla_policy is None
    assert ticket.sla_due_at is None
    assert ticket.first_response_due_at is None
    assert ticket.resolution_due_at is None


# Due times -------------------------------------------------------------------------------------------


def test_a_friday_evening_ticket_for_a_shanghai_team_is_due_on_monday(policy, store_eu, team_eu):
    ticket = ticket_at(FRIDAY_EVENING, store=store_eu, team=team_eu)

    ticket = apply_at(FRIDAY_EVENING, ticket)

    ticket.refresh_from_db()
    assert ticket.sla_policy == policy
    # 30 minutes left on Friday, the other 30 on Monday from 09:00.
    assert ticket.first_response_due_at == cst(18, 9, 30)
    # 30 minutes on Friday, 450 on Monday.
    assert ticket.resolution_due_at == cst(18, 16, 30)
    assert ticket.next_response_due_at is None
    assert ticket.sla_due_at == cst(18, 9, 30)
    assert ticket.sla_due_at.astimezone(UTC) == datetime(2024, 3, 18, 1, 30, tzinfo=UTC)


def test_a_policy_not_limited_to_business_hours_runs_around_the_clock(policy, store_eu, team_eu):
    policy.business_hours_only = False
    policy.save()
    ticket = ticket_at(FRIDAY_EVENING, store=store_eu, team=team_eu)

    ticket = apply_at(FRIDAY_EVENING, ticket)

    assert ticket.first_response_due_at == FRIDAY_EVENING + timedelta(hours=1)
    assert ticket.resolution_due_at == FRIDAY_EVENING + timedelta(hours=8)
    assert ticket.sla_due_at == FRIDAY_EVENING + timedelta(hours=1)


def test_a_ticket_without_a_team_runs_around_the_clock(policy, store_eu):
    ticket = ticket_at(FRIDAY_EVENING, store=store_eu, team=None)

    ticket = apply_at(FRIDAY_EVENING, ticket)

    assert ticket.sla_due_at == FRIDAY_EVENING + timedelta(hours=1)


def test_the_first_response_target_stops_once_an_agent_has_answered(policy, store_eu, team_eu):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu, status=Ticket.Status.OPEN)
    ticket = apply_at(MONDAY_MORNING, ticket)
    assert ticket.sla_due_at == cst(18, 11)

    answered = cst(18, 10, 40)
    write(ticket, first_responded_at=answered, last_agent_message_at=answered)
    ticket = apply_at(answered, ticket)

    assert ticket.first_response_due_at == cst(18, 11)  # kept for reports, no longer running
    assert ticket.next_response_due_at is None
    assert ticket.sla_due_at == ticket.resolution_due_at == cst(18, 18)


def test_the_next_response_target_runs_when_the_customer_writes_after_the_agent(policy, store_eu, team_eu):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu, status=Ticket.Status.OPEN)
    write(ticket, first_responded_at=cst(18, 10, 30), last_agent_message_at=cst(18, 10, 30))

    write(ticket, last_customer_message_at=cst(18, 11))
    ticket = apply_at(cst(18, 11), ticket)

    assert ticket.next_response_due_at == cst(18, 13)
    assert ticket.sla_due_at == cst(18, 13)

    write(ticket, last_agent_message_at=cst(18, 12))
    ticket = apply_at(cst(18, 12), ticket)

    assert ticket.next_response_due_at is None
    assert ticket.sla_due_at == cst(18, 18)


@pytest.mark.parametrize("waiting", [Ticket.Status.PENDING, Ticket.Status.ON_HOLD])
def test_waiting_pauses_the_clock_and_moves_resolution_by_the_business_time_paused(
    policy, store_eu, team_eu, waiting
):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu, status=Ticket.Status.OPEN)
    write(ticket, first_responded_at=cst(18, 10, 30), last_agent_message_at=cst(18, 10, 30))
    ticket = apply_at(cst(18, 10, 30), ticket)
    assert ticket.sla_due_at == cst(18, 18)

    ticket = set_status_at(cst(18, 11), ticket, waiting)

    assert ticket.status == waiting
    assert ticket.sla_due_at is None
    assert ticket.resolution_due_at == cst(18, 18)
    assert scan_at(cst(20, 12)) == 0  # days later, still paused: nothing is overdue

    ticket = set_status_at(cst(19, 10), ticket, Ticket.Status.OPEN)

    # Paused Monday 11:00-18:00 and Tuesday 09:00-10:00: 480 business minutes, the night is free.
    assert ticket.resolution_due_at == cst(19, 17)
    assert ticket.sla_due_at == cst(19, 17)


def test_two_pauses_both_count(policy, store_eu, team_eu):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu, status=Ticket.Status.OPEN)
    write(ticket, first_responded_at=cst(18, 10, 5), last_agent_message_at=cst(18, 10, 5))
    set_status_at(cst(18, 10, 10), ticket, Ticket.Status.PENDING)
    set_status_at(cst(18, 10, 40), ticket, Ticket.Status.OPEN)
    set_status_at(cst(18, 11), ticket, Ticket.Status.ON_HOLD)
    set_status_at(cst(18, 11, 30), ticket, Ticket.Status.PENDING)  # still paused: one span
    ticket = set_status_at(cst(18, 12), ticket, Ticket.Status.OPEN)

    # 30 + 60 minutes paused: Monday ends at 18:00, so Tuesday 09:00 + 90 minutes.
    assert ticket.resolution_due_at == cst(19, 10, 30)


def test_a_solved_ticket_has_no_running_target(policy, store_eu, team_eu):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu, status=Ticket.Status.OPEN)
    apply_at(MONDAY_MORNING, ticket)

    ticket = set_status_at(cst(18, 10, 30), ticket, Ticket.Status.SOLVED)

    assert ticket.status == Ticket.Status.SOLVED
    assert ticket.sla_due_at is None


def test_applying_the_sla_never_changes_the_status(policy, store_eu, team_eu):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu, status=Ticket.Status.NEW)

    ticket = apply_at(cst(25, 10), ticket)  # a week late

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert ticket.sla_due_at == cst(18, 11)


# Breach scan -----------------------------------------------------------------------------------------


def test_a_missed_target_is_marked_once_with_a_bumped_priority_an_event_and_one_mail_to_the_lead(
    policy, store_eu, team_eu, lead_eu, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = ticket_at(
        MONDAY_MORNING, store=store_eu, team=team_eu, priority=Priority.NORMAL, subject="Lampe kaputt"
    )
    apply_at(MONDAY_MORNING, ticket)
    assert scan_at(cst(18, 10, 59)) == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert scan_at(cst(18, 11, 1)) == 1

    ticket.refresh_from_db()
    assert ticket.sla_breached is True
    assert ticket.priority == Priority.HIGH
    assert ticket.status == Ticket.Status.NEW
    [event] = breach_events(ticket)
    assert event.data["target"] == "first_response"
    assert event.data["due_at"] == cst(18, 11).astimezone(UTC).isoformat()
    assert event.data["priority"] == {"from": Priority.NORMAL, "to": Priority.HIGH}
    assert event.created_at == cst(18, 11, 1)
    [mail] = mailoutbox
    assert mail.to == [lead_eu.email]
    assert mail.subject == f"SLA breached: [#{ticket.reference}] Lampe kaputt"
    assert "first response" in mail.body
    assert "2024-03-18 11:00 (Asia/Shanghai)" in mail.body
    assert f"/inbox/{ticket.pk}/" in mail.body

    with django_capture_on_commit_callbacks(execute=True):
        assert scan_at(cst(18, 12)) == 0

    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert len(breach_events(ticket)) == 1
    assert len(mailoutbox) == 1


def test_the_breach_is_reported_after_commit_only(policy, store_eu, team_eu, lead_eu, mailoutbox):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu)
    apply_at(MONDAY_MORNING, ticket)

    assert scan_at(cst(18, 12)) == 1

    assert mailoutbox == []  # the test's transaction never commits


def test_an_urgent_ticket_stays_urgent(policy, store_eu, team_eu):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu, priority=Priority.URGENT)
    apply_at(MONDAY_MORNING, ticket)

    assert scan_at(cst(18, 12)) == 1

    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert breach_events(ticket)[0].data["priority"] == {"from": Priority.URGENT, "to": Priority.URGENT}


@pytest.mark.parametrize("lead_email", [None, ""])
def test_no_mail_without_a_lead_to_send_it_to(
    policy, store_eu, team_eu, mailoutbox, django_capture_on_commit_callbacks, lead_email
):
    if lead_email is not None:
        team_eu.lead = UserFactory(email=lead_email)
        team_eu.save()
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu)
    apply_at(MONDAY_MORNING, ticket)

    with django_capture_on_commit_callbacks(execute=True):
        assert scan_at(cst(18, 12)) == 1

    assert mailoutbox == []


def test_the_missed_target_is_named_in_the_event(policy, store_eu, team_eu):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu, status=Ticket.Status.OPEN)
    write(ticket, first_responded_at=cst(18, 10, 30), last_agent_message_at=cst(18, 10, 30))
    write(ticket, last_customer_message_at=cst(18, 11))
    apply_at(cst(18, 11), ticket)

    assert scan_at(cst(18, 13, 1)) == 1

    assert breach_events(ticket)[0].data["target"] == "next_response"


def test_a_solved_ticket_is_never_breached(policy, store_eu, team_eu):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu, status=Ticket.Status.OPEN)
    apply_at(MONDAY_MORNING, ticket)
    set_status_at(cst(18, 10, 30), ticket, Ticket.Status.SOLVED)
    # Even with a deadline left behind by something else, the scan skips what is solved or closed.
    stale = TicketFactory(store=store_eu, team=team_eu, status=Ticket.Status.SOLVED, sla_due_at=cst(18, 11))

    assert scan_at(cst(25, 10)) == 0

    for solved in (ticket, stale):
        solved.refresh_from_db()
        assert solved.sla_breached is False
        assert breach_events(solved) == []


def test_an_answered_ticket_can_breach_its_next_target_again(policy, store_eu, team_eu):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu, status=Ticket.Status.OPEN)
    apply_at(MONDAY_MORNING, ticket)
    assert scan_at(cst(18, 11, 30)) == 1  # first response missed

    # Re-applying while the missed deadline is still the running one keeps the mark.
    ticket = apply_at(cst(18, 11, 40), ticket)
    assert ticket.sla_breached is True
    assert scan_at(cst(18, 11, 45)) == 0

    write(ticket, first_responded_at=cst(18, 11, 50), last_agent_message_at=cst(18, 11, 50))
    ticket = apply_at(cst(18, 11, 50), ticket)
    assert ticket.sla_breached is False
    assert ticket.sla_due_at == cst(18, 18)

    assert scan_at(cst(18, 18, 1)) == 1
    assert [event.data["target"] for event in breach_events(ticket)] == ["first_response", "resolution"]


def test_the_celery_task_runs_the_scan(policy, store_eu, team_eu):
    ticket = ticket_at(MONDAY_MORNING, store=store_eu, team=team_eu)
    apply_at(MONDAY_MORNING, ticket)

    with time_machine.travel(cst(18, 12), tick=False):
        tasks.sla_breach_scan.delay()

    ticket.refresh_from_db()
    assert ticket.sla_breached is True


@pytest.mark.django_db(transaction=True)
def test_a_ticket_another_worker_holds_is_skipped_not_waited_for(policy):
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("needs row locks (PostgreSQL)")
    team = TeamFactory()
    ticket = ticket_at(MONDAY_MORNING, team=team)
    apply_at(MONDAY_MORNING, ticket)
    marked: list[int] = []

    def other_worker() -> None:
        try:
            marked.append(scan_at(cst(18, 12)))
        finally:
            connections.close_all()

    with transaction.atomic():
        Ticket.objects.select_for_update().get(pk=ticket.pk)
        worker = threading.Thread(target=other_worker)
        worker.start()
        worker.join(timeout=30)

    assert marked == [0]
    assert scan_at(cst(18, 12)) == 1
