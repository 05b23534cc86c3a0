"""Triage of one inbound message (DESIGN flow 2), run by the Celery task after ingestion.

Steps, each one allowed to fail without stopping the ones after it (a message that could
not be classified must still reach a team): detect the language; classify the intent, the
sentiment and anger, and find the entities (each stored on the message with its confidence
and model version, and rolled up onto the ticket); link the order and parcel the message
names, when they belong to the ticket's customer in the ticket's store; route the ticket to a
team that speaks it; translate into that team's working language; score claim risk; escalate
to the lead; score the priority; answer a simple question automatically when the store allows
it (``deflection``: the ticket is then solved); hand the ticket to an agent. Every change is
broadcast by the service that makes it. The models read the original text: they are trained on
all supported languages, so classification does not wait for (or depend on) a translation pack.
Running it twice is harmless: a triaged message is skipped, routing keeps an existing
team, assignment keeps an existing assignee; and two runs never triage one message at the same
time (a claim in the cache, given up at the end or after ``TRIAGE_CLAIM_SECONDS``). A database or
cache outage stops the run rather than marking the message failed: the task retries it, and the
beat sweep (``messages_due_for_triage_again``) queues again what is still waiting.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from helpdesk import broadcast
from helpdesk.nlp import analyse_sentiment, classify_intent, detect_language, extract_entities
from tickets.models import Message, Ticket, TicketEvent
from tickets.services.assignment import ticket_auto_assign
from tickets.services.claim_risk import ticket_assess_claim_risk
from tickets.services.deflection import message_deflect
from tickets.services.escalation import escalation_reasons, ticket_escalate
from tickets.services.linking import ticket_link_entities
from tickets.services.priority import priority_context_for, ticket_prioritise
from tickets.services.routing import ticket_route
from tickets.services.translation import message_translate

logger = logging.getLogger(__name__)

# Below this, a detected language is not trusted enough to overwrite the ticket's.
LANGUAGE_MIN_CONFIDENCE = 0.5
# Errors of the parts around triage rather than of a step: the run stops and is retried whole.
OUTAGES: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
)
# Messages queued again per sweep: a long outage's backlog drains over a few sweeps.
REQUEUE_BATCH = 500


@dataclass
class TriageResult:
    message_id: int
    done: bool = False
    busy: bool = False  # another run holds the message
    problems: list[str] = field(default_factory=list)


def _claim_key(message_id: int) -> str:
    return f"triage-claim:{message_id}"


def message_triage(*, message_id: int) -> TriageResult:
    result = TriageResult(message_id)
    if not cache.add(_claim_key(message_id), 1, timeout=settings.TRIAGE_CLAIM_SECONDS):
        result.busy = True
        return result
    try:
        _triage(message_id, result)
    finally:
        cache.delete(_claim_key(message_id))
    return result


def _triage(message_id: int, result: TriageResult) -> None:
    # Read under the claim: a run that finished just before it was taken is seen as done.
    message = Message.objects.select_related("ticket").filter(pk=message_id).first()
    if message is None or message.triage_status != Message.Triage.PENDING:
        return
    steps = (
        _language,
        _intent,
        _sentiment,
        _entities,
        _link,
        _route,
        _translation,
        _claim_risk,
        _escalate,
        _priority,
        _deflect,
        _assign,
    )
    for step in steps:
        try:
            step(message)
        except OUTAGES:
            raise
        except Exception as error:  # one failed step must not cost the steps after it
            logger.exception("triage step %s failed for message %s", step.__name__, message_id)
            result.problems.append(f"{step.__name__.strip('_')}: {type(error).__name__}: {error}")
    Message.objects.filter(pk=message.pk).update(
        triage_status=Message.Triage.FAILED if result.problems else Message.Triage.DONE
    )
    result.done = True
    if message.ticket_id is not None:
        broadcast.ticket_changed(ticket_id=message.ticket_id, team_id=None, change="triage")


def messages_due_for_triage_again(*, now: dt.datetime | None = None, limit: int = REQUEUE_BATCH) -> list[int]:
    """Messages still waiting for triage ``TRIAGE_REQUEUE_AFTER_SECONDS`` after they arrived, oldest
    first, each returned at most once per that interval: the caller queues them again.

    Their task was lost (the broker restarted empty, a worker was killed and its task is invisible
    until the broker's visibility timeout) or is still queued behind a peak's backlog; queuing
    one twice is harmless (the claim and the status check make the second run a no-op)."""
    now = now or timezone.now()
    after = dt.timedelta(seconds=settings.TRIAGE_REQUEUE_AFTER_SECONDS)
    waiting = (
        Message.objects.filter(triage_status=Message.Triage.PENDING, created_at__lt=now - after)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return [
        message_id
        for message_id in waiting
        if cache.add(f"triage-requeued:{message_id}", 1, timeout=settings.TRIAGE_REQUEUE_AFTER_SECONDS)
    ]


def _text(message: Message) -> str:
    return message.body_display or message.body_text or ""


def _is_latest_customer_message(message: Message) -> bool:
    """Ticket fields follow the customer's latest message, not an older one triaged late."""
    if message.ticket_id is None:
        return False
    latest = (
        Message.objects.filter(
            ticket_id=message.ticket_id, direction=Message.Direction.INBOUND, kind=Message.Kind.MESSAGE
        )
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return latest in (None, message.pk)


def _intent(message: Message) -> None:
    text = _text(message)
    if not (text.strip() or message.subject.strip()):
        return
    intent, confidence, version = classify_intent(text, message.subject, message.language or None)
    message.intent, message.intent_confidence, message.model_version = intent, confidence, version[:60]
    Message.objects.filter(pk=message.pk).update(
        intent=intent, intent_confidence=confidence, model_version=version[:60]
    )
    if message.ticket_id is None or not _is_latest_customer_message(message):
        return
    corrected = TicketEvent.objects.filter(
        ticket_id=message.ticket_id, kind=TicketEvent.Kind.INTENT_CORRECTED
    ).exists()
    if not corrected:  # an agent's correction outranks the model
        Ticket.objects.filter(pk=message.ticket_id).update(
            intent=intent, intent_confidence=confidence, updated_at=timezone.now()
        )


def _sentiment(message: Message) -> None:
    text = _text(message)
    if not text.strip():
        return
    subject = message.subject
    sentiment, confidence, angry, reasons = analyse_sentiment(
        f"{subject}\n{text}" if subject else text, message.language or None
    )
    message.sentiment, message.angry, message.anger_reasons = sentiment, angry, list(reasons)
    Message.objects.filter(pk=message.pk).update(
        sentiment=sentiment, sentiment_confidence=confidence, angry=angry, anger_reasons=list(reasons)
    )
    if message.ticket_id is not None and _is_latest_customer_message(message):
        Ticket.objects.filter(pk=message.ticket_id).update(
            sentiment=sentiment, angry=angry, updated_at=timezone.now()
        )


def _entities(message: Message) -> None:
    text = "\n".join(part for part in (message.subject, _text(message)) if part)
    entities = extract_entities(text, message.language or None)
    message.entities = entities
    Message.objects.filter(pk=message.pk).update(entities=entities)


def _link(message: Message) -> None:
    if message.ticket_id is not None and message.entities:
        ticket_link_entities(ticket=Ticket(pk=message.ticket_id), entities=message.entities)


def _claim_risk(message: Message) -> None:
    if message.ticket_id is not None:
        ticket_assess_claim_risk(ticket=Ticket(pk=message.ticket_id))


def _escalate(message: Message) -> None:
    if message.ticket_id is None:
        return
    ticket = Ticket.objects.select_related("customer", "order", "shipment").get(pk=message.ticket_id)
    context = priority_context_for(ticket=ticket, anger_reasons=tuple(message.anger_reasons or ()))
    reasons = escalation_reasons(
        angry=ticket.angry,
        anger_reasons=context.anger_reasons,
        customer_value=context.customer_value,
        contacts_7d=context.contacts_7d,
    )
    ticket_escalate(ticket=ticket, reasons=reasons)


def _priority(message: Message) -> None:
    if message.ticket_id is not None:
        ticket_prioritise(
            ticket=Ticket(pk=message.ticket_id), anger_reasons=tuple(message.anger_reasons or ())
        )


def _language(message: Message) -> None:
    text = _text(message) or message.subject
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


def _deflect(message: Message) -> None:
    # Before assignment: a ticket answered automatically is solved and goes to nobody.
    if message.ticket_id is not None:
        message_deflect(message=message)


def _assign(message: Message) -> None:
    if message.ticket_id is not None:
        ticket_auto_assign(ticket=Ticket(pk=message.ticket_id))
