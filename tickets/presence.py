"""Who is looking at a ticket right now, kept in the shared cache so every web process agrees.

Each open ticket page (one websocket connection) has an entry with a time to live, refreshed by
the page's heartbeat; a per-ticket index lists the connections. A web process that dies leaves
entries that simply expire. The index is updated under a short cache lock (``cache.add`` is
atomic on Redis); should two updates still race, the next heartbeat of the lost connection
writes it back, so the list heals within one heartbeat. Not domain state: nothing here touches
the database.
"""

from __future__ import annotations

import time
from typing import TypedDict

from django.core.cache import cache

# A page sends a heartbeat every HEARTBEAT seconds; an entry not refreshed for TTL seconds is gone.
HEARTBEAT_SECONDS = 20
TTL_SECONDS = 60
_LOCK_SECONDS = 2
_LOCK_TRIES = 50


class Viewer(TypedDict):
    user: int
    name: str


def _index_key(ticket_id: int) -> str:
    return f"live:presence:{ticket_id}"


def _entry_key(ticket_id: int, connection: str) -> str:
    return f"live:presence:{ticket_id}:{connection}"


def presence_join(*, ticket_id: int, connection: str, user_id: int, name: str) -> list[Viewer]:
    """Record (or refresh) one connection viewing the ticket; returns everyone viewing it."""
    cache.set(_entry_key(ticket_id, connection), {"user": user_id, "name": name}, TTL_SECONDS)
    return _update_index(ticket_id, add=connection)


def presence_leave(*, ticket_id: int, connection: str) -> list[Viewer]:
    """Forget one connection; returns who is still viewing."""
    cache.delete(_entry_key(ticket_id, connection))
    return _update_index(ticket_id, remove=connection)


def presence_list(*, ticket_id: int) -> list[Viewer]:
    connections = cache.get(_index_key(ticket_id)) or []
    return _viewers(_live_entries(ticket_id, connections))


def _live_entries(ticket_id: int, connections: list[str]) -> dict[str, Viewer]:
    keys = {_entry_key(ticket_id, connection): connection for connection in connections}
    found = cache.get_many(list(keys))
    return {keys[key]: value for key, value in found.items()}


def _viewers(entries: dict[str, Viewer]) -> list[Viewer]:
    """One line per person, however many tabs they have open, in name order."""
    by_user: dict[int, Viewer] = {}
    for entry in entries.values():
        by_user.setdefault(entry["user"], {"user": entry["user"], "name": entry["name"]})
    return sorted(by_user.values(), key=lambda viewer: (viewer["name"].casefold(), viewer["user"]))


def _update_index(ticket_id: int, *, add: str = "", remove: str = "") -> list[Viewer]:
    lock = f"{_index_key(ticket_id)}:lock"
    locked = False
    for _ in range(_LOCK_TRIES):
        if cache.add(lock, 1, _LOCK_SECONDS):
            locked = True
            break
        time.sleep(0.01)
    try:
        connections = set(cache.get(_index_key(ticket_id)) or [])
        connections.discard(remove)
        if add:
            connections.add(add)
        entries = _live_entries(ticket_id, sorted(connections))  # drops connections that expired
        if entries:
            cache.set(_index_key(ticket_id), sorted(entries), TTL_SECONDS * 2)
        else:
            cache.delete(_index_key(ticket_id))
    finally:
        if locked:
            cache.delete(lock)
    return _viewers(entries)
