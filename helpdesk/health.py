"""Checks behind /healthz: can this process reach the database, the channel layer and the broker?"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

CHECK_TIMEOUT_SECONDS = 3.0
HEARTBEAT_KEY = "helpdesk:heartbeat:worker"


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


async def _channel_layer() -> dict[str, Any]:
    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "error": "no channel layer configured"}
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await layer.receive(channel)
    return {"ok": message.get("token") == token, "backend": type(layer).__name__}


def _broker() -> dict[str, Any]:
    from helpdesk.celery import app

    url = app.conf.broker_url
    if url.startswith("filesystem://"):
        options = app.conf.broker_transport_options
        folder = Path(options["data_folder_in"])
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".healthz-{uuid.uuid4().hex}"
        probe.write_bytes(b"ok")
        probe.unlink()
        return {"ok": True, "transport": "filesystem"}
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)
        transport = conn.transport_cls
    return {"ok": True, "transport": str(transport)}


def _worker_heartbeat() -> dict[str, Any]:
    """When a worker last ran the heartbeat task that beat schedules (informational)."""
    seen = cache.get(HEARTBEAT_KEY)
    if seen is None:
        return {"ok": False, "last_seen": None}
    age = time.time() - float(seen)
    # Allow a few missed beats before calling the worker gone.
    return {"ok": age < 4 * settings.HEARTBEAT_SECONDS, "last_seen": seen, "age_seconds": round(age, 1)}


async def _guarded(name: str, check: Any) -> tuple[str, dict[str, Any]]:
    try:
        result = await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # a health check reports every failure, it never raises
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return name, result


async def run_checks() -> tuple[bool, dict[str, Any]]:
    """Run every check concurrently; healthy when the three required parts are up."""
    required = await asyncio.gather(
        _guarded("database", sync_to_async(_database, thread_sensitive=True)),
        _guarded("channel_layer", _channel_layer),
        _guarded("broker", sync_to_async(_broker, thread_sensitive=False)),
    )
    parts = dict(required)
    _, parts["worker"] = await _guarded("worker", sync_to_async(_worker_heartbeat, thread_sensitive=False))
    healthy = all(result["ok"] for _, result in required)
    return healthy, {
        "status": "ok" if healthy else "unavailable",
        "time": timezone.now().isoformat(),
        **parts,
    }


def record_worker_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)
