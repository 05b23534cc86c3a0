"""The inbox shows each agent the tickets of their stores, and search finds tickets by what they say."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.factories import AgentProfileFactory, MessageFactory, TicketFactory, UserFactory
from tickets.models import Ticket
from tickets.selectors import ticket_get_for_agent, ticket_inbox, ticket_search, ticket_visible_to

pytestmark = pytest.mark.django_db


# --- who sees what ------------------------------------------------------------------------


def test_an_agent_inbox_shows_their_stores_tickets_and_not_other_stores(agent_eu, ticket_eu, ticket_us):
    assert list(ticket_inbox(user=agent_eu)) == [ticket_eu]


def test_an_agent_can_open_a_ticket_of_their_store(agent_eu, ticket_eu):
    assert ticket_get_for_agent(user=agent_eu, ticket_id=ticket_eu.pk) == ticket_eu


def test_an_agent_cannot_open_a_ticket_of_another_store_as_if_it_did_not_exist(agent_eu, ticket_us):
    with pytest.raises(Ticket.DoesNotExist):
        ticket_get_for_agent(user=agent_eu, ticket_id=ticket_us.pk)


def test_tickets_visible_to_an_agent_exclude_other_stores(agent_us, ticket_eu, ticket_us):
    visible = ticket_visible_to(user=agent_us)

    assert ticket_us in visible
    assert ticket_eu not in visible


def test_a_manager_sees_the_tickets_of_every_store(manager, ticket_eu, ticket_us):
    assert set(ticket_inbox(user=manager)) == {ticket_eu, ticket_us}
    assert ticket_get_for_agent(user=manager, ticket_id=ticket_us.pk) == ticket_us


def test_a_team_lead_sees_their_teams_tickets_only(lead_eu, ticket_eu, ticket_us):
    assert list(ticket_inbox(user=lead_eu)) == [ticket_eu]
    with pytest.raises(Ticket.DoesNotExist):
        ticket_get_for_agent(user=lead_eu, ticket_id=ticket_us.pk)


def test_a_ticket_of_a_covered_store_is_visible_even_before_it_is_routed_to_a_team(agent_eu, store_eu):
    unrouted = TicketFactory(store=store_eu, team=None)

    assert list(ticket_visible_to(user=agent_eu)) == [unrouted]


def test_an_agent_in_no_team_sees_no_ticket(ticket_eu, ticket_us):
    loner = UserFactory(groups=[Group.objects.get(name="Agent")])
    AgentProfileFactory(user=loner, teams=[])

    assert list(ticket_inbox(user=loner)) == []
    with pytest.raises(Ticket.DoesNotExist):
        ticket_get_for_agent(user=loner, ticket_id=ticket_eu.pk)


def test_a_deactivated_agent_sees_no_ticket(agent_eu, ticket_eu):
    agent_eu.is_active = False
    agent_eu.save(update_fields=["is_active"])

    assert list(ticket_inbox(user=agent_eu)) == []
    with pytest.raises(Ticket.DoesNotExist):
        ticket_get_for_agent(user=agent_eu, ticket_id=ticket_eu.pk)


def test_the_mine_view_lists_open_tickets_assigned_to_the_agent(agent_eu, store_eu, team_eu):
    mine = TicketFactory(store=store_eu, team=team_eu, assignee=agent_eu, status=Ticket.Status.OPEN)
    TicketFactory(store=store_eu, team=team_eu, assignee=None, status=Ticket.Status.NEW)
    TicketFactory(store=store_eu, team=team_eu, assignee=agent_eu, status=Ticket.Status.SOLVED)

    assert list(ticket_inbox(user=agent_eu, view="mine")) == [mine]


def test_the_inbox_puts_the_most_urgent_ticket_first(agent_eu, store_eu, team_eu):
    low = TicketFactory(store=store_eu, team=team_eu, priority=1)
    urgent = TicketFactory(store=store_eu, team=team_eu, priority=4)

    assert list(ticket_inbox(user=agent_eu)) == [urgent, low]


# --- search -------------------------------------------------------------------------------


@pytest.fixture
def refund_ticket(store_eu, team_eu):
    ticket = TicketFactory(
        store=store_eu, team=team_eu, reference="HD907311", subject="Lampe flackert nach zwei Tagen"
    )
    MessageFactory(
        ticket=ticket,
        subject="Lampe flackert nach zwei Tagen",
        body_text="Hello, the lamp flickers constantly. I would like a refund please.",
    )
    return ticket


@pytest.fixture
def other_ticket(store_eu, team_eu):
    ticket = TicketFactory(store=store_eu, team=team_eu, reference="HD907312", subject="Invoice for order")
    MessageFactory(ticket=ticket, subject="Invoice for order", body_text="Could you send me a VAT invoice?")
    return ticket


@pytest.fixture(params=["rare term", "common term"])
def search_plan(request, monkeypatch):
    """Both PostgreSQL plans (gather the matches / walk the inbox order) must find the same tickets."""
    from tickets import selectors

    monkeypatch.setattr(selectors, "SEARCH_SEMI_JOIN_ROWS", 10**9 if request.param == "rare term" else 0)
    return request.param


def test_search_finds_a_ticket_by_a_word_in_a_message(refund_ticket, other_ticket, search_plan):
    assert list(ticket_search(queryset=Ticket.objects.all(), query="refund")) == [refund_ticket]


def test_search_finds_a_ticket_by_its_subject(refund_ticket, other_ticket, search_plan):
    assert list(ticket_search(queryset=Ticket.objects.all(), query="flackert")) == [refund_ticket]


def test_search_finds_a_ticket_by_its_reference(refund_ticket, other_ticket, search_plan):
    assert list(ticket_search(queryset=Ticket.objects.all(), query="HD907312")) == [other_ticket]


def test_search_finds_nothing_for_an_unrelated_word(refund_ticket, other_ticket, search_plan):
    assert list(ticket_search(queryset=Ticket.objects.all(), query="umbrella")) == []


def test_an_empty_search_leaves_the_list_alone(refund_ticket, other_ticket, search_plan):
    assert set(ticket_search(queryset=Ticket.objects.all(), query="   ")) == {refund_ticket, other_ticket}


def test_search_lists_a_ticket_once_however_many_messages_match(refund_ticket, other_ticket, search_plan):
    MessageFactory(ticket=refund_ticket, body_text="Still waiting for my refund.")

    assert list(ticket_search(queryset=Ticket.objects.all(), query="refund")) == [refund_ticket]


def test_inbox_search_stays_within_the_agents_stores(agent_us, refund_ticket, store_us, team_us):
    us_ticket = TicketFactory(store=store_us, team=team_us, subject="Refund please")
    MessageFactory(ticket=us_ticket, body_text="I want a refund for the broken lamp.")

    assert list(ticket_inbox(user=agent_us, query="refund")) == [us_ticket]
