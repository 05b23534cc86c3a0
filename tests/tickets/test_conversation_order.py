"""The conversation reads in the order messages were written; a sender's wrong clock moves a
message back at most two days, so it cannot bury itself under older replies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import MessageFactory
from tickets.models import WRITTEN_AT_MAX_EARLIER, Message
from tickets.selectors import ticket_conversation

pytestmark = pytest.mark.django_db


def test_a_message_from_a_sender_whose_clock_is_years_behind_moves_back_at_most_two_days(ticket_eu, agent_eu):
    now = timezone.now()
    old_reply = MessageFactory(
        ticket=ticket_eu,
        direction=Message.Direction.OUTBOUND,
        author=agent_eu,
        created_at=now - dt.timedelta(days=3),
    )
    recent_reply = MessageFactory(
        ticket=ticket_eu,
        direction=Message.Direction.OUTBOUND,
        author=agent_eu,
        created_at=now - dt.timedelta(days=1),
    )
    wrong_clock = MessageFactory(
        ticket=ticket_eu, created_at=now, sent_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    )
    retried = MessageFactory(ticket=ticket_eu, created_at=now, sent_at=now - dt.timedelta(hours=30))

    order = list(ticket_conversation(ticket=ticket_eu))

    assert order == [old_reply, wrong_clock, retried, recent_reply]
    assert wrong_clock.written_at == now - WRITTEN_AT_MAX_EARLIER
    assert retried.written_at == now - dt.timedelta(hours=30)
    assert [message.written_at for message in order] == sorted(message.written_at for message in order)


def test_a_message_dated_in_the_future_stands_where_it_arrived(ticket_eu):
    now = timezone.now()
    earlier = MessageFactory(ticket=ticket_eu, created_at=now - dt.timedelta(hours=1))
    future = MessageFactory(
        ticket=ticket_eu, created_at=now - dt.timedelta(minutes=30), sent_at=now + dt.timedelta(days=5)
    )
    later = MessageFactory(ticket=ticket_eu, created_at=now)

    assert list(ticket_conversation(ticket=ticket_eu)) == [earlier, future, later]
    assert future.written_at == future.created_at
