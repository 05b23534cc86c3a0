"""The three roles exist on a fresh database, each with what its job needs and no more."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def test_the_three_roles_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Agent", "Team lead", "Manager"}


def test_an_agent_can_work_tickets_but_not_see_every_store_or_assign_others(agent_eu):
    assert agent_eu.has_perm("tickets.view_ticket")
    assert agent_eu.has_perm("tickets.change_ticket")
    assert agent_eu.has_perm("tickets.add_message")
    assert not agent_eu.has_perm("tickets.view_all_tickets")
    assert not agent_eu.has_perm("tickets.assign_ticket")


def test_an_agent_cannot_touch_refunds_or_schedules(agent_eu):
    assert not agent_eu.has_perm("returns.add_refund")
    assert not agent_eu.has_perm("django_celery_beat.change_periodictask")


def test_a_team_lead_can_assign_but_not_see_every_store(lead_eu):
    assert lead_eu.has_perm("tickets.assign_ticket")
    assert lead_eu.has_perm("returns.add_refund")
    assert not lead_eu.has_perm("tickets.view_all_tickets")


def test_a_manager_sees_every_store_assigns_and_edits_schedules(manager):
    assert manager.has_perm("tickets.view_all_tickets")
    assert manager.has_perm("tickets.assign_ticket")
    assert manager.has_perm("django_celery_beat.change_periodictask")
    assert manager.has_perm("helpdesk.activate_seasonalruleset")
    assert manager.is_staff
