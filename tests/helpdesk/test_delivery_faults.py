"""Every inbound family delivered twice and out of order, through the real HTTP endpoints.

Senders retry (a lost answer, a timeout, a second subscription) and queues reorder: each
message, order update and parcel scan here is posted twice, a conversation's messages newest
first. What must hold: one stored row per external id, each thread in one ticket shown in the
order it was written (not the order it arrived), an order or parcel in its newest state, and
every second copy answered 2xx so the sender stops retrying. Two copies posted at the same
moment (two threads, real PostgreSQL) store one row.

Already covered elsewhere and not repeated: one redelivery per platform
(tests/tickets/test_platform_webhooks.py), of a raw e-mail (tests/tickets/test_views_inbound.py),
a contact-form double submit (tests/tickets/test_web_form.py), commerce webhooks with one id or
one content, an update before its create, a refund before its order
(tests/customers/test_commerce_webhooks.py), AfterShip redelivery and four 17TRACK copies at once
(tests/logistics/test_webhooks.py), scans in reverse order at the service
(tests/logistics/test_services_events.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import threading
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from customers.models import Order, Platform
from helpdesk.commerce.models import CommerceWebhookDelivery
from logistics.models import Shipment, TrackingEvent, TrackingProviderAccount, TrackingStatus
from logistics.webhooks import seventeen_track_signature
from returns.models import Refund
from tests.factories import StoreFactory
from tickets.ingest.platforms import sign_base64, sign_helpdesk
from tickets.models import Mailbox, Message, Ticket

SECRET = "whsec-delivery-faults-0123456789"
ACCOUNTS = {
    "amazon": "A1PA6795UKMFR9",
    "ebay": "lumen_home",
    "shopify": "lumen.myshopify.com",
    "woocommerce": "shop.example.com",
    "magento": "shop.example.fr",
    "shopee": "1640619651",
    "aliexpress": "cn1520000001",
}
# Three messages of one conversation, an hour apart; sent at BASE + k hours.
BASE = (timezone.now() - dt.timedelta(days=1)).replace(microsecond=0)
WORDS = ["firstword", "secondword", "thirdword"]


def sent(k: int) -> dt.datetime:
    return BASE + dt.timedelta(hours=k)


def iso_z(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def platform_message(platform: str, k: int) -> tuple[dict[str, Any], str]:
    """(payload, external id) of message ``k`` (0, 1, 2) of one buyer's conversation."""
    body = f"Message {WORDS[k]} about the cracked lamp."
    when = sent(k)
    if platform == "amazon":
        payload = {
            "messageId": f"amzn-relay-{k}",
            "amazonOrderId": "303-1234567-7654321",
            "buyer": {
                "buyerId": "AZ1XBUYER42",
                "name": "Anna Schmidt",
                "email": "k3x9q@marketplace.amazon.de",
            },
            "subject": "Lamp cracked",
            "body": body,
            "sentAt": iso_z(when),
        }
        return payload, payload["messageId"]
    if platform == "ebay":
        payload = {
            "conversationId": "conv-4455667788",
            "conversationTitle": "Lamp cracked",
            "referenceId": "12-34567-89012",
            "referenceType": "ORDER",
            "message": {
                "messageId": f"msg-{k}",
                "senderUsername": "anna_s_84",
                "recipientUsername": ACCOUNTS["ebay"],
                "subject": "Lamp cracked",
                "messageBody": body,
                "createdDate": iso_z(when),
                "messageMedia": [],
            },
        }
        return payload, f"msg-{k}"
    if platform == "shopify":
        payload = {
            "id": f"inbox-msg-{k}",
            "conversation_id": "inbox-conv-88",
            "customer": {"id": 207119551, "email": "bob.norman@mail.example.com", "first_name": "Bob"},
            "subject": "Lamp cracked",
            "body": body,
            "created_at": when.astimezone(dt.timezone(dt.timedelta(hours=-5))).isoformat(),
        }
        return payload, payload["id"]
    if platform == "woocommerce":
        # The buyer's message is the order's note: each edit of it is a new message of the order.
        payload = {
            "id": 727,
            "number": "40727",
            "status": "processing",
            "customer_id": 25,
            "customer_note": body,
            "date_created_gmt": iso_z(BASE)[:-1],
            "date_modified_gmt": iso_z(when)[:-1],
            "billing": {"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com"},
            "line_items": [],
        }
        return payload, ""
    if platform == "magento":
        payload = {
            "event": "contact_form.submitted",
            "message_id": f"mage-contact-{k}",
            "data": {
                "name": "Marie Dupont",
                "email": "marie.dupont@example.fr",
                "comment": body,
                "order_increment_id": "000100031",
                "created_at": when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            },
        }
        return payload, payload["message_id"]
    if platform == "shopee":
        message_id = f"23853730766387777{k}"
        payload = {
            "shop_id": int(ACCOUNTS["shopee"]),
            "code": 10,
            "timestamp": int(when.timestamp()) + 3,
            "data": {
                "type": "message",
                "content": {
                    "message_id": message_id,
                    "conversation_id": "28554413104092054",
                    "from_id": 6648342,
                    "from_user_name": "yehezkiel_p",
                    "to_id": int(ACCOUNTS["shopee"]),
                    "message_type": "text",
                    "content": {"text": body},
                    "created_timestamp": int(when.timestamp()),
                },
            },
        }
        return payload, message_id
    if platform == "aliexpress":
        payload = {
            "seller_id": ACCOUNTS["aliexpress"],
            "data": {
                "channel_id": "ch-7788",
                "msg_id": f"ae-msg-{k}",
                "sender_login_id": "br1234567abcd",
                "sender_name": "Lucas M.",
                "content": body,
                "gmt_create": int(when.timestamp() * 1000),
            },
        }
        return payload, payload["data"]["msg_id"]
    raise ValueError(platform)


