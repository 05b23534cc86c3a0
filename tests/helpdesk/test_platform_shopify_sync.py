"""The Shopify connector against a local shop speaking the Admin REST API 2024-04: order sync
through Link-header cursors and resumable, tracking pushed once through fulfillment orders, the
leaky bucket and 429s, wrong tokens, and the factory's credentials."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customers.models import Order, Platform
from helpdesk.platforms import (
    Capability,
    Connector,
    ConnectorError,
    RefundOrder,
    RetryPolicy,
    connector_for,
    supports,
)
from helpdesk.platforms.credentials import platform_credential_set
from helpdesk.platforms.models import PlatformCall, PlatformSyncCursor
from helpdesk.platforms.shopify import ShopifyConnector
from helpdesk.platforms.sync import platform_orders_sync
from tests.factories import StoreFactory
from tests.helpdesk.fake_shopify import ACCESS_TOKEN, BAD_TOKEN, SHOP, FakeShopify, serve, shopify_order


@pytest.fixture
def shop():
    fake = FakeShopify()
    for n in range(1, 6):
        fake.add_order(shopify_order(5000 + n, number=1000 + n, updated_at=f"2026-11-2{n}T08:00:00-05:00"))
    # a closed order is still an order to know about (status=any)
    fake.orders[5005]["closed_at"] = "2026-11-25T08:00:00-05:00"
    yield from serve(fake)


@pytest.fixture
def store(db):
    return StoreFactory(platform=Platform.SHOPIFY, external_id=SHOP, currency="USD")


@pytest.fixture
def waits():
    return []


def connector(shop, store, waits, *, token=ACCESS_TOKEN, attempts=3, page_limit=2) -> ShopifyConnector:
    return ShopifyConnector(
        shop_url=shop.url,
        access_token=token,
        store_id=store.pk,
        policy=RetryPolicy(max_attempts=attempts, backoff_seconds=1.0, max_wait_seconds=30.0),
        sleep=waits.append,
        page_limit=page_limit,
    )


def order_queries(shop) -> list[dict[str, str]]:
    return [request["query"] for request in shop.requests_to("GET", "orders.json")]


def test_a_sync_follows_the_link_header_over_three_pages_and_stores_every_order_once(shop, store, waits):
    result = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert (result.pages, result.applied, result.caught_up, result.failed) == (3, 5, True, [])
    first, second, third = order_queries(shop)
    assert first == {"status": "any", "limit": "2"}
    # with page_info only limit may be passed, and the token is used as the link gave it
    assert set(second) == set(third) == {"limit", "page_info"}
    assert second["page_info"] != third["page_info"]
    assert all(request["token"] == ACCESS_TOKEN for request in shop.requests)
    orders = Order.objects.filter(store=store).order_by("platform_id")
    assert [order.platform_id for order in orders] == ["5001", "5002", "5003", "5004", "5005"]
    assert [order.external_id for order in orders][:2] == ["#1001", "#1002"]
    assert orders[0].total == Decimal("598.94")
    assert orders[0].customer.email == "buyer1001@example.com"
    assert orders[0].lines.count() == 3
    # the next run starts at the newest change seen (updated_at_min is inclusive)
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor == {
        "updated_at_min": "2026-11-25T08:00:00-05:00"
    }


def test_the_next_sync_brings_only_changed_orders(shop, store, waits):
    platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))
    shop.requests.clear()
    shop.change(5002, updated_at="2026-11-28T09:00:00-05:00", financial_status="refunded")

    result = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))
    again = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert order_queries(shop)[0] == {
        "status": "any",
        "limit": "2",
        "updated_at_min": "2026-11-25T08:00:00-05:00",
    }
    assert (result.applied, result.unchanged) == (1, 1)  # the change; the overlap refetches #1005
    assert Order.objects.get(store=store, platform_id="5002").status == "refunded"
    assert Order.objects.filter(store=store).count() == 5
    assert (again.applied, again.unchanged, again.failed) == (0, 1, [])
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor == {
        "updated_at_min": "2026-11-28T09:00:00-05:00"
    }


def test_a_sync_that_fails_mid_way_resumes_at_the_page_that_failed(shop, store, waits):
    shop.fail_next("GET", "orders.json", 503, times=3, paged=True)

    with pytest.raises(ConnectorError) as failed:
        platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert (failed.value.retryable, failed.value.status_code) == (True, 503)
    assert Order.objects.filter(store=store).count() == 2
    cursor = PlatformSyncCursor.objects.get(store=store, kind="orders").cursor
    assert cursor["page_info"] == order_queries(shop)[1]["page_info"]
    assert cursor["seen_max"] == "2026-11-22T08:00:00-05:00"
    shop.requests.clear()

    result = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert order_queries(shop)[0] == {"limit": "2", "page_info": cursor["page_info"]}
    assert (result.pages, result.applied) == (2, 3)
    assert Order.objects.filter(store=store).count() == 5
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor == {
        "updated_at_min": "2026-11-25T08:00:00-05:00"
    }


def test_a_page_info_shopify_no_longer_knows_restarts_the_pass_at_its_window(shop, store, waits):
    PlatformSyncCursor.objects.create(
        store=store,
        kind="orders",
        cursor={"updated_at_min": "2026-11-24T08:00:00-05:00", "page_info": "expired", "seen_max": ""},
    )

    result = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert order_queries(shop) == [
        {"limit": "2", "page_info": "expired"},
        {"status": "any", "limit": "2", "updated_at_min": "2026-11-24T08:00:00-05:00"},
    ]
    assert result.caught_up
    assert sorted(Order.objects.filter(store=store).values_list("platform_id", flat=True)) == ["5004", "5005"]


def test_a_429_waits_retry_after_and_a_nearly_full_bucket_slows_the_next_call(shop, store, waits):
    shop.fail_next("GET", "orders.json", 429, headers={"Retry-After": "2.0"})
    shop.bucket_levels = [40, 39]  # the 429's answer, then page 1: one call left of 40

    result = platform_orders_sync(store=store, max_pages=2, connector=connector(shop, store, waits))

    # 2 s as Shopify said, then 1.5 s: the bucket leaks 2 calls a second, 4 are kept free
    assert waits == [2.0, 1.5]
    assert result.pages == 2
    assert list(
        PlatformCall.objects.filter(store=store).order_by("pk").values_list("status_code", flat=True)
    ) == [
        429,
        200,
        200,
    ]


def test_a_wrong_access_token_fails_at_once_with_a_clear_error(shop, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits, token="shpat_wrong").sync_orders(cursor={})

    assert (failed.value.retryable, failed.value.status_code) == (False, 401)
    assert "refused the store's credentials" in failed.value.message
    assert BAD_TOKEN in failed.value.message
    assert len(shop.requests) == 1
    assert waits == []


def test_tracking_is_pushed_once_as_a_fulfillment_with_the_number(shop, store, waits):
    shopify = connector(shop, store, waits)

    first = shopify.push_tracking(
        order_external_id="#1003", carrier="DHL Express", number="JD014600001234567"
    )
    again = shopify.push_tracking(
        order_external_id="#1003", carrier="DHL Express", number="JD014600001234567"
    )

    assert first == again
    [fulfillment] = shop.fulfillments[5003]
    assert str(fulfillment["id"]) == first
    assert fulfillment["tracking_numbers"] == ["JD014600001234567"]
    assert fulfillment["tracking_company"] == "DHL Express"
    assert fulfillment["notified"] is True
    [created] = shop.requests_to("POST", "fulfillments.json")
    assert created["body"] == {
        "fulfillment": {
            "line_items_by_fulfillment_order": [{"fulfillment_order_id": 5503}],
            "tracking_info": {"company": "DHL Express", "number": "JD014600001234567"},
            "notify_customer": True,
        }
    }
    assert shop.fulfillment_orders[5003][0]["status"] == "closed"


def test_a_new_number_for_a_fulfilled_order_updates_its_fulfillment(shop, store, waits):
    shopify = connector(shop, store, waits)
    first = shopify.push_tracking(order_external_id="5004", carrier="Yanwen", number="YT2412345678901")

    second = shopify.push_tracking(order_external_id="5004", carrier="La Poste", number="6A23456789012")
    shopify.push_tracking(order_external_id="5004", carrier="La Poste", number="6A23456789012")

    assert second == first
    [fulfillment] = shop.fulfillments[5004]
    assert fulfillment["tracking_numbers"] == ["6A23456789012"]
    assert fulfillment["tracking_company"] == "La Poste"
    assert len(shop.requests_to("POST", "fulfillments.json")) == 1
    [update] = shop.requests_to("POST", f"fulfillments/{first}/update_tracking.json")
    assert update["body"] == {
        "fulfillment": {
            "notify_customer": True,
            "tracking_info": {"company": "La Poste", "number": "6A23456789012"},
        }
    }


def test_a_fulfillment_whose_answer_was_lost_is_found_instead_of_made_again(shop, store, waits):
    shop.fail_next("POST", "fulfillments.json", 502, processed=True)

    reference = connector(shop, store, waits).push_tracking(
        order_external_id="#1002", carrier="UPS", number="1Z999AA10123456784"
    )

    [fulfillment] = shop.fulfillments[5002]
    assert reference == str(fulfillment["id"])
    assert len(shop.requests_to("POST", "fulfillments.json")) == 1
    assert waits == [1.0]


def test_tracking_for_an_order_shopify_does_not_know_is_a_final_error(shop, store, waits):
    with pytest.raises(ConnectorError, match="no order named #4242") as failed:
        connector(shop, store, waits).push_tracking(order_external_id="#4242", carrier="UPS", number="1Z1")

    assert not failed.value.retryable
    assert shop.requests_to("POST", "fulfillments.json") == []


def test_stored_credentials_give_a_connector_that_syncs_pushes_and_refunds(shop, store, settings):
    settings.SHOPIFY_ACCESS_TOKENS = {}
    assert connector_for(store) is None
    platform_credential_set(store=store, base_url=shop.url, secrets={"access_token": ACCESS_TOKEN})

    shopify = connector_for(store)

    assert isinstance(shopify, ShopifyConnector)
    assert supports(shopify, Capability.SYNC_ORDERS)
    assert supports(shopify, Capability.PUSH_TRACKING)
    assert supports(shopify, Capability.REFUND_CREATE)
    assert not supports(shopify, Capability.SEND_MESSAGE)
    assert not supports(shopify, Capability.FETCH_MESSAGES)
    assert isinstance(shopify, Connector)
    with pytest.raises(ConnectorError, match="no API to message a buyer") as refused:
        shopify.send_message(order_external_id="#1001", text="Hello")
    assert not refused.value.retryable
    assert platform_orders_sync(store=store, max_pages=10).applied == 5
    shop.requests.clear()
    # the order's Shopify id comes from the synced order: no lookup by name
    shopify.push_tracking(order_external_id="#1001", carrier="UPS", number="1Z999AA10123456784")
    shop.fail_next("POST", "orders/5001/refunds.json", 502, processed=True)
    refund = RefundOrder(
        idempotency_key="refund-51a9",
        order_external_id="#1001",
        amount=Decimal("20.00"),
        currency="USD",
        method="original_payment",
        reason="Arrived broken",
    )
    made = shopify.refund_create(refund=refund)

    assert shop.requests_to("GET", "orders.json") == []
    assert len(shop.fulfillments[5001]) == 1
    [stored] = shop.refunds[5001]
    assert made.reference == str(stored["id"])
    assert stored["note"] == "Arrived broken [helpdesk:refund-51a9]"
    assert stored["transactions"][0]["amount"] == "20.00"


def test_stored_credentials_come_before_the_settings_token(shop, store, settings):
    settings.SHOPIFY_ACCESS_TOKENS = {SHOP: "shpat_old_token_from_settings"}
    settings.SHOPIFY_API_BASE_URL = shop.url
    platform_credential_set(store=store, base_url=shop.url, secrets={"access_token": ACCESS_TOKEN})

    connector_for(store).sync_orders(cursor={})

    assert [request["token"] for request in shop.requests] == [ACCESS_TOKEN]


def test_a_plain_http_shop_address_elsewhere_gives_no_connector(store, settings):
    settings.SHOPIFY_ACCESS_TOKENS = {}
    platform_credential_set(
        store=store, base_url="http://lumen-home-eu.myshopify.com", secrets={"access_token": ACCESS_TOKEN}
    )

    assert connector_for(store) is None
