"""Tracking webhooks at ``/webhooks/tracking/<provider>/<store key>/``: signed on the raw body,
stored once, 4xx with a reason for every bad delivery and nothing stored, never a 500."""

from __future__ import annotations

import copy
import json
import random
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from logistics.models import Shipment, TrackingEvent, TrackingProviderAccount, TrackingStatus
from logistics.webhooks import aftership_signature, seventeen_track_signature
from tests.factories import OrderFactory, StoreFactory

DATA = settings.NLP_DATA_DIR / "tracking_webhooks"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"the public data is not at {DATA}")

AFTERSHIP_SECRET = "aftership-webhook-secret-0123"
SEVENTEEN_KEY = "17track-security-key-4567"


def aftership_tracking(index: int) -> dict:
    """A real tracking object from AfterShip's SDK tests (the webhook ``msg``)."""
    items = json.loads((DATA / "aftership" / "sdk_test_mock_responses.json").read_text())["items"]
    data = items[index]["body"]["data"]
    return copy.deepcopy(data["trackings"][0] if "trackings" in data else data["tracking"])


def aftership_body(tracking: dict, event_id: str = "b9a6f9a2-3c1e-4c55-9d6a-2f1e0c7d8e01") -> bytes:
    envelope = {
        "event": "tracking_update",
        "event_id": event_id,
        "is_tracking_first_tag": False,
        "ts": 1703066542,
    }
    return json.dumps({**envelope, "msg": tracking}).encode()


def seventeen_track_body(number: str = "RR123456785CN", events: list[dict] | None = None) -> bytes:
    """A TRACKING_UPDATED push in 17TRACK API v2.2's documented shape."""
    events = events or [
        {
            "time_iso": "2024-03-08T14:11:00+01:00",
            "time_utc": "2024-03-08T13:11:00Z",
            "description": "Zugestellt",
            "location": "Berlin",
            "stage": "Delivered",
            "sub_status": "Delivered_Other",
            "address": {"country": "DE", "city": "Berlin"},
        },
        {
            "time_iso": "2024-03-05T10:00:00+01:00",
            "time_utc": "2024-03-05T09:00:00Z",
            "description": "Sendung wird beim Zoll geprüft",
            "location": "Frankfurt",
            "stage": None,
            "sub_status": "InTransit_Other",
            "address": {"country": "DE", "city": "Frankfurt"},
        },
        {
            "time_iso": "2024-02-26T18:30:00+08:00",
            "time_utc": "2024-02-26T10:30:00Z",
            "description": "【深圳】已收寄",
            "location": "深圳",
            "stage": "PickedUp",
            "sub_status": "InTransit_PickedUp",
            "address": {"country": "CN", "city": "Shenzhen"},
        },
    ]
    payload = {
        "event": "TRACKING_UPDATED",
        "data": {
            "number": number,
            "carrier": 3011,
            "param": None,
            "tag": "1001",
            "track_info": {
                "shipping_info": {
                    "shipper_address": {"country": "CN"},
                    "recipient_address": {"country": "DE"},
                },
                "latest_status": {"status": "Delivered", "sub_status": "Delivered_Other"},
                "tracking": {
                    "providers": [{"provider": {"key": 3011, "name": "China Post"}, "events": events}]
                },
            },
        },
    }
    return json.dumps(payload, ensure_ascii=False).encode()


@pytest.fixture
def store(db):
    return StoreFactory(name="Lumen Home DE", marketplace="DE")


@pytest.fixture
def aftership_account(store):
    return TrackingProviderAccount.objects.create(provider="aftership", store=store, secret=AFTERSHIP_SECRET)


@pytest.fixture
def seventeen_track_account(store):
    return TrackingProviderAccount.objects.create(provider="17track", store=store, secret=SEVENTEEN_KEY)


