"""``manage.py forecast_backtest``: the rolling-origin back-test of the volume forecast, as a table.

Each of the last ``--origins`` weeks is forecast from the history before it, by the model with
and without a trend and by the seasonal naive forecast (same hour last week).
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from analytics.filters import DashboardFilters
from analytics.forecast import HOUR, HOURS_PER_WEEK, InsufficientHistory, backtest
from analytics.forecast_selectors import floor_hour, hourly_ticket_counts, season_windows


class Command(BaseCommand):
    help = "Back-test the hourly ticket-volume forecast against the same hour last week."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--store", type=int, help="Only this store (id); default: every store.")
        parser.add_argument("--origins", type=int, default=4, help="Weeks back-tested (default 4).")
        parser.add_argument("--training-weeks", type=int, default=8, help="Weeks each fit learns from.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["origins"] < 1 or options["training_weeks"] < 2:
            raise CommandError("--origins must be >= 1 and --training-weeks >= 2.")
        # A viewer who sees every store: the command runs on the server, not for a user.
        everyone = get_user_model()(username="forecast-backtest", is_superuser=True, is_active=True)
        today = timezone.localdate()
        filters = DashboardFilters(user=everyone, start=today, end=today, store_id=options["store"])
        origin = floor_hour(timezone.now())
        since = origin - (options["origins"] + options["training_weeks"]) * HOURS_PER_WEEK * HOUR
        started = time.monotonic()
        history = hourly_ticket_counts(filters=filters, since=since, until=origin).from_first_ticket()
        seasons = season_windows(filters=filters, since=since, until=origin)
        self.stdout.write(
            f"{sum(history.counts):,} customer tickets in {len(history.counts):,} hours up to {origin:%Y-%m-%d %H:00} UTC "
            f"(read in {time.monotonic() - started:.1f} s)"
        )
        for trend in (False, True):
            fit_started = time.monotonic()

            def progress(done: int, total: int) -> None:
                self.stderr.write(f"  fitted {done}/{total} origins", ending="\r")

            try:
                result = backtest(
                    history,
                    seasons=seasons,
                    trend=trend,
                    origins=options["origins"],
                    training_weeks=options["training_weeks"],
                    progress=progress,
                )
            except InsufficientHistory as error:
                raise CommandError(str(error)) from error
            self.stdout.write("")
            self.stdout.write(f"{result.model} vs seasonal naive ({time.monotonic() - fit_started:.1f} s)")
            self.stdout.write(
                f"{'origin':<18} {'MAE':>7} {'naive':>7} {'RMSE':>7} {'naive':>7} {'WAPE':>7} {'naive':>7} {'in 80%':>7}"
            )
            for row in result.rows:
                label = row.label if row.label == "overall" else f"{row.origin:%Y-%m-%d %H:00}"
                self.stdout.write(
                    f"{label:<18} {row.model.mae:7.2f} {row.naive.mae:7.2f} {row.model.rmse:7.2f} "
                    f"{row.naive.rmse:7.2f} {_percent(row.model.wape):>7} {_percent(row.naive.wape):>7} "
                    f"{_percent(row.model.coverage):>7}"
                )
            verdict = "beats" if result.beats_naive else "does NOT beat"
            self.stdout.write(f"{result.model} {verdict} the seasonal naive forecast (overall MAE).")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
