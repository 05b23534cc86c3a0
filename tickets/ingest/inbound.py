"""The one shape every channel's message takes before it is stored (DESIGN.md flow 1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    payload: bytes
    content_id: str = ""
    is_inline: bool = False


@dataclass(frozen=True)
class InboundMessage:
    """A customer's message from any channel: e-mail, marketplace, web form, chat."""

    store_id: int
    channel: str
    external_id: str  # Message-ID or the platform's message id; the idempotency key with store + channel
    sender_address: str  # e-mail address, normalised lower-case; "" when the platform hides it
    sender_name: str = ""
    buyer_id: str = ""  # the platform's buyer id, when the channel has one
    visitor_id: str = ""  # the chat widget's conversation id: who the visitor is when no e-mail is given
    thread_id: str = ""  # the platform's conversation id
    subject: str = ""
    text: str = ""
    html: str = ""
    display_text: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    order_number: str = ""  # given by the customer in a form, or by the platform
    sent_at: dt.datetime | None = None
    attachments: tuple[InboundAttachment, ...] = ()
    auto_submitted: bool = False
    auto_reason: str = ""
    warnings: tuple[str, ...] = ()
    raw: bytes | None = None  # the original bytes (e-mail), kept as received
    raw_payload: dict | None = field(default=None, hash=False)  # the original JSON (platforms, forms)
