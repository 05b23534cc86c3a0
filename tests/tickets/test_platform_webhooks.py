"""Marketplace and shop messages pushed to ``/inbound/<platform>/<store key>/``: verified,
normalised into the same pipeline as e-mail, stored once, and never a 500."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random

import pytest

from customers.models import CustomerIdentity, Platform
from tests.factories import OrderFactory, StoreFactory
from tickets.ingest.platforms import sign_base64, sign_helpdesk
from tickets.models import Attachment, Channel, Message, Ticket

SECRET = "whsec-test-0123456789"

# One real-looking delivery per platform family, as its normaliser documents it.
PAYLOADS: dict[str, dict] = {
    "amazon": {
        "messageId": "0100018c2f6a1b2c-amzn-relay-1",
        "amazonOrderId": "303-1234567-7654321",
        "marketplaceId": "A1PA6795UKMFR9",
        "buyer": {"buyerId": "AZ1XBUYER42", "name": "Anna Schmidt", "email": "k3x9q@marketplace.amazon.de"},
        "subject": "Frage zu Ihrer Bestellung 303-1234567-7654321",
        "body": "Hallo, die Lampe kam mit einem Sprung im Glas an. Was nun?",
        "sentAt": "2025-11-28T10:15:00Z",
        "attachments": [
            {"name": "riss.jpg", "contentType": "image/jpeg", "url": "https://m.media-amazon.com/x/riss.jpg"}
        ],
    },
    "ebay": {
        "conversationId": "conv-4455667788",
        "conversationTitle": "Item not received",
        "referenceId": "12-34567-89012",
        "referenceType": "ORDER",
        "message": {
            "messageId": "msg-998877",
            "senderUsername": "anna_s_84",
            "recipientUsername": "lumen_home",
            "subject": "Where is my parcel?",
            "messageBody": "Hi, tracking has not moved for 12 days. Can you check?",
            "createdDate": "2025-11-28T10:15:00.000Z",
            "messageMedia": [],
        },
    },
    "shopify": {
        "id": "inbox-msg-5521",
        "conversation_id": "inbox-conv-88",
        "order_name": "#1001",
        "customer": {
            "id": 207119551,
            "email": "bob.norman@mail.example.com",
            "first_name": "Bob",
            "last_name": "Norman",
        },
        "subject": "Wrong size",
        "body": "I ordered the large lamp shade but got the small one.",
        "created_at": "2025-11-28T05:15:00-05:00",
        "attachments": [],
    },
    "woocommerce": {
        "id": 727,
        "number": "40727",
        "status": "processing",
        "customer_id": 25,
        "customer_note": "Please leave the parcel with the neighbour at number 12.",
        "date_created_gmt": "2025-11-28T10:15:00",
        "date_modified_gmt": "2025-11-28T10:16:00",
        "billing": {"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com"},
        "line_items": [{"id": 315, "name": "Woo Single #1", "quantity": 2}],
    },
    "magento": {
        "event": "contact_form.submitted",
        "message_id": "mage-contact-31",
        "data": {
            "name": "Marie Dupont",
            "email": "marie.dupont@example.fr",
            "telephone": "+33 1 23 45 67 89",
            "comment": "Bonjour, je voudrais retourner la commande 000100031.",
            "order_increment_id": "000100031",
            "customer_id": 42,
            "created_at": "2025-11-28 10:15:00",
        },
    },
    "shopee": {
        "shop_id": 1640619651,
        "code": 10,
        "timestamp": 1764324900,
        "data": {
            "type": "message",
            "content": {
                "message_id": "2385373076638777713",
                "conversation_id": "28554413104092054",
                "from_id": 6648342,
                "from_user_name": "yehezkiel_p",
                "to_id": 1640619651,
                "message_type": "text",
                "content": {"text": "Kak, paketnya belum sampai. Bisa dicek?"},
                "created_timestamp": 1764324896,
            },
        },
    },
    "aliexpress": {
        "seller_id": "cn1520000001",
        "data": {
            "channel_id": "ch-7788",
            "msg_id": "ae-msg-1001",
            "sender_login_id": "br1234567abcd",
            "sender_name": "Lucas M.",
            "content": "Olá, o pedido chegou incompleto.",
            "gmt_create": 1764324896000,
            "order_id": "8012345678901234",
            "file_path": ["https://ae01.alicdn.com/kf/photo1.jpg"],
        },
    },
}

HEADERS = {
    "shopify": {
        "X-Shopify-Topic": "customer_messages/create",
        "X-Shopify-Shop-Domain": "lumen.myshopify.com",
    },
    "woocommerce": {
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Source": "https://shop.example.com/",
    },
}

ACCOUNTS = {
    "amazon": "A1PA6795UKMFR9",
    "ebay": "lumen_home",
    "shopify": "lumen.myshopify.com",
    "woocommerce": "shop.example.com",
    "magento": "shop.example.fr",
    "shopee": "1640619651",
    "aliexpress": "cn1520000001",
}


def make_store(platform: str):
    return StoreFactory(platform=platform, external_id=ACCOUNTS[platform], webhook_secret=SECRET)


def signed_headers(platform: str, body: bytes, secret: str = SECRET) -> dict[str, str]:
    headers = dict(HEADERS.get(platform, {}))
    if platform == "shopify":
        headers["X-Shopify-Hmac-Sha256"] = sign_base64(secret, body)
    elif platform == "woocommerce":
        headers["X-WC-Webhook-Signature"] = sign_base64(secret, body)
    else:
        headers["X-Helpdesk-Signature"] = sign_helpdesk(secret, body)
    return headers


def post(client, store, platform: str, payload, *, headers=None, key=None, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    return client.post(
        f"/inbound/{platform}/{key or store.inbound_key}/",
        data=body,
        content_type="application/json",
        headers=headers if headers is not None else signed_headers(platform, body),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("platform", sorted(PAYLOADS))
def test_each_platform_opens_a_ticket_once_and_a_redelivery_changes_nothing(client, platform):
    store = make_store(platform)

    first = post(client, store, platform, PAYLOADS[platform])
    again = post(client, store, platform, PAYLOADS[platform])

    assert first.status_code == 202, first.json()
    assert first.json()["status"] == "stored"
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["message"] == first.json()["message"]
    ticket = Ticket.objects.get()
    message = Message.objects.get()
    assert first.json()["ticket"] == ticket.reference
    assert ticket.channel == message.channel == Channel(platform)
    assert message.raw_payload == PAYLOADS[platform]
    assert message.body_text
    assert message.sent_at is not None
    assert message.sent_at.year == 2025
    assert message.triage_status == Message.Triage.PENDING


@pytest.mark.django_db
def test_an_amazon_message_carries_the_buyer_the_order_and_the_attachment_links(client):
    store = make_store("amazon")
    order = OrderFactory(store=store, external_id="303-1234567-7654321")

    post(client, store, "amazon", PAYLOADS["amazon"])

    ticket = Ticket.objects.select_related("customer").get()
    message = ticket.messages.get()
    assert ticket.order == order
    assert ticket.external_thread_id == "order:303-1234567-7654321"
    assert ticket.subject == "Frage zu Ihrer Bestellung 303-1234567-7654321"
    assert message.sender_name == "Anna Schmidt"
    assert message.sender_address == "k3x9q@marketplace.amazon.de"
    assert message.sent_at == dt.datetime(2025, 11, 28, 10, 15, tzinfo=dt.UTC)
    identities = set(ticket.customer.identities.values_list("platform", "kind", "value"))
    assert (Platform.AMAZON, CustomerIdentity.Kind.BUYER_ID, "AZ1XBUYER42") in identities
    assert (Platform.EMAIL, CustomerIdentity.Kind.EMAIL, "k3x9q@marketplace.amazon.de") in identities
    # Listed for the agent, never fetched.
    assert any("https://m.media-amazon.com/x/riss.jpg" in warning for warning in message.warnings)
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_the_next_message_of_a_platform_conversation_joins_its_ticket(client):
    store = make_store("ebay")
    post(client, store, "ebay", PAYLOADS["ebay"])
    follow_up = copy.deepcopy(PAYLOADS["ebay"])
    follow_up["message"].update(messageId="msg-998878", messageBody="Any news?")

    response = post(client, store, "ebay", follow_up)

    assert response.status_code == 202
    ticket = Ticket.objects.get()
    assert ticket.external_thread_id == "conv-4455667788"
    assert list(ticket.messages.values_list("body_text", flat=True).order_by("id")) == [
        PAYLOADS["ebay"]["message"]["messageBody"],
        "Any news?",
    ]


@pytest.mark.django_db
def test_another_buyer_in_the_same_thread_never_lands_on_the_first_buyers_ticket(client):
    store = make_store("ebay")
    post(client, store, "ebay", PAYLOADS["ebay"])
    intruder = copy.deepcopy(PAYLOADS["ebay"])
    intruder["message"].update(messageId="msg-1", senderUsername="someone_else")

    response = post(client, store, "ebay", intruder)

    assert response.status_code == 202
    first, second = Ticket.objects.order_by("id")
    assert first.customer_id != second.customer_id
    assert first.messages.count() == second.messages.count() == 1


@pytest.mark.django_db
def test_the_sellers_own_message_in_a_conversation_is_acknowledged_and_ignored(client):
    store = make_store("ebay")
    own = copy.deepcopy(PAYLOADS["ebay"])
    own["message"]["senderUsername"] = "Lumen_Home"

    response = post(client, store, "ebay", own)

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_the_shopify_hmac_test_vector_verifies():
    # From Shopify/shopify-api-js lib/webhooks/__tests__/validate.test.ts (../shared/data/shopify).
    assert sign_base64("test_secret_key", b'{"foo": "bar"}') == "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g="


@pytest.mark.django_db
def test_a_shopify_delivery_signed_like_shopifys_test_vector_is_accepted_and_its_topic_ignored(client):
    store = StoreFactory(platform="shopify", webhook_secret="test_secret_key")

    response = post(
        client,
        store,
        "shopify",
        None,
        raw=b'{"foo": "bar"}',
        headers={
            "X-Shopify-Hmac-Sha256": "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=",
            "X-Shopify-Topic": "products/create",
        },
    )

    assert response.status_code == 200
    assert response.json() == {
        "status": "ignored",
        "reason": "The topic 'products/create' carries no customer message.",
    }


@pytest.mark.django_db
def test_a_shopify_order_note_is_the_buyers_message_and_an_unchanged_note_is_stored_once(client):
    store = make_store("shopify")
    order = OrderFactory(store=store, external_id="#1001")
    body = {
        "id": 450789469,
        "name": "#1001",
        "email": "bob.norman@mail.example.com",
        "note": "Please gift-wrap it, it is a birthday present.",
        "created_at": "2025-11-28T05:15:00-05:00",
        "customer": {"id": 207119551, "first_name": "Bob", "last_name": "Norman"},
    }
    headers = {"X-Shopify-Topic": "orders/create"}

    created = post(
        client, store, "shopify", body, headers=signed_headers("shopify", json.dumps(body).encode()) | headers
    )
    body["updated_at"] = "2025-11-28T06:00:00-05:00"  # orders/updated repeats the same note
    raw = json.dumps(body).encode()
    updated = post(
        client,
        store,
        "shopify",
        None,
        raw=raw,
        headers=signed_headers("shopify", raw) | {"X-Shopify-Topic": "orders/updated"},
    )

    assert created.status_code == 202
    assert updated.json()["status"] == "duplicate"
    ticket = Ticket.objects.get()
    assert ticket.order == order
    assert ticket.messages.get().body_text == "Please gift-wrap it, it is a birthday present."


@pytest.mark.django_db
def test_a_woocommerce_order_without_a_note_and_the_setup_ping_store_nothing(client):
    store = make_store("woocommerce")
    quiet = dict(PAYLOADS["woocommerce"], customer_note="")

    ping = client.post(
        f"/inbound/woocommerce/{store.inbound_key}/",
        data="webhook_id=17",
        content_type="application/x-www-form-urlencoded",
    )
    no_note = post(client, store, "woocommerce", quiet)

    assert (ping.status_code, ping.json()["status"]) == (200, "pong")
    assert (no_note.status_code, no_note.json()["status"]) == (200, "ignored")
    assert Message.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("platform", ["amazon", "shopify", "woocommerce"])
def test_a_wrong_signature_is_401_with_the_reason_and_stores_nothing(client, platform):
    store = make_store(platform)
    body = json.dumps(PAYLOADS[platform]).encode()

    wrong = post(
        client, store, platform, None, raw=body, headers=signed_headers(platform, body, "not-the-secret")
    )
    missing = post(client, store, platform, None, raw=body, headers=HEADERS.get(platform, {}))
    tampered = post(
        client, store, platform, None, raw=body.replace(b"a", b"e", 1), headers=signed_headers(platform, body)
    )

    for response in (wrong, missing, tampered):
        assert response.status_code == 401
        assert "signature" in response.json()["error"] or "missing" in response.json()["error"]
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_key_or_another_platforms_store_is_404(client):
    amazon = make_store("amazon")

    unknown = post(client, amazon, "amazon", PAYLOADS["amazon"], key="no-such-store")
    wrong_family = post(client, amazon, "ebay", PAYLOADS["ebay"])
    inactive = StoreFactory(platform="amazon", is_active=False, webhook_secret=SECRET)
    retired = post(client, inactive, "amazon", PAYLOADS["amazon"])

    assert unknown.status_code == wrong_family.status_code == retired.status_code == 404
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_a_body_over_the_limit_is_413(client, settings):
    settings.INBOUND_WEBHOOK_MAX_BYTES = 2048
    store = make_store("amazon")
    big = dict(PAYLOADS["amazon"], body="x" * 4096)

    response = post(client, store, "amazon", big)

    assert response.status_code == 413
    assert Message.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2, 3]", "JSON object"),
        (b'{"n": NaN}', "not valid JSON"),
        (b'{"messageId": "m1", "buyer": {"buyerId": "B1"}}', "no text"),
        (b'{"buyer": {"buyerId": "B1"}, "body": "hi"}', "'messageId'"),
        (b'{"messageId": "m1", "body": "hi"}', "names no buyer"),
        (b'{"messageId": {"x": 1}, "body": "hi", "buyer": {"buyerId": "B"}}', "'messageId' should be text"),
        (
            b'{"messageId": "m1", "body": "hi", "buyer": {"buyerId": "B"}, "sentAt": "yesterday"}',
            "not a date",
        ),
    ],
)
def test_a_malformed_body_is_400_with_a_reason(client, raw, reason):
    store = make_store("amazon")

    response = post(client, store, "amazon", None, raw=raw, headers=signed_headers("amazon", raw))

    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_a_get_is_refused(client):
    store = make_store("amazon")

    assert client.get(f"/inbound/amazon/{store.inbound_key}/").status_code == 405


def _mutations(payload: dict, rng: random.Random):
    """Signed but broken bodies: every field in turn replaced by something of the wrong kind."""
    odd_values = [
        None,
        "",
        0,
        -1,
        10**30,
        1.5e300,
        True,
        [],
        {},
        [{"url": 5}],
        "\x00\ud800",
        "x" * 5000,
        {"a": [1, {}]},
    ]
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                paths.append((*path, key))
                walk(value, (*path, key))

    walk(payload, ())
    for path in paths:
        for value in rng.sample(odd_values, 4):
            broken = copy.deepcopy(payload)
            target = broken
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
            yield json.dumps(broken).encode()
    raw = json.dumps(payload).encode()
    for _ in range(40):
        cut = rng.randrange(len(raw))
        yield raw[:cut]
        yield bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
    yield b"[" * 5000 + b"]" * 5000
    yield b'{"a":' * 100 + b"1" + b"}" * 100
    yield b'{"x": 1e999}'
    yield "\ufeff{}".encode()
    yield b'{"messageId": "m\\u0000", "body": "nul \\u0000 here", "buyer": {"buyerId": "B\\udc00"}}'


@pytest.mark.django_db
@pytest.mark.parametrize("platform", sorted(PAYLOADS))
def test_fuzzed_bodies_never_cause_a_500(client, platform):
    store = make_store(platform)
    rng = random.Random(f"fuzz-{platform}")
    statuses = set()

    for raw in _mutations(PAYLOADS[platform], rng):
        response = post(client, store, platform, None, raw=raw, headers=signed_headers(platform, raw))
        statuses.add(response.status_code)
        assert response.status_code in {200, 202, 400}, (raw[:200], response.content[:300])
        assert "error" in response.json() or "status" in response.json()

    assert 400 in statuses


@pytest.mark.django_db
def test_a_subject_with_line_breaks_becomes_one_line(client):
    store = make_store("amazon")

    post(client, store, "amazon", dict(PAYLOADS["amazon"], subject="Damaged\nBcc: everyone@example.com"))

    assert Ticket.objects.get().subject == "Damaged Bcc: everyone@example.com"
