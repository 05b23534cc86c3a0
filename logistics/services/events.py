"""Tracking events in: store each checkpoint once, then recompute the parcel from all of them.

Every provider format arrives here as a ``ParcelUpdate`` (``logistics.providers``). The parcel
is found by carrier and tracking number (or created for the store), its row is locked so two
deliveries for one parcel never interleave, new checkpoints are inserted (a checkpoint already
stored is skipped; the unique (provider, provider_event_id) constraint is the last word), and
the parcel's status, sub-status, last scan, last location and delivery time are recomputed
from the whole timeline in time order. So events arriving late, out of order or twice still
give the right state. After the commit: the anomaly rules, the return workflow for return
parcels, and a live update on tickets about the parcel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from customers.models import Order, Store
from helpdesk import broadcast
from logistics.models import Carrier, Shipment, TrackingEvent, TrackingProviderAccount, TrackingStatus
from logistics.normalise import TERMINAL_STATUSES, ParcelUpdate, ProviderEvent
from logistics.services.platform_tracking import shipment_tracking_push_queue
from logistics.webhooks import Delivery, parse, verify

S = TrackingStatus

# After a terminal status, which later events still change the parcel. A delivered parcel
# stays delivered through a late "in transit" scan, but being returned or lost is news.
AFTER_TERMINAL: Mapping[str, frozenset[str]] = {
    S.DELIVERED: frozenset({S.RETURNED_TO_SENDER, S.EXCEPTION}),
    S.RETURNED_TO_SENDER: frozenset({S.EXCEPTION}),
    # "No news for 30 days" ends with any real scan.
    S.EXPIRED: frozenset(set(S.values) - {S.PENDING, S.INFO_RECEIVED, S.EXPIRED}),
}
# Label data never moves a parcel that is already moving back to "info received".
NOT_MOVED = frozenset({S.PENDING, S.INFO_RECEIVED})


@dataclass(frozen=True)
class RecordResult:
    shipment: Shipment
    stored: int  # new checkpoints
    duplicates: int  # checkpoints already stored (a redelivery)
    shipment_created: bool
    status_changed: bool


@dataclass(frozen=True)
class WebhookOutcome:
    status: str  # "stored", "duplicate" or "ignored"
    reason: str = ""
    result: RecordResult | None = None
    skipped: int = 0  # checkpoints without a readable time


# --- the webhook flow ---------------------------------------------------------------------------


def tracking_webhook_receive(
    *, account: TrackingProviderAccount, body: bytes, headers: Mapping[str, str]
) -> WebhookOutcome:
    """One webhook delivery: verify, read, record. Raises ``WebhookRejected`` (401/400) with the
    reason before anything is stored; a redelivery is a no-op answered "duplicate"."""
    verify(provider=account.provider, secret=account.secret, headers=headers, body=body)
    delivery: Delivery = parse(provider=account.provider, body=body)
    if delivery.update is None:
        return WebhookOutcome("ignored", reason=delivery.ignored_reason)
    result = tracking_events_record(store=account.store, update=delivery.update)
    status = "stored" if result.stored or result.shipment_created else "duplicate"
    return WebhookOutcome(status, result=result, skipped=delivery.skipped)


# --- recording ----------------------------------------------------------------------------------


def tracking_events_record(
    *, store: Store, update: ParcelUpdate, shipment: Shipment | None = None
) -> RecordResult:
    """Store a parcel's checkpoints once and bring the parcel up to date.

    The parcel is ``shipment`` when the caller knows it (a poll), else the one with this
    carrier and number, whichever store it belongs to (a number names one parcel); a parcel
    not known yet is created for ``store`` and linked to the store's order when the update
    names one.
    """
    carrier = carrier_for(update)
    # Two deliveries for one parcel wait for each other on its row lock, so neither misses the
    # other's events when recomputing, and the duplicate check below sees committed rows.
    locked = Shipment.objects.select_for_update(of=("self",)).select_related("carrier")
    with transaction.atomic():
        created = False
        if shipment is not None:
            shipment = locked.get(pk=shipment.pk)
        else:
            # The common case, a parcel known under the provider's carrier: found and locked at once.
            found = (
                locked.filter(carrier=carrier, tracking_number=update.tracking_number).first()
                if carrier
                else None
            )
            if found is None:
                found, created = _shipment_find_or_create(store=store, carrier=carrier, update=update)
                found = locked.get(pk=found.pk)
            shipment = found
        fresh = _new_events(shipment, update.events)
        if fresh:
            TrackingEvent.objects.bulk_create(fresh, ignore_conflicts=True)
        changed = _fill_in(shipment, update=update, carrier=carrier)
        status_before = shipment.status
        if fresh or created:  # a redelivery leaves the timeline, and so the state, as it was
            changed += shipment_tracking_recompute(shipment=shipment)
        if changed:
            shipment.save(update_fields=[*sorted(set(changed)), "updated_at"])
        if created or {"carrier", "order"} & set(changed):
            # The parcel now names its carrier and order: tell the order's platform (once).
            shipment_tracking_push_queue(shipment=shipment)
        if fresh or created:
            _after_commit(shipment)
    return RecordResult(
        shipment=shipment,
        stored=len(fresh),
        duplicates=len({event.provider_event_id for event in update.events}) - len(fresh),
        shipment_created=created,
        status_changed=shipment.status != status_before,
    )


def carrier_for(update: ParcelUpdate) -> Carrier | None:
    """The registry's carrier for the provider's slug (AfterShip) or numeric key (17TRACK)."""
    if update.carrier_slug:
        carrier = Carrier.objects.filter(aftership_slug=update.carrier_slug).order_by("pk").first()
        if carrier is not None:
            return carrier
    if update.carrier_code is not None:
        return Carrier.objects.filter(seventeen_track_code=update.carrier_code).order_by("pk").first()
    return None


def _shipment_find_or_create(
    *, store: Store, carrier: Carrier | None, update: ParcelUpdate
) -> tuple[Shipment, bool]:
    number = update.tracking_number
    # Known under another (or no) carrier: the order import and the provider may name the
    # carrier differently (China Post vs the destination post for one S10 number).
    same_number = list(Shipment.objects.filter(tracking_number=number).order_by("pk")[:2])
    if len(same_number) == 1:
        return same_number[0], False
    if carrier is None and same_number:
        return same_number[0], False
    order = _order_named(store=store, number=update.order_number)
    defaults: dict[str, Any] = {
        "store": order.store if order is not None else store,
        "order": order,
        "provider": update.provider,
        "origin_country": update.origin_country,
        "destination_country": update.destination_country or (order.shipping_country if order else ""),
    }
    try:
        # A savepoint: a concurrent delivery may create the same parcel first.
        with transaction.atomic():
            return Shipment.objects.get_or_create(carrier=carrier, tracking_number=number, defaults=defaults)
    except IntegrityError:
        return Shipment.objects.get(carrier=carrier, tracking_number=number), False


def _order_named(*, store: Store, number: str) -> Order | None:
    """The store's order with this number, as platforms write it ("#1001", "1001")."""
    number = number.strip()
    if not number:
        return None
    candidates = {number, number.lstrip("#"), "#" + number.lstrip("#")}
    return Order.objects.filter(store=store, external_id__in=candidates).order_by("pk").first()


