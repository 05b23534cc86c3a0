"""The volume dashboard: every figure on a small hand-counted set of tickets, live and from the
daily rollup alike."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.dashboards import volume
from analytics.filters import DashboardFilters
from analytics.services import rollups_refresh
from tests.factories import CustomerFactory, OrderFactory, TicketEventFactory, TicketFactory
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
D0 = TODAY - dt.timedelta(days=4)  # the period is D0 .. TODAY, five days


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def day(offset: int) -> dt.date:
    return D0 + dt.timedelta(days=offset)


@pytest.fixture
def tickets(store_eu, store_us):
    german, american, french = (CustomerFactory(country=code) for code in ("DE", "US", "FR"))
    first_order = OrderFactory(store=store_eu, customer=german)
    second_order = OrderFactory(store=store_us, customer=american)
    TicketFactory(  # t1
        store=store_eu,
        customer=german,
        channel="email",
        language="de",
        intent="not_received",
        order=first_order,
        created_at=at(day(0), 10),
        solved_at=at(day(1), 10),
        status="solved",
    )
    TicketFactory(  # t2: the same order again
        store=store_eu,
        customer=german,
        channel="chat",
        language="de",
        intent="where_is_my_order",
        order=first_order,
        created_at=at(day(1), 9),
    )
    TicketFactory(  # t3
        store=store_us,
        customer=american,
        channel="email",
        language="en",
        intent="damaged_item",
        order=second_order,
        created_at=at(day(1), 12),
        solved_at=at(day(3), 12),
        status="solved",
    )
    TicketFactory(  # t4: no order
        store=store_us,
        customer=french,
        channel="chat",
        language="fr",
        intent="other",
        created_at=at(day(4), 8),
    )
    notice = TicketFactory(  # t5: a proactive notice, created solved
        store=store_eu,
        customer=german,
        channel="email",
        language="de",
        intent="customs_duties",
        created_at=at(day(2), 10),
        solved_at=at(day(2), 10),
        status="solved",
    )
    TicketEventFactory(
        ticket=notice,
        kind=TicketEvent.Kind.CREATED,
        data={"channel": "email", "source": "parcel_anomaly", "anomaly": "customs", "notice_only": True},
        created_at=notice.created_at,
    )
    before = D0 - dt.timedelta(days=10)
    TicketFactory(store=store_eu, customer=german, created_at=at(before, 9))  # t6: still open
    TicketFactory(  # t7: solved before the period
        store=store_eu,
        customer=german,
        created_at=at(before, 9),
        solved_at=at(D0 - dt.timedelta(days=5), 9),
        status="solved",
    )
    TicketFactory(  # t8: open when the period starts, solved in it
        store=store_eu,
        customer=german,
        created_at=at(before, 9),
        solved_at=at(day(2), 15),
        status="solved",
    )
    TicketFactory(  # t9: the previous period's only ticket
        store=store_eu,
        customer=german,
        channel="email",
        created_at=at(D0 - dt.timedelta(days=2), 9),
        solved_at=at(D0 - dt.timedelta(days=1), 9),
        status="solved",
    )


@pytest.fixture(params=["live", "rollup"])
def source(request, tickets):
    if request.param == "rollup":
        rollups_refresh(days=None)
    return request.param


def _page(user, start=D0, end=TODAY):
    return volume.build(DashboardFilters(user=user, start=start, end=end))


def _kpis(page) -> dict[str, tuple[str, str]]:
    return {str(kpi.label): (kpi.value, kpi.previous) for kpi in page.kpis}


def _rows(page, key: str) -> dict[str, int]:
    return {row["code"]: row["tickets"] for row in page.table(key).rows}


def test_headline_figures_leave_proactive_tickets_out_and_compare_with_the_period_before(manager, source):
    kpis = _kpis(_page(manager))
    assert kpis["Customer tickets"] == ("4", "1")
    assert kpis["Proactive tickets"] == ("1", "0")
    assert kpis["Tickets per day"] == ("0.8", "0.2")
    # t1 and t2 about one order, t3 about another: 3 tickets / 2 orders; one order of two has 2+.
    assert kpis["Tickets per order"][0] == "1.50"
    assert kpis["Orders with 2+ tickets"][0] == "50.0 %"


def test_tickets_per_day_are_stacked_by_channel_with_proactive_apart(manager, source):
    chart = next(chart for chart in _page(manager).charts if chart.key == "over-time")
    assert chart.labels == [day(offset).isoformat() for offset in range(5)]
    series = {str(dataset.label): list(dataset.data) for dataset in chart.datasets}
    assert series == {
        "E-mail": [1, 1, 0, 0, 0],
        "Chat": [0, 1, 0, 0, 1],
        "Proactive (parcel anomaly)": [0, 0, 1, 0, 0],
    }


def test_breakdowns_by_intent_language_country_and_platform(manager, source):
    page = _page(manager)
    assert _rows(page, "by-intent") == {
        "not_received": 1,
        "where_is_my_order": 1,
        "damaged_item": 1,
        "other": 1,
    }
    assert _rows(page, "by-language") == {"de": 2, "en": 1, "fr": 1}
    assert _rows(page, "by-country") == {"DE": 2, "US": 1, "FR": 1}
    assert _rows(page, "by-platform") == {"amazon": 2, "shopify": 2}
    assert page.table("by-country").rows[0]["code"] == "DE"  # largest first


def test_backlog_counts_open_tickets_at_the_end_of_each_day(manager, source):
    page = _page(manager)
    backlog = [row["open"] for row in page.table("backlog").rows]
    # Opening: t6 and t8. D0 +t1; D1 +t2 +t3 −t1; D2 +t5 −t5 −t8; D3 −t3; D4 +t4.
    assert backlog == [3, 4, 3, 2, 3]
    assert _kpis(page)["Open at the end of the period"] == ("3", "3")


def test_filters_narrow_every_figure(manager, store_us, source):
    page = volume.build(DashboardFilters(user=manager, start=D0, end=TODAY, store_id=store_us.pk))
    assert _kpis(page)["Customer tickets"][0] == "2"
    assert _rows(page, "by-country") == {"US": 1, "FR": 1}
    assert [row["open"] for row in page.table("backlog").rows] == [0, 1, 1, 0, 1]


def test_a_short_period_is_shown_per_hour(manager, tickets):
    page = _page(manager, start=day(1), end=day(2))
    chart = next(chart for chart in page.charts if chart.key == "over-time")
    assert len(chart.labels) == 48
    series = {str(dataset.label): list(dataset.data) for dataset in chart.datasets}
    assert series["Chat"][9] == 1  # t2 at 09:00 on the first day
    assert series["E-mail"][12] == 1  # t3 at 12:00
    assert series["Proactive (parcel anomaly)"][24 + 10] == 1


def test_the_page_renders_and_a_table_downloads_as_csv(client, manager, tickets):
    client.force_login(manager)
    url = reverse("analytics:dashboard", args=["volume"])
    response = client.get(url, {"start": D0.isoformat(), "end": TODAY.isoformat()})
    assert response.status_code == 200
    assert 'data-chart="over-time"' in response.content.decode()
    export = client.get(url, {"start": D0.isoformat(), "end": TODAY.isoformat(), "export": "by-country"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == ["Code", "Country", "Tickets", "Share"]
    assert rows[1] == ["DE", "DE", "2", "0.5"]
