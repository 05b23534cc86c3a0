"""Replies on marketplace and shop channels, sent through the store's platform connector.

``message_deliver`` (``tickets.services.replies``) hands a queued message on a platform channel
here: the store's connector, when it can send messages, gets the reply's text with the ticket's
order number, the conversation's thread id and the buyer's platform id; the platform's id of the
message is kept on it (``raw_payload["platform_message_id"]``) and it is marked sent.

Never twice: a message marked sent is not sent again, and one message is sent by one worker at a
time (a lock per message, held across the call, which ``message_deliver`` takes before it looks
at the message). A call whose answer was lost leaves the message queued for the task's retry;
the connectors look for their own earlier send before sending again (WooCommerce searches the
order's notes), so the retry does not duplicate it either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone

from helpdesk.platforms.base import Capability, ConnectorError, connector_for, supports
from tickets.models import Channel, Message

if TYPE_CHECKING:
    from customers.models import Store
    from tickets.models import Ticket

logger = logging.getLogger(__name__)

# The channels whose replies go back through the platform (marketplaces and shop systems).
PLATFORM_CHANNELS = frozenset(
    {
        Channel.AMAZON,
        Channel.EBAY,
        Channel.SHOPIFY,
        Channel.WOOCOMMERCE,
        Channel.MAGENTO,
        Channel.SHOPEE,
        Channel.ALIEXPRESS,
    }
)
# Long enough for a connector's own retries (4 attempts, waits up to a minute each); a worker
# that dies while sending frees the message after this long.
SEND_LOCK_SECONDS = 600


@dataclass(frozen=True)
class PlatformSend:
    """What one platform send needs, read under the message's row lock."""

    connector: Any
    order_external_id: str
    text: str
    thread_id: str
    buyer_id: str


class SendInProgress(ConnectorError):
    """Another worker is sending this message right now: try again later."""

    def __init__(self) -> None:
        super().__init__("The message is being sent by another worker.", retryable=True)


def platform_messaging_connector(*, store: Store, channel: str) -> Any | None:
    """The store's connector when replies on ``channel`` can go through it, else None."""
    if channel not in PLATFORM_CHANNELS:
        return None
    try:
        connector = connector_for(store)
    except Exception:  # a broken connector module must not break the inbox
        logger.exception("no connector for store %s", store.pk)
        return None
    if connector is None or not supports(connector, Capability.SEND_MESSAGE):
        _close(connector)
        return None
    return connector


def platform_can_message(*, store: Store, channel: str) -> bool:
    """Whether a message on ``channel`` of ``store`` reaches the customer through the platform."""
    connector = platform_messaging_connector(store=store, channel=channel)
    _close(connector)
    return connector is not None


def send_lock_acquire(message_id: int) -> bool:
    return bool(cache.add(_lock_key(message_id), "sending", timeout=SEND_LOCK_SECONDS))


def send_lock_release(message_id: int) -> None:
    cache.delete(_lock_key(message_id))


def platform_send_for(*, message: Message) -> PlatformSend | None:
    """The send of ``message`` (a queued reply with its ticket, customer and store loaded), or
    None when the store has no connector that sends messages."""
    ticket = message.ticket
    if ticket is None:
        return None
    connector = platform_messaging_connector(store=message.store, channel=message.channel)
    if connector is None:
        return None
    return PlatformSend(
        connector=connector,
        order_external_id=_order_number(ticket),
        text=message.body_text,
        thread_id=ticket.external_thread_id,
        buyer_id=_buyer_id(ticket, platform=message.store.platform),
    )


def platform_send(*, message: Message, send: PlatformSend) -> str:
    """Send through the platform (outside any row lock) and record it; returns the platform's id.

    Raises ``ConnectorError``: the caller marks a final one failed and leaves a retryable one
    queued for the retry."""
    try:
        platform_id = send.connector.send_message(
            order_external_id=send.order_external_id,
            text=send.text,
            thread_id=send.thread_id,
            buyer_id=send.buyer_id,
        )
    finally:
        _close(send.connector)
    Message.objects.filter(pk=message.pk).update(
        delivery_status=Message.Delivery.SENT,
        delivery_error="",
        sent_at=timezone.now(),
        raw_payload={"platform": message.store.platform, "platform_message_id": str(platform_id or "")},
    )
    return str(platform_id or "")


def _lock_key(message_id: int) -> str:
    return f"platform-message-send:{message_id}"


def _order_number(ticket: Ticket) -> str:
    return ticket.order.external_id if ticket.order_id and ticket.order is not None else ""


def _buyer_id(ticket: Ticket, *, platform: str) -> str:
    from customers.models import CustomerIdentity

    value = (
        CustomerIdentity.objects.filter(
            customer_id=ticket.customer_id, platform=platform, kind=CustomerIdentity.Kind.BUYER_ID
        )
        .order_by("pk")
        .values_list("value", flat=True)
        .first()
    )
    return value or ""


def _close(connector: object) -> None:
    close = getattr(connector, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # closing is housekeeping only
            logger.debug("closing a connector failed", exc_info=True)
