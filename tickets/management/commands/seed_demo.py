from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from tickets.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Load deterministic demo data: stores on eight platforms, customers in sixteen countries, orders, "
        "parcels with tracking histories, tickets in twelve languages, returns, refunds, surveys, rule sets "
        "and demo users. Idempotent: a second run adds nothing; a larger --scale adds the difference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=600, help="Number of demo tickets (default 600).")
        parser.add_argument("--block-size", type=int, default=None, help="Tickets per transaction.")

    def handle(self, *args: Any, scale: int, block_size: int | None, **options: Any) -> None:
        if scale < 0:
            self.stderr.write("--scale must be zero or more")
            raise SystemExit(2)
        block_size = block_size or (500 if scale <= 20_000 else 5_000)
        started = time.monotonic()
        bar = tqdm(total=scale, unit="tickets", disable=options["verbosity"] == 0, dynamic_ncols=True)

        def progress(done: int, total: int) -> None:
            bar.n = done
            bar.refresh()

        result = seed_demo(scale=scale, block_size=block_size, progress=progress)
        bar.close()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Demo data: {result['added']} tickets added, {result['total']} in all, in {elapsed:.1f} s."
        )
