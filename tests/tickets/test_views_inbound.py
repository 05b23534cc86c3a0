"""The raw-MIME webhook inbound-mail providers post to."""

from __future__ import annotations

import pytest

from tests.tickets.mail import raw_email
from tickets.models import Mailbox, Message, Ticket


@pytest.fixture
def mailbox(store_eu):
    return Mailbox.objects.create(store=store_eu, address="support@lumio.example")


def post_raw(client, mailbox, raw: bytes, token: str | None = None):
    return client.post(
        f"/inbound/email/{token or mailbox.inbound_token}/", data=raw, content_type="message/rfc822"
    )


@pytest.mark.django_db
def test_a_posted_email_opens_a_ticket_and_a_redelivery_changes_nothing(client, mailbox):
    first = post_raw(client, mailbox, raw_email())
    again = post_raw(client, mailbox, raw_email())

    assert first.status_code == 202
    assert first.json()["status"] == "stored"
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert ticket.subject == "Lampe kaputt angekommen"
    assert first.json()["ticket"] == ticket.reference


@pytest.mark.django_db
def test_the_reply_is_threaded_onto_the_same_ticket(client, mailbox):
    post_raw(client, mailbox, raw_email())

    reply = post_raw(
        client,
        mailbox,
        raw_email(
            message_id="<reply-2@mail.example.de>",
            subject="Re: Lampe kaputt angekommen",
            in_reply_to="<order-question-1@mail.example.de>",
        ),
    )

    assert reply.status_code == 202
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(ticket=Ticket.objects.get()).count() == 2


@pytest.mark.django_db
def test_a_form_post_with_the_raw_message_in_a_field_is_accepted(client, mailbox):
    response = client.post(f"/inbound/email/{mailbox.inbound_token}/", {"email": raw_email().decode()})

    assert response.status_code == 202
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_token_is_404_and_stores_nothing(client, mailbox):
    response = post_raw(client, mailbox, raw_email(), token="not-a-real-token")

    assert response.status_code == 404
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_body_is_400_with_a_reason(client, mailbox):
    response = post_raw(client, mailbox, b"")

    assert response.status_code == 400
    assert "empty" in response.json()["error"]


@pytest.mark.django_db
def test_a_get_is_refused(client, mailbox):
    assert client.get(f"/inbound/email/{mailbox.inbound_token}/").status_code == 405


@pytest.mark.django_db
def test_garbage_is_kept_raw_for_a_manager_and_never_a_500(client, mailbox):
    garbage = bytes(range(256)) * 4

    response = post_raw(client, mailbox, garbage)

    assert response.status_code == 202
    assert response.json()["status"] == "unprocessable"
    stored = Message.objects.get()
    assert bytes(stored.raw) == garbage
    assert stored.parse_error
    assert stored.ticket is None


@pytest.mark.django_db
def test_an_out_of_office_reply_opens_no_ticket(client, mailbox):
    response = post_raw(
        client,
        mailbox,
        raw_email(
            message_id="<ooo@mail.example.de>",
            subject="Abwesenheitsnotiz: Lampe",
            extra_headers={"Auto-Submitted": "auto-replied"},
        ),
    )

    assert response.status_code == 202
    assert Ticket.objects.count() == 0
    assert Message.objects.get().is_auto_submitted


@pytest.mark.django_db
def test_a_kept_message_that_now_reads_replaces_its_copy_and_opens_a_ticket(mailbox, store_eu):
    from tickets.services import message_read_again, message_store_unprocessable

    kept = message_store_unprocessable(
        store=store_eu, channel="email", raw=raw_email(), reason="parser crashed (before a fix)"
    )

    result = message_read_again(message=kept)

    assert not result.unprocessable
    assert result.ticket is not None
    assert not Message.objects.filter(pk=kept.pk).exists()
    assert Message.objects.get().external_id == "<order-question-1@mail.example.de>"


@pytest.mark.django_db
def test_a_manager_reads_garbage_again_from_admin_and_it_stays_kept_with_the_reason(client, manager, mailbox):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    post_raw(client, mailbox, b"\x00\xff" * 64)
    kept = Message.objects.get()
    Message.objects.filter(pk=kept.pk).update(parse_error="reason from an older parser")
    client.force_login(manager)

    page = client.post(
        "/admin/tickets/message/?parse_error__isempty=0",
        {"action": "read_again", ACTION_CHECKBOX_NAME: [kept.pk]},
        follow=True,
    )

    assert page.status_code == 200
    kept.refresh_from_db()
    assert kept.parse_error
    assert kept.parse_error != "reason from an older parser"
    assert Ticket.objects.count() == 0
