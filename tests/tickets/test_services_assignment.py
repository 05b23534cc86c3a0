"""Automatic assignment hands a ticket to the least-loaded available agent who speaks its language."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from helpdesk.exceptions import ApplicationError
from tests.conftest import role
from tests.factories import AgentProfileFactory, TeamFactory, TicketFactory, UserFactory
from tickets.models import AgentProfile, Priority, Ticket, TicketEvent
from tickets.services import assignment
from tickets.services.assignment import agent_set_availability, team_assign_waiting, ticket_auto_assign

pytestmark = pytest.mark.django_db

A = AgentProfile.Availability
S = Ticket.Status


def make_agent(
    team, *, name, languages=("de", "en"), capacity=20, availability=A.ONLINE, last_assigned_at=None
):
    user = UserFactory(username=name, groups=[role("Agent")])
    AgentProfileFactory(
        user=user,
        teams=[team],
        languages=list(languages),
        capacity=capacity,
        availability=availability,
        last_assigned_at=last_assigned_at,
    )
    return user


def give_open_tickets(agent, team, count, *, status=S.OPEN):
    TicketFactory.create_batch(count, team=team, assignee=agent, status=status)


def assigned_events(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED))


# --- who gets the ticket ------------------------------------------------------------------


def test_the_ticket_goes_to_an_agent_who_speaks_its_language(team_eu):
    make_agent(team_eu, name="wang.zh", languages=["zh", "en"])
    german_speaker = make_agent(team_eu, name="li.de", languages=["zh", "de"])
    give_open_tickets(german_speaker, team_eu, 5)  # busier, but the only one who reads German
    ticket = TicketFactory(team=team_eu, language="de")

    assert ticket_auto_assign(ticket=ticket) == german_speaker

    ticket.refresh_from_db()
    assert ticket.assignee == german_speaker


def test_a_regional_language_tag_matches_the_language_an_agent_speaks(team_eu):
    portuguese_speaker = make_agent(team_eu, name="ana.pt", languages=["pt"])
    ticket = TicketFactory(team=team_eu, language="pt-BR")

    assert ticket_auto_assign(ticket=ticket) == portuguese_speaker


def test_a_ticket_whose_language_is_not_known_yet_goes_to_any_agent(team_eu):
    agent = make_agent(team_eu, name="wang.zh", languages=["zh"])
    ticket = TicketFactory(team=team_eu, language="")

    assert ticket_auto_assign(ticket=ticket) == agent


def test_nobody_speaking_the_language_leaves_the_ticket_in_the_team_queue(team_eu):
    make_agent(team_eu, name="wang.zh", languages=["zh", "en"])
    ticket = TicketFactory(team=team_eu, language="fr", version=4)

    assert ticket_auto_assign(ticket=ticket) is None

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert ticket.status == S.NEW
    assert ticket.version == 4
    assert assigned_events(ticket) == []


def test_an_agent_at_capacity_gets_no_more_tickets(team_eu):
    full = make_agent(team_eu, name="full", capacity=2, last_assigned_at=timezone.now() - timedelta(days=9))
    give_open_tickets(full, team_eu, 2)
    TicketFactory(team=team_eu, assignee=full, status=S.SOLVED)  # solved work does not count
    ticket = TicketFactory(team=team_eu)

    assert ticket_auto_assign(ticket=ticket) is None

    make_agent(team_eu, name="has.room", capacity=2)
    give_open_tickets(AgentProfile.objects.get(user__username="has.room").user, team_eu, 1)
    assert ticket_auto_assign(ticket=ticket).username == "has.room"


@pytest.mark.parametrize("status", [S.PENDING, S.ON_HOLD, S.NEW])
def test_pending_and_on_hold_tickets_count_towards_capacity(team_eu, status):
    agent = make_agent(team_eu, name="busy", capacity=1)
    give_open_tickets(agent, team_eu, 1, status=status)

    assert ticket_auto_assign(ticket=TicketFactory(team=team_eu)) is None


def test_the_least_loaded_agent_wins_relative_to_capacity(team_eu):
    senior = make_agent(team_eu, name="senior", capacity=10)
    junior = make_agent(team_eu, name="junior", capacity=2)
    give_open_tickets(senior, team_eu, 4)  # 40 % loaded
    give_open_tickets(junior, team_eu, 1)  # 50 % loaded, although fewer tickets

    assert ticket_auto_assign(ticket=TicketFactory(team=team_eu)) == senior


def test_equally_loaded_agents_take_turns_longest_waiting_first(team_eu):
    now = timezone.now()
    recent = make_agent(team_eu, name="recent", last_assigned_at=now - timedelta(minutes=1))
    earlier = make_agent(team_eu, name="earlier", last_assigned_at=now - timedelta(hours=2))
    never = make_agent(team_eu, name="never", last_assigned_at=None)

    winners = [ticket_auto_assign(ticket=TicketFactory(team=team_eu)) for _ in range(6)]

    assert winners == [never, earlier, recent, never, earlier, recent]


def test_agents_with_nothing_else_to_tell_them_apart_are_taken_by_id(team_eu):
    first = make_agent(team_eu, name="first")
    second = make_agent(team_eu, name="second")

    assert ticket_auto_assign(ticket=TicketFactory(team=team_eu)) == first
    assert ticket_auto_assign(ticket=TicketFactory(team=team_eu)) == second


@pytest.mark.parametrize("availability", [A.AWAY, A.OFFLINE])
def test_agents_who_are_not_online_are_skipped(team_eu, availability):
    make_agent(team_eu, name="absent", availability=availability)
    online = make_agent(team_eu, name="online")
    give_open_tickets(online, team_eu, 10)

    assert ticket_auto_assign(ticket=TicketFactory(team=team_eu)) == online


def test_agents_of_other_teams_and_deactivated_users_are_skipped(team_eu, team_us):
    make_agent(team_us, name="other.team")
    deactivated = make_agent(team_eu, name="left.company")
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])

    assert ticket_auto_assign(ticket=TicketFactory(team=team_eu)) is None


def test_an_assignment_opens_the_ticket_and_leaves_an_audit_trail(team_eu):
    agent = make_agent(team_eu, name="mei")
    ticket = TicketFactory(team=team_eu, status=S.NEW, version=2)
    before = timezone.now()

    ticket_auto_assign(ticket=ticket)

    ticket.refresh_from_db()
    assert ticket.status == S.OPEN
    assert ticket.version == 3
    [event] = assigned_events(ticket)
    assert event.actor is None
    assert event.data == {"from": None, "to": agent.pk}
    assert AgentProfile.objects.get(user=agent).last_assigned_at >= before


def test_an_already_assigned_ticket_is_left_alone(team_eu):
    owner = UserFactory(username="owner")
    make_agent(team_eu, name="idle")
    ticket = TicketFactory(team=team_eu, assignee=owner, status=S.OPEN, version=7)

    assert ticket_auto_assign(ticket=ticket) == owner

    ticket.refresh_from_db()
    assert ticket.assignee == owner
    assert ticket.version == 7
    assert assigned_events(ticket) == []
    assert AgentProfile.objects.get(user__username="idle").last_assigned_at is None


def test_a_stale_copy_of_a_ticket_assigned_meanwhile_is_not_assigned_again(team_eu):
    make_agent(team_eu, name="first")
    make_agent(team_eu, name="second")
    ticket = TicketFactory(team=team_eu)
    stale = Ticket.objects.get(pk=ticket.pk)

    winner = ticket_auto_assign(ticket=ticket)

    assert ticket_auto_assign(ticket=stale) == winner
    assert len(assigned_events(ticket)) == 1


@pytest.mark.parametrize("status", [S.PENDING, S.ON_HOLD, S.SOLVED, S.CLOSED])
def test_only_new_and_open_tickets_are_assigned(team_eu, status):
    make_agent(team_eu, name="idle")

    assert ticket_auto_assign(ticket=TicketFactory(team=team_eu, status=status)) is None


def test_a_ticket_not_routed_to_a_team_is_not_assigned(team_eu):
    make_agent(team_eu, name="idle")

    assert ticket_auto_assign(ticket=TicketFactory(team=None)) is None


# --- the team queue -----------------------------------------------------------------------


def test_waiting_tickets_are_assigned_most_urgent_first_until_nobody_has_room(team_eu):
    make_agent(team_eu, name="only", capacity=4)
    now = timezone.now()
    soon = now + timedelta(hours=1)
    later = now + timedelta(hours=5)
    tickets = {
        "normal, due later": TicketFactory(team=team_eu, priority=Priority.NORMAL, sla_due_at=later),
        "urgent": TicketFactory(team=team_eu, priority=Priority.URGENT, sla_due_at=later),
        "normal, no deadline, older": TicketFactory(
            team=team_eu, priority=Priority.NORMAL, created_at=now - timedelta(days=2)
        ),
        "normal, no deadline, newer": TicketFactory(
            team=team_eu, priority=Priority.NORMAL, created_at=now - timedelta(days=1)
        ),
        "normal, due soon": TicketFactory(team=team_eu, priority=Priority.NORMAL, sla_due_at=soon),
        "low": TicketFactory(team=team_eu, priority=Priority.LOW, sla_due_at=soon),
    }

    assert team_assign_waiting(team=team_eu) == 4

    assigned = {
        label for label, ticket in tickets.items() if Ticket.objects.get(pk=ticket.pk).assignee_id is not None
    }
    assert assigned == {"urgent", "normal, due soon", "normal, due later", "normal, no deadline, older"}


def test_a_ticket_nobody_can_read_does_not_hold_up_the_rest_of_the_queue(team_eu):
    agent = make_agent(team_eu, name="de.only", languages=["de"], capacity=5)
    french = TicketFactory(team=team_eu, language="fr", priority=Priority.URGENT)
    other_french = TicketFactory(team=team_eu, language="fr", priority=Priority.HIGH)
    german = TicketFactory(team=team_eu, language="de", priority=Priority.NORMAL)

    assert team_assign_waiting(team=team_eu) == 1

    assert Ticket.objects.get(pk=german.pk).assignee == agent
    assert Ticket.objects.get(pk=french.pk).assignee is None
    assert Ticket.objects.get(pk=other_french.pk).assignee is None


def test_a_ticket_solved_while_the_queue_runs_does_not_stop_the_queue(team_eu, monkeypatch):
    agent = make_agent(team_eu, name="mei", capacity=5)
    solved_meanwhile = TicketFactory(team=team_eu, language="de", priority=Priority.URGENT)
    waiting = TicketFactory(team=team_eu, language="de", priority=Priority.NORMAL)
    real_auto_assign = assignment._auto_assign

    def solve_first_then_assign(*, ticket_id):
        if ticket_id == solved_meanwhile.pk:
            Ticket.objects.filter(pk=ticket_id).update(status=S.SOLVED)
        return real_auto_assign(ticket_id=ticket_id)

    monkeypatch.setattr(assignment, "_auto_assign", solve_first_then_assign)

    assert team_assign_waiting(team=team_eu) == 1
    assert Ticket.objects.get(pk=waiting.pk).assignee == agent
    assert Ticket.objects.get(pk=solved_meanwhile.pk).assignee is None


def test_the_queue_skips_assigned_closed_and_other_teams_tickets(team_eu, team_us):
    make_agent(team_eu, name="mei", capacity=10)
    owner = UserFactory(username="owner")
    TicketFactory(team=team_eu, assignee=owner, status=S.OPEN)
    TicketFactory(team=team_eu, status=S.SOLVED)
    TicketFactory(team=team_us)
    waiting = TicketFactory(team=team_eu)

    assert team_assign_waiting(team=team_eu) == 1
    assert Ticket.objects.get(pk=waiting.pk).assignee.username == "mei"


def test_an_empty_team_assigns_nothing(team_eu):
    TicketFactory.create_batch(3, team=team_eu)

    assert team_assign_waiting(team=team_eu) == 0


# --- availability -------------------------------------------------------------------------


@pytest.mark.parametrize("availability", A.values)
def test_an_agent_sets_their_availability(team_eu, availability):
    agent = make_agent(team_eu, name="mei", availability=A.AWAY)

    profile = agent_set_availability(user=agent, availability=availability)

    assert profile.availability == availability
    assert AgentProfile.objects.get(user=agent).availability == availability


def test_an_unknown_availability_is_refused(team_eu):
    agent = make_agent(team_eu, name="mei", availability=A.AWAY)

    with pytest.raises(ApplicationError):
        agent_set_availability(user=agent, availability="busy")

    assert AgentProfile.objects.get(user=agent).availability == A.AWAY


def test_a_user_without_an_agent_profile_has_no_availability(db):
    with pytest.raises(ApplicationError):
        agent_set_availability(user=UserFactory(), availability=A.ONLINE)


def test_an_agent_who_comes_online_can_take_the_waiting_tickets(team_eu):
    agent = make_agent(team_eu, name="mei", availability=A.OFFLINE)
    TicketFactory.create_batch(2, team=team_eu)
    assert team_assign_waiting(team=team_eu) == 0

    agent_set_availability(user=agent, availability=A.ONLINE)

    assert team_assign_waiting(team=team_eu) == 2


# --- concurrency --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_exceed_capacity_nor_assign_a_ticket_twice():
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks across connections: run with DATABASE_URL=postgres://...")
    team = TeamFactory()
    agents = [make_agent(team, name=f"agent{i}", capacity=2) for i in range(3)]
    tickets = TicketFactory.create_batch(10, team=team, language="de")
    requests = tickets + tickets  # every ticket asked for twice ...
    workers = 8  # ... by two different threads, since 10 is no multiple of 8
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(mine: list[Ticket]) -> None:
        try:
            start.wait()
            for ticket in mine:
                ticket_auto_assign(ticket=ticket)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(requests[i::workers],)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    held = {agent.username: Ticket.objects.filter(assignee=agent).count() for agent in agents}
    assert held == {"agent0": 2, "agent1": 2, "agent2": 2}
    assigned = Ticket.objects.filter(pk__in=[t.pk for t in tickets], assignee__isnull=False)
    assert assigned.count() == 6
    for ticket in assigned:
        assert len(assigned_events(ticket)) == 1
