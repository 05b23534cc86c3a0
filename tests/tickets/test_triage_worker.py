"""A German e-mail ingested through the real pipeline is triaged by a real Celery worker process:
translated into the team's English by a tiny real Argos pack, classified, prioritised, routed,
assigned, and the open inbox hears about it through the Redis channel layer.

Runs on the production column of DESIGN.md (CI: PostgreSQL and Redis). The worker gets the
session's trained triage models (``trained_nlp_models``) and a packs folder holding the tiny
de→en pack (``tests/helpdesk/tiny_argos.py``) through its environment.
"""

from __future__ import annotations

import time
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings

from helpdesk.nlp import argos
from helpdesk.routing import websocket_urlpatterns
from tests.conftest import role
from tests.factories import AgentProfileFactory, UserFactory
from tests.helpdesk.tiny_argos import build_pack
from tests.tickets.worker_process import REDIS_REASON, REDIS_URL, celery_worker, tasks_published_to
from tickets.models import Mailbox, Message, Ticket
from tickets.services import email_ingest

pytestmark = [pytest.mark.integration, pytest.mark.skipif(not REDIS_URL, reason=REDIS_REASON)]

application = URLRouter(websocket_urlpatterns)
TRIAGE_TIMEOUT = 60  # the worker loads the language, intent, sentiment and translation models once


@pytest.fixture
def packs_dir(settings, tmp_path):
    """The tiny de→en pack installed where both this process and the worker look for packs."""
    settings.ARGOS_PACKAGES_DIR = tmp_path / "argos-packages"
    argos.pack_install_from_file(build_pack("de", "en", tmp_path / "argosmodels"))
    return settings.ARGOS_PACKAGES_DIR


@pytest.fixture
def worker(process_database_url, tmp_path, packs_dir, trained_nlp_models):
    env = {"ARGOS_PACKAGES_DIR": str(packs_dir), "NLP_MODELS_DIR": str(trained_nlp_models)}
    with celery_worker(database_url=process_database_url, directory=tmp_path, env=env) as worker:
        yield worker


@pytest.fixture
def german_agent(team_eu):
    team_eu.working_language = "en"
    team_eu.save(update_fields=["working_language"])
    user = UserFactory(username="lena.eu", groups=[role("Agent")])
    AgentProfileFactory(user=user, teams=[team_eu], languages=["de", "en"], working_language="en")
    return user


def german_email(store_address: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = "Anna Schmidt <anna.schmidt@example.de>"
    mail["To"] = store_address
    mail["Subject"] = "Lampe kaputt angekommen"
    mail["Message-ID"] = make_msgid(domain="mail.example.de")
    # The tiny pack knows a handful of lower-case words and translates short sentences only
    # (tests/helpdesk/tiny_argos.py); the rest of the text it copies.
    mail.set_content(
        "hallo!\n\npaket kaputt! Die Lampe ist zerbrochen. Bitte schicken Sie mir eine neue Lampe.\n\n"
        "danke\nAnna Schmidt\n"
    )
    return mail.as_bytes()


def triaged(message_id: int, timeout: float) -> Message:
    deadline = time.monotonic() + timeout
    while True:
        message = Message.objects.select_related("translation").get(pk=message_id)
        if message.triage_status != Message.Triage.PENDING:
            return message
        assert time.monotonic() < deadline, f"not triaged within {timeout} s"
        time.sleep(0.25)


@pytest.mark.django_db(transaction=True)
def test_a_german_email_is_translated_classified_prioritised_routed_assigned_and_broadcast_by_the_worker(
    worker, store_eu, team_eu, german_agent
):
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    mailbox = Mailbox.objects.create(store=store_eu, address="support@lumio.example")
    started = time.monotonic()

    async def scenario() -> tuple[int, list[dict]]:
        inbox = WebsocketCommunicator(application, "/ws/inbox/")
        inbox.scope["user"] = german_agent
        assert (await inbox.connect())[0]

        def ingest() -> int:
            with tasks_published_to(worker):  # committed, then `message_triage` goes to the worker
                result = email_ingest(raw=german_email(mailbox.address), mailbox=mailbox)
            assert result.message.triage_status == Message.Triage.PENDING
            return result.message.pk

        message_id = await sync_to_async(ingest)()
        events = []
        deadline = time.monotonic() + TRIAGE_TIMEOUT
        while not any(event.get("change") == "triage" for event in events):
            try:
                events.append(await inbox.receive_json_from(timeout=max(0.1, deadline - time.monotonic())))
            except Exception as error:  # say what was heard and what the worker did
                log = worker["log"].read_text(errors="replace")[-3000:]
                raise AssertionError(
                    f"no triage event ({error!r}); heard {events}; worker:\n{log}"
                ) from error
        await inbox.disconnect()
        return message_id, events

    message_id, events = async_to_sync(scenario)()
    message = triaged(message_id, timeout=5)
    log = worker["log"].read_text(errors="replace")[-3000:]

    assert message.triage_status == Message.Triage.DONE, log
    assert message.language == "de"
    # Translated by the tiny model, word by word: the words it knows are English now.
    assert message.translation is not None, log
    assert (message.translation.source_language, message.translation.target_language) == ("de", "en")
    english = message.translation.translated_text
    assert english.startswith("hello!\n\nparcel broken! Die Lampe"), english
    assert english.endswith("thanks\nAnna Schmidt"), english
    assert "argostranslate" in message.translation.engine
    # Classified, with its confidence and the model that said so.
    assert message.intent
    assert message.intent_confidence is not None
    assert message.model_version
    assert message.sentiment
    ticket = Ticket.objects.get(pk=message.ticket_id)
    assert ticket.intent == message.intent
    assert ticket.intent_confidence is not None
    # Prioritised with its reasons, routed to the team for the store and language, assigned.
    assert ticket.priority_reasons, ticket.priority_reasons
    assert ticket.team_id == team_eu.pk
    assert ticket.assignee_id == german_agent.pk
    # The open inbox heard the new ticket and the worker's triage, through Redis.
    changes = {(event["ticket"], event["change"]) for event in events if event["kind"] == "ticket.changed"}
    assert (ticket.pk, "created") in changes
    assert (ticket.pk, "triage") in changes
    assert time.monotonic() - started < TRIAGE_TIMEOUT
