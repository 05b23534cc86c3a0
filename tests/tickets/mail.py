"""Builders for real raw e-mail, shared by the ingestion tests."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime


def raw_email(
    *,
    message_id: str = "<order-question-1@mail.example.de>",
    sender: str = "Anna Schmidt <anna.schmidt@example.de>",
    to: str = "support@lumio.example",
    subject: str = "Lampe kaputt angekommen",
    body: str = "Hallo,\n\ndie Lampe ist kaputt angekommen.\n\nViele Grüße\nAnna",
    in_reply_to: str = "",
    extra_headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC))
    if message_id:
        message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (extra_headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()
