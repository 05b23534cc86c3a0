"""Whatever a client sends, the API answers with a 4xx in its error format, never a 500."""

from __future__ import annotations

import pytest

from tests.helpdesk.api_cast import error_of, token_client

LISTS = {
    "/api/v1/tickets/": [
        "status",
        "priority",
        "store",
        "channel",
        "team",
        "assignee",
        "intent",
        "language",
        "created_after",
        "created_before",
    ],
    "/api/v1/customers/": ["email", "country", "language", "tag", "created_after"],
    "/api/v1/orders/": ["store", "customer", "status", "number", "email", "placed_after"],
    "/api/v1/returns/": ["status", "store", "order", "source", "rma_number", "requested_after"],
    "/api/v1/refunds/": ["order", "return_request", "status", "method", "created_after"],
    "/api/v1/shipments/": ["store", "order", "status", "anomaly", "direction", "carrier", "tracking_number"],
    "/api/v1/templates/": ["intent", "is_active"],
    "/api/v1/tags/": ["kind"],
    "/api/v1/seasonal-rule-sets/": ["kind", "phase", "is_enabled"],
    "/api/v1/survey-results/": ["kind", "store", "responded_after"],
}
NASTY = ["99999999999999999999999", "-1", "\x00", "x" * 3000, "2026-13-45T99:99", "[]", "%ff"]
POSTS = [
    "/api/v1/tickets/",
    "/api/v1/tickets/1/reply/",
    "/api/v1/tickets/1/assign/",
    "/api/v1/tickets/1/status/",
    "/api/v1/returns/",
    "/api/v1/returns/1/approve/",
    "/api/v1/returns/1/reject/",
    "/api/v1/refunds/",
    "/api/v1/shipments/",
]
BODIES = [
    [1, 2],
    "text",
    None,
    {"store": "x", "order": [], "lines": "none", "amount": "NaN", "assignee": 10**30, "status": {}},
    {"store": 10**30, "order": -5, "lines": [{"order_line": "x"}], "amount": "1e400", "currency": "\x00"},
    {"body": "\x00", "customer_email": "not-an-email", "tracking_number": "\x00" * 10},
    {"store": 1, "tracking_number": "JD014123456789", "carrier": "dhl\x00", "version": 10**30},
]


@pytest.mark.parametrize("url", list(LISTS))
def test_nasty_filter_values_are_answered_without_a_server_error(manager, ticket_eu, url):
    client = token_client(manager)

    for name in [*LISTS[url], "ordering", "page_size", "cursor"]:
        for value in NASTY:
            response = client.get(url, {name: value})
            assert response.status_code < 500, (url, name, value)
            if response.status_code >= 400:
                error_of(response)


@pytest.mark.parametrize("url", POSTS)
def test_bodies_of_the_wrong_shape_are_a_4xx_in_the_error_format(manager, ticket_eu, url):
    client = token_client(manager)
    url = url.replace("/1/", f"/{ticket_eu.pk}/") if "tickets" in url else url

    for body in BODIES:
        response = client.post(url, body, format="json")
        assert 400 <= response.status_code < 500, (url, body, response.content[:300])
        error_of(response)


def test_a_body_over_the_upload_limit_is_a_413_in_the_error_format(manager, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = '{"body": "' + "x" * 20_000 + '"}'

    response = token_client(manager).post(
        "/api/v1/tickets/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="big"
    )

    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


def test_an_address_without_its_trailing_slash_answers_in_the_error_format(manager):
    response = token_client(manager).post("/api/v1/tickets", {}, format="json")

    assert response.status_code == 404
    assert "No API endpoint" in error_of(response)["message"]


def test_an_instant_with_any_offset_is_compared_in_utc_and_an_empty_filter_is_a_400(manager, ticket_eu):
    client = token_client(manager)

    far_offset = client.get("/api/v1/tickets/", {"created_before": "2999-01-01T00:00:00+23:59"})
    empty = client.get("/api/v1/tickets/", {"status": ""})
    boolean = client.get("/api/v1/templates/", {"is_active": "maybe"})

    assert [row["id"] for row in far_offset.json()["results"]] == [ticket_eu.pk]
    assert empty.status_code == 400
    assert "status" in error_of(empty)["fields"]
    assert boolean.status_code == 400
    assert "is_active" in error_of(boolean)["fields"]
