"""Outbound webhooks: events recorded with the change that caused them, sent after commit by Celery,
signed, retried with backoff, logged, and redelivered from admin.

The subscriber is a real HTTP server on this machine (``http.server`` in a thread) that answers
what each test tells it to; one test sends through a real Celery worker process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.urls import reverse

from helpdesk import events
from helpdesk.celery import app as celery_app
from helpdesk.outbound.models import WebhookDelivery, WebhookSubscription
from helpdesk.outbound.services import retry_delay, webhook_delivery_attempt
from logistics.models import Shipment, TrackingStatus
from logistics.services.anomalies import shipment_anomalies_check
from returns.models import Refund, ReturnRequest
from returns.services.refunds import refund_issue
from returns.services.workflow import return_transition
from tests.factories import (
    OrderFactory,
    ReturnRequestFactory,
    ShipmentFactory,
    StoreFactory,
    SurveyFactory,
    TicketFactory,
)
from tests.tickets.worker_process import REDIS_REASON, REDIS_URL, celery_worker, tasks_published_to
from tickets.ingest.inbound import InboundMessage
from tickets.models import Survey, Ticket
from tickets.services import message_ingest
from tickets.services.status import ticket_set_status
from tickets.services.surveys import survey_answer

SECRET = "subscriber-secret-0123456789"


class Receiver:
    """A subscriber's endpoint: answers the queued status codes in turn (then 200), records requests."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = list(answers)
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.requests.append({"headers": dict(self.headers.items()), "body": body})
                    code = receiver.answers.pop(0) if receiver.answers else 200
                answer = b'{"ok": true}' if code < 300 else b"upstream database is down"
                self.send_response(code)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/helpdesk"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def eager_retries_run():
    """Tasks run eagerly here; Celery re-runs an eager task's ``retry`` at once (no countdown) only
    when eager errors do not propagate, so retries happen in this process as a worker would do them."""
    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def receiver_failing_twice() -> Iterator[Receiver]:
    with Receiver([500, 500]) as receiver:
        yield receiver


def subscribe(url: str, events_wanted: list[str], *, stores=()) -> WebhookSubscription:
    subscription = WebhookSubscription.objects.create(
        name="ERP", url=url, secret=SECRET, event_types=events_wanted
    )
    subscription.stores.set(stores)
    return subscription


