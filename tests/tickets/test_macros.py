"""Macros: one click on the ticket page replies in the customer's language, tags, assigns,
sets priority and status, all or nothing."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk.exceptions import ApplicationError
from tests.factories import (
    CustomerFactory,
    OrderFactory,
    ReplyTemplateFactory,
    ReplyTemplateVariantFactory,
    StoreFactory,
    TagFactory,
    TeamFactory,
    TicketFactory,
)
from tickets.models import Macro, Message, Priority, Ticket, TicketEvent
from tickets.selectors import macros_for
from tickets.services.macros import macro_apply
from tickets.services.replies import StaleTicket

pytestmark = pytest.mark.django_db
S = Ticket.Status


@pytest.fixture
def ticket(store_eu, team_eu):
    customer = CustomerFactory(display_name="Anna Schmidt", email="anna@example.de")
    order = OrderFactory(store=store_eu, customer=customer, external_id="#4711")
    return TicketFactory(
        store=store_eu, team=team_eu, customer=customer, order=order, language="de", status=S.NEW
    )


@pytest.fixture
def template():
    template = ReplyTemplateFactory(name="Parcel in transit")
    ReplyTemplateVariantFactory(
        template=template, language="en", body="Hi {name}, order {order} is on its way."
    )
    ReplyTemplateVariantFactory(
        template=template, language="de", body="Hallo {name}, Bestellung {order} ist unterwegs."
    )
    return template


@pytest.fixture
def macro(template):
    macro = Macro.objects.create(
        name="In transit, wait for customer",
        reply_template=template,
        set_status=S.PENDING,
        assign=Macro.Assign.ME,
        set_priority=Priority.LOW,
    )
    macro.add_tags.add(TagFactory(slug="wismo", name="Where is my order"))
    return macro


def test_a_macro_replies_in_the_customers_language_and_sets_status_tags_assignee_priority(
    agent_eu, ticket, macro
):
    reply = macro_apply(macro=macro, ticket=ticket, actor=agent_eu, seen_version=ticket.version)

    assert reply.direction == Message.Direction.OUTBOUND
    assert reply.body_text == "Hallo Anna, Bestellung #4711 ist unterwegs."
    assert reply.author == agent_eu
    ticket.refresh_from_db()
    assert ticket.status == S.PENDING
    assert ticket.assignee == agent_eu
    assert ticket.priority == Priority.LOW
    assert [tag.slug for tag in ticket.tags.all()] == ["wismo"]
    kinds = set(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {"status", "assigned", "priority", "tagged"} <= kinds
    macro.refresh_from_db()
    assert macro.usage_count == 1


def test_the_reply_falls_back_to_english_when_the_customers_language_has_no_variant(agent_eu, ticket, macro):
    Ticket.objects.filter(pk=ticket.pk).update(language="fr")
    ticket.refresh_from_db()

    reply = macro_apply(macro=macro, ticket=ticket, actor=agent_eu)

    assert reply.body_text == "Hi Anna, order #4711 is on its way."


def test_a_macro_without_a_template_sends_nothing(agent_eu, ticket):
    macro = Macro.objects.create(name="Escalate", set_priority=Priority.URGENT, assign=Macro.Assign.UNASSIGN)

    assert macro_apply(macro=macro, ticket=ticket, actor=agent_eu) is None

    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert not ticket.messages.exists()


def test_a_refused_step_undoes_the_whole_macro_and_sends_nothing(agent_eu, ticket, macro, template):
    closing = Macro.objects.create(name="Close at once", reply_template=template, set_status=S.CLOSED)
    closing.add_tags.add(TagFactory(slug="done"))

    with pytest.raises(ApplicationError, match="cannot become Closed"):
        macro_apply(macro=closing, ticket=ticket, actor=agent_eu)

    ticket.refresh_from_db()
    assert ticket.status == S.NEW
    assert not ticket.tags.exists()
    assert not ticket.messages.exists()


def test_a_macro_on_a_page_that_is_out_of_date_is_held(agent_eu, ticket, macro):
    with pytest.raises(StaleTicket):
        macro_apply(macro=macro, ticket=ticket, actor=agent_eu, seen_version=ticket.version - 1)

    assert not ticket.messages.exists()


def test_only_the_macros_of_the_tickets_store_and_team_are_offered(ticket, macro, store_us):
    other_store = Macro.objects.create(name="US only", store=store_us)
    other_team = Macro.objects.create(name="Other team", team=TeamFactory())
    inactive = Macro.objects.create(name="Old", is_active=False)
    own = Macro.objects.create(name="EU", store=ticket.store, team=ticket.team)

    offered = list(macros_for(ticket=ticket))

    assert offered == [own, macro]  # by name; not the other store's, other team's or inactive one
    assert {other_store, other_team, inactive}.isdisjoint(offered)


def test_applying_a_macro_from_the_ticket_page(client, agent_eu, ticket, macro):
    client.force_login(agent_eu)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert f'<option value="{macro.pk}"' in page

    response = client.post(
        reverse("tickets:macro", args=[ticket.pk]), {"macro": macro.pk, "seen_version": ticket.version}
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Macro “In transit, wait for customer” applied; reply queued for sending."
    ]
    ticket.refresh_from_db()
    assert ticket.status == S.PENDING


def test_a_macro_of_another_store_cannot_be_posted(client, agent_eu, ticket):
    foreign = Macro.objects.create(name="Elsewhere", store=StoreFactory(), set_status=S.SOLVED)
    client.force_login(agent_eu)

    response = client.post(reverse("tickets:macro", args=[ticket.pk]), {"macro": foreign.pk})

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Choose a macro that applies to this ticket."
    ]
    ticket.refresh_from_db()
    assert ticket.status == S.NEW


def test_a_template_of_another_store_is_refused_for_a_macro(store_us, store_eu):
    template = ReplyTemplateFactory(store=store_us)
    macro = Macro(name="Mixed", reply_template=template, store=store_eu)

    with pytest.raises(ValidationError, match="another store"):
        macro.full_clean()


def test_managers_and_leads_edit_macros_in_admin(client, manager, lead_eu, macro):
    for user in (manager, lead_eu):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        assert client.get(reverse("admin:tickets_macro_changelist")).status_code == 200
        assert client.get(reverse("admin:tickets_macro_change", args=[macro.pk])).status_code == 200


def test_the_composer_template_picker_lists_the_templates_in_the_customers_language(
    client, agent_eu, ticket, template
):
    client.force_login(agent_eu)

    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert 'list="reply-templates"' in page  # a searchable picker
    assert '<option value="Parcel in transit"' in page
    assert "Hallo Anna, Bestellung #4711 ist unterwegs." in page