def _new_events(shipment: Shipment, events: Sequence[ProviderEvent]) -> list[TrackingEvent]:
    by_key: dict[tuple[str, str], ProviderEvent] = {}
    for event in events:
        by_key.setdefault((event.provider, event.provider_event_id), event)
    if not by_key:
        return []
    providers = {provider for provider, _ in by_key}
    stored = set(
        TrackingEvent.objects.filter(
            provider__in=providers, provider_event_id__in=[key for _, key in by_key]
        ).values_list("provider", "provider_event_id")
    )
    return [
        TrackingEvent(
            shipment=shipment,
            provider=event.provider,
            provider_event_id=event.provider_event_id[:128],
            occurred_at=event.occurred_at,
            local_timezone=event.local_timezone[:64],
            status=event.status,
            sub_status=event.sub_status[:40],
            raw_status=event.raw_status[:60],
            description=event.description[:500],
            location=event.location[:200],
            country=event.country[:2],
            raw=event.raw,
        )
        for key, event in by_key.items()
        if key not in stored
    ]


def _fill_in(shipment: Shipment, *, update: ParcelUpdate, carrier: Carrier | None) -> list[str]:
    """What the provider knows and the parcel does not yet: never overwrites what is there."""
    changed = []
    if (
        shipment.carrier_id is None
        and carrier is not None
        and not Shipment.objects.filter(carrier=carrier, tracking_number=shipment.tracking_number).exists()
    ):
        shipment.carrier = carrier
        changed.append("carrier")
    if not shipment.provider:
        shipment.provider = update.provider
        changed.append("provider")
    for name in ("origin_country", "destination_country"):
        value = getattr(update, name)
        if value and not getattr(shipment, name):
            setattr(shipment, name, value)
            changed.append(name)
    if (
        update.estimated_delivery_at is not None
        and shipment.estimated_delivery_at != update.estimated_delivery_at
    ):
        shipment.estimated_delivery_at = update.estimated_delivery_at
        changed.append("estimated_delivery_at")
    if shipment.order_id is None and update.order_number:
        order = _order_named(store=shipment.store, number=update.order_number)
        if order is not None:
            shipment.order = order
            changed.append("order")
    return changed


