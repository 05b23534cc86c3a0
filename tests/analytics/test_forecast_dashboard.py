"""The forecast page: hand-checkable figures on a steady history, CSV, cache, and the back-test."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from analytics.dashboards import forecast as forecast_page
from tests.factories import CustomerFactory, TicketEventFactory, TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC)  # a Monday; the forecast starts at 00:00


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def one_ticket_an_hour(store, *, weeks: int, team=None) -> None:
    """Exactly one customer ticket in every hour of the ``weeks`` weeks before NOW's hour."""
    customer = CustomerFactory()
    origin = NOW.replace(minute=0)
    hours = weeks * 7 * 24
    Ticket.objects.bulk_create(
        TicketFactory.build(
            store=store, team=team, customer=customer, created_at=origin - dt.timedelta(hours=hours - index)
        )
        for index in range(hours)
    )


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("analytics:dashboard", args=["forecast"]), params)


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_steady_ticket_an_hour_forecasts_one_an_hour_and_staffs_it(client, manager, store_eu):
    one_ticket_an_hour(store_eu, weeks=3)
    with time_machine.travel(NOW, tick=False):
        response = page(client, manager)
        exported = page(client, manager, export="hourly")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="volume"' in html
    assert 'data-chart="agents"' in html
    kpis = {str(kpi.label): kpi.value for kpi in response.context["page"].kpis}
    assert kpis["Tickets expected, next 7 days"] == "168"
    rows = csv_rows(exported)
    assert len(rows) == 14 * 24
    first = rows[0]
    assert float(first["Forecast"]) == pytest.approx(1.0, abs=0.01)
    # 1 ticket/hour x 6 min = 0.1 Erlang: one agent answers 80 % within 60 min (P(wait) = 0.1),
    # and 30 % shrinkage makes it ceil(1 / 0.7) = 2 to schedule.
    assert first["Agents answering"] == "1"
    assert first["Agents to schedule"] == "2"
    assert float(first["Occupancy"]) == pytest.approx(0.1, abs=0.001)
    # Poisson with mean 1: the 80 % interval is 0..2.
    assert (first["Low"], first["High"]) == ("0.0", "2.0")


def test_a_team_with_its_own_handle_time_needs_more_agents(client, manager, store_eu, team_eu, settings):
    settings.FORECAST_HANDLE_MINUTES_BY_TEAM = {team_eu.slug: 45}
    one_ticket_an_hour(store_eu, weeks=3, team=team_eu)
    with time_machine.travel(NOW, tick=False):
        response = page(client, manager, team=str(team_eu.pk))
        exported = page(client, manager, team=str(team_eu.pk), export="hourly")
    assert exported.status_code == 200, response.content.decode()[-3000:]
    rows = csv_rows(exported)
    # 1 ticket/hour x 45 min = 0.75 Erlang: one agent answers only 46 % within 60 min, two answer
    # 96 %; with 30 % shrinkage ceil(2 / 0.7) = 3 are scheduled.
    assert (rows[0]["Agents answering"], rows[0]["Agents to schedule"]) == ("2", "3")
    notes = " ".join(str(note) for note in response.context["page"].notes)
    assert "45 agent minutes per ticket (this team's setting)" in notes


def test_the_manager_sets_the_staffing_target_on_the_page(client, manager, store_eu):
    one_ticket_an_hour(store_eu, weeks=3)
    with time_machine.travel(NOW, tick=False):
        response = page(client, manager, handle_minutes="45", shrinkage="0")
        exported = page(client, manager, handle_minutes="45", shrinkage="0", export="hourly")
        refused = page(client, manager, service_level="120")
    # 0.75 Erlang needs two agents to answer 80 % within the hour; no shrinkage: two to schedule.
    rows = csv_rows(exported)
    assert (rows[0]["Agents answering"], rows[0]["Agents to schedule"]) == ("2", "2")
    assert 'name="handle_minutes"' in response.content.decode()
    # The CSV link carries the chosen target, so the download matches the page.
    assert "handle_minutes=45" in response.context["base_query"]
    # A bad value is reported and the default used.
    assert "service_level" in refused.context["options_form"].errors
    assert refused.context["filters"].options["service_level"] == 80


