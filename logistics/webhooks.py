"""Tracking-provider webhooks: verify the signature on the raw body, then read the envelope.

AfterShip Tracking: header ``aftership-hmac-sha256`` = base64(HMAC-SHA256(webhook secret,
raw body)); body ``{"event": "tracking_update", "event_id": ..., "ts": ..., "msg": <tracking>}``.
17TRACK API v2: header ``sign`` = hex(SHA-256(raw body + "/" + security key)); body
``{"event": "TRACKING_UPDATED", "data": {"number", "carrier", "track_info": ...}}``
(``TRACKING_STOPPED`` carries nothing to store). See ``../shared/data/webhook_signatures.md``.

Both comparisons are constant-time. Nothing here writes: ``logistics.services.events`` does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from logistics import providers
from logistics.normalise import AFTERSHIP, SEVENTEEN_TRACK, ParcelUpdate

AFTERSHIP_SIGNATURE = "aftership-hmac-sha256"
SEVENTEEN_TRACK_SIGNATURE = "sign"

# AfterShip events whose ``msg`` is a tracking object ("edd_revise" carries one too).
AFTERSHIP_TRACKING_EVENTS = frozenset({"tracking_update", "edd_revise"})
SEVENTEEN_TRACK_TRACKING_EVENTS = frozenset({"TRACKING_UPDATED"})


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


@dataclass(frozen=True)
class Delivery:
    """A verified, parsed webhook: the parcel update it carries, or why there is none."""

    provider: str
    event: str
    update: ParcelUpdate | None
    skipped: int = 0
    ignored_reason: str = ""


# --- signatures ---------------------------------------------------------------------------------


def aftership_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def seventeen_track_signature(secret: str, body: bytes) -> str:
    return hashlib.sha256(body + b"/" + secret.encode("utf-8")).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.strip().encode("utf-8", "replace"), expected.encode("ascii"))


def verify(*, provider: str, secret: str, headers: Mapping[str, str], body: bytes) -> None:
    """Raise ``BadSignature`` unless the body is signed with the account's secret."""
    if not secret:
        raise BadSignature("The tracking account has no secret; set the provider's key in admin.")
    if provider == AFTERSHIP:
        header, expected = AFTERSHIP_SIGNATURE, aftership_signature(secret, body)
        given = headers.get(header, "")
    elif provider == SEVENTEEN_TRACK:
        header, expected = SEVENTEEN_TRACK_SIGNATURE, seventeen_track_signature(secret, body)
        given = headers.get(header, "").lower()
    else:  # pragma: no cover - the URLs name only known providers
        raise BadSignature(f"Unknown tracking provider {provider!r}.")
    if not given:
        raise BadSignature(f"The {header} header is missing.")
    if not _same(given, expected):
        raise BadSignature(f"The {header} signature does not match the body and the account's secret.")


# --- bodies -------------------------------------------------------------------------------------


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:40]}")
    return value


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, refused when it holds what no database column takes."""
    if not body.strip():
        raise MalformedPayload("The body is empty: post the provider's JSON object.")
    try:
        payload = json.loads(body, parse_float=_finite, parse_constant=_no_constants)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise MalformedPayload(f"The body is not valid JSON: {str(error)[:200]}") from None
    if not isinstance(payload, dict):
        raise MalformedPayload("The body must be a JSON object.")
    # What the database will be asked to store must be storable: no NUL, no lone surrogate.
    for text in _strings(payload):
        if "\x00" in text:
            raise MalformedPayload("The body contains a NUL character (\\u0000).")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedPayload("The body contains an unpaired surrogate (\\ud800-\\udfff).") from None
    return payload


def _strings(value: object) -> Iterator[str]:
    """Every key and string value in a parsed JSON document (iteratively: no recursion limit)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def parse(*, provider: str, body: bytes) -> Delivery:
    """Read a verified body; raises ``MalformedPayload`` with the reason when it has the wrong shape."""
    payload = parse_json(body)
    try:
        if provider == AFTERSHIP:
            return _aftership(payload)
        return _seventeen_track(payload)
    except providers.PayloadError as error:
        raise MalformedPayload(error.reason) from None


def _aftership(payload: dict[str, Any]) -> Delivery:
    event = payload.get("event")
    if not isinstance(event, str) or not event:
        raise MalformedPayload('"event" is missing: an AfterShip webhook names its event.')
    if event not in AFTERSHIP_TRACKING_EVENTS:
        return Delivery(AFTERSHIP, event, None, ignored_reason=f"{event} carries no checkpoints")
    message = payload.get("msg")
    if not isinstance(message, dict):
        raise MalformedPayload('"msg" must be the tracking object.')
    parsed = providers.aftership_tracking(message)
    return Delivery(AFTERSHIP, event, parsed.update, parsed.skipped)


def _seventeen_track(payload: dict[str, Any]) -> Delivery:
    event = payload.get("event")
    if not isinstance(event, str) or not event:
        raise MalformedPayload('"event" is missing: a 17TRACK webhook names its event.')
    if event not in SEVENTEEN_TRACK_TRACKING_EVENTS:
        return Delivery(SEVENTEEN_TRACK, event, None, ignored_reason=f"{event} carries no checkpoints")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise MalformedPayload('"data" must be the tracking object.')
    parsed = providers.seventeen_track_item(data)
    return Delivery(SEVENTEEN_TRACK, event, parsed.update, parsed.skipped)
