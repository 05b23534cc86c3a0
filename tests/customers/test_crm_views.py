"""The agent's CRM pages: customer 360 (scoped), segment lists and CSV export, follow-ups,
accepting or rejecting a suggested match, and unmerging."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from customers.identity import customer_merge
from customers.models import CustomerMerge, FollowUp, IdentityMatchSuggestion
from tests.factories import (
    CustomerFactory,
    CustomerTagFactory,
    OrderFactory,
    ShipmentFactory,
    SurveyFactory,
    SurveyResponseFactory,
    TagFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def anna(store_eu):
    customer = CustomerFactory(display_name="Anna Müller", email="anna@example.de", claims_count=4)
    order = OrderFactory(store=store_eu, customer=customer, external_id="302-1111111-2222222")
    ShipmentFactory(store=store_eu, order=order, tracking_number="YT2400000000123456")
    ticket = TicketFactory(store=store_eu, customer=customer, reference="HD900001")
    SurveyResponseFactory(survey=SurveyFactory(ticket=ticket), score=2, comment="Lamp arrived broken")
    return customer


def test_customer_360_shows_parcels_csat_risk_and_suggestions(client, agent_eu, anna, store_eu):
    twin = CustomerFactory(display_name="Anna M.", email="")
    TicketFactory(store=store_eu, customer=twin)
    IdentityMatchSuggestion.objects.create(
        customer=anna, candidate=twin, score=0.8, reasons=["same phone +4930"]
    )
    client.force_login(agent_eu)

    page = client.get(reverse("customers:detail", args=[anna.pk])).content.decode()

    assert "YT2400000000123456" in page
    assert "Lamp arrived broken" in page
    assert "4 claims filed" in page
    assert "same phone +4930" in page
    assert (
        reverse("customers:suggestion_decide", args=[IdentityMatchSuggestion.objects.get().pk, "accept"])
        in page
    )


def test_customer_360_is_hidden_from_an_agent_of_another_store(client, agent_us, anna):
    client.force_login(agent_us)
    assert client.get(reverse("customers:detail", args=[anna.pk])).status_code == 404


def test_segment_csv_exports_only_visible_filtered_members(client, agent_eu, anna, store_us, store_eu):
    tag = TagFactory(slug="champions", name="Champions")
    CustomerTagFactory(customer=anna, tag=tag, reason="RFM 5-5-5")
    hacker = CustomerFactory(display_name="=HYPERLINK(evil)", country="DE")
    TicketFactory(store=store_eu, customer=hacker)
    CustomerTagFactory(customer=hacker, tag=tag)
    french = CustomerFactory(display_name="Chloé", country="FR")
    TicketFactory(store=store_eu, customer=french)
    CustomerTagFactory(customer=french, tag=tag)
    elsewhere = CustomerFactory(display_name="US buyer")
    TicketFactory(store=store_us, customer=elsewhere)
    CustomerTagFactory(customer=elsewhere, tag=tag)
    client.force_login(agent_eu)

    response = client.get(
        reverse("customers:segment_detail", args=["champions"]), {"country": "DE", "format": "csv"}
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["customer_id", "name", "email"]
    assert sorted(row[1] for row in rows[1:]) == ["'=HYPERLINK(evil)", "Anna Müller"]
    assert {row[7] for row in rows[1:] if row[1] == "Anna Müller"} == {"RFM 5-5-5"}
    listing = client.get(reverse("customers:segment_detail", args=["champions"]))
    assert "Chloé" in listing.content.decode()
    assert "US buyer" not in listing.content.decode()
    assert client.get(reverse("customers:segment_detail", args=["no-such-segment"])).status_code == 404


def test_follow_up_is_scheduled_and_shows_when_due(client, agent_eu, anna, lead_eu):
    client.force_login(agent_eu)
    url = reverse("customers:follow_up_add", args=[anna.pk])
    with time_machine.travel(NOW, tick=False):
        bad = client.post(url, {"due_at": "next tuesday", "kind": "call_back"})
        assert bad.status_code == 400
        assert not FollowUp.objects.exists()
        client.post(
            url, {"due_at": "2026-12-01T09:00", "kind": "call_back", "note": "Offer a replacement lamp"}
        )
        FollowUp.objects.create(
            customer=anna, owner=lead_eu, due_at=NOW - timedelta(days=1), note="Lead's own"
        )
        assert (
            "Offer a replacement lamp" not in client.get(reverse("customers:follow_ups_due")).content.decode()
        )
    follow_up = FollowUp.objects.get(owner=agent_eu)

    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        due = client.get(reverse("customers:follow_ups_due")).content.decode()
        assert "Offer a replacement lamp" in due
        assert "Lead&#x27;s own" not in due
        client.post(reverse("customers:follow_up_done", args=[follow_up.pk]))
        assert (
            "Offer a replacement lamp" not in client.get(reverse("customers:follow_ups_due")).content.decode()
        )
    follow_up.refresh_from_db()
    assert follow_up.done_at == NOW + timedelta(days=2)
    # Someone else's follow-up cannot be closed.
    other = FollowUp.objects.get(owner=lead_eu)
    assert client.post(reverse("customers:follow_up_done", args=[other.pk])).status_code == 404


def test_agent_accepts_a_suggestion_then_unmerges(client, agent_eu, anna, store_eu):
    twin = CustomerFactory(display_name="Anna M.", email="")
    twin_ticket = TicketFactory(store=store_eu, customer=twin)
    suggestion = IdentityMatchSuggestion.objects.create(customer=anna, candidate=twin, score=0.8)
    client.force_login(agent_eu)
    assert (
        client.post(reverse("customers:suggestion_decide", args=[suggestion.pk, "maybe"])).status_code == 404
    )

    client.post(reverse("customers:suggestion_decide", args=[suggestion.pk, "accept"]))
    twin_ticket.refresh_from_db()
    assert twin_ticket.customer == anna
    merge = CustomerMerge.objects.get()
    assert merge.actor == agent_eu

    client.post(reverse("customers:merge_undo", args=[merge.pk]))
    twin_ticket.refresh_from_db()
    assert twin_ticket.customer == twin
    merge.refresh_from_db()
    assert merge.undone_by == agent_eu
    # Twice: a clear message, no second unmerge.
    response = client.post(reverse("customers:merge_undo", args=[merge.pk]), follow=True)
    assert "already undone" in response.content.decode()


def test_agent_of_another_store_cannot_unmerge(client, agent_us, anna, store_eu):
    twin = CustomerFactory(display_name="Anna M.", email="")
    TicketFactory(store=store_eu, customer=twin)
    merge = customer_merge(source=twin, target=anna)
    client.force_login(agent_us)
    assert client.post(reverse("customers:merge_undo", args=[merge.pk])).status_code == 404
