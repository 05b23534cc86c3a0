"""Telling the sales platform an order's parcel: carrier and tracking number, once.

When an outbound parcel of an order gets its carrier and tracking number (added by hand or
through the API, or a tracking provider's update that names the carrier or the order), and the
store's platform connector can take tracking (``Capability.PUSH_TRACKING``), a task is queued
after the commit. The task pushes it and records the outcome on the parcel:
``tracking_pushed_at`` and the platform's reference, so it is never pushed again; a final
refusal in ``tracking_push_error`` (shown in admin), which also stops further attempts until a
manager clears it. A passing failure (an outage, a rate limit) is retried by the task; the
connectors find their own earlier push, so a retry after a lost answer does not push twice.
Parcels the platform told us about (its fulfillments) carry their carrier from the start and
are not pushed back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from helpdesk.platforms.base import Capability, ConnectorError, connector_for, supports
from logistics.models import Shipment

logger = logging.getLogger(__name__)

PUSH_LOCK_SECONDS = 600


@dataclass(frozen=True)
class PushOutcome:
    status: str  # "pushed", "already_pushed", "not_due", "no_connector", "busy" or "refused"
    reference: str = ""
    error: str = ""


def shipment_push_due(shipment: Shipment) -> bool:
    """Whether the parcel is one to tell the platform about (without asking the connector)."""
    return (
        shipment.direction == Shipment.Direction.OUTBOUND
        and shipment.order_id is not None
        and shipment.carrier_id is not None
        and bool(shipment.tracking_number)
        and shipment.tracking_pushed_at is None
        and not shipment.tracking_push_error
    )


def shipment_tracking_push_queue(*, shipment: Shipment) -> bool:
    """Queue the push after the commit when the parcel is due and its store's connector takes
    tracking; returns whether it was queued. Call it where a parcel gets its carrier, its
    number or its order."""
    if not shipment_push_due(shipment):
        return False
    # The order's store: its platform is the one that sold the order.
    store_id = shipment.order.store_id if shipment.order is not None else shipment.store_id
    connector = _tracking_connector(store_id)
    if connector is None:
        return False
    _close(connector)
    shipment_id = shipment.pk

    def queue() -> None:
        from logistics.tasks import shipment_tracking_push

        shipment_tracking_push.delay(shipment_id)

    transaction.on_commit(queue, robust=True)
    return True


def shipment_tracking_push(*, shipment_id: int) -> PushOutcome:
    """Push the parcel's carrier and number to its order's platform, once.

    Raises a retryable ``ConnectorError`` when the platform may take it later (nothing is
    recorded; the task retries); records a final refusal on the parcel."""
    lock = f"platform-tracking-push:{shipment_id}"
    if not cache.add(lock, "pushing", timeout=PUSH_LOCK_SECONDS):
        return PushOutcome("busy")
    try:
        with transaction.atomic():
            shipment = (
                Shipment.objects.select_for_update(of=("self",))
                .select_related("order", "carrier")
                .filter(pk=shipment_id)
                .first()
            )
            if shipment is None:
                return PushOutcome("not_due")
            if shipment.tracking_pushed_at is not None:
                return PushOutcome("already_pushed", reference=shipment.tracking_push_reference)
            if not shipment_push_due(shipment):
                return PushOutcome("not_due")
            assert shipment.order is not None
            assert shipment.carrier is not None
            order_number = shipment.order.external_id
            carrier, number = shipment.carrier.name, shipment.tracking_number
            connector = _tracking_connector(shipment.order.store_id)
            if connector is None:
                return PushOutcome("no_connector")
        # Outside the row lock: the platform may be slow, and the connector retries.
        try:
            reference = connector.push_tracking(
                order_external_id=order_number, carrier=carrier, number=number
            )
        except ConnectorError as error:
            if error.retryable:
                raise
            shipment_tracking_push_failed(shipment_id=shipment_id, error=error.message)
            return PushOutcome("refused", error=error.message)
        finally:
            _close(connector)
        Shipment.objects.filter(pk=shipment_id).update(
            tracking_pushed_at=timezone.now(),
            tracking_push_reference=str(reference or "")[:200],
            tracking_push_error="",
        )
        return PushOutcome("pushed", reference=str(reference or ""))
    finally:
        cache.delete(lock)


def shipment_tracking_push_failed(*, shipment_id: int, error: str) -> None:
    """Record why the platform did not take the parcel (a refusal, or the task's last retry)."""
    Shipment.objects.filter(pk=shipment_id, tracking_pushed_at__isnull=True).update(
        tracking_push_error=error[:500] or "refused"
    )


def _tracking_connector(store_id: int) -> Any | None:
    from customers.models import Store

    store = Store.objects.filter(pk=store_id, is_active=True).first()
    if store is None:
        return None
    try:
        connector = connector_for(store)
    except Exception:  # a broken connector module must not break parcel updates
        logger.exception("no connector for store %s", store_id)
        return None
    if connector is None or not supports(connector, Capability.PUSH_TRACKING):
        _close(connector)
        return None
    return connector


def _close(connector: object) -> None:
    close = getattr(connector, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # closing is housekeeping only
            logger.debug("closing a connector failed", exc_info=True)
