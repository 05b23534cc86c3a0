"""The skeleton every rollup refresh shares (``analytics.services``, ``analytics.lane_services``).

A refresh locks its ``RollupState`` row, chooses the days to recount (every day, or the last
few), replaces those days' rows and stamps the state. What differs (what is counted, which rows
are stale, how they are written) is a function of the ``RefreshWindow`` handed to it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone

from analytics.models import RollupState

M = TypeVar("M", bound=Model)

BATCH_SIZE = 5000


@dataclass(frozen=True)
class RefreshWindow:
    """The days one refresh recounts, in the rollups' time zone ``tz``: every day when
    ``since_day`` is ``None``, otherwise ``since_day`` and the days after it."""

    tz: dt.tzinfo
    since_day: dt.date | None
    now: dt.datetime
    # The state's stamp before this refresh (None: never refreshed).
    previous_refresh: dt.datetime | None

    @property
    def full(self) -> bool:
        return self.since_day is None

    @property
    def since(self) -> dt.datetime | None:
        """The start of ``since_day`` (``None``: a full recount)."""
        if self.since_day is None:
            return None
        return dt.datetime.combine(self.since_day, dt.time.min, tzinfo=self.tz)

    @property
    def changed_since(self) -> dt.datetime | None:
        """For rollups whose rows change after their day (a return decided, an anomaly resolved):
        the earlier of ``since`` and the previous refresh, so that changes made while the refresh
        did not run are recounted too (``None``: a full recount)."""
        since = self.since
        if since is None:
            return None
        return min(since, self.previous_refresh or self.now)

    def stale(self, model: type[M]) -> QuerySet[M]:
        """``model``'s rows of the recounted days."""
        rows = model._default_manager.all()
        return rows if self.since_day is None else rows.filter(day__gte=self.since_day)


def rollup_time_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def planner_jit_off() -> None:
    """Turn PostgreSQL's JIT off for the current transaction: the planner overestimates the
    rollups' grouped counts and JIT-compiles them, which takes longer than the counting itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def rollup_refresh(
    name: str,
    *,
    days: int | None,
    now: dt.datetime,
    tz: dt.tzinfo,
    recount: Callable[[RefreshWindow], int],
) -> int:
    """Refresh the rollup whose ``RollupState`` is ``name``: ``recount`` writes the rows of the
    window's days and returns how many it wrote, which is returned.

    The window is the last ``days`` days (today included), or every day when ``days`` is
    ``None``, on the rollup's first refresh, or after ``TIME_ZONE`` changed (its days would be
    cut at other hours). Runs inside the caller's transaction: concurrent refreshes of one
    rollup wait for each other on its state row.
    """
    RollupState.objects.get_or_create(name=name)
    state = RollupState.objects.select_for_update().get(name=name)
    full = days is None or state.refreshed_at is None or state.time_zone != settings.TIME_ZONE
    since_day = None
    if not full:
        since_day = timezone.localtime(now, tz).date() - dt.timedelta(days=max(days or 1, 1) - 1)
    written = recount(RefreshWindow(tz=tz, since_day=since_day, now=now, previous_refresh=state.refreshed_at))
    state.refreshed_at = now
    state.time_zone = settings.TIME_ZONE
    state.save(update_fields=["refreshed_at", "time_zone"])
    return written


def rollups_refresh_in_turn(
    recounts: Sequence[tuple[str, Callable[[RefreshWindow], int]]],
    *,
    days: int | None,
    now: dt.datetime | None,
) -> int:
    """``rollup_refresh`` each (state name, recount) pair in turn, on one clock and in the
    rollups' time zone, with the planner's JIT off; returns the rows written."""
    now = now or timezone.now()
    tz = rollup_time_zone()
    planner_jit_off()
    return sum(rollup_refresh(name, days=days, now=now, tz=tz, recount=recount) for name, recount in recounts)


def rollup_rows_replace(stale: QuerySet[M], rows: Sequence[M]) -> int:
    """Delete the ``stale`` rows and insert ``rows`` in their place; returns how many were inserted."""
    stale.delete()
    stale.model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)
