"""Commerce webhooks in: verify, log, and hand each event to the app that owns its data.

``POST /webhooks/commerce/<platform>/<store key>/`` from Shopify (orders, refunds, fulfillments,
customers) and WooCommerce (orders). The flow:

1. WooCommerce's unsigned ping when a webhook is created answers "pong".
2. The signature is checked on the raw body with the store's webhook secret (401 and nothing
   stored when it does not match), the body must be a JSON object (400).
3. A redelivery, by the platform's delivery id or by the same topic and body, is a no-op.
4. Every other delivery is kept in ``CommerceWebhookDelivery``, with what came of it: an
   unknown topic is kept raw ("ignored"), nothing is lost.
5. Orders and customers go to ``customers.commerce``, refunds to the refund ledger
   (``returns.services.platform_refunds``), parcels to ``logistics.services.fulfillments``.
   A refund or parcel whose order has not arrived yet waits ("waiting") and is applied when
   the order comes; an order older than the stored one changes nothing ("stale").

This module sits in the project package because it fans out to three apps; it imports them
inside the functions (DESIGN: helpdesk imports no app's models at module level).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.commerce import shopify, woocommerce
from helpdesk.commerce.models import CommerceWebhookDelivery
from helpdesk.commerce.shapes import CustomerData, OrderData, ParcelData, RefundData
from helpdesk.exceptions import ApplicationError
from helpdesk.webhooks import (
    BadSignature,
    MalformedPayload,
    base64_hmac_sha256,
    json_object,
    signature_matches,
)

if TYPE_CHECKING:
    from customers.models import Order, Store

logger = logging.getLogger(__name__)

MAX_NESTING = 32
Status = CommerceWebhookDelivery.Status


@dataclass(frozen=True)
class Scheme:
    """How one platform signs and labels its webhooks, and which topics carry what."""

    signature_header: str
    topic_header: str
    delivery_header: str
    # topic -> (kind, parser); kind is "order", "refund", "parcel" or "customer"
    topics: Mapping[str, tuple[str, Callable[[dict[str, Any]], Any]]]


SCHEMES: dict[str, Scheme] = {
    "shopify": Scheme(
        signature_header="X-Shopify-Hmac-Sha256",
        topic_header="X-Shopify-Topic",
        delivery_header="X-Shopify-Webhook-Id",
        topics={
            **dict.fromkeys(shopify.ORDER_TOPICS, ("order", shopify.order)),
            **dict.fromkeys(shopify.REFUND_TOPICS, ("refund", shopify.refund)),
            **dict.fromkeys(shopify.PARCEL_TOPICS, ("parcel", shopify.parcel)),
            **dict.fromkeys(shopify.CUSTOMER_TOPICS, ("customer", shopify.customer)),
        },
    ),
    "woocommerce": Scheme(
        signature_header="X-WC-Webhook-Signature",
        topic_header="X-WC-Webhook-Topic",
        delivery_header="X-WC-Webhook-Delivery-ID",
        topics=dict.fromkeys(woocommerce.ORDER_TOPICS, ("order", woocommerce.order)),
    ),
}


@dataclass(frozen=True)
class CommerceOutcome:
    status: str  # "pong", "duplicate", or a CommerceWebhookDelivery.Status value
    reason: str = ""
    delivery_id: int | None = None


# --- the edge -------------------------------------------------------------------------------


def is_woocommerce_ping(body: bytes, headers: Mapping[str, str]) -> bool:
    """WooCommerce checks a new webhook's URL with an unsigned ``webhook_id=<id>`` form post."""
    text = body.decode("ascii", "replace").strip()
    return (
        text.startswith("webhook_id=")
        and text.removeprefix("webhook_id=").isdigit()
        and not headers.get("X-WC-Webhook-Signature")
    )


def signature_verify(*, scheme: Scheme, secret: str, body: bytes, headers: Mapping[str, str]) -> None:
    """base64(HMAC-SHA256(secret, raw body)), as both Shopify and WooCommerce sign."""
    if not secret:
        raise BadSignature("The store has no webhook secret; set one in the store's settings.")
    given = headers.get(scheme.signature_header, "")
    if not given:
        raise BadSignature(f"The {scheme.signature_header} header is missing.")
    if not signature_matches(given, base64_hmac_sha256(secret, body)):
        raise BadSignature(
            f"The {scheme.signature_header} signature does not match the body and the store's secret."
        )


