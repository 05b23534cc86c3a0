"""What every platform normaliser shares: the request, the errors, reading JSON safely, and
building the one inbound shape from what a normaliser read."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from helpdesk.webhooks import MalformedPayload, json_object
from tickets.ingest.inbound import InboundMessage
from tickets.ingest.quoting import html_to_text, sanitise_html, strip_quoted

MAX_NESTING = 32
MAX_LISTED_ATTACHMENTS = 20


@dataclass(frozen=True)
class Ignored:
    """A genuine delivery with no customer message in it (another topic, the seller's own message)."""

    reason: str


@dataclass(frozen=True)
class WebhookRequest:
    store_id: int
    store_account: str  # the store's own id on the platform: its messages are not customer messages
    headers: Mapping[str, str]  # case-insensitive, as Django's ``request.headers``
    body: bytes


# --- reading the body -----------------------------------------------------------------------


def parse_json(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, cleaned so any database can store it (no NUL, no lone surrogates)."""
    return _clean(json_object(body, sender="the platform's"), 0)


def _clean(value: Any, depth: int) -> Any:
    if depth > MAX_NESTING:
        raise MalformedPayload(f"The JSON is nested more than {MAX_NESTING} levels deep.")
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_clean(key, depth + 1): _clean(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item, depth + 1) for item in value]
    return value


def get(payload: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(payload, dict):
            return None
        payload = payload.get(key)
    return payload


def text(payload: Any, path: str, *, required: bool = False) -> str:
    value = get(payload, path)
    if value is None or value == "":
        if required:
            raise MalformedPayload(f"The field '{path}' is missing or empty.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise MalformedPayload(f"The field '{path}' should be text or a number.")
    return str(value).strip()


def when(payload: Any, path: str) -> dt.datetime | None:
    """ISO 8601, ``YYYY-MM-DD HH:MM:SS`` (UTC) or a Unix time in seconds or milliseconds."""
    value = get(payload, path)
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            seconds = value / 1000 if value > 10**11 else value
            moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        elif isinstance(value, str):
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
        else:
            raise TypeError
    except (TypeError, ValueError, OverflowError, OSError):
        raise MalformedPayload(f"The field '{path}' is not a date and time.") from None
    if not 2000 <= moment.year <= 2100:
        raise MalformedPayload(f"The field '{path}' is not a plausible date ({moment.year}).")
    return moment.astimezone(dt.UTC)


def attachment_notes(items: Any, *, name: str, kind: str, url: str) -> list[str]:
    """What the agent is told about attachments that were not downloaded."""
    if not isinstance(items, list):
        return []
    notes = []
    for item in items[:MAX_LISTED_ATTACHMENTS]:
        if isinstance(item, str):
            item = {url: item}
        if isinstance(item, dict) and (link := text(item, url)):
            notes.append(attachment_note(text(item, name), text(item, kind), link))
    return notes


def attachment_note(label: str, content_type: str, link: str) -> str:
    described = " ".join(part for part in (label, f"({content_type})" if content_type else "") if part)
    return f"Attachment not downloaded: {described} {link}".replace("  ", " ")[:1000]


@dataclass(frozen=True)
class Parts:
    """What a normaliser read; ``message`` checks it and builds the InboundMessage."""

    channel: str
    external_id: str
    thread_id: str = ""
    buyer_id: str = ""
    email: str = ""
    name: str = ""
    order_number: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    sent_at: dt.datetime | None = None
    attachments: tuple[str, ...] = ()


def message(parts: Parts, request: WebhookRequest, payload: dict[str, Any]) -> InboundMessage:
    warnings = list(parts.attachments)
    email = parts.email.lower()
    if email:
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            warnings.append(f"The buyer's e-mail address {email[:254]!r} is not valid; it was left out.")
            email = ""
    if not parts.buyer_id and not email:
        raise MalformedPayload("The message names no buyer: neither a buyer id nor a valid e-mail address.")
    if len(parts.buyer_id) > 254:
        raise MalformedPayload("The buyer id is longer than 254 characters.")
    if len(parts.external_id) > 300:
        raise MalformedPayload("The message id is longer than 300 characters.")
    html = sanitise_html(parts.html) if parts.html else ""
    body = parts.text or html_to_text(html)
    if not body and parts.attachments:
        body = "\n".join(note.removeprefix("Attachment not downloaded: ") for note in parts.attachments)
    if not body:
        raise MalformedPayload("The message has no text and no attachment.")
    return InboundMessage(
        store_id=request.store_id,
        channel=parts.channel,
        external_id=parts.external_id,
        sender_address=email,
        sender_name=" ".join(parts.name.split()),
        buyer_id=parts.buyer_id,
        thread_id=parts.thread_id,
        subject=" ".join(parts.subject.split()),  # one line: it ends up in replies' Subject header
        text=body,
        html=html,
        display_text=strip_quoted(body),
        order_number=parts.order_number[:64],
        sent_at=parts.sent_at,
        warnings=tuple(warnings),
        raw_payload=payload,
    )


def full_name(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def note_id(kind: str, order_id: str, note: str) -> str:
    """A customer note has no id of its own: the order and the note's text name it, so the
    same note redelivered with every order update is one message, and an edited note a new one."""
    return f"{kind}:{order_id}:note:{hashlib.sha256(note.encode()).hexdigest()[:16]}"
