"""E-mail into the one inbound shape (IMAP, the raw-MIME webhook and `import_mail` all use this)."""

from __future__ import annotations

from django.conf import settings

from tickets.ingest.inbound import InboundAttachment, InboundMessage
from tickets.ingest.mime import parse_email


def inbound_from_email(
    *, raw: bytes, store_id: int, delivered_to: str = "", external_id: str = ""
) -> InboundMessage:
    """Parse raw MIME into an InboundMessage; raises MalformedEmail when it is not an e-mail.

    ``external_id`` is the Message-ID, or the caller's stable substitute when it has none.
    """
    parsed = parse_email(
        raw,
        max_attachment_bytes=settings.ATTACHMENT_MAX_BYTES,
        blocked_extensions=settings.ATTACHMENT_BLOCKED_EXTENSIONS,
    )
    recipients = [address.address for address in (*parsed.to, *parsed.cc) if address.address]
    if delivered_to:
        recipients.append(delivered_to.lower())
    return InboundMessage(
        store_id=store_id,
        channel="email",
        external_id=parsed.message_id or external_id,
        sender_address=parsed.sender.address,
        sender_name=parsed.sender.name,
        subject=parsed.subject,
        text=parsed.text,
        html=parsed.html,
        display_text=parsed.display_text,
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        recipients=tuple(dict.fromkeys(recipients)),
        sent_at=parsed.date,
        attachments=tuple(
            InboundAttachment(
                filename=item.filename,
                content_type=item.content_type,
                payload=item.payload,
                content_id=item.content_id,
                is_inline=item.is_inline,
            )
            for item in parsed.attachments
        ),
        auto_submitted=parsed.auto_submitted or parsed.bounce,
        auto_reason=parsed.auto_reason,
        warnings=parsed.warnings,
        raw=raw,
    )
