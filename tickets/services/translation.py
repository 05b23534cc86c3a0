"""Translations on messages: customers' messages into the team's language, replies into theirs.

Inbound, ``message_translate`` links the cached translation to the message (triage calls it).
Outbound, the agent writes a draft in their own language, ``reply_draft_translate`` proposes
the customer-language text, the agent edits it, and ``message_reply_translated`` sends the
edited text while keeping the draft (``original_body``/``original_language``) and a link to the
machine translation, so the ticket shows both and whether the agent changed it.

None of these raise when no pack is installed for a pair: the result says so (``notice``) and
the message stays untranslated. Translation runs a model for up to seconds: call it outside
long transactions (it holds no lock).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import get_language_info

from helpdesk.nlp.translation import (
    TranslationResult,
    TranslationStatus,
    Translator,
    argos_codes,
    normalize_language,
    pair_notice,
)
from tickets.models import AgentProfile, Message, Ticket
from tickets.services.replies import message_reply

# A stored translation stays when a later attempt only failed (the next one may succeed).
_KEEP_ON = {TranslationStatus.FAILED}


def customer_language(ticket: Ticket) -> str:
    """The language replies on the ticket are written in."""
    return normalize_language(
        ticket.language or ticket.customer.language or ticket.store.default_language or ""
    )


def agent_language(user: User) -> str:
    try:
        profile = user.agent
    except AgentProfile.DoesNotExist:
        return normalize_language(settings.LANGUAGE_CODE)
    return normalize_language(profile.working_language or settings.LANGUAGE_CODE)


def language_name(code: str) -> str:
    """The language's name in the reader's language (``de`` -> "German"), else the code."""
    code = normalize_language(code)
    for candidate in (code, {"zh": "zh-hans"}.get(code, ""), code.split("-")[0]):
        try:
            if candidate:
                return str(get_language_info(candidate)["name_translated"])
        except KeyError:
            continue
    return code


@dataclass(frozen=True)
class ReplyLanguages:
    """What the composer needs to offer a translated reply: the agent writes in ``agent``, the
    customer reads ``customer``; ``notice`` says when no pack translates between them."""

    agent: str
    customer: str
    customer_name: str
    notice: str

    @property
    def differ(self) -> bool:
        return bool(self.agent and self.customer) and argos_codes(self.agent) != argos_codes(self.customer)

    @property
    def can_translate(self) -> bool:
        return self.differ and not self.notice


def reply_languages(*, ticket: Ticket, user: User) -> ReplyLanguages:
    source, target = agent_language(user), customer_language(ticket)
    return ReplyLanguages(
        agent=source,
        customer=target,
        customer_name=language_name(target) if target else "",
        notice=pair_notice(source, target) if source and target else "",
    )


def message_translation_notice(*, message: Message, ticket: Ticket) -> str:
    """Why a customer's message shows no translation when no pack is installed for its language
    and the team's (empty otherwise: translated, same language, not yet triaged, or failed)."""
    if message.direction != Message.Direction.INBOUND or message.translation_id or not message.language:
        return ""
    target = ticket.team.working_language if ticket.team_id and ticket.team else settings.LANGUAGE_CODE
    return pair_notice(message.language, target)


def message_text(message: Message) -> str:
    """What is translated: the text without quoted history, else the whole text."""
    return message.body_display or message.body_text


def message_translate(*, message: Message, target: str | None = None) -> TranslationResult:
    """Translate a customer's message into ``target`` (default: its team's working language)
    and link the translation to the message."""
    if target is None:
        team = message.ticket.team if message.ticket_id and message.ticket else None
        target = team.working_language if team else settings.LANGUAGE_CODE
    result = Translator().translate(message_text(message), message.language, target)
    if result.status in _KEEP_ON:
        return result
    translation_id = result.translation_id if result.ok else None
    if message.translation_id != translation_id:
        message.translation_id = translation_id
        message.save(update_fields=["translation"])
    return result


def message_translation_for(*, message: Message, target: str) -> TranslationResult:
    """The message in another reader's language (an agent whose language is not the team's);
    cached like every translation, but the message keeps its own."""
    return Translator().translate(message_text(message), message.language, target)


def reply_draft_translate(
    *, ticket: Ticket, draft: str, author: User, draft_language: str = ""
) -> TranslationResult:
    """The agent's draft in the customer's language, for the agent to check and edit."""
    return Translator().translate(draft, draft_language or agent_language(author), customer_language(ticket))


@transaction.atomic
def message_reply_translated(
    *,
    ticket: Ticket,
    author: User,
    draft: str,
    body: str,
    draft_language: str = "",
    seen_version: int | None = None,
    status_after: str = "",
) -> Message:
    """Send ``body`` — the translation of the agent's ``draft`` as the agent left it — to the
    customer, and keep the draft and the machine translation beside it."""
    message = message_reply(
        ticket=ticket, author=author, body=body, seen_version=seen_version, status_after=status_after
    )
    source = normalize_language(draft_language or agent_language(author))
    target = customer_language(ticket)
    message.language = target
    fields = ["language"]
    draft = draft.strip()
    if draft and argos_codes(source) != argos_codes(target):
        machine = Translator().lookup(draft, source, target)
        message.original_body = draft
        message.original_language = source
        message.translation_id = machine.translation_id if machine else None
        fields += ["original_body", "original_language", "translation"]
    message.save(update_fields=fields)
    return message
