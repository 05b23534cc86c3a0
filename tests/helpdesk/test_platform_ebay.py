"""The eBay connector against a local eBay speaking its REST APIs: the OAuth token refreshed and
reused, order sync page by page and resumable, member messages into the inbox once, replies,
refunds and tracking made once, and the retry rules."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache

from customers.models import Order, Platform
from helpdesk.commerce.ebay import order as order_data
from helpdesk.platforms import Capability, ConnectorError, RefundOrder, RetryPolicy, connector_for, supports
from helpdesk.platforms.credentials import platform_credential_set
from helpdesk.platforms.ebay import EbayConnector
from helpdesk.platforms.models import PlatformCall, PlatformSyncCursor
from helpdesk.platforms.sync import platform_messages_sync, platform_orders_sync
from tests.factories import StoreFactory
from tests.helpdesk.fake_ebay import (
    CLIENT_ID,
    CLIENT_SECRET,
    FULFILLMENT,
    MESSAGES,
    REFRESH_TOKEN,
    SELLER,
    FakeEbay,
    ebay_order,
    serve,
)
from tickets.ingest.platforms import sign_helpdesk
from tickets.models import Message, Ticket

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
TOKEN = "/identity/v1/oauth2/token"


def order_id(number: int) -> str:
    return f"12-14000-{number:05d}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # tokens and refund memory are kept in the cache between connectors
    yield
    cache.clear()


@pytest.fixture
def ebay():
    fake = FakeEbay()
    for number in range(1, 6):
        fake.orders[order_id(number)] = ebay_order(
            order_id(number), modified=f"2026-11-2{number}T08:00:00.000Z"
        )
    yield from serve(fake)


@pytest.fixture
def store(db):
    return StoreFactory(
        platform=Platform.EBAY, external_id=SELLER, currency="EUR", webhook_secret="whsec-ebay-1"
    )


@pytest.fixture
def waits():
    return []


class Clock:
    def __init__(self) -> None:
        self.moment = NOW

    def __call__(self) -> dt.datetime:
        return self.moment


def connector(ebay, store, waits, *, refresh=REFRESH_TOKEN, attempts=3, page=2, clock=None) -> EbayConnector:
    return EbayConnector(
        base_url=ebay.url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=refresh,
        seller_username=SELLER,
        store_id=store.pk,
        policy=RetryPolicy(max_attempts=attempts, backoff_seconds=1.0, max_wait_seconds=30.0),
        sleep=waits.append,
        now=clock or (lambda: NOW),
        order_page=page,
        conversation_page=page,
    )


def offsets_asked(ebay) -> list[str]:
    return [request["query"]["offset"] for request in ebay.requests_to("GET", FULFILLMENT)]


# --- auth -----------------------------------------------------------------------------------


def test_the_token_is_refreshed_once_and_reused_by_later_calls_and_connectors(ebay, store, waits):
    connector(ebay, store, waits).sync_orders(cursor={})
    connector(ebay, store, waits).sync_orders(cursor={})

    refreshes = ebay.requests_to("POST", TOKEN)
    assert len(refreshes) == 1
    assert refreshes[0]["body"]["grant_type"] == "refresh_token"
    assert refreshes[0]["body"]["refresh_token"] == REFRESH_TOKEN
    assert "https://api.ebay.com/oauth/api_scope/sell.fulfillment" in refreshes[0]["body"]["scope"].split()
    assert len(ebay.requests_to("GET", FULFILLMENT)) == 2
    assert REFRESH_TOKEN not in json.dumps(list(PlatformCall.objects.values_list("error", flat=True)))


def test_an_expired_token_is_refreshed_before_the_call(ebay, store, waits):
    clock = Clock()
    ebay_connector = connector(ebay, store, waits, clock=clock)
    ebay_connector.sync_orders(cursor={})

    clock.moment = NOW + dt.timedelta(hours=2)
    ebay_connector.sync_orders(cursor={})

    assert len(ebay.requests_to("POST", TOKEN)) == 2
    assert [request["path"] for request in ebay.requests].count(FULFILLMENT) == 2


def test_a_revoked_token_is_replaced_once_and_the_call_goes_through(ebay, store, waits):
    ebay_connector = connector(ebay, store, waits)
    ebay_connector.sync_orders(cursor={})
    ebay.revoke_tokens()

    page = ebay_connector.sync_orders(cursor={})

    assert len(page.orders) == 2
    assert len(ebay.requests_to("POST", TOKEN)) == 2
    assert waits == []


def test_a_wrong_refresh_token_fails_at_once_with_a_clear_error(ebay, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(ebay, store, waits, refresh="v^1.1#expired").sync_orders(cursor={})

    assert not failed.value.retryable
    assert failed.value.status_code == 400
    assert "eBay refused the store's OAuth credentials" in failed.value.message
    assert "refresh token is invalid" in failed.value.message
    assert len(ebay.requests) == 1
    assert ebay.requests_to("GET", FULFILLMENT) == []
    assert waits == []


def test_wrong_app_keys_fail_with_a_clear_error(ebay, store, waits):
    wrong = EbayConnector(
        base_url=ebay.url,
        client_id=CLIENT_ID,
        client_secret="PRD-wrong",
        refresh_token=REFRESH_TOKEN,
        store_id=store.pk,
        sleep=waits.append,
    )
    with pytest.raises(ConnectorError) as failed:
        wrong.sync_orders(cursor={})

    assert not failed.value.retryable
    assert failed.value.status_code == 401
    assert "client authentication failed" in failed.value.message


# --- orders ---------------------------------------------------------------------------------


def test_a_sync_walks_three_pages_and_stores_every_order_once(ebay, store, waits):
    result = platform_orders_sync(store=store, max_pages=10, connector=connector(ebay, store, waits))

    assert result.pages == 3
    assert result.caught_up
    assert offsets_asked(ebay) == ["0", "2", "4"]
    window = {request["query"]["filter"] for request in ebay.requests_to("GET", FULFILLMENT)}
    assert window == {"lastmodifieddate:[2026-09-01T12:00:00.000Z..2026-11-30T12:00:00.000Z]"}
    orders = Order.objects.filter(store=store).order_by("platform_id")
    assert [order.platform_id for order in orders] == [order_id(number) for number in range(1, 6)]
    first = orders[0]
    assert first.external_id == order_id(1)
    assert first.total == Decimal("29.90")
    assert first.status == "paid"
    assert first.customer.email == "anna_s_00001@members.ebay.de"
    assert first.lines.get().external_id == "100000001"
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor == {
        "since": "2026-11-25T07:59:59.000Z"
    }


def test_the_next_sync_brings_only_changed_orders_and_a_redelivery_changes_nothing(ebay, store, waits):
    platform_orders_sync(store=store, max_pages=10, connector=connector(ebay, store, waits))
    ebay.requests.clear()
    ebay.orders[order_id(2)].update(
        orderFulfillmentStatus="FULFILLED", lastModifiedDate="2026-11-28T09:00:00.000Z"
    )

    result = platform_orders_sync(store=store, max_pages=10, connector=connector(ebay, store, waits))

    asked = ebay.requests_to("GET", FULFILLMENT)[0]["query"]["filter"]
    assert asked.startswith("lastmodifieddate:[2026-11-25T07:59:59.000Z..")
    assert Order.objects.get(store=store, platform_id=order_id(2)).status == "fulfilled"
    assert (result.applied, result.unchanged) == (1, 1)  # the changed order; the overlap refetches 00005
    again = platform_orders_sync(store=store, max_pages=10, connector=connector(ebay, store, waits))
    assert Order.objects.filter(store=store).count() == 5
    assert (again.applied, again.unchanged, again.failed) == (0, 1, [])


def test_a_sync_that_fails_mid_way_resumes_at_the_failed_page(ebay, store, waits):
    ebay_connector = connector(ebay, store, waits)
    ebay_connector.sync_orders(cursor={})  # a token first, so the scripted failures hit the orders
    ebay.requests.clear()
    original = ebay.handle
    calls = {"n": 0}

    def second_page_down(method, path, query, body):
        if path == FULFILLMENT and query.get("offset") == "2" and calls["n"] < 3:
            calls["n"] += 1
            return 503, {"errors": [{"errorId": 10001, "message": "Service unavailable."}]}, {}
        return original(method, path, query, body)

    ebay.handle = second_page_down
    with pytest.raises(ConnectorError) as failed:
        platform_orders_sync(store=store, max_pages=10, connector=ebay_connector)

    assert failed.value.retryable
    assert failed.value.status_code == 503
    assert Order.objects.filter(store=store).count() == 2
    stopped = PlatformSyncCursor.objects.get(store=store, kind="orders").cursor
    assert stopped["offset"] == 2
    ebay.requests.clear()

    platform_orders_sync(store=store, max_pages=10, connector=ebay_connector)

    assert offsets_asked(ebay) == ["2", "4"]
    assert {request["query"]["filter"] for request in ebay.requests_to("GET", FULFILLMENT)} == {
        f"lastmodifieddate:[{stopped['since']}..{stopped['until']}]"
    }
    assert Order.objects.filter(store=store).count() == 5


def test_a_rate_limit_waits_as_long_as_retry_after_says_then_succeeds(ebay, store, waits):
    ebay_connector = connector(ebay, store, waits)
    ebay_connector.sync_orders(cursor={})
    PlatformCall.objects.all().delete()
    ebay.fail_next("GET", FULFILLMENT, 429, headers={"Retry-After": "7"})

    page = ebay_connector.sync_orders(cursor={})

    assert waits == [7.0]
    assert len(page.orders) == 2
    calls = list(PlatformCall.objects.order_by("pk").values_list("status_code", "error"))
    assert [status for status, _ in calls] == [429, 200]
    assert "eBay's rate limit was reached" in calls[0][1]
    assert "errorId 2001" in calls[0][1]


def test_the_rate_limit_error_id_is_retried_whatever_the_status(ebay, store, waits):
    ebay_connector = connector(ebay, store, waits)
    ebay_connector.sync_orders(cursor={})
    ebay.fail_next("GET", FULFILLMENT, 400, error_id=2001, times=2)

    page = ebay_connector.sync_orders(cursor={})

    assert len(page.orders) == 2
    assert waits == [1.0, 2.0]


def test_server_errors_are_retried_with_backoff_then_given_up_and_logged(ebay, store, waits):
    ebay_connector = connector(ebay, store, waits, attempts=3)
    ebay_connector.sync_orders(cursor={})
    PlatformCall.objects.all().delete()
    ebay.fail_next("GET", FULFILLMENT, 500, times=5)

    with pytest.raises(ConnectorError) as failed:
        ebay_connector.sync_orders(cursor={})

    assert failed.value.retryable
    assert waits == [1.0, 2.0]
    calls = list(PlatformCall.objects.filter(store=store).order_by("pk"))
    assert [(call.platform, call.operation, call.status_code) for call in calls] == [
        ("ebay", "sync_orders", 500)
    ] * 3
    assert "eBay failed (500): Scripted 500." in calls[-1].error


def test_an_order_maps_buyer_money_lines_address_and_refunds():
    raw = ebay_order(order_id(9), modified="2026-11-29T08:00:00.000Z")
    raw["orderPaymentStatus"] = "PARTIALLY_REFUNDED"
    raw["paymentSummary"]["refunds"] = [
        {"refundId": "5000900", "refundStatus": "REFUNDED", "amount": {"value": "5.00", "currency": "EUR"}},
        {"refundId": "5000901", "refundStatus": "FAILED", "amount": {"value": "9.00", "currency": "EUR"}},
    ]

    data = order_data(raw)

    assert (data.platform_id, data.number, data.status) == (order_id(9), order_id(9), "partially_refunded")
    assert (data.total, data.subtotal, data.shipping_total, data.currency) == (
        Decimal("29.90"),
        Decimal("25.00"),
        Decimal("4.90"),
        "EUR",
    )
    assert data.customer is not None
    assert (data.customer.platform_id, data.customer.email, data.customer.country) == (
        "anna_s_00009",
        "anna_s_00009@members.ebay.de",
        "DE",
    )
    assert (data.shipping_name, data.shipping_country, data.shipping_postal_code) == (
        "Anna Schmidt",
        "DE",
        "10115",
    )
    assert data.lines[0].platform_id == "100000009"
    assert data.lines[0].product_id == "374512345678"
    assert [refund.platform_id for refund in data.refunds] == ["5000900"]
    assert data.updated_at == dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)


# --- messages -------------------------------------------------------------------------------


def buyer_writes(
    ebay,
    *,
    message_id="msg-1001",
    body="Hi, the lamp arrived with a cracked shade.",
    created="2026-11-30T09:00:00.000Z",
    conversation="conv-77",
) -> None:
    ebay.add_message(
        conversation,
        message_id=message_id,
        sender="anna_s_84",
        body=body,
        created=created,
        buyer="anna_s_84",
        title="Cracked lamp shade",
        reference=("374512345678", "LISTING"),
    )


def test_buyer_messages_are_fetched_into_the_inbox_once_and_the_sellers_own_are_left_out(ebay, store, waits):
    buyer_writes(ebay)
    ebay.add_message(
        "conv-77",
        message_id="msg-1002",
        sender=SELLER,
        body="Sorry! Sending a new one.",
        created="2026-11-30T09:30:00.000Z",
        buyer="anna_s_84",
        title="Cracked lamp shade",
    )
    buyer_writes(ebay, message_id="msg-1003", body="Thank you!", created="2026-11-30T10:00:00.000Z")

    first = platform_messages_sync(store=store, max_pages=5, connector=connector(ebay, store, waits))
    again = platform_messages_sync(store=store, max_pages=5, connector=connector(ebay, store, waits))

    assert (first.stored, first.duplicates) == (2, 0)
    ticket = Ticket.objects.get(store=store)
    assert ticket.external_thread_id == "conv-77"
    assert list(ticket.messages.order_by("id").values_list("external_id", "body_text")) == [
        ("msg-1001", "Hi, the lamp arrived with a cracked shade."),
        ("msg-1003", "Thank you!"),
    ]
    assert again.stored == 0
    assert Message.objects.filter(store=store).count() == 2
    assert PlatformSyncCursor.objects.get(store=store, kind="messages").cursor == {
        "since": "2026-11-30T09:59:59.000Z"
    }
    listed = ebay.requests_to("GET", f"{MESSAGES}/conversation")[0]["query"]
    assert listed["conversation_type"] == "FROM_MEMBERS"
    assert listed["start_time"] == "2026-11-27T12:00:00.000Z"  # the last three days


def test_conversations_are_paged_and_the_next_fetch_starts_after_the_newest_message(ebay, store, waits):
    for number in range(1, 4):
        buyer_writes(
            ebay,
            conversation=f"conv-{number}",
            message_id=f"msg-{number}",
            body=f"Question {number}",
            created=f"2026-11-30T0{number}:00:00.000Z",
        )

    result = platform_messages_sync(store=store, max_pages=5, connector=connector(ebay, store, waits, page=2))

    assert (result.pages, result.stored) == (2, 3)
    assert [
        request["query"]["offset"] for request in ebay.requests_to("GET", f"{MESSAGES}/conversation")
    ] == [
        "0",
        "2",
    ]
    ebay.requests.clear()
    buyer_writes(
        ebay, conversation="conv-1", message_id="msg-9", body="Any news?", created="2026-11-30T11:00:00.000Z"
    )

    later = platform_messages_sync(store=store, max_pages=5, connector=connector(ebay, store, waits, page=2))

    assert later.stored == 1
    assert (
        ebay.requests_to("GET", f"{MESSAGES}/conversation")[0]["query"]["start_time"]
        == "2026-11-30T02:59:59.000Z"
    )
    assert sorted(Message.objects.filter(store=store).values_list("external_id", flat=True)) == [
        "msg-1",
        "msg-2",
        "msg-3",
        "msg-9",
    ]


def test_a_message_pushed_and_then_pulled_is_stored_once(client, ebay, store, waits):
    buyer_writes(ebay)
    conversation = ebay.conversations["conv-77"]
    pushed = {
        "conversationId": "conv-77",
        "conversationTitle": conversation["conversationTitle"],
        "referenceId": "374512345678",
        "referenceType": "LISTING",
        "message": copy.deepcopy(conversation["messages"][0]),
    }
    body = json.dumps(pushed).encode()
    response = client.post(
        f"/inbound/ebay/{store.inbound_key}/",
        data=body,
        content_type="application/json",
        headers={"X-Helpdesk-Signature": sign_helpdesk(store.webhook_secret, body)},
    )
    assert response.status_code == 202

    result = platform_messages_sync(store=store, max_pages=5, connector=connector(ebay, store, waits))

    assert (result.stored, result.duplicates) == (0, 1)
    assert Message.objects.filter(store=store).count() == 1
    assert Ticket.objects.filter(store=store).count() == 1


def test_a_reply_goes_into_the_buyers_conversation(ebay, store, waits):
    buyer_writes(ebay)

    message_id = connector(ebay, store, waits).send_message(
        order_external_id="", text="  A new shade left today.  ", thread_id="conv-77", buyer_id="anna_s_84"
    )

    sent = ebay.requests_to("POST", f"{MESSAGES}/send_message")
    assert [request["body"] for request in sent] == [
        {"messageText": "A new shade left today.", "conversationId": "conv-77"}
    ]
    assert ebay.conversations["conv-77"]["messages"][-1]["messageId"] == message_id
    assert ebay.conversations["conv-77"]["messages"][-1]["senderUsername"] == SELLER


def test_a_first_message_about_an_order_starts_a_conversation_about_its_listing(ebay, store, waits):
    connector(ebay, store, waits).send_message(order_external_id=order_id(3), text="Your parcel is delayed.")

    sent = ebay.requests_to("POST", f"{MESSAGES}/send_message")[0]["body"]
    assert sent == {
        "messageText": "Your parcel is delayed.",
        "reference": {"referenceId": "374512345678", "referenceType": "LISTING"},
        "otherPartyUsername": "anna_s_00003",
    }


def test_a_reply_whose_answer_was_lost_is_not_sent_twice(ebay, store, waits):
    buyer_writes(ebay)
    ebay_connector = connector(ebay, store, waits)
    ebay_connector.sync_orders(cursor={})
    ebay.fail_next("POST", f"{MESSAGES}/send_message", 502, processed=True)

    message_id = ebay_connector.send_message(order_external_id="", text="On its way.", thread_id="conv-77")

    from_seller = [
        item for item in ebay.conversations["conv-77"]["messages"] if item["senderUsername"] == SELLER
    ]
    assert [item["messageId"] for item in from_seller] == [message_id]
    assert len(ebay.requests_to("POST", f"{MESSAGES}/send_message")) == 1


def test_a_reply_given_up_after_a_lost_answer_is_found_by_a_later_task(ebay, store, waits):
    buyer_writes(ebay)
    ebay.fail_next("POST", f"{MESSAGES}/send_message", 504, processed=True)
    with pytest.raises(ConnectorError):
        connector(ebay, store, waits, attempts=1).send_message(
            order_external_id="", text="On its way.", thread_id="conv-77"
        )

    message_id = connector(ebay, store, waits).send_message(
        order_external_id="", text="On its way.", thread_id="conv-77"
    )

    from_seller = [
        item for item in ebay.conversations["conv-77"]["messages"] if item["senderUsername"] == SELLER
    ]
    assert [item["messageId"] for item in from_seller] == [message_id]
    assert len(ebay.requests_to("POST", f"{MESSAGES}/send_message")) == 1


def test_the_same_words_sent_again_later_are_a_new_message(ebay, store, waits):
    buyer_writes(ebay)
    ebay_connector = connector(ebay, store, waits)

    first = ebay_connector.send_message(order_external_id="", text="Thank you!", thread_id="conv-77")
    second = ebay_connector.send_message(order_external_id="", text="Thank you!", thread_id="conv-77")

    assert first != second
    assert len(ebay.requests_to("POST", f"{MESSAGES}/send_message")) == 2


def test_a_message_without_conversation_buyer_or_order_is_refused_clearly(ebay, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(ebay, store, waits).send_message(order_external_id="", text="Hello")

    assert not failed.value.retryable
    assert "conversation, username or order" in failed.value.message


# --- refunds --------------------------------------------------------------------------------


def refund_order(key: str = "refund-7f3a", amount: str = "12.50", line: str = "") -> RefundOrder:
    return RefundOrder(
        idempotency_key=key,
        order_external_id=order_id(3),
        order_line_external_id=line,
        amount=Decimal(amount),
        currency="EUR",
        method="original_payment",
        reason="Damaged in transit",
    )


def refunds_of(ebay, number: int) -> list[dict]:
    return ebay.orders[order_id(number)]["paymentSummary"]["refunds"]


def test_the_same_refund_twice_refunds_once(ebay, store, waits):
    ebay_connector = connector(ebay, store, waits)

    first = ebay_connector.refund_create(refund=refund_order())
    second = connector(ebay, store, waits).refund_create(refund=refund_order())

    assert first.reference == second.reference == refunds_of(ebay, 3)[0]["refundId"]
    assert len(refunds_of(ebay, 3)) == 1
    created = ebay.requests_to("POST", f"{FULFILLMENT}/{order_id(3)}/issue_refund")
    assert len(created) == 1
    assert created[0]["body"] == {
        "reasonForRefund": "OTHER_ADJUSTMENT",
        "comment": "Damaged in transit [helpdesk:refund-7f3a]",
        "orderLevelRefundAmount": {"value": "12.50", "currency": "EUR"},
    }
    assert first.raw["refundStatus"] == "PENDING"


def test_a_refund_whose_answer_was_lost_is_found_instead_of_made_again(ebay, store, waits):
    ebay.fail_next("POST", f"{FULFILLMENT}/{order_id(3)}/issue_refund", 502, processed=True)

    result = connector(ebay, store, waits).refund_create(refund=refund_order())

    assert len(refunds_of(ebay, 3)) == 1
    assert result.reference == refunds_of(ebay, 3)[0]["refundId"]
    assert len(ebay.requests_to("POST", f"{FULFILLMENT}/{order_id(3)}/issue_refund")) == 1


def test_a_refund_given_up_after_a_lost_answer_is_found_by_a_later_task(ebay, store, waits):
    ebay.fail_next("POST", f"{FULFILLMENT}/{order_id(3)}/issue_refund", 502, processed=True)
    with pytest.raises(ConnectorError):
        connector(ebay, store, waits, attempts=1).refund_create(refund=refund_order())
    refunds_of(ebay, 3).insert(
        0, {"refundId": "4999999", "refundStatus": "REFUNDED", "amount": {"value": "3.00", "currency": "EUR"}}
    )

    result = connector(ebay, store, waits).refund_create(refund=refund_order())

    assert len(refunds_of(ebay, 3)) == 2  # the lost one and an unrelated one; nothing new
    assert result.reference == refunds_of(ebay, 3)[1]["refundId"]
    assert len(ebay.requests_to("POST", f"{FULFILLMENT}/{order_id(3)}/issue_refund")) == 1


def test_a_refund_for_one_line_names_the_line(ebay, store, waits):
    connector(ebay, store, waits).refund_create(refund=refund_order(line="100000003", amount="25.00"))

    body = ebay.requests_to("POST", f"{FULFILLMENT}/{order_id(3)}/issue_refund")[0]["body"]
    assert body["refundItems"] == [
        {"lineItemId": "100000003", "refundAmount": {"value": "25.00", "currency": "EUR"}}
    ]
    assert ebay.orders[order_id(3)]["lineItems"][0]["refunds"][0]["amount"]["value"] == "25.00"


def test_a_refund_ebay_refuses_is_not_retried(ebay, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(ebay, store, waits).refund_create(refund=refund_order(key="k-big", amount="500"))

    assert not failed.value.retryable
    assert failed.value.status_code == 400
    assert "exceeds the amount paid" in failed.value.message
    assert "errorId 32610" in failed.value.message
    assert len(ebay.requests_to("POST", f"{FULFILLMENT}/{order_id(3)}/issue_refund")) == 1


def test_a_refund_of_an_unknown_order_is_a_clear_final_error(ebay, store, waits):
    unknown = RefundOrder(
        idempotency_key="k-x",
        order_external_id="99-99999-99999",
        amount=Decimal("1"),
        currency="EUR",
        method="original_payment",
    )
    with pytest.raises(ConnectorError) as failed:
        connector(ebay, store, waits).refund_create(refund=unknown)

    assert not failed.value.retryable
    assert failed.value.status_code == 404
    assert "Invalid Order Id" in failed.value.message


def eu_seller(ebay):
    """Make the fake an EU seller's eBay: issue_refund must be signed; returns the private key
    in eBay's Key Management API form (base64 PKCS#8) and the JWE."""
    key = Ed25519PrivateKey.generate()
    ebay.signing_key = key.public_key()
    ebay.signing_jwe = "eyJ6aXAiOiJERUYiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiQTI1NkdDTUtXIn0.test-jwe"
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return base64.b64encode(der).decode(), ebay.signing_jwe


