"""Celery tasks of the tickets app: thin, safe to run twice, they call services."""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import asdict

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from helpdesk.platforms.base import ConnectorError
from tickets.models import Mailbox, Message, Team
from tickets.services import mailboxes, message_deliver, message_delivery_failed, proactive, sla, surveys
from tickets.services.assignment import team_assign_waiting
from tickets.services.replies import replies_due_for_sending_again
from tickets.services.triage import OUTAGES, messages_due_for_triage_again
from tickets.services.triage import message_triage as triage


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
    except (OSError, smtplib.SMTPException, ConnectorError) as error:
        # ConnectorError here is a retryable one (a platform outage, a rate limit, a lost
        # answer): a final refusal was recorded on the message already.
        if self.request.retries >= self.max_retries:
            reason = (
                error.message if isinstance(error, ConnectorError) else f"{type(error).__name__}: {error}"
            )
            message_delivery_failed(message=message, error=reason)
            return
        # The retry is published and this run ends; acks_late acknowledges it only now.
        self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 900), throw=False)


@shared_task(ignore_result=True)
def replies_queued_requeue() -> int:
    """Scheduled by beat: queue again the sending of replies whose task was lost."""
    message_ids = replies_due_for_sending_again()
    for message_id in message_ids:
        message_send.delay(message_id)
    return len(message_ids)


@shared_task(ignore_result=True)
def mailboxes_poll_due() -> int:
    """Scheduled every few seconds by beat: queue one `mailbox_poll` per mailbox whose poll is due."""
    now = timezone.now()
    due = mailboxes.mailboxes_claim_due(now=now)
    for mailbox_id in due:
        mailbox_poll.delay(mailbox_id, queued_at=now.isoformat())
    return len(due)


@shared_task(ignore_result=True)
def mailbox_poll(mailbox_id: int, queued_at: str | None = None) -> dict[str, object] | None:
    """Poll one IMAP mailbox. Never raises for IMAP trouble: the error is recorded on the mailbox.

    Safe to run twice and concurrently: a second run while one polls does nothing (lease),
    and a queued run made redundant by a poll that finished after ``queued_at`` does nothing.
    """
    mailbox = Mailbox.objects.select_related("store").filter(pk=mailbox_id, is_active=True).first()
    if mailbox is None or not mailbox.imap_host:
        return None
    since = dt.datetime.fromisoformat(queued_at) if queued_at else None
    return asdict(mailboxes.mailbox_poll(mailbox=mailbox, unless_polled_since=since))


@shared_task(bind=True, ignore_result=True, max_retries=8)
def message_triage(self: Task, message_id: int) -> bool:
    """Queued after an inbound message commits: language, routing, translation, assignment.

    Acked late (settings), so a worker killed mid-run leaves it to be delivered again. A database
    or cache outage is retried with backoff; a message another run holds is looked at again once
    that claim would have lapsed. Past the retries, the beat sweep queues it again."""
    try:
        result = triage(message_id=message_id)
    except OUTAGES as error:
        self.retry(exc=error, countdown=min(5 * 2**self.request.retries, 300), throw=False)
        return False
    if result.busy:
        self.retry(countdown=settings.TRIAGE_CLAIM_SECONDS, throw=False)
    return result.done


@shared_task(ignore_result=True)
def triage_pending_requeue() -> int:
    """Scheduled every minute by beat: queue again the messages still waiting for triage."""
    message_ids = messages_due_for_triage_again()
    for message_id in message_ids:
        message_triage.delay(message_id)
    return len(message_ids)


@shared_task(ignore_result=True)
def team_assign(team_id: int) -> int:
    """Hand a team's waiting tickets to its agents with room (an agent came online, a ticket closed)."""
    team = Team.objects.filter(pk=team_id).first()
    return team_assign_waiting(team=team) if team is not None else 0


@shared_task(ignore_result=True)
def teams_assign_waiting() -> int:
    """Scheduled every minute by beat: the safety net for any waiting ticket nobody was given."""
    return sum(team_assign_waiting(team=team) for team in Team.objects.all())


@shared_task(ignore_result=True)
def parcel_notice_send(anomaly_id: int) -> int | None:
    """The customer's notice about a parcel anomaly, queued for the sensible local hour logistics
    chose. Safe early (nothing is sent before that hour), late, twice or concurrently."""
    message = proactive.parcel_notice_send(anomaly_id=anomaly_id)
    return message.pk if message is not None else None


@shared_task(ignore_result=True)
def parcel_anomaly_ticket_open(anomaly_id: int) -> int | None:
    """A ticket for a severe parcel anomaly (once), routed and assigned like any other."""
    ticket = proactive.parcel_anomaly_ticket_open(anomaly_id=anomaly_id)
    return ticket.pk if ticket is not None else None


@shared_task(ignore_result=True)
def surveys_send_due() -> int:
    """Scheduled by beat: send the CSAT and loyalty surveys that are due, in batches."""
    return surveys.surveys_send_due()
