"""A customer's message that arrives late (a platform's retry, a slow mail relay) takes its place in
the open conversation where it was written, live and after a reload, not at the end."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.conftest import role
from tests.e2e.conftest import browser_password, in_another_process, log_in
from tests.factories import AgentProfileFactory, UserFactory
from tests.tickets.mail import raw_email
from tickets.models import Mailbox, Message, Ticket
from tickets.services import email_ingest


def arrived(message_id: str, *, days_ago: float) -> Message:
    """Back-date a stored message, as if it had arrived (and been written) that long ago."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    message = Message.objects.get(external_id=message_id)
    Message.objects.filter(pk=message.pk).update(created_at=when, sent_at=when)
    return message


def conversation_order(page) -> list[int]:
    return page.locator("#conversation article[data-message-id]").evaluate_all(
        "nodes => nodes.map(node => Number(node.dataset.messageId))"
    )


def test_a_late_message_goes_where_it_was_written_in_the_open_conversation(
    recorder, server, store_eu, team_eu
):
    agent = UserFactory(username="li.wang", first_name="Li", last_name="Wang", groups=[role("Agent")])
    AgentProfileFactory(user=agent, teams=[team_eu])
    browser_password(agent)
    mailbox = Mailbox.objects.create(store=store_eu, address="support@lumio.example")
    email_ingest(raw=raw_email(message_id="<first@mail.example.de>"), mailbox=mailbox)
    email_ingest(
        raw=raw_email(
            message_id="<third@mail.example.de>",
            in_reply_to="<first@mail.example.de>",
            body="Ich warte immer noch auf eine Antwort.",
        ),
        mailbox=mailbox,
    )
    first = arrived("<first@mail.example.de>", days_ago=3)
    third = arrived("<third@mail.example.de>", days_ago=1)
    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(team=team_eu)

    page = log_in(recorder, server, agent)
    page.goto(f"{server.url}/inbox/{ticket.pk}/")
    page.wait_for_selector("#live-status[data-state=live]")
    assert conversation_order(page) == [first.pk, third.pk]
    recorder.shot(page, "two-messages")

    # Written two days ago (its Date header is older still: a sender's clock moves it back at
    # most two days), delivered only now.
    in_another_process(
        email_ingest,
        raw=raw_email(
            message_id="<second@mail.example.de>",
            in_reply_to="<first@mail.example.de>",
            body="Hier ist noch ein Foto vom Karton.",
        ),
        mailbox=mailbox,
    )
    page.wait_for_selector("article.msg:has-text('Foto vom Karton')")
    second = Message.objects.get(external_id="<second@mail.example.de>")
    assert conversation_order(page) == [first.pk, second.pk, third.pk]
    recorder.shot(page, "late-message-in-its-place")

    page.reload()
    page.wait_for_selector("article.msg:has-text('Foto vom Karton')")
    assert conversation_order(page) == [first.pk, second.pk, third.pk]