def valid_signature(request: dict, secret: str = SECRET) -> bool:
    timestamp = request["headers"]["X-Helpdesk-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request["body"], hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(request["headers"]["X-Helpdesk-Signature"], f"sha256={expected}")


def inbound_email(store, external_id: str = "<order-help-1@mail.example.com>") -> InboundMessage:
    return InboundMessage(
        store_id=store.pk,
        channel="email",
        external_id=external_id,
        sender_address="anna.schmidt@example.de",
        sender_name="Anna Schmidt",
        subject="Where is my parcel?",
        text="Hello, my order #1001 has not arrived yet.",
    )


# --- delivery ---------------------------------------------------------------------------------


def test_a_subscriber_failing_twice_gets_the_event_on_the_third_attempt(
    db, receiver_failing_twice, django_capture_on_commit_callbacks
):
    store = StoreFactory()
    subscribe(receiver_failing_twice.url, ["ticket.created"])

    with django_capture_on_commit_callbacks(execute=True):
        result = message_ingest(inbound=inbound_email(store))

    requests = receiver_failing_twice.requests
    assert len(requests) == 3
    delivery = WebhookDelivery.objects.get()
    assert {r["headers"]["X-Helpdesk-Delivery"] for r in requests} == {str(delivery.delivery_id)}
    assert {r["headers"]["X-Helpdesk-Event"] for r in requests} == {"ticket.created"}
    assert all(valid_signature(r) for r in requests)
    assert len({r["body"] for r in requests}) == 1  # every attempt sends the same bytes
    sent = json.loads(requests[-1]["body"])
    assert (sent["type"], sent["store_id"], sent["id"]) == (
        "ticket.created",
        store.pk,
        str(delivery.event_id),
    )
    assert sent["data"]["reference"] == result.ticket.reference
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("delivered", 3, 200)
    assert delivery.delivered_at is not None


def test_a_signature_made_with_another_secret_does_not_verify(db, django_capture_on_commit_callbacks):
    with Receiver([]) as receiver:
        subscribe(receiver.url, ["ticket.created"])
        with django_capture_on_commit_callbacks(execute=True):
            message_ingest(inbound=inbound_email(StoreFactory()))

    assert valid_signature(receiver.requests[0])
    assert not valid_signature(receiver.requests[0], secret="not-the-secret")


def test_a_subscriber_that_keeps_failing_is_given_up_after_the_last_attempt(
    db, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOUND_WEBHOOK_MAX_ATTEMPTS = 4
    with Receiver([503] * 10) as receiver:
        subscribe(receiver.url, ["ticket.created"])
        with django_capture_on_commit_callbacks(execute=True):
            message_ingest(inbound=inbound_email(StoreFactory()))

    assert len(receiver.requests) == 4
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("failed", 4, 503)
    assert delivery.last_response_body == "upstream database is down"
    assert delivery.next_retry_at is None


def test_an_unreachable_subscriber_is_retried_with_a_growing_wait(db, settings):
    settings.OUTBOUND_WEBHOOK_RETRY_SECONDS = 30
    with Receiver([]) as receiver:
        url = receiver.url  # closed when the block ends: nothing listens there any more
    subscription = subscribe(url, ["ticket.created"])
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_id="6f1c2e1e-8e7b-4d47-9c4f-0b3c1d2e3f40",
        event_type="ticket.created",
    )
    now = dt.datetime(2025, 11, 28, 10, 0, tzinfo=dt.UTC)

    first = webhook_delivery_attempt(delivery_id=delivery.pk, now=now)
    second = webhook_delivery_attempt(delivery_id=delivery.pk, now=now)

    assert (first.retry_in, second.retry_in) == (30, 60)
    delivery.refresh_from_db()
    assert delivery.status == "retrying"
    assert delivery.next_retry_at == now + dt.timedelta(seconds=60)
    assert delivery.last_error.startswith("ConnectError")
    assert retry_delay(30) == 6 * 3600  # the wait stops growing at six hours


def test_nothing_is_sent_before_the_change_commits_and_nothing_when_it_rolls_back(
    db, django_capture_on_commit_callbacks
):
    with Receiver([]) as receiver:
        subscribe(receiver.url, ["ticket.created"])
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            try:
                with transaction.atomic():
                    message_ingest(inbound=inbound_email(StoreFactory()))
                    raise RuntimeError("the request failed after the ticket was made")
            except RuntimeError:
                pass
        for callback in callbacks:
            callback()

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_only_subscribers_of_the_event_and_the_store_get_it(db, django_capture_on_commit_callbacks):
    store, other_store = StoreFactory(), StoreFactory()
    with Receiver([]) as wanted, Receiver([]) as other_event, Receiver([]) as other_shop:
        subscribe(wanted.url, ["ticket.created", "ticket.solved"], stores=[store])
        subscribe(other_event.url, ["refund.issued"])
        subscribe(other_shop.url, ["ticket.created"], stores=[other_store])
        WebhookSubscription.objects.create(
            name="Paused", url=wanted.url, event_types=["ticket.created"], is_active=False
        )
        with django_capture_on_commit_callbacks(execute=True):
            message_ingest(inbound=inbound_email(store))

    assert len(wanted.requests) == 1
    assert other_event.requests == other_shop.requests == []


def test_a_manager_redelivers_a_delivery_with_the_same_delivery_id(
    admin_client, django_capture_on_commit_callbacks
):
    with Receiver([]) as receiver:
        subscribe(receiver.url, ["ticket.created"])
        with django_capture_on_commit_callbacks(execute=True):
            message_ingest(inbound=inbound_email(StoreFactory()))
        delivery = WebhookDelivery.objects.get()

        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                reverse("admin:helpdesk_webhookdelivery_changelist"),
                {"action": "redeliver", "_selected_action": [delivery.pk]},
                follow=True,
            )

    assert response.status_code == 200
    assert [r["headers"]["X-Helpdesk-Delivery"] for r in receiver.requests] == [str(delivery.delivery_id)] * 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_the_admin_lists_subscriptions_and_deliveries(admin_client, db):
    subscription = subscribe("https://erp.example.com/hooks", ["refund.issued"])
    WebhookDelivery.objects.create(
        subscription=subscription,
        event_id="0b6f4a52-7c0e-4f3e-9d59-1d9a3c1c2b10",
        event_type="refund.issued",
        payload={"type": "refund.issued"},
    )

    for name in ("webhooksubscription", "webhookdelivery", "commercewebhookdelivery"):
        assert admin_client.get(reverse(f"admin:helpdesk_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:helpdesk_webhooksubscription_add")).status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert (
        admin_client.get(reverse("admin:helpdesk_webhookdelivery_change", args=[delivery.pk])).status_code
        == 200
    )


