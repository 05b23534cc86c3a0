"""REST API v1 for outbound webhooks: subscriptions (secret shown once), the delivery log, and
redelivery — managers only, "webhooks" scope."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest
from rest_framework.test import APIClient

from helpdesk.outbound.models import WebhookDelivery, WebhookSubscription
from tests.factories import StoreFactory
from tests.helpdesk.api_cast import error_of, token_client
from tests.helpdesk.test_outbound_webhooks import Receiver, inbound_email
from tickets.services import message_ingest

SUBSCRIPTIONS = "/api/v1/webhook-subscriptions/"
NEW = {"url": "https://erp.example.com/hooks", "event_types": ["ticket.created", "refund.issued"]}


def deliveries_url(subscription: WebhookSubscription) -> str:
    return f"{SUBSCRIPTIONS}{subscription.pk}/deliveries/"


@pytest.fixture
def manager_api(manager):
    return token_client(manager, scopes=["webhooks:write"])


def make_subscription(**extra) -> WebhookSubscription:
    values = {
        "name": "ERP",
        "url": "https://erp.example.com/hooks",
        "event_types": ["ticket.created"],
        **extra,
    }
    return WebhookSubscription.objects.create(**values)


def make_delivery(subscription: WebhookSubscription, **extra) -> WebhookDelivery:
    values = {
        "subscription": subscription,
        "event_id": "0b6f4a52-7c0e-4f3e-9d59-1d9a3c1c2b10",
        "event_type": "ticket.created",
        "payload": {"type": "ticket.created", "data": {"id": 7}},
        "status": WebhookDelivery.Status.FAILED,
        "attempts": 8,
        "last_response_code": 500,
        **extra,
    }
    return WebhookDelivery.objects.create(**values)


# --- authentication, scope, role ----------------------------------------------------------------


def test_without_a_token_every_webhook_endpoint_is_a_401(db):
    subscription = make_subscription()
    client = APIClient()

    assert client.get(SUBSCRIPTIONS).status_code == 401
    assert client.post(SUBSCRIPTIONS, NEW, format="json").status_code == 401
    assert client.get(deliveries_url(subscription)).status_code == 401
    assert client.delete(f"{SUBSCRIPTIONS}{subscription.pk}/").status_code == 401
    assert WebhookSubscription.objects.count() == 1


def test_a_token_without_the_webhooks_scope_gets_a_403_naming_it(manager):
    reader = token_client(manager, scopes=["tickets:write", "webhooks:read"])
    other = token_client(manager, scopes=["tickets:write"])

    assert reader.get(SUBSCRIPTIONS).status_code == 200
    refused_write = reader.post(SUBSCRIPTIONS, NEW, format="json")
    refused_read = other.get(SUBSCRIPTIONS)

    assert refused_write.status_code == 403
    assert "webhooks:write" in error_of(refused_write)["message"]
    assert refused_read.status_code == 403
    assert "webhooks:read" in error_of(refused_read)["message"]
    assert not WebhookSubscription.objects.exists()


def test_an_agent_or_a_team_lead_with_the_scope_gets_a_403(agent_eu, lead_eu):
    subscription = make_subscription()
    for user in (agent_eu, lead_eu):
        client = token_client(user, scopes=["webhooks:write"])

        listing = client.get(SUBSCRIPTIONS)
        creating = client.post(SUBSCRIPTIONS, NEW, format="json")
        log = client.get(deliveries_url(subscription))

        assert listing.status_code == creating.status_code == log.status_code == 403
        assert "Only managers" in error_of(creating)["message"]
    assert WebhookSubscription.objects.count() == 1


# --- subscriptions ------------------------------------------------------------------------------


def test_a_manager_creates_a_subscription_and_sees_its_secret_only_once(manager_api, store_eu):
    response = manager_api.post(SUBSCRIPTIONS, {**NEW, "stores": [store_eu.pk]}, format="json")

    assert response.status_code == 201
    body = response.json()
    subscription = WebhookSubscription.objects.get()
    assert body["secret"] == subscription.secret
    assert len(body["secret"]) >= 32
    assert body["name"] == "erp.example.com"  # no name given: the URL's host
    assert body["event_types"] == ["ticket.created", "refund.issued"]
    assert body["stores"] == [store_eu.pk]
    listed = manager_api.get(SUBSCRIPTIONS).json()["results"]
    fetched = manager_api.get(f"{SUBSCRIPTIONS}{subscription.pk}/").json()
    assert [row["id"] for row in listed] == [subscription.pk]
    assert "secret" not in listed[0]
    assert "secret" not in fetched
    assert subscription.secret not in str(listed) + str(fetched)


def test_two_subscriptions_get_different_secrets(manager_api):
    first = manager_api.post(SUBSCRIPTIONS, NEW, format="json").json()["secret"]
    second = manager_api.post(SUBSCRIPTIONS, NEW, format="json").json()["secret"]

    assert first != second


def test_unknown_events_and_a_url_that_is_not_http_are_400s_naming_the_field(manager_api):
    unknown = manager_api.post(SUBSCRIPTIONS, {**NEW, "event_types": ["ticket.exploded"]}, format="json")
    empty = manager_api.post(SUBSCRIPTIONS, {**NEW, "event_types": []}, format="json")
    ftp = manager_api.post(SUBSCRIPTIONS, {**NEW, "url": "ftp://erp.example.com/hooks"}, format="json")
    no_url = manager_api.post(SUBSCRIPTIONS, {"event_types": ["ticket.created"]}, format="json")

    for response, field in ((unknown, "event_types"), (empty, "event_types"), (ftp, "url"), (no_url, "url")):
        assert response.status_code == 400, response.content
        error = error_of(response)
        assert error["code"] == "invalid"
        assert field in error["fields"], error
    assert not WebhookSubscription.objects.exists()


def test_a_store_the_manager_names_must_exist(manager_api):
    response = manager_api.post(SUBSCRIPTIONS, {**NEW, "stores": [987654]}, format="json")

    assert response.status_code == 400
    assert "stores" in error_of(response)["fields"]


def test_a_manager_changes_url_events_and_state_and_the_secret_stays(manager_api, store_eu):
    subscription = make_subscription()
    subscription.stores.set([store_eu])
    secret = subscription.secret
    url = f"{SUBSCRIPTIONS}{subscription.pk}/"

    patched = manager_api.patch(url, {"event_types": ["survey.answered"], "is_active": False}, format="json")

    assert patched.status_code == 200
    assert patched.json()["event_types"] == ["survey.answered"]
    assert patched.json()["is_active"] is False
    assert patched.json()["stores"] == [store_eu.pk]  # left out of the PATCH: kept
    put = manager_api.put(
        url, {"url": "https://crm.example.com/in", "event_types": ["ticket.solved"]}, format="json"
    )
    assert put.status_code == 200
    subscription.refresh_from_db()
    assert (subscription.url, subscription.event_types) == ("https://crm.example.com/in", ["ticket.solved"])
    assert subscription.is_active is True  # PUT replaces: the default again
    assert list(subscription.stores.all()) == []
    assert subscription.secret == secret
    assert "secret" not in put.json()


def test_an_invalid_change_is_a_400_and_changes_nothing(manager_api):
    subscription = make_subscription()

    response = manager_api.patch(
        f"{SUBSCRIPTIONS}{subscription.pk}/", {"event_types": ["nope"], "is_active": False}, format="json"
    )

    assert response.status_code == 400
    assert "event_types" in error_of(response)["fields"]
    subscription.refresh_from_db()
    assert subscription.is_active is True


def test_deleting_a_subscription_removes_it_with_its_log(manager_api):
    subscription = make_subscription()
    make_delivery(subscription)

    response = manager_api.delete(f"{SUBSCRIPTIONS}{subscription.pk}/")

    assert response.status_code == 204
    assert not WebhookSubscription.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert manager_api.delete(f"{SUBSCRIPTIONS}{subscription.pk}/").status_code == 404


def test_the_same_idempotency_key_creates_one_subscription_and_replays_the_answer(manager_api):
    first = manager_api.post(SUBSCRIPTIONS, NEW, format="json", HTTP_IDEMPOTENCY_KEY="erp-hook-1")
    second = manager_api.post(SUBSCRIPTIONS, NEW, format="json", HTTP_IDEMPOTENCY_KEY="erp-hook-1")
    other_body = manager_api.post(
        SUBSCRIPTIONS,
        {**NEW, "url": "https://other.example.com/"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="erp-hook-1",
    )

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert other_body.status_code == 409
    assert error_of(other_body)["code"] == "idempotency_key_reused"
    assert WebhookSubscription.objects.count() == 1


# --- deliveries ---------------------------------------------------------------------------------


def test_the_delivery_log_lists_one_subscriptions_deliveries_with_filters(manager_api):
    subscription, other = make_subscription(), make_subscription(name="BI")
    failed = make_delivery(subscription)
    delivered = make_delivery(
        subscription,
        event_id="1b6f4a52-7c0e-4f3e-9d59-1d9a3c1c2b10",
        status=WebhookDelivery.Status.DELIVERED,
        attempts=1,
        last_response_code=200,
    )
    elsewhere = make_delivery(other)

    listed = manager_api.get(deliveries_url(subscription)).json()["results"]
    only_failed = manager_api.get(deliveries_url(subscription), {"status": "failed"}).json()["results"]
    bad_filter = manager_api.get(deliveries_url(subscription), {"status": "exploded"})

    assert [row["id"] for row in listed] == [delivered.pk, failed.pk]
    assert [row["id"] for row in only_failed] == [failed.pk]
    assert listed[1]["payload"] == {"type": "ticket.created", "data": {"id": 7}}
    assert listed[1]["delivery_id"] == str(failed.delivery_id)
    assert bad_filter.status_code == 400
    # Another subscription's delivery is not reachable under this one.
    assert manager_api.get(f"{deliveries_url(subscription)}{elsewhere.pk}/").status_code == 404
    assert manager_api.get(f"{SUBSCRIPTIONS}987654/deliveries/").status_code == 404


def test_redelivering_sends_the_same_delivery_id_again(manager_api, django_capture_on_commit_callbacks):
    with Receiver([]) as receiver:
        subscription = make_subscription(url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            message_ingest(inbound=inbound_email(StoreFactory()))
        delivery = WebhookDelivery.objects.get()
        assert len(receiver.requests) == 1

        with django_capture_on_commit_callbacks(execute=True):
            response = manager_api.post(
                f"{deliveries_url(subscription)}{delivery.pk}/redeliver/", HTTP_IDEMPOTENCY_KEY="again-1"
            )
        with django_capture_on_commit_callbacks(execute=True):
            replay = manager_api.post(
                f"{deliveries_url(subscription)}{delivery.pk}/redeliver/", HTTP_IDEMPOTENCY_KEY="again-1"
            )

    assert response.status_code == 202
    assert response.json()["status"] == "pending"  # queued: sent after the commit
    assert replay.status_code == 202
    assert replay["Idempotent-Replayed"] == "true"
    # The first send and one redelivery: the replayed request queued nothing.
    assert [r["headers"]["X-Helpdesk-Delivery"] for r in receiver.requests] == [str(delivery.delivery_id)] * 2
    signature = receiver.requests[1]["headers"]["X-Helpdesk-Signature"]
    timestamp = receiver.requests[1]["headers"]["X-Helpdesk-Timestamp"]
    expected = hmac.new(
        subscription.secret.encode(), timestamp.encode() + b"." + receiver.requests[1]["body"], hashlib.sha256
    ).hexdigest()
    assert signature == f"sha256={expected}"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_redelivering_for_an_inactive_subscription_says_why(manager_api):
    subscription = make_subscription(is_active=False)
    delivery = make_delivery(subscription)

    response = manager_api.post(f"{deliveries_url(subscription)}{delivery.pk}/redeliver/")

    assert response.status_code == 400
    assert "not active" in error_of(response)["message"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 8)


def test_an_agent_cannot_redeliver(agent_eu):
    subscription = make_subscription()
    delivery = make_delivery(subscription)

    response = token_client(agent_eu, scopes=["webhooks:write"]).post(
        f"{deliveries_url(subscription)}{delivery.pk}/redeliver/"
    )

    assert response.status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_a_redelivery_is_kept_when_the_broker_is_down_and_the_scan_sends_it(
    manager_api, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from helpdesk import tasks
    from helpdesk.outbound.services import LOST_PENDING, webhook_deliveries_due

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.webhook_deliver, "delay", broker_down)
    subscription = make_subscription()
    delivery = make_delivery(subscription)

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_api.post(f"{deliveries_url(subscription)}{delivery.pk}/redeliver/")

    assert response.status_code == 202  # found by Schemathesis: this was a 500 after the commit
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    later = delivery.created_at + LOST_PENDING + dt.timedelta(seconds=1)
    assert webhook_deliveries_due(now=later) == [delivery.pk]
