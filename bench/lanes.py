"""The nightly lane computation on a million parcels (PostgreSQL).

Seeds (once; a second run reuses them) ``--parcels`` finished outbound parcels of one benchmark
store over 5 origins × 12 destinations × 12 carriers (720 lanes), with transit times that
differ per lane, 92 % delivered, the rest returned, expired or lost, all finishing within the
90-day window, and ``--events`` tracking events per parcel; then times
``lane_statistics_compute`` (aggregation in SQL, blending and upsert in Python) ``--runs`` times
and prints each run and the median. Seeding happens inside PostgreSQL (``generate_series``), so
it takes a minute or two rather than the hours a factory would. Not a test: timings depend on
the machine.

    createdb -h 127.0.0.1 -U postgres hd_l3_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_l3_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_l3_bench SECRET_KEY=<50+ chars> \\
        .venv/bin/python bench/lanes.py --parcels 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")

import django

django.setup()

from django.db import connection, models, transaction  # noqa: E402

from customers.models import Platform, Store  # noqa: E402
from logistics.models import Carrier, LaneStatistic, Shipment, TrackingEvent  # noqa: E402
from logistics.services.lanes import lane_statistics_compute  # noqa: E402

ORIGINS = ["CN", "CN", "CN", "HK", "DE", "US", "GB"]
DESTINATIONS = ["US", "DE", "GB", "FR", "ES", "IT", "NL", "AU", "CA", "JP", "PL", "SE"]
CARRIERS = 12
PREFIX = "BENCHLANE"

# One row per parcel, all of it computed by PostgreSQL: lane from the row number, transit time
# from the lane (3 to 17 days) plus a long right tail, outcome and finishing day at random.
PARCELS_SQL = """
    WITH g AS (
        SELECT i, random() AS r1, random() AS r2, random() AS r3,
               (%(origins)s::text[])[1 + (i %% 7)] AS o,
               (%(destinations)s::text[])[1 + ((i / 7) %% 12)] AS d,
               (%(carriers)s::bigint[])[1 + ((i / 84) %% 12)] AS c
        FROM generate_series(%(first)s, %(last)s) AS i
    ), h AS (
        SELECT g.*,
               now() - (1 + r2 * 85) * interval '1 day' AS finished_at,
               (3 + ((i %% 1008) %% 15) + r1 * r1 * 20) * interval '1 day' AS transit,
               CASE WHEN r3 < 0.92 THEN 'delivered' WHEN r3 < 0.95 THEN 'returned_to_sender'
                    WHEN r3 < 0.97 THEN 'expired' ELSE 'exception' END AS outcome
        FROM g
    )
    SELECT {columns} FROM h
"""
PARCEL_VALUES = {
    "store_id": "%(store)s",
    "carrier_id": "c",
    "tracking_number": "%(prefix)s || lpad(i::text, 9, '0')",
    "direction": "'outbound'",
    "status": "outcome",
    "sub_status": "CASE WHEN outcome = 'exception' THEN 'lost' ELSE '' END",
    "origin_country": "o",
    "destination_country": "d",
    "shipped_at": "finished_at - transit",
    "promised_by": "CASE WHEN r2 < 0.6 THEN (finished_at - transit + interval '14 days')::date END",
    "delivered_at": "CASE WHEN outcome = 'delivered' THEN finished_at END",
    "last_event_at": "finished_at",
    "last_location": "'bench'",
    "provider": "'bench'",
    "created_at": "finished_at - transit",
    "updated_at": "finished_at",
}
EVENTS_SQL = """
    SELECT {columns}
    FROM logistics_shipment s CROSS JOIN generate_series(1, %(events)s) AS k
    WHERE s.store_id = %(store)s AND s.id > %(after)s
