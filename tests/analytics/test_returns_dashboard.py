"""The returns dashboard: every figure checked against hand-counted controlled data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from analytics.dashboards.returns import build
from analytics.filters import filters_from_query
from analytics.returns_selectors import wilson_lower_bound
from analytics.services import rollups_refresh
from customers.models import Order
from returns.models import CompensationOffer, Refund, ReturnReason, ReturnRequest
from tests.factories import (
    CompensationOfferFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    RefundFactory,
    ReturnEventFactory,
    ReturnLineFactory,
    ReturnRequestFactory,
    TicketFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MAY = {"start": "2026-05-01", "end": "2026-05-31"}
IN_MAY = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)
IN_JUNE = dt.datetime(2026, 6, 3, 12, tzinfo=dt.UTC)  # after the period: returns of May's orders still count
IN_APRIL = dt.datetime(2026, 4, 20, 12, tzinfo=dt.UTC)


def _filters(user, **values):
    query = QueryDict(mutable=True)
    query.update({**MAY, **values})
    filters, form = filters_from_query(query, user=user)
    assert not form.errors, form.errors
    return filters


def _sell(product, *, orders, quantity=1, placed_at=IN_MAY, status=Order.Status.FULFILLED):
    lines = []
    for _ in range(orders):
        order = OrderFactory(store=product.store, placed_at=placed_at, status=status)
        lines.append(OrderLineFactory(order=order, product=product, quantity=quantity))
    return lines


def _return(line, *, quantity=1, reason=ReturnReason.DAMAGED, status=ReturnRequest.Status.REQUESTED):
    request = ReturnRequestFactory(
        store=line.order.store, order=line.order, requested_at=IN_JUNE, status=status
    )
    return ReturnLineFactory(return_request=request, order_line=line, quantity=quantity, reason=reason)


def _complain(line, intent="damaged_item"):
    return TicketFactory(
        store=line.order.store,
        customer=line.order.customer,
        order=line.order,
        intent=intent,
        created_at=IN_JUNE,
    )


@pytest.fixture(params=["live", "rollup"])
def catalogue(request, store_eu, store_us):
    """Lighting: A (20 units, 10 back, 8 complaints), B (80 units, 4 back, 2 complaints),
    E (2 units, 1 back), and A's SKU sold once in the US store; kitchen: C (2 orders × 2, 2 back).
    Counted live, or from the daily rollup (``OrderLineDay``) once refreshed: the same figures."""
    a = ProductFactory(store=store_eu, sku="LAMP-A", title="Lamp A", category="lighting")
    b = ProductFactory(store=store_eu, sku="LAMP-B", title="Lamp B", category="lighting")
    e = ProductFactory(store=store_eu, sku="LAMP-E", title="Lamp E", category="lighting")
    a_us = ProductFactory(store=store_us, sku="LAMP-A", title="Lamp A (US)", category="lighting")
    c = ProductFactory(store=store_eu, sku="PAN-C", title="Pan C", category="kitchen")
    a_lines = _sell(a, orders=20)
    for line in a_lines[:10]:
        _return(line, reason=ReturnReason.DAMAGED)
    for line in a_lines[:8]:
        _complain(line)
    b_lines = _sell(b, orders=80)
    for line in b_lines[:4]:
        _return(line, reason=ReturnReason.DOES_NOT_FIT)
    _complain(b_lines[10], "wrong_item")
    _complain(b_lines[11], "not_as_described")
    e_lines = _sell(e, orders=2)
    _return(e_lines[0], reason=ReturnReason.CHANGED_MIND)
    _sell(a_us, orders=1)
    c_lines = _sell(c, orders=2, quantity=2)
    _return(c_lines[0], quantity=2, reason=ReturnReason.DEFECTIVE)
    # None of these count:
    _return(b_lines[20], status=ReturnRequest.Status.REJECTED)  # a rejected request is no return
    _complain(b_lines[21], "where_is_my_order")  # not a complaint about the item
    _sell(b, orders=3, status=Order.Status.CANCELLED)  # never sold
    old = _sell(a, orders=1, placed_at=IN_APRIL)  # sold before the period
    _return(old[0])
    _complain(old[0])
    if request.param == "rollup":
        rollups_refresh(days=None)
    return {"a": a, "b": b, "c": c, "e": e}


def _rows(table, key="sku"):
    return {row[key]: row for row in table.rows}


def test_wilson_lower_bound_matches_the_textbook_values():
    assert wilson_lower_bound(0, 0) == 0
    assert wilson_lower_bound(10, 20) == pytest.approx(0.2993, abs=1e-4)
    assert wilson_lower_bound(1, 2) == pytest.approx(0.0945, abs=1e-4)
    assert wilson_lower_bound(50, 100) == pytest.approx(0.4038, abs=1e-4)


def test_return_rates_by_product_sku_and_category(manager, catalogue):
    page = build(_filters(manager))
    products = {(row["sku"], row["title"]): row for row in page.table("by-product").rows}
    lamp_a = products[("LAMP-A", "Lamp A")]
    assert (lamp_a["units_sold"], lamp_a["units_returned"]) == (20, 10)
    assert lamp_a["return_rate"] == pytest.approx(0.5)
    assert (lamp_a["orders"], lamp_a["complained_orders"]) == (20, 8)
    assert lamp_a["complaint_rate"] == pytest.approx(0.4)
    lamp_b = products[("LAMP-B", "Lamp B")]
    assert (lamp_b["units_sold"], lamp_b["units_returned"], lamp_b["complained_orders"]) == (80, 4, 2)
    pan = products[("PAN-C", "Pan C")]
    assert (pan["units_sold"], pan["units_returned"], pan["orders"]) == (4, 2, 2)
    assert products[("LAMP-A", "Lamp A (US)")]["units_sold"] == 1

    # By SKU, the two stores' LAMP-A are one row.
    skus = _rows(page.table("by-sku"))
    assert (skus["LAMP-A"]["units_sold"], skus["LAMP-A"]["units_returned"]) == (21, 10)
    assert skus["LAMP-A"]["return_rate"] == pytest.approx(10 / 21)

    categories = _rows(page.table("by-category"), "category")
    lighting = categories["lighting"]
    assert (lighting["units_sold"], lighting["units_returned"]) == (20 + 80 + 2 + 1, 10 + 4 + 1)
    assert lighting["return_rate"] == pytest.approx(15 / 103)
    assert (lighting["orders"], lighting["complained_orders"]) == (103, 10)
    assert categories["kitchen"]["return_rate"] == pytest.approx(0.5)

    kpis = {str(kpi.label): kpi.value for kpi in page.kpis}
    assert kpis["Units sold"] == "107"
    assert kpis["Return rate"] == f"{17 / 107 * 100:.1f} %"


def test_returns_by_reason(manager, catalogue):
    reasons = _rows(build(_filters(manager)).table("by-reason"), "reason")
    assert {reason: row["units"] for reason, row in reasons.items()} == {
        "damaged_item": 10,
        "does_not_fit": 4,
        "defective": 2,
        "changed_mind": 1,
    }
    assert reasons["defective"]["lines"] == 1  # one line of two units
    assert reasons["damaged_item"]["share"] == pytest.approx(10 / 17)


def test_a_product_well_above_its_category_is_flagged_but_a_small_sample_is_not(manager, catalogue):
    outliers = build(_filters(manager)).table("outliers").rows
    assert [row["sku"] for row in outliers] == ["LAMP-A"]
    lamp_a = outliers[0]
    assert lamp_a["flagged_for"] == "returns, complaints"
    assert lamp_a["category_return_rate"] == pytest.approx(15 / 103)
    assert lamp_a["category_complaint_rate"] == pytest.approx(10 / 103)
    assert lamp_a["return_rate_low"] == pytest.approx(0.2993, abs=1e-4)
    # Lamp E: 1 of 2 back is 50 % (3× the category) but the 95 % bound (9 %) is below 14.6 %.
    # Pan C: 50 % is its whole category's rate.


def test_the_store_filter_narrows_every_rate(manager, catalogue, store_us):
    page = build(_filters(manager, store=str(store_us.pk)))
    assert [(row["sku"], row["units_sold"], row["units_returned"]) for row in page.table("by-sku").rows] == [
        ("LAMP-A", 1, 0)
    ]


def test_decisions_split_between_the_rules_and_reviewers(manager, store_eu):
    S = ReturnRequest.Status
    lead = UserFactory()
    decided = IN_MAY + dt.timedelta(minutes=1)
    ReturnRequestFactory(store=store_eu, requested_at=IN_MAY, status=S.LABEL_ISSUED, decided_at=decided)
    ReturnRequestFactory(store=store_eu, requested_at=IN_MAY, status=S.REFUNDED, decided_at=decided)
    ReturnRequestFactory(store=store_eu, requested_at=IN_MAY, status=S.REJECTED, decided_at=decided)
    reviewed = ReturnRequestFactory(
        store=store_eu, requested_at=IN_MAY, status=S.REFUNDED, decided_at=decided, decided_by=lead
    )
    ReturnEventFactory(return_request=reviewed, from_status=S.REQUESTED, to_status=S.NEEDS_REVIEW)
    waiting = ReturnRequestFactory(store=store_eu, requested_at=IN_MAY, status=S.NEEDS_REVIEW)
    ReturnEventFactory(return_request=waiting, from_status=S.REQUESTED, to_status=S.NEEDS_REVIEW)
    ReturnRequestFactory(store=store_eu, requested_at=IN_APRIL, status=S.REJECTED, decided_at=IN_APRIL)

    page = build(_filters(manager))
    rows = {str(row["path"]): row for row in page.table("decisions").rows}
    assert (rows["Decided by the rules"]["approved"], rows["Decided by the rules"]["rejected"]) == (2, 1)
    assert (rows["Reviewed by a person"]["approved"], rows["Reviewed by a person"]["rejected"]) == (1, 0)
    assert rows["Decided by the rules"]["share"] == pytest.approx(3 / 4)
    kpis = {str(kpi.label): kpi.value for kpi in page.kpis}
    assert kpis["Return requests"] == "5"
    assert kpis["Decided by the rules alone"] == "75.0 %"


def test_refunds_are_totalled_per_currency_never_across(manager, store_eu, store_us):
    eu_order = OrderFactory(store=store_eu)
    us_order = OrderFactory(store=store_us)
    RefundFactory(order=eu_order, amount=Decimal("39.90"), status=Refund.Status.SUCCEEDED, created_at=IN_MAY)
    RefundFactory(order=eu_order, amount=Decimal("10.00"), status=Refund.Status.SUCCEEDED, created_at=IN_MAY)
    RefundFactory(order=eu_order, amount=Decimal("5.00"), status=Refund.Status.PENDING, created_at=IN_MAY)
    RefundFactory(order=us_order, amount=Decimal("20.00"), status=Refund.Status.SUCCEEDED, created_at=IN_MAY)
    RefundFactory(
        order=eu_order, amount=Decimal("99.00"), status=Refund.Status.SUCCEEDED, created_at=IN_APRIL
    )
    rows = build(_filters(manager)).table("refunds").rows
    assert [(r["currency"], r["refunds"], r["paid"], r["outstanding"]) for r in rows] == [
        ("EUR", 3, Decimal("49.90"), Decimal("5.00")),
        ("USD", 1, Decimal("20.00"), Decimal("0")),
    ]


def test_compensation_by_tier(manager, store_eu, store_us):
    S = CompensationOffer.Status
    for status, amount in (
        (S.SUGGESTED, "5.00"),
        (S.OFFERED, "5.00"),
        (S.ACCEPTED, "5.00"),
        (S.ACCEPTED, "7.00"),
    ):
        CompensationOfferFactory(
            order=OrderFactory(store=store_eu), status=status, amount=Decimal(amount), created_at=IN_MAY
        )
    CompensationOfferFactory(
        order=OrderFactory(store=store_us),
        tier=CompensationOffer.Tier.PARTIAL,
        kind=CompensationOffer.Kind.PARTIAL_REFUND,
        status=S.DECLINED,
        amount=Decimal("15.00"),
        created_at=IN_MAY,
    )
    rows = build(_filters(manager)).table("compensation").rows
    coupon, partial = rows
    assert (coupon["tier"], coupon["currency"]) == (1, "EUR")
    assert (coupon["suggested"], coupon["made"], coupon["accepted"]) == (1, 3, 2)
    assert (coupon["made_amount"], coupon["accepted_amount"]) == (Decimal("17.00"), Decimal("12.00"))
    assert coupon["acceptance_rate"] == pytest.approx(2 / 3)
    assert (partial["tier"], partial["currency"], partial["made"], partial["accepted"]) == (2, "USD", 1, 0)
    assert partial["acceptance_rate"] == 0


def test_the_page_renders_and_the_outliers_download_as_csv(client, manager, catalogue):
    client.force_login(manager)
    url = reverse("analytics:dashboard", args=["returns"])
    page = client.get(url, MAY)
    assert page.status_code == 200
    assert 'data-chart="category-rates"' in page.content.decode()
    response = client.get(url, {**MAY, "export": "outliers"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, *body = rows
    assert header[:4] == ["SKU", "Product", "Category", "Flagged for"]
    assert [(row[0], row[3], row[4]) for row in body] == [("LAMP-A", "returns, complaints", "20")]


def test_the_previous_period_gets_as_long_to_come_back_as_this_one(manager, store_eu):
    lamp = ProductFactory(store=store_eu, category="lighting")
    _sell(lamp, orders=2)  # May: 2 units, none back
    april = _sell(lamp, orders=2, placed_at=IN_APRIL)
    early = _return(april[0])  # requested in June: within the time May's orders have had since
    late = _return(april[1])  # requested 5 days ago: later than May's orders could have come back
    ReturnRequest.objects.filter(pk=late.return_request_id).update(
        requested_at=timezone.now() - dt.timedelta(days=5)
    )
    assert early.return_request.requested_at == IN_JUNE
    kpi = next(kpi for kpi in build(_filters(manager)).kpis if str(kpi.label) == "Return rate")
    assert kpi.value == "0.0 %"
    assert kpi.previous == "50.0 %"  # 1 of April's 2 units
