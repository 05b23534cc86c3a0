"""Triage loses no message: not to a database outage in the middle of a run, not to a broker that is
down when the message arrives, not to a worker killed mid-run, and never triages one twice at once."""

from __future__ import annotations

import datetime as dt

import pytest
from celery import current_app
from django.core.cache import cache
from django.db import OperationalError, connection, connections
from django.utils import timezone

from tests.factories import MessageFactory, TicketFactory
from tests.tickets.mail import raw_email
from tickets.models import Mailbox, Message, Ticket
from tickets.services import triage as triage_service
from tickets.services.triage import message_triage, messages_due_for_triage_again
from tickets.tasks import replies_queued_requeue, triage_pending_requeue

TEXT = "Meine Bestellung 302-1234567-1234567 ist nicht angekommen. Wo ist mein Paket?"


@pytest.fixture(autouse=True)
def fresh_cache():
    # Claims and "queued again" marks are keyed by message id; a rerun reuses the ids.
    cache.clear()


def waiting_message(store, team, **fields):
    ticket = TicketFactory(store=store, team=None, subject="Paket nicht angekommen", language="")
    fields.setdefault("triage_status", Message.Triage.PENDING)
    return MessageFactory(ticket=ticket, body_text=TEXT, body_display=TEXT, language="", **fields)


@pytest.mark.django_db
def test_a_message_another_run_holds_is_left_to_it_and_triaged_once_the_claim_is_given_up(
    nlp_models, store_eu, team_eu
):
    message = waiting_message(store_eu, team_eu)
    cache.add(f"triage-claim:{message.pk}", 1, timeout=60)  # a run on another worker

    held = message_triage(message_id=message.pk)

    assert held.busy
    assert not held.done
    message.refresh_from_db()
    assert message.triage_status == Message.Triage.PENDING
    assert message.intent == ""

    cache.delete(f"triage-claim:{message.pk}")
    result = message_triage(message_id=message.pk)

    assert result.done
    assert not result.busy
    message.refresh_from_db()
    assert message.triage_status == Message.Triage.DONE
    assert message.language == "de"
    assert Ticket.objects.get(pk=message.ticket_id).team == team_eu
    assert cache.get(f"triage-claim:{message.pk}") is None  # given up at the end


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_in_the_middle_of_triage_leaves_the_message_waiting_not_failed(
    nlp_models, store_eu, team_eu, monkeypatch
):
    message = waiting_message(store_eu, team_eu)
    translate = triage_service._translation

    def connection_lost_while_translating(message):
        # The server ends this worker's session, as a PostgreSQL restart does.
        with connections.create_connection("default").cursor() as other:
            other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
        translate(message)

    if connection.vendor != "postgresql":
        pytest.skip("ends the session from the server side: PostgreSQL")
    monkeypatch.setattr(triage_service, "_translation", connection_lost_while_translating)

    with pytest.raises(OperationalError):
        message_triage(message_id=message.pk)

    connection.close()  # what Celery's Django fix-up does before the retry runs
    message.refresh_from_db()
    assert message.triage_status == Message.Triage.PENDING  # not "failed": nobody would look again
    assert cache.get(f"triage-claim:{message.pk}") is None  # the retry need not wait for the claim

    monkeypatch.setattr(triage_service, "_translation", translate)
    assert message_triage(message_id=message.pk).done
    message.refresh_from_db()
    assert message.triage_status == Message.Triage.DONE
    assert Ticket.objects.get(pk=message.ticket_id).team == team_eu


@pytest.mark.django_db
def test_the_sweep_queues_again_only_messages_waiting_too_long_and_each_once_per_interval(
    store_eu, team_eu, settings
):
    settings.TRIAGE_REQUEUE_AFTER_SECONDS = 300
    now = timezone.now()
    stuck = waiting_message(store_eu, team_eu)
    just_arrived = waiting_message(store_eu, team_eu)
    triaged = waiting_message(store_eu, team_eu, triage_status=Message.Triage.DONE)
    Message.objects.filter(pk__in=[stuck.pk, triaged.pk]).update(created_at=now - dt.timedelta(minutes=10))
    Message.objects.filter(pk=just_arrived.pk).update(created_at=now - dt.timedelta(minutes=2))

    assert messages_due_for_triage_again(now=now) == [stuck.pk]
    assert messages_due_for_triage_again(now=now) == []  # already queued again in this interval
    cache.delete(f"triage-requeued:{stuck.pk}")
    assert messages_due_for_triage_again(now=now + dt.timedelta(minutes=5)) == [stuck.pk, just_arrived.pk]


@pytest.mark.django_db
def test_the_beat_task_triages_a_message_whose_task_was_lost(nlp_models, store_eu, team_eu, settings):
    settings.TRIAGE_REQUEUE_AFTER_SECONDS = 60
    message = waiting_message(store_eu, team_eu)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))

    assert triage_pending_requeue() == 1  # eager here; a worker in production

    message.refresh_from_db()
    assert message.triage_status == Message.Triage.DONE
    assert Ticket.objects.get(pk=message.ticket_id).team == team_eu


@pytest.fixture
def broker_down():
    """Celery publishing to a broker nobody listens on, as when Redis is down."""
    conf = current_app.conf
    saved = {key: conf[key] for key in ("task_always_eager", "broker_url", "broker_write_url")}
    conf.task_always_eager = False
    conf.broker_url = conf.broker_write_url = "redis://127.0.0.1:9/0"
    conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
    current_app._pool = None
    current_app.amqp._producer_pool = None
    yield
    for key, value in saved.items():
        conf[key] = value
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_a_message_arriving_while_the_broker_is_down_is_stored_and_answered_202(
    client, store_eu, broker_down
):
    mailbox = Mailbox.objects.create(store=store_eu, address="support@lumio.example")

    answer = client.post(
        f"/inbound/email/{mailbox.inbound_token}/", data=raw_email(), content_type="message/rfc822"
    )

    assert answer.status_code == 202
    message = Message.objects.get()
    assert message.triage_status == Message.Triage.PENDING  # the sweep queues it once the broker is back
    assert message.ticket.subject == "Lampe kaputt angekommen"


@pytest.mark.django_db
def test_a_reply_whose_sending_task_was_lost_goes_out_once_from_the_sweep(
    store_eu, agent_eu, ticket_eu, mailoutbox
):
    reply = MessageFactory(
        ticket=ticket_eu,
        direction=Message.Direction.OUTBOUND,
        author=agent_eu,
        body_text="Ein Ersatz ist unterwegs.",
        delivery_status=Message.Delivery.QUEUED,
        triage_status=Message.Triage.SKIPPED,
    )
    Message.objects.filter(pk=reply.pk).update(created_at=timezone.now() - dt.timedelta(minutes=45))

    assert replies_queued_requeue() == 1
    assert replies_queued_requeue() == 0

    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENT
    assert len(mailoutbox) == 1
    assert "Ein Ersatz ist unterwegs." in mailoutbox[0].body