def test_an_eu_sellers_refund_is_signed_the_way_ebay_documents(ebay, store, waits):
    private_key, jwe = eu_seller(ebay)
    signed = EbayConnector(
        base_url=ebay.url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
        store_id=store.pk,
        sleep=waits.append,
        now=lambda: NOW,
        signing_key_jwe=jwe,
        signing_private_key=private_key,
    )

    result = signed.refund_create(refund=refund_order())

    assert result.reference == refunds_of(ebay, 3)[0]["refundId"]
    sent = ebay.requests_to("POST", f"{FULFILLMENT}/{order_id(3)}/issue_refund")[0]["headers"]
    assert sent["x-ebay-signature-key"] == jwe
    assert sent["Signature-Input"] == (
        'sig1=("content-digest" "x-ebay-signature-key" "@method" "@path" "@authority");created=1796040000'
    )


def test_an_eu_sellers_refund_without_a_signing_key_is_refused_clearly(ebay, store, waits):
    eu_seller(ebay)

    with pytest.raises(ConnectorError) as failed:
        connector(ebay, store, waits).refund_create(refund=refund_order())

    assert not failed.value.retryable
    assert "Signature validation failed" in failed.value.message
    assert refunds_of(ebay, 3) == []


def test_a_refund_signed_with_another_key_is_refused(ebay, store, waits):
    _, jwe = eu_seller(ebay)
    other = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signed = EbayConnector(
        base_url=ebay.url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
        store_id=store.pk,
        sleep=waits.append,
        now=lambda: NOW,
        signing_key_jwe=jwe,
        signing_private_key=other.decode(),
    )

    with pytest.raises(ConnectorError) as failed:
        signed.refund_create(refund=refund_order())

    assert not failed.value.retryable
    assert failed.value.status_code == 400
    assert refunds_of(ebay, 3) == []


