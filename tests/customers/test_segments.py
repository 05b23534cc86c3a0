"""Automatic tags and RFM segments on controlled data, and the nightly task run twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from customers.models import CustomerTag, Order, Tag
from customers.tasks import customer_tags_recompute
from tests.factories import CustomerFactory, OrderFactory, ReturnRequestFactory, TicketFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _buyer(store, name: str, *, orders: int, last_days_ago: int):
    customer = CustomerFactory(display_name=name)
    for n in range(orders):
        OrderFactory(
            store=store,
            customer=customer,
            placed_at=NOW - timedelta(days=last_days_ago + 30 * n),
            total=Decimal("250.00"),
        )
    return customer


def _tags(customer) -> set[str]:
    return set(CustomerTag.objects.filter(customer=customer).values_list("tag__slug", flat=True))


@pytest.fixture
def buyers(store_eu):
    with time_machine.travel(NOW, tick=False):
        cast = {
            "champion": _buyer(store_eu, "Champion", orders=5, last_days_ago=1),
            "loyal": _buyer(store_eu, "Loyal", orders=3, last_days_ago=5),
            "newcomer": _buyer(store_eu, "Newcomer", orders=1, last_days_ago=10),
            "slipping": _buyer(store_eu, "Slipping", orders=4, last_days_ago=100),
            "gone": _buyer(store_eu, "Gone", orders=2, last_days_ago=400),
        }
        # A cancelled order is no purchase: the newcomer stays a first-time buyer.
        OrderFactory(
            store=store_eu, customer=cast["newcomer"], status=Order.Status.CANCELLED, total=Decimal("999")
        )
        for order in cast["loyal"].orders.all():
            ReturnRequestFactory(store=store_eu, order=order)
    for days in (3, 20, 60):
        with time_machine.travel(NOW - timedelta(days=days), tick=False):
            TicketFactory(store=store_eu, customer=cast["gone"], sentiment="negative")
    # Three complaints, but one outside the 180-day window: not a frequent complainer.
    for days in (3, 20, 400):
        with time_machine.travel(NOW - timedelta(days=days), tick=False):
            TicketFactory(store=store_eu, customer=cast["champion"], intent="damaged_item")
    return cast


def test_rfm_segments_and_rule_tags_on_controlled_data(buyers):
    with time_machine.travel(NOW, tick=False):
        result = customer_tags_recompute()

    assert _tags(buyers["champion"]) == {"champions", "vip", "high-value"}
    assert _tags(buyers["loyal"]) == {"loyal", "serial-returner"}
    assert _tags(buyers["newcomer"]) == {"potential", "first-time-buyer"}
    assert _tags(buyers["slipping"]) == {"at-risk"}
    assert _tags(buyers["gone"]) == {"lost", "frequent-complainer"}
    champion = CustomerTag.objects.get(customer=buyers["champion"], tag__slug="champions")
    assert champion.reason.startswith("RFM 5-5-5: 5 orders, last on 2026-05-31, spent 1250")
    assert champion.set_at == NOW
    assert champion.tag.kind == Tag.Kind.AUTOMATIC
    assert CustomerTag.objects.get(customer=buyers["loyal"], tag__slug="serial-returner").reason == (
        "3 returns for 3 orders"
    )
    assert result["members"]["lost"] == 1


def test_recompute_twice_changes_nothing_and_keeps_the_date_set(buyers):
    with time_machine.travel(NOW, tick=False):
        first = customer_tags_recompute()
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        second = customer_tags_recompute()

    assert first["added"] == 10
    assert (second["added"], second["removed"]) == (0, 0)
    assert set(CustomerTag.objects.values_list("set_at", flat=True)) == {NOW}


def test_rules_drop_tags_that_no_longer_hold_but_keep_an_agents(buyers, store_eu, agent_eu):
    with time_machine.travel(NOW, tick=False):
        customer_tags_recompute()
    vip = Tag.objects.get(slug="vip")
    CustomerTag.objects.create(customer=buyers["slipping"], tag=vip, reason="Key account", set_by=agent_eu)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        OrderFactory(store=store_eu, customer=buyers["newcomer"], placed_at=NOW + timedelta(days=2))
        result = customer_tags_recompute()

    assert "first-time-buyer" not in _tags(buyers["newcomer"])
    assert "vip" in _tags(buyers["slipping"])
    assert result["removed"] >= 1
