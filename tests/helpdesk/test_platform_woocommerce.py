"""The WooCommerce connector against a local shop speaking REST API v3: order sync page by page
and resumable, buyer notes, tracking notes, refunds once, and the retry rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from customers.models import Order, Platform
from helpdesk.platforms import Capability, ConnectorError, RefundOrder, RetryPolicy, connector_for, supports
from helpdesk.platforms.credentials import platform_credential_set
from helpdesk.platforms.models import PlatformCall, PlatformSyncCursor
from helpdesk.platforms.sync import platform_orders_sync
from helpdesk.platforms.woocommerce import WooCommerceConnector
from helpdesk.tasks import platform_orders_sync_all, platform_orders_sync_store
from tests.factories import StoreFactory
from tests.helpdesk.fake_woocommerce import CONSUMER_KEY, CONSUMER_SECRET, FakeWooCommerce, serve, wc_order


@pytest.fixture
def shop():
    fake = FakeWooCommerce()
    for number in range(1, 6):
        fake.orders[1000 + number] = wc_order(1000 + number, modified=f"2026-11-2{number}T08:00:00")
    yield from serve(fake)


@pytest.fixture
def store(db):
    return StoreFactory(platform=Platform.WOOCOMMERCE, external_id="maison-lin.example.fr", currency="EUR")


@pytest.fixture
def waits():
    return []


def connector(shop, store, waits, *, key=CONSUMER_KEY, attempts=3, per_page=2) -> WooCommerceConnector:
    return WooCommerceConnector(
        site_url=shop.url,
        consumer_key=key,
        consumer_secret=CONSUMER_SECRET,
        store_id=store.pk,
        policy=RetryPolicy(max_attempts=attempts, backoff_seconds=1.0, max_wait_seconds=30.0),
        sleep=waits.append,
        per_page=per_page,
    )


def pages_asked(shop) -> list[str]:
    return [request["query"]["page"] for request in shop.requests_to("GET", "orders")]


def test_a_sync_walks_three_pages_and_stores_every_order_once(shop, store, waits):
    result = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert result.pages == 3
    assert result.caught_up
    assert pages_asked(shop) == ["1", "2", "3"]
    orders = Order.objects.filter(store=store).order_by("platform_id")
    assert [order.platform_id for order in orders] == ["1001", "1002", "1003", "1004", "1005"]
    assert orders[0].customer.email == "marie1001@example.fr"
    assert orders[0].total == Decimal("29.90")
    # The next run starts from the newest change seen, not from the beginning.
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor == {
        "modified_after": "2026-11-25T07:59:59"
    }


def test_the_next_sync_brings_only_changed_orders_and_a_redelivery_changes_nothing(shop, store, waits):
    platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))
    shop.requests.clear()
    shop.orders[1002].update(status="completed", date_modified_gmt="2026-11-28T09:00:00")

    result = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert shop.requests_to("GET", "orders")[0]["query"]["modified_after"] == "2026-11-25T07:59:59"
    assert Order.objects.get(store=store, platform_id="1002").status == "fulfilled"
    assert Order.objects.filter(store=store).count() == 5
    again = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))
    assert (result.applied, result.unchanged) == (1, 1)  # the changed order; the overlap refetches 1005
    assert Order.objects.filter(store=store).count() == 5
    assert again.applied == 0
    assert again.unchanged == 1
    assert not again.failed


def test_a_sync_that_fails_mid_way_resumes_at_the_failed_page(shop, store, waits):
    shop.fail_next("GET", "orders", 503, times=3, page="2")

    with pytest.raises(ConnectorError) as failed:
        platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert failed.value.retryable
    assert failed.value.status_code == 503
    assert Order.objects.filter(store=store).count() == 2
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor["page"] == 2
    shop.requests.clear()

    platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert pages_asked(shop) == ["2", "3"]
    assert Order.objects.filter(store=store).count() == 5


def test_a_rate_limit_waits_as_long_as_retry_after_says_then_succeeds(shop, store, waits):
    shop.fail_next("GET", "orders", 429, headers={"Retry-After": "7"})

    result = platform_orders_sync(store=store, max_pages=1, connector=connector(shop, store, waits))

    assert waits == [7.0]
    assert result.pages == 1
    assert Order.objects.filter(store=store).count() == 2
    assert list(PlatformCall.objects.order_by("pk").values_list("status_code", flat=True)) == [429, 200]


def test_wrong_credentials_fail_at_once_with_a_clear_error(shop, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits, key="ck_wrong").sync_orders(cursor={})

    assert not failed.value.retryable
    assert failed.value.status_code == 401
    assert "refused the store's credentials" in failed.value.message
    assert "Consumer key is invalid" in failed.value.message
    assert len(shop.requests) == 1
    assert waits == []


def test_server_errors_are_retried_with_backoff_then_given_up_and_logged(shop, store, waits):
    shop.fail_next("GET", "orders", 500, times=5)

    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits, attempts=3).sync_orders(cursor={})

    assert failed.value.retryable
    assert len(shop.requests) == 3
    assert waits == [1.0, 2.0]
    calls = list(PlatformCall.objects.filter(store=store).order_by("pk"))
    assert [(call.platform, call.operation, call.status_code) for call in calls] == [
        ("woocommerce", "sync_orders", 500)
    ] * 3
    assert "Scripted 500" in calls[-1].error


def refund_order(key: str = "refund-7f3a") -> RefundOrder:
    return RefundOrder(
        idempotency_key=key,
        order_external_id="1003",
        amount=Decimal("12.50"),
        currency="EUR",
        method="original_payment",
        reason="Damaged in transit",
    )


def test_the_same_refund_twice_refunds_once(shop, store, waits):
    woo = connector(shop, store, waits)

    first = woo.refund_create(refund=refund_order())
    second = woo.refund_create(refund=refund_order())

    assert first.reference == second.reference
    assert len(shop.refunds[1003]) == 1
    created = shop.requests_to("POST", "orders/1003/refunds")[0]["body"]
    assert created["amount"] == "12.50"
    assert created["api_refund"] is True
    assert "[helpdesk:refund-7f3a]" in created["reason"]


def test_a_refund_whose_answer_was_lost_is_found_instead_of_made_again(shop, store, waits):
    shop.fail_next("POST", "orders/1003/refunds", 502, processed=True)

    result = connector(shop, store, waits).refund_create(refund=refund_order())

    assert len(shop.refunds[1003]) == 1
    assert result.reference == str(shop.refunds[1003][0]["id"])


def test_a_refund_the_shop_refuses_is_not_retried(shop, store, waits):
    too_much = RefundOrder(
        idempotency_key="k-big",
        order_external_id="1003",
        amount=Decimal("500"),
        currency="EUR",
        method="original_payment",
    )
    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits).refund_create(refund=too_much)

    assert not failed.value.retryable
    assert "Invalid refund amount" in failed.value.message
    assert len(shop.requests_to("POST", "orders/1003/refunds")) == 1


def test_a_message_reaches_the_buyer_as_a_customer_note(shop, store, waits):
    note_id = connector(shop, store, waits).send_message(
        order_external_id="1001", text="Your parcel left today."
    )

    assert shop.notes[1001] == [
        {
            "id": int(note_id),
            "author": "system",
            "date_created_gmt": "2026-11-30T12:00:00",
            "note": "Your parcel left today.",
            "customer_note": True,
        }
    ]


def test_tracking_is_pushed_once_as_a_note_with_carrier_and_number(shop, store, waits):
    woo = connector(shop, store, waits)

    woo.push_tracking(order_external_id="1004", carrier="Colissimo", number="6A12345678901")
    woo.push_tracking(order_external_id="1004", carrier="Colissimo", number="6A12345678901")

    assert len(shop.notes[1004]) == 1
    assert "Colissimo" in shop.notes[1004][0]["note"]
    assert "6A12345678901" in shop.notes[1004][0]["note"]
    assert shop.notes[1004][0]["customer_note"] is True


def test_an_unknown_order_is_a_clear_final_error(shop, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits).send_message(order_external_id="4242", text="Hello")

    assert not failed.value.retryable
    assert failed.value.status_code == 404
    assert "Invalid ID" in failed.value.message


def test_a_store_with_stored_credentials_gets_a_connector_for_all_woocommerce_offers(shop, store):
    assert connector_for(store) is None
    platform_credential_set(
        store=store,
        base_url=shop.url,
        secrets={"consumer_key": CONSUMER_KEY, "consumer_secret": CONSUMER_SECRET},
    )

    woo = connector_for(store)

    assert isinstance(woo, WooCommerceConnector)
    assert all(
        supports(woo, capability) for capability in Capability if capability != Capability.FETCH_MESSAGES
    )
    assert not supports(woo, Capability.FETCH_MESSAGES)
    assert woo.sync_orders(cursor={}).orders[0]["id"] == 1001


def test_credentials_for_a_plain_http_shop_elsewhere_give_no_connector(store):
    platform_credential_set(
        store=store,
        base_url="http://shop.example.fr",
        secrets={"consumer_key": CONSUMER_KEY, "consumer_secret": CONSUMER_SECRET},
    )

    assert connector_for(store) is None


def test_the_scheduled_sync_brings_every_store_and_running_it_again_changes_nothing(shop, store):
    platform_credential_set(
        store=store,
        base_url=shop.url,
        secrets={"consumer_key": CONSUMER_KEY, "consumer_secret": CONSUMER_SECRET},
    )
    StoreFactory(platform=Platform.WOOCOMMERCE)  # no credentials: not synced

    assert platform_orders_sync_all.delay().get() == 1
    stored = {order.platform_id: order.updated_at for order in Order.objects.filter(store=store)}
    platform_orders_sync_all.delay().get()

    assert len(stored) == 5
    assert {order.platform_id: order.updated_at for order in Order.objects.filter(store=store)} == stored


def test_a_store_already_syncing_is_not_synced_twice_at_once(shop, store):
    platform_credential_set(
        store=store,
        base_url=shop.url,
        secrets={"consumer_key": CONSUMER_KEY, "consumer_secret": CONSUMER_SECRET},
    )
    cache.add(f"platform-orders-sync:{store.pk}", "running", timeout=60)
    try:
        platform_orders_sync_store.delay(store.pk).get()
    finally:
        cache.delete(f"platform-orders-sync:{store.pk}")

    assert shop.requests == []
    platform_orders_sync_store.delay(store.pk).get()
    assert Order.objects.filter(store=store).count() == 5
