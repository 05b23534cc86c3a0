"""Lane statistics: how long each lane (origin → destination by one carrier) usually takes.

Computed nightly (``logistics.tasks.lane_statistics_compute``) over a trailing window of
``LANE_WINDOW_DAYS`` from the outbound parcels that finished in it, i.e. whose outcome is known:

* delivered (``delivered_at`` in the window): transit days = ``delivered_at - shipped_at``;
  median, p80 and p95 are ``percentile_cont`` (linear interpolation between the two nearest
  parcels, as PostgreSQL computes it); the median gap between consecutive scans of these parcels;
  the on-time rate among those that carried a promised date (on time = delivered before the end
  of ``promised_by``, UTC); ``sample_size`` is the number of delivered parcels;
* lost (sub-status ``lost``, or tracking ``expired``) and returned to sender (the last scan in the
  window): the loss and return-to-sender rates are over all finished parcels of the lane.

Few parcels give noisy figures, so every figure is shrunk towards a prior with the weight
``n / (n + PRIOR_STRENGTH)``, where ``n`` is the number of parcels behind that figure (delivered
parcels for transit times and scan gaps, parcels with a promised date for the on-time rate,
finished parcels for the loss and return rates). The prior of a lane is its destination country's
figure (all origins and carriers), itself shrunk the same way towards the figure over every lane.
With ``PRIOR_STRENGTH = 20``, a lane's own figures weigh half at 20 parcels and 5/6 at 100.
Blending medians and percentiles linearly is an approximation; it keeps them ordered
(median ≤ p80 ≤ p95) because each side is.

On PostgreSQL the aggregates are computed in SQL (``percentile_cont ... WITHIN GROUP`` over
``GROUPING SETS`` of lane, destination and everything), so a million parcels never travel to
Python; elsewhere (SQLite) the same figures are computed in Python. Lanes are upserted; a lane
without a finished parcel in the window keeps its last figures (``computed_at`` tells their age).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from logistics.models import LaneStatistic, Shipment, TrackingEvent, TrackingStatus

LANE_WINDOW_DAYS = 90
# k in n / (n + k): how many parcels of its own a lane needs before its figures weigh half.
PRIOR_STRENGTH = 20
LOST_SUB_STATUSES = ("lost",)
UPSERT_BATCH = 1000
# PostgreSQL's work_mem while computing the figures (see lane_figures_sql).
SORT_MEMORY = "128MB"

LaneKey = tuple[str, str, int]  # origin country, destination country, carrier id


@dataclass
class GroupFigures:
    """Raw aggregates for one group of parcels (a lane, a destination, or everything)."""

    delivered: int = 0
    median_days: float | None = None
    p80_days: float | None = None
    p95_days: float | None = None
    gap_hours: float | None = None
    promised: int = 0
    on_time: int = 0
    finished: int = 0
    lost: int = 0
    returned: int = 0


@dataclass
class LaneFigures:
    lanes: dict[LaneKey, GroupFigures] = field(default_factory=dict)
    destinations: dict[str, GroupFigures] = field(default_factory=dict)
    overall: GroupFigures = field(default_factory=GroupFigures)


@dataclass(frozen=True)
class LaneRun:
    lanes: int
    parcels: int
    seconds: float
    engine: str


def lane_statistics_compute(
    *, now: dt.datetime | None = None, window_days: int = LANE_WINDOW_DAYS, engine: str = "auto"
) -> LaneRun:
    """Recompute every lane's figures from the parcels that finished in the trailing window.

    ``engine``: "sql" (PostgreSQL only), "python", or "auto" (SQL on PostgreSQL).
    """
    started = time.monotonic()
    now = now or timezone.now()
    since = now - dt.timedelta(days=window_days)
    if engine == "auto":
        engine = "sql" if connection.vendor == "postgresql" else "python"
    figures = (
        lane_figures_sql(since=since, until=now)
        if engine == "sql"
        else lane_figures_python(since=since, until=now)
    )
    rows = lane_statistics_blend(figures=figures, computed_at=now)
    with transaction.atomic():
        for start in range(0, len(rows), UPSERT_BATCH):
            LaneStatistic.objects.bulk_create(
                rows[start : start + UPSERT_BATCH],
                update_conflicts=True,
                unique_fields=["origin_country", "destination_country", "carrier"],
                update_fields=[
                    "sample_size",
                    "median_days",
                    "p80_days",
                    "p95_days",
                    "median_scan_gap_hours",
                    "on_time_rate",
                    "loss_rate",
                    "returned_rate",
                    "computed_at",
                ],
            )
    return LaneRun(
        lanes=len(rows),
        parcels=figures.overall.finished,
        seconds=round(time.monotonic() - started, 3),
        engine=engine,
    )


# --- blending -------------------------------------------------------------------------------


def shrink(value: float | None, n: int, prior: float | None, k: int = PRIOR_STRENGTH) -> float | None:
    """``value`` (from ``n`` parcels) pulled towards ``prior`` with the weight n / (n + k)."""
    if prior is None:
        return value
    if value is None or n <= 0:
        return prior
    weight = n / (n + k)
    return weight * value + (1 - weight) * prior


def _rate(count: int, total: int) -> float | None:
    return count / total if total else None


@dataclass(frozen=True)
class Blended:
    median_days: float | None
    p80_days: float | None
    p95_days: float | None
    gap_hours: float | None
    on_time: float | None
    loss: float | None
    returned: float | None


def _blend(group: GroupFigures, prior: Blended | None) -> Blended:
    def pull(value: float | None, n: int, prior_value: float | None) -> float | None:
        return shrink(value, n, prior_value) if prior is not None else value

    p = prior or Blended(None, None, None, None, None, None, None)
    return Blended(
        median_days=pull(group.median_days, group.delivered, p.median_days),
        p80_days=pull(group.p80_days, group.delivered, p.p80_days),
        p95_days=pull(group.p95_days, group.delivered, p.p95_days),
        gap_hours=pull(group.gap_hours, group.delivered, p.gap_hours),
        on_time=pull(_rate(group.on_time, group.promised), group.promised, p.on_time),
        loss=pull(_rate(group.lost, group.finished), group.finished, p.loss),
        returned=pull(_rate(group.returned, group.finished), group.finished, p.returned),
    )


def _days(value: float) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _share(value: float | None) -> Decimal:
    clamped = min(1.0, max(0.0, value or 0.0))
    return Decimal(clamped).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def lane_statistics_blend(*, figures: LaneFigures, computed_at: dt.datetime) -> list[LaneStatistic]:
    """Unsaved ``LaneStatistic`` rows: each lane's figures shrunk towards its destination's,
    the destination's towards everything's. Lanes with no transit time at all are left out."""
    overall = _blend(figures.overall, None)
    destinations = {country: _blend(group, overall) for country, group in figures.destinations.items()}
    rows = []
    for (origin, destination, carrier_id), group in sorted(figures.lanes.items()):
        blended = _blend(group, destinations.get(destination, overall))
        if blended.median_days is None or blended.p80_days is None or blended.p95_days is None:
            continue
        rows.append(
            LaneStatistic(
                origin_country=origin,
                destination_country=destination,
                carrier_id=carrier_id,
                sample_size=group.delivered,
                median_days=_days(blended.median_days),
                p80_days=_days(blended.p80_days),
                p95_days=_days(blended.p95_days),
                median_scan_gap_hours=_days(blended.gap_hours or 0.0),
                on_time_rate=_share(blended.on_time),
                loss_rate=_share(blended.loss),
                returned_rate=_share(blended.returned),
                computed_at=computed_at,
            )
        )
    return rows


# --- the figures on PostgreSQL ----------------------------------------------------------------

# The parcels that finished in the window, with what each contributes. Parameters: since,
# until (twice: the window test is on the finishing time) and the lost sub-statuses.
_FINISHED_SQL = """
    SELECT s.id,
           s.origin_country AS o,
           s.destination_country AS d,
           s.carrier_id AS c,
           (s.status = 'delivered' AND s.delivered_at IS NOT NULL AND s.shipped_at IS NOT NULL) AS delivered,
           EXTRACT(EPOCH FROM (s.delivered_at - s.shipped_at))::float8 / 86400.0 AS transit_days,
           s.promised_by,
           s.delivered_at,
           (s.status = 'expired' OR s.sub_status = ANY(%(lost)s)) AS lost,
           (s.status = 'returned_to_sender') AS returned
    FROM logistics_shipment s
    WHERE s.direction = 'outbound'
      AND s.carrier_id IS NOT NULL
      AND s.origin_country <> '' AND s.destination_country <> ''
      AND (s.status IN ('delivered', 'returned_to_sender', 'expired') OR s.sub_status = ANY(%(lost)s))
      AND COALESCE(s.delivered_at, s.last_event_at) >= %(since)s
      AND COALESCE(s.delivered_at, s.last_event_at) < %(until)s
