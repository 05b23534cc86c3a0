"""The store's public contact form: a message becomes a ticket through the same pipeline as
e-mail, spam is kept out without third parties, and a double submit is one message."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import CustomerFactory, OrderFactory, StoreFactory
from tickets.models import Attachment, Channel, Message, Ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def store(db):
    return StoreFactory(name="Lumen Home", platform="shopify", default_language="en", brand_color="#0a7d4f")


@pytest.fixture(autouse=True)
def fresh_rate_limit(settings):
    settings.CONTACT_FORM_MIN_SECONDS = 0
    cache.delete("contact-form:rate:127.0.0.1")
    yield
    cache.delete("contact-form:rate:127.0.0.1")


def url(store, suffix=""):
    return f"/contact/{store.inbound_key}/{suffix}"


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def fields(client, store, **overrides):
    data = {
        "token": token_of(client.get(url(store))),
        "name": "Anna Schmidt",
        "email": "Anna.Schmidt@example.de",
        "order_number": "",
        "subject": "Lamp arrived broken",
        "message": "The glass shade was cracked when I opened the box.\nCan you send a new one?",
        "fax_number": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_page_is_a_mobile_friendly_form_in_the_stores_colours(client, store):
    response = client.get(url(store))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "--brand: #0a7d4f" in page
    assert "Write to Lumen Home and we will answer you by e-mail." in page
    for name in ("name", "email", "order_number", "subject", "message", "attachments", "token"):
        assert f'name="{name}"' in page
    assert 'class="public-trap" aria-hidden="true"' in page


@pytest.mark.django_db
def test_the_page_speaks_english_and_the_stores_language_when_shipped(client):
    chinese = StoreFactory(default_language="zh-hans")
    korean = StoreFactory(default_language="ko")  # no Korean catalogue ships: English only

    by_default = client.get(url(chinese)).content.decode()
    in_english = client.get(url(chinese) + "?lang=en").content.decode()
    only_english = client.get(url(korean)).content.decode()

    assert '<html lang="zh-hans">' in by_default
    assert 'href="?lang=en"' in by_default
    assert '<html lang="en">' in in_english
    assert '<html lang="en">' in only_english
    assert "?lang=" not in only_english.split("<main")[0]


@pytest.mark.django_db
def test_a_message_opens_a_web_form_ticket_confirmed_on_a_page_and_by_e_mail(
    client, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(store), fields(client, store))

    assert response.status_code == 302
    ticket = Ticket.objects.select_related("customer").get()
    message = ticket.messages.get(direction=Message.Direction.INBOUND)
    assert ticket.channel == message.channel == Channel.WEB_FORM
    assert ticket.subject == "Lamp arrived broken"
    assert ticket.customer.email == "anna.schmidt@example.de"
    assert message.sender_name == "Anna Schmidt"
    assert message.external_id.endswith("@contact-form.invalid>")
    assert message.raw_payload["subject"] == "Lamp arrived broken"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert ticket.reference in page.content.decode()
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["anna.schmidt@example.de"]
    assert f"[#{ticket.reference}]" in confirmation.subject
    assert ticket.reference in confirmation.body
    assert "> The glass shade was cracked" in confirmation.body
    sent = ticket.messages.get(direction=Message.Direction.OUTBOUND)
    assert (sent.kind, sent.delivery_status) == (Message.Kind.AUTO_REPLY, Message.Delivery.SENT)
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None  # a confirmation is not an answer


@pytest.mark.django_db
def test_a_double_submit_is_one_message_one_ticket_one_e_mail(
    client, store, django_capture_on_commit_callbacks
):
    data = fields(client, store)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url(store), data)
        second = client.post(url(store), data)

    assert first.status_code == second.status_code == 302
    assert client.get(first["Location"]).content == client.get(second["Location"]).content
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_order_number_of_the_senders_own_order_links_the_ticket(client, store):
    customer = CustomerFactory(email="anna.schmidt@example.de")
    order = OrderFactory(store=store, customer=customer, external_id="#1042", email="anna.schmidt@example.de")

    client.post(url(store), fields(client, store, order_number="#1042"))

    assert Ticket.objects.get().order == order


@pytest.mark.django_db
def test_someone_elses_order_number_is_kept_as_text_and_the_answer_is_the_same(client, store):
    OrderFactory(store=store, external_id="#2001", email="other.person@example.com")

    someone_elses = client.post(url(store), fields(client, store, order_number="#2001"))
    no_such_order = client.post(url(store), fields(client, store, order_number="#9999", subject="Other"))

    assert someone_elses.status_code == no_such_order.status_code == 302
    first, second = Ticket.objects.order_by("id")
    assert first.order is None
    assert second.order is None
    assert "#2001" in first.messages.get(direction=Message.Direction.INBOUND).body_text
    first_page = client.get(someone_elses["Location"]).content.decode().replace(first.reference, "REF")
    second_page = client.get(no_such_order["Location"]).content.decode().replace(second.reference, "REF")
    assert first_page == second_page


@pytest.mark.django_db
def test_a_filled_honeypot_is_refused_and_nothing_is_stored(client, store):
    response = client.post(url(store), fields(client, store, fax_number="+1 555 0100"))

    assert response.status_code == 400
    assert "could not be sent" in response.content.decode()
    assert Message.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_form_sent_back_too_fast_is_refused(client, store, settings):
    settings.CONTACT_FORM_MIN_SECONDS = 3
    with time_machine.travel(dt.datetime(2025, 11, 28, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        data = fields(client, store)
        too_fast = client.post(url(store), data)
        traveller.shift(5)
        in_time = client.post(url(store), data)

    assert too_fast.status_code == 400
    assert "wait a moment" in too_fast.content.decode()
    assert in_time.status_code == 302
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_a_forged_token_is_refused_and_an_old_one_gets_a_fresh_form_with_the_text_kept(client, store):
    forged = client.post(url(store), fields(client, store, token="made-up"))
    with time_machine.travel(dt.datetime(2025, 11, 28, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        data = fields(client, store)
        traveller.shift(dt.timedelta(days=2))
        old = client.post(url(store), data)

    assert forged.status_code == old.status_code == 400
    assert "open for too long" in old.content.decode()
    assert "The glass shade was cracked" in old.content.decode()
    assert token_of(old) != data["token"]
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_one_address_sending_too_many_forms_is_slowed_down(client, store, settings):
    settings.CONTACT_FORM_RATE_LIMIT = 2

    answers = [
        client.post(url(store), fields(client, store, subject=f"Question {n}")).status_code for n in range(3)
    ]

    assert answers == [302, 302, 429]
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_photo_is_attached_to_the_message(client, store):
    photo = SimpleUploadedFile("shade.png", PNG, content_type="image/png")

    response = client.post(url(store), fields(client, store, attachments=[photo]))

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "shade.png",
        "image/png",
        len(PNG),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ([("invoice.jpg", b"MZ\x90\x00 this is a program", "image/jpeg")], "not a file type we accept"),
        ([(f"p{n}.png", PNG, "image/png") for n in range(4)], "at most 3 files"),
        ([("huge.png", PNG + b"\x00" * 4096, "image/png")], "larger than"),
    ],
)
def test_files_outside_the_limits_are_refused_with_the_reason(client, store, settings, files, reason):
    settings.CONTACT_FORM_MAX_FILE_BYTES = 2048
    uploads = [SimpleUploadedFile(name, content, content_type=kind) for name, content, kind in files]

    response = client.post(url(store), fields(client, store, attachments=uploads))

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_a_request_larger_than_the_files_allowed_is_413(client, store, settings):
    settings.CONTACT_FORM_MAX_FILES = 1
    settings.CONTACT_FORM_MAX_FILE_BYTES = 1024
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (2 * 1024 * 1024), content_type="image/png")

    response = client.post(url(store), fields(client, store, attachments=[big]))

    assert response.status_code == 413
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_missing_fields_are_named(client, store):
    response = client.post(url(store), fields(client, store, email="not-an-address", message=""))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert "This field is required." in page
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_store_key_is_404(client, store):
    assert client.get("/contact/no-such-store/").status_code == 404
    assert client.get(url(store, "sent/forged/")).status_code == 404


@pytest.mark.django_db
def test_the_chat_demo_page_embeds_the_widget(client, store):
    page = client.get(url(store, "chat-demo/")).content.decode()

    assert f'src="/static/widget/chat.js" data-store="{store.inbound_key}"' in page
    assert "http://testserver/static/widget/chat.js" in page


@pytest.mark.django_db
def test_a_subject_with_line_breaks_becomes_one_line(client, store):
    client.post(url(store), fields(client, store, subject="Broken lamp\r\nBcc: everyone@example.com"))

    assert Ticket.objects.get().subject == "Broken lamp Bcc: everyone@example.com"
