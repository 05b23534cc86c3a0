"""Changing a ticket's status or assignee follows the workflow and leaves an audit trail."""

from __future__ import annotations

import pytest

from helpdesk.exceptions import ApplicationError
from tests.factories import TicketFactory, UserFactory
from tickets.models import Ticket, TicketEvent
from tickets.services.status import ALLOWED_STATUS_CHANGES, ticket_assign, ticket_set_status

pytestmark = pytest.mark.django_db

S = Ticket.Status
ALLOWED = sorted((current, new) for current, targets in ALLOWED_STATUS_CHANGES.items() for new in targets)
FORBIDDEN = [
    (S.CLOSED, S.OPEN),
    (S.CLOSED, S.NEW),
    (S.CLOSED, S.SOLVED),
    (S.NEW, S.CLOSED),
    (S.OPEN, S.NEW),
    (S.OPEN, S.CLOSED),
    (S.PENDING, S.CLOSED),
    (S.SOLVED, S.PENDING),
    (S.SOLVED, S.NEW),
]


def status_events(ticket: Ticket) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.STATUS).order_by("id"))


@pytest.mark.parametrize(("current", "new"), ALLOWED)
def test_an_allowed_status_change_is_saved_with_a_new_version_and_an_event(agent_eu, current, new):
    ticket = TicketFactory(status=current, version=3)

    changed = ticket_set_status(ticket=ticket, status=new, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.status == new
    assert changed.status == new
    assert ticket.version == 4
    [event] = status_events(ticket)
    assert event.data == {"from": current, "to": new}
    assert event.actor == agent_eu


@pytest.mark.parametrize(("current", "new"), FORBIDDEN)
def test_a_forbidden_status_change_is_refused_and_changes_nothing(agent_eu, current, new):
    ticket = TicketFactory(status=current, version=3)

    with pytest.raises(ApplicationError):
        ticket_set_status(ticket=ticket, status=new, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.status == current
    assert ticket.version == 3
    assert status_events(ticket) == []


@pytest.mark.parametrize("new", [s for s in S.values if s != S.CLOSED])
def test_a_closed_ticket_is_final(agent_eu, new):
    ticket = TicketFactory(status=S.CLOSED)

    with pytest.raises(ApplicationError):
        ticket_set_status(ticket=ticket, status=new, actor=agent_eu)


def test_setting_the_same_status_again_is_a_no_op(agent_eu):
    ticket = TicketFactory(status=S.OPEN, version=5)

    ticket_set_status(ticket=ticket, status=S.OPEN, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.version == 5
    assert status_events(ticket) == []


def test_solving_a_ticket_records_when(agent_eu):
    ticket = TicketFactory(status=S.OPEN)

    ticket_set_status(ticket=ticket, status=S.SOLVED, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.solved_at is not None
    assert ticket.solved_at >= ticket.created_at


def test_closing_a_solved_ticket_records_when_and_keeps_the_solve_time(agent_eu):
    ticket = TicketFactory(status=S.OPEN)
    ticket_set_status(ticket=ticket, status=S.SOLVED, actor=agent_eu)
    solved_at = Ticket.objects.get(pk=ticket.pk).solved_at

    ticket_set_status(ticket=ticket, status=S.CLOSED, actor=None)

    ticket.refresh_from_db()
    assert ticket.closed_at is not None
    assert ticket.solved_at == solved_at


def test_reopening_a_solved_ticket_counts_a_reopen_and_clears_the_solve_time(agent_eu):
    ticket = TicketFactory(status=S.OPEN)
    ticket_set_status(ticket=ticket, status=S.SOLVED, actor=agent_eu)

    ticket_set_status(ticket=ticket, status=S.OPEN, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.status == S.OPEN
    assert ticket.reopened_count == 1
    assert ticket.solved_at is None
    assert [e.data for e in status_events(ticket)] == [
        {"from": S.OPEN, "to": S.SOLVED},
        {"from": S.SOLVED, "to": S.OPEN},
    ]


def test_moving_between_open_states_is_not_a_reopen(agent_eu):
    ticket = TicketFactory(status=S.PENDING)

    ticket_set_status(ticket=ticket, status=S.OPEN, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.reopened_count == 0


def test_a_change_by_the_system_is_recorded_without_an_actor():
    ticket = TicketFactory(status=S.PENDING)

    ticket_set_status(ticket=ticket, status=S.SOLVED, actor=None)

    [event] = status_events(ticket)
    assert event.actor is None


def test_a_status_change_tells_open_inboxes_after_commit(agent_eu, django_capture_on_commit_callbacks):
    ticket = TicketFactory(status=S.NEW)

    with django_capture_on_commit_callbacks() as callbacks:
        ticket_set_status(ticket=ticket, status=S.OPEN, actor=agent_eu)

    assert len(callbacks) == 1


# --- assignment ---------------------------------------------------------------------------


def test_assigning_a_new_ticket_opens_it_and_records_who_got_it(agent_eu, lead_eu):
    ticket = TicketFactory(status=S.NEW, version=1)

    ticket_assign(ticket=ticket, assignee=agent_eu, actor=lead_eu)

    ticket.refresh_from_db()
    assert ticket.assignee == agent_eu
    assert ticket.status == S.OPEN
    assert ticket.version == 2
    [event] = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED)
    assert event.data == {"from": None, "to": agent_eu.pk}
    assert event.actor == lead_eu


def test_assigning_a_waiting_ticket_keeps_its_status(agent_eu):
    ticket = TicketFactory(status=S.PENDING)

    ticket_assign(ticket=ticket, assignee=agent_eu, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.status == S.PENDING
    assert ticket.assignee == agent_eu


def test_reassigning_records_the_previous_and_the_new_agent(agent_eu, lead_eu):
    colleague = UserFactory()
    ticket = TicketFactory(status=S.OPEN, assignee=agent_eu)

    ticket_assign(ticket=ticket, assignee=colleague, actor=lead_eu)

    [event] = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED)
    assert event.data == {"from": agent_eu.pk, "to": colleague.pk}


def test_unassigning_an_open_ticket_leaves_it_open(agent_eu):
    ticket = TicketFactory(status=S.OPEN, assignee=agent_eu)

    ticket_assign(ticket=ticket, assignee=None, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert ticket.status == S.OPEN


def test_assigning_the_same_agent_again_changes_nothing(agent_eu):
    ticket = TicketFactory(status=S.OPEN, assignee=agent_eu, version=7)

    ticket_assign(ticket=ticket, assignee=agent_eu, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.version == 7
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_a_closed_ticket_cannot_be_assigned(agent_eu):
    ticket = TicketFactory(status=S.CLOSED)

    with pytest.raises(ApplicationError):
        ticket_assign(ticket=ticket, assignee=agent_eu, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.assignee is None


@pytest.mark.django_db
def test_an_unknown_status_is_refused_with_a_clear_error_not_a_crash(ticket_eu, agent_eu):
    with pytest.raises(ApplicationError, match="Unknown ticket status"):
        ticket_set_status(ticket=ticket_eu, status="archived", actor=agent_eu)
