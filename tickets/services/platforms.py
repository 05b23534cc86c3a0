"""Marketplace and shop messages pushed to the helpdesk: verified, normalised, stored once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from customers.models import Store
from tickets.ingest.platforms import FAMILIES, BadSignature, Ignored, WebhookRequest, parse_json
from tickets.services.ingestion import IngestResult, message_ingest


@dataclass(frozen=True)
class WebhookOutcome:
    status: str  # "stored", "duplicate", "ignored" (no customer message in it) or "pong"
    reason: str = ""
    result: IngestResult | None = None


def platform_webhook_receive(
    *, store: Store, platform: str, body: bytes, headers: Mapping[str, str]
) -> WebhookOutcome:
    """One webhook delivery from a platform (or the store's connector for it).

    Raises ``WebhookRejected`` (401 bad signature, 400 malformed) with the reason; a
    redelivery of a stored message is a no-op that answers "duplicate".
    """
    family = FAMILIES[platform]
    request = WebhookRequest(store_id=store.pk, store_account=store.external_id, headers=headers, body=body)
    if family.ping is not None and family.ping(request):
        return WebhookOutcome("pong")
    if not store.webhook_secret:
        raise BadSignature("The store has no webhook secret; set one in the store's settings.")
    family.verify(request, store.webhook_secret)
    normalised = family.normalise(parse_json(body), request)
    if isinstance(normalised, Ignored):
        return WebhookOutcome("ignored", reason=normalised.reason)
    result = message_ingest(inbound=normalised)
    return WebhookOutcome("duplicate" if result.duplicate else "stored", result=result)
