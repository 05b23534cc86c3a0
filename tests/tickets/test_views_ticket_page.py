"""The ticket page: each message's original and translation, the customer beside the
conversation, status and assignee controls, and the keyboard shortcuts."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import role
from tests.factories import (
    AgentProfileFactory,
    CustomerFactory,
    CustomerIdentityFactory,
    CustomerTagFactory,
    MessageFactory,
    OrderFactory,
    ReturnRequestFactory,
    ShipmentFactory,
    TagFactory,
    TicketFactory,
    TrackingEventFactory,
    TranslationFactory,
    UserFactory,
)
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
S = Ticket.Status


def page(client, ticket) -> str:
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def said(response) -> list[str]:
    """The messages the redirected-to page shows (and so uses up)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def post(client, name: str, ticket, data: dict) -> list[str]:
    """Post one of the ticket page's forms, follow the redirect; the messages shown."""
    response = client.post(reverse(name, args=[ticket.pk]), data, follow=True)
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


# --- conversation --------------------------------------------------------------------------


def test_a_translated_message_offers_its_original_and_its_translation(client, agent_eu, ticket_eu):
    translation = TranslationFactory(
        source_language="de", target_language="zh-hans", translated_text="灯坏了。"
    )
    MessageFactory(
        ticket=ticket_eu, body_text="Die Lampe ist kaputt.", language="de", translation=translation
    )
    client.force_login(agent_eu)

    html = page(client, ticket_eu)

    assert "灯坏了。" in html
    assert "Die Lampe ist kaputt." in html
    assert "Show original" in html
    assert "Show translation" in html
    assert 'class="translation-switch' in html


def test_a_message_without_translation_shows_only_its_text(client, agent_eu, ticket_eu):
    MessageFactory(ticket=ticket_eu, body_text="Where is my parcel?", language="en")
    client.force_login(agent_eu)

    html = page(client, ticket_eu)

    assert "Where is my parcel?" in html
    assert "Show translation" not in html


def test_the_page_costs_the_same_queries_for_two_messages_or_twenty(client, agent_eu, ticket_eu):
    client.force_login(agent_eu)
    translation = TranslationFactory()
    MessageFactory.create_batch(2, ticket=ticket_eu, translation=translation)
    page(client, ticket_eu)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page(client, ticket_eu)
        return len(captured)

    before = queries()
    MessageFactory.create_batch(18, ticket=ticket_eu, translation=translation)

    assert queries() == before


# --- customer panel ------------------------------------------------------------------------


@pytest.fixture
def known_customer(store_eu, store_us):
    customer = CustomerFactory(
        display_name="Anna Schmidt", lifetime_value="542.30", lifetime_value_currency="EUR"
    )
    CustomerIdentityFactory(customer=customer, value="anna.schmidt@example.de")
    CustomerTagFactory(customer=customer, tag=TagFactory(slug="vip", name="VIP customer"))
    order = OrderFactory(store=store_eu, customer=customer, external_id="#DE-1001")
    parcel = ShipmentFactory(store=store_eu, order=order, tracking_number="YT2400000000000042")
    TrackingEventFactory(shipment=parcel, description="Arrived at the customs office", location="Leipzig")
    ReturnRequestFactory(store=store_eu, order=order, customer=customer, rma_number="RMA-DE-77")
    # The same person bought from the US store too, which the EU team must not see.
    us_order = OrderFactory(store=store_us, customer=customer, external_id="#US-2002")
    TicketFactory(store=store_us, customer=customer, subject="US store question")
    return customer, us_order


def test_the_customer_panel_shows_identities_orders_parcels_returns_past_tickets_tags_and_value(
    client, agent_eu, store_eu, team_eu, known_customer
):
    customer, _us_order = known_customer
    earlier = TicketFactory(
        store=store_eu, team=team_eu, customer=customer, subject="Earlier question", status=S.SOLVED
    )
    ticket = TicketFactory(store=store_eu, team=team_eu, customer=customer, subject="Lamp broken")
    client.force_login(agent_eu)

    html = page(client, ticket)

    assert "anna.schmidt@example.de" in html
    assert "VIP customer" in html
    assert "542.30 EUR" in html
    assert "#DE-1001" in html
    assert "YT2400000000000042" in html
    assert "Arrived at the customs office" in html
    assert "Leipzig" in html
    assert "RMA-DE-77" in html
    assert f"#{earlier.reference}" in html


def test_the_customer_panel_shows_nothing_from_stores_the_agent_cannot_see(
    client, agent_eu, store_eu, team_eu, known_customer
):
    customer, us_order = known_customer
    ticket = TicketFactory(store=store_eu, team=team_eu, customer=customer)
    client.force_login(agent_eu)

    html = page(client, ticket)

    assert us_order.external_id not in html
    assert "US store question" not in html


# --- status and assignee -------------------------------------------------------------------


def test_an_agent_changes_the_status_from_the_page(client, agent_eu, ticket_eu):
    client.force_login(agent_eu)
    html = page(client, ticket_eu)
    assert reverse("tickets:status", args=[ticket_eu.pk]) in html

    response = client.post(reverse("tickets:status", args=[ticket_eu.pk]), {"status": S.PENDING})

    assert said(response) == ["Status set to Waiting on customer."]
    ticket_eu.refresh_from_db()
    assert ticket_eu.status == S.PENDING


