from __future__ import annotations

import logging

from celery import Task, shared_task

from helpdesk.health import record_worker_heartbeat

logger = logging.getLogger(__name__)


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


@shared_task(ignore_result=True)
def platform_orders_sync_all() -> int:
    """Scheduled by beat: queue an order sync for every active store with platform credentials."""
    from helpdesk.platforms.sync import stores_to_sync

    store_ids = stores_to_sync()
    for store_id in store_ids:
        platform_orders_sync_store.delay(store_id)
    return len(store_ids)


@shared_task(ignore_result=True, acks_late=True)
def platform_orders_sync_store(store_id: int) -> int:
    """Sync one store's orders from its stored cursor. A platform failure leaves the cursor at the
    page that failed; the next scheduled run resumes there (the connector already retried)."""
    from django.conf import settings
    from django.core.cache import cache

    from customers.models import Store
    from helpdesk.platforms.base import ConnectorError
    from helpdesk.platforms.sync import platform_orders_sync

    store = Store.objects.filter(pk=store_id, is_active=True).first()
    if store is None:
        return 0
    # One sync per store at a time, across workers: two would fetch the same pages twice.
    lock = f"platform-orders-sync:{store_id}"
    if not cache.add(lock, "running", timeout=settings.PLATFORM_SYNC_SECONDS):
        return 0
    try:
        result = platform_orders_sync(store=store, max_pages=settings.PLATFORM_SYNC_MAX_PAGES)
    except ConnectorError as error:
        logger.warning("order sync of store %s stopped: %s", store_id, error.message)
        return 0
    finally:
        cache.delete(lock)
    return result.applied


@shared_task(ignore_result=True)
def platform_messages_sync_all() -> int:
    """Scheduled by beat: queue a buyer-message fetch for every active store whose connector
    fetches messages."""
    from helpdesk.platforms.selectors import stores_fetching_messages

    store_ids = stores_fetching_messages()
    for store_id in store_ids:
        platform_messages_sync_store.delay(store_id)
    return len(store_ids)


@shared_task(ignore_result=True, acks_late=True)
def platform_messages_sync_store(store_id: int) -> int:
    """Fetch one store's new buyer messages into the inbox from its stored cursor; a message
    already stored is not stored again. A platform failure leaves the cursor at the page that
    failed; the next scheduled run resumes there."""
    from django.conf import settings
    from django.core.cache import cache

    from customers.models import Store
    from helpdesk.platforms.base import ConnectorError
    from helpdesk.platforms.sync import platform_messages_sync

    store = Store.objects.filter(pk=store_id, is_active=True).first()
    if store is None:
        return 0
    # One fetch per store at a time, across workers: two would fetch the same pages twice.
    lock = f"platform-messages-sync:{store_id}"
    if not cache.add(lock, "running", timeout=settings.PLATFORM_SYNC_SECONDS):
        return 0
    try:
        result = platform_messages_sync(store=store, max_pages=settings.PLATFORM_SYNC_MAX_PAGES)
    except ConnectorError as error:
        logger.warning("message fetch of store %s stopped: %s", store_id, error.message)
        return 0
    finally:
        cache.delete(lock)
    return result.stored
