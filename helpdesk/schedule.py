"""The periodic work of every app, declared in code and installed into django-celery-beat.

`manage.py install_schedule` writes these into the database (idempotently), where
managers can see, pause and re-time them in admin. Each app's issue adds its own
entries here as its tasks land.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week"
    description: str = ""


def periodic_tasks() -> list[Periodic]:
    return [
        Periodic(
            name="Worker heartbeat",
            task="helpdesk.tasks.heartbeat",
            every_seconds=settings.HEARTBEAT_SECONDS,
            description="Shows on /healthz that beat schedules and a worker runs tasks.",
        ),
        Periodic(
            name="SLA breach scan",
            task="tickets.tasks.sla_breach_scan",
            every_seconds=60,
            description="Marks tickets whose running SLA target has passed, raises their priority, mails the lead.",
        ),
        Periodic(
            name="Assign waiting tickets",
            task="tickets.tasks.teams_assign_waiting",
            every_seconds=60,
            description=(
                "Gives unassigned tickets to online agents with room. Assignment also happens at once "
                "when a ticket arrives, an agent comes online or a ticket is solved; this catches the rest."
            ),
        ),
        Periodic(
            name="IMAP poll",
            task="tickets.tasks.mailboxes_poll_due",
            every_seconds=15,
            description=(
                "Queues one poll per active IMAP mailbox whose own interval (set on the mailbox) has "
                "passed. Pause this to stop all IMAP polling; pause one mailbox by unticking “active”."
            ),
        ),
    ]
