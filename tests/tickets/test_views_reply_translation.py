"""The composer's outbound translation, with the tiny real Argos packs (de↔en): an English-speaking
agent writes to a German customer, translates, edits and sends; where no pack translates the
pair, the composer and the message say so plainly."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from helpdesk.nlp import argos
from tests.conftest import role
from tests.factories import AgentProfileFactory, CustomerFactory, MessageFactory, TicketFactory, UserFactory
from tests.helpdesk.tiny_argos import build_pack
from tickets.models import Mailbox, Message

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def german_english_packs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    directory = tmp_path_factory.mktemp("argosmodels-composer")
    return [build_pack("de", "en", directory), build_pack("en", "de", directory)]


@pytest.fixture(autouse=True)
def installed(settings, tmp_path, german_english_packs) -> None:
    settings.ARGOS_PACKAGES_DIR = tmp_path / "argos-packages"
    for pack in german_english_packs:
        argos.pack_install_from_file(pack)


@pytest.fixture
def ticket(store_eu, team_eu):
    team_eu.working_language = "en"
    team_eu.save(update_fields=["working_language"])
    Mailbox.objects.create(store=store_eu, address="support@lumio.example")
    customer = CustomerFactory(email="anna@example.de", language="de")
    ticket = TicketFactory(
        store=store_eu, team=team_eu, customer=customer, language="de", subject="Paket kaputt"
    )
    MessageFactory(ticket=ticket, sender_address="anna@example.de", body_text="hallo paket kaputt")
    return ticket


@pytest.fixture
def agent_en(team_eu):
    user = UserFactory(username="sam.en", groups=[role("Agent")])
    AgentProfileFactory(user=user, teams=[team_eu], languages=["en"], working_language="en")
    return user


def page(client, ticket) -> str:
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def translate(client, ticket, **data) -> dict:
    response = client.post(
        reverse("tickets:reply_translate", args=[ticket.pk]), data, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    return response.json()


def test_the_composer_offers_to_translate_into_the_customers_language(client, agent_en, ticket):
    client.force_login(agent_en)

    html = page(client, ticket)

    assert "Translate to German" in html
    assert reverse("tickets:reply_translate", args=[ticket.pk]) in html
    assert "No translation is installed" not in html


def test_a_draft_is_translated_edited_and_the_customer_gets_the_edit_while_the_message_keeps_the_draft(
    client, agent_en, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent_en)
    draft = "hello, parcel broken. thanks"

    answer = translate(client, ticket, body=draft)

    assert answer == {
        "ok": True,
        "text": "hallo, paket kaputt. danke",
        "original": draft,
        "source": "en",
        "target": "de",
        "pivot": "",
        "notice": "",
    }
    edited = "Hallo Anna, Ihr Paket ist kaputt angekommen. Wir senden heute Ersatz. Danke!"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tickets:reply", args=[ticket.pk]),
            {"body": edited, "original": answer["original"], "seen_version": ticket.version},
        )

    assert response.status_code == 302
    reply = Message.objects.get(ticket=ticket, direction=Message.Direction.OUTBOUND)
    assert reply.body_text == edited
    assert (reply.original_body, reply.original_language, reply.language) == (draft, "en", "de")
    assert reply.translation.translated_text == "hallo, paket kaputt. danke"  # the machine's proposal
    assert reply.delivery_status == Message.Delivery.SENT
    [mail] = mailoutbox
    assert mail.to == ["anna@example.de"]
    assert mail.body == edited
    assert draft not in mail.body
    html = page(client, ticket)
    assert "Draft before translation" in html
    assert draft in html


def test_without_scripts_translating_brings_the_composer_back_with_the_translation_and_the_draft(
    client, agent_en, ticket
):
    client.force_login(agent_en)

    response = client.post(reverse("tickets:reply_translate", args=[ticket.pk]), {"body": "hello world"})

    assert response.status_code == 302
    html = page(client, ticket)
    assert ">hallo welt</textarea>" in html  # the reply, to edit
    assert 'id="composer-original" rows="3">hello world</textarea>' in html
    assert "Machine translation: check and edit it before sending." in html


def test_translating_again_starts_from_the_agents_text_not_from_the_edited_translation(
    client, agent_en, ticket
):
    client.force_login(agent_en)

    answer = translate(client, ticket, body="Hallo Anna, leider …", original="parcel broken")

    assert (answer["ok"], answer["text"], answer["original"]) == (True, "paket kaputt", "parcel broken")


def test_translating_nothing_asks_for_a_reply_first(client, agent_en, ticket):
    client.force_login(agent_en)

    answer = translate(client, ticket, body="  ")

    assert answer["ok"] is False
    assert answer["notice"] == "Write your reply first, then translate it."


def test_an_agent_whose_pair_is_not_installed_is_told_plainly_and_can_still_send_their_own_text(
    client, agent_eu, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent_eu)  # writes Chinese; only de↔en is installed

    html = page(client, ticket)

    assert "No translation is installed for zh→de." in html
    assert "Translate to German" not in html
    answer = translate(client, ticket, body="你好")
    assert (answer["ok"], answer["notice"]) == (False, "No translation is installed for zh→de.")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tickets:reply", args=[ticket.pk]), {"body": "Hallo Anna, danke!"})

    reply = Message.objects.get(ticket=ticket, direction=Message.Direction.OUTBOUND)
    assert (reply.body_text, reply.original_body, reply.translation) == ("Hallo Anna, danke!", "", None)
    assert [mail.body for mail in mailoutbox] == ["Hallo Anna, danke!"]


def test_an_agent_who_speaks_the_customers_language_is_offered_no_translation(
    client, agent_en, store_us, team_us
):
    AgentProfileFactory._meta.model.objects.get(user=agent_en).teams.add(team_us)
    customer = CustomerFactory(language="en")
    ticket = TicketFactory(store=store_us, team=team_us, customer=customer, language="en")
    client.force_login(agent_en)

    html = page(client, ticket)

    assert "Translate to" not in html
    assert "No translation is installed" not in html


def test_an_internal_note_is_never_translated_even_with_a_draft_held(client, agent_en, ticket, mailoutbox):
    client.force_login(agent_en)

    client.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "Kunde anrufen", "original": "call the customer", "internal": "1"},
    )

    note = Message.objects.get(ticket=ticket, direction=Message.Direction.INTERNAL)
    assert (note.body_text, note.original_body) == ("Kunde anrufen", "")
    assert mailoutbox == []


def test_a_customers_message_without_a_pack_for_its_language_shows_the_notice_instead_of_a_toggle(
    client, agent_en, ticket
):
    french = MessageFactory(ticket=ticket, language="fr", body_text="Mon colis est cassé.")
    client.force_login(agent_en)

    html = page(client, ticket)

    article = html.split(f'id="message-{french.pk}"')[1].split("</article>")[0]
    assert "No translation is installed for fr→en." in article
    assert "Show original" not in article
    assert "Mon colis est cassé." in article
    live = client.get(reverse("tickets:live", args=[ticket.pk]), {"after": french.pk - 1}).json()
    assert "No translation is installed for fr→en." in live["messages"][0]["html"]


def test_a_customers_message_in_a_translatable_language_shows_no_notice_before_it_is_translated(
    client, agent_en, ticket
):
    # The team works in English and de→en is installed: the message waits for triage to translate it.
    client.force_login(agent_en)

    assert "No translation is installed" not in page(client, ticket)
