"""Managers see every decision with its rules, edit policies, and settle refunds in admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from returns.models import Refund, ReturnPolicy, ReturnRequest
from returns.services.refunds import refund_issue
from returns.services.requests import return_request_submit
from tests.returns.rules_cast import delivered_order, first_line, line_input, photo, policy

pytestmark = pytest.mark.django_db


def run_action(client, changelist: str, action: str, objects) -> str:
    response = client.post(
        changelist, {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_return_shows_each_rule_evaluated_and_its_money(client, manager, store_us):
    policy(store_us, serial_returner_min_orders=2)
    order = delivered_order(store_us, customer_orders=3, customer_returns=3)
    return_request = return_request_submit(
        order=order,
        lines=[line_input(order, photos=[photo()])],
        resolution="refund",
        source="portal",
        submission_key="a",
    )
    client.force_login(manager)

    page = client.get(f"/admin/returns/returnrequest/{return_request.pk}/change/").content.decode()

    assert return_request.status == ReturnRequest.Status.NEEDS_REVIEW
    assert "customer_history" in page
    # Each rule's text is kept as the customer read it, in their language (German here): the
    # manager sees what the customer was told, next to the rule's code.
    assert "Rücksendequote von 100 % bei 3 Bestellungen" in page
    assert "View return" in page  # the admin itself speaks the manager's English
    assert "39.90" in page
    assert client.get("/admin/returns/returnphoto/").status_code == 200


def test_approving_in_admin_issues_the_label(client, manager, store_us):
    policy(store_us, serial_returner_min_orders=2)
    order = delivered_order(store_us, customer_orders=3, customer_returns=3)
    return_request = return_request_submit(
        order=order, lines=[line_input(order)], resolution="refund", source="portal", submission_key="b"
    )
    client.force_login(manager)

    run_action(client, "/admin/returns/returnrequest/", "approve", [return_request])

    return_request.refresh_from_db()
    assert return_request.status == ReturnRequest.Status.LABEL_ISSUED
    assert return_request.decided_by == manager


def test_a_manager_edits_a_policys_choices(client, manager, store_us):
    existing = policy(store_us)
    client.force_login(manager)
    form = client.get(f"/admin/returns/returnpolicy/{existing.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        store=store_us.pk,
        accepted_conditions='["unopened"]',
        seller_pays_shipping_reasons='["damaged_item"]',
        photos_required_reasons='["damaged_item"]',
        keep_item_reasons="[]",
        store_credit_bonus_percent="10",
        keep_item_refund_percent="30",
        return_shipping_cost="6.50",
        return_carrier="",
    )
    data = {key: value for key, value in data.items() if value is not False}

    response = client.post(f"/admin/returns/returnpolicy/{existing.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    existing.refresh_from_db()
    assert existing.store_credit_bonus_percent == Decimal("10")
    assert existing.keep_item_refund_percent == Decimal("30")
    assert existing.return_shipping_cost == Decimal("6.50")
    assert ReturnPolicy.objects.count() == 1


def test_a_manager_marks_refunds_done_by_hand_and_a_done_one_is_reported(client, manager, store_us):
    order = delivered_order(store_us)
    to_do = refund_issue(
        order_line=first_line(order),
        order=order,
        amount=Decimal("10.00"),
        currency="USD",
        method=Refund.Method.ORIGINAL_PAYMENT,
        idempotency_key="admin-1",
    )
    done = refund_issue(
        order=order,
        amount=Decimal("1.00"),
        currency="USD",
        method=Refund.Method.MANUAL,
        idempotency_key="admin-2",
    )
    client.force_login(manager)

    page = run_action(client, "/admin/returns/refund/", "mark_done", [to_do, done])

    to_do.refresh_from_db()
    assert to_do.status == Refund.Status.SUCCEEDED
    assert to_do.done_by == manager
    assert "Refunds marked as done: 1." in page
    assert "only a refund waiting to be done by hand" in page
