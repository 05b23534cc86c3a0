"""Inbox page: median server time and SQL queries, for a manager and an agent.

Runs against whatever database the environment names (seed it first with
`manage.py seed_demo --scale N`). Not a test: timings depend on the machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_million SECRET_KEY=... DEBUG=false \\
        SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=localhost .venv/bin/python bench/inbox.py --runs 15
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
from tickets.selectors import ticket_inbox_page  # noqa: E402


def measure(client: Client, path: str, runs: int) -> tuple[float, float, int]:
    client.get(path, HTTP_HOST="localhost")  # warm caches and the connection
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, HTTP_HOST="localhost")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1], queries


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--users", nargs="+", default=["manager", "agent.wang"])
    args = parser.parse_args()
    total = Ticket.objects.count()
    print(f"{total} tickets on {connection.vendor}; {args.runs} runs per page")
    print(f"{'user':<12} {'page':<28} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    User = get_user_model()
    for username in args.users:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        first = ticket_inbox_page(user=user, view="open")
        by_due = ticket_inbox_page(user=user, view="open", sort="due")
        pages = {
            "open, first page": "/inbox/?view=open",
            "open, second page": f"/inbox/?view=open&after={first.next_cursor}",
            "all, first page": "/inbox/?view=all",
            "search 'parcel' (common)": "/inbox/?view=all&q=parcel",
            "search a reference (rare)": f"/inbox/?view=all&q={first.tickets[-1].reference}",
            "open, by SLA due": "/inbox/?view=open&sort=due",
            "open, by SLA due, page 2": f"/inbox/?view=open&sort=due&after={by_due.next_cursor}",
            "open, e-mail + not received": "/inbox/?view=open&channel=email&intent=not_received",
            "open, negative, language de": "/inbox/?view=open&sentiment=negative&language=de",
            "all, tag vip": "/inbox/?view=all&tag=vip",
            "open, country DE": "/inbox/?view=open&country=DE",
        }
        for label, path in pages.items():
            median, p95, queries = measure(client, path, args.runs)
            print(f"{username:<12} {label:<28} {median:>10.1f} {p95:>8.1f} {queries:>8}", flush=True)


if __name__ == "__main__":
    main()
