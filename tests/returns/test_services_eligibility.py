"""The return rules, one by one and together: what a customer is told about each order line,
and how a submitted return is decided (approved, needs review, rejected) and priced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from customers.models import Order
from logistics.models import TrackingStatus
from returns.models import ItemCondition, Resolution, ReturnReason, ReturnRequest
from returns.services.decision import LineRequest, return_decide
from returns.services.eligibility import exchange_options_for, order_line_eligibility, title_stem
from tests.factories import (
    CustomerTagFactory,
    ProductFactory,
    ReturnLineFactory,
    ReturnRequestFactory,
    SeasonalRuleSetFactory,
    TagFactory,
    TicketFactory,
)
from tests.returns.rules_cast import delivered_order, first_line, policy

pytestmark = pytest.mark.django_db

S = ReturnRequest.Status
UTC = dt.UTC


def outcomes(rules: list[dict]) -> dict[str, str]:
    """rule name → outcome (the last one wins when a rule was evaluated per line)."""
    return {rule["rule"]: rule["outcome"] for rule in rules}


def decide(order: Order, *, resolution: str = Resolution.REFUND, photos_checked: bool = True, **line: object):
    fields: dict[str, object] = {
        "order_line": first_line(order),
        "quantity": 1,
        "reason": ReturnReason.DOES_NOT_FIT,
        "condition": ItemCondition.UNOPENED,
    }
    fields.update(line)
    return return_decide(
        order=order, lines=[LineRequest(**fields)], resolution=resolution, photos_checked=photos_checked
    )


# --- the window ----------------------------------------------------------------------------------


def test_the_window_counts_from_delivery_not_from_the_order(store_us):
    policy(store_us, window_days=30)
    now = timezone.now()
    order = delivered_order(
        store_us, placed=now - dt.timedelta(days=45), delivered=now - dt.timedelta(days=20)
    )

    eligibility = order_line_eligibility(order_line=first_line(order))

    assert eligibility.eligible
    delivered_on = timezone.localtime(now - dt.timedelta(days=20), dt.timezone(dt.timedelta(hours=-5))).date()
    assert abs((eligibility.window_ends - (delivered_on + dt.timedelta(days=30))).days) <= 1
    assert outcomes(eligibility.rules)["window"] == "pass"


def test_after_the_window_the_line_cannot_come_back_and_the_customer_reads_until_when(store_us):
    policy(store_us, window_days=14)
    now = timezone.now()
    order = delivered_order(
        store_us, placed=now - dt.timedelta(days=30), delivered=now - dt.timedelta(days=20)
    )

    eligibility = order_line_eligibility(order_line=first_line(order))

    assert not eligibility.eligible
    assert "window ended" in eligibility.reason
    assert eligibility.returnable_quantity == 0
    assert eligibility.resolutions == []
    assert outcomes(eligibility.rules)["window"] == "reject"


def test_a_parcel_still_on_its_way_cannot_be_returned_yet(store_us):
    policy(store_us)
    order = delivered_order(store_us, parcel_status=TrackingStatus.IN_TRANSIT)

    eligibility = order_line_eligibility(order_line=first_line(order))

    assert not eligibility.eligible
    assert "not been delivered" in eligibility.reason
    assert eligibility.window_ends is None


def test_without_any_tracking_the_window_counts_from_the_order_date(store_us):
    policy(store_us, window_days=30)
    order = delivered_order(store_us, with_parcel=False, placed=timezone.now() - dt.timedelta(days=10))

    eligibility = order_line_eligibility(order_line=first_line(order))

    assert eligibility.eligible
    assert not eligibility.needs_review
    assert outcomes(eligibility.rules)["delivered"] == "info"


def test_without_tracking_and_past_the_order_date_window_a_person_decides(store_us):
    policy(store_us, window_days=30)
    order = delivered_order(store_us, with_parcel=False, placed=timezone.now() - dt.timedelta(days=40))

    eligibility = order_line_eligibility(order_line=first_line(order))

    assert eligibility.eligible
    assert eligibility.needs_review
    assert outcomes(eligibility.rules)["window"] == "review"


# --- holiday extension ---------------------------------------------------------------------------


def christmas_rule_set(store, *, markets=("US",), **overrides):
    season = {
        "return_window_extension_until": "2026-01-31",
        "return_extension_bought_from": "2025-11-01",
        "return_extension_bought_until": "2025-12-24",
        **overrides,
    }
    return SeasonalRuleSetFactory(
        name="Christmas 2025",
        slug="christmas-2025",
        markets=list(markets),
        prepare_from=dt.datetime(2025, 11, 1, tzinfo=UTC),
        peak_from=dt.datetime(2025, 12, 1, tzinfo=UTC),
        peak_until=dt.datetime(2025, 12, 26, tzinfo=UTC),
        review_until=dt.datetime(2026, 1, 15, tzinfo=UTC),
        overrides={"after": season},
        stores=[store],
    )


def holiday_order(store, placed_day: dt.date) -> Order:
    placed = dt.datetime.combine(placed_day, dt.time(15), tzinfo=UTC)
    return delivered_order(store, placed=placed, delivered=placed + dt.timedelta(days=6))


@time_machine.travel(dt.datetime(2026, 1, 20, 12, tzinfo=UTC), tick=False)
def test_bought_in_the_holiday_season_it_is_returnable_until_the_extended_date(store_us):
    policy(store_us, window_days=30)
    christmas_rule_set(store_us)
    order = holiday_order(store_us, dt.date(2025, 11, 20))  # delivered 26 Nov: 30 days end 26 Dec

    eligibility = order_line_eligibility(order_line=first_line(order))

    assert eligibility.eligible
    assert eligibility.window_ends == dt.date(2026, 1, 31)
    assert outcomes(eligibility.rules)["holiday_extension"] == "pass"
    assert (
        "Christmas 2025" in next(r for r in eligibility.rules if r["rule"] == "holiday_extension")["detail"]
    )


@time_machine.travel(dt.datetime(2026, 2, 2, 12, tzinfo=UTC), tick=False)
def test_the_holiday_extension_ends_too(store_us):
    policy(store_us, window_days=30)
    christmas_rule_set(store_us)
    order = holiday_order(store_us, dt.date(2025, 11, 20))

    assert not order_line_eligibility(order_line=first_line(order)).eligible


@pytest.mark.parametrize(
    ("placed", "markets", "honour"),
    [
        (dt.date(2025, 10, 25), ("US",), True),  # bought before the season
        (dt.date(2025, 11, 20), ("GB",), True),  # another market's season
        (dt.date(2025, 11, 20), ("US",), False),  # the policy ignores holiday extensions
    ],
    ids=["bought-before-the-season", "other-market", "policy-opts-out"],
)
@time_machine.travel(dt.datetime(2026, 1, 20, 12, tzinfo=UTC), tick=False)
def test_the_holiday_extension_applies_only_to_its_season_market_and_willing_policies(
    store_us, placed, markets, honour
):
    policy(store_us, window_days=30, honour_holiday_extension=honour)
    christmas_rule_set(store_us, markets=markets)
    order = holiday_order(store_us, placed)

    eligibility = order_line_eligibility(order_line=first_line(order))

    assert not eligibility.eligible
    assert "holiday_extension" not in outcomes(eligibility.rules)


@time_machine.travel(dt.datetime(2026, 1, 20, 12, tzinfo=UTC), tick=False)
def test_without_a_bought_range_the_season_runs_from_preparation_to_the_end_of_the_peak(store_us):
    policy(store_us, window_days=30)
    rule_set = christmas_rule_set(store_us)
    rule_set.overrides = {"during": {"return_window_extension_until": "2026-01-31"}}
    rule_set.save()
    inside = holiday_order(store_us, dt.date(2025, 12, 20))
    after_peak = holiday_order(store_us, dt.date(2025, 12, 27))

    assert order_line_eligibility(order_line=first_line(inside)).window_ends == dt.date(2026, 1, 31)
    after = order_line_eligibility(order_line=first_line(after_peak))
    assert "holiday_extension" not in outcomes(after.rules)
    assert after.window_ends == dt.date(2026, 2, 1)  # delivered 2 January + 30 days


# --- categories, final sale, quantities -----------------------------------------------------------


def test_a_category_policy_beats_the_store_default(store_us):
    policy(store_us, window_days=30)
    policy(store_us, name="Beauty is final sale", category="beauty", final_sale=True, priority=10)
    serum = delivered_order(store_us, category="beauty", title="Vitamin C Face Serum 30ml")
    lamp = delivered_order(store_us, category="lighting")

    serum_eligibility = order_line_eligibility(order_line=first_line(serum))

    assert not serum_eligibility.eligible
    assert "final sale" in serum_eligibility.reason
    assert order_line_eligibility(order_line=first_line(lamp)).eligible


def test_a_longer_window_for_one_category(store_us):
    policy(store_us, window_days=14)
    policy(store_us, name="Apparel 60 days", category="apparel", window_days=60)
    now = timezone.now()
    dress = delivered_order(store_us, category="apparel", delivered=now - dt.timedelta(days=40))
    lamp = delivered_order(store_us, category="lighting", delivered=now - dt.timedelta(days=40))

    assert order_line_eligibility(order_line=first_line(dress)).eligible
    assert not order_line_eligibility(order_line=first_line(lamp)).eligible


def test_items_already_in_a_return_cannot_come_back_twice(store_us):
    policy(store_us)
    order = delivered_order(store_us, quantity=2)
    earlier = ReturnRequestFactory(store=store_us, order=order, status=S.LABEL_ISSUED)
    ReturnLineFactory(return_request=earlier, order_line=first_line(order), quantity=1)

    assert order_line_eligibility(order_line=first_line(order)).returnable_quantity == 1

    ReturnLineFactory(
        return_request=ReturnRequestFactory(store=store_us, order=order, status=S.RECEIVED),
        order_line=first_line(order),
        quantity=1,
    )
    eligibility = order_line_eligibility(order_line=first_line(order))
    assert not eligibility.eligible
    assert eligibility.reason == "This item has already been returned."


@pytest.mark.parametrize("released", [S.CANCELLED, S.REJECTED, S.EXPIRED])
def test_items_of_a_cancelled_rejected_or_expired_return_may_come_back(store_us, released):
    policy(store_us)
    order = delivered_order(store_us, quantity=1)
    ReturnLineFactory(
        return_request=ReturnRequestFactory(store=store_us, order=order, status=released),
        order_line=first_line(order),
        quantity=1,
    )

    assert order_line_eligibility(order_line=first_line(order)).returnable_quantity == 1


def test_a_line_refunded_in_full_cannot_be_returned(store_us):
    policy(store_us)
    order = delivered_order(store_us, quantity=1)
    line = first_line(order)
    line.refunded_amount = line.total_paid
    line.save(update_fields=["refunded_amount"])

    eligibility = order_line_eligibility(order_line=line)

    assert not eligibility.eligible
    assert "refunded in full" in eligibility.reason


def test_a_cancelled_order_has_nothing_to_return(store_us):
    policy(store_us)
    order = delivered_order(store_us)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)

    assert not order_line_eligibility(order_line=first_line(order)).eligible


def test_a_store_without_a_policy_sends_returns_to_a_person(store_us):
    order = delivered_order(store_us)

    eligibility = order_line_eligibility(order_line=first_line(order))

    assert eligibility.eligible
    assert eligibility.needs_review
    assert decide(order).status == S.NEEDS_REVIEW


# --- what the customer may choose -----------------------------------------------------------------


def test_resolutions_follow_the_policy(store_us):
    policy(store_us, store_credit_allowed=True, exchange_allowed=True, keep_item_refund_percent=Decimal("30"))
    order = delivered_order(
        store_us, title="Oversized Hoodie, Grey", category="apparel", price=Decimal("29.99")
    )
    ProductFactory(
        store=store_us, title="Oversized Hoodie, Black", category="apparel", price=Decimal("29.99")
    )

    eligibility = order_line_eligibility(order_line=first_line(order))

    assert eligibility.resolutions == ["refund", "store_credit", "exchange", "keep_item"]


def test_no_exchange_without_another_variant_and_no_keep_it_offer_at_zero_percent(store_us):
    policy(store_us, store_credit_allowed=False, keep_item_refund_percent=Decimal("0"))
    order = delivered_order(store_us, title="Unique lamp")

    assert order_line_eligibility(order_line=first_line(order)).resolutions == ["refund"]


def test_exchange_options_are_other_variants_of_the_same_product_at_most_its_price(store_us, store_eu):
    grey = ProductFactory(
        store=store_us, sku="HOODIE-OVS-GRY", title="Oversized Hoodie, Grey", category="apparel"
    )
    black = ProductFactory(
        store=store_us, sku="HOODIE-OVS-BLK", title="Oversized Hoodie, Black", category="apparel"
    )
    by_sku = ProductFactory(
        store=store_us, sku="HOODIE-OVS-RED", title="Red hoodie, oversized", category="apparel"
    )
    ProductFactory(store=store_us, sku="JEANS-SLIM-BLU", title="Slim Fit Jeans, Blue", category="apparel")
    ProductFactory(
        store=store_us,
        sku="HOODIE-OVS-GLD",
        title="Oversized Hoodie, Gold",
        category="apparel",
        price=Decimal("99"),
    )
    ProductFactory(store=store_eu, sku="HOODIE-OVS-WHT", title="Oversized Hoodie, White", category="apparel")

    assert exchange_options_for(product=grey) == [black, by_sku]


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Oversized Hoodie, Grey", "oversized hoodie"),
        ("No-Pull Dog Harness - Medium", "no-pull dog harness"),
        ("Building Blocks Castle Set (1,200 pcs)", "building blocks castle set"),
        ("Sneakers / White", "sneakers"),
    ],
)
def test_a_variant_is_the_product_name_without_what_follows_the_separator(title, stem):
    assert title_stem(title) == stem


def test_photos_are_required_for_the_reasons_the_policy_names(store_us):
    policy(store_us, photos_required_reasons=["damaged_item", "wrong_item"])
    order = delivered_order(store_us)

    assert order_line_eligibility(order_line=first_line(order)).photos_required_reasons == {
        "damaged_item",
        "wrong_item",
    }


# --- the decision ---------------------------------------------------------------------------------


def test_a_clean_return_is_approved_and_every_rule_is_recorded(store_us):
    policy(store_us)
    order = delivered_order(store_us)

    decision = decide(order)

    assert decision.status == S.APPROVED
    assert set(outcomes(decision.rules)) >= {
        "policy",
        "delivered",
        "final_sale",
        "window",
        "condition",
        "return_shipping",
        "customer_history",
        "claim_risk",
    }
    assert all(rule["outcome"] in {"pass", "info"} for rule in decision.rules)
    assert decision.refund_total == Decimal("39.90")


@pytest.mark.parametrize(
    ("reason", "condition", "outcome"),
    [
        (ReturnReason.DOES_NOT_FIT, ItemCondition.LIKE_NEW, "pass"),
        (ReturnReason.CHANGED_MIND, ItemCondition.USED, "reject"),
        (ReturnReason.DOES_NOT_FIT, ItemCondition.DAMAGED, "reject"),
        (ReturnReason.DAMAGED, ItemCondition.DAMAGED, "pass"),  # our fault: condition does not matter
        (ReturnReason.DEFECTIVE, ItemCondition.USED, "pass"),
    ],
)
def test_condition_requirements_apply_to_the_customers_reasons_only(store_us, reason, condition, outcome):
    policy(store_us, accepted_conditions=["unopened", "like_new"], photos_required_reasons=[])
    order = delivered_order(store_us)

    decision = decide(order, reason=reason, condition=condition)

    assert outcomes(decision.rules)["condition"] == outcome
    assert (decision.status == S.REJECTED) == (outcome == "reject")


def test_a_rejection_names_the_rule_that_rejected_it(store_us):
    policy(store_us, accepted_conditions=["unopened"])
    order = delivered_order(store_us)

    decision = decide(order, reason=ReturnReason.CHANGED_MIND, condition=ItemCondition.USED)

    assert decision.rejected_by["rule"] == "condition"
    assert decision.reason == decision.rejected_by["detail"]
    assert "Unopened" in decision.reason


def test_a_restocking_fee_applies_when_the_customer_changed_their_mind(store_us):
    policy(store_us, restocking_fee_percent=Decimal("15"))
    order = delivered_order(store_us, price=Decimal("40.00"))

    changed_mind = decide(order, reason=ReturnReason.CHANGED_MIND)
    damaged = decide(order, reason=ReturnReason.DAMAGED, condition=ItemCondition.DAMAGED, photo_count=1)

    assert changed_mind.lines[0].restocking_fee == Decimal("6.00")
    assert changed_mind.lines[0].refund_amount == Decimal("34.00")
    assert changed_mind.refund_total == Decimal("34.00")
    assert damaged.lines[0].restocking_fee == Decimal("0")
    assert damaged.refund_total == Decimal("40.00")


def test_the_customer_pays_return_shipping_when_they_changed_their_mind(store_us):
    policy(store_us, return_shipping_cost=Decimal("6.50"))
    order = delivered_order(store_us, price=Decimal("40.00"))

    changed_mind = decide(order, reason=ReturnReason.CHANGED_MIND)
    wrong_item = decide(order, reason=ReturnReason.WRONG_ITEM, photo_count=2)

    assert changed_mind.customer_pays_shipping
    assert changed_mind.return_shipping_fee == Decimal("6.50")
    assert changed_mind.refund_total == Decimal("33.50")
    assert not wrong_item.customer_pays_shipping
    assert wrong_item.refund_total == Decimal("40.00")
    assert outcomes(wrong_item.rules)["return_shipping"] == "pass"


def test_a_cheap_item_is_refunded_without_a_return(store_us):
    policy(store_us, returnless_max_value=Decimal("15.00"), return_shipping_cost=Decimal("6.50"))
    order = delivered_order(store_us, price=Decimal("9.90"))

    decision = decide(order, reason=ReturnReason.CHANGED_MIND)

    assert decision.returnless
    assert not decision.customer_pays_shipping  # nothing is shipped, nothing deducted
    assert decision.refund_total == Decimal("9.90")


def test_returnless_when_shipping_would_cost_more_than_the_set_share_of_the_value(store_us):
    policy(store_us, returnless_shipping_share=Decimal("0.50"), return_shipping_cost=Decimal("12.00"))
    cheap = delivered_order(store_us, price=Decimal("20.00"))  # 12 > 10
    dear = delivered_order(store_us, price=Decimal("30.00"))  # 12 < 15

    assert decide(cheap).returnless
    assert not decide(dear).returnless


def test_an_exchange_is_never_returnless(store_us):
    policy(store_us, returnless_max_value=Decimal("50.00"))
    order = delivered_order(store_us, price=Decimal("9.90"), title="Oversized Hoodie, Grey")
    black = ProductFactory(
        store=store_us, title="Oversized Hoodie, Black", price=Decimal("9.90"), category="lighting"
    )

    decision = decide(order, resolution=Resolution.EXCHANGE, exchange_for=black)

    assert not decision.returnless
    assert decision.refund_total == 0


def test_keeping_the_item_refunds_the_set_share(store_us):
    policy(store_us, keep_item_refund_percent=Decimal("30"))
    order = delivered_order(store_us, price=Decimal("39.90"))

    decision = decide(order, resolution=Resolution.KEEP_ITEM, reason=ReturnReason.NOT_AS_DESCRIBED)

    assert decision.returnless
    assert decision.refund_total == Decimal("11.97")


def test_store_credit_earns_the_bonus_on_what_is_refunded(store_us):
    policy(store_us, store_credit_bonus_percent=Decimal("10"), restocking_fee_percent=Decimal("10"))
    order = delivered_order(store_us, price=Decimal("50.00"))

    decision = decide(order, resolution=Resolution.STORE_CREDIT, reason=ReturnReason.CHANGED_MIND)

    assert decision.lines[0].refund_amount == Decimal("45.00")
    assert decision.store_credit_bonus == Decimal("4.50")
    assert decision.refund_total == Decimal("49.50")


def test_photos_missing_for_a_damaged_item_reject_or_go_to_review(store_us):
    policy(store_us, photos_required_reasons=["damaged_item"])
    order = delivered_order(store_us)

    from_customer = decide(order, reason=ReturnReason.DAMAGED, condition=ItemCondition.DAMAGED)
    from_agent = decide(
        order, reason=ReturnReason.DAMAGED, condition=ItemCondition.DAMAGED, photos_checked=False
    )
    with_photos = decide(order, reason=ReturnReason.DAMAGED, condition=ItemCondition.DAMAGED, photo_count=2)

    assert from_customer.status == S.REJECTED
    assert from_customer.rejected_by["rule"] == "photos"
    assert from_agent.status == S.NEEDS_REVIEW
    assert with_photos.status == S.APPROVED


def test_asking_for_more_than_can_still_come_back_is_rejected(store_us):
    policy(store_us)
    order = delivered_order(store_us, quantity=2)
    ReturnLineFactory(
        return_request=ReturnRequestFactory(store=store_us, order=order, status=S.IN_TRANSIT),
        order_line=first_line(order),
        quantity=1,
    )

    decision = decide(order, quantity=2)

    assert decision.status == S.REJECTED
    assert decision.rejected_by["rule"] == "quantity"


# --- the customer and the claim -------------------------------------------------------------------


def test_a_serial_returner_goes_to_review_with_the_promised_answer_time(store_us):
    policy(
        store_us, serial_returner_rate=Decimal("0.50"), serial_returner_min_orders=4, review_answer_hours=24
    )
    order = delivered_order(store_us, customer_orders=6, customer_returns=4)

    decision = decide(order)

    assert decision.status == S.NEEDS_REVIEW
    assert outcomes(decision.rules)["customer_history"] == "review"
    assert "67%" in decision.reason
    assert abs(decision.review_due_at - (timezone.now() + dt.timedelta(hours=24))) < dt.timedelta(minutes=1)


def test_a_high_return_rate_over_too_few_orders_is_not_judged(store_us):
    policy(store_us, serial_returner_rate=Decimal("0.50"), serial_returner_min_orders=4)
    order = delivered_order(store_us, customer_orders=2, customer_returns=2)

    assert decide(order).status == S.APPROVED


def test_a_customer_tagged_serial_returner_goes_to_review(store_us):
    policy(store_us)
    order = delivered_order(store_us)
    CustomerTagFactory(
        customer=order.customer, tag=TagFactory(slug="serial-returner", name="Serial returner")
    )

    assert decide(order).status == S.NEEDS_REVIEW


@pytest.mark.parametrize(
    ("claim_review", "claim_risk", "status"),
    [(True, None, S.NEEDS_REVIEW), (False, 90.0, S.NEEDS_REVIEW), (False, 10.0, S.APPROVED)],
)
def test_a_high_claim_risk_on_the_order_goes_to_review(store_us, claim_review, claim_risk, status):
    policy(store_us)
    order = delivered_order(store_us)
    TicketFactory(
        store=store_us, order=order, customer=order.customer, claim_review=claim_review, claim_risk=claim_risk
    )

    decision = decide(order)

    assert decision.status == status
    assert outcomes(decision.rules)["claim_risk"] == ("review" if status == S.NEEDS_REVIEW else "pass")


# --- combinations ---------------------------------------------------------------------------------


def test_a_rejecting_rule_beats_a_review(store_us):
    policy(store_us, final_sale=True, serial_returner_min_orders=1)
    order = delivered_order(store_us, customer_orders=3, customer_returns=3)

    decision = decide(order)

    assert decision.status == S.REJECTED
    assert decision.rejected_by["rule"] == "final_sale"
    assert outcomes(decision.rules)["customer_history"] == "review"  # still recorded


def test_fee_and_paid_shipping_together_for_a_changed_mind_store_credit(store_us):
    policy(
        store_us,
        restocking_fee_percent=Decimal("10"),
        return_shipping_cost=Decimal("5.00"),
        store_credit_bonus_percent=Decimal("10"),
    )
    order = delivered_order(store_us, price=Decimal("60.00"), quantity=2)

    decision = decide(order, quantity=2, reason=ReturnReason.CHANGED_MIND, resolution=Resolution.STORE_CREDIT)

    # 120 - 12 fee = 108; - 5 shipping = 103; + 10% bonus = 113.30
    assert decision.restocking_fee_total == Decimal("12.00")
    assert decision.return_shipping_fee == Decimal("5.00")
    assert decision.refund_total == Decimal("113.30")
    assert decision.status == S.APPROVED


def test_a_holiday_extension_and_a_serial_returner_together_go_to_review(store_us):
    with time_machine.travel(dt.datetime(2026, 1, 20, 12, tzinfo=UTC), tick=False):
        policy(store_us, window_days=30, serial_returner_min_orders=2)
        christmas_rule_set(store_us)
        order = holiday_order(store_us, dt.date(2025, 11, 20))
        order.customer.orders_count, order.customer.returns_count = 4, 3
        order.customer.save()

        decision = decide(order)

    assert decision.status == S.NEEDS_REVIEW
    assert outcomes(decision.rules)["holiday_extension"] == "pass"
    assert outcomes(decision.rules)["window"] == "pass"


def test_a_partly_refunded_line_is_worth_only_what_is_left(store_us):
    policy(store_us)
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=1)
    line = first_line(order)
    line.refunded_amount = Decimal("15.00")
    line.save(update_fields=["refunded_amount"])

    decision = decide(order)

    assert decision.refund_total == Decimal("25.00")
    assert outcomes(decision.rules)["already_refunded"] == "info"
