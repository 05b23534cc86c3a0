"""Priority is a score with its reasons: the agent sees why a ticket ranks where it does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CustomerFactory,
    MessageFactory,
    OrderFactory,
    SeasonalRuleSetFactory,
    ShipmentFactory,
    SLAPolicyFactory,
    TicketFactory,
)
from tickets.models import Intent, Priority, Sentiment, Ticket, TicketEvent
from tickets.services.priority import PriorityContext, priority_score, ticket_prioritise
from tickets.services.status import ticket_set_priority

NOW = dt.datetime(2025, 12, 10, 9, 0, tzinfo=dt.UTC)


def codes(result):
    return [reason["code"] for reason in result.reasons]


def test_a_calm_invoice_request_is_low_and_an_angry_missing_parcel_is_high():
    calm = priority_score(context=PriorityContext(intent=Intent.INVOICE_REQUEST, sentiment=Sentiment.NEUTRAL))
    angry = priority_score(
        context=PriorityContext(
            intent=Intent.NOT_RECEIVED,
            sentiment=Sentiment.NEGATIVE,
            angry=True,
            anger_reasons=("review_threat",),
        )
    )
    assert calm.priority == Priority.LOW
    assert angry.priority == Priority.HIGH
    assert angry.score == 25 + 15 + 15
    assert codes(angry) == ["angry", "threat", "intent"]  # largest contribution first


def test_sla_time_left_repeat_contact_and_a_parcel_problem_push_a_ticket_to_urgent():
    result = priority_score(
        context=PriorityContext(
            intent=Intent.WHERE_IS_MY_ORDER,
            sla_due_at=NOW - dt.timedelta(minutes=5),
            now=NOW,
            contacts_7d=3,
            parcel_anomaly="stalled",
            order_value=Decimal("249.00"),
            currency="EUR",
        )
    )
    assert result.priority == Priority.URGENT
    assert {"sla_overdue", "repeat_contact", "parcel_anomaly", "order_value", "intent"} == set(codes(result))
    order = next(r for r in result.reasons if r["code"] == "order_value")
    assert order["value"] == "249.00 EUR"


def test_the_seasons_weights_multiply_their_reasons():
    plain = priority_score(context=PriorityContext(gift_order=True, parcel_anomaly="late"))
    christmas = priority_score(
        context=PriorityContext(
            gift_order=True, parcel_anomaly="late", weights={"gift_order": 2.0, "parcel_anomaly": 1.5}
        )
    )
    assert plain.score == 5 + 10
    assert christmas.score == 10 + 15
    gift = next(r for r in christmas.reasons if r["code"] == "gift_order")
    assert gift["weight"] == 2.0


@pytest.mark.django_db
def test_prioritising_stores_the_reasons_uses_the_live_season_and_moves_the_sla(store_eu, team_eu):
    SLAPolicyFactory(priority=Priority.NORMAL, first_response_minutes=24 * 60, business_hours_only=False)
    SLAPolicyFactory(priority=Priority.URGENT, first_response_minutes=60, business_hours_only=False)
    SeasonalRuleSetFactory(
        markets=["DE"],
        phase="during",
        overrides={"during": {"priority_weights": {"gift_order": 2.0, "parcel_anomaly": 1.5}}},
    )
    customer = CustomerFactory(lifetime_value=Decimal("3000"))
    order = OrderFactory(store=store_eu, customer=customer, is_gift=True, total=Decimal("300"))
    shipment = ShipmentFactory(store=store_eu, order=order, anomaly="stalled")
    ticket = TicketFactory(
        store=store_eu,
        team=team_eu,
        customer=customer,
        order=order,
        shipment=shipment,
        intent=Intent.NOT_RECEIVED,
    )
    from tickets.services.sla import ticket_apply_sla

    ticket_apply_sla(ticket=ticket)
    MessageFactory(ticket=ticket)

    result = ticket_prioritise(ticket=ticket)

    ticket.refresh_from_db()
    assert result.priority == Priority.URGENT  # 15 intent + 15 value + 10 order + 10 gift + 15 parcel
    assert ticket.priority == Priority.URGENT
    assert ticket.priority_score == Decimal(str(result.score))
    assert {"gift_order", "parcel_anomaly", "customer_value"} <= {r["code"] for r in ticket.priority_reasons}
    assert ticket.first_response_due_at - ticket.created_at == dt.timedelta(minutes=60)
    assert ticket.events.filter(kind=TicketEvent.Kind.PRIORITY, actor=None).count() == 1


@pytest.mark.django_db
def test_a_priority_an_agent_set_by_hand_is_kept(store_eu, team_eu, agent_eu):
    ticket = TicketFactory(store=store_eu, team=team_eu, intent=Intent.FEEDBACK_POSITIVE)
    ticket_set_priority(ticket=ticket, priority=Priority.HIGH, actor=agent_eu)

    ticket_prioritise(ticket=ticket)

    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.priority_reasons  # the score is still explained


@pytest.mark.django_db
def test_the_ticket_page_says_why_this_priority(client, store_eu, team_eu, agent_eu):
    ticket = TicketFactory(
        store=store_eu,
        team=team_eu,
        priority=Priority.HIGH,
        priority_score=Decimal("40"),
        priority_reasons=[
            {"code": "angry", "points": 25},
            {"code": "intent", "points": 15, "intent": "not_received"},
        ],
        claim_risk=45.0,
        claim_review=True,
        claim_risk_reasons=[{"code": "previous_claims", "points": 35, "count": 5}],
        created_at=timezone.now(),
    )
    MessageFactory(ticket=ticket)
    client.force_login(agent_eu)

    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert "Why this priority" in page
    assert "The customer is angry" in page
    assert "Request: Not received" in page
    assert "5 previous claims" in page
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.HIGH


# --- Customer tags weigh in (issue 7) -----------------------------------------------------------


def test_a_tag_with_priority_points_adds_a_reason_of_its_own():
    plain = priority_score(context=PriorityContext(intent=Intent.WHERE_IS_MY_ORDER))
    tagged = priority_score(
        context=PriorityContext(
            intent=Intent.WHERE_IS_MY_ORDER, customer_tags=(("VIP", 15), ("Complainer", -5))
        )
    )

    assert tagged.score == plain.score + 10
    tag_reasons = [r for r in tagged.reasons if r["code"] == "customer_tag"]
    assert {(r["tag"], r["points"]) for r in tag_reasons} == {("VIP", 15), ("Complainer", -5)}


@pytest.mark.django_db
def test_a_vip_customers_ticket_ranks_higher_and_the_page_says_customer_tag_vip(
    client, store_eu, team_eu, agent_eu
):
    from tests.factories import CustomerTagFactory, TagFactory

    vip = TagFactory(slug="vip", name="VIP", priority_points=30)
    TagFactory(slug="first-time-buyer", name="First-time buyer", priority_points=0)
    tagged = TicketFactory(store=store_eu, team=team_eu, intent=Intent.NOT_AS_DESCRIBED)
    CustomerTagFactory(customer=tagged.customer, tag=vip)
    untagged = TicketFactory(store=store_eu, team=team_eu, intent=Intent.NOT_AS_DESCRIBED)

    with_tag = ticket_prioritise(ticket=tagged)
    without = ticket_prioritise(ticket=untagged)

    assert with_tag.score == without.score + 30
    assert with_tag.priority == Priority.HIGH
    assert without.priority == Priority.NORMAL
    MessageFactory(ticket=tagged)
    client.force_login(agent_eu)
    page = client.get(reverse("tickets:detail", args=[tagged.pk])).content.decode()
    assert "Customer tag VIP" in page
    assert "+30" in page
