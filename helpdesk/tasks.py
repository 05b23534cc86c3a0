from __future__ import annotations

from celery import shared_task

from helpdesk.health import record_worker_heartbeat


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Scheduled by beat, run by a worker: proves both are alive (shown on /healthz)."""
    record_worker_heartbeat()


@shared_task(ignore_result=True)
def seasons_swap_due() -> int:
    """Scheduled by beat: swap seasonal rule sets whose phase boundary has passed."""
    from helpdesk.seasons import rule_sets_swap_due

    return len(rule_sets_swap_due())
