"""Figures of the logistics dashboard: transit times, on-time, delay and loss rates by lane and
carrier, and parcel anomalies over time.

The parcels and the definitions are the lane statistics' (``logistics.services.lanes``): the
outbound parcels on a known lane whose outcome became known in the period (delivered, lost or
returned to sender; ``finished_parcels``), transit = ``delivered_at − shipped_at``, percentiles
by ``percentile_cont``, on time = delivered before the end of ``promised_by`` (UTC), lost =
tracking expired or sub-status lost. Unlike ``LaneStatistic`` (a trailing 90 days over every
store, shrunk towards the destination's figures for the nightly anomaly checks), these are the
raw figures of the period and the stores in view; the nightly figures are shown beside them as
"usual".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate

from analytics.customer_selectors import WEEK, as_date, buckets, truncate
from analytics.filters import DashboardFilters
from analytics.models import AnomalyDay, LaneDay, RollupState
from logistics.models import Carrier, LaneStatistic, Shipment, ShipmentAnomaly, TrackingStatus
from logistics.services.lanes import LOST_SUB_STATUSES, finished_parcels, percentile_cont

LANE = ("origin_country", "destination_country", "carrier_id", "carrier__name")
PERCENTILES = {"median_days": 0.5, "p90_days": 0.9}
_DAY = 86400.0


def parcels(filters: DashboardFilters) -> QuerySet[Shipment]:
    """The lane statistics' finished parcels, over the period and the stores/countries in view."""
    return filters.apply(
        finished_parcels(since=filters.start_at, until=filters.end_at),
        date=None,
        store="store",
        country="destination_country",
    )


def _delivered() -> Q:
    return Q(status=TrackingStatus.DELIVERED, delivered_at__isnull=False, shipped_at__isnull=False)


COUNTS = ("finished", "delivered", "promised", "on_time", "lost", "returned", "delayed")


def _counts_per_lane(queryset: QuerySet[Shipment]) -> list[dict[str, Any]]:
    """The parcels of each lane by outcome; every count adds up across lanes."""
    delivered = _delivered()
    promised = delivered & Q(promised_by__isnull=False)
    lost = Q(status=TrackingStatus.EXPIRED) | Q(sub_status__in=LOST_SUB_STATUSES)
    return list(
        queryset.alias(
            # The promised day ends at midnight UTC, as in the lane statistics and the late-parcel rule.
            delivered_day=TruncDate("delivered_at", tzinfo=dt.UTC),
        )
        .values(*LANE)
        .order_by()
        .annotate(
            finished=Count("id"),
            delivered=Count("id", filter=delivered),
            promised=Count("id", filter=promised),
            on_time=Count("id", filter=promised & Q(delivered_day__lte=F("promised_by"))),
            lost=Count("id", filter=lost),
            returned=Count("id", filter=Q(status=TrackingStatus.RETURNED_TO_SENDER) & ~lost),
            # IN, not EXISTS: see analytics.returns_selectors._complained (no JIT compilation).
            delayed=Count(
                "id",
                filter=Q(
                    pk__in=ShipmentAnomaly.objects.filter(kind=Shipment.Anomaly.LATE).values("shipment_id")
                ),
            ),
        )
    )


# Group keys of the percentiles: a lane, a carrier, everything.
LaneKey = tuple[str, str, int]
Percentiles = dict[str, float | None]

# GROUPING(o, d, c) is a bit mask of the columns rolled up: 0 = a lane, 0b110 = a carrier, 0b111 = all.
_BY_LANE, _BY_CARRIER, _OVERALL = 0, 6, 7
_PERCENTILES_SQL = """
    SELECT GROUPING(o, d, c), o, d, c,
           percentile_cont(ARRAY[%s, %s]::float8[]) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM transit) / 86400.0)
      FROM ({parcels}) delivered
     GROUP BY GROUPING SETS ((o, d, c), (c), ())
"""


