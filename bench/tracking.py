"""Tracking-event ingestion: signed webhook in, committed event and updated parcel status out.

Posts AfterShip and 17TRACK webhooks through the whole Django stack (URL, middleware, view,
signature, parsing, normalisation, the parcel's row lock, insert, recompute, commit) with
Django's test client, in autocommit as in production. Each parcel gets one webhook per new
scan, and like the real providers every webhook carries the parcel's whole history so far, so
each request adds one event and re-sends the older ones (stored once). Then every parcel's
last webhook is delivered again (nothing new) to time the redelivery path. Each run uses new
tracking numbers, so runs can repeat on the same database. Not a test: timings depend on the
machine.

The anomaly check each new event queues goes to Celery's in-memory broker unless
CELERY_BROKER_URL says otherwise (so a benchmark never floods a real worker).

    createdb -h 127.0.0.1 -U postgres hd_l2_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_l2_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_l2_bench SECRET_KEY=<50+ chars> DEBUG=false \\
        ALLOWED_HOSTS=localhost SECURE_SSL_REDIRECT=false .venv/bin/python bench/tracking.py --runs 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")
os.environ.setdefault("CELERY_BROKER_URL", "memory://localhost/")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from customers.models import Platform, Store  # noqa: E402
from logistics.models import Shipment, TrackingEvent, TrackingProviderAccount  # noqa: E402
from logistics.webhooks import aftership_signature, seventeen_track_signature  # noqa: E402

SECRET = "bench-tracking-secret"
# One parcel's journey, China to Germany: (AfterShip tag, subtag, 17TRACK sub-status, text, city, country).
JOURNEY = [
    ("InfoReceived", "InfoReceived_001", "InfoReceived", "Electronic information received", "Shenzhen", "CN"),
    ("InTransit", "InTransit_002", "InTransit_PickedUp", "【深圳】已收寄", "Shenzhen", "CN"),
    (
        "InTransit",
        "InTransit_007",
        "InTransit_Departure",
        "Departed from the origin airport",
        "Shenzhen",
        "CN",
    ),
    ("InTransit", "InTransit_001", "InTransit_Other", "Sendung wird beim Zoll geprüft", "Frankfurt", "DE"),
    ("InTransit", "InTransit_005", "InTransit_CustomsReleased", "Vom Zoll freigegeben", "Frankfurt", "DE"),
    ("OutForDelivery", "OutForDelivery_001", "OutForDelivery_Other", "In Zustellung", "Berlin", "DE"),
    ("Delivered", "Delivered_001", "Delivered_Other", "Zugestellt", "Berlin", "DE"),
]
ALPHA3 = {"CN": "CHN", "DE": "DEU"}
OFFSETS = {"CN": dt.timezone(dt.timedelta(hours=8)), "DE": dt.timezone(dt.timedelta(hours=1))}


def bench_store() -> Store:
    store, _ = Store.objects.get_or_create(
        platform=Platform.SHOPIFY,
        external_id="bench-tracking.myshopify.com",
        defaults={"name": "Tracking benchmark", "currency": "EUR", "default_language": "de"},
    )
    for provider in ("aftership", "17track"):
        TrackingProviderAccount.objects.update_or_create(
            store=store, provider=provider, defaults={"secret": SECRET, "is_active": True}
        )
    return store


def scan_times(index: int) -> list[dt.datetime]:
    start = dt.datetime(2025, 11, 1, 8, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=index)
    return [start + dt.timedelta(hours=20 * step) for step in range(len(JOURNEY))]


def aftership_body(number: str, times: list[dt.datetime], upto: int) -> bytes:
    checkpoints = [
        {
            "slug": "china-post",
            "checkpoint_time": when.astimezone(OFFSETS[country]).isoformat(),
            "tag": tag,
            "subtag": subtag,
            "message": text,
            "city": city,
            "location": city,
            "country_iso3": ALPHA3[country],
        }
        for when, (tag, subtag, _, text, city, country) in zip(times[:upto], JOURNEY[:upto], strict=True)
    ]
    tag, subtag = JOURNEY[upto - 1][:2]
    tracking = {
        "tracking_number": number,
        "slug": "china-post",
        "tag": tag,
        "subtag": subtag,
        "origin_country_iso3": "CHN",
        "destination_country_iso3": "DEU",
        "checkpoints": checkpoints,
    }
    return json.dumps({"event": "tracking_update", "event_id": str(uuid.uuid4()), "msg": tracking}).encode()


def seventeen_track_body(number: str, times: list[dt.datetime], upto: int) -> bytes:
    events = [
        {
            "time_iso": when.astimezone(OFFSETS[country]).isoformat(),
            "time_utc": when.isoformat(),
            "description": text,
            "location": city,
            "stage": None,
            "sub_status": sub_status,
            "address": {"country": country, "city": city},
        }
        for when, (_, _, sub_status, text, city, country) in zip(times[:upto], JOURNEY[:upto], strict=True)
    ]
    data = {
        "number": number,
        "carrier": 3011,
        "track_info": {
            "shipping_info": {"shipper_address": {"country": "CN"}, "recipient_address": {"country": "DE"}},
            "tracking": {"providers": [{"provider": {"key": 3011}, "events": list(reversed(events))}]},
        },
    }
    return json.dumps({"event": "TRACKING_UPDATED", "data": data}, ensure_ascii=False).encode()


class Poster:
    def __init__(self, store: Store) -> None:
        self.client = Client()
        self.urls = {
            "aftership": reverse("tracking_webhooks:aftership", kwargs={"key": store.inbound_key}),
            "17track": reverse("tracking_webhooks:seventeen_track", kwargs={"key": store.inbound_key}),
        }

    def post(self, provider: str, body: bytes) -> tuple[float, int]:
        if provider == "aftership":
            headers = {"aftership-hmac-sha256": aftership_signature(SECRET, body)}
        else:
            headers = {"sign": seventeen_track_signature(SECRET, body)}
        started = time.perf_counter()
        response = self.client.post(
            self.urls[provider],
            data=body,
            content_type="application/json",
            headers=headers,
            HTTP_HOST="localhost",
        )
        elapsed = time.perf_counter() - started
        assert response.status_code in (200, 202), (response.status_code, response.content[:300])
        return elapsed, response.json().get("stored", 0)


def one_run(poster: Poster, parcels: int, run: str) -> dict[str, float]:
    numbers = [f"BN{run}{index:05d}CN" for index in range(parcels)]
    providers = ["aftership" if index % 2 == 0 else "17track" for index in range(parcels)]
    times = [scan_times(index) for index in range(parcels)]
    build = {"aftership": aftership_body, "17track": seventeen_track_body}
    new_timings, stored = [], 0
    for upto in range(1, len(JOURNEY) + 1):  # scan by scan, every parcel, whole history each time
        for number, provider, when in zip(numbers, providers, times, strict=True):
            elapsed, added = poster.post(provider, build[provider](number, when, upto))
            new_timings.append(elapsed)
            stored += added
    again_timings = []
    for number, provider, when in zip(numbers, providers, times, strict=True):
        elapsed, added = poster.post(provider, build[provider](number, when, len(JOURNEY)))
        again_timings.append(elapsed)
        assert added == 0
    assert stored == parcels * len(JOURNEY)
    assert TrackingEvent.objects.filter(shipment__tracking_number__in=numbers).count() == stored
    delivered = Shipment.objects.filter(tracking_number__in=numbers, status="delivered").count()
    assert delivered == parcels, f"{delivered} of {parcels} parcels delivered"
    new_ms = sorted(t * 1000 for t in new_timings)
    return {
        "events_per_s": stored / sum(new_timings),
        "median_ms": statistics.median(new_ms),
        "p95_ms": statistics.quantiles(new_ms, n=20)[-1],
        "redelivered_per_s": len(again_timings) / sum(again_timings),
        "redelivered_median_ms": statistics.median(t * 1000 for t in again_timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parcels", type=int, default=100, help="parcels per run (7 scans each)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    store = bench_store()
    poster = Poster(store)
    before = TrackingEvent.objects.count()
    print(
        f"{args.runs} runs × {args.parcels} parcels × {len(JOURNEY)} scans on {connection.vendor} "
        f"({before} events already stored); half AfterShip, half 17TRACK"
    )
    print(
        f"{'run':<6}{'new events/s':>14}{'median ms':>11}{'p95 ms':>9}{'redelivered/s':>15}{'median ms':>11}"
    )
    results = []
    for number in range(1, args.runs + 1):
        result = one_run(poster, args.parcels, uuid.uuid4().hex[:6].upper())
        results.append(result)
        print(
            f"{number:<6}{result['events_per_s']:>14.1f}{result['median_ms']:>11.1f}{result['p95_ms']:>9.1f}"
            f"{result['redelivered_per_s']:>15.1f}{result['redelivered_median_ms']:>11.1f}",
            flush=True,
        )
    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(
        f"{'median':<6}{median['events_per_s']:>14.1f}{median['median_ms']:>11.1f}{median['p95_ms']:>9.1f}"
        f"{median['redelivered_per_s']:>15.1f}{median['redelivered_median_ms']:>11.1f}"
    )
    print(f"redelivered/new throughput ratio: {median['redelivered_per_s'] / median['events_per_s']:.2f}")


if __name__ == "__main__":
    main()
