"""Celery tasks of the tickets app: thin, safe to run twice, they call services."""

from __future__ import annotations

import smtplib

from celery import Task, shared_task

from tickets.models import Message
from tickets.services import message_deliver, message_delivery_failed, sla


@shared_task(ignore_result=True)
def sla_breach_scan() -> int:
    """Scheduled every minute by beat: mark tickets whose running SLA target has passed."""
    return sla.sla_breach_scan()


@shared_task(bind=True, ignore_result=True, max_retries=5)
def message_send(self: Task, message_id: int) -> None:
    """Deliver one queued reply; retried with backoff, then marked failed with the reason."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return
    try:
        message_deliver(message=message)
    except (OSError, smtplib.SMTPException) as error:
        if self.request.retries >= self.max_retries:
            message_delivery_failed(message=message, error=f"{type(error).__name__}: {error}")
            return
        # The retry is published and this run ends; acks_late acknowledges it only now.
        self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 900), throw=False)
