"""A real Celery beat process, reading its schedule from PostgreSQL (django-celery-beat's
DatabaseScheduler), triggers the seasonal swap, which a real worker runs."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from helpdesk.models import RuleSetSwap, SeasonalRuleSet
from tests.factories import SeasonalRuleSetFactory
from tests.tickets.worker_process import REDIS_REASON, REDIS_URL, REPO, VENV_BIN, celery_worker

pytestmark = [pytest.mark.integration, pytest.mark.skipif(not REDIS_URL, reason=REDIS_REASON)]


@contextmanager
def celery_beat(*, database_url: str, directory: Path) -> Iterator[Path]:
    """``celery beat`` with the DatabaseScheduler (as in the Procfile); yields its log; stops it."""
    environment = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.base",
        SECRET_KEY="integration-test-secret-key-0123456789-abcdefghij",
        DEBUG="true",
        VAR_DIR=str(directory / "var"),
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        PYTHONUNBUFFERED="1",
    )
    log_path = directory / "beat.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "--app",
                "helpdesk",
                "beat",
                "--loglevel",
                "DEBUG",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--max-interval",
                "1",
                "--pidfile=",
            ],
            cwd=REPO,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield log_path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_beat_from_the_database_schedule_swaps_a_rule_set_at_its_boundary(process_database_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("proves the PostgreSQL beat scheduler of production; run with DATABASE_URL=postgres://…")
    now = timezone.now()
    black_friday = SeasonalRuleSetFactory(
        prepare_from=now - timedelta(days=3),
        peak_from=now + timedelta(days=1),  # moved just ahead once the worker is up
        peak_until=now + timedelta(days=3),
        review_until=now + timedelta(days=20),
    )
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)

    with celery_worker(database_url=process_database_url, directory=tmp_path) as worker:
        # The boundary passes while beat runs (beat starts in about two seconds).
        black_friday.peak_from = timezone.now() + timedelta(seconds=6)
        black_friday.save(update_fields=["peak_from"])
        PeriodicTask.objects.create(
            name="Seasonal rule set swap",
            task="helpdesk.tasks.seasons_swap_due",
            interval=every_second,
            queue=worker["queue"],
        )
        with celery_beat(database_url=process_database_url, directory=tmp_path) as beat_log:
            phases: list[str] = []
            deadline = time.monotonic() + 40
            while SeasonalRuleSet.Phase.DURING not in phases:
                assert time.monotonic() < deadline, (
                    f"no swap to 'during' ({phases}):\nbeat:\n{beat_log.read_text()[-2000:]}\n"
                    f"worker:\n{worker['log'].read_text()[-2000:]}"
                )
                time.sleep(0.5)
                phases = list(
                    RuleSetSwap.objects.filter(rule_set=black_friday)
                    .order_by("created_at")
                    .values_list("to_phase", flat=True)
                )
            time.sleep(2.5)  # more beat ticks: the swap is idempotent
            swaps = list(RuleSetSwap.objects.filter(rule_set=black_friday).order_by("created_at"))

    # Before the boundary beat put it into "before" (unless a slow start missed those seconds);
    # at the boundary into "during"; later ticks changed nothing.
    assert [swap.to_phase for swap in swaps] in (
        [SeasonalRuleSet.Phase.BEFORE, SeasonalRuleSet.Phase.DURING],
        [SeasonalRuleSet.Phase.DURING],
    )
    assert all(swap.actor is None for swap in swaps)
    assert swaps[-1].created_at >= black_friday.peak_from
    assert all(swap.created_at < black_friday.peak_from for swap in swaps[:-1])
    black_friday.refresh_from_db()
    assert black_friday.phase == SeasonalRuleSet.Phase.DURING
    assert "helpdesk.tasks.seasons_swap_due" in worker["log"].read_text()
