"""What the tickets app does when other apps signal (connected in ``TicketsConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def parcel_anomaly_needs_care(
    sender: Any,
    *,
    anomaly_id: int,
    notify_at: dt.datetime | None = None,
    escalate: bool = False,
    **kwargs: Any,
) -> None:
    """Queue the ticket for a severe anomaly at once, and the customer's notice for its time."""
    from tickets.tasks import parcel_anomaly_ticket_open, parcel_notice_send

    if escalate:
        parcel_anomaly_ticket_open.delay(anomaly_id)
    if notify_at is not None:
        parcel_notice_send.apply_async((anomaly_id,), eta=notify_at)
