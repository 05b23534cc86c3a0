"""Keyset pages of the inbox: every ticket once, in order, however deep; constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import TicketFactory
from tickets.models import Priority, Ticket
from tickets.selectors import ticket_inbox, ticket_inbox_page

# Every inbox page, whatever its size and filters (tests/tickets/test_inbox_filters.py too).
INBOX_QUERIES = 10


@pytest.fixture
def queue(store_eu, team_eu):
    now = timezone.now()
    tickets = []
    for index in range(23):
        due = None if index % 4 == 0 else now + dt.timedelta(hours=index % 5)  # ties and no deadline
        tickets.append(
            TicketFactory(
                store=store_eu,
                team=team_eu,
                status=Ticket.Status.OPEN,
                priority=[Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT][index % 4],
                sla_due_at=due,
            )
        )
    return tickets


@pytest.mark.django_db
def test_walking_the_pages_visits_every_ticket_once_in_inbox_order(queue, manager):
    expected = list(ticket_inbox(user=manager, view="open").values_list("pk", flat=True))
    seen, cursor, pages = [], "", 0
    while True:
        page = ticket_inbox_page(user=manager, view="open", after=cursor, size=5)
        seen += [ticket.pk for ticket in page.tickets]
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor

    assert seen == expected
    assert len(seen) == 23
    assert pages == 5


@pytest.mark.django_db
def test_the_most_urgent_ticket_comes_first_and_tickets_without_a_deadline_come_last_in_their_priority(
    queue, manager
):
    page = ticket_inbox_page(user=manager, view="open", size=23)

    assert page.tickets[0].priority == Priority.URGENT
    urgent = [ticket for ticket in page.tickets if ticket.priority == Priority.URGENT]
    dues = [ticket.sla_due_at for ticket in urgent]
    with_deadline = [due for due in dues if due is not None]
    assert dues[: len(with_deadline)] == sorted(with_deadline)
    assert all(due is None for due in dues[len(with_deadline) :])


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["%%%", "bm90LWpzb24", "WzEsbnVsbF0", "x" * 500])
def test_a_tampered_cursor_shows_the_first_page(queue, manager, cursor):
    page = ticket_inbox_page(user=manager, view="open", after=cursor, size=5)

    assert page.is_first
    assert [t.pk for t in page.tickets] == [
        t.pk for t in ticket_inbox_page(user=manager, view="open", size=5).tickets
    ]


@pytest.mark.django_db
def test_the_inbox_page_makes_the_same_queries_for_two_tickets_or_fifty(
    client, manager, store_eu, team_eu, django_assert_num_queries
):
    client.force_login(manager)
    TicketFactory.create_batch(2, store=store_eu, team=team_eu, status=Ticket.Status.OPEN)
    client.get("/inbox/")  # warm the session

    # session, user, agent profile (time zone), user and group permissions, the page of tickets,
    # and the filter and bulk bars: stores, the teams' languages, agents to assign to, tags
    with django_assert_num_queries(INBOX_QUERIES):
        assert client.get("/inbox/").status_code == 200

    TicketFactory.create_batch(48, store=store_eu, team=team_eu, status=Ticket.Status.OPEN)
    with django_assert_num_queries(INBOX_QUERIES):
        assert client.get("/inbox/").status_code == 200