def signed_headers(platform: str, body: bytes) -> dict[str, str]:
    if platform == "shopify":
        return {
            "X-Shopify-Topic": "customer_messages/create",
            "X-Shopify-Shop-Domain": ACCOUNTS["shopify"],
            "X-Shopify-Hmac-Sha256": sign_base64(SECRET, body),
        }
    if platform == "woocommerce":
        return {
            "X-WC-Webhook-Topic": "order.updated",
            "X-WC-Webhook-Source": "https://shop.example.com/",
            "X-WC-Webhook-Signature": sign_base64(SECRET, body),
        }
    return {"X-Helpdesk-Signature": sign_helpdesk(SECRET, body)}


def post_platform(client: Client, store, platform: str, payload: dict[str, Any]):
    body = json.dumps(payload).encode()
    return client.post(
        f"/inbound/{platform}/{store.inbound_key}/",
        data=body,
        content_type="application/json",
        headers=signed_headers(platform, body),
    )


def raw_email(message_id: str, subject: str, body: str, when: dt.datetime, replies_to: list[str]) -> bytes:
    message = EmailMessage()
    message["From"] = "Anna Schmidt <anna.schmidt@example.de>"
    message["To"] = "support@lumio.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id
    if replies_to:
        message["In-Reply-To"] = replies_to[-1]
        message["References"] = " ".join(replies_to)
    message.set_content(body)
    return message.as_bytes()


def post_email(client: Client, mailbox: Mailbox, raw: bytes):
    return client.post(f"/inbound/email/{mailbox.inbound_token}/", data=raw, content_type="message/rfc822")


