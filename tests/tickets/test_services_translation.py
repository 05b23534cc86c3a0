"""Messages translated with the tiny real Argos packs: inbound into the team's language, replies
from the agent's language into the customer's, with the agent's edit being what is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpdesk.nlp import argos
from helpdesk.nlp.translation import TranslationStatus
from tests.factories import CustomerFactory, MessageFactory, TicketFactory
from tests.helpdesk.tiny_argos import build_pack
from tickets.models import Mailbox, Message, Translation
from tickets.services.translation import (
    message_reply_translated,
    message_translate,
    message_translation_for,
    reply_draft_translate,
)


@pytest.fixture(scope="session")
def tiny_packs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    directory = tmp_path_factory.mktemp("argosmodels-tickets")
    return [build_pack(a, b, directory) for a, b in [("de", "en"), ("en", "zh"), ("zh", "en"), ("en", "de")]]


@pytest.fixture(autouse=True)
def installed(settings, tmp_path, tiny_packs) -> None:
    settings.ARGOS_PACKAGES_DIR = tmp_path / "argos-packages"
    for pack in tiny_packs:
        argos.pack_install_from_file(pack)


@pytest.fixture
def ticket(store_eu, team_eu):
    team_eu.working_language = "zh-hans"
    team_eu.save(update_fields=["working_language"])
    Mailbox.objects.create(store=store_eu, address="support@lumio.example")
    customer = CustomerFactory(email="anna@example.de", language="de")
    return TicketFactory(
        store=store_eu, team=team_eu, customer=customer, language="de", subject="Paket kaputt"
    )


@pytest.mark.django_db
def test_a_customers_message_is_translated_into_the_teams_language(ticket):
    message = MessageFactory(ticket=ticket, body_text="hallo paket kaputt", body_display="hallo paket kaputt")

    result = message_translate(message=message)

    assert result.status == TranslationStatus.TRANSLATED
    assert (result.text, result.pivot) == ("你好 包裹 坏了", "en")
    message.refresh_from_db()
    assert message.translation.translated_text == "你好 包裹 坏了"
    assert message.translation.target_language == "zh"
    assert message.body_text == "hallo paket kaputt"  # the original stays


@pytest.mark.django_db
def test_a_message_in_a_language_without_a_pack_stays_untranslated_and_says_why(ticket):
    message = MessageFactory(ticket=ticket, body_text="Mon colis est cassé", language="fr")

    result = message_translate(message=message)

    assert result.status == TranslationStatus.NOT_INSTALLED
    assert result.notice == "No translation is installed for fr→zh."
    message.refresh_from_db()
    assert message.translation is None


@pytest.mark.django_db
def test_an_agent_reads_a_message_in_their_own_language_without_changing_the_message(ticket):
    message = MessageFactory(ticket=ticket, body_text="danke", body_display="danke")
    message_translate(message=message)

    result = message_translation_for(message=message, target="en")

    assert result.text == "thanks"
    message.refresh_from_db()
    assert message.translation.target_language == "zh"


@pytest.mark.django_db
def test_a_reply_is_translated_edited_and_the_edit_is_what_the_customer_gets(
    ticket, agent_eu, mailoutbox, django_capture_on_commit_callbacks
):
    draft = "你好 包裹 坏了"  # the agent writes Chinese (their working language)

    proposal = reply_draft_translate(ticket=ticket, draft=draft, author=agent_eu)
    assert (proposal.text, proposal.source, proposal.target, proposal.pivot) == (
        "hallo paket kaputt",
        "zh",
        "de",
        "en",
    )
    edited = "Hallo Anna, Ihr Paket ist kaputt angekommen: wir senden heute Ersatz."

    with django_capture_on_commit_callbacks(execute=True):
        reply = message_reply_translated(ticket=ticket, author=agent_eu, draft=draft, body=edited)

    reply.refresh_from_db()
    assert reply.body_text == edited
    assert (reply.original_body, reply.original_language, reply.language) == (draft, "zh", "de")
    assert reply.translation.translated_text == "hallo paket kaputt"  # the machine's proposal, kept
    assert reply.delivery_status == Message.Delivery.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].body == edited
    assert draft not in mailoutbox[0].body


@pytest.mark.django_db
def test_a_reply_written_in_the_customers_language_keeps_no_draft(ticket, agent_eu):
    reply = message_reply_translated(
        ticket=ticket, author=agent_eu, draft="Danke!", body="Danke!", draft_language="de"
    )

    reply.refresh_from_db()
    assert (reply.original_body, reply.original_language, reply.translation) == ("", "", None)
    assert not Translation.objects.exists()
