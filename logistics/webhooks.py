"""Tracking-provider webhooks: verify the signature on the raw body, then read the envelope.

AfterShip Tracking: header ``aftership-hmac-sha256`` = base64(HMAC-SHA256(webhook secret,
raw body)); body ``{"event": "tracking_update", "event_id": ..., "ts": ..., "msg": <tracking>}``.
17TRACK API v2: header ``sign`` = hex(SHA-256(raw body + "/" + security key)); body
``{"event": "TRACKING_UPDATED", "data": {"number", "carrier", "track_info": ...}}``
(``TRACKING_STOPPED`` carries nothing to store). See ``../shared/data/webhook_signatures.md``.

Both comparisons are constant-time. Nothing here writes: ``logistics.services.events`` does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from helpdesk.webhooks import (
    BadSignature,
    MalformedPayload,
    base64_hmac_sha256,
    json_object,
    signature_matches,
)
from logistics import providers
from logistics.normalise import AFTERSHIP, SEVENTEEN_TRACK, ParcelUpdate

AFTERSHIP_SIGNATURE = "aftership-hmac-sha256"
SEVENTEEN_TRACK_SIGNATURE = "sign"

# AfterShip events whose ``msg`` is a tracking object ("edd_revise" carries one too).
AFTERSHIP_TRACKING_EVENTS = frozenset({"tracking_update", "edd_revise"})
SEVENTEEN_TRACK_TRACKING_EVENTS = frozenset({"TRACKING_UPDATED"})


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
    return base64_hmac_sha256(secret, body)


def seventeen_track_signature(secret: str, body: bytes) -> str:
    return hashlib.sha256(body + b"/" + secret.encode("utf-8")).hexdigest()


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
    if not signature_matches(given, expected):
        raise BadSignature(f"The {header} signature does not match the body and the account's secret.")


# --- bodies -------------------------------------------------------------------------------------


def parse_json(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, refused when it holds what no database column takes."""
    payload = json_object(body, sender="the provider's")
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


@dataclass(frozen=True)
class _Envelope:
    """Where a provider's webhook names its event and carries its tracking object."""

    webhook: str  # for the error message: "an AfterShip webhook"
    tracking_events: frozenset[str]
    tracking_key: str
    read_tracking: Callable[[object], providers.Parsed]


ENVELOPES = {
    AFTERSHIP: _Envelope(
        "an AfterShip webhook", AFTERSHIP_TRACKING_EVENTS, "msg", providers.aftership_tracking
    ),
    SEVENTEEN_TRACK: _Envelope(
        "a 17TRACK webhook", SEVENTEEN_TRACK_TRACKING_EVENTS, "data", providers.seventeen_track_item
    ),
}


def parse(*, provider: str, body: bytes) -> Delivery:
    """Read a verified body; raises ``MalformedPayload`` with the reason when it has the wrong shape."""
    payload = parse_json(body)
    envelope = ENVELOPES[provider]
    event = payload.get("event")
    if not isinstance(event, str) or not event:
        raise MalformedPayload(f'"event" is missing: {envelope.webhook} names its event.')
    if event not in envelope.tracking_events:
        return Delivery(provider, event, None, ignored_reason=f"{event} carries no checkpoints")
    tracking = payload.get(envelope.tracking_key)
    if not isinstance(tracking, dict):
        raise MalformedPayload(f'"{envelope.tracking_key}" must be the tracking object.')
    try:
        parsed = envelope.read_tracking(tracking)
    except providers.PayloadError as error:
        raise MalformedPayload(error.reason) from None
    return Delivery(provider, event, parsed.update, parsed.skipped)
