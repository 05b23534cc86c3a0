"""Writes of the analytics app for the logistics dashboard: refreshing ``LaneDay``.

Kept beside ``analytics.services`` (the ticket and order-line rollups) so that each rollup's
refresh can run and fail on its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, TruncDate

from analytics.logistics_selectors import anomaly_counts
from analytics.models import AnomalyDay, LaneDay
from analytics.rollup_refresh import RefreshWindow, rollup_rows_replace, rollups_refresh_in_turn
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
    """Recount ``LaneDay`` for the parcels finished in the last ``days`` days (today included),
    then ``AnomalyDay``; ``None``: everything. The first refresh (or one after ``TIME_ZONE``
    changed) recounts everything. Running it twice gives the same rows. Returns the rows written."""
    return rollups_refresh_in_turn(
        ((LaneDay.LANES, _recount_lane_days), (AnomalyDay.ANOMALIES, _recount_anomaly_days)),
        days=days,
        now=now,
    )


def _recount_lane_days(window: RefreshWindow) -> int:
    """``LaneDay`` of the parcels finished in the window's days."""
    return rollup_rows_replace(
        window.stale(LaneDay),
        [
            LaneDay(**dict(zip(_DIMENSIONS, key, strict=True)), **counts)
            for key, counts in _lane_days(window.since, window.tz).items()
        ],
    )


def _recount_anomaly_days(window: RefreshWindow) -> int:
    """``AnomalyDay``: every day, or every day with an anomaly detected, resolved or escalated in
    the window or since the last refresh (a resolution changes the day it was detected). Its own
    state row, so a database built before this table is counted in full."""
    anomalies = ShipmentAnomaly.objects.filter(shipment__direction=Shipment.Direction.OUTBOUND).annotate(
        day=TruncDate("detected_at", tzinfo=window.tz)
    )
    stale = AnomalyDay.objects.all()
    since = window.changed_since
    if since is not None:
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
    return rollup_rows_replace(stale, rows)