# --- where events come from ---------------------------------------------------------------------


def recorded(event_type: str) -> list[dict]:
    return [d.payload for d in WebhookDelivery.objects.filter(event_type=event_type).order_by("pk")]


@pytest.fixture
def subscriber_of_everything(db) -> WebhookSubscription:
    return subscribe("https://erp.example.com/hooks", list(events.EventType.values))


def test_a_new_conversation_emits_ticket_created_and_message_created(subscriber_of_everything):
    result = message_ingest(inbound=inbound_email(StoreFactory()))

    [ticket] = recorded("ticket.created")
    [message] = recorded("message.created")
    assert ticket["data"]["id"] == result.ticket.pk
    assert message["data"]["ticket_id"] == result.ticket.pk
    assert message["data"]["text"].startswith("Hello, my order #1001")


def test_solving_a_ticket_emits_ticket_solved(subscriber_of_everything):
    ticket = TicketFactory(status=Ticket.Status.OPEN)

    ticket_set_status(ticket=ticket, status=Ticket.Status.SOLVED, actor=None)

    [event] = recorded("ticket.solved")
    assert (event["data"]["reference"], event["store_id"]) == (ticket.reference, ticket.store_id)


def test_issuing_a_refund_emits_refund_issued_once(subscriber_of_everything):
    order = OrderFactory()
    for _ in range(2):  # the same key twice: one refund, one event
        refund_issue(
            order=order,
            amount=Decimal("12.50"),
            currency=order.currency,
            method="manual",
            idempotency_key="k-1",
        )

    [event] = recorded("refund.issued")
    assert event["data"]["amount"] == "12.50"
    assert event["data"]["id"] == Refund.objects.get().pk


def test_approving_a_return_emits_return_approved(subscriber_of_everything):
    return_request = ReturnRequestFactory(status=ReturnRequest.Status.NEEDS_REVIEW)

    return_transition(return_request=return_request, to_status=ReturnRequest.Status.APPROVED, actor=None)

    [event] = recorded("return.approved")
    assert event["data"]["rma_number"] == return_request.rma_number


def test_an_answered_survey_emits_survey_answered(subscriber_of_everything):
    survey = SurveyFactory(status=Survey.Status.SENT)

    survey_answer(survey=survey, score=5, comment="Quick and kind")

    [event] = recorded("survey.answered")
    assert (event["data"]["score"], event["data"]["comment"]) == (5, "Quick and kind")


def test_a_new_parcel_anomaly_emits_shipment_anomaly(subscriber_of_everything):
    now = dt.datetime.now(dt.UTC)
    parcel = ShipmentFactory(
        status=TrackingStatus.IN_TRANSIT,
        shipped_at=now - dt.timedelta(days=9),
        last_event_at=now - dt.timedelta(days=8),
    )

    shipment_anomalies_check(shipment_id=parcel.pk, now=now)
    shipment_anomalies_check(shipment_id=parcel.pk, now=now)  # still stalled: no second event

    [event] = recorded("shipment.anomaly")
    assert event["data"]["kind"] == Shipment.Anomaly.STALLED
    assert event["data"]["shipment"]["tracking_number"] == parcel.tracking_number


# --- through a real Celery worker ---------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.skipif(not REDIS_URL, reason=REDIS_REASON)
def test_a_real_worker_retries_with_backoff_until_the_subscriber_answers(process_database_url, tmp_path):
    env = {"OUTBOUND_WEBHOOK_RETRY_SECONDS": "1"}
    with (
        Receiver([500, 500]) as receiver,
        celery_worker(database_url=process_database_url, directory=tmp_path, env=env) as worker,
    ):
        subscribe(receiver.url, ["ticket.created"])
        with tasks_published_to(worker), transaction.atomic():
            message_ingest(inbound=inbound_email(StoreFactory()))
        deadline = time.monotonic() + 60
        while WebhookDelivery.objects.get().status != "delivered":
            assert time.monotonic() < deadline, worker["log"].read_text()[-3000:]
            time.sleep(0.2)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, len(receiver.requests)) == (3, 3)
    assert {r["headers"]["X-Helpdesk-Delivery"] for r in receiver.requests} == {str(delivery.delivery_id)}
    assert all(valid_signature(r) for r in receiver.requests)
    # Backoff: the second retry waited longer than the first (1 s, then 2 s).
    stamps = [int(r["headers"]["X-Helpdesk-Timestamp"]) for r in receiver.requests]
    assert stamps[1] - stamps[0] >= 1
    assert stamps[2] - stamps[1] >= 2