def shown_in_order(client: Client, manager, ticket: Ticket) -> list[str]:
    """The marker words in the order the agent reads them on the ticket page."""
    client.force_login(manager)
    page = client.get(f"/inbox/{ticket.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    conversation = html[html.index('id="conversation"') : html.index('id="conversation-end"')]
    return sorted(WORDS, key=lambda word: conversation.index(word))


def twice_newest_first(post: Callable[[int], Any]) -> list[Any]:
    """Messages 2, 2, 1, 1, 0, 0: every copy twice, the conversation backwards."""
    return [post(k) for k in (2, 2, 1, 1, 0, 0)]


# --- messages -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("platform", sorted(ACCOUNTS))
def test_a_platform_conversation_twice_and_backwards_is_one_ticket_in_the_order_written(
    client, manager, platform
):
    store = StoreFactory(platform=platform, external_id=ACCOUNTS[platform], webhook_secret=SECRET)

    answers = twice_newest_first(
        lambda k: post_platform(client, store, platform, platform_message(platform, k)[0])
    )

    assert [a.status_code for a in answers] == [202, 200] * 3, [a.content for a in answers]
    assert [a.json()["status"] for a in answers] == ["stored", "duplicate"] * 3
    assert answers[1].json()["message"] == answers[0].json()["message"]
    messages = Message.objects.filter(store=store, direction=Message.Direction.INBOUND)
    assert messages.count() == 3
    assert messages.values("external_id").distinct().count() == 3
    ticket = Ticket.objects.get(store=store)
    assert set(messages.values_list("ticket", flat=True)) == {ticket.pk}
    assert list(messages.order_by("sent_at").values_list("sent_at", flat=True)) == [sent(0), sent(1), sent(2)]
    assert shown_in_order(client, manager, ticket) == WORDS


@pytest.mark.django_db
def test_an_email_thread_twice_and_backwards_is_one_ticket_in_the_order_written(client, manager, store_eu):
    mailbox = Mailbox.objects.create(store=store_eu, address="support@lumio.example")
    ids = ["<q-0@mail.example.de>", "<q-1@mail.example.de>", "<q-2@mail.example.de>"]
    subjects = ["Lamp cracked", "Re: Lamp cracked", "Re: Re: Lamp cracked"]

    def post(k: int):
        raw = raw_email(ids[k], subjects[k], f"Message {WORDS[k]}.", sent(k), ids[:k])
        return post_email(client, mailbox, raw)

    answers = twice_newest_first(post)

    assert [a.status_code for a in answers] == [202, 200] * 3
    assert [a.json()["status"] for a in answers] == ["stored", "duplicate"] * 3
    assert sorted(Message.objects.values_list("external_id", flat=True)) == ids
    ticket = Ticket.objects.get()
    assert shown_in_order(client, manager, ticket) == WORDS


# --- orders, refunds and parcels ------------------------------------------------------------------


def commerce_sign(body: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()


def post_woo_order(client: Client, store, order: dict[str, Any], delivery_id: str):
    body = json.dumps(order).encode()
    return client.post(
        f"/webhooks/commerce/woocommerce/{store.inbound_key}/",
        body,
        content_type="application/json",
        headers={
            "X-WC-Webhook-Topic": "order.updated",
            "X-WC-Webhook-Resource": "order",
            "X-WC-Webhook-Event": "updated",
            "X-WC-Webhook-Signature": commerce_sign(body),
            "X-WC-Webhook-Source": "https://shop.example.com/",
            "X-WC-Webhook-Delivery-ID": delivery_id,
        },
    )


def post_shopify(client: Client, store, topic: str, payload: dict[str, Any], webhook_id: str):
    body = json.dumps(payload).encode()
    return client.post(
        f"/webhooks/commerce/shopify/{store.inbound_key}/",
        body,
        content_type="application/json",
        headers={
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": commerce_sign(body),
            "X-Shopify-Shop-Domain": store.external_id,
            "X-Shopify-API-Version": "2024-04",
            "X-Shopify-Webhook-Id": webhook_id,
        },
    )


def woo_order(status: str, modified: dt.datetime, total: str) -> dict[str, Any]:
    return {
        "id": 4242,
        "number": "4242",
        "status": status,
        "currency": "USD",
        "total": total,
        "customer_id": 0,
        "date_created_gmt": iso_z(sent(0))[:-1],
        "date_modified_gmt": iso_z(modified)[:-1],
        "billing": {"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com"},
        "line_items": [
            {"id": 1, "name": "Lamp", "product_id": 9, "quantity": 1, "subtotal": total, "total": total}
        ],
    }


@pytest.mark.django_db
def test_order_updates_twice_and_backwards_end_in_the_newest_state(client):
    store = StoreFactory(platform=Platform.WOOCOMMERCE, currency="USD", webhook_secret=SECRET)
    updates = [
        woo_order("pending", sent(0), "30.00"),
        woo_order("processing", sent(1), "30.00"),
        woo_order("completed", sent(2), "25.00"),
    ]

    # Newest first; each sent twice, as two deliveries of WooCommerce's retry (new delivery ids).
    answers = [
        post_woo_order(client, store, updates[k], delivery_id=f"{k}-{copy}")
        for k in (2, 1, 0)
        for copy in (1, 2)
    ]

    assert all(200 <= a.status_code < 300 for a in answers), [a.content for a in answers]
    assert answers[0].json()["status"] == "processed"
    assert {a.json()["status"] for a in answers[2:]} <= {"stale", "duplicate"}
    order = Order.objects.get()
    assert (order.status, order.total) == (Order.Status.FULFILLED, 25)


SHOPIFY_ORDER = {
    "id": 450789469,
    "name": "#1001",
    "email": "bob.norman@mail.example.com",
    "currency": "USD",
    "financial_status": "paid",
    "total_price": "40.00",
    "created_at": "2024-04-02T09:00:00-05:00",
    "updated_at": "2024-04-02T09:00:00-05:00",
    "customer": {"id": 207119551, "email": "bob.norman@mail.example.com", "first_name": "Bob"},
    "line_items": [
        {"id": 466157049, "title": "Lamp", "quantity": 2, "price": "20.00", "product_id": 1, "variant_id": 2}
    ],
}
SHOPIFY_REFUND = {
    "id": 509562969,
    "order_id": 450789469,
    "created_at": "2024-04-03T09:00:00-05:00",
    "note": "Cracked shade",
    "refund_line_items": [],
    "transactions": [
        {"id": 179259969, "kind": "refund", "status": "success", "amount": "20.00", "currency": "USD"}
    ],
}


@pytest.mark.django_db
def test_a_refund_before_its_order_each_twice_is_recorded_once(client):
    store = StoreFactory(platform=Platform.SHOPIFY, currency="USD", webhook_secret=SECRET)

    # The refund first (twice, from two subscriptions: two webhook ids), then its order twice.
    answers = [
        post_shopify(client, store, "refunds/create", SHOPIFY_REFUND, webhook_id="r-a"),
        post_shopify(client, store, "refunds/create", SHOPIFY_REFUND, webhook_id="r-b"),
        post_shopify(client, store, "orders/create", SHOPIFY_ORDER, webhook_id="o-a"),
        post_shopify(client, store, "orders/create", SHOPIFY_ORDER, webhook_id="o-b"),
    ]

    assert all(200 <= a.status_code < 300 for a in answers), [a.content for a in answers]
    refund = Refund.objects.get()
    assert refund.amount == 20
    assert Order.objects.count() == 1
    assert CommerceWebhookDelivery.objects.filter(topic="refunds/create", status="processed").exists()


def seventeen_track_push(number: str, upto: int) -> bytes:
    """A 17TRACK push carrying the parcel's first ``upto`` scans (each push the whole history)."""
    scans = [
        ("2024-02-26T10:30:00Z", "Picked up", "InTransit_PickedUp", "PickedUp"),
        ("2024-03-05T09:00:00Z", "Customs", "InTransit_Other", None),
        ("2024-03-08T13:11:00Z", "Delivered", "Delivered_Other", "Delivered"),
    ][:upto]
    latest = scans[-1][2]
    payload = {
        "event": "TRACKING_UPDATED",
        "data": {
            "number": number,
            "carrier": 3011,
            "track_info": {
                "latest_status": {"status": latest.split("_")[0], "sub_status": latest},
                "tracking": {
                    "providers": [
                        {
                            "provider": {"key": 3011, "name": "China Post"},
                            "events": [
                                {"time_utc": t, "time_iso": t, "description": d, "sub_status": s, "stage": st}
                                for t, d, s, st in reversed(scans)
                            ],
                        }
                    ]
                },
            },
        },
    }
    return json.dumps(payload).encode()


@pytest.mark.django_db
def test_parcel_pushes_twice_and_backwards_end_delivered_with_each_scan_once(client):
    store = StoreFactory(name="Lumen Home DE", marketplace="DE")
    account = TrackingProviderAccount.objects.create(provider="17track", store=store, secret=SECRET)

    def push(upto: int):
        body = seventeen_track_push("RR123456785CN", upto)
        return client.post(
            f"/webhooks/tracking/17track/{store.inbound_key}/",
            data=body,
            content_type="application/json",
            headers={"sign": seventeen_track_signature(account.secret, body)},
        )

    answers = [push(upto) for upto in (3, 3, 2, 2, 1, 1)]

    assert [a.status_code for a in answers] == [202, 200, 200, 200, 200, 200], [a.content for a in answers]
    shipment = Shipment.objects.get()
    assert shipment.status == TrackingStatus.DELIVERED
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 3


# --- two copies at the same moment ----------------------------------------------------------------


def at_once(post: Callable[[Client], Any], copies: int = 2) -> list[int]:
    """Post ``copies`` copies from as many threads released together; their status codes."""
    barrier = threading.Barrier(copies)
    statuses: list[int] = []

    def run() -> None:
        try:
            client = Client()
            barrier.wait()
            statuses.append(post(client).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("platform", ["amazon", "shopify", "woocommerce"])
def test_two_copies_of_a_platform_message_at_once_store_one(platform):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; the race needs PostgreSQL")
    store = StoreFactory(platform=platform, external_id=ACCOUNTS[platform], webhook_secret=SECRET)
    payload, _ = platform_message(platform, 0)

    statuses = at_once(lambda client: post_platform(client, store, platform, payload))

    assert statuses == [200, 202]
    assert Message.objects.filter(store=store).count() == 1
    assert Ticket.objects.filter(store=store).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_an_email_at_once_store_one(store_eu):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; the race needs PostgreSQL")
    mailbox = Mailbox.objects.create(store=store_eu, address="support@lumio.example")
    raw = raw_email("<race-1@mail.example.de>", "Lamp cracked", "Message firstword.", sent(0), [])

    statuses = at_once(lambda client: post_email(client, mailbox, raw))

    assert statuses == [200, 202]
    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_contact_form_sent_twice_at_once_is_one_message(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; the race needs PostgreSQL")
    settings.CONTACT_FORM_MIN_SECONDS = 0
    cache.delete("contact-form:rate:127.0.0.1")
    store = StoreFactory(platform="shopify", default_language="en")
    url = f"/contact/{store.inbound_key}/"
    page = Client().get(url).content.decode()
    data = {
        "token": re.search(r'name="token" value="([^"]+)"', page).group(1),
        "name": "Anna Schmidt",
        "email": "anna.schmidt@example.de",
        "order_number": "",
        "subject": "Lamp arrived broken",
        "message": "The glass shade was cracked.",
        "fax_number": "",
    }

    statuses = at_once(lambda client: client.post(url, data))

    cache.delete("contact-form:rate:127.0.0.1")
    assert statuses == [302, 302]
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_an_order_webhook_at_once_make_one_order():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; the race needs PostgreSQL")
    store = StoreFactory(platform=Platform.SHOPIFY, currency="USD", webhook_secret=SECRET)

    statuses = at_once(lambda client: post_shopify(client, store, "orders/create", SHOPIFY_ORDER, "o-race"))

    assert statuses == [200, 200]
    assert Order.objects.count() == 1
    assert Order.objects.get().lines.count() == 1


SHOPIFY_FULFILLMENT = {
    "id": 255858046,
    "order_id": 450789469,
    "status": "success",
    "tracking_company": "UPS",
    "tracking_numbers": ["1Z001985YW99744790"],
    "created_at": "2024-04-03T10:00:00-05:00",
    "updated_at": "2024-04-03T10:00:00-05:00",
}


@pytest.mark.django_db
def test_a_parcel_update_before_its_create_each_twice_is_one_parcel_of_the_order(client):
    store = StoreFactory(platform=Platform.SHOPIFY, currency="USD", webhook_secret=SECRET)
    post_shopify(client, store, "orders/create", SHOPIFY_ORDER, webhook_id="o-1")
    updated = {**SHOPIFY_FULFILLMENT, "updated_at": "2024-04-04T10:00:00-05:00"}

    answers = [
        post_shopify(client, store, "fulfillments/update", updated, webhook_id="f-u1"),
        post_shopify(client, store, "fulfillments/update", updated, webhook_id="f-u2"),
        post_shopify(client, store, "fulfillments/create", SHOPIFY_FULFILLMENT, webhook_id="f-c1"),
        post_shopify(client, store, "fulfillments/create", SHOPIFY_FULFILLMENT, webhook_id="f-c2"),
    ]

    assert all(200 <= a.status_code < 300 for a in answers), [a.content for a in answers]
    shipment = Shipment.objects.get()
    assert (shipment.tracking_number, shipment.order) == ("1Z001985YW99744790", Order.objects.get())
    assert Order.objects.get().status == Order.Status.FULFILLED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("topic", "payload"), [("refunds/create", SHOPIFY_REFUND), ("fulfillments/create", SHOPIFY_FULFILLMENT)]
)
def test_two_copies_of_a_refund_or_parcel_webhook_at_once_record_it_once(topic, payload):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; the race needs PostgreSQL")
    store = StoreFactory(platform=Platform.SHOPIFY, currency="USD", webhook_secret=SECRET)
    post_shopify(Client(), store, "orders/create", SHOPIFY_ORDER, "o-1")
    copies = iter(["a", "b", "c"])

    # Two subscriptions of the shop: the same event under two webhook ids, at the same moment.
    statuses = at_once(
        lambda client: post_shopify(client, store, topic, payload, f"x-{next(copies)}"), copies=3
    )

    assert statuses == [200, 200, 200]
    if topic == "refunds/create":
        assert Refund.objects.get().amount == 20
    else:
        assert Shipment.objects.get().tracking_number == "1Z001985YW99744790"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("platform", ["ebay", "shopee"])
def test_two_messages_of_a_new_conversation_at_once_open_one_ticket(platform):
    """A new buyer's first two messages, posted at the same moment (a platform's backlog
    flushed after an outage): one customer, one ticket, both messages on it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; the race needs PostgreSQL")
    store = StoreFactory(platform=platform, external_id=ACCOUNTS[platform], webhook_secret=SECRET)
    messages = iter([platform_message(platform, 0)[0], platform_message(platform, 1)[0]])
    lock = threading.Lock()

    def post(client: Client):
        with lock:
            payload = next(messages)
        return post_platform(client, store, platform, payload)

    statuses = at_once(post)

    assert statuses == [202, 202]
    assert Message.objects.filter(store=store).count() == 2
    ticket = Ticket.objects.get(store=store)
    assert ticket.messages.count() == 2
