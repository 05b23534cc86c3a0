"""A request that meets the database restarting is answered 503 with Retry-After, which senders
(platforms, mail relays) retry, not 500 (seen by bench/faults/processes.py --scenario
postgres-restart)."""

from __future__ import annotations

import socket

import pytest
from django.db import connection
from django.test import Client

from tests.factories import StoreFactory


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_an_inbound_webhook_meeting_an_unreachable_database_gets_503_and_is_served_once_it_is_back():
    store = StoreFactory(platform="amazon", webhook_secret="s3cret")
    client = Client(raise_request_exception=False)
    url = f"/inbound/amazon/{store.inbound_key}/"
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port()  # the server is down: connections are refused
    try:
        during = client.post(url, b"{}", content_type="application/json")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    after = client.post(url, b"{}", content_type="application/json")

    assert during.status_code == 503
    assert during["Retry-After"] == "5"
    assert after.status_code not in {500, 503}  # the unsigned body is refused by the view itself
