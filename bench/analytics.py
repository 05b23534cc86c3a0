"""Analytics dashboards: median and p95 server time and SQL queries of every registered
dashboard page, at its default filters (the last 30 days) and over the last 90 days.

Runs against whatever database the environment names (seed it first with
`manage.py seed_demo --scale N`, then refresh the daily rollup the way beat does, which
`--refresh` does for you). Not a test: timings depend on the machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_million SECRET_KEY=... DEBUG=true \\
        SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=localhost .venv/bin/python bench/analytics.py --refresh
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from analytics.dashboards import dashboards_in_order  # noqa: E402
from analytics.lane_services import lane_rollups_refresh  # noqa: E402
from analytics.services import rollups_refresh  # noqa: E402
from tickets.models import Ticket  # noqa: E402

PERIODS = {"default (30 days)": {}, "90 days": {"days": "90"}}


def measure(client: Client, path: str, params: dict[str, str], runs: int) -> tuple[float, float, int]:
    client.get(path, params, HTTP_HOST="localhost")  # warm caches and the connection
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, params, HTTP_HOST="localhost")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured)
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
    return statistics.median(timings), p95, queries


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--user", default="manager")
    parser.add_argument("--only", nargs="*", default=None, help="Dashboard slugs to measure (default: all).")
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="Rebuild the daily rollup first (as the nightly beat task does).",
    )
    args = parser.parse_args()
    if args.refresh:
        started = time.perf_counter()
        rows = rollups_refresh(days=None)
        rows += lane_rollups_refresh(days=None)
        print(f"daily rollup rebuilt: {rows} rows in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        rollups_refresh(days=3)
        lane_rollups_refresh(days=3)
        print(f"recent-days refresh (the 10-minute beat task): {time.perf_counter() - started:.1f} s")
    total = Ticket.objects.count()
    print(f"{total} tickets on {connection.vendor}; {args.runs} runs per page; user {args.user}")
    print(f"{'dashboard':<16} {'period':<18} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    for entry in dashboards_in_order():
        if args.only and entry.slug not in args.only:
            continue
        path = reverse("analytics:dashboard", args=[entry.slug])
        for label, params in PERIODS.items():
            median, p95, queries = measure(client, path, params, args.runs)
            print(f"{entry.slug:<16} {label:<18} {median:>10.1f} {p95:>8.1f} {queries:>8}", flush=True)


if __name__ == "__main__":
    main()