def post_aftership(client, store, body: bytes, signature: str | None = None, secret: str = AFTERSHIP_SECRET):
    headers = {}
    if signature is not None or secret:
        headers["aftership-hmac-sha256"] = (
            signature if signature is not None else aftership_signature(secret, body)
        )
    url = reverse("tracking_webhooks:aftership", kwargs={"key": store.inbound_key})
    return client.post(url, data=body, content_type="application/json", headers=headers)


def post_seventeen_track(client, store, body: bytes, sign: str | None = None):
    url = reverse("tracking_webhooks:seventeen_track", kwargs={"key": store.inbound_key})
    sign = seventeen_track_signature(SEVENTEEN_KEY, body) if sign is None else sign
    headers = {"sign": sign} if sign else {}
    return client.post(url, data=body, content_type="application/json", headers=headers)


# --- AfterShip, with its real tracking objects ----------------------------------------------------


def test_the_aftership_scheme_reproduces_shopifys_published_hmac_vector():
    # AfterShip, Shopify and WooCommerce sign alike (webhook_signatures.md); Shopify publishes a vector.
    vector = json.loads((settings.NLP_DATA_DIR / "shopify" / "hmac_test_vector.json").read_text())
    assert (
        aftership_signature(vector["secret"], vector["raw_body"].encode())
        == vector["expected_header_X-Shopify-Hmac-Sha256"]
    )


@needs_data
def test_a_signed_aftership_delivery_stores_the_parcel_and_its_checkpoints(client, store, aftership_account):
    response = post_aftership(client, store, aftership_body(aftership_tracking(1)))

    assert response.status_code == 202
    answer = response.json()
    assert answer["status"] == "stored"
    assert (answer["stored"], answer["duplicates"], answer["shipment_status"]) == (2, 0, "delivered")
    shipment = Shipment.objects.get(tracking_number="1234567890")
    assert (shipment.store, shipment.carrier.code, shipment.provider) == (store, "ups", "aftership")
    assert shipment.status == TrackingStatus.DELIVERED
    assert list(shipment.events.order_by("occurred_at").values_list("status", flat=True)) == [
        TrackingStatus.INFO_RECEIVED,
        TrackingStatus.DELIVERED,
    ]


@needs_data
def test_a_redelivered_aftership_webhook_is_a_no_op_answered_200(client, store, aftership_account):
    body = aftership_body(aftership_tracking(0))
    post_aftership(client, store, body)

    again = post_aftership(client, store, body)

    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert (again.json()["stored"], again.json()["duplicates"]) == (0, 1)
    assert TrackingEvent.objects.count() == 1
    assert Shipment.objects.count() == 1


@needs_data
def test_an_aftership_tracking_with_an_order_number_of_the_store_links_the_order(
    client, store, aftership_account
):
    order = OrderFactory(store=store, external_id="#23423142")

    post_aftership(client, store, aftership_body(aftership_tracking(0)))

    assert Shipment.objects.get(tracking_number="9434936105536968782556").order == order


@needs_data
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("wrong_secret", "does not match"),
        ("tampered_body", "does not match"),
        ("missing_header", "header is missing"),
    ],
)
def test_a_badly_signed_aftership_delivery_is_refused_with_401_and_nothing_is_stored(
    client, store, aftership_account, change, reason
):
    body = aftership_body(aftership_tracking(1))
    if change == "wrong_secret":
        response = post_aftership(client, store, body, secret="not-the-secret")
    elif change == "tampered_body":
        signature = aftership_signature(AFTERSHIP_SECRET, body)
        response = post_aftership(
            client, store, body.replace(b"Delivered", b"Exception"), signature=signature
        )
    else:
        response = post_aftership(client, store, body, secret="")

    assert response.status_code == 401
    assert reason in response.json()["error"]
    assert Shipment.objects.count() == 0
    assert TrackingEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"event": "tracking_update", "msg": "nope"}', '"msg" must be the tracking object'),
        (b'{"event": "tracking_update", "msg": {"slug": "ups"}}', "tracking_number is missing"),
        (b'{"event": "tracking_update", "msg": {"tracking_number": "1Z", "checkpoints": {}}}', "JSON array"),
        (b'{"msg": {}}', '"event" is missing'),
        (b'{"event": "tracking_update", "msg": {"tracking_number": "A\\u0000B"}}', "NUL"),
        (b'{"event": "tracking_update", "x": NaN}', "not valid JSON"),
    ],
)
def test_a_malformed_but_signed_aftership_body_is_refused_with_400_and_a_reason(
    client, store, aftership_account, body, reason
):
    response = post_aftership(client, store, body)

    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert Shipment.objects.count() == 0


