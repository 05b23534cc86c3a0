"""The Shopee connector against a local Shopee Open Platform v2: signed calls, the access token
renewed once when it expires, orders synced in 15-day windows page by page and resumable, chat
messages into the inbox once, replies, tracking for the seller's own carrier, and refunds of a
buyer's return request once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customers.models import Order, Platform
from helpdesk.platforms import Capability, ConnectorError, RefundOrder, RetryPolicy, connector_for, supports
from helpdesk.platforms.credentials import platform_credential_secrets, platform_credential_set
from helpdesk.platforms.models import PlatformCall, PlatformCredential, PlatformSyncCursor
from helpdesk.platforms.shopee import ShopeeConnector
from helpdesk.platforms.sync import platform_messages_sync, platform_orders_sync
from tests.factories import StoreFactory
from tests.helpdesk.fake_shopee import (
    ACCESS_TOKEN,
    DAY,
    NOW,
    PARTNER_ID,
    PARTNER_KEY,
    REFRESH_TOKEN,
    SELLER_USER_ID,
    SHOP_ID,
    FakeShopee,
    serve,
    shopee_order,
    sign,
)
from tickets.models import Message, Ticket

ORDER_LIST = "/api/v2/order/get_order_list"
ORDER_DETAIL = "/api/v2/order/get_order_detail"
SEND = "/api/v2/sellerchat/send_message"
SHIP = "/api/v2/logistics/ship_order"
CONFIRM = "/api/v2/returns/confirm"
REFRESH = "/api/v2/auth/access_token/get"
BUYER = 6648342


class Clock:
    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def shop():
    fake = FakeShopee()
    for number in range(1, 6):
        order_sn = f"251125K9T2QW{number:02d}"
        fake.orders[order_sn] = shopee_order(order_sn, updated=NOW - 5 * DAY + number * 3600)
    yield from serve(fake)


@pytest.fixture
def store(db):
    return StoreFactory(platform=Platform.SHOPEE, external_id=SHOP_ID, currency="IDR")


@pytest.fixture
def waits():
    return []


@pytest.fixture
def clock():
    return Clock()


def connector(
    shop, store, waits, clock, *, key=PARTNER_KEY, attempts=3, page_size=2, **extra
) -> ShopeeConnector:
    options = {
        "base_url": shop.url,
        "partner_id": PARTNER_ID,
        "partner_key": key,
        "shop_id": SHOP_ID,
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "store_id": store.pk,
        "policy": RetryPolicy(max_attempts=attempts, backoff_seconds=1.0, max_wait_seconds=30.0),
        "sleep": waits.append,
        "clock": clock,
        "page_size": page_size,
        "initial_days": 10,
    }
    return ShopeeConnector(**{**options, **extra})


def cursors_asked(shop) -> list[str]:
    return [request["query"]["cursor"] for request in shop.requests_to("GET", ORDER_LIST)]


def store_credentials(shop, store):
    return platform_credential_set(
        store=store,
        base_url=shop.url,
        secrets={
            "partner_id": PARTNER_ID,
            "partner_key": PARTNER_KEY,
            "shop_id": SHOP_ID,
            "access_token": ACCESS_TOKEN,
            "refresh_token": REFRESH_TOKEN,
        },
    )


# --- signing and errors -------------------------------------------------------------------


def test_every_call_is_signed_as_shopee_documents_for_shop_apis(shop, store, waits, clock):
    connector(shop, store, waits, clock).sync_orders(cursor={})

    request = shop.requests_to("GET", ORDER_LIST)[0]
    query = request["query"]
    assert query["partner_id"] == PARTNER_ID
    assert query["shop_id"] == SHOP_ID
    assert query["access_token"] == ACCESS_TOKEN
    assert query["timestamp"] == str(NOW)
    assert query["sign"] == sign(ORDER_LIST, str(NOW), ACCESS_TOKEN, SHOP_ID)
    assert query["time_range_field"] == "update_time"


def test_a_wrong_partner_key_is_refused_at_once_with_a_clear_error(shop, store, waits, clock):
    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits, clock, key="0" * 64).sync_orders(cursor={})

    assert not failed.value.retryable
    assert failed.value.status_code == 403
    assert "refused the store's credentials" in failed.value.message
    assert "Wrong sign" in failed.value.message
    assert len(shop.requests) == 1
    assert waits == []


def test_an_error_in_a_200_answer_is_a_failure_and_error_param_is_final(shop, store, waits, clock):
    shop.fail_next("GET", ORDER_LIST, 200, code="error_param", message="Invalid cursor.", times=3)

    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits, clock).sync_orders(cursor={})

    assert not failed.value.retryable
    assert "Invalid cursor. (error_param)" in failed.value.message
    assert len(shop.requests) == 1
    assert PlatformCall.objects.get(store=store).status_code == 200


@pytest.mark.parametrize("status", [429, 200])
def test_a_rate_limit_waits_then_succeeds_whether_shopee_says_it_with_429_or_in_the_body(
    shop, store, waits, clock, status
):
    shop.fail_next("GET", ORDER_LIST, status, code="error_too_many_request", times=2)

    page = connector(shop, store, waits, clock).sync_orders(cursor={})

    assert waits == [1.0, 2.0]  # Shopee sends no Retry-After: the policy's backoff
    assert len(page.orders) == 2
    assert list(PlatformCall.objects.order_by("pk").values_list("status_code", flat=True)) == [
        status,
        status,
        200,
        200,
    ]


def test_server_errors_are_retried_with_backoff_then_given_up(shop, store, waits, clock):
    shop.fail_next("GET", ORDER_LIST, 500, times=5)

    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits, clock).sync_orders(cursor={})

    assert failed.value.retryable
    assert waits == [1.0, 2.0]
    assert len(shop.requests) == 3
    assert "error_inner" in PlatformCall.objects.filter(store=store).last().error


def test_an_expired_access_token_is_renewed_once_the_call_repeated_and_the_new_tokens_stored(
    shop, store, clock
):
    store_credentials(shop, store)
    shopee = connector_for(store)
    assert isinstance(shopee, ShopeeConnector)
    shopee.clock, shopee.initial_days = clock, 10
    shop.expire_access_token()

    page = shopee.sync_orders(cursor={})

    assert [order["order_sn"] for order in page.orders][:1] == ["251125K9T2QW01"]
    refresh = shop.requests_to("POST", REFRESH)
    assert len(refresh) == 1
    assert refresh[0]["body"] == {
        "refresh_token": REFRESH_TOKEN,
        "shop_id": int(SHOP_ID),
        "partner_id": int(PARTNER_ID),
    }
    # a public API: signed over partner_id + path + timestamp, without token or shop
    assert refresh[0]["query"]["sign"] == sign(REFRESH, refresh[0]["query"]["timestamp"])
    assert "access_token" not in refresh[0]["query"]
    secrets = platform_credential_secrets(credential=PlatformCredential.objects.get(store=store))
    assert (secrets["access_token"], secrets["refresh_token"]) == (shop.access_token, shop.refresh_token)
    assert secrets["refresh_token"] != REFRESH_TOKEN  # Shopee rotated it

    # The next connector reads the renewed tokens: no second renewal.
    connector_for(store).sync_orders(cursor={})
    assert len(shop.requests_to("POST", REFRESH)) == 1


def test_a_token_another_worker_renewed_meanwhile_is_used_instead_of_renewing_again(shop, store, clock):
    store_credentials(shop, store)
    first, second = connector_for(store), connector_for(store)
    first.clock = second.clock = clock
    first.initial_days = second.initial_days = 10
    shop.expire_access_token()
    first.sync_orders(cursor={})

    page = second.sync_orders(cursor={})  # still holds the old pair, whose refresh token is spent

    assert len(page.orders) == 5
    assert len(shop.requests_to("POST", REFRESH)) == 1
    assert second.access_token == shop.access_token


def test_a_refresh_token_shopee_no_longer_knows_is_a_clear_final_error(shop, store, waits, clock):
    shop.expire_access_token()
    shop.refresh_token = "someone-else-renewed-it"

    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits, clock).sync_orders(cursor={})

    assert not failed.value.retryable
    assert "would not renew" in failed.value.message
    assert "Invalid refresh_token" in failed.value.message
    assert "Authorise the shop again" in failed.value.message
    assert len(shop.requests_to("GET", ORDER_LIST)) == 1
    assert len(shop.requests_to("POST", REFRESH)) == 1


# --- orders -------------------------------------------------------------------------------


def test_a_sync_walks_the_pages_and_stores_every_order_once_with_its_buyer_and_lines(
    shop, store, waits, clock
):
    result = platform_orders_sync(store=store, max_pages=10, connector=connector(shop, store, waits, clock))

    assert (result.pages, result.applied, result.caught_up) == (3, 5, True)
    assert cursors_asked(shop) == ["", "2", "4"]
    detail = shop.requests_to("GET", ORDER_DETAIL)[0]["query"]
    assert detail["order_sn_list"] == "251125K9T2QW01,251125K9T2QW02"
    orders = Order.objects.filter(store=store).order_by("platform_id")
    assert orders.count() == 5
    order = orders[0]
    assert (order.platform_id, order.external_id) == ("251125K9T2QW01", "251125K9T2QW01")
    assert order.status == "paid"
    assert order.total == Decimal("187000.00")
    assert order.currency == "IDR"
    assert order.shipping_country == "ID"
    line = order.lines.get()
    assert (line.quantity, line.unit_price, line.total_paid) == (2, Decimal("89000.00"), Decimal("178000.00"))
    assert line.sku == "LAMP-RATTAN-NAT"
    assert order.customer.identities.filter(value=str(BUYER)).exists()
    cursor = PlatformSyncCursor.objects.get(store=store, kind="orders").cursor
    assert cursor["time_from"] == NOW - 300  # five minutes of overlap for the next run


def test_a_first_sync_walks_fifteen_day_windows_back_to_its_start(shop, store, waits, clock):
    shop.orders["250925OLDORDER"] = shopee_order("250925OLDORDER", updated=NOW - 35 * DAY)
    shop.orders["251015MIDORDER"] = shopee_order("251015MIDORDER", updated=NOW - 20 * DAY)
    shopee = connector(shop, store, waits, clock, initial_days=40, page_size=100)

    result = platform_orders_sync(store=store, max_pages=10, connector=shopee)

    windows = [
        (int(r["query"]["time_from"]), int(r["query"]["time_to"]))
        for r in shop.requests_to("GET", ORDER_LIST)
    ]
    assert windows == [
        (NOW - 40 * DAY, NOW - 25 * DAY),
        (NOW - 25 * DAY, NOW - 10 * DAY),
        (NOW - 10 * DAY, NOW),
    ]
    assert result.caught_up
    assert Order.objects.filter(store=store).count() == 7


def test_a_sync_that_fails_mid_way_resumes_at_the_failed_page(shop, store, waits, clock):
    shopee = connector(shop, store, waits, clock)
    shop.fail_next("GET", ORDER_LIST, 503, times=3, cursor="2")

    with pytest.raises(ConnectorError) as failed:
        platform_orders_sync(store=store, max_pages=10, connector=shopee)

    assert failed.value.retryable
    assert Order.objects.filter(store=store).count() == 2
    stored = PlatformSyncCursor.objects.get(store=store, kind="orders").cursor
    assert stored["cursor"] == "2"
    assert (stored["time_from"], stored["time_to"]) == (NOW - 10 * DAY, NOW)
    shop.requests.clear()
    clock.now += 600  # the window the resumed pages belong to stays the same

    platform_orders_sync(store=store, max_pages=10, connector=shopee)

    assert cursors_asked(shop) == ["2", "4"]
    assert {int(r["query"]["time_to"]) for r in shop.requests_to("GET", ORDER_LIST)} == {NOW}
    assert Order.objects.filter(store=store).count() == 5


def test_the_next_sync_brings_only_changed_orders(shop, store, waits, clock):
    shopee = connector(shop, store, waits, clock)
    platform_orders_sync(store=store, max_pages=10, connector=shopee)
    clock.now += 3600
    shop.orders["251125K9T2QW03"].update(order_status="SHIPPED", update_time=NOW + 1800)
    shop.requests.clear()

    result = platform_orders_sync(store=store, max_pages=10, connector=shopee)

    query = shop.requests_to("GET", ORDER_LIST)[0]["query"]
    assert (int(query["time_from"]), int(query["time_to"])) == (NOW - 300, NOW + 3600)
    assert shop.requests_to("GET", ORDER_DETAIL)[0]["query"]["order_sn_list"] == "251125K9T2QW03"
    assert (result.applied, result.unchanged) == (1, 0)
    assert Order.objects.get(store=store, platform_id="251125K9T2QW03").status == "fulfilled"
    assert Order.objects.filter(store=store).count() == 5


# --- chat ---------------------------------------------------------------------------------


@pytest.fixture
def chats(shop):
    shop.add_chat(
        "28554413104092054",
        BUYER,
        "yehezkiel_p",
        [
            (BUYER, "Kak, paketnya belum sampai. Bisa dicek?", NOW - 7200),
            (SELLER_USER_ID, "Baik kak, kami cek dulu ya.", NOW - 7000),
            (BUYER, "Nomor pesanan 251125K9T2QW01", NOW - 6900),
        ],
    )
    shop.add_chat("28554413104099999", 7310022, "rina.s", [(7310022, "Apakah ada warna hitam?", NOW - 3600)])
    shop.add_chat("28554413104011111", 7310033, "old_buyer", [(7310033, "Terima kasih!", NOW - 30 * DAY)])
    return shop


def test_buyer_chat_messages_become_tickets_once_and_the_sellers_own_are_left_out(chats, store, waits, clock):
    shopee = connector(chats, store, waits, clock, chat_page_size=1)

    first = platform_messages_sync(store=store, max_pages=10, connector=shopee)

    assert (first.stored, first.caught_up) == (3, True)
    ticket = Ticket.objects.get(external_thread_id="28554413104092054")
    assert list(ticket.messages.order_by("sent_at").values_list("body_text", flat=True)) == [
        "Kak, paketnya belum sampai. Bisa dicek?",
        "Nomor pesanan 251125K9T2QW01",
    ]
    message = ticket.messages.order_by("sent_at").first()
    assert message.channel == "shopee"
    assert message.sender_name == "yehezkiel_p"
    assert Ticket.objects.count() == 2  # the 30-day-old conversation is before the first fetch's reach
    assert not Message.objects.filter(body_text__startswith="Baik kak").exists()

    again = platform_messages_sync(store=store, max_pages=10, connector=shopee)
    assert (again.stored, again.duplicates) == (0, 0)
    # Fetched again from the start (a lost cursor): every message is known, none stored twice.
    PlatformSyncCursor.objects.filter(store=store, kind="messages").update(cursor={})
    from_scratch = platform_messages_sync(store=store, max_pages=10, connector=shopee)
    assert (from_scratch.stored, from_scratch.duplicates) == (0, 3)
    assert Message.objects.count() == 3


def test_a_new_buyer_message_is_fetched_by_the_next_pass_into_the_same_ticket(chats, store, waits, clock):
    shopee = connector(chats, store, waits, clock)
    platform_messages_sync(store=store, max_pages=10, connector=shopee)
    clock.now += 600
    chats.chat("28554413104092054", BUYER, "Sudah sampai, terima kasih!", NOW + 500)
    chats.requests.clear()

    result = platform_messages_sync(store=store, max_pages=10, connector=shopee)

    assert result.stored == 1
    ticket = Ticket.objects.get(external_thread_id="28554413104092054")
    assert ticket.messages.count() == 3
    # only the conversation with something new was read
    read = {r["query"]["conversation_id"] for r in chats.requests_to("GET", "/api/v2/sellerchat/get_message")}
    assert read == {"28554413104092054"}


def test_a_pushed_message_and_the_same_message_pulled_are_stored_once(chats, store, waits, clock):
    from tickets.ingest.platforms import families
    from tickets.ingest.platforms.base import WebhookRequest
    from tickets.services.ingestion import message_ingest

    pushed = dict(chats.conversations["28554413104099999"]["messages"][0], from_user_name="rina.s")
    payload = {
        "shop_id": int(SHOP_ID),
        "code": 10,
        "timestamp": NOW,
        "data": {"type": "message", "content": pushed},
    }
    request = WebhookRequest(store_id=store.pk, store_account=SHOP_ID, headers={}, body=b"")
    message_ingest(inbound=families.shopee(payload, request))

    result = platform_messages_sync(
        store=store, max_pages=10, connector=connector(chats, store, waits, clock)
    )

    assert (result.stored, result.duplicates) == (2, 1)
    assert Message.objects.filter(external_id=pushed["message_id"]).count() == 1


def test_a_reply_is_sent_to_the_buyer_exactly_as_shopee_documents(chats, store, waits, clock):
    message_id = connector(chats, store, waits, clock).send_message(
        order_external_id="",
        text="Paket sudah dikirim hari ini.",
        thread_id="28554413104092054",
        buyer_id=str(BUYER),
    )

    sent = chats.requests_to("POST", SEND)
    assert len(sent) == 1
    assert sent[0]["body"] == {
        "to_id": BUYER,
        "message_type": "text",
        "content": {"text": "Paket sudah dikirim hari ini."},
    }
    assert sent[0]["query"]["sign"] == sign(SEND, str(NOW), ACCESS_TOKEN, SHOP_ID)
    last = chats.conversations["28554413104092054"]["messages"][-1]
    assert (last["message_id"], last["from_shop_id"]) == (message_id, int(SHOP_ID))


def test_a_reply_whose_answer_was_lost_is_found_in_the_conversation_not_sent_again(
    chats, store, waits, clock
):
    chats.fail_next("POST", SEND, 502, processed=True)

    message_id = connector(chats, store, waits, clock).send_message(
        order_external_id="", text="Paket sudah dikirim.", thread_id="28554413104092054", buyer_id=str(BUYER)
    )

    mine = [
        m
        for m in chats.conversations["28554413104092054"]["messages"]
        if m["content"]["text"] == "Paket sudah dikirim."
    ]
    assert len(mine) == 1
    assert mine[0]["message_id"] == message_id
    assert len(chats.requests_to("POST", SEND)) == 1


def test_a_reply_without_the_buyers_shopee_id_is_a_clear_final_error(chats, store, waits, clock):
    with pytest.raises(ConnectorError) as failed:
        connector(chats, store, waits, clock).send_message(order_external_id="251125K9T2QW01", text="Halo")

    assert not failed.value.retryable
    assert "buyer's Shopee user id" in failed.value.message
    assert chats.requests == []


# --- tracking -----------------------------------------------------------------------------


def test_tracking_is_pushed_once_for_the_sellers_own_carrier(shop, store, waits, clock):
    shopee = connector(shop, store, waits, clock)

    first = shopee.push_tracking(
        order_external_id="251125K9T2QW02", carrier="J&T Express", number="JX1234567890"
    )
    again = shopee.push_tracking(
        order_external_id="251125K9T2QW02", carrier="J&T Express", number="JX1234567890"
    )

    assert first == again == "JX1234567890"
    shipped = shop.requests_to("POST", SHIP)
    assert [request["body"] for request in shipped] == [
        {"order_sn": "251125K9T2QW02", "non_integrated": {"tracking_number": "JX1234567890"}}
    ]
    assert shop.orders["251125K9T2QW02"]["tracking_number"] == "JX1234567890"


def test_tracking_whose_answer_was_lost_is_not_pushed_twice(shop, store, waits, clock):
    shop.fail_next("POST", SHIP, 0, drop=True, processed=True)

    connector(shop, store, waits, clock).push_tracking(
        order_external_id="251125K9T2QW02", carrier="", number="JX1234567890"
    )

    assert len(shop.requests_to("POST", SHIP)) == 1
    assert waits == [1.0]


def test_an_order_shipped_with_another_number_is_a_clear_final_error(shop, store, waits, clock):
    shop.orders["251125K9T2QW02"].update(tracking_number="SPXID0001", order_status="SHIPPED")

    with pytest.raises(ConnectorError) as failed:
        connector(shop, store, waits, clock).push_tracking(
            order_external_id="251125K9T2QW02", carrier="", number="JX1234567890"
        )

    assert not failed.value.retryable
    assert "already shipped with tracking number SPXID0001" in failed.value.message
    assert shop.requests_to("POST", SHIP) == []


# --- refunds ------------------------------------------------------------------------------


def refund_order(
    amount: str = "178000", order: str = "251125K9T2QW01", key: str = "refund-7f3a"
) -> RefundOrder:
    return RefundOrder(
        idempotency_key=key,
        order_external_id=order,
        amount=Decimal(amount),
        currency="IDR",
        method="original_payment",
        reason="Barang rusak",
    )


@pytest.fixture
def returned(shop):
    shop.returns.append(
        {
            "return_sn": "2511290RMA0001",
            "order_sn": "251125K9T2QW01",
            "status": "REQUESTED",
            "refund_amount": 178000.0,
            "currency": "IDR",
            "reason": "DAMAGED",
            "create_time": NOW - DAY,
            "update_time": NOW - DAY,
        }
    )
    return shop


def test_a_refund_accepts_the_buyers_return_request_once_even_when_asked_twice(returned, store, waits, clock):
    shopee = connector(returned, store, waits, clock)

    first = shopee.refund_create(refund=refund_order())
    second = shopee.refund_create(refund=refund_order())

    assert first.reference == second.reference == "2511290RMA0001"
    assert [request["body"] for request in returned.requests_to("POST", CONFIRM)] == [
        {"return_sn": "2511290RMA0001"}
    ]
    assert returned.returns[0]["refunds"] == 1


@pytest.mark.parametrize("lost", ["5xx", "dropped"])
def test_a_refund_whose_answer_was_lost_is_found_instead_of_made_again(returned, store, waits, clock, lost):
    if lost == "5xx":
        returned.fail_next("POST", CONFIRM, 502, processed=True)
    else:
        returned.fail_next("POST", CONFIRM, 0, drop=True, processed=True)

    result = connector(returned, store, waits, clock).refund_create(refund=refund_order())

    assert result.reference == "2511290RMA0001"
    assert returned.returns[0]["refunds"] == 1
    assert len(returned.requests_to("POST", CONFIRM)) == 1


def test_an_order_without_a_return_request_cannot_be_refunded_by_the_seller(returned, store, waits, clock):
    with pytest.raises(ConnectorError) as failed:
        connector(returned, store, waits, clock).refund_create(refund=refund_order(order="251125K9T2QW04"))

    assert not failed.value.retryable
    assert "starts from the buyer's return request" in failed.value.message
    assert returned.requests_to("POST", CONFIRM) == []


def test_an_amount_other_than_the_return_requests_is_refused_before_anything_is_refunded(
    returned, store, waits, clock
):
    with pytest.raises(ConnectorError) as failed:
        connector(returned, store, waits, clock).refund_create(refund=refund_order(amount="50000"))

    assert not failed.value.retryable
    assert "178000.00 IDR" in failed.value.message
    assert returned.requests_to("POST", CONFIRM) == []
    assert returned.returns[0]["status"] == "REQUESTED"


# --- the registry -------------------------------------------------------------------------


def test_a_store_with_stored_credentials_gets_a_connector_that_can_do_everything(shop, store):
    assert connector_for(store) is None
    store_credentials(shop, store)

    shopee = connector_for(store)

    assert isinstance(shopee, ShopeeConnector)
    assert all(supports(shopee, capability) for capability in Capability)


def test_incomplete_credentials_give_no_connector(shop, store):
    platform_credential_set(
        store=store, base_url=shop.url, secrets={"partner_id": PARTNER_ID, "partner_key": PARTNER_KEY}
    )

    assert connector_for(store) is None
