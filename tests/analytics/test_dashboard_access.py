"""Who may see the analytics pages: team leads and managers; agents get a 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analytics.dashboards import dashboards_in_order

pytestmark = pytest.mark.django_db

MINE = ("volume", "team", "automation")


def test_every_dashboard_needs_the_permission_by_default():
    entries = {entry.slug: entry for entry in dashboards_in_order()}
    assert all(entries[slug].permission == "analytics.view_dashboards" for slug in MINE)


@pytest.mark.parametrize("slug", MINE)
def test_an_agent_gets_403(client, agent_eu, slug):
    client.force_login(agent_eu)
    assert client.get(reverse("analytics:dashboard", args=[slug])).status_code == 403


def test_an_agent_may_not_open_the_overview_either(client, agent_eu):
    client.force_login(agent_eu)
    assert client.get(reverse("analytics:overview")).status_code == 403


@pytest.mark.parametrize("slug", MINE)
def test_a_team_lead_and_a_manager_see_the_dashboards(client, lead_eu, manager, slug):
    for user in (lead_eu, manager):
        client.force_login(user)
        response = client.get(reverse("analytics:dashboard", args=[slug]))
        assert response.status_code == 200, (user, slug)
        assert "dashboard-charts" in response.content.decode()


def test_the_tabs_list_the_dashboards_to_those_who_may_see_them(client, manager):
    client.force_login(manager)
    html = client.get(reverse("analytics:overview")).content.decode()
    for slug in MINE:
        assert reverse("analytics:dashboard", args=[slug]) in html
