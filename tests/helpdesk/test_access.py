"""Each role sees the stores its teams cover; managers see every store; nobody else sees any."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from customers.models import Order, OrderLine
from helpdesk.access import ALL_STORES, scope_to_user, visible_store_ids
from tests.factories import AgentProfileFactory, OrderFactory, OrderLineFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_agent_sees_the_stores_of_their_team_only(agent_eu, store_eu, store_us, team_us):
    assert visible_store_ids(agent_eu) == frozenset({store_eu.pk})


def test_an_agent_in_two_teams_sees_the_stores_of_both(agent_eu, store_eu, store_us, team_us):
    agent_eu.agent.teams.add(team_us)

    assert visible_store_ids(agent_eu) == frozenset({store_eu.pk, store_us.pk})


def test_a_team_lead_sees_the_stores_of_the_team_they_lead(lead_eu, store_eu, team_us):
    assert visible_store_ids(lead_eu) == frozenset({store_eu.pk})


def test_a_manager_sees_every_store(manager, store_eu, store_us):
    assert visible_store_ids(manager) is ALL_STORES


def test_an_agent_in_no_team_sees_no_store(store_eu, store_us, team_eu, team_us):
    loner = UserFactory(groups=[Group.objects.get(name="Agent")])
    AgentProfileFactory(user=loner, teams=[])

    assert visible_store_ids(loner) == frozenset()


def test_an_agent_in_a_team_that_covers_no_store_sees_no_store(store_eu):
    agent = UserFactory(groups=[Group.objects.get(name="Agent")])
    AgentProfileFactory(user=agent, teams=[TeamFactory(stores=[])])

    assert visible_store_ids(agent) == frozenset()


def test_a_deactivated_agent_sees_no_store(agent_eu):
    agent_eu.is_active = False
    agent_eu.save(update_fields=["is_active"])

    assert visible_store_ids(agent_eu) == frozenset()


def test_a_deactivated_manager_sees_no_store(manager, store_eu):
    manager.is_active = False
    manager.save(update_fields=["is_active"])

    assert visible_store_ids(manager) == frozenset()


def test_an_anonymous_visitor_sees_no_store(store_eu):
    assert visible_store_ids(AnonymousUser()) == frozenset()


def test_scoping_an_order_list_keeps_only_the_agents_stores(agent_eu, store_eu, store_us):
    order_eu = OrderFactory(store=store_eu)
    OrderFactory(store=store_us)

    assert list(scope_to_user(Order.objects.all(), agent_eu)) == [order_eu]


def test_scoping_follows_a_store_field_through_a_relation(agent_eu, store_eu, store_us):
    line_eu = OrderLineFactory(order=OrderFactory(store=store_eu))
    OrderLineFactory(order=OrderFactory(store=store_us))

    scoped = scope_to_user(OrderLine.objects.all(), agent_eu, store_field="order__store")

    assert list(scoped) == [line_eu]


def test_scoping_leaves_a_managers_list_whole(manager, store_eu, store_us):
    OrderFactory(store=store_eu)
    OrderFactory(store=store_us)

    assert scope_to_user(Order.objects.all(), manager).count() == 2
