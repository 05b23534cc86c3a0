"""Tickets per order from ``OrderTicketDay``: the same figures as the live count over any range of
days, for the filters an order answers (stores, country), and live for the others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from analytics.filters import DashboardFilters
from analytics.models import OrderTicketDay
from analytics.services import rollups_refresh
from analytics.ticket_selectors.volume import OrderTickets, order_ticket_rollup_fresh, tickets_per_order
from tests.factories import CustomerFactory, OrderFactory, TicketEventFactory, TicketFactory
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def at(days_ago: int, hour: int = 10) -> dt.datetime:
    day = TODAY - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def orders(store_eu, store_us):
    """In the last 10 days: order A 2 tickets (and one 20 days ago), B 1, C 3 (two on one day);
    D only 30 days ago; a ticket without an order and a proactive notice on B count nowhere."""
    german, french = CustomerFactory(country="DE"), CustomerFactory(country="FR")
    a = OrderFactory(store=store_eu, customer=german)
    b = OrderFactory(store=store_eu, customer=french)
    c = OrderFactory(store=store_us, customer=german)
    d = OrderFactory(store=store_eu, customer=german)
    for order, days_ago, hour, channel in (
        (a, 20, 9, "email"),
        (a, 5, 9, "email"),
        (a, 2, 9, "chat"),
        (b, 3, 9, "email"),
        (c, 1, 8, "email"),
        (c, 1, 9, "email"),
        (c, 0, 0, "chat"),
        (d, 30, 9, "email"),
    ):
        TicketFactory(
            store=order.store,
            customer=order.customer,
            order=order,
            channel=channel,
            created_at=at(days_ago, hour),
        )
    TicketFactory(store=store_eu, customer=german, order=None, created_at=at(4))
    notice = TicketFactory(store=store_eu, customer=french, order=b, created_at=at(2))
    TicketEventFactory(
        ticket=notice,
        kind=TicketEvent.Kind.CREATED,
        data={"channel": "email", "source": "parcel_anomaly", "anomaly": "late", "notice_only": True},
        created_at=notice.created_at,
    )
    return {"a": a, "b": b, "c": c, "d": d}


def last_days(user, days: int, **narrowing) -> DashboardFilters:
    return DashboardFilters(user=user, start=TODAY - dt.timedelta(days=days - 1), end=TODAY, **narrowing)


def test_the_rollup_counts_distinct_orders_and_orders_with_several_tickets(manager, orders):
    rollups_refresh(days=None)
    assert order_ticket_rollup_fresh()

    figures = tickets_per_order(last_days(manager, 10), rollup=True)

    # Tickets A2 + B1 + C3; orders A, B, C; A and C have two or more in the period.
    assert figures == OrderTickets(tickets_with_order=6, orders=3, orders_with_several=2)
    assert figures.tickets_per_order == pytest.approx(2.0)
    # Over 21 days A's ticket of 20 days ago is inside: still 3 orders, now 7 tickets.
    assert tickets_per_order(last_days(manager, 21), rollup=True) == OrderTickets(7, 3, 2)
    # Over yesterday and today: C's three tickets only.
    assert tickets_per_order(last_days(manager, 2), rollup=True) == OrderTickets(3, 1, 1)
    # Over the last 3 days: A's second ticket is its first there.
    assert tickets_per_order(last_days(manager, 3), rollup=True) == OrderTickets(4, 2, 1)


@pytest.mark.parametrize("days", [1, 2, 3, 6, 10, 21, 31])
def test_rollup_and_live_agree_on_any_range_and_the_orders_own_filters(
    manager, orders, store_eu, store_us, days
):
    rollups_refresh(days=None)
    for narrowing in (
        {},
        {"store_id": store_eu.pk},
        {"store_id": store_us.pk},
        {"country": "FR"},
        {"country": "DE"},
    ):
        filters = last_days(manager, days, **narrowing)
        assert tickets_per_order(filters, rollup=True) == tickets_per_order(filters, rollup=False), narrowing


def test_a_channel_filter_counts_live_because_it_picks_some_of_an_orders_tickets(manager, orders):
    rollups_refresh(days=None)
    filters = last_days(manager, 10, channel="chat")
    # A's chat ticket and C's: two orders, one ticket each.
    assert tickets_per_order(filters) == tickets_per_order(filters, rollup=False) == OrderTickets(2, 2, 0)


def test_a_recent_refresh_adds_new_tickets_and_gives_the_rows_a_full_recount_gives(manager, orders):
    rollups_refresh(days=None)
    older = set(OrderTicketDay.objects.filter(day__lt=TODAY - dt.timedelta(days=2)).values_list())
    b = orders["b"]
    TicketFactory(store=b.store, customer=b.customer, order=b, created_at=timezone.now())

    rollups_refresh(days=3)

    assert tickets_per_order(last_days(manager, 10)) == OrderTickets(7, 3, 3)
    recent = set(
        OrderTicketDay.objects.values_list(
            "day", "store_id", "country", "previous_day", "before_previous_day", "tickets"
        )
    )
    assert set(OrderTicketDay.objects.filter(day__lt=TODAY - dt.timedelta(days=2)).values_list()) == older
    rollups_refresh(days=None)
    assert (
        set(
            OrderTicketDay.objects.values_list(
                "day", "store_id", "country", "previous_day", "before_previous_day", "tickets"
            )
        )
        == recent
    )
