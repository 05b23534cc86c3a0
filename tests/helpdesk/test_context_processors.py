"""The main navigation: each role sees the sections it may open."""

from __future__ import annotations

from django.urls import reverse


def _nav_labels(client, user) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("tickets:inbox"))
    assert response.status_code == 200
    return [str(item["label"]) for item in response.context["main_nav"]]


def test_an_agent_does_not_see_the_analytics_link_that_would_refuse_them(client, agent_eu):
    assert "Analytics" not in _nav_labels(client, agent_eu)
    assert client.get(reverse("analytics:overview")).status_code == 403


def test_leads_and_managers_see_analytics(client, lead_eu, manager):
    assert "Analytics" in _nav_labels(client, lead_eu)
    assert "Analytics" in _nav_labels(client, manager)
