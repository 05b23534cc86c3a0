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

from helpdesk.commerce import woocommerce as woocommerce_shape
from helpdesk.commerce.shapes import OrderData
from helpdesk.platforms.base import Capability, connector_for, supports
from helpdesk.platforms.models import PlatformCredential, PlatformSyncCursor
from helpdesk.webhooks import MalformedPayload

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)

ORDERS = "orders"
# platform -> the commerce mapping of its REST order (the same as its webhooks' order)
ORDER_SHAPES: dict[str, Callable[[dict[str, Any]], OrderData]] = {"woocommerce": woocommerce_shape.order}


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
    shape = ORDER_SHAPES.get(store.platform)
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
                    result.failed.append(f"Order {raw.get('id')}: {error.reason}")
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


def stores_to_sync() -> list[int]:
    """The active stores that have platform credentials."""
    return list(
        PlatformCredential.objects.filter(store__is_active=True, store__platform__in=ORDER_SHAPES)
        .order_by("store_id")
        .values_list("store_id", flat=True)
    )
