"""Replies leave through the channel they came from, threaded; notes never leave."""

from __future__ import annotations

import socket

import pytest
from django.test import override_settings

from helpdesk.exceptions import ApplicationError
from tests.factories import ReplyTemplateFactory, ReplyTemplateVariantFactory
from tickets.ingest.inbound import InboundMessage
from tickets.models import Mailbox, Message, Ticket
from tickets.selectors import reply_templates_for
from tickets.services import StaleTicket, message_deliver, message_ingest, message_reply
from tickets.tasks import message_send


@pytest.fixture
def conversation(store_eu, team_eu):
    Mailbox.objects.create(store=store_eu, address="support@lumio.example")
    result = message_ingest(
        inbound=InboundMessage(
            store_id=store_eu.pk,
            channel="email",
            external_id="<q1@mail.example.de>",
            sender_address="anna@example.de",
            sender_name="Anna Schmidt",
            subject="Lampe kaputt",
            text="Die Lampe ist kaputt.",
        )
    )
    Ticket.objects.filter(pk=result.ticket.pk).update(team=team_eu)
    return Ticket.objects.get(pk=result.ticket.pk)


@pytest.mark.django_db
def test_a_reply_is_mailed_threaded_to_the_customers_message(
    conversation, agent_eu, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_reply(
            ticket=conversation, author=agent_eu, body="Wir senden Ersatz.", seen_version=conversation.version
        )

    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.to == ["anna@example.de"]
    assert sent.subject == f"Re: Lampe kaputt [#{conversation.reference}]"
    assert sent.extra_headers["Message-ID"] == reply.external_id
    assert sent.extra_headers["In-Reply-To"] == "<q1@mail.example.de>"
    assert "<q1@mail.example.de>" in sent.extra_headers["References"]
    assert sent.reply_to == [f"{conversation.store.name} <support+{conversation.reference}@lumio.example>"]
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENT
    ticket = Ticket.objects.get(pk=conversation.pk)
    assert ticket.first_responded_at is not None
    assert ticket.status == Ticket.Status.OPEN


@pytest.mark.django_db
def test_an_internal_note_is_never_sent(
    conversation, agent_eu, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = message_reply(
            ticket=conversation, author=agent_eu, body="Checked the warehouse.", internal=True
        )

    assert mailoutbox == []
    assert note.direction == Message.Direction.INTERNAL
    assert Ticket.objects.get(pk=conversation.pk).first_responded_at is None


@pytest.mark.django_db
def test_a_reply_on_a_stale_view_is_held_and_nothing_is_written(conversation, agent_eu, mailoutbox):
    seen = conversation.version
    message_ingest(
        inbound=InboundMessage(
            store_id=conversation.store_id,
            channel="email",
            external_id="<q2@mail.example.de>",
            sender_address="anna@example.de",
            in_reply_to="<q1@mail.example.de>",
            text="Hallo? Noch etwas: auch das Kabel fehlt.",
        )
    )

    with pytest.raises(StaleTicket):
        message_reply(ticket=conversation, author=agent_eu, body="Wir senden Ersatz.", seen_version=seen)

    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()


@pytest.mark.django_db
def test_an_empty_reply_and_a_reply_on_a_closed_ticket_are_refused(conversation, agent_eu):
    with pytest.raises(ApplicationError, match="empty"):
        message_reply(ticket=conversation, author=agent_eu, body="   ")
    Ticket.objects.filter(pk=conversation.pk).update(status=Ticket.Status.CLOSED)
    with pytest.raises(ApplicationError, match="closed"):
        message_reply(ticket=conversation, author=agent_eu, body="Hallo")


@pytest.mark.django_db
def test_delivering_twice_sends_once(conversation, agent_eu, mailoutbox):
    reply = message_reply(ticket=conversation, author=agent_eu, body="Ersatz kommt.")

    message_deliver(message=reply)
    message_deliver(message=reply)

    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_marketplace_reply_without_a_connector_fails_visibly(store_eu, agent_eu, mailoutbox):
    result = message_ingest(
        inbound=InboundMessage(
            store_id=store_eu.pk,
            channel="amazon",
            external_id="amz-1",
            sender_address="",
            buyer_id="A1B2",
            thread_id="T1",
            text="Where?",
        )
    )
    reply = message_reply(ticket=result.ticket, author=agent_eu, body="On its way.")

    delivery = message_deliver(message=reply)

    reply.refresh_from_db()
    assert not delivery.sent
    assert reply.delivery_status == Message.Delivery.FAILED
    assert "connector" in reply.delivery_error
    assert mailoutbox == []


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_an_unreachable_mail_server_is_retried_then_marked_failed_with_the_reason(conversation, agent_eu):
    reply = message_reply(ticket=conversation, author=agent_eu, body="Ersatz kommt.")
    unreachable = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port(),
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=2,
    )

    with unreachable:
        message_send.apply(args=[reply.pk], retries=0)
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.QUEUED  # will be tried again

    with unreachable:
        message_send.apply(args=[reply.pk], retries=message_send.max_retries)
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.FAILED
    assert "Connection" in reply.delivery_error


@pytest.mark.django_db
def test_templates_come_in_the_customers_language_with_the_facts_filled_in(conversation):
    template = ReplyTemplateFactory(name="Damaged item")
    ReplyTemplateVariantFactory(template=template, language="en", body="Hello {name}")
    ReplyTemplateVariantFactory(
        template=template, language="de", body="Hallo {name}, {agent} hier. {name.__class__}"
    )
    Ticket.objects.filter(pk=conversation.pk).update(language="de")
    conversation.refresh_from_db()

    rendered = reply_templates_for(ticket=conversation, agent_name="Mei")

    assert [item.body for item in rendered] == ["Hallo Anna, Mei hier. {name.__class__}"]
