"""Tiered compensation: which tier each driver leads to, the store's limits, never on a risky
claim, and offers made once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from helpdesk.exceptions import ApplicationError
from logistics.models import TrackingStatus
from returns.models import CompensationOffer
from returns.services.compensation import (
    FULL_REFUND,
    RESHIP_EXPRESS,
    WAIT_WITH_COUPON,
    compensation_offer_create,
    compensation_offer_decline,
    compensation_suggest,
    parcel_delay_days,
)
from tests.conftest import role
from tests.factories import (
    CarrierFactory,
    CompensationOfferFactory,
    CompensationPolicyFactory,
    CustomerFactory,
    LaneStatisticFactory,
    OrderFactory,
    ShipmentFactory,
    StoreFactory,
    TicketFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Tier = CompensationOffer.Tier
Kind = CompensationOffer.Kind
NOW = dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def store():
    return StoreFactory(currency="EUR", timezone="Europe/Berlin", default_language="de")


@pytest.fixture
def policy(store):
    return CompensationPolicyFactory(store=store)


def a_customer(**values):
    defaults = {
        "lifetime_value": Decimal("84.70"),
        "lifetime_value_currency": "EUR",
        "orders_count": 1,
        "returns_count": 0,
        "claims_count": 0,
    }
    return CustomerFactory(**{**defaults, **values})


def an_order(store, *, total="84.70", customer=None):
    return OrderFactory(
        store=store,
        customer=customer or a_customer(),
        currency="EUR",
        subtotal=Decimal(total),
        shipping_total=Decimal(0),
        total=Decimal(total),
    )


def a_parcel(order, *, days_late, delivered=False, **values):
    promised = (NOW - dt.timedelta(days=days_late)).date()
    shipped = NOW - dt.timedelta(days=days_late + 12)
    return ShipmentFactory(
        store=order.store,
        order=order,
        promised_by=promised,
        shipped_at=shipped,
        status=TrackingStatus.DELIVERED if delivered else TrackingStatus.IN_TRANSIT,
        delivered_at=NOW if delivered else None,
        **values,
    )


# --- the problem: intent and delay ----------------------------------------------------------


def test_a_question_with_nothing_wrong_gets_no_compensation(store, policy):
    assert compensation_suggest(order=an_order(store), intent="product_question") is None


def test_a_damaged_item_gets_a_partial_refund_of_the_stores_share(store, policy):
    suggestion = compensation_suggest(order=an_order(store), intent="damaged_item")

    assert (suggestion.tier, suggestion.kind) == (Tier.PARTIAL, Kind.PARTIAL_REFUND)
    assert suggestion.amount == Decimal("16.94")  # 20% of 84.70
    assert suggestion.terms["refund"] == "16.94"
    assert any("damaged" in reason for reason in suggestion.reasons)


@pytest.mark.parametrize("intent", ["wrong_item", "missing_item", "wrong"])
def test_a_wrong_or_missing_item_is_sent_again_free(store, policy, intent):
    suggestion = compensation_suggest(order=an_order(store), intent=intent)

    assert (suggestion.tier, suggestion.kind) == (Tier.PARTIAL, Kind.RESHIP)


def test_a_parcel_delivered_a_little_late_gets_a_coupon(store, policy):
    order = an_order(store)
    a_parcel(order, days_late=2, delivered=True)

    suggestion = compensation_suggest(order=order, intent="late")

    assert (suggestion.tier, suggestion.kind) == (Tier.COUPON, Kind.COUPON)
    assert suggestion.amount == Decimal("8.47")  # 10% of the order beats the 5.00 minimum
    assert suggestion.delay_days == 2
    assert any("2 days late" in reason for reason in suggestion.reasons)


def test_a_parcel_still_on_its_way_and_moderately_late_gets_the_wait_or_reship_choice(store, policy):
    order = an_order(store)
    a_parcel(order, days_late=7)

    suggestion = compensation_suggest(order=order, intent="where_is_my_order")

    assert (suggestion.tier, suggestion.kind) == (Tier.PARTIAL, Kind.CHOICE)
    assert suggestion.options == (WAIT_WITH_COUPON, RESHIP_EXPRESS)


def test_a_badly_late_parcel_gets_the_choice_of_wait_reship_or_full_refund(store, policy):
    order = an_order(store)
    a_parcel(order, days_late=20)

    suggestion = compensation_suggest(order=order, intent="not_received")

    assert (suggestion.tier, suggestion.kind) == (Tier.FULL, Kind.CHOICE)
    assert suggestion.options == (WAIT_WITH_COUPON, RESHIP_EXPRESS, FULL_REFUND)
    assert suggestion.terms["refund"] == "84.70"
    assert suggestion.terms["coupon"] == "8.47"


def test_a_parcel_delivered_badly_late_gets_a_full_refund_and_the_gift(store, policy):
    order = an_order(store)
    a_parcel(order, days_late=20, delivered=True)

    suggestion = compensation_suggest(order=order, intent="late")

    assert (suggestion.tier, suggestion.kind) == (Tier.FULL, Kind.FULL_REFUND_GIFT)
    assert suggestion.amount == Decimal("92.70")  # 84.70 refund + the 8.00 gift
    assert suggestion.terms["gift"] == "LED bulb set"


def test_logistics_can_say_how_late_a_parcel_is(store, policy):
    suggestion = compensation_suggest(order=an_order(store), intent="not_received", delay_days=15)

    assert suggestion.tier == Tier.FULL


def test_a_parcel_without_a_promise_is_measured_against_its_lanes_p80(store):
    carrier = CarrierFactory()
    LaneStatisticFactory(origin_country="CN", destination_country="DE", carrier=carrier, p80_days=Decimal(13))
    parcel = ShipmentFactory(
        store=store, carrier=carrier, shipped_at=NOW - dt.timedelta(days=20), promised_by=None
    )

    assert parcel_delay_days(shipment=parcel) == 7


def test_the_reship_goes_by_the_fastest_carrier_on_the_lane(store, policy):
    slow, fast = CarrierFactory(code="slow-post"), CarrierFactory(code="quick-express", name="Quick Express")
    LaneStatisticFactory(carrier=slow, median_days=Decimal(12), p80_days=Decimal(16), p95_days=Decimal(22))
    LaneStatisticFactory(carrier=fast, median_days=Decimal(4), p80_days=Decimal(5), p95_days=Decimal(7))
    order = an_order(store)
    a_parcel(order, days_late=8, carrier=slow)

    suggestion = compensation_suggest(order=order, intent="not_received")

    assert suggestion.terms["carrier"] == "quick-express"


# --- order value, customer value and history ------------------------------------------------


def test_a_claim_on_a_high_value_order_starts_at_level_2(store, policy):
    order = an_order(store, total="350.00")
    a_parcel(order, days_late=2)

    suggestion = compensation_suggest(order=order, intent="not_received")

    assert suggestion.tier == Tier.PARTIAL
    assert any("High-value order" in reason for reason in suggestion.reasons)


@pytest.mark.parametrize(
    "customer_values", [{"orders_count": 6}, {"lifetime_value": Decimal("750.00")}], ids=["orders", "spend"]
)
def test_a_valued_customer_gets_one_level_more(store, policy, customer_values):
    order = an_order(store, customer=a_customer(**customer_values))
    a_parcel(order, days_late=2, delivered=True)

    suggestion = compensation_suggest(order=order, intent="late")

    assert (suggestion.tier, suggestion.kind) == (Tier.PARTIAL, Kind.PARTIAL_REFUND)
    assert any("valued customer" in reason for reason in suggestion.reasons)


def test_spend_in_another_currency_does_not_make_a_valued_customer(store, policy):
    customer = a_customer(lifetime_value=Decimal("9000.00"), lifetime_value_currency="JPY")
    order = an_order(store, customer=customer)

    assert compensation_suggest(order=order, intent="damaged_item").tier == Tier.PARTIAL


def _compensated_twice(customer):
    for _ in range(2):
        CompensationOfferFactory(
            order=OrderFactory(customer=customer), customer=customer, status=CompensationOffer.Status.ACCEPTED
        )


@pytest.mark.parametrize(
    ("history", "sentence"),
    [
        (_compensated_twice, "Already compensated 2 times"),
        (lambda customer: setattr(customer, "claims_count", 4), "Filed 4 claims"),
        (lambda customer: setattr(customer, "returns_count", 3), "Returned 3 of 4 orders"),
    ],
    ids=["compensations", "claims", "returns"],
)
def test_a_history_of_compensation_claims_or_returns_takes_one_level_off(store, policy, history, sentence):
    customer = a_customer(orders_count=4)
    history(customer)
    customer.save()

    suggestion = compensation_suggest(order=an_order(store, customer=customer), intent="damaged_item")

    assert (suggestion.tier, suggestion.kind) == (Tier.COUPON, Kind.COUPON)
    assert any(sentence in reason for reason in suggestion.reasons)


def test_compensation_declined_long_ago_or_on_this_order_is_no_history(store, policy):
    customer = a_customer(orders_count=4)
    order = an_order(store, customer=customer)
    CompensationOfferFactory(order=order, customer=customer, status=CompensationOffer.Status.ACCEPTED)
    CompensationOfferFactory(
        order=OrderFactory(customer=customer),
        customer=customer,
        status=CompensationOffer.Status.ACCEPTED,
        created_at=NOW - dt.timedelta(days=400),
    )

    assert compensation_suggest(order=order, intent="damaged_item").tier == Tier.PARTIAL


def test_a_small_delay_for_a_customer_with_a_bad_history_gets_nothing(store, policy):
    order = an_order(store, customer=a_customer(claims_count=5))
    a_parcel(order, days_late=1, delivered=True)

    assert compensation_suggest(order=order, intent="late") is None


def test_a_repeat_customer_gets_loyalty_points_when_the_store_gives_them(store):
    CompensationPolicyFactory(store=store, points=500, points_value=Decimal("5.00"))
    order = an_order(store, customer=a_customer(orders_count=3))
    a_parcel(order, days_late=2, delivered=True)

    suggestion = compensation_suggest(order=order, intent="late")

    assert (suggestion.kind, suggestion.amount, suggestion.terms["points"]) == (
        Kind.POINTS,
        Decimal("5.00"),
        500,
    )


# --- the store's limits ----------------------------------------------------------------------


def test_a_partial_refund_is_cut_to_the_per_order_limit(store):
    CompensationPolicyFactory(store=store, tier2_max_per_order=Decimal("10.00"))

    suggestion = compensation_suggest(order=an_order(store), intent="damaged_item")

    assert (suggestion.kind, suggestion.amount) == (Kind.PARTIAL_REFUND, Decimal("10.00"))
    assert any("limit" in reason for reason in suggestion.reasons)


def test_a_full_refund_over_the_per_order_limit_drops_to_level_2(store):
    CompensationPolicyFactory(store=store, tier3_max_per_order=Decimal("50.00"))
    order = an_order(store)
    a_parcel(order, days_late=20, delivered=True)

    suggestion = compensation_suggest(order=order, intent="late")

    assert (suggestion.tier, suggestion.kind) == (Tier.PARTIAL, Kind.PARTIAL_REFUND)
    assert any("Level 3 does not fit" in reason for reason in suggestion.reasons)


def test_what_was_already_given_on_the_order_counts_against_its_limit(store):
    CompensationPolicyFactory(store=store, tier1_max_per_order=Decimal("10.00"))
    order = an_order(store)
    a_parcel(order, days_late=2, delivered=True)
    CompensationOfferFactory(order=order, amount=Decimal("10.00"), status=CompensationOffer.Status.ACCEPTED)

    assert compensation_suggest(order=order, intent="late") is None


def test_the_monthly_budget_counts_this_months_offers_of_the_store_only(store):
    CompensationPolicyFactory(store=store, tier1_monthly_budget=Decimal("20.00"))
    last_month = dt.datetime(2026, 10, 31, 12, 0, tzinfo=dt.UTC)
    for created_at in (last_month, NOW):
        CompensationOfferFactory(
            order=an_order(store), amount=Decimal("15.00"), status="offered", created_at=created_at
        )
    CompensationOfferFactory(amount=Decimal("15.00"), status="offered")  # another store
    order = an_order(store)
    a_parcel(order, days_late=2, delivered=True)

    suggestion = compensation_suggest(order=order, intent="late")

    assert (suggestion.kind, suggestion.amount) == (Kind.COUPON, Decimal("5.00"))  # 20 - 15 left


def test_a_spent_monthly_budget_offers_nothing_and_a_declined_offer_frees_it(store):
    CompensationPolicyFactory(store=store, tier1_monthly_budget=Decimal("15.00"))
    given = CompensationOfferFactory(order=an_order(store), amount=Decimal("15.00"), status="accepted")
    order = an_order(store)
    a_parcel(order, days_late=2, delivered=True)

    assert compensation_suggest(order=order, intent="late") is None

    given.status = CompensationOffer.Status.DECLINED
    given.save()
    assert compensation_suggest(order=order, intent="late").amount == Decimal("8.47")


def test_a_store_that_switched_compensation_off_gets_no_suggestion(store):
    CompensationPolicyFactory(store=store, is_active=False)

    assert compensation_suggest(order=an_order(store), intent="damaged_item") is None


def test_a_store_without_a_policy_gets_the_defaults(store):
    assert compensation_suggest(order=an_order(store), intent="damaged_item").tier == Tier.PARTIAL


# --- never on a risky claim ------------------------------------------------------------------


def test_a_claim_flagged_for_review_gets_nothing(store, policy):
    order = an_order(store)
    ticket = TicketFactory(store=store, customer=order.customer, order=order, intent="damaged_item")
    assert compensation_suggest(order=order, ticket=ticket) is not None

    ticket.claim_review = True
    ticket.save()

    assert compensation_suggest(order=order, ticket=ticket) is None


def test_a_claim_scoring_at_the_review_threshold_gets_nothing_even_before_it_is_flagged(
    store, policy, settings
):
    order = an_order(store)
    ticket = TicketFactory(
        store=store, customer=order.customer, order=order, intent="damaged_item", claim_risk=float(60)
    )
    settings.CLAIM_RISK_REVIEW_THRESHOLD = 40

    assert compensation_suggest(order=order, ticket=ticket) is None


def test_logistics_asking_about_an_order_with_a_flagged_claim_gets_nothing(store, policy):
    order = an_order(store)
    TicketFactory(store=store, customer=order.customer, order=order, claim_review=True)

    assert compensation_suggest(order=order, intent="not_received", delay_days=20) is None


def test_a_flagged_claim_cannot_be_offered_compensation_by_hand_either(store, policy):
    agent = UserFactory(groups=[role("Manager")])
    order = an_order(store)
    ticket = TicketFactory(
        store=store, customer=order.customer, order=order, intent="damaged_item", claim_review=True
    )

    with pytest.raises(ApplicationError):
        compensation_offer_create(order=order, ticket=ticket, actor=agent)

    assert not CompensationOffer.objects.exists()


# --- offering ------------------------------------------------------------------------------


@pytest.fixture
def damaged(store, policy):
    order = an_order(store)
    return TicketFactory(store=store, customer=order.customer, order=order, intent="damaged_item")


@pytest.fixture
def manager(db):
    return UserFactory(groups=[role("Manager")])


def test_offering_records_the_suggestion_with_its_reasons(damaged, manager):
    offer = compensation_offer_create(order=damaged.order, ticket=damaged, actor=manager, expected_tier=2)

    assert (offer.tier, offer.kind, offer.amount, offer.status) == (
        2,
        Kind.PARTIAL_REFUND,
        Decimal("16.94"),
        "offered",
    )
    assert offer.offered_by == manager
    assert offer.customer == damaged.customer
    assert offer.reasons
    assert all(isinstance(reason, str) for reason in offer.reasons)


def test_offering_twice_gives_back_the_same_offer(damaged, manager):
    first = compensation_offer_create(order=damaged.order, ticket=damaged, actor=manager, expected_tier=2)
    second = compensation_offer_create(order=damaged.order, ticket=damaged, actor=manager, expected_tier=2)

    assert second.pk == first.pk
    assert CompensationOffer.objects.count() == 1


def test_logistics_offering_twice_for_an_order_gives_back_the_same_offer(store, policy):
    order = an_order(store)

    first = compensation_offer_create(order=order, intent="not_received", delay_days=20)
    second = compensation_offer_create(order=order, intent="not_received", delay_days=20)

    assert second.pk == first.pk
    assert (first.kind, first.offered_by) == (Kind.CHOICE, None)


def test_an_offer_the_agent_did_not_see_is_not_made(damaged, manager):
    with pytest.raises(ApplicationError, match="changed"):
        compensation_offer_create(order=damaged.order, ticket=damaged, actor=manager, expected_tier=3)

    assert not CompensationOffer.objects.exists()


def test_after_a_decline_the_same_tier_is_not_offered_twice(damaged, manager):
    offer = compensation_offer_create(order=damaged.order, ticket=damaged, actor=manager)
    compensation_offer_decline(offer=offer)

    with pytest.raises(ApplicationError, match="already offered"):
        compensation_offer_create(order=damaged.order, ticket=damaged, actor=manager)

    assert CompensationOffer.objects.count() == 1


def test_an_agent_of_another_store_may_not_offer(damaged):
    outsider = UserFactory(groups=[role("Agent")])

    with pytest.raises(ApplicationError, match="not in your stores"):
        compensation_offer_create(order=damaged.order, ticket=damaged, actor=outsider)


def test_someone_without_the_permission_may_not_offer(damaged):
    with pytest.raises(ApplicationError, match="may not offer"):
        compensation_offer_create(order=damaged.order, ticket=damaged, actor=UserFactory())


def test_an_offer_is_recorded_in_the_orders_currency_with_a_timestamp(damaged, manager):
    offer = compensation_offer_create(order=damaged.order, ticket=damaged, actor=manager)

    assert offer.currency == "EUR"
    assert offer.created_at == timezone.now()


def test_deleting_the_tickets_keeps_their_offers_on_the_order(damaged, manager, store):
    second_ticket = TicketFactory(
        store=store, customer=damaged.customer, order=damaged.order, intent="damaged_item"
    )
    first = compensation_offer_create(order=damaged.order, ticket=damaged, actor=manager)
    second = compensation_offer_create(order=damaged.order, ticket=second_ticket, actor=manager)

    damaged.delete()
    second_ticket.delete()

    kept = CompensationOffer.objects.filter(order=damaged.order)
    assert {offer.pk for offer in kept} == {first.pk, second.pk}
    assert all(offer.ticket_id is None for offer in kept)


# --- the customer's tags (issue 7) ----------------------------------------------------------


def tag_rule(policy, slug, name, effect):
    from returns.models import CompensationTagRule
    from tests.factories import TagFactory

    tag = TagFactory(slug=slug, name=name)
    CompensationTagRule.objects.create(policy=policy, tag=tag, effect=effect)
    return tag


def tagged(customer, tag):
    from tests.factories import CustomerTagFactory

    CustomerTagFactory(customer=customer, tag=tag)
    return customer


def test_a_vip_tag_gives_one_level_more_and_says_so(store, policy):
    vip = tag_rule(policy, "vip", "VIP", "up")
    plain = compensation_suggest(order=an_order(store), intent="damaged_item")

    suggestion = compensation_suggest(
        order=an_order(store, customer=tagged(a_customer(), vip)), intent="damaged_item"
    )

    assert (plain.tier, suggestion.tier) == (Tier.PARTIAL, Tier.FULL)
    assert "Customer tag VIP: one level up." in suggestion.reasons
    assert not any("Customer tag" in reason for reason in plain.reasons)


def test_a_tag_one_level_down_can_leave_nothing_to_offer(store, policy):
    complainer = tag_rule(policy, "frequent-complainer", "Frequent complainer", "down")
    order = an_order(store, customer=tagged(a_customer(), complainer))
    a_parcel(order, days_late=2, delivered=True)

    assert compensation_suggest(order=order, intent="late") is None


def test_a_cap_keeps_the_tier_at_its_level_and_explains_it(store, policy):
    capped = tag_rule(policy, "at-risk", "At risk", "max_1")
    order = an_order(store, customer=tagged(a_customer(), capped))
    a_parcel(order, days_late=20, delivered=True)

    suggestion = compensation_suggest(order=order, intent="late")

    assert suggestion.tier == Tier.COUPON
    assert "Customer tag At risk: at most level 1." in suggestion.reasons


def test_a_serial_returner_gets_nothing_automatic_until_a_lead_reviews(store, policy):
    from returns.services.compensation import compensation_held_by_tag

    returner = tag_rule(policy, "serial-returner", "Serial returner", "review")
    order = an_order(store, customer=tagged(a_customer(), returner))
    untagged = an_order(store)

    assert compensation_suggest(order=order, intent="damaged_item") is None
    assert compensation_held_by_tag(order=order) == (
        "Customer tag Serial returner: no compensation without a lead's review."
    )
    assert compensation_held_by_tag(order=untagged) == ""
    assert compensation_suggest(order=untagged, intent="damaged_item").tier == Tier.PARTIAL


def test_a_tag_rule_of_another_stores_policy_changes_nothing(store, policy):
    other_policy = CompensationPolicyFactory(store=StoreFactory(currency="EUR"))
    vip = tag_rule(other_policy, "vip", "VIP", "up")

    suggestion = compensation_suggest(
        order=an_order(store, customer=tagged(a_customer(), vip)), intent="damaged_item"
    )

    assert suggestion.tier == Tier.PARTIAL
