"""How platform webhooks prove they come from the platform (or the store's connector).

Shopify and WooCommerce: base64(HMAC-SHA256(secret, raw body)) in their own header.
Everything else: ``X-Helpdesk-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>``.
The secret is the store's ``webhook_secret``.
"""

from __future__ import annotations

from collections.abc import Callable

from helpdesk.webhooks import BadSignature, base64_hmac_sha256, hmac_sha256, signature_matches
from tickets.ingest.platforms.base import WebhookRequest

HELPDESK_SIGNATURE = "X-Helpdesk-Signature"

Verifier = Callable[[WebhookRequest, str], None]


def base64_hmac(header: str) -> Verifier:
    """Shopify's and WooCommerce's scheme: base64(HMAC-SHA256(secret, raw body)) in ``header``."""

    def verify(request: WebhookRequest, secret: str) -> None:
        given = request.headers.get(header, "")
        if not given:
            raise BadSignature(f"The {header} header is missing.")
        expected = base64_hmac_sha256(secret, request.body)
        if not signature_matches(given, expected):
            raise BadSignature(f"The {header} signature does not match the body and the store's secret.")

    return verify


def helpdesk_hmac(request: WebhookRequest, secret: str) -> None:
    """``X-Helpdesk-Signature: sha256=<hex>``, for the connectors of platforms without a push."""
    given = request.headers.get(HELPDESK_SIGNATURE, "")
    scheme, _, digest = given.strip().partition("=")
    if scheme.lower() != "sha256" or not digest:
        raise BadSignature(
            f"The {HELPDESK_SIGNATURE} header is missing or not 'sha256=<hex HMAC-SHA256 of the body>'."
        )
    if not signature_matches(digest.lower(), hmac_sha256(secret, request.body).hex()):
        raise BadSignature(
            f"The {HELPDESK_SIGNATURE} signature does not match the body and the store's secret."
        )


def sign_helpdesk(secret: str, body: bytes) -> str:
    """The header value a connector sends (and the tests use)."""
    return "sha256=" + hmac_sha256(secret, body).hex()


def sign_base64(secret: str, body: bytes) -> str:
    return base64_hmac_sha256(secret, body)
