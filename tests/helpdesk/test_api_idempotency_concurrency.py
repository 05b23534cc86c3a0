"""At once, on PostgreSQL: the same POST with one Idempotency-Key from several connections
runs once; the others get its stored response or a 409 while it still runs."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from helpdesk.api.services import api_token_create
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 6


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections: run with DATABASE_URL=postgres://...")


def test_concurrent_duplicates_with_one_key_create_one_ticket(agent_eu, store_eu):
    secret = api_token_create(user=agent_eu, name="ERP", scopes=["tickets:write"]).secret
    body = {"store": store_eu.pk, "customer_email": "anna@example.de", "body": "Wo ist mein Paket?"}
    barrier = threading.Barrier(THREADS)

    def post(_index: int) -> tuple[int, dict]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        barrier.wait()
        try:
            response = client.post("/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(post, range(THREADS)))

    assert Ticket.objects.filter(store=store_eu).count() == 1
    assert Message.objects.filter(store=store_eu).count() == 1
    statuses = sorted(status for status, _body in results)
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    created = [body for status, body in results if status == 201]
    assert all(body == created[0] for body in created)  # later ones are replays of the first
    conflicts = [body for status, body in results if status == 409]
    assert all(body["error"]["code"] == "idempotency_key_in_progress" for body in conflicts)
