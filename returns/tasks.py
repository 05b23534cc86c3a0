"""Celery tasks of the returns app: thin, safe to run twice, they call services."""

from __future__ import annotations

from celery import shared_task

from logistics.models import Shipment
from returns.services import refunds, workflow


@shared_task(ignore_result=True)
def refund_submit(refund_id: int) -> None:
    """Send one refund to its platform; a failure is recorded on the refund and retried by
    ``refunds_retry_due`` with backoff (the same key: never a second refund)."""
    refunds.refund_submit(refund_id=refund_id)


@shared_task(ignore_result=True)
def refunds_retry_due() -> int:
    """Scheduled every minute by beat: send again the refunds whose retry is due."""
    due = refunds.refunds_retry_due()
    for refund_id in due:
        refund_submit.delay(refund_id)
    return len(due)


@shared_task(ignore_result=True)
def returns_expire_unshipped() -> int:
    """Scheduled hourly by beat: expire approved returns nothing was shipped for in time."""
    return workflow.returns_expire_unshipped()


@shared_task(ignore_result=True)
def return_parcel_update(shipment_id: int) -> None:
    """Called by tracking ingestion for return parcels: move the return along with its parcel."""
    shipment = Shipment.objects.filter(pk=shipment_id, direction=Shipment.Direction.RETURN).first()
    if shipment is not None:
        workflow.return_sync_from_shipment(shipment)
