"""Live updates: every service that changes what an inbox shows sends an event here.

Events leave after the transaction commits (never for rolled-back work) and travel
through the channel layer to the consumers subscribed to the group. This module is
the only place that knows group names and event shapes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.apps import apps
from django.db import transaction

logger = logging.getLogger(__name__)


def store_inbox_group(store_id: int) -> str:
    """Inboxes subscribe per store: an agent sees exactly the tickets of their teams' stores
    (``helpdesk.access``), whichever team a ticket is routed to, and unrouted ones too."""
    return f"inbox.store.{store_id}"


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
    """Tell open inboxes and ticket pages that a ticket changed.

    The event is built after the commit from the committed row, so it carries the version
    and the live position (see ``position_of``) that the change produced: a page drops
    events older than what it shows and resumes from the newest position after a dropped
    connection. The groups follow from the committed row: inboxes listen per store
    (``store_inbox_group``), so ``team_id`` no longer routes anything; callers keep passing it.
    """

    def send() -> None:
        Ticket = apps.get_model("tickets", "Ticket")
        row = (
            Ticket.objects.filter(pk=ticket_id).values("store_id", "team_id", "version", "updated_at").first()
        )
        event: dict[str, Any] = {"kind": "ticket.changed", "ticket": ticket_id, "change": change}
        groups = [ALL_INBOXES, ticket_group(ticket_id)]
        if row is None:  # deleted meanwhile: every open row of it goes
            event.update(version=None, position=None)
        else:
            event.update(version=row["version"], position=position_of(row["updated_at"]))
            groups.append(store_inbox_group(row["store_id"]))
        for group in groups:
            send_now(group, event)

    transaction.on_commit(send)


def return_changed(*, return_id: int, store_id: int, ticket_id: int | None, status: str) -> None:
    """Tell the returns queue (the store's inboxes) and the ticket the return hangs on that a
    return or its refunds changed, after the commit."""
    groups = [ALL_INBOXES, store_inbox_group(store_id)]
    if ticket_id is not None:
        groups.append(ticket_group(ticket_id))
    broadcast_on_commit(groups, {"kind": "return.changed", "return": return_id, "status": status})


def shipment_changed(*, shipment_id: int, ticket_ids: list[int], status: str) -> None:
    """Tell the open pages of the tickets about a parcel that its tracking moved, after the
    commit (the ticket itself did not change, so this is not a ``ticket.changed``)."""
    groups = [ticket_group(ticket_id) for ticket_id in ticket_ids]
    broadcast_on_commit(groups, {"kind": "shipment.changed", "shipment": shipment_id, "status": status})


def position_of(updated_at: datetime) -> int:
    """A ticket's place in the stream of changes: its ``updated_at`` in microseconds.

    Every service that changes what an inbox shows moves ``updated_at`` (indexed), so
    "what changed since position P" is one range scan. Positions are not a strict log:
    a long transaction may commit a smaller one after a larger one was seen, which is why
    a resync reads back ``RESYNC_OVERLAP`` before the position it was given.
    """
    return int(updated_at.timestamp() * 1_000_000)


def position_to_datetime(position: int) -> datetime:
    return datetime.fromtimestamp(position / 1_000_000, tz=UTC)


# How far before its last position a reconnecting page asks again (pages drop what they have).
RESYNC_OVERLAP = timedelta(seconds=30)


# Ticket pages: presence (who is viewing) and typing, relayed between the agents on one ticket.


def presence_event(*, ticket_id: int, viewers: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "presence", "ticket": ticket_id, "viewers": viewers}


def typing_event(*, ticket_id: int, user_id: int, name: str) -> dict[str, Any]:
    return {"kind": "typing", "ticket": ticket_id, "user": user_id, "name": name}


# The chat widget: a visitor's conversation hears the messages on it, never internal notes.


def chat_group(ticket_id: int) -> str:
    return f"chat.{ticket_id}"


def chat_message(message: Any) -> dict[str, Any]:
    """What the chat widget is told about one message of its conversation (a ``Message``)."""
    inbound = message.direction == "inbound"
    return {
        "id": message.pk,
        "client_id": message.external_id if inbound else "",
        "from": "visitor" if inbound else "agent",
        "name": message.sender_name,
        "text": message.body_text,  # what was sent: for a reply, in the customer's language
        "at": message.created_at.isoformat(),
    }


def chat_message_sent(*, ticket_id: int, message: dict[str, Any]) -> None:
    """Deliver a message to the open chat widgets of its conversation, after the commit."""
    broadcast_on_commit([chat_group(ticket_id)], {"type": "message", "message": message})
