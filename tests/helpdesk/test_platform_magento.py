"""The Magento 2 connector against a local shop speaking its REST API: order sync page by page
and resumable, order comments e-mailed to the buyer, refunds through credit memos made once,
tracking numbers on shipments, and the error and retry rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from customers.models import Order, Platform
from helpdesk.commerce.magento import order as magento_order
from helpdesk.platforms import Capability, ConnectorError, RefundOrder, RetryPolicy, connector_for, supports
from helpdesk.platforms.credentials import platform_credential_set
from helpdesk.platforms.magento import MagentoConnector
from helpdesk.platforms.models import PlatformCall, PlatformSyncCursor
from helpdesk.platforms.sync import platform_orders_sync
from helpdesk.webhooks import MalformedPayload
from tests.factories import StoreFactory
from tests.helpdesk.fake_magento import ACCESS_TOKEN, FakeMagento, mg_order, serve


@pytest.fixture
def shop():
    fake = FakeMagento()
    for entity_id in range(1, 6):
        fake.add_order(mg_order(entity_id, updated=f"2026-11-2{entity_id} 08:00:00"))
    yield from serve(fake)


@pytest.fixture
def store(db):
    return StoreFactory(platform=Platform.MAGENTO, external_id="nordic-knit.example.se", currency="EUR")


@pytest.fixture
def waits():
    return []


def connector(
    shop, store, waits, *, token=ACCESS_TOKEN, attempts=3, page_size=2, **extra
) -> MagentoConnector:
    return MagentoConnector(
        base_url=shop.url,
        access_token=token,
        store_id=store.pk,
        policy=RetryPolicy(max_attempts=attempts, backoff_seconds=1.0, max_wait_seconds=30.0),
        sleep=waits.append,
        page_size=page_size,
        **extra,
    )


WINDOW = "searchCriteria[filter_groups][0][filters][0][value]"


def order_searches(shop) -> list[dict[str, str]]:
    return [request["query"] for request in shop.requests_to("GET", "orders")]


# --- order sync ------------------------------------------------------------------------------


def test_a_sync_walks_every_page_and_stores_each_order_once_by_its_increment_id(shop, store, waits):
    result = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert result.caught_up
    assert not result.failed
    orders = Order.objects.filter(store=store).order_by("platform_id")
    assert [(order.platform_id, order.external_id) for order in orders] == [
        ("1", "000000101"),
        ("2", "000000102"),
        ("3", "000000103"),
        ("4", "000000104"),
        ("5", "000000105"),
    ]
    first = orders[0]
    assert first.total == Decimal("39.90")
    assert first.shipping_total == Decimal("4.90")
    assert first.customer.email == "hanna1@example.se"
    assert first.shipping_country == "SE"
    assert first.shipping_address["street"] == "Storgatan 12\nlgh 1102"
    # the configurable tee is one line (its child item is left out), the socks another
    assert sorted((line.sku, line.quantity) for line in first.lines.all()) == [
        ("SOCKS-WOOL", 2),
        ("TEE-BLUE-M", 1),
    ]
    first_search = order_searches(shop)[0]
    assert first_search["searchCriteria[sortOrders][0][field]"] == "updated_at"
    assert first_search["searchCriteria[sortOrders][0][direction]"] == "ASC"
    assert first_search["searchCriteria[pageSize]"] == "2"
    # the next run starts at the newest change seen
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor == {
        "updated_from": "2026-11-25 08:00:00"
    }


def test_each_page_moves_the_window_forward_by_time(shop, store, waits):
    platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    windows = [query.get(WINDOW) for query in order_searches(shop)]
    conditions = {
        query.get("searchCriteria[filter_groups][0][filters][0][condition_type]")
        for query in order_searches(shop)
    }
    assert windows == [None, "2026-11-22 08:00:00", "2026-11-23 08:00:00", "2026-11-24 08:00:00"]
    assert conditions == {None, "gteq"}
    assert {query["searchCriteria[currentPage]"] for query in order_searches(shop)} == {"1"}


def test_an_order_changed_during_the_walk_does_not_push_another_out_of_reach(shop, store, waits):
    magento = connector(shop, store, waits)
    first = magento.sync_orders(cursor={})
    shop.orders[1]["updated_at"] = "2026-11-29 12:00:00"  # order 1 moves to the end of the sort

    seen = [order["entity_id"] for order in first.orders]
    cursor = first.next_cursor
    while cursor is not None:
        page = magento.sync_orders(cursor=cursor)
        seen += [order["entity_id"] for order in page.orders]
        cursor = page.next_cursor

    assert set(seen) == {1, 2, 3, 4, 5}
    assert seen.count(1) == 2  # before and after its change


def test_a_page_of_orders_changed_in_the_same_second_is_paged_through(shop, store, waits):
    for order in shop.orders.values():
        order["updated_at"] = "2026-11-28 09:30:00"
    magento = connector(shop, store, waits)

    seen, cursor, pages = [], {}, 0
    while cursor is not None and pages < 10:
        page = magento.sync_orders(cursor=cursor)
        seen += [order["entity_id"] for order in page.orders]
        cursor, pages = page.next_cursor, pages + 1

    assert sorted(set(seen)) == [1, 2, 3, 4, 5]
    assert pages < 10


def test_the_next_sync_brings_only_changed_orders(shop, store, waits):
    platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))
    shop.requests.clear()
    shop.orders[2].update(state="complete", status="complete", updated_at="2026-11-28 09:00:00")

    result = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))
    again = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert order_searches(shop)[0][WINDOW] == "2026-11-25 08:00:00"
    assert Order.objects.get(store=store, platform_id="2").status == "fulfilled"
    assert (result.applied, result.unchanged) == (1, 1)  # order 2; the overlap refetches order 5
    assert (again.applied, again.unchanged) == (0, 1)
    assert Order.objects.filter(store=store).count() == 5


def test_a_sync_that_fails_mid_way_resumes_where_it_stopped(shop, store, waits):
    shop.fail_next("GET", "orders", 503, times=3, query={WINDOW: "2026-11-22 08:00:00"})

    with pytest.raises(ConnectorError) as failed:
        platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert failed.value.retryable
    assert failed.value.status_code == 503
    assert Order.objects.filter(store=store).count() == 2
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor == {
        "updated_from": "2026-11-22 08:00:00",
        "page": 1,
    }
    shop.requests.clear()

    result = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits))

    assert order_searches(shop)[0][WINDOW] == "2026-11-22 08:00:00"
    assert result.caught_up
    assert Order.objects.filter(store=store).count() == 5


def test_magento_serving_the_last_page_again_does_not_loop(shop, store, waits):
    page = connector(shop, store, waits, page_size=100).sync_orders(
        cursor={"updated_from": "2026-11-24 08:00:00", "page": 3}
    )

    assert page.next_cursor is None
    assert [order["entity_id"] for order in page.orders] == [4, 5]  # Magento's last page, served again
    assert page.caught_up_cursor == {"updated_from": "2026-11-25 08:00:00"}


def test_a_proxy_rate_limit_waits_as_long_as_retry_after_says(shop, store, waits):
    shop.fail_next("GET", "orders", 429, headers={"Retry-After": "7"})

    result = platform_orders_sync(store=store, max_pages=1, connector=connector(shop, store, waits))

    assert waits == [7.0]
    assert result.pages == 1
    assert list(PlatformCall.objects.order_by("pk").values_list("status_code", flat=True)) == [429, 200]


def test_server_errors_are_retried_with_backoff_then_given_up_and_logged(shop, store, waits):
    shop.fail_next("GET", "orders", 500, times=5)

    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits, attempts=3).sync_orders(cursor={})

    assert failed.value.retryable
    assert waits == [1.0, 2.0]
    calls = list(PlatformCall.objects.filter(store=store).order_by("pk"))
    assert [(call.platform, call.operation, call.status_code) for call in calls] == [
        ("magento", "sync_orders", 500)
    ] * 3
    assert "Internal Error" in calls[-1].error


def test_a_wrong_token_fails_at_once_with_magentos_message_filled_in(shop, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits, token="not-the-token").sync_orders(cursor={})

    assert not failed.value.retryable
    assert failed.value.status_code == 401
    assert "refused the store's credentials" in failed.value.message
    assert "The consumer isn't authorized to access Magento_Sales::actions_view." in failed.value.message
    assert len(shop.requests) == 1
    assert waits == []


def test_a_store_code_puts_calls_under_that_store_view(shop, store, waits):
    connector(shop, store, waits, store_code="se_sv").sync_orders(cursor={})

    assert shop.requests[0]["store"] == "se_sv"


# --- comments --------------------------------------------------------------------------------


def test_a_reply_becomes_an_order_comment_magento_emails_to_the_buyer(shop, store, waits):
    comment_id = connector(shop, store, waits).send_message(
        order_external_id="000000103", text="Your parcel left our warehouse today."
    )

    posted = shop.requests_to("POST", "orders/3/comments")
    assert [request["body"] for request in posted] == [
        {
            "statusHistory": {
                "comment": "Your parcel left our warehouse today.",
                "is_customer_notified": 1,
                "is_visible_on_front": 1,
                "parent_id": 3,
            }
        }
    ]
    assert comment_id == str(shop.orders[3]["status_histories"][0]["entity_id"])
    assert shop.emails == [("hanna3@example.se", "Your parcel left our warehouse today.")]


def test_a_reply_whose_answer_was_lost_is_not_emailed_twice(shop, store, waits):
    shop.fail_next("POST", "orders/3/comments", 502, drop=True, processed=True)

    connector(shop, store, waits).send_message(order_external_id="000000103", text="We refunded the socks.")

    assert len(shop.orders[3]["status_histories"]) == 1
    assert len(shop.emails) == 1
    assert len(shop.requests_to("POST", "orders/3/comments")) == 1


def test_the_same_words_a_day_later_are_a_new_reply(shop, store, waits):
    shop.orders[3]["status_histories"].append(
        {
            "entity_id": 77,
            "parent_id": 3,
            "comment": "Thank you!",
            "is_customer_notified": 1,
            "is_visible_on_front": 1,
            "created_at": "2026-11-20 10:00:00",
        }
    )
    later = connector(shop, store, waits, now=lambda: dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC))

    later.send_message(order_external_id="000000103", text="Thank you!")

    assert len(shop.orders[3]["status_histories"]) == 2


def test_a_reply_without_an_order_or_to_an_unknown_order_is_a_clear_final_error(shop, store, waits):
    magento = connector(shop, store, waits)
    with pytest.raises(ConnectorError) as no_order:
        magento.send_message(order_external_id="", text="Hello")
    with pytest.raises(ConnectorError) as unknown:
        magento.send_message(order_external_id="000009999", text="Hello")

    assert not no_order.value.retryable
    assert "has no order" in no_order.value.message
    assert not unknown.value.retryable
    assert "Magento has no order 000009999" in unknown.value.message
    assert shop.requests_to("POST", "orders/3/comments") == []


# --- refunds ---------------------------------------------------------------------------------


def refund_order(key: str = "refund-7f3a", amount: str = "12.50", number: str = "000000103") -> RefundOrder:
    return RefundOrder(
        idempotency_key=key,
        order_external_id=number,
        amount=Decimal(amount),
        currency="EUR",
        method="original_payment",
        reason="Socks arrived torn",
    )


def test_a_refund_is_an_online_credit_memo_of_exactly_the_amount_made_once(shop, store, waits):
    magento = connector(shop, store, waits)

    first = magento.refund_create(refund=refund_order())
    second = magento.refund_create(refund=refund_order())

    assert first.reference == second.reference
    memos = shop.creditmemos_of(3)
    assert len(memos) == 1
    assert memos[0]["grand_total"] == 12.5  # not every item: each was sent with qty 0
    assert memos[0]["online"] is True
    invoice_id = memos[0]["invoice_id"]
    body = shop.requests_to("POST", f"invoice/{invoice_id}/refund")[0]["body"]
    assert body["isOnline"] is True
    assert body["arguments"] == {"shipping_amount": 0, "adjustment_positive": 12.5, "adjustment_negative": 0}
    assert sorted(item["order_item_id"] for item in body["items"]) == [30, 32]
    assert "[helpdesk:refund-7f3a]" in body["comment"]["comment"]
    assert body["appendComment"] is False
    assert first.raw["online"] is True
    assert shop.orders[3]["total_refunded"] == 12.5


def test_a_refund_whose_connection_dropped_is_found_instead_of_made_again(shop, store, waits):
    invoice_id = next(invoice["entity_id"] for invoice in shop.invoices.values() if invoice["order_id"] == 3)
    shop.fail_next("POST", f"invoice/{invoice_id}/refund", 502, processed=True, drop=True)

    result = connector(shop, store, waits).refund_create(refund=refund_order())

    assert len(shop.creditmemos_of(3)) == 1
    assert result.reference == str(shop.creditmemos_of(3)[0]["entity_id"])
    assert shop.orders[3]["total_refunded"] == 12.5
    dropped = PlatformCall.objects.get(operation="refund_create", status_code=None)
    assert "Could not reach Magento" in dropped.error


def test_a_refund_answered_with_a_server_error_after_it_was_made_is_not_made_twice(shop, store, waits):
    invoice_id = next(invoice["entity_id"] for invoice in shop.invoices.values() if invoice["order_id"] == 3)
    shop.fail_next("POST", f"invoice/{invoice_id}/refund", 500, processed=True)

    connector(shop, store, waits).refund_create(refund=refund_order())

    assert len(shop.creditmemos_of(3)) == 1
    assert waits == [1.0]


def test_an_order_paid_offline_is_refunded_with_an_offline_credit_memo(shop, store, waits):
    shop.add_order(mg_order(6, updated="2026-11-26 08:00:00"), online=False)

    result = connector(shop, store, waits).refund_create(refund=refund_order(number="000000106"))

    assert shop.requests_to("POST", "order/6/refund")
    offline_invoice = next(invoice for invoice in shop.invoices.values() if invoice["order_id"] == 6)
    assert offline_invoice["base_total_refunded"] == 0
    assert shop.creditmemos_of(6)[0]["grand_total"] == 12.5
    assert result.raw["online"] is False


def test_an_order_in_another_currency_than_the_shops_base_is_refunded_exactly(shop, store, waits):
    crowns = mg_order(7, updated="2026-11-26 08:00:00")
    crowns.update(order_currency_code="SEK", base_to_order_rate=11.5, grand_total=459.0, shipping_amount=59.0)
    shop.add_order(crowns)
    kronor = RefundOrder(
        idempotency_key="k-sek",
        order_external_id="000000107",
        amount=Decimal("115.00"),
        currency="SEK",
        method="original_payment",
    )

    result = connector(shop, store, waits).refund_create(refund=kronor)

    memo = shop.creditmemos_of(7)[0]
    assert memo["base_adjustment_positive"] == 10.0  # Magento reads the adjustment in EUR
    assert memo["grand_total"] == 115.0
    assert result.raw["base_amount"] == "10.00"


def test_a_refund_the_shop_refuses_is_not_retried_and_says_why(shop, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits).refund_create(refund=refund_order(amount="500"))

    assert not failed.value.retryable
    assert "No invoice of the order has 500.00 left to refund online" in failed.value.message
    assert shop.creditmemos == {}


def test_magentos_refusal_reaches_the_agent_with_its_parameters_filled_in(shop, store, waits):
    shop.add_order(mg_order(6, updated="2026-11-26 08:00:00"), online=False)

    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits).refund_create(refund=refund_order(amount="45", number="000000106"))

    assert not failed.value.retryable
    assert failed.value.status_code == 400
    assert "The most money available to refund is €39.90." in failed.value.message
    assert len(shop.requests_to("POST", "order/6/refund")) == 1


def test_store_credit_and_a_foreign_currency_are_refused_before_anything_is_asked(shop, store, waits):
    magento = connector(shop, store, waits)
    credit = RefundOrder(
        idempotency_key="k-credit",
        order_external_id="000000103",
        amount=Decimal(5),
        currency="EUR",
        method="store_credit",
    )
    dollars = RefundOrder(
        idempotency_key="k-usd",
        order_external_id="000000103",
        amount=Decimal(5),
        currency="USD",
        method="original_payment",
    )

    with pytest.raises(ConnectorError) as refused_credit:
        magento.refund_create(refund=credit)
    with pytest.raises(ConnectorError) as refused_dollars:
        magento.refund_create(refund=dollars)

    assert not refused_credit.value.retryable
    assert "store credit" in refused_credit.value.message
    assert not refused_dollars.value.retryable
    assert "paid in EUR" in refused_dollars.value.message
    assert shop.creditmemos == {}


# --- tracking --------------------------------------------------------------------------------


def test_tracking_ships_the_order_once_with_the_number(shop, store, waits):
    magento = connector(shop, store, waits)

    first = magento.push_tracking(order_external_id="000000104", carrier="PostNord", number="UA123456789SE")
    second = magento.push_tracking(order_external_id="000000104", carrier="PostNord", number="UA123456789SE")

    assert first == second
    shipments = shop.shipments_of(4)
    assert len(shipments) == 1
    assert [
        (track["track_number"], track["title"], track["carrier_code"]) for track in shipments[0]["tracks"]
    ] == [("UA123456789SE", "PostNord", "custom")]
    body = shop.requests_to("POST", "order/4/ship")[0]["body"]
    assert body["notify"] is True
    assert len(shop.requests_to("POST", "order/4/ship")) == 1


def test_a_second_parcel_is_added_to_the_existing_shipment(shop, store, waits):
    magento = connector(shop, store, waits)
    magento.push_tracking(order_external_id="000000104", carrier="PostNord", number="UA123456789SE")

    magento.push_tracking(order_external_id="000000104", carrier="DHL", number="JJD0099887766")

    shipment = shop.shipments_of(4)[0]
    assert [track["track_number"] for track in shipment["tracks"]] == ["UA123456789SE", "JJD0099887766"]
    assert shipment["tracks"][1]["carrier_code"] == "dhl"
    assert (
        shop.requests_to("POST", "shipment/track")[0]["body"]["entity"]["parent_id"] == shipment["entity_id"]
    )


def test_a_shipment_whose_answer_was_lost_is_not_created_twice(shop, store, waits):
    shop.fail_next("POST", "order/4/ship", 503, processed=True)

    connector(shop, store, waits).push_tracking(
        order_external_id="000000104", carrier="UPS", number="1Z999AA10123456784"
    )

    assert len(shop.shipments_of(4)) == 1
    assert shop.requests_to("POST", "shipment/track") == []


# --- mapping and registry --------------------------------------------------------------------


def test_a_malformed_order_is_reported_not_stored():
    broken = mg_order(9, updated="2026-11-21 08:00:00")
    broken["grand_total"] = "lots"

    with pytest.raises(MalformedPayload):
        magento_order(broken)


def test_a_closed_order_is_refunded_and_a_partly_refunded_one_says_so():
    closed = mg_order(9, updated="2026-11-21 08:00:00", state="closed")
    partly = mg_order(9, updated="2026-11-21 08:00:00")
    partly["total_refunded"] = 10

    assert magento_order(closed).status == "refunded"
    assert magento_order(partly).status == "partially_refunded"
    assert magento_order(partly).updated_at == dt.datetime(2026, 11, 21, 8, tzinfo=dt.UTC)


def test_a_store_with_stored_credentials_gets_a_connector_that_finds_synced_orders_by_number(
    shop, store, waits
):
    assert connector_for(store) is None
    platform_credential_set(store=store, base_url=shop.url, secrets={"access_token": ACCESS_TOKEN})

    magento = connector_for(store)

    assert isinstance(magento, MagentoConnector)
    assert supports(magento, Capability.SYNC_ORDERS)
    assert supports(magento, Capability.REFUND_CREATE)
    assert supports(magento, Capability.PUSH_TRACKING)
    assert not supports(magento, Capability.FETCH_MESSAGES)
    platform_orders_sync(store=store, max_pages=10, connector=magento)
    shop.requests.clear()
    magento.send_message(order_external_id="000000102", text="Hello Hanna")
    # the synced order's entity id is known: no search by increment id
    assert [request["path"] for request in shop.requests] == [
        "orders/2/comments",
        "orders/2/comments",
        "orders/2/comments",
    ]


def test_credentials_for_a_plain_http_shop_elsewhere_give_no_connector(store):
    platform_credential_set(
        store=store, base_url="http://shop.example.se", secrets={"access_token": ACCESS_TOKEN}
    )

    assert connector_for(store) is None