def test_an_aftership_event_without_checkpoints_is_acknowledged_and_nothing_stored(
    client, store, aftership_account
):
    body = json.dumps({"event": "tracking_pending_time", "event_id": "x", "msg": {}}).encode()

    response = post_aftership(client, store, body)

    assert response.status_code == 200
    assert response.json() == {"status": "ignored", "reason": "tracking_pending_time carries no checkpoints"}


def test_an_unknown_key_or_a_store_without_an_active_account_is_404(client, store, aftership_account):
    other = StoreFactory()
    body = b'{"event": "tracking_update"}'

    assert post_aftership(client, other, body).status_code == 404
    aftership_account.is_active = False
    aftership_account.save()
    response = post_aftership(client, store, body)
    assert response.status_code == 404
    assert "No active AfterShip account" in response.json()["error"]


def test_a_body_over_the_limit_is_refused_with_413(client, store, aftership_account, settings):
    settings.INBOUND_WEBHOOK_MAX_BYTES = 1024

    response = post_aftership(client, store, b'{"event": "tracking_update", "pad": "' + b"x" * 2000 + b'"}')

    assert response.status_code == 413


def test_only_post_is_allowed(client, store, aftership_account):
    url = reverse("tracking_webhooks:aftership", kwargs={"key": store.inbound_key})
    assert client.get(url).status_code == 405


@needs_data
def test_broken_bodies_signed_correctly_never_give_a_500(client, store, aftership_account):
    original = aftership_body(aftership_tracking(0))
    rng = random.Random(6)
    for _ in range(60):
        body = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            body[rng.randrange(len(body))] = rng.randrange(256)
        response = post_aftership(client, store, bytes(body))
        assert response.status_code in (200, 202, 400), response.content


@needs_data
def test_odd_values_in_a_real_tracking_are_read_or_refused_never_a_500(client, store, aftership_account):
    oddities = [None, 0, -1, True, "", "x" * 5000, [], {}, 1e308, "2023-99-99T99:99:99Z"]
    rng = random.Random(3)
    tracking = aftership_tracking(0)
    fields = [*tracking, *(f"checkpoints.{k}" for k in tracking["checkpoints"][0])]
    for _ in range(80):
        changed = copy.deepcopy(tracking)
        name = rng.choice(fields)
        if name.startswith("checkpoints."):
            changed["checkpoints"][0][name.split(".", 1)[1]] = rng.choice(oddities)
        else:
            changed[name] = rng.choice(oddities)
        response = post_aftership(client, store, aftership_body(changed))
        assert response.status_code in (200, 202, 400), (name, response.content)


# --- 17TRACK -----------------------------------------------------------------------------------


def test_a_signed_17track_push_stores_the_timeline_with_customs_read_from_the_german_text(
    client, store, seventeen_track_account
):
    order = OrderFactory(store=store, external_id="1001")

    response = post_seventeen_track(client, store, seventeen_track_body())

    assert response.status_code == 202
    shipment = Shipment.objects.get(tracking_number="RR123456785CN")
    assert (shipment.carrier.code, shipment.order, shipment.origin_country, shipment.destination_country) == (
        "china-post",
        order,
        "CN",
        "DE",
    )
    timeline = list(
        shipment.events.order_by("occurred_at").values_list("status", "sub_status", "local_timezone")
    )
    assert timeline == [
        (TrackingStatus.IN_TRANSIT, "picked_up", "Asia/Shanghai"),
        (TrackingStatus.CUSTOMS_HOLD, "customs_inspection", "Europe/Berlin"),
        (TrackingStatus.DELIVERED, "", "Europe/Berlin"),
    ]
    assert shipment.status == TrackingStatus.DELIVERED