"""

_TRANSIT_SQL = f"""
    WITH finished AS ({_FINISHED_SQL})
    SELECT GROUPING(o, d, c) AS level, o, d, c,
           COUNT(*) FILTER (WHERE delivered) AS delivered,
           percentile_cont(ARRAY[0.5, 0.8, 0.95]::float8[]) WITHIN GROUP (ORDER BY transit_days)
               FILTER (WHERE delivered) AS percentiles,
           COUNT(*) FILTER (WHERE delivered AND promised_by IS NOT NULL) AS promised,
           COUNT(*) FILTER (
               WHERE delivered AND promised_by IS NOT NULL
                 AND delivered_at < ((promised_by + 1)::timestamp AT TIME ZONE 'UTC')
           ) AS on_time,
           COUNT(*) AS finished,
           COUNT(*) FILTER (WHERE lost) AS lost,
           COUNT(*) FILTER (WHERE returned AND NOT lost) AS returned
    FROM finished
    GROUP BY GROUPING SETS ((o, d, c), (d), ())
"""

_GAPS_SQL = f"""
    WITH finished AS ({_FINISHED_SQL}),
    gaps AS (
        SELECT f.o, f.d, f.c,
               EXTRACT(EPOCH FROM (e.occurred_at - LAG(e.occurred_at) OVER (
                   PARTITION BY e.shipment_id ORDER BY e.occurred_at
               )))::float8 / 3600.0 AS gap_hours
        FROM logistics_trackingevent e
        JOIN finished f ON f.id = e.shipment_id AND f.delivered
    )
    SELECT GROUPING(o, d, c) AS level, o, d, c,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY gap_hours) AS gap_hours
    FROM gaps
    WHERE gap_hours IS NOT NULL
    GROUP BY GROUPING SETS ((o, d, c), (d), ())
