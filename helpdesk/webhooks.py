"""What every inbound webhook shares (platform messages in tickets, tracking updates in logistics):
the errors and their HTTP answers, reading a bounded body, comparing signatures, reading JSON.

Each app keeps what differs: which header carries which signature, and what a JSON body may hold.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest


class WebhookRejected(Exception):
    """A delivery that cannot be stored; ``status`` is the HTTP answer, ``reason`` says why."""

    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BadSignature(WebhookRejected):
    status = 401


class MalformedPayload(WebhookRejected):
    status = 400


class BodyTooLarge(WebhookRejected):
    status = 413


# --- the body -----------------------------------------------------------------------------------


def declared_length(request: HttpRequest) -> int:
    """The Content-Length the client announced (0 when absent or not a number)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def webhook_body(request: HttpRequest) -> bytes:
    """The raw body, or ``BodyTooLarge`` when it (or what the client announced) is over the limit."""
    limit = settings.INBOUND_WEBHOOK_MAX_BYTES
    too_large = BodyTooLarge(f"The body is larger than {limit} bytes.")
    # Refused before reading when announced, and checked again after: the header may lie.
    if declared_length(request) > limit:
        raise too_large
    try:
        body = request.body
    except RequestDataTooBig:
        raise too_large from None
    if len(body) > limit:
        raise too_large
    return body


# --- signatures ---------------------------------------------------------------------------------


def hmac_sha256(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()


def base64_hmac_sha256(secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret, body)): Shopify's, WooCommerce's and AfterShip's scheme."""
    return base64.b64encode(hmac_sha256(secret, body)).decode("ascii")


def signature_matches(given: str, expected: str) -> bool:
    """Constant-time: how long the comparison takes says nothing about the expected value."""
    return hmac.compare_digest(given.strip().encode("utf-8", "replace"), expected.encode("ascii"))


# --- JSON ---------------------------------------------------------------------------------------


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:40]}")
    return value


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def json_object(body: bytes, *, sender: str) -> dict[str, Any]:
    """The body as a JSON object, refused (``MalformedPayload``) when it is empty, not JSON, not an
    object, or holds a number no database column takes (NaN, Infinity, 1e999).

    ``sender`` names who should have posted it in the message, e.g. "the platform's".
    """
    if not body.strip():
        raise MalformedPayload(f"The body is empty: post {sender} JSON object.")
    try:
        payload = json.loads(body, parse_float=_finite, parse_constant=_no_constants)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise MalformedPayload(f"The body is not valid JSON: {str(error)[:200]}") from None
    if not isinstance(payload, dict):
        raise MalformedPayload("The body must be a JSON object.")
    return payload
