"""Risky claims go to a lead's review instead of an automatic refund."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    AttachmentFactory,
    CustomerFactory,
    CustomerTagFactory,
    MessageFactory,
    OrderFactory,
    ShipmentFactory,
    TagFactory,
    TicketFactory,
    TrackingEventFactory,
)
from tickets.models import Intent, Ticket, TicketEvent
from tickets.services.claim_risk import (
    ClaimContext,
    claim_risk_score,
    ticket_allows_automatic_money,
    ticket_assess_claim_risk,
)
from tickets.services.triage import message_triage

pytestmark = pytest.mark.django_db

BROKEN = "Die Lampe kam kaputt an, das Glas ist zerbrochen. Ich möchte mein Geld zurück."


def test_a_damaged_item_claim_from_a_customer_with_five_previous_claims_is_flagged_for_review(
    nlp_models, store_eu, team_eu
):
    customer = CustomerFactory(claims_count=5, orders_count=6)
    ticket = TicketFactory(
        store=store_eu, team=team_eu, customer=customer, subject="Lampe kaputt", language=""
    )
    message = MessageFactory(ticket=ticket, body_text=BROKEN, body_display=BROKEN, language="")

    message_triage(message_id=message.pk)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.intent == Intent.DAMAGED_ITEM
    assert ticket.claim_review is True
    assert ticket.claim_risk >= 40
    codes = [reason["code"] for reason in ticket.claim_risk_reasons]
    assert "previous_claims" in codes
    assert "no_photos" in codes
    assert ticket.tags.filter(slug="claim-review").exists()
    assert ticket.events.filter(kind=TicketEvent.Kind.CLAIM_FLAGGED).count() == 1
    assert ticket_allows_automatic_money(ticket=ticket) is False


def test_a_first_claim_with_photos_is_not_flagged(store_eu, team_eu):
    customer = CustomerFactory(first_seen_at=timezone.now() - dt.timedelta(days=400))
    ticket = TicketFactory(store=store_eu, team=team_eu, customer=customer, intent=Intent.DAMAGED_ITEM)
    AttachmentFactory(message=MessageFactory(ticket=ticket))

    risk = ticket_assess_claim_risk(ticket=ticket)

    ticket.refresh_from_db()
    assert risk is not None
    assert risk.score == 0
    assert [r["code"] for r in risk.reasons] == ["photos"]
    assert ticket.claim_review is False
    assert ticket_allows_automatic_money(ticket=ticket) is True


def test_not_received_although_the_carrier_scanned_it_delivered_counts_with_the_scan_location(
    store_eu, team_eu
):
    customer = CustomerFactory(first_seen_at=timezone.now() - dt.timedelta(days=3))
    order = OrderFactory(store=store_eu, customer=customer)
    shipment = ShipmentFactory(store=store_eu, order=order, status="delivered")
    TrackingEventFactory(shipment=shipment, status="delivered", location="Berlin Mitte, Briefkasten")
    ticket = TicketFactory(
        store=store_eu, team=team_eu, customer=customer, order=order, intent=Intent.NOT_RECEIVED
    )
    MessageFactory(ticket=ticket)

    risk = ticket_assess_claim_risk(ticket=ticket)

    assert risk is not None
    delivered = next(r for r in risk.reasons if r["code"] == "carrier_delivered")
    assert delivered["location"] == "Berlin Mitte, Briefkasten"
    assert "new_account" in [r["code"] for r in risk.reasons]
    assert risk.score == 30
    assert Ticket.objects.get(pk=ticket.pk).claim_review is False  # below the default threshold of 40


def test_a_serial_returner_tag_weighs_in(store_eu, team_eu):
    customer = CustomerFactory()
    CustomerTagFactory(customer=customer, tag=TagFactory(slug="serial-returner", name="Serial returner"))
    ticket = TicketFactory(store=store_eu, team=team_eu, customer=customer, intent=Intent.WRONG_ITEM)
    MessageFactory(ticket=ticket)

    risk = ticket_assess_claim_risk(ticket=ticket)

    assert risk is not None
    assert "serial_returner" in [r["code"] for r in risk.reasons]


def test_only_claims_are_scored():
    assert claim_risk_score(context=ClaimContext(intent=Intent.PRODUCT_QUESTION)) is None


def test_a_claim_filed_minutes_after_delivery_is_suspicious():
    delivered = timezone.now()
    risk = claim_risk_score(
        context=ClaimContext(
            intent=Intent.MISSING_ITEM,
            delivered_at=delivered,
            claimed_at=delivered + dt.timedelta(minutes=12),
            photos=True,
        )
    )
    assert risk is not None
    assert {"code": "soon_after_delivery", "points": 10, "minutes": 12} in risk.reasons
