"""The Amazon connector against a local Amazon (Login with Amazon + SP-API): order sync page by
page and resumable, messages to buyers through the Messaging API's allowed actions, shipment
confirmation, refunds as payment-adjustment feeds made once, tokens, and the retry rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from customers.models import Customer, Order, Platform
from helpdesk.commerce.amazon import order as amazon_order
from helpdesk.platforms import Capability, ConnectorError, RefundOrder, RetryPolicy, connector_for, supports
from helpdesk.platforms.amazon import AmazonConnector
from helpdesk.platforms.credentials import platform_credential_set
from helpdesk.platforms.models import PlatformCall, PlatformSyncCursor
from helpdesk.platforms.sync import platform_orders_sync
from helpdesk.webhooks import MalformedPayload
from tests.factories import StoreFactory
from tests.helpdesk.fake_amazon import (
    CLIENT_ID,
    CLIENT_SECRET,
    MARKETPLACE,
    NOW,
    REFRESH_TOKEN,
    SELLER_ID,
    FakeAmazon,
    amz_item,
    amz_order,
    order_id,
    serve,
)
from tickets.ingest.inbound import InboundMessage
from tickets.services import message_ingest

ORDERS = "/orders/v0/orders"
SECRETS = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}


@pytest.fixture
def amazon():
    fake = FakeAmazon()
    for number in range(1, 6):
        fake.add_order(number, updated=f"2026-11-2{number}T08:00:00Z")
    yield from serve(fake)


@pytest.fixture
def store(db):
    return StoreFactory(platform=Platform.AMAZON, external_id=MARKETPLACE, currency="EUR", marketplace="DE")


@pytest.fixture
def waits():
    return []


def connector(
    amazon, store, waits, *, secret=CLIENT_SECRET, attempts=3, per_page=2, restricted_data=True, **kwargs
) -> AmazonConnector:
    return AmazonConnector(
        base_url=amazon.url,
        token_url=f"{amazon.url}/auth/o2/token",
        client_id=CLIENT_ID,
        client_secret=secret,
        refresh_token=REFRESH_TOKEN,
        marketplace_ids=[MARKETPLACE],
        seller_id=SELLER_ID,
        store_id=store.pk,
        policy=RetryPolicy(max_attempts=attempts, backoff_seconds=1.0, max_wait_seconds=90.0),
        sleep=waits.append,
        per_page=per_page,
        clock=lambda: NOW,
        restricted_data=restricted_data,
        **kwargs,
    )


def order_calls(amazon) -> list[dict]:
    return amazon.requests_to("GET", ORDERS)


# --- orders ---------------------------------------------------------------------------------


def test_a_sync_follows_next_tokens_and_stores_every_order_with_its_items_once(amazon, store, waits):
    result = platform_orders_sync(store=store, max_pages=10, connector=connector(amazon, store, waits))

    assert result.pages == 3
    assert result.caught_up
    first, second, third = order_calls(amazon)
    assert first["query"] == {
        "MarketplaceIds": MARKETPLACE,
        "LastUpdatedAfter": "2026-10-31T12:00:00Z",  # the first pass looks back 30 days
        "MaxResultsPerPage": "2",
    }
    assert set(second["query"]) == {"MarketplaceIds", "NextToken"}
    assert set(third["query"]) == {"MarketplaceIds", "NextToken"}
    orders = Order.objects.filter(store=store).order_by("placed_at", "platform_id")
    assert [order.platform_id for order in orders] == [order_id(number) for number in range(1, 6)]
    first_order = orders[0]
    assert first_order.external_id == order_id(1)
    assert first_order.status == "paid"
    assert first_order.total == Decimal("29.90")
    assert first_order.shipping_total == Decimal("4.90")
    assert first_order.shipping_country == "DE"
    assert first_order.shipping_postal_code == "10115"
    assert [(line.sku, line.quantity, line.total_paid) for line in first_order.lines.all()] == [
        ("PILLOW-LINEN-0", 1, Decimal("25.00"))
    ]
    # Amazon hides the buyer's address: the relay address is the customer's e-mail.
    assert first_order.email == "k3x9q1@marketplace.amazon.de"
    assert first_order.customer.email == "k3x9q1@marketplace.amazon.de"
    # One token from Login with Amazon and one restricted data token served the whole sync.
    assert len(amazon.requests_to("POST", "/auth/o2/token")) == 1
    assert len(amazon.requests_to("POST", "/tokens/2021-03-01/restrictedDataToken")) == 1
    assert all(call["headers"]["x-amz-access-token"].startswith("Atz.sprdt|") for call in order_calls(amazon))
    # The next pass starts two minutes before where Amazon said this one ended.
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor == {
        "updated_after": "2026-11-30T11:56:00Z"
    }


def test_the_next_sync_brings_only_changed_orders(amazon, store, waits):
    platform_orders_sync(store=store, max_pages=10, connector=connector(amazon, store, waits))
    amazon.requests.clear()
    amazon.now = NOW + dt.timedelta(hours=1)
    amazon.orders[order_id(2)].update(OrderStatus="Shipped", LastUpdateDate="2026-11-30T12:30:00Z")

    result = platform_orders_sync(store=store, max_pages=10, connector=connector(amazon, store, waits))

    assert [call["query"].get("LastUpdatedAfter") for call in order_calls(amazon)] == ["2026-11-30T11:56:00Z"]
    assert [
        request["path"] for request in amazon.requests_to("GET", f"{ORDERS}/{order_id(2)}/orderItems")
    ] == [f"{ORDERS}/{order_id(2)}/orderItems"]
    assert result.applied == 1
    assert Order.objects.get(store=store, platform_id=order_id(2)).status == "fulfilled"
    assert Order.objects.filter(store=store).count() == 5


def test_a_sync_that_fails_mid_way_resumes_with_the_same_next_token(amazon, store, waits):
    amazon.fail_next("GET", ORDERS, 503, times=3, with_param="NextToken")

    with pytest.raises(ConnectorError) as failed:
        platform_orders_sync(store=store, max_pages=10, connector=connector(amazon, store, waits))

    assert failed.value.retryable
    assert failed.value.status_code == 503
    assert Order.objects.filter(store=store).count() == 2
    cursor = PlatformSyncCursor.objects.get(store=store, kind="orders").cursor
    token = cursor["next_token"]
    amazon.requests.clear()

    platform_orders_sync(store=store, max_pages=10, connector=connector(amazon, store, waits))

    assert order_calls(amazon)[0]["query"] == {"MarketplaceIds": MARKETPLACE, "NextToken": token}
    assert len(order_calls(amazon)) == 2
    assert Order.objects.filter(store=store).count() == 5


def test_a_next_token_amazon_no_longer_takes_starts_the_window_again(amazon, store, waits):
    cursor = {"updated_after": "2026-11-01T00:00:00Z", "next_token": "expired-long-ago"}

    page = connector(amazon, store, waits, per_page=100).sync_orders(cursor=cursor)

    assert [call["query"].get("LastUpdatedAfter") for call in order_calls(amazon)] == [
        None,
        "2026-11-01T00:00:00Z",
    ]
    assert len(page.orders) == 5
    assert page.next_cursor is None


def test_order_items_over_several_pages_are_all_read(amazon, store, waits):
    amazon.items_per_page = 2
    amazon.add_order(9, updated="2026-11-26T08:00:00Z", items=5)

    platform_orders_sync(store=store, max_pages=10, connector=connector(amazon, store, waits, per_page=100))

    assert Order.objects.get(store=store, platform_id=order_id(9)).lines.count() == 5
    assert len(amazon.requests_to("GET", f"{ORDERS}/{order_id(9)}/orderItems")) == 3


def test_without_restricted_data_orders_come_without_the_buyers_address(amazon, store, waits):
    platform_orders_sync(
        store=store, max_pages=10, connector=connector(amazon, store, waits, restricted_data=False)
    )

    order = Order.objects.get(store=store, platform_id=order_id(1))
    assert (order.email, order.customer) == ("", None)
    assert (order.shipping_country, order.shipping_postal_code) == ("DE", "10115")
    assert order.shipping_address == {"City": "Berlin", "PostalCode": "10115", "CountryCode": "DE"}
    assert amazon.requests_to("POST", "/tokens/2021-03-01/restrictedDataToken") == []


def test_an_app_without_the_restricted_roles_gets_a_clear_final_error(amazon, store, waits):
    amazon.restricted_roles = False

    with pytest.raises(ConnectorError) as failed:
        platform_orders_sync(store=store, max_pages=10, connector=connector(amazon, store, waits))

    assert not failed.value.retryable
    assert "no restricted data token" in failed.value.message
    assert "does not have access to one or more requested data elements" in failed.value.message
    assert order_calls(amazon) == []
    assert waits == []


def test_an_order_amazon_sends_malformed_is_reported_and_the_others_are_stored(amazon, store, waits):
    amazon.items[order_id(2)][0]["ItemPrice"]["Amount"] = "twelve"

    result = platform_orders_sync(store=store, max_pages=10, connector=connector(amazon, store, waits))

    assert len(result.failed) == 1
    assert "ItemPrice.Amount" in result.failed[0]
    assert Order.objects.filter(store=store).count() == 4


def test_a_pending_order_and_a_cancelled_item_are_read_as_amazon_means_them():
    raw = amz_order(8, updated="2026-11-26T08:00:00Z", status="Pending")
    del raw["OrderTotal"]
    raw["OrderItems"] = [amz_item(8, 0), {**amz_item(8, 1), "QuantityOrdered": 0}]

    data = amazon_order(raw)

    assert data.status == "pending"
    assert data.total == Decimal("29.90")  # no total while pending: the items and shipping
    assert data.currency == "EUR"
    assert [line.platform_id for line in data.lines] == ["00000008000000"]
    with pytest.raises(MalformedPayload, match="AmazonOrderId"):
        amazon_order({**raw, "AmazonOrderId": ""})


def test_the_relay_address_joins_the_order_and_the_buyers_messages_on_one_customer(amazon, store, waits):
    platform_orders_sync(store=store, max_pages=10, connector=connector(amazon, store, waits))

    message = message_ingest(
        inbound=InboundMessage(
            store_id=store.pk,
            channel="email",
            external_id="<relay-1@marketplace.amazon.de>",
            sender_address="k3x9q3@marketplace.amazon.de",
            sender_name="Anna Schmidt",
            subject=f"Frage zu Ihrer Bestellung {order_id(3)}",
            text="Wann kommt mein Paket?",
        )
    )

    order = Order.objects.get(store=store, platform_id=order_id(3))
    assert message.ticket.customer == order.customer
    assert Customer.objects.filter(email="k3x9q3@marketplace.amazon.de").count() == 1


# --- rate limits, retries, credentials ------------------------------------------------------


def test_a_rate_limit_waits_for_one_request_of_amazons_rate_then_succeeds(amazon, store, waits):
    amazon.fail_next("GET", ORDERS, 429, headers={"x-amzn-RateLimit-Limit": "0.0167"})

    result = platform_orders_sync(store=store, max_pages=1, connector=connector(amazon, store, waits))

    assert waits == [pytest.approx(59.88, abs=0.01)]
    assert result.pages == 1
    assert Order.objects.filter(store=store).count() == 2
    statuses = PlatformCall.objects.filter(operation="sync_orders").order_by("pk")
    assert list(statuses.values_list("status_code", flat=True)) == [429, 200]
    assert "rate limit" in statuses[0].error


def test_server_errors_are_retried_with_backoff_then_given_up_and_logged(amazon, store, waits):
    amazon.fail_next("GET", ORDERS, 500, times=5)

    with pytest.raises(ConnectorError) as failed:
        connector(amazon, store, waits, attempts=3).sync_orders(cursor={})

    assert failed.value.retryable
    assert len(order_calls(amazon)) == 3
    assert waits == [1.0, 2.0]
    calls = list(PlatformCall.objects.filter(store=store, operation="sync_orders"))
    assert [(call.platform, call.status_code) for call in calls] == [("amazon", 500)] * 3
    assert "Scripted. (InternalFailure)" in calls[-1].error


def test_a_wrong_client_secret_is_a_clear_final_error_and_nothing_else_is_called(amazon, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(amazon, store, waits, secret="wrong").sync_orders(cursor={})

    assert not failed.value.retryable
    assert failed.value.status_code == 401
    assert "Login with Amazon refused the store's credentials" in failed.value.message
    assert "Client authentication failed (invalid_client)" in failed.value.message
    assert [request["path"] for request in amazon.requests] == ["/auth/o2/token"]
    assert waits == []


def test_a_revoked_refresh_token_is_a_clear_final_error(amazon, store, waits):
    amazon_connector = AmazonConnector(
        base_url=amazon.url,
        token_url=f"{amazon.url}/auth/o2/token",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token="Atzr|revoked",
        marketplace_ids=[MARKETPLACE],
        sleep=waits.append,
    )

    with pytest.raises(ConnectorError) as failed:
        amazon_connector.push_tracking(
            order_external_id=order_id(1), carrier="DHL", number="00340434161094042557"
        )

    assert not failed.value.retryable
    assert failed.value.status_code == 400
    assert "invalid grant parameter : refresh_token (invalid_grant)" in failed.value.message
    assert amazon.shipments == {}


def test_the_token_is_sent_on_every_call_and_renewed_once_when_amazon_expires_it(amazon, store, waits):
    amazon_connector = connector(amazon, store, waits, per_page=100, restricted_data=False)
    amazon_connector.sync_orders(cursor={})
    amazon.expire_tokens()

    page = amazon_connector.sync_orders(cursor={})

    assert len(page.orders) == 5
    assert len(amazon.requests_to("POST", "/auth/o2/token")) == 2
    live = {token for token, valid in amazon.tokens.items() if valid}
    assert amazon.requests[-1]["headers"]["x-amz-access-token"] in live
    # Every SP-API call carried a token from Login with Amazon (the fake refuses others, as SP-API does).
    assert all(
        request["headers"].get("x-amz-access-token", "").startswith("Atza|")
        for request in amazon.requests
        if request["path"] != "/auth/o2/token"
    )


# --- messages -------------------------------------------------------------------------------


def test_a_reply_goes_to_the_buyer_as_the_first_allowed_free_text_action(amazon, store, waits):
    request_id = connector(amazon, store, waits).send_message(
        order_external_id=order_id(1), text="  Ihr Paket ist heute losgegangen.  "
    )

    lookup = amazon.requests_to("GET", f"/messaging/v1/orders/{order_id(1)}")
    assert lookup[0]["query"] == {"marketplaceIds": MARKETPLACE}
    assert amazon.messages == [
        {
            "order": order_id(1),
            "action": "unexpectedProblem",
            "marketplaceIds": MARKETPLACE,
            "body": {"text": "Ihr Paket ist heute losgegangen."},
        }
    ]
    sent = amazon.requests_to("POST", f"/messaging/v1/orders/{order_id(1)}/messages/unexpectedProblem")
    assert sent[0]["headers"]["content-type"] == "application/json"
    assert request_id  # Amazon's request id: its messages have no id of their own


def test_a_reply_uses_delivery_details_when_that_is_what_amazon_allows(amazon, store, waits):
    amazon.actions[order_id(2)] = ["confirmDeliveryDetails", "legalDisclosure"]

    connector(amazon, store, waits).send_message(
        order_external_id="", text="Hallo", thread_id=f"order:{order_id(2)}"
    )

    assert [(message["order"], message["action"]) for message in amazon.messages] == [
        (order_id(2), "confirmDeliveryDetails")
    ]


def test_a_reply_amazon_allows_no_free_text_for_is_refused_with_what_amazon_allows(amazon, store, waits):
    amazon.actions[order_id(3)] = ["legalDisclosure", "negativeFeedbackRemoval"]

    with pytest.raises(ConnectorError) as failed:
        connector(amazon, store, waits).send_message(order_external_id=order_id(3), text="Hallo")

    assert not failed.value.retryable
    assert "allows no free-text message" in failed.value.message
    assert "legalDisclosure, negativeFeedbackRemoval" in failed.value.message
    assert amazon.messages == []


def test_a_reply_whose_answer_was_lost_is_not_sent_again(amazon, store, waits):
    path = f"/messaging/v1/orders/{order_id(1)}/messages/unexpectedProblem"
    amazon.fail_next("POST", path, drop=True, processed=True)

    with pytest.raises(ConnectorError) as failed:
        connector(amazon, store, waits).send_message(order_external_id=order_id(1), text="Hallo")

    assert failed.value.retryable
    assert len(amazon.requests_to("POST", path)) == 1
    assert len(amazon.messages) == 1


def test_a_rate_limited_reply_is_sent_after_the_wait(amazon, store, waits):
    path = f"/messaging/v1/orders/{order_id(1)}/messages/unexpectedProblem"
    amazon.fail_next("POST", path, 429, headers={"x-amzn-RateLimit-Limit": "1.0"})

    connector(amazon, store, waits).send_message(order_external_id=order_id(1), text="Hallo")

    assert waits == [1.0]
    assert len(amazon.messages) == 1


def test_a_reply_without_an_order_or_too_long_is_refused_before_calling_amazon(amazon, store, waits):
    amazon_connector = connector(amazon, store, waits)

    with pytest.raises(ConnectorError, match="about an order only"):
        amazon_connector.send_message(order_external_id="", text="Hallo", thread_id="buyer:AZ1X")
    with pytest.raises(ConnectorError, match="at most 2000 characters"):
        amazon_connector.send_message(order_external_id=order_id(1), text="x" * 2001)

    assert amazon.requests == []


# --- tracking -------------------------------------------------------------------------------


def test_tracking_confirms_the_shipment_of_every_item_once(amazon, store, waits):
    amazon.add_order(7, updated="2026-11-26T08:00:00Z", items=2)
    amazon_connector = connector(amazon, store, waits)

    first = amazon_connector.push_tracking(
        order_external_id=order_id(7), carrier="DHL", number="00340434161094042557"
    )
    second = amazon_connector.push_tracking(
        order_external_id=order_id(7), carrier="DHL", number="00340434161094042557"
    )

    assert first == second
    assert list(amazon.shipments) == [order_id(7)]
    (package,) = amazon.shipments[order_id(7)].values()
    assert package == {
        "packageReferenceId": first,
        "carrierCode": "DHL",
        "trackingNumber": "00340434161094042557",
        "shipDate": "2026-11-30T12:00:00Z",
        "orderItems": [
            {"orderItemId": "00000007000000", "quantity": 1},
            {"orderItemId": "00000007000001", "quantity": 1},
        ],
    }
    body = amazon.requests_to("POST", f"{ORDERS}/{order_id(7)}/shipmentConfirmation")[0]["body"]
    assert body["marketplaceId"] == MARKETPLACE
    assert amazon.orders[order_id(7)]["OrderStatus"] == "Shipped"


def test_a_carrier_amazon_has_no_code_for_is_sent_as_other_with_its_name(amazon, store, waits):
    connector(amazon, store, waits).push_tracking(
        order_external_id=order_id(1), carrier="Paketdienst Müller", number="PM123456789"
    )

    (package,) = amazon.shipments[order_id(1)].values()
    assert (package["carrierCode"], package["carrierName"]) == ("Other", "Paketdienst Müller")


def test_tracking_for_an_order_amazon_does_not_know_is_a_clear_final_error(amazon, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(amazon, store, waits).push_tracking(
            order_external_id="999-0000000-0000000", carrier="DHL", number="1"
        )

    assert not failed.value.retryable
    assert failed.value.status_code == 404
    assert "Invalid AmazonOrderId" in failed.value.message


# --- refunds --------------------------------------------------------------------------------


def refund_order(key: str = "refund-7f3a", amount: str = "12.50", **kwargs) -> RefundOrder:
    return RefundOrder(
        idempotency_key=key,
        order_external_id=order_id(3),
        amount=Decimal(amount),
        currency="EUR",
        method="original_payment",
        reason="Damaged in transit",
        **kwargs,
    )


def test_a_refund_is_a_payment_adjustment_feed_keyed_by_the_ledgers_key(amazon, store, waits):
    result = connector(amazon, store, waits).refund_create(refund=refund_order(quantity=1))

    assert amazon.adjustments == {
        "refund-7f3a": {
            "feedId": result.reference,
            "order": order_id(3),
            "item": "00000003000000",
            "reason": "CustomerReturn",
            "amount": Decimal("12.50"),
            "currency": "EUR",
        }
    }
    (feed,) = amazon.feeds.values()
    assert feed["feedType"] == "POST_PAYMENT_ADJUSTMENT_DATA"
    assert feed["marketplaceIds"] == [MARKETPLACE]
    assert f"<MerchantIdentifier>{SELLER_ID}</MerchantIdentifier>".encode() in feed["xml"]
    # The upload went to the pre-signed URL without the SP-API token.
    (upload,) = [request for request in amazon.requests if request["method"] == "PUT"]
    assert "x-amz-access-token" not in upload["headers"]


def test_a_refund_whose_answer_was_lost_is_not_refunded_twice(amazon, store, waits):
    amazon.fail_next("POST", "/feeds/2021-06-30/feeds", 503, processed=True)

    connector(amazon, store, waits).refund_create(refund=refund_order())

    assert len(amazon.feeds) == 2  # sent again after the lost answer …
    assert amazon.duplicate_adjustments == ["refund-7f3a"]  # … and Amazon kept the first adjustment only
    assert list(amazon.adjustments) == ["refund-7f3a"]


def test_the_same_refund_asked_twice_refunds_once(amazon, store, waits):
    amazon_connector = connector(amazon, store, waits)

    amazon_connector.refund_create(refund=refund_order())
    amazon_connector.refund_create(refund=refund_order())

    assert [entry["amount"] for entry in amazon.adjustments.values()] == [Decimal("12.50")]


def test_a_refund_above_what_the_item_cost_or_as_store_credit_is_refused_before_sending(amazon, store, waits):
    amazon_connector = connector(amazon, store, waits)

    with pytest.raises(ConnectorError, match="at most what was paid"):
        amazon_connector.refund_create(refund=refund_order(amount="80.00"))
    with pytest.raises(ConnectorError, match="store credit"):
        amazon_connector.refund_create(
            refund=RefundOrder(
                idempotency_key="k2",
                order_external_id=order_id(3),
                amount=Decimal(5),
                currency="EUR",
                method="store_credit",
            )
        )

    assert amazon.feeds == {}
    assert amazon.documents == {}


# --- the registry ---------------------------------------------------------------------------


def test_a_store_with_stored_credentials_gets_a_connector_that_syncs_messages_ships_and_refunds(
    amazon, store
):
    assert connector_for(store) is None
    platform_credential_set(
        store=store,
        base_url=amazon.url,
        secrets={**SECRETS, "seller_id": SELLER_ID, "restricted_data": "true"},
    )

    amazon_connector = connector_for(store)

    assert isinstance(amazon_connector, AmazonConnector)
    assert [capability for capability in Capability if supports(amazon_connector, capability)] == [
        Capability.SYNC_ORDERS,
        Capability.SEND_MESSAGE,
        Capability.REFUND_CREATE,
        Capability.PUSH_TRACKING,
    ]
    assert amazon_connector.marketplace_ids == [MARKETPLACE]
    result = platform_orders_sync(store=store, max_pages=10)
    assert result.caught_up
    assert Order.objects.filter(store=store).count() == 5
    assert Order.objects.get(store=store, platform_id=order_id(4)).email == "k3x9q4@marketplace.amazon.de"


def test_a_marketplace_secret_overrides_the_store_account_id(amazon, store):
    platform_credential_set(
        store=store,
        base_url=amazon.url,
        secrets={**SECRETS, "marketplace_id": "A13V1IB3VIYZZH,A1PA6795UKMFR9"},
    )

    amazon_connector = connector_for(store)

    assert amazon_connector.marketplace_ids == ["A13V1IB3VIYZZH", "A1PA6795UKMFR9"]


def test_credentials_for_a_plain_http_endpoint_elsewhere_give_no_connector(store):
    platform_credential_set(store=store, base_url="http://sellingpartnerapi-eu.example.com", secrets=SECRETS)

    assert connector_for(store) is None
