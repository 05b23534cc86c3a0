"""Writes of the analytics app for the logistics dashboard: refreshing ``LaneDay``.

Kept beside ``analytics.services`` (the ticket and order-line rollups) so that each rollup's
refresh can run and fail on its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from analytics.logistics_selectors import anomaly_counts
from analytics.models import AnomalyDay, LaneDay, RollupState
from analytics.services import rollup_time_zone
from logistics.models import Shipment, ShipmentAnomaly, TrackingStatus
from logistics.services.lanes import LOST_SUB_STATUSES, finished_parcels

_DIMENSIONS = ("day", "store_id", "origin_country", "destination_country", "carrier_id")
_FAR_PAST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_FAR_FUTURE = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def transit_key(seconds: float) -> str:
    """A transit time as the ``LaneDay.transit`` key: tenths of a day (the dashboard's precision;
    finer keys would make as many keys as parcels to merge)."""
    return str(round(seconds / 8640))


def _lane_days(since: dt.datetime | None, tz: dt.tzinfo) -> dict[tuple[Any, ...], dict[str, Any]]:
    """One row per parcel, streamed: the outcome of each is the dashboard's (see
    ``analytics.logistics_selectors._counts_per_lane``)."""
    parcels = finished_parcels(since=since or _FAR_PAST, until=_FAR_FUTURE)
    late = set(
        ShipmentAnomaly.objects.filter(kind=Shipment.Anomaly.LATE, shipment__in=parcels.values("pk"))
        .values_list("shipment_id", flat=True)
        .iterator(chunk_size=5000)
    )
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (
        pk,
        day,
        store,
        origin,
        destination,
        carrier,
        status,
        sub_status,
        shipped,
        delivered,
        promised,
        on,
    ) in (
        parcels.annotate(
            day=TruncDate(Coalesce("delivered_at", "last_event_at"), tzinfo=tz),
            # The promised day ends at midnight UTC, as in the lane statistics and the late-parcel rule.
            delivered_day=TruncDate("delivered_at", tzinfo=dt.UTC),
        )
        .annotate(on=Q(delivered_day__lte=F("promised_by")))
        .order_by()
        .values_list(
            "pk",
            "day",
            "store_id",
            "origin_country",
            "destination_country",
            "carrier_id",
            "status",
            "sub_status",
            "shipped_at",
            "delivered_at",
            "promised_by",
            "on",
        )
        .iterator(chunk_size=5000)
    ):
        row = rows.setdefault(
            (day, store, origin, destination, carrier),
            {
                "finished": 0,
                "delivered": 0,
                "promised": 0,
                "on_time": 0,
                "lost": 0,
                "returned": 0,
                "delayed": 0,
                "transit": {},
            },
        )
        row["finished"] += 1
        lost = status == TrackingStatus.EXPIRED or sub_status in LOST_SUB_STATUSES
        row["lost"] += lost
        row["returned"] += status == TrackingStatus.RETURNED_TO_SENDER and not lost
        row["delayed"] += pk in late
        if status == TrackingStatus.DELIVERED and delivered is not None and shipped is not None:
            row["delivered"] += 1
            key = transit_key((delivered - shipped).total_seconds())
            row["transit"][key] = row["transit"].get(key, 0) + 1
            if promised is not None:
                row["promised"] += 1
                row["on_time"] += bool(on)
    return rows


@transaction.atomic
def lane_rollups_refresh(*, days: int | None = 3, now: dt.datetime | None = None) -> int:
    """Recount ``LaneDay`` for the parcels finished in the last ``days`` days (today included);
    ``None``: everything. The first refresh (or one after ``TIME_ZONE`` changed) recounts
    everything. Running it twice gives the same rows. Returns the rows written."""
    now = now or timezone.now()
    tz = rollup_time_zone()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    RollupState.objects.get_or_create(name=LaneDay.LANES)
    state = RollupState.objects.select_for_update().get(name=LaneDay.LANES)
    full = days is None or state.refreshed_at is None or state.time_zone != settings.TIME_ZONE
    since_day: dt.date | None = None
    since: dt.datetime | None = None
    if not full:
        since_day = timezone.localtime(now, tz).date() - dt.timedelta(days=max(days or 1, 1) - 1)
        since = dt.datetime.combine(since_day, dt.time.min, tzinfo=tz)
    rows = _lane_days(since, tz)
    stale = LaneDay.objects.all() if since_day is None else LaneDay.objects.filter(day__gte=since_day)
    stale.delete()
    LaneDay.objects.bulk_create(
        [LaneDay(**dict(zip(_DIMENSIONS, key, strict=True)), **counts) for key, counts in rows.items()],
        batch_size=5000,
    )
    state.refreshed_at = now
    state.time_zone = settings.TIME_ZONE
    state.save(update_fields=["refreshed_at", "time_zone"])
    return len(rows) + _anomaly_days_refresh(days=days, now=now, tz=tz)


def _anomaly_days_refresh(*, days: int | None, now: dt.datetime, tz: dt.tzinfo) -> int:
    """Recount ``AnomalyDay``: everything, or every day with an anomaly detected, resolved or
    escalated in the last ``days`` days or since the last refresh (a resolution changes the day
    it was detected). Its own state row, so a database built before this table is counted in full."""
    RollupState.objects.get_or_create(name=AnomalyDay.ANOMALIES)
    state = RollupState.objects.select_for_update().get(name=AnomalyDay.ANOMALIES)
    full = days is None or state.refreshed_at is None or state.time_zone != settings.TIME_ZONE
    anomalies = ShipmentAnomaly.objects.filter(shipment__direction=Shipment.Direction.OUTBOUND).annotate(
        day=TruncDate("detected_at", tzinfo=tz)
    )
    stale = AnomalyDay.objects.all()
    if not full:
        since_day = timezone.localtime(now, tz).date() - dt.timedelta(days=max(days or 1, 1) - 1)
        since = min(dt.datetime.combine(since_day, dt.time.min, tzinfo=tz), state.refreshed_at or now)
        touched = set(
            anomalies.filter(
                Q(detected_at__gte=since) | Q(resolved_at__gte=since) | Q(escalated_at__gte=since)
            )
            .order_by()
            .values_list("day", flat=True)
            .distinct()
        )
        anomalies = anomalies.filter(day__in=touched)
        stale = stale.filter(day__in=touched)
    rows = [
        AnomalyDay(
            day=row["day"],
            store_id=row["shipment__store_id"],
            country=row["shipment__destination_country"] or "",
            kind=row["kind"],
            detected=row["detected"],
            still_open=row["still_open"],
            severe=row["severe"],
            ticketed=row["ticketed"],
            resolved=row["resolved"],
            resolve_seconds=round(row["time_to_resolve"].total_seconds()) if row["time_to_resolve"] else 0,
        )
        for row in anomalies.order_by()
        .values("day", "shipment__store_id", "shipment__destination_country", "kind")
        .annotate(**anomaly_counts())
    ]
    stale.delete()
    AnomalyDay.objects.bulk_create(rows, batch_size=5000)
    state.refreshed_at = now
    state.time_zone = settings.TIME_ZONE
    state.save(update_fields=["refreshed_at", "time_zone"])
    return len(rows)
