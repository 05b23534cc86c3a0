"""REST API v1 for returns and refunds: the portal's rules behind POST /returns/, decisions
through the workflow, and refunds through the ledger (once per key, never above what was paid)."""

from __future__ import annotations

from decimal import Decimal

from returns.models import Refund, ReturnRequest
from returns.services.requests import return_request_submit
from tests.conftest import role
from tests.factories import OrderFactory, OrderLineFactory, UserFactory
from tests.helpdesk.api_cast import error_of, token_client
from tests.returns.rules_cast import delivered_order, first_line, line_input, policy

RETURNS = "/api/v1/returns/"
REFUNDS = "/api/v1/refunds/"
S = ReturnRequest.Status


def _open_body(order, **extra):
    return {
        "order": order.pk,
        "lines": [
            {
                "order_line": first_line(order).pk,
                "quantity": 1,
                "reason": "does_not_fit",
                "condition": "unopened",
            }
        ],
        **extra,
    }


def _in_review(store):
    policy(store, serial_returner_min_orders=3)
    order = delivered_order(store, customer_orders=5, customer_returns=4)
    return return_request_submit(
        order=order,
        lines=[line_input(order)],
        resolution="refund",
        source="portal",
        submission_key=f"k{order.pk}",
    )


def test_opening_a_return_runs_the_store_rules_and_answers_with_the_decision(agent_eu, store_eu):
    policy(store_eu)
    order = delivered_order(store_eu)

    response = token_client(agent_eu).post(RETURNS, _open_body(order), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == S.LABEL_ISSUED
    assert body["source"] == "api"
    assert body["rma_number"].startswith("RMA-")
    assert [line["order_line"] for line in body["lines"]] == [first_line(order).pk]


def test_the_same_idempotency_key_opens_one_return(agent_eu, store_eu):
    policy(store_eu)
    order = delivered_order(store_eu)
    client = token_client(agent_eu)

    first = client.post(RETURNS, _open_body(order), format="json", HTTP_IDEMPOTENCY_KEY="ret-1")
    again = client.post(RETURNS, _open_body(order), format="json", HTTP_IDEMPOTENCY_KEY="ret-1")

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert ReturnRequest.objects.filter(order=order).count() == 1


def test_a_line_of_another_order_is_refused_with_the_field_named(agent_eu, store_eu):
    policy(store_eu)
    order = delivered_order(store_eu)
    other = OrderLineFactory(order=OrderFactory(store=store_eu))
    body = _open_body(order)
    body["lines"][0]["order_line"] = other.pk

    response = token_client(agent_eu).post(RETURNS, body, format="json")

    assert response.status_code == 400
    assert "lines" in error_of(response)["fields"]
    assert not ReturnRequest.objects.exists()


def test_asking_for_more_than_was_ordered_says_how_many_were(agent_eu, store_eu):
    policy(store_eu)
    order = delivered_order(store_eu, quantity=2)
    body = _open_body(order)
    body["lines"][0]["quantity"] = 5

    response = token_client(agent_eu).post(RETURNS, body, format="json")

    assert response.status_code == 400
    assert "Only 2" in error_of(response)["message"]


def test_an_order_of_another_store_cannot_be_returned_through_the_api(agent_eu, store_us):
    policy(store_us)
    order = delivered_order(store_us)

    response = token_client(agent_eu).post(RETURNS, _open_body(order), format="json")

    assert response.status_code == 400
    assert "order" in error_of(response)["fields"]


def test_returns_are_listed_for_the_tokens_stores_only_and_filter_by_status(agent_eu, store_eu, store_us):
    mine = _in_review(store_eu)
    _in_review(store_us)
    client = token_client(agent_eu, scopes=["returns:read"])

    listed = client.get(RETURNS).json()["results"]
    in_review = client.get(RETURNS, {"status": "needs_review"}).json()["results"]
    approved = client.get(RETURNS, {"status": "approved"}).json()["results"]

    assert [row["id"] for row in listed] == [mine.pk]
    assert [row["id"] for row in in_review] == [mine.pk]
    assert approved == []


def test_an_agent_approves_a_return_in_review_and_it_gets_its_label(agent_eu, store_eu):
    return_request = _in_review(store_eu)

    response = token_client(agent_eu).post(
        f"{RETURNS}{return_request.pk}/approve/", {"note": "ok"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == S.LABEL_ISSUED


def test_rejecting_needs_a_reason_for_the_customer(agent_eu, store_eu):
    return_request = _in_review(store_eu)
    client = token_client(agent_eu)

    silent = client.post(f"{RETURNS}{return_request.pk}/reject/", {}, format="json")
    reasoned = client.post(f"{RETURNS}{return_request.pk}/reject/", {"note": "Worn"}, format="json")

    assert silent.status_code == 400
    assert "why" in error_of(silent)["message"]
    assert reasoned.status_code == 200
    assert reasoned.json()["status"] == S.REJECTED
    assert reasoned.json()["decision_reason"] == "Worn"


def test_deciding_twice_is_refused_by_the_workflow(agent_eu, store_eu):
    return_request = _in_review(store_eu)
    client = token_client(agent_eu)
    client.post(f"{RETURNS}{return_request.pk}/reject/", {"note": "Worn"}, format="json")

    response = client.post(f"{RETURNS}{return_request.pk}/approve/", {}, format="json")

    assert response.status_code == 400
    assert "cannot become" in error_of(response)["message"]


def test_a_return_of_another_store_is_a_404_for_decisions_too(agent_eu, store_us):
    return_request = _in_review(store_us)

    assert (
        token_client(agent_eu).post(f"{RETURNS}{return_request.pk}/approve/", {}, format="json").status_code
        == 404
    )


# --- refunds ------------------------------------------------------------------------------------


def _order_paid(store, paid=Decimal("50.00")):
    order = OrderFactory(store=store, total=paid, currency=store.currency)
    line = OrderLineFactory(order=order, quantity=1, unit_price=paid, total_paid=paid)
    return order, line


def _refund_body(order, amount, **extra):
    return {"order": order.pk, "amount": str(amount), "currency": order.currency, **extra}


def test_a_team_lead_issues_a_refund_once_however_often_it_is_sent(lead_eu, store_eu):
    order, line = _order_paid(store_eu)
    client = token_client(lead_eu)
    body = _refund_body(order, "20.00", order_line=line.pk, reason="Damaged")

    first = client.post(REFUNDS, body, format="json", HTTP_IDEMPOTENCY_KEY="refund-1")
    again = client.post(REFUNDS, body, format="json", HTTP_IDEMPOTENCY_KEY="refund-1")

    assert first.status_code == 201
    assert again.json() == first.json()
    refund = Refund.objects.get()
    assert refund.amount == Decimal("20.00")
    line.refresh_from_db()
    assert line.refunded_amount == Decimal("20.00")


def test_a_refund_above_what_is_left_is_refused_with_the_amount_left(lead_eu, store_eu):
    order, line = _order_paid(store_eu)
    client = token_client(lead_eu)
    client.post(
        REFUNDS, _refund_body(order, "40.00", order_line=line.pk), format="json", HTTP_IDEMPOTENCY_KEY="a"
    )

    response = client.post(
        REFUNDS, _refund_body(order, "20.00", order_line=line.pk), format="json", HTTP_IDEMPOTENCY_KEY="b"
    )

    assert response.status_code == 400
    assert "Only 10.00" in error_of(response)["message"]
    assert Refund.objects.count() == 1


def test_a_refund_needs_an_idempotency_key(lead_eu, store_eu):
    order, _line = _order_paid(store_eu)

    response = token_client(lead_eu).post(REFUNDS, _refund_body(order, "5.00"), format="json")

    assert response.status_code == 400
    assert "Idempotency-Key" in error_of(response)["fields"]
    assert not Refund.objects.exists()


def test_a_refund_in_another_currency_or_with_three_decimals_is_refused(lead_eu, store_eu):
    order, _line = _order_paid(store_eu)
    client = token_client(lead_eu)

    currency = client.post(
        REFUNDS, {**_refund_body(order, "5.00"), "currency": "JPY"}, format="json", HTTP_IDEMPOTENCY_KEY="c"
    )
    decimals = client.post(REFUNDS, _refund_body(order, "5.005"), format="json", HTTP_IDEMPOTENCY_KEY="d")

    assert currency.status_code == 400
    assert "paid in EUR" in error_of(currency)["message"]
    assert decimals.status_code == 400
    assert "amount" in error_of(decimals)["fields"]
    assert not Refund.objects.exists()


def test_an_agent_may_not_issue_refunds(agent_eu, store_eu):
    order, _line = _order_paid(store_eu)

    response = token_client(agent_eu).post(
        REFUNDS, _refund_body(order, "5.00"), format="json", HTTP_IDEMPOTENCY_KEY="e"
    )

    assert response.status_code == 403
    assert not Refund.objects.exists()


def test_the_refund_ledger_lists_the_tokens_stores_only(lead_eu, store_eu, store_us):
    order, _line = _order_paid(store_eu)
    other, _ = _order_paid(store_us)
    client = token_client(lead_eu)
    client.post(REFUNDS, _refund_body(order, "5.00"), format="json", HTTP_IDEMPOTENCY_KEY="f")
    manager = UserFactory(groups=[role("Manager")])
    token_client(manager).post(REFUNDS, _refund_body(other, "5.00"), format="json", HTTP_IDEMPOTENCY_KEY="g")

    listed = client.get(REFUNDS).json()["results"]

    assert [row["order"] for row in listed] == [order.pk]
    assert Refund.objects.count() == 2
