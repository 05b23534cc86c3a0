"""The contact form while Redis (the cache behind its rate limit) is down: the customer's message
is taken all the same, not answered with a 500 and lost (seen by bench/faults/processes.py
--scenario redis-restart)."""

from __future__ import annotations

import re
import socket

import pytest

from tests.factories import StoreFactory
from tickets.models import Channel, Message


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_a_message_sent_while_the_cache_is_unreachable_is_stored_once(client, settings):
    store = StoreFactory(name="Lumen Home", platform="shopify", default_language="en")
    settings.CONTACT_FORM_MIN_SECONDS = 0
    page = client.get(f"/contact/{store.inbound_key}/")
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    # A real Redis client against a port nobody listens on: every cache call is refused.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    form = {
        "token": token,
        "name": "Anna Schmidt",
        "email": "anna.schmidt@example.de",
        "order_number": "",
        "subject": "Lamp arrived broken",
        "message": "The glass shade was cracked when I opened the box.",
        "fax_number": "",
    }

    first = client.post(f"/contact/{store.inbound_key}/", form)
    again = client.post(f"/contact/{store.inbound_key}/", form)  # the customer presses send twice

    assert (first.status_code, again.status_code) == (302, 302)
    stored = Message.objects.filter(channel=Channel.WEB_FORM, direction=Message.Direction.INBOUND)
    assert stored.count() == 1
    assert stored.get().body_text.startswith("The glass shade was cracked")
