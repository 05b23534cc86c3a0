"""List endpoints cost the same number of queries for one row as for many (no N+1)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from returns.services.requests import return_request_submit
from tests.factories import (
    MessageFactory,
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    SurveyResponseFactory,
    TagFactory,
    TicketFactory,
    TranslationFactory,
)
from tests.helpdesk.api_cast import token_client
from tests.returns.rules_cast import delivered_order, line_input, policy


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _same_cost_for_one_and_many(client, url, add_row):
    add_row()
    client.get(url)  # the token's first use of the minute also notes "last used"
    one = _queries(client, url)
    for _ in range(4):
        add_row()
    assert _queries(client, url) == one


def test_ticket_list(manager, store_eu):
    def add():
        ticket = TicketFactory(store=store_eu)
        ticket.tags.add(TagFactory())

    _same_cost_for_one_and_many(token_client(manager), "/api/v1/tickets/", add)


def test_message_list(manager, ticket_eu):
    def add():
        MessageFactory(ticket=ticket_eu, translation=TranslationFactory())

    _same_cost_for_one_and_many(token_client(manager), f"/api/v1/tickets/{ticket_eu.pk}/messages/", add)


def test_order_list(manager, store_eu):
    def add():
        order = OrderFactory(store=store_eu)
        OrderLineFactory(order=order)
        OrderLineFactory(order=order)

    _same_cost_for_one_and_many(token_client(manager), "/api/v1/orders/", add)


def test_customer_list(manager, store_eu):
    def add():
        OrderFactory(store=store_eu).customer.tags.add(TagFactory())

    _same_cost_for_one_and_many(token_client(manager), "/api/v1/customers/", add)


def test_shipment_list(manager, store_eu):
    _same_cost_for_one_and_many(
        token_client(manager), "/api/v1/shipments/", lambda: ShipmentFactory(store=store_eu)
    )


def test_return_list(manager, store_eu):
    policy(store_eu)

    def add():
        order = delivered_order(store_eu)
        return_request_submit(
            order=order,
            lines=[line_input(order)],
            resolution="refund",
            source="api",
            submission_key=f"q{order.pk}",
        )

    _same_cost_for_one_and_many(token_client(manager), "/api/v1/returns/", add)


def test_survey_result_list(manager, store_eu):
    _same_cost_for_one_and_many(
        token_client(manager),
        "/api/v1/survey-results/",
        lambda: SurveyResponseFactory(survey__ticket__store=store_eu),
    )