def _clean(value: Any, depth: int = 0) -> Any:
    """What any database column takes: no NUL characters, no lone surrogates, bounded nesting."""
    if depth > MAX_NESTING:
        raise MalformedPayload(f"The JSON is nested more than {MAX_NESTING} levels deep.")
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_clean(key, depth + 1): _clean(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item, depth + 1) for item in value]
    return value


def _already_received(*, store: Store, topic: str, webhook_id: str, digest: str) -> bool:
    deliveries = CommerceWebhookDelivery.objects.filter(store=store)
    if webhook_id and deliveries.filter(webhook_id=webhook_id).exists():
        return True
    return deliveries.filter(topic=topic, body_sha256=digest).exists()


# --- receiving ------------------------------------------------------------------------------


def commerce_webhook_receive(
    *, store: Store, platform: str, body: bytes, headers: Mapping[str, str]
) -> CommerceOutcome:
    """One delivery. Raises ``WebhookRejected`` (401 bad signature, 400 malformed) before
    anything is stored; answers "duplicate" for a redelivery."""
    scheme = SCHEMES[platform]
    if platform == "woocommerce" and is_woocommerce_ping(body, headers):
        return CommerceOutcome("pong")
    signature_verify(scheme=scheme, secret=store.webhook_secret, body=body, headers=headers)
    topic = headers.get(scheme.topic_header, "").strip()[:100]
    webhook_id = headers.get(scheme.delivery_header, "").strip()[:200]
    payload = _clean(json_object(body, sender="the shop's"))
    digest = hashlib.sha256(body).hexdigest()
    if _already_received(store=store, topic=topic, webhook_id=webhook_id, digest=digest):
        return CommerceOutcome("duplicate", reason="This delivery was received before.")
    handler = scheme.topics.get(topic)
    data = handler[1](payload) if handler is not None else None  # MalformedPayload: 400, nothing stored
    delivery = CommerceWebhookDelivery(
        store=store,
        platform=platform,
        topic=topic,
        webhook_id=webhook_id,
        body_sha256=digest,
        payload=payload,
        object_id=getattr(data, "platform_id", "")[:64],
        order_platform_id=_order_id_of(data),
        status=Status.IGNORED,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery.save(force_insert=True)
        except IntegrityError:
            # The same delivery, received by another process a moment ago.
            return CommerceOutcome("duplicate", reason="This delivery was received before.")
        if handler is None:
            logger.info(
                "commerce webhook %s: topic %r of store %s kept unprocessed", platform, topic, store.pk
            )
            delivery.reason = f"No handler for the topic {topic!r}; the delivery is kept as received."[:500]
        else:
            delivery.status, delivery.reason = _apply(
                store=store, platform=platform, kind=handler[0], data=data
            )
            delivery.processed_at = timezone.now()
        delivery.save(update_fields=["status", "reason", "processed_at"])
    return CommerceOutcome(delivery.status, reason=delivery.reason, delivery_id=delivery.pk)


def _order_id_of(data: Any) -> str:
    if isinstance(data, OrderData):
        return data.platform_id
    if isinstance(data, RefundData | ParcelData):
        return data.order_platform_id
    return ""


def _apply(*, store: Store, platform: str, kind: str, data: Any) -> tuple[str, str]:
    """Apply one event in a savepoint: a failure is logged on the delivery, never half-applied."""
    try:
        with transaction.atomic():
            if kind == "order":
                return _order(store=store, platform=platform, data=data)
            if kind == "refund":
                return _refund(store=store, platform=platform, data=data)
            if kind == "parcel":
                return _parcel(store=store, data=data)
            return _customer(store=store, data=data)
    except ApplicationError as error:
        return Status.FAILED, error.message[:500]
    except Exception as error:  # a bug must not lose the delivery: it is kept, failed, to apply again
        logger.exception("commerce webhook %s %s of store %s failed", platform, kind, store.pk)
        return Status.FAILED, f"{type(error).__name__}: {error}"[:500]


def _order(*, store: Store, platform: str, data: OrderData) -> tuple[str, str]:
    from customers.commerce import order_upsert_from_platform
    from returns.services.platform_refunds import platform_refund_record

    upsert = order_upsert_from_platform(store=store, data=data)
    if upsert.stale:
        return (
            Status.STALE,
            "The stored order was updated later on the platform; this older state is ignored.",
        )
    refused = []
    for refund in data.refunds:
        try:
            with transaction.atomic():
                platform_refund_record(order=upsert.order, platform=platform, data=refund)
        except ApplicationError as error:
            refused.append(f"Refund {refund.platform_id}: {error.message}")
    notes = refused + _apply_waiting(store=store, platform=platform, order=upsert.order)
    # A refused refund fails the delivery (the order itself is stored): it shows, and can be applied again.
    return (Status.FAILED if refused else Status.PROCESSED), "; ".join(notes)[:500]


def _refund(*, store: Store, platform: str, data: RefundData) -> tuple[str, str]:
    from customers.commerce import order_for_platform_id
    from returns.services.platform_refunds import platform_refund_record

    order = order_for_platform_id(store=store, platform_id=data.order_platform_id)
    if order is None:
        return Status.WAITING, f"The order {data.order_platform_id} has not been received yet."
    recorded = platform_refund_record(order=order, platform=platform, data=data)
    return Status.PROCESSED, recorded.reason


def _parcel(*, store: Store, data: ParcelData) -> tuple[str, str]:
    from customers.commerce import order_for_platform_id, order_mark_shipped
    from logistics.services.fulfillments import shipments_record_from_platform

    order = order_for_platform_id(store=store, platform_id=data.order_platform_id)
    if order is None:
        return Status.WAITING, f"The order {data.order_platform_id} has not been received yet."
    recorded = shipments_record_from_platform(order=order, data=data)
    if recorded.shipments:
        order_mark_shipped(order=order)
    return Status.PROCESSED, " ".join(recorded.skipped)[:500]


def _customer(*, store: Store, data: CustomerData) -> tuple[str, str]:
    from customers.commerce import customer_update_from_platform

    customer = customer_update_from_platform(store=store, data=data)
    return Status.PROCESSED, "" if customer is not None else "The customer has neither an id nor an e-mail."


def _apply_waiting(*, store: Store, platform: str, order: Order) -> list[str]:
    """Refunds and parcels that came before their order, applied now in the order they came."""
    notes = []
    waiting = CommerceWebhookDelivery.objects.select_for_update().filter(
        store=store, status=Status.WAITING, order_platform_id=order.platform_id
    )
    for delivery in waiting.order_by("received_at", "pk"):
        outcome = commerce_delivery_apply(delivery=delivery)
        if outcome.status == Status.FAILED:
            notes.append(f"Delivery {delivery.pk}: {outcome.reason}")
    return notes


def commerce_delivery_apply(*, delivery: CommerceWebhookDelivery) -> CommerceOutcome:
    """Apply a kept delivery (again): one that waited for its order, failed, or had an unknown
    topic that now has a handler. Used by the order flow and by the admin's action."""
    scheme = SCHEMES.get(delivery.platform)
    handler = scheme.topics.get(delivery.topic) if scheme is not None else None
    if handler is None:
        return CommerceOutcome(delivery.status, reason=delivery.reason, delivery_id=delivery.pk)
    try:
        data = handler[1](delivery.payload)
    except MalformedPayload as error:
        delivery.status, delivery.reason = Status.FAILED, error.reason[:500]
    else:
        delivery.status, delivery.reason = _apply(
            store=delivery.store, platform=delivery.platform, kind=handler[0], data=data
        )
    delivery.processed_at = timezone.now()
    delivery.save(update_fields=["status", "reason", "processed_at"])
    return CommerceOutcome(delivery.status, reason=delivery.reason, delivery_id=delivery.pk)


def commerce_order_apply(*, store: Store, platform: str, data: OrderData) -> CommerceOutcome:
    """An order fetched from the platform (the connectors' sync) applied like a webhook's order:
    the same upsert by platform id, its refunds recorded, waiting deliveries applied."""
    status, reason = _apply(store=store, platform=platform, kind="order", data=data)
    return CommerceOutcome(status, reason=reason)
