"""REST API ticket list: requests per second and SQL queries, in this process (no HTTP server).

Read only: signs the users in with a session (the API's bearer tokens would need the token
table; a session request runs the same view, scoping, filters and pagination). Runs against
whatever database the environment names (seed it first with `manage.py seed_demo --scale N`).
Not a test: timings depend on the machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_bench100k SECRET_KEY=... DEBUG=false \\
        SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=localhost API_THROTTLE_RATE=100000/min \\
        .venv/bin/python bench/api.py --requests 200
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

from tickets.models import Ticket  # noqa: E402


def measure(client: Client, path: str, requests: int) -> tuple[float, float, float, int]:
    """Requests per second, median and p95 milliseconds, queries per request."""
    response = client.get(path, HTTP_HOST="localhost")  # warm caches and the connection
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    timings: list[float] = []
    with CaptureQueriesContext(connection) as captured:
        client.get(path, HTTP_HOST="localhost")
    queries = len(captured)
    started = time.perf_counter()
    for _ in range(requests):
        begun = time.perf_counter()
        response = client.get(path, HTTP_HOST="localhost")
        timings.append((time.perf_counter() - begun) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    elapsed = time.perf_counter() - started
    return requests / elapsed, statistics.median(timings), statistics.quantiles(timings, n=20)[-1], queries


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--users", nargs="+", default=["manager", "agent.wang"])
    args = parser.parse_args()
    print(f"{Ticket.objects.count()} tickets on {connection.vendor}; {args.requests} requests per line")
    print(f"{'user':<12} {'request':<34} {'req/s':>7} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for username in args.users:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        first = client.get("/api/v1/tickets/", HTTP_HOST="localhost").json()
        second_page = first["next"].split("localhost", 1)[-1] if first["next"] else "/api/v1/tickets/"
        paths = {
            "tickets, first page (50)": "/api/v1/tickets/",
            "tickets, next page (cursor)": second_page,
            "tickets, status=open": "/api/v1/tickets/?status=open",
            "tickets, open + priority 3, by created": "/api/v1/tickets/?status=open&priority=3&ordering=-created_at",
            "tickets, page_size=200": "/api/v1/tickets/?page_size=200",
        }
        for label, path in paths.items():
            per_second, median, p95, queries = measure(client, path, args.requests)
            print(
                f"{username:<12} {label:<34} {per_second:>7.1f} {median:>10.1f} {p95:>8.1f} {queries:>8}",
                flush=True,
            )


if __name__ == "__main__":
    main()
