"""Orders pulled from the platforms: page by page, resumable, applied like webhook orders.

The cursor (``PlatformSyncCursor``, per store and kind) moves only after a page is applied, in
the same transaction, so a sync that fails half-way resumes at the page that failed; orders
applied twice change nothing (the commerce upsert ignores an order that is not newer).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.module_loading import import_string

from helpdesk.commerce.shapes import OrderData
from helpdesk.platforms.base import Capability, connector_for, supports
from helpdesk.platforms.models import PlatformCredential, PlatformSyncCursor
from helpdesk.webhooks import MalformedPayload

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)

ORDERS = "orders"
MESSAGES = "messages"
# platform -> dotted path of the mapping of its REST order to ``OrderData`` (for Shopify and
# WooCommerce the same as their webhooks' order); one line per platform
ORDER_SHAPES: dict[str, str] = {
    "woocommerce": "helpdesk.commerce.woocommerce.order",
    "shopify": "helpdesk.commerce.shopify.order",
    "ebay": "helpdesk.commerce.ebay.order",
    "shopee": "helpdesk.commerce.shopee.order",
    "magento": "helpdesk.commerce.magento.order",
    "aliexpress": "helpdesk.commerce.aliexpress.order",
    "amazon": "helpdesk.commerce.amazon.order",
}


def order_shape(platform: str) -> Callable[[dict[str, Any]], OrderData] | None:
    path = ORDER_SHAPES.get(platform)
    return import_string(path) if path else None


@dataclass
class SyncResult:
    pages: int = 0
    applied: int = 0  # created or updated
    unchanged: int = 0  # already stored as new or newer
    failed: list[str] = field(default_factory=list)
    caught_up: bool = False


def platform_orders_sync(*, store: Store, max_pages: int, connector: Any = None) -> SyncResult:
    """Sync up to ``max_pages`` pages of ``store``'s orders from where the last sync stopped.

    Raises ``ConnectorError`` when the platform fails; the pages before stay applied."""
    from customers.commerce import order_for_platform_id
    from helpdesk.commerce.services import commerce_order_apply

    connector = connector if connector is not None else connector_for(store)
    shape = order_shape(store.platform)
    result = SyncResult()
    if connector is None or shape is None or not supports(connector, Capability.SYNC_ORDERS):
        return result
    row, _ = PlatformSyncCursor.objects.get_or_create(store=store, kind=ORDERS)
    cursor: dict[str, Any] = dict(row.cursor)
    while result.pages < max_pages:
        page = connector.sync_orders(cursor=cursor)
        with transaction.atomic():
            for raw in page.orders:
                try:
                    data = shape(raw)
                except MalformedPayload as error:
                    result.failed.append(f"Order {_raw_order_id(raw)}: {error.reason}")
                    continue
                stored = order_for_platform_id(store=store, platform_id=data.platform_id)
                if stored is not None and data.updated_at and stored.platform_updated_at == data.updated_at:
                    result.unchanged += 1  # the same state again (the cursor's overlap): nothing to write
                    continue
                outcome = commerce_order_apply(store=store, platform=store.platform, data=data)
                if outcome.status == "processed":
                    result.applied += 1
                elif outcome.status == "stale":
                    result.unchanged += 1
                else:
                    result.failed.append(f"Order {data.platform_id}: {outcome.reason}")
            cursor = page.next_cursor if page.next_cursor is not None else (page.caught_up_cursor or cursor)
            row.cursor = cursor
            row.save(update_fields=["cursor", "updated_at"])
        result.pages += 1
        if page.next_cursor is None:
            result.caught_up = True
            break
    if result.failed:
        logger.warning("order sync of store %s: %s", store.pk, "; ".join(result.failed)[:1000])
    return result


# Where each platform's order object keeps its id, for naming an order that could not be read.
_ORDER_ID_KEYS = ("id", "AmazonOrderId", "orderId", "order_sn", "order_id", "increment_id", "entity_id")


def _raw_order_id(raw: dict[str, Any]) -> str:
    return next((str(raw[key]) for key in _ORDER_ID_KEYS if raw.get(key)), "without an id")


@dataclass
class MessageSyncResult:
    pages: int = 0
    stored: int = 0
    duplicates: int = 0  # already stored (the cursor's overlap, or a webhook got it first)
    caught_up: bool = False


def platform_messages_sync(*, store: Store, max_pages: int, connector: Any = None) -> MessageSyncResult:
    """Fetch up to ``max_pages`` pages of buyer messages into the inbox, from where the last
    fetch stopped; a message already stored is not stored again. Raises ``ConnectorError``."""
    from tickets.services.ingestion import message_ingest

    connector = connector if connector is not None else connector_for(store)
    result = MessageSyncResult()
    if connector is None or not supports(connector, Capability.FETCH_MESSAGES):
        return result
    row, _ = PlatformSyncCursor.objects.get_or_create(store=store, kind=MESSAGES)
    cursor: dict[str, Any] = dict(row.cursor)
    while result.pages < max_pages:
        page = connector.fetch_messages(cursor=cursor)
        for inbound in page.messages:
            # each message commits on its own (ingestion's own transaction) so triage can start
            if message_ingest(inbound=inbound).duplicate:
                result.duplicates += 1
            else:
                result.stored += 1
        cursor = page.next_cursor if page.next_cursor is not None else (page.caught_up_cursor or cursor)
        row.cursor = cursor
        row.save(update_fields=["cursor", "updated_at"])
        result.pages += 1
        if page.next_cursor is None:
            result.caught_up = True
            break
    return result


def stores_to_sync() -> list[int]:
    """The active stores that have platform credentials."""
    return list(
        PlatformCredential.objects.filter(store__is_active=True, store__platform__in=list(ORDER_SHAPES))
        .order_by("store_id")
        .values_list("store_id", flat=True)
    )
