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
        Periodic(
            name="Parcel anomaly scan",
            task="logistics.tasks.shipment_anomalies_scan",
            every_seconds=1800,
            description=(
                "Runs the time-based parcel rules (stalled, customs hold, late, slower than the lane) on "
                "every parcel under way, and sends the notices and opens the tickets still owed. Tracking "
                "events are checked as they arrive; this catches what only time changes."
            ),
        ),
        Periodic(
            name="Tracking poll",
            task="logistics.tasks.tracking_poll_due",
            every_seconds=1800,
            description=(
                "Asks the tracking API of each store that polls (Tracking provider accounts with “poll”) "
                "about its parcels under way whose provider is “carrier”, 40 per call; each scan is "
                "stored once, however often it is polled. Parcels with webhooks are not polled."
            ),
        ),
        Periodic(
            name="Lane statistics",
            task="logistics.tasks.lane_statistics_compute",
            crontab="30 2 * * *",
            description=(
                "Nightly (02:30 UTC): each lane's transit times, scan gaps, on-time, loss and "
                "return-to-sender rates over the last 90 days of finished parcels, for ETAs and anomalies."
            ),
        ),
        Periodic(
            name="Refund retries",
            task="returns.tasks.refunds_retry_due",
            every_seconds=60,
            description=(
                "Sends again the refunds the platform refused for a passing reason, with growing pauses "
                "(1 min up to 6 h, 8 attempts), and those whose sending was cut off. The same key every "
                "time: a retry never refunds twice."
            ),
        ),
        Periodic(
            name="Expire unshipped returns",
            task="returns.tasks.returns_expire_unshipped",
            every_seconds=3600,
            description=(
                "Expires approved returns whose parcel was not handed to the carrier by their ship-by date "
                "(the policy's “expire after” days from the label)."
            ),
        ),
    ]
