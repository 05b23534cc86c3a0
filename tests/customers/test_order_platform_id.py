"""The connectors find an order's platform-side id from the number agents and buyers write."""

from __future__ import annotations

import pytest

from customers.models import Platform
from customers.selectors import order_platform_id
from helpdesk.platforms.base import connector_for
from helpdesk.platforms.credentials import platform_credential_set
from tests.factories import OrderFactory, StoreFactory

pytestmark = pytest.mark.django_db


def test_the_platform_id_is_that_of_the_stores_order_with_that_number():
    store, other = StoreFactory(), StoreFactory()
    OrderFactory(store=store, external_id="1001", platform_id="55501")
    OrderFactory(store=other, external_id="1002", platform_id="66602")
    OrderFactory(store=store, external_id="1003", platform_id="")  # not synced from the platform

    assert order_platform_id(store=store, numbers=["1001"]) == "55501"
    assert order_platform_id(store=store, numbers=["1002"]) is None  # another store's order
    assert order_platform_id(store=store, numbers=["1003"]) is None
    assert order_platform_id(store=store, numbers=["9999", "1001"]) == "55501"


@pytest.mark.parametrize("typed", ["#1001", "1001"])
def test_a_shopify_order_is_found_with_or_without_its_hash(typed):
    store = StoreFactory(platform=Platform.SHOPIFY)
    OrderFactory(store=store, external_id="#1001", platform_id="4501234")
    platform_credential_set(
        store=store, base_url="https://lumen.myshopify.com", secrets={"access_token": "shpat_test"}
    )

    connector = connector_for(store)

    assert connector is not None
    assert connector.order_id_for_number(typed) == "4501234"  # type: ignore[attr-defined]
