"""Two agents answering one ticket: the reply of the one who sends second, written on the page
as it was before the first reply, is held (nothing is sent) and comes back in the composer, with
the colleague's reply on the page; once the agent has seen it, the reply goes out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import role
from tests.factories import AgentProfileFactory, CustomerFactory, MessageFactory, TicketFactory, UserFactory
from tickets.models import Mailbox, Message, Ticket
from tickets.services import message_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(store_eu, team_eu):
    Mailbox.objects.create(store=store_eu, address="support@lumio.example")
    customer = CustomerFactory(display_name="Oliver Brown", email="oliver@example.co.uk", language="en")
    ticket = TicketFactory(store=store_eu, team=team_eu, customer=customer, language="en", status="open")
    MessageFactory(ticket=ticket, sender_address="oliver@example.co.uk", body_text="The lamp is broken.")
    return ticket


@pytest.fixture
def colleague(team_eu):
    user = UserFactory(username="chen.jie", first_name="Chen", last_name="Jie", groups=[role("Agent")])
    AgentProfileFactory(user=user, teams=[team_eu])
    return user


def test_a_reply_written_before_a_colleagues_reply_is_held_and_returned_then_sent_once_seen(
    client, agent_eu, colleague, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent_eu)
    seen = ticket.version  # what the agent's page showed when they started writing
    with django_capture_on_commit_callbacks(execute=True):
        message_reply(ticket=ticket, author=colleague, body="A new lamp leaves today.", seen_version=seen)
    draft = "I have asked the warehouse about a new lamp."

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tickets:reply", args=[ticket.pk]), {"body": draft, "seen_version": seen}
        )

    assert response.status_code == 302
    outbound = Message.objects.filter(ticket=ticket, direction=Message.Direction.OUTBOUND)
    assert list(outbound.values_list("author__username", flat=True)) == ["chen.jie"]
    assert [mail.body for mail in mailoutbox] == ["A new lamp leaves today."]
    page = client.get(response["Location"]).content.decode()
    assert "Something new happened on this ticket since you opened it." in page
    assert f">{draft}</textarea>" in page  # the draft, back in the composer
    assert "A new lamp leaves today." in page
    current = Ticket.objects.get(pk=ticket.pk).version
    assert f'name="seen_version" value="{current}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tickets:reply", args=[ticket.pk]), {"body": draft, "seen_version": current})

    assert list(outbound.order_by("id").values_list("author__username", "body_text")) == [
        ("chen.jie", "A new lamp leaves today."),
        (agent_eu.username, draft),
    ]
    assert len(mailoutbox) == 2
