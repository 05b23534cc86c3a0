"""Reads about the platform connectors: which stores to sync, and the managers' status page.

The status page has one row per store with platform credentials the viewer may see: its
platform and whether a connector is set up (and what it can do), the last order sync and
message fetch (when their cursors last moved: a run that applied a page), the sync lag (now
minus the newest order change stored for the store), the calls of the last 24 hours and how
many failed, and the last error with its time (from the call log, ``PlatformCall``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from helpdesk.access import ALL_STORES, Viewer, visible_store_ids
from helpdesk.platforms.base import Capability, connector_for, supports
from helpdesk.platforms.models import PlatformCall, PlatformSyncCursor
from helpdesk.platforms.sync import MESSAGES, ORDERS

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)

DASHBOARDS_PERMISSION = "analytics.view_dashboards"
# Held by the Manager role (helpdesk migrations 0002 and 0005), never by agents.
CONNECTORS_PERMISSION = "helpdesk.change_platformcredential"
CALL_WINDOW = dt.timedelta(hours=24)


def platform_status_allowed(user: Viewer) -> bool:
    """Managers (the Manager role) and whoever may see the dashboards (team leads), not agents.

    Checked through permissions, which Django caches per request, so the navigation that asks
    on every page costs no query of its own."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(DASHBOARDS_PERMISSION) or user.has_perm(CONNECTORS_PERMISSION)


def store_connector_capabilities(store: Store) -> frozenset[Capability] | None:
    """What ``store``'s connector can do; None when it has none (no credentials, unreadable
    credentials, or a platform without a connector)."""
    try:
        connector = connector_for(store)
    except Exception:  # a broken connector module shows as "not set up", not as a 500
        logger.exception("connector of store %s", store.pk)
        return None
    if connector is None:
        return None
    capabilities = frozenset(capability for capability in Capability if supports(connector, capability))
    close = getattr(connector, "close", None)
    if callable(close):
        close()
    return capabilities


def stores_fetching_messages() -> list[int]:
    """The active stores with platform credentials whose connector fetches buyer messages."""
    from customers.models import Store

    stores = Store.objects.filter(is_active=True, platform_credential__isnull=False).order_by("pk")
    return [
        store.pk
        for store in stores
        if Capability.FETCH_MESSAGES in (store_connector_capabilities(store) or frozenset())
    ]


@dataclass
class StorePlatformStatus:
    store: Store
    capabilities: list[str] = field(default_factory=list)  # labels; empty: no connector
    connector_ready: bool = False
    last_order_sync: dt.datetime | None = None
    newest_order_change: dt.datetime | None = None
    sync_lag: dt.timedelta | None = None
    last_message_fetch: dt.datetime | None = None
    calls_24h: int = 0
    errors_24h: int = 0
    last_error: str = ""
    last_error_at: dt.datetime | None = None

    @property
    def syncs_orders(self) -> bool:
        return Capability.SYNC_ORDERS.value in self.capabilities

    @property
    def fetches_messages(self) -> bool:
        return Capability.FETCH_MESSAGES.value in self.capabilities


def platform_status_stores(*, user: Viewer) -> list[Store]:
    """The stores with credentials that ``user`` may see, by name."""
    from customers.models import Store

    stores = Store.objects.filter(platform_credential__isnull=False).order_by("name", "pk")
    visible = visible_store_ids(user)
    if visible is not ALL_STORES:
        stores = stores.filter(pk__in=visible)
    return list(stores)


def platform_status_rows(*, user: Viewer, now: dt.datetime | None = None) -> list[StorePlatformStatus]:
    """One row per store with credentials the viewer may see (a fixed number of queries for
    the figures, plus the connector set-up of each store, which reads its credentials)."""
    from customers.models import Order

    now = now or timezone.now()
    stores = platform_status_stores(user=user)
    ids = [store.pk for store in stores]
    cursors: dict[tuple[int, str], dt.datetime] = {
        (store_id, kind): updated_at
        for store_id, kind, updated_at in PlatformSyncCursor.objects.filter(
            store_id__in=ids, kind__in=(ORDERS, MESSAGES)
        ).values_list("store_id", "kind", "updated_at")
    }
    newest_changes: dict[int, dt.datetime | None] = dict(
        Order.objects.filter(store_id__in=ids)
        .values("store_id")
        .annotate(newest=Max("platform_updated_at"))
        .values_list("store_id", "newest")
    )
    last_error = (
        PlatformCall.objects.filter(store_id=OuterRef("store_id")).exclude(error="").order_by("-at", "-pk")
    )
    calls: dict[int, dict[str, Any]] = {
        row["store_id"]: row
        for row in PlatformCall.objects.filter(store_id__in=ids)
        .values("store_id")
        .annotate(
            calls_24h=Count("pk", filter=Q(at__gte=now - CALL_WINDOW)),
            errors_24h=Count("pk", filter=Q(at__gte=now - CALL_WINDOW) & ~Q(error="")),
            last_error=Subquery(last_error.values("error")[:1]),
            last_error_at=Subquery(last_error.values("at")[:1]),
        )
        .order_by()
    }
    rows = []
    for store in stores:
        capabilities = store_connector_capabilities(store)
        newest = newest_changes.get(store.pk)
        figures = calls.get(store.pk, {})
        rows.append(
            StorePlatformStatus(
                store=store,
                capabilities=sorted(capability.value for capability in capabilities or ()),
                connector_ready=capabilities is not None,
                last_order_sync=cursors.get((store.pk, ORDERS)),
                newest_order_change=newest,
                sync_lag=max(now - newest, dt.timedelta(0)) if newest is not None else None,
                last_message_fetch=cursors.get((store.pk, MESSAGES)),
                calls_24h=figures.get("calls_24h", 0),
                errors_24h=figures.get("errors_24h", 0),
                last_error=figures.get("last_error") or "",
                last_error_at=figures.get("last_error_at"),
            )
        )
    return rows


def platform_status_store(*, user: Viewer, store_id: int) -> Store | None:
    """The store with credentials ``user`` may see, or None."""
    return next((store for store in platform_status_stores(user=user) if store.pk == store_id), None)