def test_a_17track_push_with_a_wrong_missing_or_foreign_sign_is_refused_and_nothing_stored(
    client, store, seventeen_track_account
):
    body = seventeen_track_body()

    wrong = post_seventeen_track(client, store, body, sign=seventeen_track_signature("another-key", body))
    missing = post_seventeen_track(client, store, body, sign="")
    tampered = post_seventeen_track(
        client,
        store,
        body.replace(b"Zugestellt", b"Verloren"),
        sign=seventeen_track_signature(SEVENTEEN_KEY, body),
    )

    assert [r.status_code for r in (wrong, missing, tampered)] == [401, 401, 401]
    assert "sign header is missing" in missing.json()["error"]
    assert Shipment.objects.count() == 0


def test_17track_sign_is_the_sha256_of_body_slash_key():
    import hashlib

    assert seventeen_track_signature("key", b'{"a":1}') == hashlib.sha256(b'{"a":1}/key').hexdigest()


def test_a_17track_tracking_stopped_push_is_acknowledged_and_nothing_stored(
    client, store, seventeen_track_account
):
    body = json.dumps({"event": "TRACKING_STOPPED", "data": {"number": "RR123456785CN"}}).encode()

    response = post_seventeen_track(client, store, body)

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert Shipment.objects.count() == 0


@needs_data
def test_a_17track_push_in_the_older_numeric_format_is_read_too(client, store, seventeen_track_account):
    package = json.loads((DATA / "17track_py17track_fixtures" / "packages_response.json").read_text())[
        "Json"
    ][2]
    newest = json.loads(package["FLastEvent"])
    body = json.dumps(
        {
            "event": "TRACKING_UPDATED",
            "data": {"number": "RR123456785CN", "track": {"e": 10, "z0": newest, "z1": [newest]}},
        }
    ).encode()

    response = post_seventeen_track(client, store, body)

    assert response.status_code == 202
    event = TrackingEvent.objects.get()
    assert (event.status, event.sub_status, event.location) == (
        TrackingStatus.IN_TRANSIT,
        "arrived_destination_country",
        "Milano Italy",
    )


def test_a_checkpoint_without_a_readable_time_is_counted_as_skipped_not_guessed(
    client, store, seventeen_track_account
):
    body = seventeen_track_body(events=[{"time_iso": "yesterday", "description": "Accepted"}])

    response = post_seventeen_track(client, store, body)

    assert response.status_code == 202  # the parcel is new
    assert (response.json()["stored"], response.json()["skipped"]) == (0, 1)
    assert TrackingEvent.objects.count() == 0


# --- two deliveries of the same events at once ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_threads_posting_the_same_events_at_once_store_each_event_once(store):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a file lock; the race needs PostgreSQL's row locks")
    TrackingProviderAccount.objects.create(provider="17track", store=store, secret=SEVENTEEN_KEY)
    body = seventeen_track_body()
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def post() -> None:
        try:
            barrier.wait()
            statuses.append(post_seventeen_track(Client(), store, body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 200, 200, 202]
    assert Shipment.objects.count() == 1
    assert TrackingEvent.objects.count() == 3
    assert Shipment.objects.get().status == TrackingStatus.DELIVERED


def test_the_accounts_admin_page_shows_the_url_to_give_the_provider(
    admin_client, store, seventeen_track_account
):
    response = admin_client.get(
        reverse("admin:logistics_trackingprovideraccount_change", args=[seventeen_track_account.pk])
    )

    assert response.status_code == 200
    assert f"/webhooks/tracking/17track/{store.inbound_key}/" in response.content.decode()
