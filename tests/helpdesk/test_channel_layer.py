"""The Redis channel layer keeps a quiet consumer listening (live pages wait minutes between events)."""

from __future__ import annotations

import asyncio
import os

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (CI sets it)"),
]


def test_a_consumer_that_heard_nothing_for_longer_than_the_blocking_wait_still_gets_the_next_event():
    layer = get_channel_layer()

    async def scenario() -> dict:
        channel = await layer.new_channel()
        # Longer than channels-redis's 5 s BZPOPMIN and redis-py's default 5 s read timeout.
        waiting = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(6.5)
        assert not waiting.done(), waiting.exception()  # still listening, not failed
        await layer.send(channel, {"type": "helpdesk.event", "event": {"kind": "ping"}})
        return await asyncio.wait_for(waiting, timeout=5)

    assert async_to_sync(scenario)() == {"type": "helpdesk.event", "event": {"kind": "ping"}}
