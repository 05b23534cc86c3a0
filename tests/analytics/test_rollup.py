"""The daily ticket rollup: built once in full, then recounted for recent days only, the same
rows however often it runs; the dashboards read it only when its days are the viewer's days."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from analytics import ticket_selectors
from analytics.dashboards import volume
from analytics.filters import DashboardFilters
from analytics.models import AgentDay, RollupState, TicketDay
from analytics.services import rollups_refresh
from analytics.tasks import rollups_refresh_all, rollups_refresh_recent
from helpdesk.schedule import periodic_tasks
from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate()


def _rows() -> set[tuple]:
    return set(
        TicketDay.objects.values_list(
            "day", "store_id", "channel", "team_id", "language", "created", "solved"
        )
    )


def test_a_second_run_writes_the_same_rows(store_eu, team_eu):
    TicketFactory(store=store_eu, team=team_eu, created_at=NOW - dt.timedelta(days=1), language="de")
    TicketFactory(store=store_eu, created_at=NOW, channel="chat", language="fr")
    assert rollups_refresh(days=None) == 3 * 2  # a TicketDay, an IntentDay and an AgentDay row each
    first = _rows()
    rollups_refresh(days=None)
    rollups_refresh(days=3)
    assert _rows() == first
    assert TicketDay.objects.get(channel="email").team_id == team_eu.pk
    assert TicketDay.objects.get(channel="chat").team_id == 0  # no team
    assert AgentDay.objects.get(channel="email").tickets == 1


def test_the_first_refresh_counts_everything_then_only_recent_days(store_eu):
    old = TicketFactory(store=store_eu, created_at=NOW - dt.timedelta(days=20))
    rollups_refresh(days=3)  # first run: in full whatever was asked
    assert TicketDay.objects.filter(day=TODAY - dt.timedelta(days=20)).exists()
    # An old ticket solved now: its solve is recent and counted; its creation day is not recounted.
    old.solved_at, old.status = NOW, "solved"
    old.save()
    TicketFactory(store=store_eu, created_at=NOW - dt.timedelta(days=20))  # backfilled, old day
    rollups_refresh(days=3)
    assert TicketDay.objects.get(day=TODAY - dt.timedelta(days=20)).created == 1
    assert TicketDay.objects.get(day=TODAY).solved == 1
    rollups_refresh_all()  # the nightly full recount catches the old day
    assert TicketDay.objects.get(day=TODAY - dt.timedelta(days=20)).created == 2
    assert rollups_refresh_recent() >= 1


def test_the_dashboards_read_the_rollup_once_built_and_say_whose_days_it_counts(manager, store_eu):
    TicketFactory(store=store_eu, created_at=NOW - dt.timedelta(days=1))
    filters = DashboardFilters(user=manager, start=TODAY - dt.timedelta(days=6), end=TODAY)
    assert ticket_selectors.rollup_refreshed_at() is None  # never built: count live
    assert not any("rollup" in str(note) for note in volume.build(filters).notes)
    rollups_refresh(days=None)
    assert ticket_selectors.rollup_refreshed_at() is not None
    with timezone.override(zoneinfo.ZoneInfo("Asia/Shanghai")):
        notes = " ".join(str(note) for note in volume.build(filters).notes)
    assert "daily rollup (days in UTC)" in notes


def test_rollup_and_live_counts_agree(manager, store_eu, store_us):
    for offset, store, channel in ((1, store_eu, "email"), (2, store_us, "chat"), (2, store_eu, "chat")):
        TicketFactory(store=store, channel=channel, created_at=NOW - dt.timedelta(days=offset))
    rollups_refresh(days=None)
    filters = DashboardFilters(user=manager, start=TODAY - dt.timedelta(days=6), end=TODAY)
    for rollup in (False, True):
        assert ticket_selectors.ticket_totals(filters, rollup=rollup) == {"customer": 3, "proactive": 0}
    from_rollup = ticket_selectors.tickets_per_bucket(filters, hourly=False, rollup=True)
    assert from_rollup == ticket_selectors.tickets_per_bucket(filters, hourly=False)
    assert from_rollup[(TODAY - dt.timedelta(days=2), "chat", False)] == 2


def test_beat_refreshes_it(db):
    tasks = {entry.task: entry for entry in periodic_tasks()}
    assert tasks["analytics.tasks.rollups_refresh_recent"].every_seconds == 600
    assert tasks["analytics.tasks.rollups_refresh_all"].crontab == "0 4 * * *"
    assert not RollupState.objects.exists()