"""

# GROUPING(o, d, c) is a bit mask of the columns rolled up: 0 = a lane, 0b101 = a destination.
_LANE, _DESTINATION, _OVERALL = 0, 5, 7


def lane_figures_sql(*, since: dt.datetime, until: dt.datetime) -> LaneFigures:
    """The raw figures of every lane, destination and overall, aggregated by PostgreSQL."""
    params: dict[str, Any] = {"since": since, "until": until, "lost": list(LOST_SUB_STATUSES)}
    figures = LaneFigures()
    with transaction.atomic(), connection.cursor() as cursor:
        # The percentiles sort every parcel and scan gap of the window; with the default 4 MB
        # a million parcels spill to disk. For this transaction only.
        cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
        cursor.execute(_TRANSIT_SQL, params)
        for level, origin, destination, carrier_id, delivered, percentiles, *counts in cursor.fetchall():
            group = _group(figures, level, origin, destination, carrier_id)
            group.delivered = delivered
            if percentiles is not None:
                group.median_days, group.p80_days, group.p95_days = percentiles
            group.promised, group.on_time, group.finished, group.lost, group.returned = counts
        cursor.execute(_GAPS_SQL, params)
        for level, origin, destination, carrier_id, gap_hours in cursor.fetchall():
            _group(figures, level, origin, destination, carrier_id).gap_hours = gap_hours
    return figures


def _group(figures: LaneFigures, level: int, origin: str, destination: str, carrier_id: int) -> GroupFigures:
    if level == _LANE:
        return figures.lanes.setdefault((origin, destination, carrier_id), GroupFigures())
    if level == _DESTINATION:
        return figures.destinations.setdefault(destination, GroupFigures())
    return figures.overall


# --- the same figures in Python (SQLite) --------------------------------------------------------


def percentile_cont(sorted_values: list[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont``: linear interpolation between the two nearest ranks."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    lo, hi = sorted_values[low], sorted_values[high]
    return lo + (hi - lo) * (position - low)


def finished_parcels(*, since: dt.datetime, until: dt.datetime) -> QuerySet[Shipment]:
    """The outbound parcels on a known lane whose outcome became known in [since, until)."""
    return (
        Shipment.objects.filter(direction=Shipment.Direction.OUTBOUND, carrier__isnull=False)
        .exclude(origin_country="")
        .exclude(destination_country="")
        .filter(
            Q(
                status__in=(
                    TrackingStatus.DELIVERED,
                    TrackingStatus.RETURNED_TO_SENDER,
                    TrackingStatus.EXPIRED,
                )
            )
            | Q(sub_status__in=LOST_SUB_STATUSES)
        )
        .alias(finished_at=Coalesce("delivered_at", "last_event_at"))
        .filter(finished_at__gte=since, finished_at__lt=until)
    )


def lane_figures_python(*, since: dt.datetime, until: dt.datetime) -> LaneFigures:
    """The raw figures computed in Python, parcel by parcel (SQLite and small data sets)."""
    parcels = finished_parcels(since=since, until=until)
    transit: dict[object, list[float]] = defaultdict(list)
    figures = LaneFigures()
    lane_of: dict[int, LaneKey] = {}
    rows = parcels.values_list(
        "pk",
        "origin_country",
        "destination_country",
        "carrier_id",
        "status",
        "sub_status",
        "shipped_at",
        "delivered_at",
        "promised_by",
    )
    for pk, origin, destination, carrier_id, status, sub_status, shipped, delivered_at, promised in rows:
        lane: LaneKey = (origin, destination, carrier_id)
        groups = _groups_of(figures, lane)
        lost = status == TrackingStatus.EXPIRED or sub_status in LOST_SUB_STATUSES
        for group in groups:
            group.finished += 1
            group.lost += lost
            group.returned += status == TrackingStatus.RETURNED_TO_SENDER and not lost
        if status != TrackingStatus.DELIVERED or delivered_at is None or shipped is None:
            continue
        lane_of[pk] = lane
        days = (delivered_at - shipped).total_seconds() / 86400.0
        on_time = promised is not None and delivered_at < dt.datetime.combine(
            promised + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
        )
        for key, group in zip(_keys_of(lane), groups, strict=True):
            group.delivered += 1
            transit[key].append(days)
            group.promised += promised is not None
            group.on_time += on_time
    for key, values in transit.items():
        values.sort()
        group = _group_for_key(figures, key)
        group.median_days, group.p80_days, group.p95_days = (
            percentile_cont(values, fraction) for fraction in (0.5, 0.8, 0.95)
        )
    gaps: dict[object, list[float]] = defaultdict(list)
    events = (
        TrackingEvent.objects.filter(shipment__in=parcels.filter(status=TrackingStatus.DELIVERED))
        .order_by("shipment_id", "occurred_at", "id")
        .values_list("shipment_id", "occurred_at")
    )
    previous: tuple[int, dt.datetime] | None = None
    for shipment_id, occurred_at in events.iterator(chunk_size=5000):
        if previous is not None and previous[0] == shipment_id and shipment_id in lane_of:
            hours = (occurred_at - previous[1]).total_seconds() / 3600.0
            for key in _keys_of(lane_of[shipment_id]):
                gaps[key].append(hours)
        previous = (shipment_id, occurred_at)
    for key, values in gaps.items():
        values.sort()
        _group_for_key(figures, key).gap_hours = percentile_cont(values, 0.5)
    return figures


def _keys_of(lane: LaneKey) -> tuple[object, object, object]:
    return (lane, ("destination", lane[1]), "overall")


def _groups_of(figures: LaneFigures, lane: LaneKey) -> list[GroupFigures]:
    return [_group_for_key(figures, key) for key in _keys_of(lane)]


def _group_for_key(figures: LaneFigures, key: object) -> GroupFigures:
    if key == "overall":
        return figures.overall
    if isinstance(key, tuple) and len(key) == 2:
        return figures.destinations.setdefault(str(key[1]), GroupFigures())
    assert isinstance(key, tuple)
    origin, destination, carrier_id = key
    return figures.lanes.setdefault((str(origin), str(destination), int(carrier_id)), GroupFigures())
