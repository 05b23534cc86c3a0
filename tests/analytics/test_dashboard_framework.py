"""The shared dashboard machinery: the filter bar, scoping, CSV export, and the page itself."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from analytics.dashboards import DASHBOARDS, Entry, register
from analytics.filters import DEFAULT_DAYS, filters_from_query
from tests.factories import CustomerFactory, SeasonalRuleSetFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def example_dashboard():
    """A dashboard of the framework's own, so these tests do not depend on a real one's figures."""
    register(Entry("example", "Example", "tests.analytics.example_dashboard"))
    yield
    DASHBOARDS.pop("example", None)


def _query(**values: str) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(values)
    return query


def test_no_filters_means_the_last_thirty_days_up_to_today(manager):
    filters, form = filters_from_query(_query(), user=manager)
    assert filters.end == timezone.localdate()
    assert filters.days == DEFAULT_DAYS
    assert not form.errors


def test_a_reversed_range_is_reported_and_ignored(manager):
    filters, form = filters_from_query(_query(start="2026-05-10", end="2026-05-01"), user=manager)
    assert "end" in form.errors
    assert filters.start == dt.date(2026, 5, 10)
    assert filters.end >= filters.start


def test_a_bad_country_is_reported_and_the_rest_applies(manager, store_eu):
    filters, form = filters_from_query(_query(country="Germany", channel="email"), user=manager)
    assert "country" in form.errors
    assert filters.country == ""
    assert filters.channel == "email"


def test_filters_narrow_tickets_by_each_dimension(manager, store_eu, store_us, team_eu):
    now = timezone.now()
    german = CustomerFactory(country="DE")
    kept = TicketFactory(
        store=store_eu, team=team_eu, customer=german, channel="email", language="de", created_at=now
    )
    TicketFactory(store=store_us, channel="email", language="de", created_at=now)  # other store
    TicketFactory(
        store=store_eu, team=team_eu, customer=german, channel="chat", language="de", created_at=now
    )
    TicketFactory(
        store=store_eu, team=team_eu, customer=german, channel="email", language="fr", created_at=now
    )
    TicketFactory(
        store=store_eu,
        team=team_eu,
        customer=german,
        channel="email",
        language="de",
        created_at=now - dt.timedelta(days=40),
    )  # before the period
    query = _query(store=str(store_eu.pk), channel="email", language="de", country="DE", team=str(team_eu.pk))
    filters, form = filters_from_query(query, user=manager)
    assert not form.errors, form.errors
    assert list(filters.tickets()) == [kept]


def test_an_agent_sees_only_the_stores_of_their_teams(agent_eu, store_eu, store_us):
    mine = TicketFactory(store=store_eu)
    TicketFactory(store=store_us)
    filters, _ = filters_from_query(_query(), user=agent_eu)
    assert list(filters.tickets()) == [mine]
    # Asking for another store's id is refused and shows nothing of it.
    filters, form = filters_from_query(_query(store=str(store_us.pk)), user=agent_eu)
    assert "store" in form.errors
    assert list(filters.tickets()) == [mine]


def test_a_rule_set_sets_the_period_stores_and_markets(manager, store_eu, store_us):
    start = timezone.now() - dt.timedelta(days=60)
    rule_set = SeasonalRuleSetFactory(prepare_from=start, markets=["DE"], stores=[store_eu])
    inside = TicketFactory(
        store=store_eu,
        customer=CustomerFactory(country="DE"),
        created_at=rule_set.peak_from + dt.timedelta(hours=3),
    )
    TicketFactory(
        store=store_eu,
        customer=CustomerFactory(country="FR"),
        created_at=rule_set.peak_from + dt.timedelta(hours=3),
    )  # another market
    TicketFactory(
        store=store_us,
        customer=CustomerFactory(country="DE"),
        created_at=rule_set.peak_from + dt.timedelta(hours=3),
    )  # not the rule set's store
    TicketFactory(
        store=store_eu,
        customer=CustomerFactory(country="DE"),
        created_at=rule_set.review_until + dt.timedelta(days=2),
    )  # after the review phase
    filters, _ = filters_from_query(_query(rule_set=str(rule_set.pk)), user=manager)
    assert filters.start == timezone.localtime(rule_set.prepare_from).date()
    assert list(filters.tickets()) == [inside]


def test_the_page_renders_charts_data_and_tables(client, manager, store_eu):
    TicketFactory(store=store_eu, channel="chat")
    client.force_login(manager)
    response = client.get(reverse("analytics:dashboard", args=["example"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="per-day"' in html
    assert "dashboard-charts" in html
    assert "Download CSV" in html


def test_a_table_downloads_as_csv_with_the_filters_applied(client, manager, store_eu):
    TicketFactory(store=store_eu, channel="chat")
    TicketFactory(store=store_eu, channel="chat")
    TicketFactory(store=store_eu, channel="email", subject="=HYPERLINK(evil)")
    client.force_login(manager)
    response = client.get(
        reverse("analytics:dashboard", args=["example"]), {"export": "by-channel", "channel": "chat"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Channel", "Tickets"]
    assert rows[1:] == [["Chat", "2"]]


def test_an_unknown_dashboard_or_table_is_a_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("analytics:dashboard", args=["nope"])).status_code == 404
    assert client.get(reverse("analytics:dashboard", args=["example"]), {"export": "nope"}).status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("analytics:dashboard", args=["example"]))
    assert response.status_code == 302
