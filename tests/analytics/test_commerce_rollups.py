"""The order-line rollup (``OrderLineDay``) behind the returns dashboard: the same figures as the
live count, and a refresh that can run twice."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.customer_selectors import complaints_by_country
from analytics.models import OrderDay, OrderLineDay, RollupState
from analytics.returns_selectors import order_line_rollup_fresh, previous_totals, return_rates
from analytics.services import rollups_refresh
from customers.models import Order
from tests.analytics.test_returns_dashboard import IN_APRIL, IN_MAY, _complain, _filters, _return, _sell
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory, TicketFactory

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
