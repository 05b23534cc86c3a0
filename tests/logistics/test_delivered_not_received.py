""" "Delivered but not received": the carrier's delivery scan on the ticket and in the claim risk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from logistics.models import TrackingStatus
from logistics.selectors import delivery_scan_for
from tests.factories import OrderFactory, ShipmentFactory, TrackingEventFactory
from tickets.models import Intent, Ticket
from tickets.services.claim_risk import claim_context_for, ticket_assess_claim_risk

pytestmark = pytest.mark.django_db

DELIVERED_AT = dt.datetime(2025, 3, 7, 14, 32, tzinfo=dt.UTC)


@pytest.fixture
def delivered_parcel(ticket_eu):
    order = OrderFactory(store=ticket_eu.store, customer=ticket_eu.customer)
    parcel = ShipmentFactory(
        store=ticket_eu.store,
        order=order,
        status=TrackingStatus.DELIVERED,
        shipped_at=DELIVERED_AT - dt.timedelta(days=9),
        delivered_at=DELIVERED_AT,
        last_event_at=DELIVERED_AT,
        last_location="Berlin",
    )
    TrackingEventFactory(
        shipment=parcel,
        status=TrackingStatus.OUT_FOR_DELIVERY,
        occurred_at=DELIVERED_AT - dt.timedelta(hours=6),
        location="Berlin Mitte depot",
    )
    TrackingEventFactory(
        shipment=parcel,
        status=TrackingStatus.DELIVERED,
        occurred_at=DELIVERED_AT,
        location="Berlin 10115, Packstation 112",
        description="Delivered to a parcel locker",
    )
    Ticket.objects.filter(pk=ticket_eu.pk).update(order=order, shipment=parcel, intent=Intent.NOT_RECEIVED)
    return parcel


def test_the_delivery_scan_is_the_carriers_last_delivered_checkpoint(delivered_parcel):
    scan = delivery_scan_for(delivered_parcel)

    assert (scan.occurred_at, scan.location) == (DELIVERED_AT, "Berlin 10115, Packstation 112")
    assert delivery_scan_for(ShipmentFactory()) is None
    assert delivery_scan_for(None) is None


def test_a_not_received_claim_on_a_delivered_parcel_shows_the_agent_where_and_when_it_was_delivered(
    client, agent_eu, ticket_eu, delivered_parcel
):
    client.force_login(agent_eu)

    page = client.get(reverse("tickets:detail", args=[ticket_eu.pk])).content.decode()

    assert "Carrier says delivered" in page
    # Shown in the agent's time zone (Asia/Shanghai): 14:32 UTC.
    assert '<time datetime="2025-03-07T22:32:00+08:00">2025-03-07 22:32</time>' in page
    assert "Berlin 10115, Packstation 112" in page
    assert "Delivered to a parcel locker" in page


def test_other_questions_about_the_parcel_do_not_show_the_delivery_scan(
    client, agent_eu, ticket_eu, delivered_parcel
):
    Ticket.objects.filter(pk=ticket_eu.pk).update(intent=Intent.WHERE_IS_MY_ORDER)
    client.force_login(agent_eu)

    page = client.get(reverse("tickets:detail", args=[ticket_eu.pk])).content.decode()

    assert "Carrier says delivered" not in page


def test_the_claim_risk_scores_the_same_delivery_scan(ticket_eu, delivered_parcel):
    ticket = Ticket.objects.select_related("customer", "order", "shipment").get(pk=ticket_eu.pk)

    context = claim_context_for(ticket=ticket)
    risk = ticket_assess_claim_risk(ticket=ticket)

    assert (context.delivered_at, context.delivered_location) == (
        DELIVERED_AT,
        "Berlin 10115, Packstation 112",
    )
    delivered = next(reason for reason in risk.reasons if reason["code"] == "carrier_delivered")
    assert delivered["location"] == "Berlin 10115, Packstation 112"
