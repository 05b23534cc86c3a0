"""Celery tasks of the customers app: thin, safe to run twice, they call services."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from django.conf import settings

from customers import identity, privacy, repurchase, segments
from customers.models import Customer


@shared_task(ignore_result=True)
def messages_retention_purge() -> int:
    """Scheduled nightly by beat: empty the bodies and delete the attachments of messages older
    than ``MESSAGE_RETENTION_MONTHS`` (0: keep everything). Returns the messages purged."""
    return privacy.messages_retention_purge(months=settings.MESSAGE_RETENTION_MONTHS).messages


@shared_task(ignore_result=True)
def customer_tags_recompute() -> dict[str, object]:
    """Scheduled nightly by beat: every automatic tag and RFM segment, recomputed in SQL."""
    return asdict(segments.customer_tags_recompute())


@shared_task(ignore_result=True)
def identity_resolution_scan() -> int:
    """Scheduled nightly by beat: merge the customers who are certainly one person, suggest
    the likely ones. Returns how many customers with a possible twin were checked."""
    return identity.identity_resolution_scan()


@shared_task(ignore_result=True)
def customer_identity_resolve(customer_id: int) -> None:
    """Queued when ingestion creates a customer: match them against everyone else at once."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is not None:
        identity.identity_resolve_customer(customer=customer)


@shared_task(ignore_result=True)
def repurchase_reminders_create() -> int:
    """Scheduled nightly by beat: a repurchase-reminder follow-up for each regular buyer whose
    next order is due by their purchase cycle and has not come. Returns how many were made."""
    return repurchase.repurchase_reminders_create()