# --- the parcel's state from its timeline ---------------------------------------------------------


@dataclass(frozen=True)
class TrackingState:
    status: str
    sub_status: str
    last_event_at: dt.datetime | None
    last_location: str
    delivered_at: dt.datetime | None
    first_moved_at: dt.datetime | None


def tracking_state(events: Sequence[Mapping[str, Any]]) -> TrackingState | None:
    """The parcel's state from its events (dicts with status, sub_status, occurred_at,
    location) in time order. None without events."""
    status = sub_status = location = ""
    last_at = delivered_at = first_moved_at = None
    for event in events:
        new_status = event["status"]
        last_at = event["occurred_at"]
        if event["location"]:
            location = event["location"]
        if first_moved_at is None and new_status not in NOT_MOVED:
            first_moved_at = event["occurred_at"]
        if status and _keeps(status, new_status, event["sub_status"]):
            if status == S.RETURNED_TO_SENDER and new_status == S.DELIVERED:
                sub_status = "returned"  # delivered back to the sender
            continue
        if new_status == S.DELIVERED and status != S.DELIVERED:
            delivered_at = event["occurred_at"]
        elif new_status != S.DELIVERED:
            delivered_at = None
        status, sub_status = new_status, event["sub_status"]
    if not status:
        return None
    return TrackingState(status, sub_status, last_at, location, delivered_at, first_moved_at)


def _keeps(current: str, new: str, new_sub_status: str) -> bool:
    """Whether the parcel keeps its current status when a later event says ``new``."""
    if current in TERMINAL_STATUSES:
        return new not in AFTER_TERMINAL[current]
    if new in NOT_MOVED:
        return current not in NOT_MOVED
    return False


def shipment_tracking_recompute(*, shipment: Shipment) -> list[str]:
    """Recompute the parcel's tracking state from all its events; returns the changed fields
    (the caller saves them). Call with the parcel's row locked."""
    events = list(
        TrackingEvent.objects.filter(shipment=shipment)
        .order_by("occurred_at", "id")
        .values("status", "sub_status", "occurred_at", "location")
    )
    state = tracking_state(events)
    if state is None:
        return []
    wanted: dict[str, Any] = {
        "status": state.status,
        "sub_status": state.sub_status,
        "last_event_at": state.last_event_at,
        "last_location": state.last_location[:200],
        "delivered_at": state.delivered_at,
    }
    if shipment.shipped_at is None and state.first_moved_at is not None:
        wanted["shipped_at"] = state.first_moved_at
    shipped_at = wanted.get("shipped_at", shipment.shipped_at)
    if state.delivered_at is not None and shipped_at is not None and shipped_at > state.delivered_at:
        # A ship date from the order import later than the carrier's delivery scan is wrong;
        # the scan wins (and the delivered-after-shipped constraint holds).
        wanted["shipped_at"] = state.delivered_at
    changed = []
    for name, value in wanted.items():
        if getattr(shipment, name) != value:
            setattr(shipment, name, value)
            changed.append(name)
    return changed


# --- after the commit -----------------------------------------------------------------------------


def _after_commit(shipment: Shipment) -> None:
    shipment_id, direction, status = shipment.pk, shipment.direction, shipment.status

    def run() -> None:
        # Lazy imports: tasks import services, not the other way round at import time.
        from logistics.tasks import shipment_anomalies_check

        shipment_anomalies_check.delay(shipment_id)
        if direction == Shipment.Direction.RETURN:
            from returns.tasks import return_parcel_update

            return_parcel_update.delay(shipment_id)

    transaction.on_commit(run, robust=True)
    ticket_ids = list(shipment.tickets.order_by().values_list("pk", flat=True))
    if ticket_ids:
        broadcast.shipment_changed(shipment_id=shipment_id, ticket_ids=ticket_ids, status=status)