def test_proactive_notices_and_other_stores_do_not_raise_the_forecast(client, manager, store_eu, store_us):
    one_ticket_an_hour(store_eu, weeks=3)
    one_ticket_an_hour(store_us, weeks=3)  # another store than the one chosen
    for ticket in Ticket.objects.filter(store=store_eu).order_by("created_at")[:: 24 * 7]:
        twin = TicketFactory(store=store_eu, created_at=ticket.created_at)
        TicketEventFactory(ticket=twin, data={"source": "parcel_anomaly", "notice_only": True})
    with time_machine.travel(NOW, tick=False):
        response = page(client, manager, store=str(store_eu.pk))
    kpis = {str(kpi.label): kpi.value for kpi in response.context["page"].kpis}
    assert kpis["Tickets expected, next 7 days"] == "168"


def test_a_past_period_shows_the_forecast_beside_what_arrived(client, manager, store_eu):
    one_ticket_an_hour(store_eu, weeks=4)
    with time_machine.travel(NOW, tick=False):
        exported = page(client, manager, start="2026-02-01", end="2026-02-20", export="hourly")
    rows = csv_rows(exported)
    # The period ends on 20 February (UTC here): the forecast starts at midnight after it.
    assert rows[0]["Hour"] == "2026-02-21 00:00"
    assert rows[0]["Arrived"] == "1"
    # Nothing arrived after NOW yet: those hours have no actual.
    after_now = [row for row in rows if row["Hour"] >= "2026-03-02 00:00"]
    assert after_now
    assert all(row["Arrived"] == "" for row in after_now)


def test_the_fit_is_cached_per_filters_and_hour(client, manager, store_eu, monkeypatch):
    one_ticket_an_hour(store_eu, weeks=3)
    fits = []
    original = forecast_page._compute
    monkeypatch.setattr(forecast_page, "_compute", lambda *args: fits.append(args) or original(*args))
    with time_machine.travel(NOW, tick=False):
        page(client, manager)
        page(client, manager)  # the same filters in the same hour: from the cache
        page(client, manager, store=str(store_eu.pk))  # other filters: a fit of their own
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        page(client, manager)  # a new hour: refitted with the hour that just ended
    assert len(fits) == 3


def test_too_little_history_says_so(client, manager, store_eu):
    one_ticket_an_hour(store_eu, weeks=1)
    with time_machine.travel(NOW, tick=False):
        response = page(client, manager)
    assert response.status_code == 200
    assert "at least two weeks" in response.content.decode()


def test_the_backtest_table_and_command_report_model_and_baseline(client, manager, store_eu):
    # Six weeks of a weekday-only pattern: two tickets in each weekday hour, none at weekends.
    customer = CustomerFactory()
    origin = NOW.replace(minute=0)
    hours = [origin - dt.timedelta(hours=offset) for offset in range(1, 12 * 7 * 24 + 1)]
    Ticket.objects.bulk_create(
        TicketFactory.build(store=store_eu, customer=customer, created_at=hour + dt.timedelta(minutes=minute))
        for hour in hours
        if hour.weekday() < 5
        for minute in (10, 40)
    )
    with time_machine.travel(NOW, tick=False):
        exported = page(client, manager, export="backtest")
        out = io.StringIO()
        call_command("forecast_backtest", stdout=out)

    rows = csv_rows(exported)
    assert [row["Week from"] for row in rows][-1] == "Overall"
    assert len(rows) == 5
    overall = rows[-1]
    # A perfectly regular history: the model is exact, and so is the same hour last week.
    assert float(overall["MAE, model"]) == pytest.approx(0, abs=0.01)
    assert float(overall["MAE, same hour last week"]) == pytest.approx(0, abs=0.01)
    report = out.getvalue()
    assert "overall" in report
    assert "seasonal naive" in report
