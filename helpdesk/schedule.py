"""The periodic work of every app, declared in code and installed into django-celery-beat.

`manage.py install_schedule` writes these into the database (idempotently), where
managers can see, pause and re-time them in admin. Each app's issue adds its own
entries here as its tasks land.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# Buyers wait for an answer: their platform messages are fetched every two minutes.
PLATFORM_MESSAGES_SYNC_SECONDS = 120


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
            name="Triage again what waits",
            task="tickets.tasks.triage_pending_requeue",
            every_seconds=60,
            description=(
                "Queues triage again for messages still waiting for it after TRIAGE_REQUEUE_AFTER_SECONDS "
                "(their task was lost when the broker restarted, or their worker was killed)."
            ),
        ),
        Periodic(
            name="Send again replies whose task was lost",
            task="tickets.tasks.replies_queued_requeue",
            every_seconds=300,
            description=(
                "Queues again the sending of replies still queued 30 minutes after they were written, "
                "past their own retries (their task was lost when the broker restarted)."
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
            name="Seasonal rule set swap",
            task="helpdesk.tasks.seasons_swap_due",
            every_seconds=60,
            description=(
                "Puts each seasonal rule set into the phase (before, during, after, inactive) its "
                "calendar gives now, logs the swap and shows it in every agent's inbox. A phase a "
                "manager set by hand in admin is kept until “Return to schedule”."
            ),
        ),
        Periodic(
            name="Customer identity resolution",
            task="customers.tasks.identity_resolution_scan",
            crontab="0 3 * * *",
            description=(
                "Nightly (03:00 UTC): customers sharing an e-mail, phone, or name and address are merged "
                "where certainly one person and suggested to agents where not. Never two people with "
                "different e-mails and different names; never a pair an agent kept apart."
            ),
        ),
        Periodic(
            name="Customer tags and RFM segments",
            task="customers.tasks.customer_tags_recompute",
            crontab="15 3 * * *",
            description=(
                "Nightly (03:15 UTC, after identity resolution): RFM segments, high value, VIP, serial "
                "returner, frequent complainer and first-time buyer, recomputed in SQL with the reason "
                "and the date each was set. Tags an agent set by hand are never removed."
            ),
        ),
        Periodic(
            name="Message retention purge",
            task="customers.tasks.messages_retention_purge",
            crontab="45 3 * * *",
            description=(
                "Nightly (03:45 UTC): empties the bodies and deletes the attachments of messages older "
                "than MESSAGE_RETENTION_MONTHS (0, the default, keeps everything); tickets and the "
                "messages' metadata stay for the numbers."
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
        Periodic(
            name="Send due surveys",
            task="tickets.tasks.surveys_send_due",
            every_seconds=600,
            description=(
                "Sends the CSAT surveys due 7 days and the loyalty (NPS) surveys due 30 days after a "
                "ticket was solved, in the customer's language, by e-mail. Never twice, never to a "
                "customer who opted out, never about a ticket that was reopened."
            ),
        ),
        Periodic(
            name="Repurchase reminders",
            task="customers.tasks.repurchase_reminders_create",
            crontab="30 3 * * *",
            description=(
                "Nightly (03:30 UTC): for each customer with 3 or more orders whose next order is due by "
                "their purchase cycle (median gap between orders) and has not come, a repurchase "
                "reminder in the inbox of the store's follow-up owner (else a team lead). One per "
                "customer per cycle; running it twice makes nothing new."
            ),
        ),
        Periodic(
            name="Outbound webhooks: lost deliveries",
            task="helpdesk.tasks.webhook_deliveries_retry_due",
            every_seconds=600,
            description=(
                "Sends again the outbound webhook deliveries whose task was lost (a broker outage at "
                "commit, a worker that died): pending for 10 minutes, or a retry 10 minutes overdue."
            ),
        ),
        Periodic(
            name="Analytics daily rollup (recent days)",
            task="analytics.tasks.rollups_refresh_recent",
            every_seconds=600,
            description=(
                "Recounts the last 3 days of the daily ticket rollup the volume and automation "
                "dashboards read (tickets created and solved, self-service, translations per day). "
                "Their figures are at most this old."
            ),
        ),
        Periodic(
            name="Analytics daily rollup (all days)",
            task="analytics.tasks.rollups_refresh_all",
            crontab="0 4 * * *",
            description=(
                "Nightly (04:00 UTC): recounts every day of the daily ticket rollup, for what changed "
                "on older tickets (reopened, re-routed, intent corrected)."
            ),
        ),
        Periodic(
            name="Analytics: segment sizes of the day",
            task="analytics.tasks.segment_days_snapshot",
            crontab="45 3 * * *",
            description=(
                "Nightly (03:45 UTC, after the tagging at 03:15): how many customers each RFM segment "
                "and automatic tag holds, per country and store, so the customers dashboard can show "
                "segments over time (the tagging itself keeps only current membership)."
            ),
        ),
        Periodic(
            name="Analytics: post-holiday reports of finished seasons",
            task="analytics.tasks.season_reports_precompute",
            every_seconds=3600,
            description=(
                "Builds ahead the post-holiday report of each season that has finished, in each "
                "language, so the first manager to open it does not wait for its figures."
            ),
        ),
        Periodic(
            name="API: forget old idempotency keys",
            task="helpdesk.tasks.api_idempotency_keys_purge",
            every_seconds=3600,
            description=(
                "Deletes the REST API's stored POST responses (Idempotency-Key replays) older than a "
                "day; clients retry within minutes."
            ),
        ),
        Periodic(
            name="Platforms: sync orders",
            task="helpdesk.tasks.platform_orders_sync_all",
            every_seconds=settings.PLATFORM_SYNC_SECONDS,
            description=(
                "Pulls new and changed orders from every active store with platform credentials "
                "(WooCommerce), resuming where the last run stopped. Webhooks bring orders at once; "
                "this catches what they missed."
            ),
        ),
        Periodic(
            name="Platforms: fetch buyer messages",
            task="helpdesk.tasks.platform_messages_sync_all",
            every_seconds=PLATFORM_MESSAGES_SYNC_SECONDS,
            description=(
                "Fetches new buyer messages from every active store whose platform connector can "
                "read them, into the inbox (one ticket per conversation, each message stored once), "
                "resuming where the last run stopped."
            ),
        ),
    ]
