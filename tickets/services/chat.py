"""The shop's chat widget: visitors' conversations, fed into the same pipeline as e-mail.

A visitor is known by a signed conversation token kept in their browser, so a reload or a
reconnect continues the same ticket. Each message carries an id the widget made up, so a
resend after a dropped connection is stored once. Agents' replies reach the widget through
``message_deliver`` (tickets.services.replies).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from customers.models import Store
from customers.selectors import store_public_languages
from helpdesk import broadcast
from helpdesk.exceptions import ApplicationError
from tickets.ingest.inbound import InboundMessage
from tickets.models import Channel, Ticket
from tickets.selectors import chat_ticket
from tickets.services.ingestion import message_ingest

TOKEN_SALT = "tickets.chat.conversation"
MAX_NAME = 100


class ChatError(ApplicationError):
    """Something the widget sent that cannot be used; ``code`` is for the widget, the message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, extra={"code": code})
        self.code = code


@dataclass(frozen=True)
class ChatSession:
    store_id: int
    visitor: str  # the visitor's chat identity (stays when a closed conversation gives way to a new one)
    conversation: str  # the ticket's thread id on the chat channel
    name: str
    email: str

    @property
    def thread_id(self) -> str:
        return f"chat:{self.conversation}"


@dataclass(frozen=True)
class ChatReceipt:
    message: dict[str, Any]
    ticket_id: int
    duplicate: bool
    session: ChatSession
    token: str  # a new token when the conversation was renewed, else ""


def chat_origin_allowed(*, store: Store, origin: str, host: str) -> bool:
    """The widget may talk only from the store's own sites, or from the helpdesk's own pages."""
    origin = origin.strip().rstrip("/").lower()
    if not origin or origin == "null":
        return False
    allowed = {str(item).strip().rstrip("/").lower() for item in store.allowed_origins or [] if item}
    if origin in allowed:
        return True
    return bool(host) and urlsplit(origin).netloc == host.strip().lower()


def chat_language(*, store: Store, wanted: str) -> str:
    """The widget speaks the visitor's language if the store's pages do, else the store's."""
    languages = store_public_languages(store=store)
    try:
        language = translation.get_supported_language_variant(wanted[:20]) if wanted else ""
    except LookupError:
        language = ""
    return language if language in languages else languages[-1]


def chat_welcome(*, store: Store, language: str) -> dict[str, Any]:
    """What the widget needs before the visitor writes: the store's look and its texts."""
    with translation.override(language):
        texts = {
            "open": _("Chat with us"),
            "close": _("Close the chat"),
            "title": _("Chat with %(store)s") % {"store": store.name},
            "intro": _("Tell us who you are, then write your message. We usually answer within a few hours."),
            "name": _("Your name"),
            "email": _("Your e-mail address (optional, for our answer if you leave)"),
            "start": _("Start the chat"),
            "placeholder": _("Write a message…"),
            "send": _("Send"),
            "you": _("You"),
            "sending": _("Sending…"),
            "offline": _("Connection lost. Reconnecting…"),
            "unavailable": _("The chat is not available on this site."),
        }
    color = store.brand_color if re.fullmatch(r"#[0-9a-fA-F]{6}", store.brand_color or "") else "#1f6feb"
    return {"store": store.name, "color": color, "language": language, "texts": texts}


def chat_token(session: ChatSession) -> str:
    return signing.dumps(
        {
            "s": session.store_id,
            "v": session.visitor,
            "c": session.conversation,
            "n": session.name,
            "e": session.email,
        },
        salt=TOKEN_SALT,
        compress=True,
    )


def chat_session_start(*, store: Store, name: str, email: str = "") -> tuple[ChatSession, str]:
    """A new visitor conversation (nothing is stored until the first message)."""
    name, email = " ".join(name.split())[:MAX_NAME], email.strip().lower()
    if not name:
        raise ChatError("name_required", _("Please tell us your name."))
    if email:
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            raise ChatError("invalid_email", _("This e-mail address does not look right.")) from None
    session = ChatSession(
        store_id=store.pk, visitor=uuid.uuid4().hex, conversation=uuid.uuid4().hex, name=name, email=email
    )
    return session, chat_token(session)


def chat_session_resume(*, store: Store, token: str) -> ChatSession:
    """The conversation a token from the visitor's browser names; refused if forged, old or another store's."""
    max_age = dt.timedelta(days=settings.CHAT_TOKEN_MAX_AGE_DAYS)
    try:
        data = signing.loads(token[:2000], salt=TOKEN_SALT, max_age=max_age)
        session = ChatSession(
            store_id=int(data["s"]),
            visitor=str(data["v"]),
            conversation=str(data["c"]),
            name=str(data["n"]),
            email=str(data["e"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ChatError(
            "invalid_token", _("This conversation has expired. Please start a new one.")
        ) from None
    if session.store_id != store.pk:
        raise ChatError("invalid_token", _("This conversation has expired. Please start a new one."))
    return session


def chat_message_receive(*, session: ChatSession, client_id: str, text: str) -> ChatReceipt:
    """A visitor's message into the pipeline: the first opens the ticket, a resend is a no-op.

    A conversation whose ticket was closed or merged continues as a new conversation of
    the same visitor (the widget is given a new token).
    """
    try:
        client_id = str(uuid.UUID(str(client_id)))
    except ValueError:
        raise ChatError("invalid_id", _("The message could not be sent. Please try again.")) from None
    text = text.strip()
    if not text:
        raise ChatError("empty", _("The message is empty."))
    if len(text) > settings.CHAT_MESSAGE_MAX_CHARS:
        raise ChatError("too_long", _("The message is too long."))
    given, token = session, ""
    current = chat_ticket(store_id=session.store_id, thread_id=session.thread_id)
    if current is not None and (current.status == Ticket.Status.CLOSED or current.merged_into_id):
        session = ChatSession(
            session.store_id, session.visitor, uuid.uuid4().hex, session.name, session.email
        )
        token = chat_token(session)
    result = message_ingest(
        inbound=InboundMessage(
            store_id=session.store_id,
            channel=Channel.CHAT,
            external_id=client_id,
            sender_address=session.email,
            sender_name=session.name,
            visitor_id=session.visitor,
            thread_id=session.thread_id,
            text=text,
            display_text=text,
            raw_payload={"id": client_id, "text": text, "conversation": session.conversation},
        )
    )
    ticket = result.ticket
    if result.duplicate and ticket is not None and ticket.external_thread_id == given.thread_id:
        session, token = given, ""  # a resend of a message stored before the conversation was renewed
    elif ticket is None or (result.duplicate and ticket.external_thread_id != session.thread_id):
        # The id is someone else's message: say nothing about it.
        raise ChatError("invalid_id", _("The message could not be sent. Please try again."))
    payload = broadcast.chat_message(result.message)
    if not result.duplicate:
        broadcast.chat_message_sent(ticket_id=ticket.pk, message=payload)
    return ChatReceipt(payload, ticket.pk, result.duplicate, session, token)
