from __future__ import annotations

from celery import Task, shared_task

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


@shared_task(bind=True, ignore_result=True, max_retries=None, acks_late=True)
def webhook_deliver(self: Task, delivery_id: int) -> str:
    """Queued after commit by ``helpdesk.events.emit``: one attempt, then a retry with backoff
    (the delivery row counts the attempts and says when to stop)."""
    from helpdesk.outbound.services import webhook_delivery_attempt

    result = webhook_delivery_attempt(delivery_id=delivery_id)
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in)
    return result.status


@shared_task(ignore_result=True)
def webhook_deliveries_retry_due() -> int:
    """Scheduled by beat: queue the outbound deliveries whose task was lost."""
    from helpdesk.outbound.services import webhook_deliveries_due

    due = webhook_deliveries_due()
    for delivery_id in due:
        webhook_deliver.delay(delivery_id)
    return len(due)


@shared_task(ignore_result=True)
def api_idempotency_keys_purge() -> int:
    """Scheduled by beat: forget the API's stored POST responses after a day."""
    from helpdesk.api.services import idempotency_keys_purge

    return idempotency_keys_purge()
