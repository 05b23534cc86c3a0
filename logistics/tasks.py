"""Celery tasks of the logistics app: thin wrappers over logistics.services."""

from __future__ import annotations

import logging
from dataclasses import asdict

from celery import Task, shared_task

from logistics.models import TrackingProviderAccount
from logistics.selectors import shipments_due_for_poll, tracking_accounts_polling
from logistics.services import anomalies, lanes, polling
from logistics.tracking_clients import TrackingClientError, batch_size_for

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def shipment_anomalies_check(shipment_id: int) -> dict[str, object] | None:
    """Queued after each committed batch of tracking events: run the anomaly rules on the parcel."""
    outcome = anomalies.shipment_anomalies_check(shipment_id=shipment_id)
    return asdict(outcome) if outcome is not None else None


@shared_task(ignore_result=True)
def shipment_anomalies_scan() -> dict[str, int]:
    """Scheduled by beat: the time-based rules (stalled, customs, late, early warning) on every
    parcel under way, and the notices and tickets still owed."""
    return asdict(anomalies.shipments_scan_anomalies())


@shared_task(ignore_result=True)
def lane_statistics_compute() -> dict[str, object]:
    """Scheduled nightly by beat: every lane's transit figures from the trailing window."""
    return asdict(lanes.lane_statistics_compute())


# Polling tracking APIs for parcels without webhooks -------------------------------------------

# Parcels queued per account and run: a bound on one run's API calls (40 per call on 17TRACK).
POLL_MAX_PARCELS_PER_RUN = 4000


@shared_task(ignore_result=True)
def tracking_poll_due() -> int:
    """Scheduled by beat: queue one ``tracking_poll_batch`` per batch of polled parcels under way."""
    queued = 0
    for account in tracking_accounts_polling():
        batch_size = batch_size_for(account)
        ids = list(
            shipments_due_for_poll(account=account).values_list("pk", flat=True)[:POLL_MAX_PARCELS_PER_RUN]
        )
        for start in range(0, len(ids), batch_size):
            tracking_poll_batch.delay(account.pk, ids[start : start + batch_size])
            queued += 1
    return queued


@shared_task(bind=True, ignore_result=True, max_retries=5)
def tracking_poll_batch(self: Task, account_id: int, shipment_ids: list[int]) -> dict[str, object] | None:
    """Poll one batch of parcels. Safe to run twice: each checkpoint is stored once.

    A rate limit or an outage is retried later (the provider's Retry-After, else backoff); a
    refused key is not retried: it is logged with the reason, for whoever fixes the account.
    """
    account = (
        TrackingProviderAccount.objects.select_related("store")
        .filter(pk=account_id, poll=True, is_active=True)
        .first()
    )
    if account is None:
        return None
    try:
        return asdict(polling.shipments_poll(account=account, shipment_ids=shipment_ids))
    except TrackingClientError as error:
        if error.retryable and self.request.retries < self.max_retries:
            countdown = error.retry_after or min(60 * 2**self.request.retries, 3600)
            self.retry(exc=error, countdown=countdown, throw=False)
            return None
        logger.error(
            "Polling %s for %s failed: %s", account.get_provider_display(), account.store, error.reason
        )
        return {"error": error.reason}


# Telling the sales platform the parcel --------------------------------------------------------


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=6)
def shipment_tracking_push(self: Task, shipment_id: int) -> str:
    """Queued after commit when an order's parcel gets its carrier and number: push them to the
    order's platform once. Safe to run twice: a pushed parcel is not pushed again. A passing
    platform failure is retried with backoff; after the last retry its reason is recorded."""
    from helpdesk.platforms.base import ConnectorError
    from logistics.services.platform_tracking import shipment_tracking_push as push
    from logistics.services.platform_tracking import shipment_tracking_push_failed

    try:
        return push(shipment_id=shipment_id).status
    except ConnectorError as error:
        if self.request.retries >= self.max_retries:
            shipment_tracking_push_failed(shipment_id=shipment_id, error=error.message)
            return "failed"
        self.retry(exc=error, countdown=min(60 * 2**self.request.retries, 3600), throw=False)
        return "retrying"
