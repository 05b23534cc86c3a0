"""Compensation on the ticket page: the suggested tier and why, "Offer", the customer's answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from logistics.models import TrackingStatus
from returns.models import CompensationOffer
from tests.factories import CustomerFactory, OrderFactory, ShipmentFactory, TicketFactory

pytestmark = pytest.mark.django_db


def a_ticket(store, team, **values):
    customer = CustomerFactory(language="de", orders_count=1, returns_count=0, claims_count=0)
    order = OrderFactory(store=store, customer=customer, currency=store.currency, total=Decimal("84.70"))
    return TicketFactory(store=store, team=team, customer=customer, order=order, language="de", **values)


def test_the_ticket_page_shows_the_suggested_tier_with_its_reasons(client, agent_eu, store_eu, team_eu):
    ticket = a_ticket(store_eu, team_eu, intent="damaged_item")
    client.force_login(agent_eu)

    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert "Level 2: partial refund or free reship" in page
    assert "The item arrived damaged or not as described: level 2." in page
    assert reverse("tickets:compensation_offer", args=[ticket.pk]) in page


def test_offer_creates_the_offer_and_puts_its_message_in_the_reply_box(client, agent_eu, store_eu, team_eu):
    ticket = a_ticket(store_eu, team_eu, intent="damaged_item")
    client.force_login(agent_eu)

    response = client.post(reverse("tickets:compensation_offer", args=[ticket.pk]), {"expected_tier": "2"})

    [offer] = CompensationOffer.objects.filter(ticket=ticket)
    assert (offer.tier, offer.kind, offer.status, offer.offered_by) == (
        2,
        "partial_refund",
        "offered",
        agent_eu,
    )
    page = client.get(response["Location"]).content.decode()
    assert "16.94 EUR" in page  # the message in the composer, and the offer on the card
    assert "Customer accepted" in page


def test_offering_a_late_parcel_puts_the_choice_link_in_the_reply_box(client, agent_eu, store_eu, team_eu):
    ticket = a_ticket(store_eu, team_eu, intent="not_received")
    ShipmentFactory(
        store=store_eu,
        order=ticket.order,
        status=TrackingStatus.IN_TRANSIT,
        promised_by=(timezone.now() - dt.timedelta(days=20)).date(),
    )
    client.force_login(agent_eu)

    client.post(reverse("tickets:compensation_offer", args=[ticket.pk]), {"expected_tier": "3"})
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    offer = CompensationOffer.objects.get(ticket=ticket)
    assert offer.kind == "choice"
    composer = page[page.index('<textarea name="body"') :]
    composer = composer[: composer.index("</textarea>")]
    assert "/offer/" in composer


def test_a_double_click_on_offer_makes_one_offer(client, agent_eu, store_eu, team_eu):
    ticket = a_ticket(store_eu, team_eu, intent="damaged_item")
    client.force_login(agent_eu)
    url = reverse("tickets:compensation_offer", args=[ticket.pk])

    client.post(url, {"expected_tier": "2"})
    client.post(url, {"expected_tier": "2"})

    assert CompensationOffer.objects.filter(ticket=ticket).count() == 1


def test_a_flagged_claim_shows_why_and_offering_is_refused(client, agent_eu, store_eu, team_eu):
    ticket = a_ticket(store_eu, team_eu, intent="damaged_item", claim_review=True, claim_risk=72.0)
    client.force_login(agent_eu)

    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    response = client.post(
        reverse("tickets:compensation_offer", args=[ticket.pk]), {"expected_tier": "2"}, follow=True
    )

    assert "no compensation is offered" in page
    assert reverse("tickets:compensation_offer", args=[ticket.pk]) not in page
    assert "No compensation can be offered" in response.content.decode()
    assert not CompensationOffer.objects.exists()


def test_another_teams_agent_cannot_offer_on_the_ticket(client, agent_us, store_eu, team_eu):
    ticket = a_ticket(store_eu, team_eu, intent="damaged_item")
    client.force_login(agent_us)

    response = client.post(reverse("tickets:compensation_offer", args=[ticket.pk]), {"expected_tier": "2"})

    assert response.status_code == 404
    assert not CompensationOffer.objects.exists()


def test_the_agent_records_the_customers_no(client, agent_eu, store_eu, team_eu):
    ticket = a_ticket(store_eu, team_eu, intent="damaged_item")
    client.force_login(agent_eu)
    client.post(reverse("tickets:compensation_offer", args=[ticket.pk]), {"expected_tier": "2"})
    offer = CompensationOffer.objects.get(ticket=ticket)

    client.post(reverse("tickets:compensation_answer", args=[ticket.pk, offer.pk]), {"answer": "declined"})

    offer.refresh_from_db()
    assert offer.status == "declined"
    assert offer.responded_at is not None


def test_a_ticket_without_an_order_asks_for_it(client, agent_eu, ticket_eu):
    client.force_login(agent_eu)

    page = client.get(reverse("tickets:detail", args=[ticket_eu.pk])).content.decode()

    assert "Link the order to see a suggestion." in page


def test_a_manager_edits_a_stores_compensation_policy_in_admin(client, manager, store_eu):
    from returns.models import CompensationPolicy

    client.force_login(manager)
    add = reverse("admin:returns_compensationpolicy_add")
    response = client.post(
        add,
        {
            "store": store_eu.pk,
            "is_active": "on",
            "coupon_value": "5.00",
            "coupon_percent": "10",
            "points": "0",
            "points_value": "0",
            "partial_refund_percent": "25",
            "gift": "LED bulb set",
            "gift_value": "8.00",
            "moderate_delay_days": "5",
            "severe_delay_days": "14",
            "high_value_order": "200",
            "vip_lifetime_value": "500",
            "vip_orders_count": "5",
            "tier2_max_per_order": "30.00",
            "tier1_monthly_budget": "",
            # The inline of tag rules (VIP one level up…): none here.
            "tag_rules-TOTAL_FORMS": "0",
            "tag_rules-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    policy = CompensationPolicy.objects.get(store=store_eu)
    assert (policy.partial_refund_percent, policy.tier2_max_per_order, policy.tier1_monthly_budget) == (
        Decimal("25"),
        Decimal("30.00"),
        None,
    )
    change = reverse("admin:returns_compensationpolicy_change", args=[policy.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:returns_compensationpolicy_changelist")).status_code == 200


def test_a_serial_returners_ticket_says_a_lead_reviews_and_offers_nothing(
    client, agent_eu, store_eu, team_eu
):
    from returns.models import CompensationTagRule
    from tests.factories import CompensationPolicyFactory, CustomerTagFactory, TagFactory

    policy = CompensationPolicyFactory(store=store_eu)
    returner = TagFactory(slug="serial-returner", name="Serial returner")
    CompensationTagRule.objects.create(policy=policy, tag=returner, effect=CompensationTagRule.Effect.REVIEW)
    ticket = a_ticket(store_eu, team_eu, intent="damaged_item")
    CustomerTagFactory(customer=ticket.customer, tag=returner)
    client.force_login(agent_eu)

    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert "Customer tag Serial returner: no compensation without a lead&#x27;s review." in page
    assert reverse("tickets:compensation_offer", args=[ticket.pk]) not in page


def test_a_manager_adds_a_tag_rule_to_a_compensation_policy_in_admin(client, manager, store_eu):
    from returns.models import CompensationTagRule
    from tests.factories import CompensationPolicyFactory, TagFactory

    policy = CompensationPolicyFactory(store=store_eu)
    vip = TagFactory(slug="vip", name="VIP")
    client.force_login(manager)
    change = reverse("admin:returns_compensationpolicy_change", args=[policy.pk])
    form = {
        "store": store_eu.pk,
        "is_active": "on",
        "coupon_value": "5.00",
        "coupon_percent": "10",
        "points": "0",
        "points_value": "0",
        "partial_refund_percent": "20",
        "gift": "",
        "gift_value": "0",
        "moderate_delay_days": "5",
        "severe_delay_days": "14",
        "high_value_order": "200",
        "vip_lifetime_value": "500",
        "vip_orders_count": "5",
        "tag_rules-TOTAL_FORMS": "1",
        "tag_rules-INITIAL_FORMS": "0",
        "tag_rules-0-tag": vip.pk,
        "tag_rules-0-effect": "up",
    }

    response = client.post(change, form)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(CompensationTagRule.objects.values_list("policy", "tag", "effect")) == [
        (policy.pk, vip.pk, "up")
    ]
