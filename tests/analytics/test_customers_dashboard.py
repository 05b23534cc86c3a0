"""The customers dashboard: CSAT and NPS trends, complaints by country, segments — hand-counted."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.http import QueryDict
from django.urls import reverse

from analytics.dashboards.customers import build
from analytics.filters import filters_from_query
from analytics.services import rollups_refresh
from customers.models import CustomerTag, Tag
from tests.factories import (
    CustomerFactory,
    CustomerTagFactory,
    OrderFactory,
    SurveyFactory,
    SurveyResponseFactory,
    TagFactory,
    TicketEventFactory,
    TicketFactory,
)
from tickets.models import Survey

pytestmark = pytest.mark.django_db

MAY = {"start": "2026-05-01", "end": "2026-05-31"}
# May 2026 starts on a Friday: its weeks start on Monday 27 April, 4, 11, 18 and 25 May.
WEEKS = ["2026-04-27", "2026-05-04", "2026-05-11", "2026-05-18", "2026-05-25"]


def _at(month, day):
    return dt.datetime(2026, month, day, 12, tzinfo=dt.UTC)


def _filters(user, **values):
    query = QueryDict(mutable=True)
    query.update({**MAY, **values})
    filters, form = filters_from_query(query, user=user)
    assert not form.errors, form.errors
    return filters


def _answer(store, kind, score, when):
    survey = SurveyFactory(ticket=TicketFactory(store=store), kind=kind, status=Survey.Status.ANSWERED)
    return SurveyResponseFactory(survey=survey, score=score, responded_at=when)


def test_csat_and_nps_per_week(manager, store_eu):
    for score in (5, 4, 2):
        _answer(store_eu, Survey.Kind.CSAT, score, _at(5, 5))
    _answer(store_eu, Survey.Kind.CSAT, 3, _at(5, 20))
    _answer(store_eu, Survey.Kind.CSAT, 1, _at(4, 20))  # before the period
    for score in (10, 9, 7, 3):
        _answer(store_eu, Survey.Kind.NPS, score, _at(5, 12))
    _answer(store_eu, Survey.Kind.NPS, 6, _at(5, 26))

    page = build(_filters(manager))
    rows = page.table("satisfaction").rows
    assert [row["period"].isoformat() for row in rows] == WEEKS
    by_week = {row["period"].isoformat(): row for row in rows}
    assert by_week["2026-05-04"]["csat_answers"] == 3
    assert by_week["2026-05-04"]["csat_average"] == pytest.approx(11 / 3)
    assert by_week["2026-05-04"]["satisfied_share"] == pytest.approx(2 / 3)
    assert by_week["2026-05-18"]["satisfied_share"] == 0
    assert by_week["2026-04-27"]["csat_average"] is None  # no answers that week: a gap, not a zero
    assert (by_week["2026-05-11"]["promoters"], by_week["2026-05-11"]["detractors"]) == (2, 1)
    assert by_week["2026-05-11"]["nps"] == pytest.approx(25)
    assert by_week["2026-05-25"]["nps"] == pytest.approx(-100)

    kpis = {str(kpi.label): kpi.value for kpi in page.kpis}
    assert kpis["CSAT average"] == "3.50"
    assert kpis["Satisfied (4–5)"] == "50.0 %"
    assert kpis["NPS"] == "+0"  # 2 promoters and 2 detractors of 5
    chart = next(chart for chart in page.charts if chart.key == "nps")
    assert list(chart.datasets[0].data) == [None, None, 25, None, -100]


def test_csat_follows_the_store_filter(manager, store_eu, store_us):
    _answer(store_eu, Survey.Kind.CSAT, 5, _at(5, 5))
    _answer(store_us, Survey.Kind.CSAT, 1, _at(5, 5))
    page = build(_filters(manager, store=str(store_eu.pk)))
    assert {str(kpi.label): kpi.value for kpi in page.kpis}["CSAT average"] == "5.00"


def test_a_year_is_shown_per_month(manager, store_eu):
    _answer(store_eu, Survey.Kind.CSAT, 4, _at(5, 5))
    page = build(_filters(manager, start="2026-01-01", end="2026-12-31"))
    rows = page.table("satisfaction").rows
    assert len(rows) == 12
    assert rows[4]["period"] == dt.date(2026, 5, 1)
    assert rows[4]["csat_answers"] == 1


@pytest.fixture(params=["live", "rollup"])
def complaints(request, store_eu):
    german = [OrderFactory(store=store_eu, shipping_country="DE", placed_at=_at(5, 3)) for _ in range(4)]
    french = [OrderFactory(store=store_eu, shipping_country="FR", placed_at=_at(5, 3)) for _ in range(2)]

    def ticket(order, intent, **extra):
        return TicketFactory(store=store_eu, customer=order.customer, order=order, intent=intent, **extra)

    ticket(german[0], "damaged_item")
    ticket(german[0], "not_received")
    ticket(german[1], "wrong_item")
    # None of these count:
    ticket(french[0], "where_is_my_order")  # a question, not a complaint
    notice = ticket(french[1], "not_received")  # the system's own parcel notice
    TicketEventFactory(ticket=notice, data={"source": "parcel_anomaly", "anomaly": "returned"})
    ticket(german[2], "damaged_item", merged_into=ticket(german[2], "damaged_item"))  # a merged duplicate
    april = OrderFactory(store=store_eu, shipping_country="DE", placed_at=_at(4, 10))
    ticket(april, "damaged_item")  # an order from before the period
    if request.param == "rollup":  # the same figures from the daily OrderDay rollup
        rollups_refresh(days=None)
    return german, french


def test_complaints_per_order_by_destination_country(manager, complaints):
    rows = {row["country"]: row for row in build(_filters(manager)).table("complaints-by-country").rows}
    assert (rows["DE"]["orders"], rows["DE"]["complaints"], rows["DE"]["orders_with_complaint"]) == (4, 4, 3)
    assert rows["DE"]["complaints_per_order"] == pytest.approx(4 / 4)
    assert (rows["FR"]["orders"], rows["FR"]["complaints"]) == (2, 0)
    assert rows["FR"]["complaints_per_order"] == 0


def test_complaints_download_as_csv(client, manager, complaints):
    client.force_login(manager)
    response = client.get(
        reverse("analytics:dashboard", args=["customers"]), {**MAY, "export": "complaints-by-country"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Ship-to country",
        "Orders",
        "Complaint tickets",
        "Orders with a complaint",
        "Complaints per order",
    ]
    assert rows[1:] == [["DE", "4", "4", "3", "1.0"], ["FR", "2", "0", "0", "0.0"]]


def _member(slug, set_at, store):
    tag = Tag.objects.filter(slug=slug).first() or TagFactory(
        slug=slug, name=slug.title(), kind=Tag.Kind.AUTOMATIC
    )
    customer = CustomerFactory()
    OrderFactory(store=store, customer=customer)
    link = CustomerTagFactory(customer=customer, tag=tag)
    CustomerTag.objects.filter(pk=link.pk).update(set_at=set_at)  # set_at is stamped on creation
    return link


def test_segments_now_and_entries_per_week(manager, store_eu, store_us):
    _member("champions", _at(5, 6), store_eu)
    _member("champions", _at(4, 1), store_us)  # entered before the period
    _member("lost", _at(5, 20), store_eu)
    _member("vip", _at(5, 6), store_eu)
    _member("some-manual-tag", _at(5, 6), store_eu)  # not an automatic tag

    page = build(_filters(manager))
    rows = {row["slug"]: row for row in page.table("segments").rows}
    assert (rows["champions"]["members"], rows["champions"]["entered"]) == (2, 1)
    assert (rows["lost"]["members"], rows["lost"]["entered"]) == (1, 1)
    assert (rows["vip"]["members"], rows["vip"]["kind"]) == (1, "tag")
    assert rows["loyal"]["members"] == 0
    assert "some-manual-tag" not in rows
    entries = {
        dataset.label: list(dataset.data)
        for dataset in next(c for c in page.charts if c.key == "segment-entries").datasets
    }
    assert entries["Champions"] == [0, 1, 0, 0, 0]
    assert entries["Lost"] == [0, 0, 0, 1, 0]


def test_a_team_lead_counts_only_customers_of_their_stores(lead_eu, store_eu, store_us):
    _member("champions", _at(5, 6), store_eu)
    _member("champions", _at(5, 6), store_us)
    rows = {row["slug"]: row for row in build(_filters(lead_eu)).table("segments").rows}
    assert rows["champions"]["members"] == 1


def test_the_page_renders(client, manager, store_eu):
    _answer(store_eu, Survey.Kind.CSAT, 5, _at(5, 5))
    client.force_login(manager)
    response = client.get(reverse("analytics:dashboard", args=["customers"]), MAY)
    assert response.status_code == 200
    assert 'data-chart="csat"' in response.content.decode()


def test_csat_trend_reads_the_same_from_the_daily_rollup(manager, store_eu, store_us, team_eu):
    from analytics.customer_selectors import MONTH, WEEK, csat_trend
    from analytics.services import rollups_refresh

    for store, score, when in (
        (store_eu, 5, _at(5, 5)),
        (store_eu, 4, _at(5, 5)),
        (store_eu, 2, _at(5, 6)),
        (store_us, 3, _at(5, 20)),
        (store_us, 1, _at(4, 20)),
        (store_eu, 5, _at(5, 31)),
    ):
        _answer(store, Survey.Kind.CSAT, score, when)
    _answer(store_eu, Survey.Kind.NPS, 9, _at(5, 5))  # not a CSAT answer
    rollups_refresh(days=None)

    for narrowing in ({}, {"store": str(store_eu.pk)}, {"store": str(store_us.pk)}, {"start": "2026-04-01"}):
        filters = _filters(manager, **narrowing)
        for size in (WEEK, MONTH):
            assert csat_trend(filters, size, rollup=True) == csat_trend(filters, size, rollup=False), (
                narrowing
            )
    weekly = csat_trend(_filters(manager), WEEK, rollup=True)
    assert [row["responses"] for row in weekly] == [0, 3, 0, 1, 1]
    # A team chosen: the live count, since the rollup keeps the team an answer rated.
    filters = _filters(manager, team=str(team_eu.pk))
    assert csat_trend(filters, WEEK) == csat_trend(filters, WEEK, rollup=False)


def test_segment_members_over_time_from_the_nightly_snapshots(manager, lead_eu, store_eu, store_us):
    from analytics.models import SegmentDay
    from analytics.services import segment_days_snapshot

    first = _member("champions", _at(5, 1), store_eu)
    _member("champions", _at(5, 1), store_us)
    assert segment_days_snapshot(now=_at(5, 6)) > 0  # week of 4 May: 2 champions
    assert segment_days_snapshot(now=_at(5, 6)) == SegmentDay.objects.filter(day=dt.date(2026, 5, 6)).count()
    _member("lost", _at(5, 12), store_eu)
    segment_days_snapshot(now=_at(5, 12))  # week of 11 May, early in the week: still 2
    first.delete()  # a champion leaves the segment
    segment_days_snapshot(now=_at(5, 14))  # the week's last snapshot: 1 champion, 1 lost

    page = build(_filters(manager))
    history = {
        dataset.label: list(dataset.data)
        for dataset in next(c for c in page.charts if c.key == "segment-history").datasets
    }
    # Weeks of 27 April, 4, 11, 18 and 25 May; no snapshot: a gap.
    assert history["Champions"] == [None, 2, 1, None, None]
    assert history["Lost"] == [None, 0, 1, None, None]
    # A team lead of the EU store sees its customers only.
    lead_history = {
        dataset.label: list(dataset.data)
        for dataset in next(c for c in build(_filters(lead_eu)).charts if c.key == "segment-history").datasets
    }
    assert lead_history["Champions"] == [None, 1, 0, None, None]
