"""The order-line rollup (``OrderLineDay``) behind the returns dashboard: the same figures as the
live count, and a refresh that can run twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.customer_selectors import complaints_by_country
from analytics.lane_services import lane_rollups_refresh
from analytics.models import OrderDay, OrderLineDay, ReturnLineDay, RollupState
from analytics.returns_selectors import (
    order_line_rollup_fresh,
    previous_totals,
    return_line_rollup_fresh,
    return_rates,
)
from analytics.services import rollups_refresh
from customers.models import Order, OrderLine
from returns.models import ReturnReason, ReturnRequest
from tests.analytics.test_returns_dashboard import IN_APRIL, IN_MAY, _complain, _filters, _return, _sell
from tests.factories import (
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    ReturnLineFactory,
    ReturnRequestFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(store_eu, store_us):
    lamp = ProductFactory(store=store_eu, sku="LAMP", category="lighting")
    pan = ProductFactory(store=store_us, sku="PAN", category="kitchen")
    lamps = _sell(lamp, orders=5, quantity=3)
    _return(lamps[0])
    _complain(lamps[1])
    _sell(pan, orders=4, placed_at=IN_MAY + dt.timedelta(days=9))
    _sell(pan, orders=2, placed_at=IN_APRIL)
    _sell(lamp, orders=2, status=Order.Status.CANCELLED)
    # A line whose product record is gone counts by SKU only.
    orphan = OrderFactory(store=store_eu, placed_at=IN_MAY, shipping_country="FR")
    OrderLineFactory(order=orphan, product=None, sku="GONE", quantity=7)
    return {"lamp": lamp, "pan": pan}


def _figures(filters, *, rollup):
    rates = return_rates(filters, rollup=rollup)
    return rates.totals, rates.products, rates.skus, rates.categories, rates.reasons


def test_the_rollup_gives_the_live_figures(manager, sales, store_us):
    rollups_refresh(days=None)
    assert order_line_rollup_fresh()
    for filters in (_filters(manager), _filters(manager, store=str(store_us.pk))):
        assert _figures(filters, rollup=True) == _figures(filters, rollup=False)
    totals = return_rates(_filters(manager), rollup=True).totals
    assert (totals.units_sold, totals.units_returned) == (15 + 4 + 7, 1)


def test_the_previous_period_reads_the_same_from_the_rollup(manager, sales):
    live = previous_totals(_filters(manager))
    rollups_refresh(days=None)
    assert previous_totals(_filters(manager)) == live
    assert live.units_sold == 2


def test_refreshing_twice_gives_the_same_rows(sales):
    rollups_refresh(days=None)
    fields = ("day", "store_id", "country", "product_id", "sku", "units_sold", "lines", "complained_lines")
    first = sorted(OrderLineDay.objects.values_list(*fields))
    rollups_refresh(days=None)
    assert sorted(OrderLineDay.objects.values_list(*fields)) == first
    rollups_refresh(days=3)
    assert sorted(OrderLineDay.objects.values_list(*fields)) == first
    assert RollupState.objects.get(name=RollupState.ORDER_LINES).refreshed_at is not None


def test_without_a_refresh_the_figures_are_counted_live(manager, sales):
    assert not order_line_rollup_fresh()
    assert return_rates(_filters(manager)).totals.units_sold == 26


def test_complaints_by_country_read_the_same_from_the_rollup(manager, sales, store_eu):
    german = OrderFactory(store=store_eu, shipping_country="DE", placed_at=IN_MAY)
    TicketFactory(store=store_eu, customer=german.customer, order=german, intent="not_received")
    TicketFactory(store=store_eu, customer=german.customer, order=german, intent="damaged_item")
    live = complaints_by_country(_filters(manager), rollup=False)
    rollups_refresh(days=None)
    assert complaints_by_country(_filters(manager), rollup=True) == live
    de = next(row for row in live if row["country"] == "DE")
    # The two above and the lamp complaint of `sales` (shipped to DE as well).
    assert (de["complaints"], de["orders_with_complaint"]) == (3, 2)
    fields = ("day", "store_id", "country", "orders", "complaints", "orders_with_complaint")
    first = sorted(OrderDay.objects.values_list(*fields))
    rollups_refresh(days=None)
    assert sorted(OrderDay.objects.values_list(*fields)) == first


@pytest.mark.parametrize(
    ("slug", "source"),
    [
        ("returns", "daily order-line rollup"),
        ("customers", "daily order rollup"),
        ("logistics", "daily lane and anomaly rollups"),
    ],
)
def test_a_dashboard_says_which_figures_come_from_a_rollup_once_it_reads_one(
    client, manager, sales, slug, source
):
    client.force_login(manager)
    url = reverse("analytics:dashboard", args=[slug])
    assert source not in client.get(url).content.decode()  # counted live: no note

    rollups_refresh(days=None)
    lane_rollups_refresh(days=None)

    page = client.get(url).content.decode()
    assert source in page
    assert "refreshed every 10 minutes" in page


def test_returned_units_from_the_rollup_equal_the_live_ones_and_follow_late_returns(manager, sales, store_eu):
    rollups_refresh(days=None)
    assert return_line_rollup_fresh()
    live = return_rates(_filters(manager), rollup=False)
    assert return_rates(_filters(manager), rollup=True).reasons == live.reasons

    # Weeks after the period: another return of a May order, and the earlier one cancelled.
    lamp_lines = list(OrderLine.objects.filter(product=sales["lamp"], order__status=Order.Status.FULFILLED))
    late = ReturnRequestFactory(store=store_eu, order=lamp_lines[2].order, requested_at=timezone.now())
    ReturnLineFactory(
        return_request=late, order_line=lamp_lines[2], quantity=2, reason=ReturnReason.WRONG_ITEM
    )
    first = ReturnRequest.objects.exclude(pk=late.pk).get()
    first.status = ReturnRequest.Status.CANCELLED
    first.save()

    rollups_refresh(days=3)  # the 10-minute refresh: it recounts the day those orders were placed

    rates = return_rates(_filters(manager), rollup=True)
    assert rates.totals.units_returned == 2
    assert [(row["reason"], row["units"]) for row in rates.reasons] == [(ReturnReason.WRONG_ITEM, 2)]
    assert rates.reasons == return_rates(_filters(manager), rollup=False).reasons
    recent = sorted(ReturnLineDay.objects.values_list("day", "sku", "reason", "requested_day", "units"))
    rollups_refresh(days=None)
    assert (
        sorted(ReturnLineDay.objects.values_list("day", "sku", "reason", "requested_day", "units")) == recent
    )


def test_the_previous_periods_returns_count_up_to_the_same_age_from_the_rollup(manager, store_eu):
    pot = ProductFactory(store=store_eu, sku="POT", category="kitchen")
    april = _sell(pot, orders=3, placed_at=IN_APRIL)
    for line, requested_at in ((april[0], IN_APRIL + dt.timedelta(days=3)), (april[1], timezone.now())):
        request = ReturnRequestFactory(store=store_eu, order=line.order, requested_at=requested_at)
        ReturnLineFactory(return_request=request, order_line=line, quantity=1, reason=ReturnReason.DAMAGED)
    live = previous_totals(_filters(manager))

    rollups_refresh(days=None)

    # Only the return requested within the period's length of its order counts; the one made now
    # is older than May's orders could be.
    assert live.units_returned == 1
    assert previous_totals(_filters(manager)) == live