def _transit_percentiles(
    queryset: QuerySet[Shipment],
) -> tuple[dict[LaneKey, Percentiles], dict[int, Percentiles], Percentiles]:
    """Median and p90 transit days of the delivered parcels per lane, per carrier and overall."""
    delivered = queryset.filter(_delivered())
    lanes: dict[LaneKey, Percentiles] = {}
    carriers: dict[int, Percentiles] = {}
    overall: Percentiles = {}
    if connection.vendor == "postgresql":
        # One sort for the three levels (GROUPING SETS, which the ORM cannot express).
        inner, params = (
            delivered.values(
                o=F("origin_country"),
                d=F("destination_country"),
                c=F("carrier_id"),
                transit=ExpressionWrapper(F("delivered_at") - F("shipped_at"), output_field=DurationField()),
            )
            .order_by()
            .query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(_PERCENTILES_SQL.replace("{parcels}", inner), [*PERCENTILES.values(), *params])
            for level, origin, destination, carrier_id, values in cursor.fetchall():
                figures = dict(zip(PERCENTILES, values or (None, None), strict=True))
                if level == _BY_LANE:
                    lanes[(origin, destination, carrier_id)] = figures
                elif level == _BY_CARRIER:
                    carriers[carrier_id] = figures
                elif level == _OVERALL:
                    overall = figures
        return lanes, carriers, overall
    # SQLite has no percentile_cont: the same interpolation in Python (tests and small installs only).
    groups: dict[object, list[float]] = defaultdict(list)
    rows = delivered.values_list(
        "origin_country", "destination_country", "carrier_id", "shipped_at", "delivered_at"
    )
    for origin, destination, carrier_id, shipped_at, delivered_at in rows:
        days = (delivered_at - shipped_at).total_seconds() / _DAY
        for key in ((origin, destination, carrier_id), carrier_id, "overall"):
            groups[key].append(days)
    for key, days in groups.items():
        days.sort()
        figures = {name: percentile_cont(days, fraction) for name, fraction in PERCENTILES.items()}
        if key == "overall":
            overall = figures
        elif isinstance(key, tuple):
            lanes[key] = figures
        else:
            carriers[int(key)] = figures  # type: ignore[call-overload]
    return lanes, carriers, overall


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    def share(part: str, whole: str) -> float | None:
        return row[part] / row[whole] if row[whole] else None

    return {
        **row,
        "on_time_rate": share("on_time", "promised"),
        "delay_rate": share("delayed", "finished"),
        "loss_rate": share("lost", "finished"),
        "returned_rate": share("returned", "finished"),
    }


def lane_rollup_refreshed_at() -> dt.datetime | None:
    """When ``LaneDay`` was last refreshed for the current ``TIME_ZONE``; ``None``: count live."""
    return (
        RollupState.objects.filter(
            name=LaneDay.LANES, refreshed_at__isnull=False, time_zone=settings.TIME_ZONE
        )
        .values_list("refreshed_at", flat=True)
        .first()
    )


def _point_percentile(histogram: dict[int, int], fraction: float) -> float | None:
    """``percentile_cont`` over the transit times a ``LaneDay`` histogram holds (in days)."""
    ordered = sorted((key, count) for key, count in histogram.items() if count)
    total = sum(count for _key, count in ordered)
    if not total:
        return None
    rank = fraction * (total - 1)
    lower = int(rank)

    def value_at(position: int) -> float:
        below = 0
        for key, count in ordered:
            below += count
            if position < below:
                return key / 10
        return ordered[-1][0] / 10

    value = value_at(lower)
    if rank == lower:
        return value
    return value + (value_at(lower + 1) - value) * (rank - lower)


def _percentiles_of(histogram: dict[int, int]) -> Percentiles:
    return {name: _point_percentile(histogram, fraction) for name, fraction in PERCENTILES.items()}


_HISTOGRAM_SQL = """
    SELECT origin_country, destination_country, carrier_id, bucket.key::integer, SUM(bucket.value::integer)
      FROM ({rows}) lane_days, jsonb_each_text(lane_days.transit) bucket
     GROUP BY 1, 2, 3, 4
"""


def _lane_histograms(days: QuerySet[LaneDay]) -> dict[LaneKey, dict[int, int]]:
    """The transit histograms of ``days`` merged per lane."""
    histograms: dict[LaneKey, dict[int, int]] = defaultdict(dict)
    rows = days.values_list("origin_country", "destination_country", "carrier_id", "transit")
    if connection.vendor == "postgresql":
        # Merged in SQL: a parcel or two per day and lane make as many keys as parcels.
        inner, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(_HISTOGRAM_SQL.replace("{rows}", inner), params)
            for origin, destination, carrier_id, transit, count in cursor.fetchall():
                histograms[(origin, destination, carrier_id)][transit] = count
        return histograms
    for origin, destination, carrier_id, transit in rows:
        histogram = histograms[(origin, destination, carrier_id)]
        for key, count in transit.items():
            histogram[int(key)] = histogram.get(int(key), 0) + count
    return histograms


def _from_rollup(
    filters: DashboardFilters,
) -> tuple[list[dict[str, Any]], dict[LaneKey, Percentiles], dict[int, Percentiles], Percentiles]:
    """The lanes' counts and percentiles summed from ``LaneDay`` (days in ``TIME_ZONE``)."""
    days = filters.apply(
        LaneDay.objects.filter(day__gte=filters.start, day__lte=filters.end),
        date=None,
        store="store_id",
        country="destination_country",
    ).order_by()
    lanes = list(
        days.values("origin_country", "destination_country", "carrier_id").annotate(
            **{name: Sum(name) for name in COUNTS}
        )
    )
    names = dict(
        Carrier.objects.filter(pk__in={row["carrier_id"] for row in lanes}).values_list("pk", "name")
    )
    for row in lanes:
        row["carrier__name"] = names.get(row["carrier_id"], "")
    by_lane = _lane_histograms(days)
    by_carrier: dict[int, dict[int, int]] = defaultdict(dict)
    overall: dict[int, int] = {}
    for (_origin, _destination, carrier_id), histogram in by_lane.items():
        for into in (by_carrier[carrier_id], overall):
            for key, count in histogram.items():
                into[key] = into.get(key, 0) + count
    return (
        lanes,
        {key: _percentiles_of(histogram) for key, histogram in by_lane.items()},
        {carrier_id: _percentiles_of(histogram) for carrier_id, histogram in by_carrier.items()},
        _percentiles_of(overall) if lanes else {},
    )


@dataclass(frozen=True)
class TransitFigures:
    lanes: list[dict[str, Any]]
    carriers: list[dict[str, Any]]
    overall: dict[str, Any]


def transit_figures(filters: DashboardFilters) -> TransitFigures:
    """Per lane, per carrier and overall: parcels finished and delivered, median and p90 transit
    days, and the on-time, delay, loss and return-to-sender rates. Lanes carry their nightly
    ("usual") median and on-time rate from ``LaneStatistic``.

    On time: delivered by the promised date, among delivered parcels that had one. Delay: the
    parcel got a "late" anomaly (past its promised date or, without one, its lane's p80 plus the
    seasonal padding), among finished parcels. Loss and returned: among finished parcels.
    """
    if lane_rollup_refreshed_at() is not None:
        lane_rows, lane_percentiles, carrier_percentiles, overall_percentiles = _from_rollup(filters)
    else:
        queryset = parcels(filters)
        lane_rows = _counts_per_lane(queryset)
        lane_percentiles, carrier_percentiles, overall_percentiles = _transit_percentiles(queryset)
    empty: Percentiles = dict.fromkeys(PERCENTILES)
    carriers: dict[int, dict[str, Any]] = {}
    overall: dict[str, Any] = dict.fromkeys(COUNTS, 0)
    for row in lane_rows:
        carrier = carriers.setdefault(
            row["carrier_id"],
            {
                "carrier_id": row["carrier_id"],
                "carrier__name": row["carrier__name"],
                **dict.fromkeys(COUNTS, 0),
            },
        )
        for name in COUNTS:
            carrier[name] += row[name]
            overall[name] += row[name]
    usual = {
        (lane.origin_country, lane.destination_country, lane.carrier_id): lane
        for lane in LaneStatistic.objects.filter(
            carrier_id__in={row["carrier_id"] for row in lane_rows},
            destination_country__in={row["destination_country"] for row in lane_rows},
        )
    }
    lanes = []
    for row in lane_rows:
        key = (row["origin_country"], row["destination_country"], row["carrier_id"])
        statistic = usual.get(key)
        lanes.append(
            _rates(
                {
                    **row,
                    **lane_percentiles.get(key, empty),
                    "lane": f"{row['origin_country']} → {row['destination_country']}",
                    "usual_median_days": float(statistic.median_days) if statistic else None,
                    "usual_on_time_rate": float(statistic.on_time_rate) if statistic else None,
                }
            )
        )
    lanes.sort(key=lambda row: (-row["finished"], row["lane"], row["carrier__name"]))
    carrier_rows = [
        _rates({**row, **carrier_percentiles.get(carrier_id, empty)}) for carrier_id, row in carriers.items()
    ]
    carrier_rows.sort(key=lambda row: (-row["finished"], row["carrier__name"]))
    return TransitFigures(
        lanes=lanes, carriers=carrier_rows, overall=_rates({**overall, **empty, **overall_percentiles})
    )


# --- anomalies -------------------------------------------------------------------------------


def anomalies(filters: DashboardFilters) -> QuerySet[ShipmentAnomaly]:
    """Anomalies detected in the period on the stores' outbound parcels."""
    return filters.apply(
        ShipmentAnomaly.objects.filter(shipment__direction=Shipment.Direction.OUTBOUND),
        date="detected_at",
        store="shipment__store",
        country="shipment__destination_country",
    )


@dataclass(frozen=True)
class AnomalyFigures:
    per_period: dict[str, list[int]]  # kind → detected in each week or month
    by_kind: list[dict[str, Any]]


def anomaly_counts() -> dict[str, Any]:
    """The anomaly figures as aggregates, for the live count and ``AnomalyDay``'s refresh alike."""
    resolved = Q(resolved_at__isnull=False)
    return {
        "detected": Count("id"),
        "still_open": Count("id", filter=Q(resolved_at__isnull=True)),
        "severe": Count("id", filter=Q(severity=ShipmentAnomaly.Severity.HIGH)),
        "ticketed": Count("id", filter=Q(escalated_at__isnull=False)),
        "resolved": Count("id", filter=resolved),
        "time_to_resolve": Sum(
            ExpressionWrapper(F("resolved_at") - F("detected_at"), output_field=DurationField()),
            filter=resolved,
        ),
    }


def anomaly_rollup_fresh() -> bool:
    """Whether ``AnomalyDay`` has been counted for this ``TIME_ZONE``."""
    return RollupState.objects.filter(
        name=AnomalyDay.ANOMALIES, refreshed_at__isnull=False, time_zone=settings.TIME_ZONE
    ).exists()


def _anomalies_from_rollup(filters: DashboardFilters, size: str) -> list[dict[str, Any]]:
    """The live query's rows (kind, week or month, counts) summed from ``AnomalyDay``."""
    days = filters.apply(
        AnomalyDay.objects.filter(day__gte=filters.start, day__lte=filters.end),
        date=None,
        store="store_id",
        country="country",
    )
    counted = ("detected", "still_open", "severe", "ticketed", "resolved")
    rows: dict[tuple[str, dt.date], dict[str, Any]] = {}
    for day in days.order_by().values("day", "kind", *counted, "resolve_seconds"):
        start = day["day"]
        bucket = start - dt.timedelta(days=start.weekday()) if size == WEEK else start.replace(day=1)
        row = rows.setdefault(
            (day["kind"], bucket),
            {"kind": day["kind"], "bucket": bucket, "time_to_resolve": None, **dict.fromkeys(counted, 0)},
        )
        for name in counted:
            row[name] += day[name]
        if day["resolved"]:
            seconds = dt.timedelta(seconds=day["resolve_seconds"])
            row["time_to_resolve"] = (
                seconds if row["time_to_resolve"] is None else row["time_to_resolve"] + seconds
            )
    return list(rows.values())


def anomaly_figures(filters: DashboardFilters, size: str) -> AnomalyFigures:
    """Anomalies detected in the period: per kind and week (or month), and per kind how many
    are still open, severe, had a ticket opened, and the average time to resolve, from one
    query grouped by kind and period (every figure adds up across periods)."""
    periods = buckets(filters, size)
    index = {period: position for position, period in enumerate(periods)}
    if anomaly_rollup_fresh():
        rows = _anomalies_from_rollup(filters, size)
    else:
        rows = list(
            anomalies(filters)
            .annotate(bucket=truncate(size, "detected_at"))
            .values("kind", "bucket")
            .order_by()
            .annotate(**anomaly_counts())
        )
    per_period: dict[str, list[int]] = {}
    kinds: dict[str, dict[str, Any]] = {}
    counted = ("detected", "still_open", "severe", "ticketed", "resolved")
    for row in rows:
        position = index.get(as_date(row["bucket"]))
        if position is not None:
            per_period.setdefault(row["kind"], [0] * len(periods))[position] += row["detected"]
        kind = kinds.setdefault(
            row["kind"], {"kind": row["kind"], "seconds": 0.0, **dict.fromkeys(counted, 0)}
        )
        for name in counted:
            kind[name] += row[name]
        if row["time_to_resolve"] is not None:
            kind["seconds"] += row["time_to_resolve"].total_seconds()
    by_kind = sorted(kinds.values(), key=lambda row: (-row["detected"], row["kind"]))
    for kind in by_kind:
        seconds = kind.pop("seconds")
        kind["seconds_to_resolve"] = seconds / kind["resolved"] if kind["resolved"] else None
    return AnomalyFigures(per_period=per_period, by_kind=by_kind)