# --- tracking -------------------------------------------------------------------------------


def test_tracking_is_pushed_once_with_the_orders_lines(ebay, store, waits):
    ebay_connector = connector(ebay, store, waits)

    first = ebay_connector.push_tracking(
        order_external_id=order_id(4), carrier="DHL", number="00340434 1612 34"
    )
    second = ebay_connector.push_tracking(
        order_external_id=order_id(4), carrier="DHL", number="003404341612 34"
    )

    assert first == second == "00340434161234-1"
    posted = ebay.requests_to("POST", f"{FULFILLMENT}/{order_id(4)}/shipping_fulfillment")
    assert [request["body"] for request in posted] == [
        {
            "lineItems": [{"lineItemId": "100000004", "quantity": 1}],
            "shippedDate": "2026-11-30T12:00:00.000Z",
            "shippingCarrierCode": "DHL",
            "trackingNumber": "00340434161234",
        }
    ]


def test_tracking_whose_answer_was_lost_is_not_pushed_twice(ebay, store, waits):
    ebay.fail_next("POST", f"{FULFILLMENT}/{order_id(4)}/shipping_fulfillment", 504, processed=True)

    reference = connector(ebay, store, waits).push_tracking(
        order_external_id=order_id(4), carrier="DHL", number="JJD01"
    )

    assert len(ebay.fulfillments[order_id(4)]) == 1
    assert reference == ebay.fulfillments[order_id(4)][0]["fulfillmentId"]


# --- the registry ---------------------------------------------------------------------------


def test_a_store_with_stored_credentials_gets_a_connector_that_can_do_everything(ebay, store):
    assert connector_for(store) is None
    platform_credential_set(
        store=store,
        base_url=ebay.url,
        secrets={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN},
    )

    ebay_connector = connector_for(store)

    assert isinstance(ebay_connector, EbayConnector)
    assert ebay_connector.seller_username == SELLER
    assert all(supports(ebay_connector, capability) for capability in Capability)
    assert ebay_connector.sync_orders(cursor={}).orders[0]["orderId"] == order_id(1)


def test_credentials_missing_the_refresh_token_give_no_connector(store):
    platform_credential_set(
        store=store,
        base_url="https://api.ebay.com",
        secrets={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )

    assert connector_for(store) is None


def test_credentials_for_a_plain_http_address_give_no_connector(store):
    platform_credential_set(
        store=store,
        base_url="http://api.ebay.com",
        secrets={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN},
    )

    assert connector_for(store) is None
