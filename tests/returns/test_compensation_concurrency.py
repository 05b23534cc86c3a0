"""At once, on PostgreSQL: several tabs answering one offer, several requests offering one tier."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from logistics.models import TrackingStatus
from returns.models import CompensationOffer, Refund
from returns.services.compensation import compensation_offer_accept, compensation_offer_create
from tests.factories import CustomerFactory, OrderFactory, ShipmentFactory, StoreFactory

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 6


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks across connections: run with DATABASE_URL=postgres://...")


def a_badly_late_order():
    store = StoreFactory(currency="EUR")
    order = OrderFactory(
        store=store,
        customer=CustomerFactory(orders_count=1, returns_count=0, claims_count=0),
        currency="EUR",
        total=Decimal("84.70"),
    )
    ShipmentFactory(
        store=store,
        order=order,
        status=TrackingStatus.IN_TRANSIT,
        promised_by=(timezone.now() - dt.timedelta(days=20)).date(),
    )
    return order


def at_once(work, arguments):
    barrier = threading.Barrier(len(arguments))

    def run(argument):
        barrier.wait()
        try:
            return work(argument)
        finally:
            connection.close()

    with ThreadPoolExecutor(len(arguments)) as pool:
        return list(pool.map(run, arguments))


def test_many_tabs_choosing_at_once_record_one_choice_and_at_most_one_refund():
    offer = compensation_offer_create(order=a_badly_late_order(), intent="not_received")
    options = ["full_refund", "wait_with_coupon", "reship_express"] * (THREADS // 3)

    recorded = at_once(lambda option: compensation_offer_accept(offer=offer, option=option).recorded, options)

    assert recorded.count(True) == 1
    offer.refresh_from_db()
    assert offer.status == CompensationOffer.Status.ACCEPTED
    assert Refund.objects.count() == (1 if offer.chosen_option == "full_refund" else 0)


def test_many_full_refund_clicks_at_once_make_one_refund():
    offer = compensation_offer_create(order=a_badly_late_order(), intent="not_received")

    at_once(lambda option: compensation_offer_accept(offer=offer, option=option), ["full_refund"] * THREADS)

    [refund] = Refund.objects.all()
    assert refund.amount == Decimal("84.70")


def test_many_requests_offering_at_once_make_one_offer():
    order = a_badly_late_order()

    offers = at_once(
        lambda _: compensation_offer_create(order=order, intent="not_received").pk, list(range(THREADS))
    )

    assert len(set(offers)) == 1
    assert CompensationOffer.objects.count() == 1
