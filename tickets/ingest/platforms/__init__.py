"""Marketplace and shop messages into the one inbound shape: one normaliser per platform family.

Each family has a signature scheme and a normaliser that turns the platform's JSON body
into an ``InboundMessage`` (or ``Ignored`` when the event carries no customer message).
Shapes follow what each platform documents for its messages; where a platform has no
push for buyer messages, its connector (a separate piece) posts the documented shape
below, signed with the helpdesk's own scheme:

    X-Helpdesk-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the store's webhook secret>

Shopify and WooCommerce sign their own webhooks (base64 HMAC-SHA256 of the raw body in
``X-Shopify-Hmac-Sha256`` / ``X-WC-Webhook-Signature``), so those are verified as sent.
Attachments are never downloaded here: their URLs are listed on the message for the agent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpdesk.webhooks import BadSignature, MalformedPayload, WebhookRejected
from tickets.ingest.inbound import InboundMessage
from tickets.ingest.platforms import families
from tickets.ingest.platforms.base import Ignored, WebhookRequest, parse_json
from tickets.ingest.platforms.signatures import (
    HELPDESK_SIGNATURE,
    Verifier,
    base64_hmac,
    helpdesk_hmac,
    sign_base64,
    sign_helpdesk,
)

Normaliser = Callable[[dict[str, Any], WebhookRequest], InboundMessage | Ignored]


@dataclass(frozen=True)
class PlatformFamily:
    channel: str
    verify: Verifier
    normalise: Normaliser
    ping: Callable[[WebhookRequest], bool] | None = None  # an unsigned "is this URL alive?" probe


FAMILIES: dict[str, PlatformFamily] = {
    "amazon": PlatformFamily("amazon", helpdesk_hmac, families.amazon),
    "ebay": PlatformFamily("ebay", helpdesk_hmac, families.ebay),
    "shopify": PlatformFamily("shopify", base64_hmac("X-Shopify-Hmac-Sha256"), families.shopify),
    "woocommerce": PlatformFamily(
        "woocommerce",
        base64_hmac("X-WC-Webhook-Signature"),
        families.woocommerce,
        ping=families.woocommerce_ping,
    ),
    "magento": PlatformFamily("magento", helpdesk_hmac, families.magento),
    "shopee": PlatformFamily("shopee", helpdesk_hmac, families.shopee),
    "aliexpress": PlatformFamily("aliexpress", helpdesk_hmac, families.aliexpress),
}

__all__ = [
    "FAMILIES",
    "HELPDESK_SIGNATURE",
    "BadSignature",
    "Ignored",
    "MalformedPayload",
    "PlatformFamily",
    "WebhookRejected",
    "WebhookRequest",
    "parse_json",
    "sign_base64",
    "sign_helpdesk",
]
