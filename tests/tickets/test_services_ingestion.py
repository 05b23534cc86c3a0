"""Storing inbound messages: never lost, never duplicated, never on another customer's ticket."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from customers.models import CustomerIdentity
from tickets.ingest.conversation import normalise_subject
from tickets.ingest.inbound import InboundAttachment, InboundMessage
from tickets.models import Attachment, Message, Ticket, TicketEvent
from tickets.services import message_ingest, message_store_unprocessable, ticket_set_status


def inbound(store, **overrides) -> InboundMessage:
    values = {
        "store_id": store.pk,
        "channel": "email",
        "external_id": "<first@mail.example>",
        "sender_address": "anna.schmidt@example.de",
        "sender_name": "Anna Schmidt",
        "subject": "Lampe kaputt angekommen",
        "text": "Hallo, die Lampe ist kaputt angekommen.",
    }
    values.update(overrides)
    return InboundMessage(**values)


@pytest.mark.django_db
def test_a_first_message_opens_a_ticket_for_a_new_customer(store_eu):
    result = message_ingest(inbound=inbound(store_eu))

    assert result.created_ticket
    assert not result.duplicate
    ticket = result.ticket
    assert ticket.status == Ticket.Status.NEW
    assert ticket.subject == "Lampe kaputt angekommen"
    assert ticket.customer.display_name == "Anna Schmidt"
    assert CustomerIdentity.objects.filter(value="anna.schmidt@example.de", customer=ticket.customer).exists()
    assert result.message.triage_status == Message.Triage.PENDING
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.CREATED).exists()


@pytest.mark.django_db
def test_a_redelivered_message_is_a_no_op(store_eu):
    first = message_ingest(inbound=inbound(store_eu))

    again = message_ingest(inbound=inbound(store_eu))

    assert again.duplicate
    assert again.message.pk == first.message.pk
    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_a_reply_threads_by_in_reply_to_even_with_a_new_subject(store_eu):
    first = message_ingest(inbound=inbound(store_eu))

    reply = message_ingest(
        inbound=inbound(
            store_eu,
            external_id="<second@mail.example>",
            subject="Noch eine Frage",
            in_reply_to="<first@mail.example>",
        )
    )

    assert reply.ticket.pk == first.ticket.pk
    assert not reply.created_ticket


@pytest.mark.django_db
def test_a_reply_threads_by_the_reference_in_the_subject(store_eu):
    first = message_ingest(inbound=inbound(store_eu))

    reply = message_ingest(
        inbound=inbound(
            store_eu, external_id="<other@mail.example>", subject=f"AW: Hilfe [#{first.ticket.reference}]"
        )
    )

    assert reply.ticket.pk == first.ticket.pk


@pytest.mark.django_db
def test_a_reply_threads_by_the_reference_in_the_reply_address(store_eu):
    first = message_ingest(inbound=inbound(store_eu))

    reply = message_ingest(
        inbound=inbound(
            store_eu,
            external_id="<x@mail.example>",
            subject="Antwort",
            recipients=(f"support+{first.ticket.reference.lower()}@lumio.example",),
        )
    )

    assert reply.ticket.pk == first.ticket.pk


@pytest.mark.django_db
def test_a_platform_message_threads_by_the_platforms_conversation_id(store_eu):
    first = message_ingest(
        inbound=inbound(store_eu, channel="amazon", external_id="m-1", thread_id="T-9", buyer_id="AB12")
    )

    second = message_ingest(
        inbound=inbound(
            store_eu, channel="amazon", external_id="m-2", thread_id="T-9", buyer_id="AB12", subject=""
        )
    )

    assert second.ticket.pk == first.ticket.pk
    assert first.ticket.external_thread_id == "T-9"


@pytest.mark.django_db
def test_the_same_customer_and_subject_within_two_weeks_continue_the_conversation(store_eu):
    first = message_ingest(inbound=inbound(store_eu))

    follow_up = message_ingest(
        inbound=inbound(
            store_eu, external_id="<no-headers@mail.example>", subject="Re: RE: Lampe kaputt angekommen"
        )
    )

    assert follow_up.ticket.pk == first.ticket.pk


@pytest.mark.django_db
def test_the_same_subject_after_the_window_opens_a_new_ticket(store_eu):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)):
        first = message_ingest(inbound=inbound(store_eu))
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)):
        later = message_ingest(inbound=inbound(store_eu, external_id="<later@mail.example>"))

    assert later.ticket.pk != first.ticket.pk


@pytest.mark.django_db
def test_another_customers_mail_never_joins_a_ticket_even_when_it_quotes_its_message_id(store_eu):
    first = message_ingest(inbound=inbound(store_eu))

    stranger = message_ingest(
        inbound=inbound(
            store_eu,
            external_id="<stranger@mail.example>",
            sender_address="someone.else@example.com",
            in_reply_to="<first@mail.example>",
            subject=f"Re: Lampe kaputt angekommen [#{first.ticket.reference}]",
        )
    )

    assert stranger.created_ticket
    assert stranger.ticket.pk != first.ticket.pk
    assert stranger.ticket.customer != first.ticket.customer


@pytest.mark.django_db
def test_a_customer_writing_back_reopens_a_solved_ticket(store_eu, agent_eu):
    first = message_ingest(inbound=inbound(store_eu))
    ticket_set_status(ticket=first.ticket, status=Ticket.Status.SOLVED, actor=agent_eu)

    message_ingest(
        inbound=inbound(store_eu, external_id="<back@mail.example>", in_reply_to="<first@mail.example>")
    )

    ticket = Ticket.objects.get(pk=first.ticket.pk)
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.reopened_count == 1
    assert ticket.solved_at is None


@pytest.mark.django_db
def test_a_message_on_a_closed_ticket_opens_a_new_one(store_eu, agent_eu):
    first = message_ingest(inbound=inbound(store_eu))
    ticket_set_status(ticket=first.ticket, status=Ticket.Status.SOLVED, actor=agent_eu)
    ticket_set_status(ticket=first.ticket, status=Ticket.Status.CLOSED, actor=agent_eu)

    later = message_ingest(inbound=inbound(store_eu, external_id="<after-close@mail.example>"))

    assert later.created_ticket
    assert Ticket.objects.get(pk=first.ticket.pk).status == Ticket.Status.CLOSED


@pytest.mark.django_db
def test_an_auto_reply_joins_its_conversation_without_reopening_it(store_eu, agent_eu):
    first = message_ingest(inbound=inbound(store_eu))
    ticket_set_status(ticket=first.ticket, status=Ticket.Status.SOLVED, actor=agent_eu)

    vacation = message_ingest(
        inbound=inbound(
            store_eu,
            external_id="<ooo@mail.example>",
            in_reply_to="<first@mail.example>",
            subject="Abwesenheitsnotiz",
            auto_submitted=True,
            auto_reason="Auto-Submitted: auto-replied",
        )
    )

    assert vacation.ticket.pk == first.ticket.pk
    assert Ticket.objects.get(pk=first.ticket.pk).status == Ticket.Status.SOLVED
    assert vacation.message.is_auto_submitted
    assert vacation.message.triage_status == Message.Triage.SKIPPED


@pytest.mark.django_db
def test_a_bounce_about_nothing_we_know_is_kept_but_opens_no_ticket(store_eu):
    bounce = message_ingest(
        inbound=inbound(
            store_eu,
            external_id="<dsn@mx.example>",
            sender_address="mailer-daemon@mx.example",
            subject="Undelivered Mail Returned to Sender",
            auto_submitted=True,
            auto_reason="delivery status notification",
        )
    )

    assert bounce.ticket is None
    assert Ticket.objects.count() == 0
    assert Message.objects.get(pk=bounce.message.pk).warnings == [
        "auto-submitted: delivery status notification"
    ]


@pytest.mark.django_db
def test_attachments_are_stored_once_and_oversized_ones_are_skipped_with_a_warning(store_eu, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path, ATTACHMENT_MAX_BYTES=1024):
        result = message_ingest(
            inbound=inbound(
                store_eu,
                attachments=(
                    InboundAttachment("photo.jpg", "image/jpeg", b"\xff\xd8" + b"x" * 100),
                    InboundAttachment("photo.jpg", "image/jpeg", b"\xff\xd8" + b"x" * 100),
                    InboundAttachment("video.mp4", "video/mp4", b"v" * 5000),
                ),
            )
        )

    stored = Attachment.objects.filter(message=result.message)
    assert [a.filename for a in stored] == ["photo.jpg"]
    assert stored[0].size == 102
    assert any("video.mp4" in warning for warning in Message.objects.get(pk=result.message.pk).warnings)


@pytest.mark.django_db
def test_an_order_number_from_a_web_form_links_the_order(store_eu):
    from tests.factories import OrderFactory

    order = OrderFactory(store=store_eu, external_id="302-1234567-7654321")

    result = message_ingest(
        inbound=inbound(store_eu, channel="web_form", order_number=" 302-1234567-7654321 ")
    )

    assert result.ticket.order == order


@pytest.mark.django_db
def test_unreadable_mail_is_kept_once_with_the_reason(store_eu):
    raw = b"\x00\x01garbage"

    first = message_store_unprocessable(store=store_eu, channel="email", raw=raw, reason="not an e-mail")
    again = message_store_unprocessable(store=store_eu, channel="email", raw=raw, reason="not an e-mail")

    assert first.pk == again.pk
    assert bytes(first.raw) == raw
    assert first.ticket is None
    assert first.parse_error == "not an e-mail"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: Fwd: AW: Order late", "order late"),
        ("回复：订单没收到", "订单没收到"),
        ("RE[2]: Where is my parcel [#K7Q2M9XD]", "where is my parcel"),
        ("SV: Vs: Paket", "paket"),
    ],
)
def test_reply_prefixes_and_references_do_not_count_as_the_subject(subject, expected):
    assert normalise_subject(subject) == expected
