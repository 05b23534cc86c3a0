"""The nightly tagging task over the demo data: how long every automatic tag and RFM segment takes.

Runs ``customers.tasks.customer_tags_recompute`` (the task beat starts each night; it calls
``customers.segments.customer_tags_recompute``) ``--runs`` times against a database seeded with
``seed_demo --scale N`` and prints the size of the data, the time of each run and the median,
and how many customers each tag has. The first run sets the tags; the later ones find them in
place and change nothing, as on a night when nobody's segment moved. It writes tags: point it at
a demo database, not at production. Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_demo SECRET_KEY=<50+ chars> DEBUG=false \\
        ALLOWED_HOSTS=localhost .venv/bin/python bench/tagging.py --runs 3
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

from django.db import connection  # noqa: E402

from customers.models import Customer, CustomerTag, Order  # noqa: E402
from customers.tasks import customer_tags_recompute  # noqa: E402
from returns.models import ReturnRequest  # noqa: E402
from tickets.models import Ticket  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    print(
        f"{connection.vendor}: {Ticket.objects.count():,} tickets, {Customer.objects.count():,} customers, "
        f"{Order.objects.count():,} orders, {ReturnRequest.objects.count():,} returns"
    )
    timings = []
    result: dict[str, object] = {}
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        # Called as beat's worker calls it, in this process.
        result = customer_tags_recompute.run()
        elapsed = time.perf_counter() - started
        timings.append(elapsed)
        print(f"run {run}: {elapsed:.2f} s (added {result['added']:,}, removed {result['removed']:,})")
    print(f"median of {len(timings)}: {statistics.median(timings):.2f} s")
    members = result.get("members", {})
    assert isinstance(members, dict)
    for slug, count in sorted(members.items(), key=lambda item: -item[1]):
        print(f"  {slug:<20} {count:>10,}")
    print(f"automatic and manual tag links in all: {CustomerTag.objects.count():,}")


if __name__ == "__main__":
    main()
