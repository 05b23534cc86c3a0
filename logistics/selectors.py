"""Every non-trivial read of shipments, scoped to the stores the user may see."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet

from helpdesk.access import Viewer, scope_to_user
from logistics.models import Shipment, ShipmentAnomaly, TrackingEvent, TrackingStatus

# The anomaly filter value meaning "any anomaly at all".
ANY_ANOMALY = "any"


def shipment_visible_to(*, user: Viewer) -> QuerySet[Shipment]:
    return scope_to_user(Shipment.objects.all(), user)


def shipment_list(*, user: Viewer, status: str = "", anomaly: str = "") -> QuerySet[Shipment]:
    """Parcels, most recently scanned first.

    ``status`` is a tracking status; ``anomaly`` is an anomaly kind or ``"any"``.
    Unknown values are ignored rather than matching nothing.
    """
    shipments = shipment_visible_to(user=user)
    if status in TrackingStatus.values:
        shipments = shipments.filter(status=status)
    if anomaly == ANY_ANOMALY:
        shipments = shipments.exclude(anomaly=Shipment.Anomaly.NONE)
    elif anomaly and anomaly in Shipment.Anomaly.values:
        shipments = shipments.filter(anomaly=anomaly)
    return shipments.select_related("store", "carrier", "order").order_by(
        F("last_event_at").desc(nulls_last=True), "-created_at", "-id"
    )


def shipment_get_for_user(*, user: Viewer, shipment_id: int) -> Shipment:
    """A parcel the user may see, with its tracking events in time order and its anomalies.

    Raises ``Shipment.DoesNotExist`` when it is missing or not visible.
    """
    return (
        shipment_visible_to(user=user)
        .select_related("store", "carrier", "order__customer")
        .prefetch_related(
            Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "id")),
            Prefetch("anomalies", queryset=ShipmentAnomaly.objects.order_by("-detected_at")),
        )
        .get(pk=shipment_id)
    )


def shipment_list_for_order(*, user: Viewer, order_id: int) -> QuerySet[Shipment]:
    """The parcels of one order (outbound and return), oldest first."""
    return (
        shipment_visible_to(user=user)
        .filter(order_id=order_id)
        .select_related("carrier")
        .order_by("created_at", "id")
    )


def shipment_list_for_customer(*, user: Viewer, customer_id: int, limit: int = 10) -> list[Shipment]:
    """A customer's most recent parcels (through their orders), each with its tracking events
    in time order, for the customer panel of a ticket."""
    return list(
        shipment_visible_to(user=user)
        .filter(order__customer_id=customer_id)
        .select_related("carrier", "order")
        .prefetch_related(Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "id")))
        .order_by("-created_at", "-id")[:limit]
    )
