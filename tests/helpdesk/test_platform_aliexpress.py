"""The AliExpress connector against a local Open Platform gateway: signed calls, order sync page
by page and resumable, buyer messages into the inbox, replies and tracking sent once, and the
gateway's error codes (credentials, signature, rate limits)."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest

from customers.models import Order, Platform
from helpdesk.commerce.aliexpress import order as order_data
from helpdesk.platforms import (
    Capability,
    Connector,
    ConnectorError,
    RefundOrder,
    RetryPolicy,
    connector_for,
    supports,
)
from helpdesk.platforms.aliexpress import AliExpressConnector, sign
from helpdesk.platforms.credentials import platform_credential_set
from helpdesk.platforms.models import PlatformCall, PlatformSyncCursor
from helpdesk.platforms.sync import platform_messages_sync, platform_orders_sync
from helpdesk.webhooks import MalformedPayload
from tests.factories import StoreFactory
from tests.helpdesk.fake_aliexpress import (
    ACCESS_TOKEN,
    APP_KEY,
    APP_SECRET,
    SELLER,
    FakeAliExpress,
    ae_order,
    relation,
    serve,
)
from tickets.ingest.platforms.base import WebhookRequest
from tickets.ingest.platforms.families import aliexpress as pushed_message
from tickets.models import Message, Ticket
from tickets.services.ingestion import message_ingest

ORDER_LIST = "aliexpress.solution.order.get"
ORDER_DETAIL = "aliexpress.solution.order.info.get"
FULFILL = "aliexpress.solution.order.fulfill"
RELATIONS = "aliexpress.message.redefining.versiontwo.querymsgrelationlist"
ADD_MESSAGE = "aliexpress.message.redefining.addmsg"


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture
def gateway():
    fake = FakeAliExpress()
    for number in range(1, 6):
        order_id = 8012345678900000 + number
        fake.orders[order_id] = ae_order(
            order_id, modified=f"2026-11-2{number} 08:00:00", created=f"2026-11-1{number} 08:00:00"
        )
    yield from serve(fake)


@pytest.fixture
def store(db):
    return StoreFactory(platform=Platform.ALIEXPRESS, external_id=SELLER, currency="USD")


@pytest.fixture
def waits():
    return []


def connector(gateway, store, waits, *, secret=APP_SECRET, token=ACCESS_TOKEN, attempts=3, page_size=2):
    return AliExpressConnector(
        gateway_url=gateway.url,
        app_key=APP_KEY,
        app_secret=secret,
        access_token=token,
        store_id=store.pk,
        seller_login_id=SELLER,
        policy=RetryPolicy(max_attempts=attempts, backoff_seconds=1.0, max_wait_seconds=30.0),
        sleep=waits.append,
        page_size=page_size,
    )


def buyer_ids(customer) -> set[str]:
    return set(customer.identities.filter(kind="buyer_id").values_list("value", flat=True))


def pages_asked(gateway) -> list[int]:
    return [json.loads(call["param0"])["current_page"] for call in gateway.business(ORDER_LIST)]


# --- orders ---------------------------------------------------------------------------------


def test_a_sync_walks_three_pages_and_stores_every_order_once(gateway, store, waits):
    result = platform_orders_sync(store=store, max_pages=10, connector=connector(gateway, store, waits))

    assert result.pages == 3
    assert result.caught_up
    assert not result.failed
    assert pages_asked(gateway) == [1, 2, 3]
    assert len(gateway.calls_to(ORDER_DETAIL)) == 5
    orders = Order.objects.filter(store=store).order_by("platform_id")
    assert [order.platform_id for order in orders] == [str(8012345678900000 + n) for n in range(1, 6)]
    first = orders[0]
    assert first.external_id == "8012345678900001"
    assert first.total == Decimal("31.48")
    assert first.status == "paid"
    assert buyer_ids(first.customer) == {"br8900001abc"}
    assert first.customer.display_name == "Lucas Martins"
    line = first.lines.get()
    assert (line.sku, line.quantity) == ("LAMP-WW", 2)
    # 2026-11-21 08:00 in Los Angeles (PST) is 16:00 UTC
    assert first.platform_updated_at.isoformat() == "2026-11-21T16:00:00+00:00"
    # The next run starts from the newest change seen (Pacific time, as AliExpress writes it).
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor == {
        "modified_start": "2026-11-25 07:59:59"
    }


def test_every_call_is_signed_with_the_documented_system_parameters(gateway, store, waits):
    connector(gateway, store, waits).sync_orders(cursor={})

    call = gateway.calls_to(ORDER_LIST)[0]
    assert call["http"] == "POST"
    params = call["params"]
    assert params["app_key"] == APP_KEY
    assert params["session"] == ACCESS_TOKEN
    assert params["sign_method"] == "sha256"
    assert len(params["timestamp"]) == 13
    assert params["timestamp"].isdigit()
    assert params["sign"] == sign(APP_SECRET, params)
    assert params["sign"].isupper()
    assert "FINISH" in json.loads(params["param0"])["order_status_list"]


def test_the_next_sync_brings_only_changed_orders_and_a_redelivery_changes_nothing(gateway, store, waits):
    platform_orders_sync(store=store, max_pages=10, connector=connector(gateway, store, waits))
    gateway.requests.clear()
    gateway.orders[8012345678900002].update(
        order_status="WAIT_BUYER_ACCEPT_GOODS",
        logistics_status="SELLER_SEND_GOODS",
        gmt_modified="2026-11-28 09:00:00",
    )

    result = platform_orders_sync(store=store, max_pages=10, connector=connector(gateway, store, waits))

    assert json.loads(gateway.business(ORDER_LIST)[0]["param0"])["modified_date_start"] == (
        "2026-11-25 07:59:59"
    )
    assert (result.applied, result.unchanged) == (1, 1)  # the changed order; the overlap refetches …0005
    assert Order.objects.get(store=store, platform_id="8012345678900002").status == "fulfilled"
    assert Order.objects.filter(store=store).count() == 5
    again = platform_orders_sync(store=store, max_pages=10, connector=connector(gateway, store, waits))
    assert (again.applied, again.unchanged) == (0, 1)
    assert Order.objects.filter(store=store).count() == 5


def test_a_sync_that_fails_mid_way_resumes_at_the_failed_page(gateway, store, waits):
    gateway.fail_next(ORDER_LIST, status=503, times=3, page="2")

    with pytest.raises(ConnectorError) as failed:
        platform_orders_sync(store=store, max_pages=10, connector=connector(gateway, store, waits))

    assert failed.value.retryable
    assert failed.value.status_code == 503
    assert Order.objects.filter(store=store).count() == 2
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor["page"] == 2
    gateway.requests.clear()

    platform_orders_sync(store=store, max_pages=10, connector=connector(gateway, store, waits))

    assert pages_asked(gateway) == [2, 3]
    assert Order.objects.filter(store=store).count() == 5


def test_the_gateways_rate_limit_waits_as_long_as_the_ban_says_then_succeeds(gateway, store, waits):
    gateway.fail_next(ORDER_LIST, code="ApiCallLimit", msg="This ban will last for 7 more seconds")

    result = platform_orders_sync(store=store, max_pages=1, connector=connector(gateway, store, waits))

    assert waits == [7.0]
    assert result.pages == 1
    assert Order.objects.filter(store=store).count() == 2
    listing = PlatformCall.objects.filter(store=store).order_by("pk")[:2]
    assert "ApiCallLimit" in listing[0].error
    assert listing[1].error == ""


def test_an_app_rate_limit_without_a_stated_ban_backs_off(gateway, store, waits):
    gateway.fail_next(ORDER_LIST, code="AppCallLimit", msg="App call limit exceeded", times=2)

    connector(gateway, store, waits).sync_orders(cursor={})

    assert waits == [1.0, 2.0]


def test_an_expired_access_token_fails_at_once_with_a_clear_error(gateway, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(gateway, store, waits, token="50000expired").sync_orders(cursor={})

    assert not failed.value.retryable
    assert "refused the store's credentials" in failed.value.message
    assert "IllegalAccessToken" in failed.value.message
    assert len(gateway.requests) == 1
    assert waits == []
    assert "IllegalAccessToken" in PlatformCall.objects.get(store=store).error


def test_a_wrong_app_secret_gives_a_bad_signature_and_fails_at_once(gateway, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(gateway, store, waits, secret="not-the-secret").sync_orders(cursor={})

    assert not failed.value.retryable
    assert "IncompleteSignature" in failed.value.message
    assert "app secret" in failed.value.message
    assert len(gateway.requests) == 1


def test_server_errors_are_retried_with_backoff_then_given_up_and_logged(gateway, store, waits):
    gateway.fail_next(ORDER_LIST, status=500, times=5)

    with pytest.raises(ConnectorError) as failed:
        connector(gateway, store, waits, attempts=3).sync_orders(cursor={})

    assert failed.value.retryable
    assert len(gateway.requests) == 3
    assert waits == [1.0, 2.0]
    calls = list(PlatformCall.objects.filter(store=store).order_by("pk"))
    assert [(call.platform, call.operation, call.status_code) for call in calls] == [
        ("aliexpress", "sync_orders", 500)
    ] * 3


def test_an_order_the_gateway_cannot_detail_fails_its_page_and_the_cursor_stays(gateway, store, waits):
    gateway.orders[8012345678900009] = ae_order(
        8012345678900009, modified="2026-11-29 08:00:00", created="2026-11-29 08:00:00"
    )
    gateway.orders[8012345678900009]["id"] = 8012345678900010  # listed under an id the detail does not know

    with pytest.raises(ConnectorError) as failed:
        platform_orders_sync(store=store, max_pages=10, connector=connector(gateway, store, waits))

    assert not failed.value.retryable
    assert "order not found" in failed.value.message
    assert Order.objects.filter(store=store).count() == 0
    assert PlatformSyncCursor.objects.get(store=store, kind="orders").cursor == {}


def test_a_finished_order_that_never_shipped_is_cancelled_and_bad_money_is_refused():
    closed = ae_order(8012345678900077, modified="2026-11-21 08:00:00", status="FINISH")
    assert order_data(closed).status == "cancelled"
    closed["logistics_status"] = "BUYER_ACCEPT_GOODS"
    assert order_data(closed).status == "fulfilled"
    closed["order_amount"] = {"amount": "lots", "currency_code": "USD"}
    with pytest.raises(MalformedPayload):
        order_data(closed)


# --- messages -------------------------------------------------------------------------------


def test_buyer_messages_are_fetched_into_the_inbox_once(gateway, store, waits):
    sent_at = now_ms() - 3_600_000
    gateway.relations = [
        relation(
            "ch-7788",
            message_id=4101,
            content="Olá, o pedido chegou incompleto.",
            message_time=sent_at,
            order_id=8012345678900001,
        ),
        relation(
            "ch-7790",
            message_id=4102,
            content="Thanks, we will check.",
            message_time=sent_at - 60_000,
            own=True,
        ),
        relation(
            "ch-7791",
            message_id=4103,
            content="Where is my parcel?",
            message_time=sent_at - 120_000,
            buyer="us9988776abc",
        ),
    ]

    first = platform_messages_sync(store=store, max_pages=5, connector=connector(gateway, store, waits))
    second = platform_messages_sync(store=store, max_pages=5, connector=connector(gateway, store, waits))

    assert (first.stored, first.duplicates, first.caught_up) == (2, 0, True)
    assert (second.stored, second.duplicates) == (0, 1)  # the overlap refetches the newest conversation
    message = Message.objects.get(store=store, external_id="4101")
    assert message.body_text == "Olá, o pedido chegou incompleto."
    assert message.channel == "aliexpress"
    assert message.ticket.external_thread_id == "ch-7788"
    assert buyer_ids(message.ticket.customer) == {"br7654321xyz"}
    assert not Message.objects.filter(store=store, external_id="4102").exists()
    assert Ticket.objects.filter(store=store).count() == 2
    # the next fetch starts a minute before the newest conversation seen
    assert PlatformSyncCursor.objects.get(store=store, kind="messages").cursor == {
        "start_time": sent_at - 60_000
    }


def test_a_message_that_came_by_push_is_not_stored_again_when_fetched(gateway, store, waits):
    sent_at = now_ms() - 600_000
    push = {
        "seller_id": SELLER,
        "data": {
            "channel_id": "ch-7788",
            "msg_id": "4101",
            "sender_login_id": "br7654321xyz",
            "sender_name": "Lucas M.",
            "content": "Olá, o pedido chegou incompleto.",
            "gmt_create": sent_at,
            "order_id": "8012345678900001",
        },
    }
    request = WebhookRequest(store_id=store.pk, store_account=SELLER, headers={}, body=b"")
    message_ingest(inbound=pushed_message(push, request))
    gateway.relations = [
        relation(
            "ch-7788",
            message_id=4101,
            content="Olá, o pedido chegou incompleto.",
            message_time=sent_at,
            order_id=8012345678900001,
        )
    ]

    result = platform_messages_sync(store=store, max_pages=5, connector=connector(gateway, store, waits))

    assert (result.stored, result.duplicates) == (0, 1)
    assert Message.objects.filter(store=store).count() == 1


def test_a_buyers_message_and_order_meet_on_the_same_customer(gateway, store, waits):
    platform_orders_sync(store=store, max_pages=10, connector=connector(gateway, store, waits))
    gateway.relations = [
        relation(
            "ch-7001",
            message_id=4301,
            content="Wrong colour",
            message_time=now_ms() - 60_000,
            buyer="br8900001abc",
            order_id=8012345678900001,
        )
    ]

    platform_messages_sync(store=store, max_pages=5, connector=connector(gateway, store, waits))

    ticket = Message.objects.get(store=store, external_id="4301").ticket
    assert ticket.customer_id == Order.objects.get(store=store, platform_id="8012345678900001").customer_id


def test_conversations_are_read_page_by_page(gateway, store, waits):
    base = now_ms() - 3_600_000
    gateway.relations = [
        relation(f"ch-{n}", message_id=4200 + n, content=f"Question {n}", message_time=base - n * 1000)
        for n in range(1, 151)
    ]

    result = platform_messages_sync(store=store, max_pages=5, connector=connector(gateway, store, waits))

    assert (result.pages, result.stored) == (2, 150)
    queries = [json.loads(call["query"]) for call in gateway.business(RELATIONS)]
    assert [(query["current_page"], query["page_size"]) for query in queries] == [(1, 100), (2, 100)]


# --- replies --------------------------------------------------------------------------------


def test_a_reply_goes_into_the_buyers_conversation(gateway, store, waits):
    gateway.relations = [
        relation("ch-7788", message_id=4101, content="Hello?", message_time=now_ms() - 60_000)
    ]

    message_id = connector(gateway, store, waits).send_message(
        order_external_id="8012345678900001",
        text="  We are sending the missing part today.  ",
        thread_id="ch-7788",
        buyer_id="br7654321xyz",
    )

    assert gateway.business(ADD_MESSAGE) == [
        {
            "channel_id": "ch-7788",
            "buyer_id": "br7654321xyz",
            "content": "We are sending the missing part today.",
            "msg_sources": "message_center",
        }
    ]
    assert message_id == str(gateway.relations[0]["last_message_id"])


def test_a_message_about_an_order_without_a_conversation_is_left_on_the_order(gateway, store, waits):
    connector(gateway, store, waits).send_message(
        order_external_id="#8012345678900003", text="Your parcel left."
    )

    assert gateway.sent == [
        {
            "channel_id": "8012345678900003",
            "buyer_id": "br8900003abc",  # from the order's detail
            "content": "Your parcel left.",
            "msg_sources": "order_msg",
        }
    ]


def test_a_reply_whose_answer_was_lost_is_not_sent_twice(gateway, store, waits):
    gateway.relations = [
        relation("ch-7788", message_id=4101, content="Hello?", message_time=now_ms() - 60_000)
    ]
    gateway.fail_next(ADD_MESSAGE, drop=True, processed=True)

    connector(gateway, store, waits).send_message(
        order_external_id="", text="On its way.", thread_id="ch-7788", buyer_id="br7654321xyz"
    )

    assert len(gateway.calls_to(ADD_MESSAGE)) == 1
    assert [item["content"] for item in gateway.sent] == ["On its way."]


def test_a_reply_without_conversation_or_order_is_refused_before_calling(gateway, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(gateway, store, waits).send_message(order_external_id="", text="Hello")

    assert not failed.value.retryable
    assert gateway.requests == []


# --- tracking -------------------------------------------------------------------------------


def test_tracking_is_declared_once_with_the_documented_fields(gateway, store, waits):
    ali = connector(gateway, store, waits)

    ali.push_tracking(order_external_id="8012345678900004", carrier="Colissimo", number="6A12345678901")
    ali.push_tracking(order_external_id="8012345678900004", carrier="Colissimo", number="6A12345678901")

    assert len(gateway.fulfilled) == 1
    sent = gateway.business(FULFILL)[0]
    assert sent == {
        "service_name": "OTHER",
        "tracking_website": "https://www.laposte.fr/outils/suivre-vos-envois",
        "out_ref": "8012345678900004",
        "send_type": "all",
        "logistics_no": "6A12345678901",
        "description": "Shipped with Colissimo, tracking number 6A12345678901.",
    }
    assert gateway.orders[8012345678900004]["order_status"] == "WAIT_BUYER_ACCEPT_GOODS"


def test_a_logistics_service_key_is_sent_as_the_service(gateway, store, waits):
    connector(gateway, store, waits).push_tracking(
        order_external_id="8012345678900002", carrier="CAINIAO_STANDARD", number="LP00123456789012"
    )

    sent = gateway.business(FULFILL)[0]
    assert sent["service_name"] == "CAINIAO_STANDARD"
    assert "tracking_website" not in sent


def test_tracking_whose_answer_was_lost_is_found_instead_of_declared_again(gateway, store, waits):
    gateway.fail_next(FULFILL, status=502, processed=True)

    connector(gateway, store, waits).push_tracking(
        order_external_id="8012345678900004", carrier="DHL", number="JD014600003828"
    )

    assert len(gateway.fulfilled) == 1
    assert waits == [1.0]


def test_tracking_for_an_unknown_order_is_a_clear_final_error(gateway, store, waits):
    with pytest.raises(ConnectorError) as failed:
        connector(gateway, store, waits).push_tracking(
            order_external_id="8099999999999999", carrier="DHL", number="1"
        )

    assert not failed.value.retryable
    assert "order not found" in failed.value.message
    assert gateway.calls_to(FULFILL) == []


# --- refunds and setup ----------------------------------------------------------------------


def test_refunds_are_not_offered_and_say_why(gateway, store, waits):
    ali = connector(gateway, store, waits)
    refund = RefundOrder(
        idempotency_key="refund-1",
        order_external_id="8012345678900001",
        amount=Decimal("5"),
        currency="USD",
        method="original_payment",
    )

    assert not supports(ali, Capability.REFUND_CREATE)
    with pytest.raises(ConnectorError) as failed:
        ali.refund_create(refund=refund)
    assert not failed.value.retryable
    assert "dispute" in failed.value.message
    assert gateway.requests == []


def test_a_store_with_stored_credentials_gets_a_connector(gateway, store):
    assert connector_for(store) is None
    platform_credential_set(
        store=store,
        base_url=gateway.url,
        secrets={"app_key": APP_KEY, "app_secret": APP_SECRET, "access_token": ACCESS_TOKEN},
    )

    ali = connector_for(store)

    assert isinstance(ali, AliExpressConnector)
    assert isinstance(ali, Connector)
    assert {capability for capability in Capability if supports(ali, capability)} == {
        Capability.SYNC_ORDERS,
        Capability.FETCH_MESSAGES,
        Capability.SEND_MESSAGE,
        Capability.PUSH_TRACKING,
    }
    assert ali.sync_orders(cursor={}).orders[0]["id"] == 8012345678900005


def test_credentials_for_a_plain_http_gateway_elsewhere_give_no_connector(store):
    platform_credential_set(
        store=store,
        base_url="http://api-sg.aliexpress.com/sync",
        secrets={"app_key": APP_KEY, "app_secret": APP_SECRET, "access_token": ACCESS_TOKEN},
    )

    assert connector_for(store) is None
