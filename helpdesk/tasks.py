from __future__ import annotations

from celery import shared_task

from helpdesk.health import record_worker_heartbeat


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Scheduled by beat, run by a worker: proves both are alive (shown on /healthz)."""
    record_worker_heartbeat()
