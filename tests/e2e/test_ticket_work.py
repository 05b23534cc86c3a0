"""An agent's work on one ticket, in a real browser (issue 10): reading a customer's message in
translation and in the original, answering in the customer's language, answering with a reply
template, and two agents answering the same ticket at once.

1. A German customer's message, translated into English by triage: the agent reads the
   translation, switches to the original and back, then writes in English, has it translated
   into German (the tiny real Argos packs of tests/helpdesk/tiny_argos.py, installed for the
   server), edits it and sends: the customer receives the German text.
2. A Spanish customer: the agent picks a suggested template with English, German and Spanish
   variants; the Spanish one comes in with the customer's name, the order number and the agent's
   name filled, and the template's "then set status"; sent as shown.
3. Two agents on one ticket: B replies while A is writing. A sees B's reply arrive and is warned;
   A sends anyway and the server holds A's reply (nothing goes out) and gives the draft back; A
   rewrites it and sends. B replies again while A writes a follow-up: A reviews and discards it.
   Only the replies the agents chose reach the customer.

Replies are delivered with Celery in eager mode inside the server (the e-mail lands in the file
outbox under the server's VAR_DIR). Screenshots of each step go to var/e2e/<test name>/.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from helpdesk.nlp import argos
from tests.conftest import role
from tests.e2e.conftest import browser_password, log_in
from tests.factories import (
    AgentProfileFactory,
    CustomerFactory,
    MessageFactory,
    OrderFactory,
    TicketFactory,
    UserFactory,
)
from tests.helpdesk.tiny_argos import build_pack
from tickets.models import Mailbox, Message, ReplyTemplate, ReplyTemplateVariant, Ticket, Translation


@pytest.fixture
def agent(team_eu):
    team_eu.working_language = "en"  # the team reads customers' messages in English
    team_eu.save(update_fields=["working_language"])
    user = UserFactory(username="li.wang", first_name="Li", last_name="Wang", groups=[role("Agent")])
    browser_password(user)
    AgentProfileFactory(user=user, teams=[team_eu], languages=["en"], working_language="en")
    return user


@pytest.fixture
def mailbox(store_eu):
    return Mailbox.objects.create(store=store_eu, address="support@lumio.example")


def ticket_url(server, ticket: Ticket) -> str:
    return f"{server.url}/inbox/{ticket.pk}/"


def open_ticket(page, server, ticket: Ticket) -> None:
    page.goto(ticket_url(server, ticket))
    page.wait_for_selector("#conversation")
    page.wait_for_selector("#live-status[data-state=live]")


def outbox(server) -> str:
    """Every e-mail the server sent, as written by the file backend."""
    return "".join(path.read_text() for path in (Path(server.env["VAR_DIR"]) / "mail").glob("*.log"))


def send(page) -> None:
    # Not "the form's submit button": "Translate to …" submits the composer too (to another URL).
    page.get_by_role("button", name="Send", exact=True).click()


def sent(page) -> None:
    """After "Send": the page reloads with the confirmation, and the reply is delivered."""
    page.wait_for_selector("text=Reply queued for sending.")
    page.wait_for_selector("article.msg-outbound .delivery-sent")


# 1. Translation ---------------------------------------------------------------------------------

GERMAN = "Hallo,\nmeine Lampe ist zerbrochen angekommen, der Karton war nass.\nBitte schicken Sie Ersatz."
ENGLISH = "Hello,\nmy lamp arrived shattered, the box was wet.\nPlease send a replacement."


@pytest.fixture(scope="session")
def german_english_packs(tmp_path_factory) -> list[Path]:
    directory = tmp_path_factory.mktemp("argosmodels-e2e")
    return [build_pack("de", "en", directory), build_pack("en", "de", directory)]


@pytest.fixture
def argos_dir(settings, tmp_path, german_english_packs) -> Path:
    """The de↔en packs installed where the server (and this process) look for them."""
    settings.ARGOS_PACKAGES_DIR = tmp_path / "argos-packages"
    for pack in german_english_packs:
        argos.pack_install_from_file(pack)
    return settings.ARGOS_PACKAGES_DIR


@pytest.fixture
def german_ticket(store_eu, team_eu, mailbox):
    customer = CustomerFactory(display_name="Anna Schmidt", email="anna.schmidt@example.de", language="de")
    ticket = TicketFactory(
        store=store_eu, team=team_eu, customer=customer, language="de", subject="Lampe zerbrochen"
    )
    # As triage stores it: the cached translation of the text shown, linked to the message.
    translation = Translation.objects.create(
        source_hash=hashlib.sha256(GERMAN.encode()).hexdigest(),
        source_language="de",
        target_language="en",
        translated_text=ENGLISH,
        engine="argostranslate 1.9 translate-de_en-1_9",
    )
    MessageFactory(
        ticket=ticket,
        sender_name="Anna Schmidt",
        sender_address="anna.schmidt@example.de",
        body_text=GERMAN,
        body_display=GERMAN,
        language="de",
        language_confidence=0.99,
        translation=translation,
        triage_status=Message.Triage.DONE,
    )
    return ticket


def test_an_agent_reads_a_german_message_in_translation_and_answers_in_german(
    recorder, start_server, argos_dir, agent, german_ticket
):
    server = start_server(ARGOS_PACKAGES_DIR=str(argos_dir))
    page = log_in(recorder, server, agent)
    open_ticket(page, server, german_ticket)
    message = page.locator("article.msg-inbound").first
    translated, original = message.locator(".msg-translated"), message.locator(".msg-original-text")

    # 1. The translation is shown first, marked as a machine translation; the original is hidden.
    assert translated.is_visible()
    assert original.is_hidden()
    assert "Machine translation (de → en)" in translated.inner_text()
    assert "my lamp arrived shattered, the box was wet." in translated.inner_text()
    assert "zerbrochen" not in translated.inner_text()
    recorder.shot(page, "translation-shown")

    # 2. "Show original": the customer's own words, and the translation hidden.
    message.get_by_text("Show original").click()
    assert original.is_visible()
    assert translated.is_hidden()
    assert "meine Lampe ist zerbrochen angekommen, der Karton war nass." in original.inner_text()
    assert "Original (de)" in original.inner_text()
    recorder.shot(page, "original-shown")

    # 3. And back.
    message.get_by_text("Show translation").click()
    assert translated.is_visible()
    assert original.is_hidden()
    recorder.shot(page, "translation-again")

    # 4. The agent writes in English and has it translated into German in the composer.
    body = page.locator("#composer textarea[name=body]")
    draft = "hello, parcel broken. thanks"
    body.fill(draft)
    page.get_by_role("button", name="Translate to German").click()
    page.wait_for_function(
        "document.querySelector('#composer textarea[name=body]').value === 'hallo, paket kaputt. danke'"
    )
    assert page.locator("#composer-original").input_value() == draft
    assert page.locator("#composer-original").is_visible()
    assert (
        "Machine translation: check and edit it before sending."
        in page.locator("[data-translate-status]").inner_text()
    )
    recorder.shot(page, "reply-translated")

    # 5. "Back to my text" undoes it; translating again brings the German back.
    page.get_by_role("button", name="Back to my text").click()
    assert body.input_value() == draft
    assert page.locator("#composer-original").is_hidden()
    page.get_by_role("button", name="Translate to German").click()
    page.wait_for_function(
        "document.querySelector('#composer textarea[name=body]').value === 'hallo, paket kaputt. danke'"
    )

    # 6. The agent corrects the machine's German and sends: the customer gets the German.
    edited = "Hallo Anna, Ihr Paket ist kaputt angekommen. Wir schicken heute Ersatz. Danke!"
    body.fill(edited)
    recorder.shot(page, "translation-edited")
    send(page)
    sent(page)
    reply = Message.objects.get(ticket=german_ticket, direction=Message.Direction.OUTBOUND)
    assert reply.body_text == edited
    assert (reply.original_body, reply.original_language, reply.language) == (draft, "en", "de")
    assert reply.delivery_status == Message.Delivery.SENT
    mail = outbox(server)
    assert "To: anna.schmidt@example.de" in mail
    assert edited in mail
    assert draft not in mail  # the agent's English stays in the helpdesk
    # The page shows the reply as the customer got it (not the machine's proposal), with the
    # agent's English draft and the unedited machine translation folded away.
    shown = page.locator(f"#message-{reply.pk}")
    assert shown.locator(".msg-body").first.inner_text().strip() == edited
    assert shown.locator(".translation-switch").count() == 0
    folded = shown.locator("details.msg-original")
    assert folded.locator(".msg-machine-translation").is_hidden()
    shown.get_by_text("Draft before translation").click()
    assert draft in folded.inner_text()
    assert folded.locator(".msg-machine-translation").inner_text() == "hallo, paket kaputt. danke"
    recorder.shot(page, "reply-sent-in-german")


# 2. Template ------------------------------------------------------------------------------------


@pytest.fixture
def spanish_ticket(store_eu, team_eu, mailbox):
    customer = CustomerFactory(display_name="Lucía Gómez", email="lucia.gomez@example.es", language="es")
    order = OrderFactory(store=store_eu, customer=customer, external_id="#402-118")
    template = ReplyTemplate.objects.create(
        name="Damaged item: replacement",
        slug="damaged-replacement",
        set_status=Ticket.Status.PENDING,
    )
    for language, body in {
        "en": "Hello {name},\nsorry that order {order} arrived broken. A replacement leaves today.\n{agent}",
        "de": "Hallo {name},\nes tut uns leid, dass Bestellung {order} kaputt ankam. Ersatz geht heute raus.\n{agent}",
        "es": "Hola {name}:\nsentimos que el pedido {order} llegara roto. Hoy sale un repuesto.\n{agent}",
    }.items():
        ReplyTemplateVariant.objects.create(template=template, language=language, body=body)
    other = ReplyTemplate.objects.create(name="Refund issued", slug="refund-issued")
    ReplyTemplateVariant.objects.create(
        template=other, language="en", body="Hello {name}, your refund is on its way."
    )
    return TicketFactory(
        store=store_eu,
        team=team_eu,
        customer=customer,
        order=order,
        language="es",
        subject="Lámpara rota",
        status=Ticket.Status.OPEN,
    )


def test_an_agent_answers_with_a_template_in_the_customers_language(recorder, server, agent, spanish_ticket):
    MessageFactory(
        ticket=spanish_ticket,
        sender_name="Lucía Gómez",
        sender_address="lucia.gomez@example.es",
        body_text="Hola, la lámpara del pedido #402-118 llegó rota.",
        language="es",
    )
    page = log_in(recorder, server, agent)
    open_ticket(page, server, spanish_ticket)
    assert "Templates in the customer's language (es)." in page.locator(".composer-head").inner_text()
    recorder.shot(page, "ticket-open")

    # 1. The template is suggested; one click fills the reply with the Spanish variant.
    suggestion = page.locator("[data-suggested-template='Damaged item: replacement']")
    suggestion.click()
    body = page.locator("#composer textarea[name=body]")
    expected = "Hola Lucía:\nsentimos que el pedido #402-118 llegara roto. Hoy sale un repuesto.\nLi"
    assert body.input_value() == expected
    assert page.locator("#status-after").input_value() == "pending"  # the template's "then set status"
    recorder.shot(page, "template-inserted")

    # 2. Sent as shown: the customer gets it, the ticket waits on the customer.
    send(page)
    sent(page)
    reply = Message.objects.get(ticket=spanish_ticket, direction=Message.Direction.OUTBOUND)
    # Browsers submit a textarea's line breaks as CRLF (HTML spec); the service stores them so.
    assert reply.body_text.replace("\r\n", "\n") == expected
    assert reply.author == agent
    assert reply.delivery_status == Message.Delivery.SENT
    spanish_ticket.refresh_from_db()
    assert spanish_ticket.status == Ticket.Status.PENDING
    assert page.locator(".header-badges .badge.status-pending").inner_text() == "Waiting on customer"
    assert "Hoy sale un repuesto." in page.locator(f"#message-{reply.pk}").inner_text()
    mail = outbox(server)
    assert "To: lucia.gomez@example.es" in mail
    assert "sentimos que el pedido #402-118 llegara roto" in mail
    assert "A replacement leaves today" not in mail
    recorder.shot(page, "template-reply-sent")


# 3. Collision -----------------------------------------------------------------------------------


@pytest.fixture
def colleague(team_eu):
    user = UserFactory(username="chen.jie", first_name="Chen", last_name="Jie", groups=[role("Agent")])
    browser_password(user)
    AgentProfileFactory(user=user, teams=[team_eu], languages=["en"], working_language="en")
    return user


@pytest.fixture
def english_ticket(store_eu, team_eu, mailbox):
    customer = CustomerFactory(display_name="Oliver Brown", email="oliver.brown@example.co.uk", language="en")
    ticket = TicketFactory(
        store=store_eu,
        team=team_eu,
        customer=customer,
        language="en",
        subject="Lamp arrived broken",
        status=Ticket.Status.OPEN,
    )
    MessageFactory(
        ticket=ticket,
        sender_name="Oliver Brown",
        sender_address="oliver.brown@example.co.uk",
        body_text="Hello, the lamp arrived broken. Can you send a new one?",
        language="en",
    )
    return ticket


def outbound_bodies(ticket: Ticket) -> list[str]:
    return list(
        Message.objects.filter(ticket=ticket, direction=Message.Direction.OUTBOUND)
        .order_by("id")
        .values_list("body_text", flat=True)
    )


def test_an_agent_is_warned_when_a_colleague_replies_first(
    recorder, server, agent, colleague, english_ticket
):
    # 1. Both agents have the ticket open and see each other.
    page_a = log_in(recorder, server, agent)
    open_ticket(page_a, server, english_ticket)
    page_b = log_in(recorder, server, colleague)
    open_ticket(page_b, server, english_ticket)
    page_a.wait_for_selector("#presence:has-text('Chen Jie')")
    page_b.wait_for_selector("#presence:has-text('Li Wang')")

    # 2. A starts writing; B replies first.
    draft_a = "Hi Oliver, I have asked the warehouse whether they can send a new lamp."
    page_a.locator("#composer textarea[name=body]").fill(draft_a)
    reply_b = "Hi Oliver, a new lamp leaves our warehouse today. Chen"
    page_b.locator("#composer textarea[name=body]").fill(reply_b)
    send(page_b)
    sent(page_b)
    recorder.shot(page_b, "b-replied-first")

    # 3. A sees B's reply arrive and is warned, with the draft left as it was.
    page_a.wait_for_selector(f"article.msg-outbound:has-text('{reply_b}')")
    notice = page_a.locator("#live-notice")
    notice.wait_for()
    assert notice.locator(".live-notice-text").inner_text() == (
        "Chen Jie replied to the customer while you were writing; review before sending."
    )
    assert page_a.locator("#composer textarea[name=body]").input_value() == draft_a
    recorder.shot(page_a, "a-warned-while-writing")

    # 4. A sends anyway: the server holds it (nothing goes out) and gives the draft back.
    send(page_a)
    page_a.wait_for_selector("text=Something new happened on this ticket since you opened it.")
    assert page_a.locator("#composer textarea[name=body]").input_value() == draft_a
    assert outbound_bodies(english_ticket) == [reply_b]
    assert draft_a not in outbox(server)
    recorder.shot(page_a, "a-reply-held")

    # 5. A has read B's reply and sends a shorter complement instead.
    reply_a = "Hi Oliver, as my colleague wrote, the lamp is on its way. Please keep the broken one. Li"
    page_a.locator("#composer textarea[name=body]").fill(reply_a)
    send(page_a)
    sent(page_a)
    assert outbound_bodies(english_ticket) == [reply_b, reply_a]
    recorder.shot(page_a, "a-complement-sent")

    # 6. Again: B adds the tracking number while A writes a follow-up. A is warned, reviews,
    #    and discards the now useless draft.
    open_ticket(page_b, server, english_ticket)
    draft_a2 = "Hi Oliver, I will send you the tracking number as soon as I have it."
    page_a.locator("#composer textarea[name=body]").fill(draft_a2)
    reply_b2 = "Hi Oliver, the tracking number of your new lamp is 1Z999AA10123456784. Chen"
    page_b.locator("#composer textarea[name=body]").fill(reply_b2)
    send(page_b)
    sent(page_b)
    page_a.wait_for_selector("article.msg-outbound:has-text('1Z999AA10123456784')")
    notice.wait_for()
    assert "Chen Jie replied to the customer" in notice.inner_text()
    recorder.shot(page_a, "a-warned-again")
    page_a.click("#live-notice-ack")
    assert notice.is_hidden()
    page_a.locator("#composer textarea[name=body]").fill("")
    recorder.shot(page_a, "a-discarded-draft")

    # Only the replies the agents chose went out, each once, in order.
    assert outbound_bodies(english_ticket) == [reply_b, reply_a, reply_b2]
    mail = outbox(server)
    for text in (reply_b, reply_a, reply_b2):
        assert mail.count(text) == 1
    assert draft_a not in mail
    assert draft_a2 not in mail
    # And A's page shows the conversation as the customer got it.
    page_a.reload()
    page_a.wait_for_selector("#conversation")
    shown = page_a.locator("article.msg-outbound .msg-body").all_inner_texts()
    assert [text.strip() for text in shown] == [reply_b, reply_a, reply_b2]
    recorder.shot(page_a, "conversation-as-sent")
