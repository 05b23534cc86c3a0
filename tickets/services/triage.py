"""Triage of one inbound message (DESIGN flow 2), run by the Celery task after ingestion.

Steps, each one allowed to fail without stopping the ones after it (a message that could
not be classified must still reach a team): detect the language, route the ticket to a
team that speaks it, translate into that team's working language, hand the ticket to an
agent. Every change is broadcast by the service that makes it.
Running it twice is harmless: a triaged message is skipped, routing keeps an existing
team, assignment keeps an existing assignee.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from helpdesk.nlp import detect_language
from tickets.models import Message, Ticket
from tickets.services.assignment import ticket_auto_assign
from tickets.services.routing import ticket_route
from tickets.services.translation import message_translate

logger = logging.getLogger(__name__)

# Below this, a detected language is not trusted enough to overwrite the ticket's.
LANGUAGE_MIN_CONFIDENCE = 0.5


@dataclass
class TriageResult:
    message_id: int
    done: bool = False
    problems: list[str] = field(default_factory=list)


def message_triage(*, message_id: int) -> TriageResult:
    result = TriageResult(message_id)
    message = Message.objects.select_related("ticket").filter(pk=message_id).first()
    if message is None or message.triage_status != Message.Triage.PENDING:
        return result
    for step in (_language, _route, _translation, _assign):
        try:
            step(message)
        except Exception as error:  # one failed step must not cost the steps after it
            logger.exception("triage step %s failed for message %s", step.__name__, message_id)
            result.problems.append(f"{step.__name__.strip('_')}: {type(error).__name__}: {error}")
    Message.objects.filter(pk=message.pk).update(
        triage_status=Message.Triage.FAILED if result.problems else Message.Triage.DONE
    )
    result.done = True
    return result


def _language(message: Message) -> None:
    text = message.body_display or message.body_text or message.subject
    if not text.strip():
        return
    language, confidence = detect_language(text)
    if not language:
        return
    message.language, message.language_confidence = language, confidence
    Message.objects.filter(pk=message.pk).update(language=language, language_confidence=confidence)
    if message.ticket_id is not None and confidence >= LANGUAGE_MIN_CONFIDENCE:
        # The ticket speaks the language of its customer's latest confident message.
        Ticket.objects.filter(pk=message.ticket_id).exclude(language=language).update(language=language)


def _route(message: Message) -> None:
    if message.ticket_id is not None:
        ticket_route(ticket=Ticket(pk=message.ticket_id))


def _translation(message: Message) -> None:
    if message.ticket_id is None or not message.language:
        return
    message.ticket = Ticket.objects.select_related("team").get(pk=message.ticket_id)
    message_translate(message=message)


def _assign(message: Message) -> None:
    if message.ticket_id is not None:
        ticket_auto_assign(ticket=Ticket(pk=message.ticket_id))