def test_a_status_the_workflow_does_not_allow_is_refused_with_the_reason(client, agent_eu, ticket_eu):
    client.force_login(agent_eu)

    response = client.post(reverse("tickets:status", args=[ticket_eu.pk]), {"status": S.CLOSED})

    assert said(response) == ["This ticket is New and cannot become Closed."]
    ticket_eu.refresh_from_db()
    assert ticket_eu.status == S.NEW


def test_the_page_offers_only_the_statuses_the_workflow_allows(client, agent_eu, ticket_eu):
    Ticket.objects.filter(pk=ticket_eu.pk).update(status=S.SOLVED)
    client.force_login(agent_eu)

    html = page(client, ticket_eu)
    controls = html.split('id="control-status"')[1].split("</select>")[0]

    assert 'value="open"' in controls
    assert 'value="closed"' in controls
    assert 'value="pending"' not in controls


def test_an_agent_takes_a_ticket_but_cannot_give_it_to_a_colleague(client, agent_eu, team_eu, ticket_eu):
    colleague = UserFactory(groups=[role("Agent")])
    AgentProfileFactory(user=colleague, teams=[team_eu])
    client.force_login(agent_eu)

    assert post(client, "tickets:assign", ticket_eu, {"assignee": "me"}) == [
        f"Assigned to {agent_eu.get_full_name()}."
    ]
    ticket_eu.refresh_from_db()
    assert ticket_eu.assignee == agent_eu

    assert post(client, "tickets:assign", ticket_eu, {"assignee": colleague.pk}) == [
        "Only team leads and managers may assign tickets to others."
    ]
    ticket_eu.refresh_from_db()
    assert ticket_eu.assignee == agent_eu


def test_a_lead_assigns_to_an_agent_of_the_team_but_not_to_an_outsider(
    client, lead_eu, agent_eu, agent_us, ticket_eu
):
    client.force_login(lead_eu)
    assert f'<option value="{agent_eu.pk}"' in page(client, ticket_eu)

    assert post(client, "tickets:assign", ticket_eu, {"assignee": agent_eu.pk}) == [
        f"Assigned to {agent_eu.get_full_name()}."
    ]
    ticket_eu.refresh_from_db()
    assert ticket_eu.assignee == agent_eu

    assert post(client, "tickets:assign", ticket_eu, {"assignee": agent_us.pk}) == [
        f"{agent_us.get_full_name()} is not an agent of this ticket's team."
    ]
    ticket_eu.refresh_from_db()
    assert ticket_eu.assignee == agent_eu


def test_a_tag_is_added_from_the_page(client, agent_eu, ticket_eu):
    tag = TagFactory(slug="customs", name="Customs")
    client.force_login(agent_eu)

    client.post(reverse("tickets:tag", args=[ticket_eu.pk]), {"tag": "customs"})

    assert list(ticket_eu.tags.all()) == [tag]


def test_another_teams_agent_cannot_act_on_the_ticket(client, agent_us, ticket_eu):
    client.force_login(agent_us)

    for name, data in [
        ("status", {"status": "pending"}),
        ("assign", {"assignee": "me"}),
        ("tag", {"tag": "x"}),
    ]:
        assert client.post(reverse(f"tickets:{name}", args=[ticket_eu.pk]), data).status_code == 404
    ticket_eu.refresh_from_db()
    assert (ticket_eu.status, ticket_eu.assignee) == (S.NEW, None)


def test_the_actions_are_only_posts(client, agent_eu, ticket_eu):
    client.force_login(agent_eu)

    assert client.get(reverse("tickets:status", args=[ticket_eu.pk])).status_code == 405


# --- shortcuts -----------------------------------------------------------------------------


def test_both_pages_list_their_keyboard_shortcuts_and_load_the_script(client, agent_eu, ticket_eu):
    client.force_login(agent_eu)

    inbox = client.get(reverse("tickets:inbox")).content.decode()
    ticket = page(client, ticket_eu)

    assert 'data-shortcuts-page="inbox"' in inbox
    assert "js/shortcuts.js" in inbox
    assert "js/bulk.js" in inbox
    assert 'data-shortcuts-page="ticket"' in ticket
    assert "js/shortcuts.js" in ticket
    assert "<kbd>j</kbd>" in inbox
    assert "<kbd>r</kbd>" in ticket
    # "e" solves a new ticket: the hidden form the shortcut submits is there.
    assert "data-shortcut-solve" in ticket
    assert 'name="status" value="solved"' in ticket


def test_every_inbox_row_has_a_checkbox_for_bulk_actions(client, agent_eu, ticket_eu):
    client.force_login(agent_eu)

    inbox = client.get(reverse("tickets:inbox")).content.decode()

    assert f'name="ticket" value="{ticket_eu.pk}" form="bulk-form"' in inbox
    assert "data-select-all" in inbox


def test_the_pages_are_fine_in_chinese(client, agent_eu, ticket_eu):
    client.force_login(agent_eu)
    client.cookies["django_language"] = "zh-hans"
    MessageFactory(ticket=ticket_eu, created_at=timezone.now())

    assert client.get(reverse("tickets:inbox")).status_code == 200
    page(client, ticket_eu)
