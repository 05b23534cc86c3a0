"""Merging two conversations into one and splitting one in two, and where later mail lands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from helpdesk.exceptions import ApplicationError
from tests.conftest import role
from tests.factories import (
    CustomerFactory,
    CustomerIdentityFactory,
    MessageFactory,
    StoreFactory,
    TagFactory,
    TicketFactory,
)
from tickets.ingest.inbound import InboundMessage
from tickets.models import Channel, Message, Ticket, TicketEvent
from tickets.selectors import ticket_conversation, ticket_inbox
from tickets.services import message_ingest
from tickets.services.merge import ticket_merge, ticket_split

pytestmark = pytest.mark.django_db
S = Ticket.Status
NOW = timezone.now()


def ago(hours: float) -> dt.datetime:
    return NOW - dt.timedelta(hours=hours)


@pytest.fixture
def customer():
    anna = CustomerFactory(email="anna.schmidt@example.de", display_name="Anna Schmidt")
    CustomerIdentityFactory(customer=anna)  # so her mail is recognised as hers
    return anna


@pytest.fixture
def pair(store_eu, team_eu, customer):
    """Ticket A (kept) and ticket B (merged away), each with messages, interleaved in time."""
    a = TicketFactory(store=store_eu, team=team_eu, customer=customer, status=S.OPEN, created_at=ago(10))
    b = TicketFactory(store=store_eu, team=team_eu, customer=customer, status=S.OPEN, created_at=ago(9))
    messages = {
        "a1": MessageFactory(ticket=a, created_at=ago(10), body_text="A1"),
        "b1": MessageFactory(ticket=b, created_at=ago(9), body_text="B1", external_id="<b1@mail.example.de>"),
        "a2": MessageFactory(ticket=a, created_at=ago(8), body_text="A2"),
        "b2": MessageFactory(
            ticket=b,
            created_at=ago(7),
            body_text="B2",
            direction=Message.Direction.OUTBOUND,
            external_id="<HD.b2@lumio.example>",
        ),
    }
    return a, b, messages


def inbound(store, **overrides) -> InboundMessage:
    values = {
        "store_id": store.pk,
        "channel": "email",
        "external_id": "<later@mail.example.de>",
        "sender_address": "anna.schmidt@example.de",
        "sender_name": "Anna Schmidt",
        "subject": "Noch eine Frage",
        "text": "Und noch etwas …",
    }
    values.update(overrides)
    return InboundMessage(**values)


# --- merge -------------------------------------------------------------------------------------


def test_merging_moves_every_message_to_the_target_in_time_order(lead_eu, pair):
    a, b, _messages = pair

    ticket_merge(actor=lead_eu, source=b, target=a)

    assert [m.body_text for m in ticket_conversation(ticket=a)] == ["A1", "B1", "A2", "B2"]
    assert not Message.objects.filter(ticket=b).exists()


def test_the_merged_ticket_is_closed_points_at_the_target_and_leaves_the_queue(lead_eu, manager, pair):
    a, b, _messages = pair
    b_version, a_version = b.version, a.version

    ticket_merge(actor=lead_eu, source=b, target=a)

    b.refresh_from_db()
    a.refresh_from_db()
    assert b.merged_into == a
    assert b.status == S.CLOSED
    assert b.version > b_version
    assert a.version > a_version
    assert a.status == S.OPEN
    assert list(ticket_inbox(user=manager, view="open")) == [a]
    assert TicketEvent.objects.get(ticket=a, kind=TicketEvent.Kind.MERGED).data == {
        "from": b.reference,
        "messages": 2,
    }
    assert TicketEvent.objects.get(ticket=b, kind=TicketEvent.Kind.MERGED).data == {"into": a.reference}
    status = TicketEvent.objects.get(ticket=b, kind=TicketEvent.Kind.STATUS)
    assert status.data == {"from": S.OPEN, "to": S.CLOSED, "merged_into": a.reference}
    assert status.actor == lead_eu


def test_the_target_gains_the_sources_tags_and_the_later_customer_message(lead_eu, pair):
    a, b, _messages = pair
    tag = TagFactory(slug="customs")
    b.tags.add(tag)
    b.last_customer_message_at = ago(1)
    b.save(update_fields=["last_customer_message_at"])

    ticket_merge(actor=lead_eu, source=b, target=a)

    a.refresh_from_db()
    assert list(a.tags.all()) == [tag]
    assert a.last_customer_message_at == ago(1)


def test_two_customers_tickets_are_never_merged(lead_eu, store_eu, team_eu, pair):
    a, _b, _messages = pair
    stranger = TicketFactory(store=store_eu, team=team_eu, status=S.OPEN)
    MessageFactory(ticket=stranger)

    with pytest.raises(ApplicationError, match="different customers"):
        ticket_merge(actor=lead_eu, source=stranger, target=a)

    stranger.refresh_from_db()
    assert stranger.merged_into is None
    assert stranger.messages.count() == 1


def test_tickets_of_two_stores_are_never_merged(manager, customer, pair):
    a, _b, _messages = pair
    elsewhere = TicketFactory(store=StoreFactory(), customer=customer, status=S.OPEN)

    with pytest.raises(ApplicationError, match="different stores"):
        ticket_merge(actor=manager, source=elsewhere, target=a)


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("itself", "into itself"),
        ("closed_target", "is closed"),
        ("already_merged", "already merged"),
    ],
)
def test_a_merge_that_makes_no_sense_is_refused(lead_eu, store_eu, team_eu, customer, pair, setup, reason):
    a, b, _messages = pair
    if setup == "itself":
        b = a
    elif setup == "closed_target":
        Ticket.objects.filter(pk=a.pk).update(status=S.CLOSED)
    else:
        other = TicketFactory(store=store_eu, team=team_eu, customer=customer, status=S.OPEN)
        ticket_merge(actor=lead_eu, source=b, target=other)

    with pytest.raises(ApplicationError, match=reason):
        ticket_merge(actor=lead_eu, source=b, target=a)


def test_an_agent_may_not_merge(agent_eu, pair):
    a, b, _messages = pair

    with pytest.raises(ApplicationError, match="team leads and managers"):
        ticket_merge(actor=agent_eu, source=b, target=a)


def test_a_lead_of_another_team_cannot_merge_tickets_they_cannot_see(agent_us, pair):
    a, b, _messages = pair
    agent_us.groups.set([role("Team lead")])  # a lead, but of the US team

    with pytest.raises(ApplicationError, match="not in your stores"):
        ticket_merge(actor=agent_us, source=b, target=a)


# --- later mail --------------------------------------------------------------------------------


def test_a_reply_to_a_message_of_the_merged_ticket_lands_on_the_target(lead_eu, store_eu, pair):
    a, b, _messages = pair
    ticket_merge(actor=lead_eu, source=b, target=a)

    result = message_ingest(inbound=inbound(store_eu, in_reply_to="<HD.b2@lumio.example>"))

    assert result.ticket == a
    assert not result.created_ticket


def test_a_reply_carrying_the_merged_tickets_reference_lands_on_the_target(lead_eu, store_eu, pair):
    a, b, _messages = pair
    ticket_merge(actor=lead_eu, source=b, target=a)

    result = message_ingest(inbound=inbound(store_eu, subject=f"Re: Lampe [#{b.reference}]"))

    assert result.ticket == a


def test_a_platform_message_in_the_merged_tickets_thread_lands_on_the_target(
    lead_eu, store_eu, team_eu, customer
):
    a = TicketFactory(store=store_eu, team=team_eu, customer=customer, status=S.OPEN, channel=Channel.AMAZON)
    b = TicketFactory(
        store=store_eu,
        team=team_eu,
        customer=customer,
        status=S.OPEN,
        channel=Channel.AMAZON,
        external_thread_id="amzn-thread-42",
    )
    customer.identities.create(platform="amazon", kind="buyer_id", value="A2BUYER")
    ticket_merge(actor=lead_eu, source=b, target=a)

    result = message_ingest(
        inbound=inbound(
            store_eu,
            channel=Channel.AMAZON,
            external_id="amzn-msg-7",
            thread_id="amzn-thread-42",
            buyer_id="A2BUYER",
            sender_address="",
        )
    )

    assert result.ticket == a
    assert Ticket.objects.filter(external_thread_id="amzn-thread-42").count() == 1


def test_tickets_merged_into_the_source_earlier_follow_it_to_the_target(
    lead_eu, store_eu, team_eu, customer, pair
):
    a, b, _messages = pair
    c = TicketFactory(store=store_eu, team=team_eu, customer=customer, status=S.OPEN)
    ticket_merge(actor=lead_eu, source=c, target=b)

    ticket_merge(actor=lead_eu, source=b, target=a)

    c.refresh_from_db()
    assert c.merged_into == a


# --- split -------------------------------------------------------------------------------------


def test_splitting_moves_a_message_and_the_later_ones_to_a_new_ticket_of_the_same_customer(agent_eu, pair):
    a, _b, messages = pair
    later = MessageFactory(ticket=a, created_at=ago(5), body_text="A3")

    new = ticket_split(actor=agent_eu, ticket=a, message=messages["a2"], with_following=True)

    assert [m.body_text for m in ticket_conversation(ticket=new)] == ["A2", "A3"]
    assert [m.body_text for m in ticket_conversation(ticket=a)] == ["A1"]
    assert (new.customer_id, new.store_id, new.team_id) == (a.customer_id, a.store_id, a.team_id)
    assert new.reference != a.reference
    assert new.created_at == messages["a2"].created_at
    assert new.last_customer_message_at == later.created_at
    assert TicketEvent.objects.get(ticket=a, kind=TicketEvent.Kind.SPLIT).data == {
        "to": new.reference,
        "messages": 2,
    }
    assert TicketEvent.objects.get(ticket=new, kind=TicketEvent.Kind.CREATED).data == {
        "split_from": a.reference,
        "messages": 2,
    }


def test_splitting_one_message_leaves_the_later_ones(agent_eu, pair):
    a, _b, messages = pair
    MessageFactory(ticket=a, created_at=ago(5), body_text="A3")

    new = ticket_split(actor=agent_eu, ticket=a, message=messages["a2"], with_following=False)

    assert [m.body_text for m in ticket_conversation(ticket=new)] == ["A2"]
    assert [m.body_text for m in ticket_conversation(ticket=a)] == ["A1", "A3"]


def test_a_reply_to_a_split_message_lands_on_the_new_ticket(agent_eu, store_eu, pair):
    a, _b, messages = pair
    Message.objects.filter(pk=messages["a2"].pk).update(external_id="<a2@mail.example.de>")

    new = ticket_split(actor=agent_eu, ticket=a, message=messages["a2"])
    result = message_ingest(inbound=inbound(store_eu, in_reply_to="<a2@mail.example.de>"))

    assert result.ticket == new


def test_a_split_that_would_empty_the_ticket_is_refused(agent_eu, pair):
    a, _b, messages = pair

    with pytest.raises(ApplicationError, match="Nothing would be left"):
        ticket_split(actor=agent_eu, ticket=a, message=messages["a1"], with_following=True)

    assert a.messages.count() == 2


def test_a_message_of_another_ticket_cannot_be_split_off(agent_eu, pair):
    a, _b, messages = pair

    with pytest.raises(ApplicationError, match="not part of this ticket"):
        ticket_split(actor=agent_eu, ticket=a, message=messages["b1"])


# --- from the ticket page ----------------------------------------------------------------------


def test_a_lead_merges_from_the_ticket_page_and_lands_on_the_target(client, lead_eu, pair):
    a, b, _messages = pair
    client.force_login(lead_eu)
    page = client.get(reverse("tickets:detail", args=[b.pk])).content.decode()
    assert f'<option value="{a.pk}">#{a.reference}' in page

    response = client.post(reverse("tickets:merge", args=[b.pk]), {"into": a.pk})

    assert response["Location"] == reverse("tickets:detail", args=[a.pk])
    b.refresh_from_db()
    assert b.merged_into == a


def test_an_agent_sees_no_merge_control_and_a_posted_merge_is_refused(client, agent_eu, pair):
    a, b, _messages = pair
    client.force_login(agent_eu)
    assert (
        reverse("tickets:merge", args=[b.pk])
        not in client.get(reverse("tickets:detail", args=[b.pk])).content.decode()
    )

    response = client.post(reverse("tickets:merge", args=[b.pk]), {"into": a.pk})

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only team leads and managers may merge tickets."
    ]
    b.refresh_from_db()
    assert b.merged_into is None


def test_merging_into_a_ticket_of_another_store_is_a_404(client, lead_eu, pair, ticket_us):
    _a, b, _messages = pair
    client.force_login(lead_eu)

    assert client.post(reverse("tickets:merge", args=[b.pk]), {"into": ticket_us.pk}).status_code == 404


def test_an_agent_splits_from_the_ticket_page(client, agent_eu, pair):
    a, _b, messages = pair
    client.force_login(agent_eu)

    response = client.post(
        reverse("tickets:split", args=[a.pk]), {"message": messages["a2"].pk, "following": "1"}
    )

    new = Ticket.objects.exclude(pk__in=[a.pk, pair[1].pk]).get()
    assert response["Location"] == reverse("tickets:detail", args=[new.pk])
    assert list(new.messages.all()) == [messages["a2"]]


def test_the_target_becomes_as_urgent_as_the_merged_ticket_with_an_event(lead_eu, pair):
    a, b, _messages = pair
    Ticket.objects.filter(pk=a.pk).update(priority=2)
    Ticket.objects.filter(pk=b.pk).update(priority=4)

    ticket_merge(actor=lead_eu, source=b, target=a)

    a.refresh_from_db()
    assert a.priority == 4
    assert TicketEvent.objects.get(ticket=a, kind=TicketEvent.Kind.PRIORITY).data == {"from": 2, "to": 4}