"""
EVENT_VALUES = {
    "shipment_id": "s.id",
    "provider": "'bench'",
    "provider_event_id": "s.id::text || '-' || k",
    "occurred_at": (
        "s.shipped_at + (s.last_event_at - s.shipped_at) * "
        "CASE WHEN k = %(events)s THEN 1 ELSE (k - 1 + random() * 0.5) / %(events)s END"
    ),
    "local_timezone": "'UTC'",
    "status": "CASE WHEN k = %(events)s THEN s.status ELSE 'in_transit' END",
    "location": "'bench'",
    "country": "s.destination_country",
    "received_at": "s.last_event_at",
}


def insert_select(
    model: type[models.Model], values: dict[str, str], source: str, params: dict[str, Any]
) -> int:
    """INSERT ... SELECT with every column of ``model``: the given SQL expressions, and each
    other field's default as a parameter (so fields other apps add later do not break it)."""
    columns, expressions = [], []
    params = dict(params)
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in values:
            expressions.append(values[field.column])
        else:
            key = f"default_{field.column}"
            params[key] = field.get_db_prep_save(field.get_default(), connection)
            expressions.append(f"%({key})s")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) " + source.format(
        columns=", ".join(expressions)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def seed(*, parcels: int, events: int) -> Store:
    store, _ = Store.objects.get_or_create(
        platform=Platform.EMAIL,
        external_id="bench-lanes",
        defaults={"name": "Lane benchmark", "currency": "EUR", "default_language": "en"},
    )
    carriers = [
        Carrier.objects.get_or_create(code=f"bench-carrier-{n}", defaults={"name": f"Bench carrier {n}"})[
            0
        ].pk
        for n in range(CARRIERS)
    ]
    have = Shipment.objects.filter(store=store).count()
    if have >= parcels:
        print(f"{have:,} parcels already seeded")
        return store
    started = time.monotonic()
    after = Shipment.objects.filter(store=store).order_by("-pk").values_list("pk", flat=True).first() or 0
    step = 250_000
    for first in range(have + 1, parcels + 1, step):
        with transaction.atomic():
            added = insert_select(
                Shipment,
                PARCEL_VALUES,
                PARCELS_SQL,
                {
                    "first": first,
                    "last": min(parcels, first + step - 1),
                    "origins": ORIGINS,
                    "destinations": DESTINATIONS,
                    "carriers": carriers,
                    "store": store.pk,
                    "prefix": PREFIX,
                },
            )
        print(f"  {added:,} parcels ({time.monotonic() - started:.0f} s)")
    with transaction.atomic():
        added = insert_select(
            TrackingEvent, EVENT_VALUES, EVENTS_SQL, {"events": events, "store": store.pk, "after": after}
        )
    print(f"  {added:,} tracking events ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE logistics_shipment")
        cursor.execute("ANALYZE logistics_trackingevent")
    print(f"seeded in {time.monotonic() - started:.0f} s")
    return store


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=4, help="tracking events per parcel")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python", action="store_true", help="also time the Python (SQLite) engine once")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at a PostgreSQL database: this measures the SQL path.")

    seed(parcels=args.parcels, events=args.events)
    timings = []
    for run in range(1, args.runs + 1):
        result = lane_statistics_compute(engine="sql")
        timings.append(result.seconds)
        print(
            f"run {run}: {result.lanes:,} lanes from {result.parcels:,} finished parcels in {result.seconds:.2f} s"
        )
    print(f"median of {args.runs}: {statistics.median(timings):.2f} s")
    if args.python:
        result = lane_statistics_compute(engine="python")
        print(f"python engine: {result.lanes:,} lanes in {result.seconds:.2f} s")
    sample = (
        LaneStatistic.objects.filter(origin_country="CN", destination_country="US")
        .order_by("carrier_id")
        .first()
    )
    if sample is not None:
        print(
            f"e.g. CN→US by {sample.carrier}: n={sample.sample_size}, median {sample.median_days} d, "
            f"p80 {sample.p80_days} d, p95 {sample.p95_days} d, scan gap {sample.median_scan_gap_hours} h, "
            f"on time {sample.on_time_rate}, lost {sample.loss_rate}, returned {sample.returned_rate}"
        )


if __name__ == "__main__":
    main()
