"""Celery tasks of the analytics app: thin, safe to run twice, they call services."""

from __future__ import annotations

from celery import shared_task

from analytics import lane_services, services

RECENT_DAYS = 3


@shared_task(ignore_result=True)
def rollups_refresh_recent() -> int:
    """Every few minutes: recount the daily ticket and lane rollups for the last few days."""
    return services.rollups_refresh(days=RECENT_DAYS) + lane_services.lane_rollups_refresh(days=RECENT_DAYS)


@shared_task(ignore_result=True)
def rollups_refresh_all() -> int:
    """Nightly: recount every day, for what changed on older tickets (reopens, re-routing) and
    parcels (a late anomaly found after the outcome)."""
    return services.rollups_refresh(days=None) + lane_services.lane_rollups_refresh(days=None)


@shared_task(ignore_result=True)
def season_reports_precompute() -> int:
    """Hourly: build the post-holiday report of each season that has just finished."""
    from analytics.report.precompute import season_reports_precompute as precompute

    return precompute()


@shared_task(ignore_result=True)
def segment_days_snapshot() -> int:
    """Nightly, after the tagging: how many customers each segment and tag holds today."""
    return services.segment_days_snapshot()
