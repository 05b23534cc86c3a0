"""Live updates: every service that changes what an inbox shows sends an event here.

Events leave after the transaction commits (never for rolled-back work) and travel
through the channel layer to the consumers subscribed to the group. This module is
the only place that knows group names and event shapes.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def inbox_group(team_id: int | None) -> str:
    return f"inbox.{team_id}" if team_id else "inbox.unrouted"


def ticket_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}"


ALL_INBOXES = "inbox.all"
SEASONS = "seasons"


def send_now(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "helpdesk.event", "event": event})
    except Exception:  # a live-update failure must never fail the business operation
        logger.exception("broadcast to %s failed", group)


def broadcast_on_commit(groups: list[str], event: dict[str, Any]) -> None:
    def send() -> None:
        for group in groups:
            send_now(group, event)

    transaction.on_commit(send)


def ticket_changed(*, ticket_id: int, team_id: int | None, change: str) -> None:
    """Tell open inboxes and ticket pages that a ticket changed."""
    event = {"kind": "ticket.changed", "ticket": ticket_id, "change": change}
    broadcast_on_commit([inbox_group(team_id), ALL_INBOXES, ticket_group(ticket_id)], event)
