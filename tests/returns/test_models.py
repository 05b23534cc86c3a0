"""Returns and refunds are recorded once, and a refund or a fee is never an impossible amount."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import (
    CompensationOfferFactory,
    OrderFactory,
    RefundFactory,
    ReturnLineFactory,
    ReturnPolicyFactory,
    ReturnRequestFactory,
    StoreFactory,
)

pytestmark = pytest.mark.django_db


def test_an_rma_number_is_given_to_one_return_only():
    ReturnRequestFactory(rma_number="RMA-2025-0001")

    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnRequestFactory(rma_number="RMA-2025-0001")


def test_a_resubmitted_portal_form_does_not_create_a_second_return():
    first = ReturnRequestFactory(submission_key="portal-7f3c2a")

    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnRequestFactory(store=first.store, order=first.order, submission_key="portal-7f3c2a")


def test_an_order_line_appears_once_in_a_return():
    line = ReturnLineFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnLineFactory(return_request=line.return_request, order_line=line.order_line)


def test_the_same_order_line_may_come_back_in_a_later_return():
    line = ReturnLineFactory()
    later = ReturnRequestFactory(store=line.return_request.store, order=line.return_request.order)

    ReturnLineFactory(return_request=later, order_line=line.order_line)

    assert line.order_line.return_lines.count() == 2


def test_a_retried_refund_request_is_not_recorded_twice():
    refund = RefundFactory(idempotency_key="return-17:refund:1")

    with pytest.raises(IntegrityError), transaction.atomic():
        RefundFactory(order=refund.order, idempotency_key="return-17:refund:1")


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("-10.00")])
def test_a_refund_must_be_for_a_positive_amount(amount):
    with pytest.raises(IntegrityError), transaction.atomic():
        RefundFactory(amount=amount)


@pytest.mark.parametrize("currency", ["eur", "E1R"])
def test_a_refund_currency_must_be_an_iso_code(currency):
    with pytest.raises(IntegrityError), transaction.atomic():
        RefundFactory(currency=currency)


def test_a_refund_cannot_be_issued_before_it_was_created():
    created = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        RefundFactory(created_at=created, issued_at=created - timedelta(seconds=1))


def test_a_return_cannot_be_decided_before_it_was_requested():
    requested = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnRequestFactory(requested_at=requested, decided_at=requested - timedelta(hours=2))


@pytest.mark.parametrize("percent", [Decimal("150.00"), Decimal("-5.00")])
def test_a_restocking_fee_is_a_percentage_between_0_and_100(percent):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnPolicyFactory(restocking_fee_percent=percent)


def test_a_store_has_one_active_policy_per_category():
    store = StoreFactory()
    ReturnPolicyFactory(store=store, category="lighting")
    ReturnPolicyFactory(store=store, category="lighting", is_active=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnPolicyFactory(store=store, category="lighting")


@pytest.mark.parametrize("tier", [0, 4])
def test_compensation_comes_in_three_tiers(tier):
    with pytest.raises(IntegrityError), transaction.atomic():
        CompensationOfferFactory(tier=tier)


def test_a_compensation_cannot_be_worth_less_than_nothing():
    with pytest.raises(IntegrityError), transaction.atomic():
        CompensationOfferFactory(order=OrderFactory(), amount=Decimal("-1.00"))
