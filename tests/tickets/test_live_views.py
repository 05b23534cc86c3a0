"""What a live page fetches after an event: rows and messages, scoped like the pages themselves."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from helpdesk.broadcast import RESYNC_OVERLAP, position_of
from tests.factories import MessageFactory, TicketFactory
from tickets.models import Message, Priority, Ticket
from tickets.services import message_reply, ticket_set_status
from tickets.services.sla import sla_breach_scan

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


def rows(client, **params):
    response = client.get("/inbox/live/rows/", params)
    assert response.status_code == 200, response.content
    return response.json()


def changes(client, since: int, **params):
    response = client.get("/inbox/live/changes/", {"since": since, **params})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_a_row_is_rendered_by_the_inbox_row_template_with_its_sort_keys(client, agent_eu, ticket_eu):
    client.force_login(agent_eu)

    answer = rows(client, ids=str(ticket_eu.pk))

    [row] = answer["rows"]
    assert row["id"] == ticket_eu.pk
    assert row["version"] == ticket_eu.version
    assert row["position"] == position_of(ticket_eu.updated_at)
    assert f'id="ticket-row-{ticket_eu.pk}"' in row["html"]
    assert f'data-priority="{ticket_eu.priority}"' in row["html"]
    assert "Lampe kaputt angekommen" in row["html"]
    assert answer["remove"] == []
    # The page renders the same row.
    page = client.get("/inbox/", {"view": "all"}).content.decode()
    assert f'id="ticket-row-{ticket_eu.pk}"' in page


@pytest.mark.django_db
def test_a_ticket_that_left_the_view_is_reported_as_removed(client, agent_eu, ticket_eu):
    client.force_login(agent_eu)
    ticket_set_status(ticket=ticket_eu, status=Ticket.Status.SOLVED, actor=agent_eu)

    in_open = rows(client, ids=str(ticket_eu.pk), view="open")
    in_all = rows(client, ids=str(ticket_eu.pk), view="all")

    assert in_open == {"rows": [], "remove": [ticket_eu.pk], "position": in_open["position"]}
    assert [row["id"] for row in in_all["rows"]] == [ticket_eu.pk]


@pytest.mark.django_db
def test_rows_follow_the_pages_filters(client, agent_eu, store_eu, team_eu):
    urgent = TicketFactory(store=store_eu, team=team_eu, priority=Priority.URGENT)
    low = TicketFactory(store=store_eu, team=team_eu, priority=Priority.LOW)
    client.force_login(agent_eu)

    answer = rows(client, ids=f"{urgent.pk},{low.pk}", view="all", priority=str(Priority.URGENT))

    assert [row["id"] for row in answer["rows"]] == [urgent.pk]
    assert answer["remove"] == [low.pk]


@pytest.mark.django_db
def test_an_agent_never_receives_a_row_of_a_store_they_may_not_see(client, agent_eu, ticket_us):
    client.force_login(agent_eu)

    answer = rows(client, ids=str(ticket_us.pk), view="all")

    assert answer["rows"] == []
    assert answer["remove"] == [ticket_us.pk]
    assert "Package never arrived" not in str(answer)


@pytest.mark.django_db
def test_changes_since_a_position_bring_what_changed_in_the_users_stores_only(
    client, agent_eu, agent_us, store_eu, team_eu, ticket_us
):
    with time_machine.travel(NOW - dt.timedelta(hours=2), tick=False):
        old = TicketFactory(store=store_eu, team=team_eu, subject="Old news")
        changed = TicketFactory(store=store_eu, team=team_eu, subject="Changed later")
        solved = TicketFactory(store=store_eu, team=team_eu, subject="Solved later")
    position = position_of(NOW - dt.timedelta(hours=1))
    with time_machine.travel(NOW, tick=False):
        ticket_set_status(ticket=changed, status=Ticket.Status.OPEN, actor=agent_eu)
        ticket_set_status(ticket=solved, status=Ticket.Status.SOLVED, actor=agent_eu)
        ticket_set_status(ticket=ticket_us, status=Ticket.Status.OPEN, actor=agent_us)
    client.force_login(agent_eu)

    answer = changes(client, position, view="open")

    assert answer["reload"] is False
    assert [row["id"] for row in answer["rows"]] == [changed.pk]
    assert answer["remove"] == [solved.pk]  # changed, and no longer in the "open" view
    assert old.pk not in [row["id"] for row in answer["rows"]]
    assert ticket_us.pk not in answer["remove"]  # another store: not even its id


@pytest.mark.django_db
def test_a_resync_reads_back_a_little_before_its_position(client, agent_eu, ticket_eu):
    """A transaction that committed late carries an earlier position than the last one seen."""
    client.force_login(agent_eu)
    position = position_of(ticket_eu.updated_at + RESYNC_OVERLAP / 2)

    answer = changes(client, position, view="all")

    assert [row["id"] for row in answer["rows"]] == [ticket_eu.pk]


@pytest.mark.django_db
def test_when_too_much_changed_the_page_is_told_to_reload(client, agent_eu, store_eu, team_eu, monkeypatch):
    monkeypatch.setattr("tickets.selectors.LIVE_RESYNC_MAX", 3)
    TicketFactory.create_batch(4, store=store_eu, team=team_eu)
    client.force_login(agent_eu)

    answer = changes(client, position_of(timezone.now() - dt.timedelta(minutes=5)))

    assert answer["reload"] is True
    assert answer["rows"] == []


@pytest.mark.django_db
def test_an_sla_breach_moves_the_tickets_live_position(agent_eu, ticket_eu):
    later = ticket_eu.updated_at + dt.timedelta(hours=1)
    ticket_eu.sla_due_at = later - dt.timedelta(minutes=1)
    ticket_eu.save(update_fields=["sla_due_at"])

    with time_machine.travel(later, tick=False):
        assert sla_breach_scan(now=later) == 1

    ticket_eu.refresh_from_db()
    assert ticket_eu.sla_breached
    assert ticket_eu.updated_at == later


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/inbox/live/rows/", {"ids": "1,two"}),
        ("/inbox/live/rows/", {"ids": ",".join(str(n) for n in range(101))}),
        ("/inbox/live/changes/", {}),
        ("/inbox/live/changes/", {"since": "-5"}),
        ("/inbox/live/changes/", {"since": "9" * 20}),
    ],
)
def test_bad_parameters_get_a_400_with_a_reason(client, agent_eu, url, params):
    client.force_login(agent_eu)

    response = client.get(url, params)

    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.django_db
def test_a_signed_out_page_gets_401_not_the_login_page(client):
    assert client.get("/inbox/live/rows/", {"ids": "1"}).status_code == 401
    assert client.get("/inbox/live/changes/", {"since": "0"}).status_code == 401
    assert client.get("/inbox/1/live/").status_code == 401


@pytest.mark.django_db
def test_the_ticket_page_fetches_newer_messages_and_moved_delivery_statuses(client, agent_eu, ticket_eu):
    first = MessageFactory(ticket=ticket_eu, store=ticket_eu.store, channel=ticket_eu.channel)
    second = MessageFactory(ticket=ticket_eu, store=ticket_eu.store, channel=ticket_eu.channel)
    reply = message_reply(ticket=ticket_eu, author=agent_eu, body="Wir senden Ersatz.")
    client.force_login(agent_eu)

    newer = client.get(f"/inbox/{ticket_eu.pk}/live/", {"after": first.pk}).json()
    refreshed = client.get(
        f"/inbox/{ticket_eu.pk}/live/", {"after": reply.pk, "refresh": str(reply.pk)}
    ).json()

    ticket_eu.refresh_from_db()
    assert newer["version"] == ticket_eu.version
    assert [message["id"] for message in newer["messages"]] == [second.pk, reply.pk]
    assert newer["messages"][1]["author"] == agent_eu.pk
    assert f'id="message-{reply.pk}"' in newer["messages"][1]["html"]
    assert "Wir senden Ersatz." in newer["messages"][1]["html"]
    assert [message["id"] for message in refreshed["messages"]] == [reply.pk]
    assert Message.objects.get(pk=reply.pk).delivery_status in refreshed["messages"][0]["html"]


@pytest.mark.django_db
def test_the_ticket_endpoint_hides_another_stores_ticket(client, agent_eu, ticket_us):
    client.force_login(agent_eu)

    response = client.get(f"/inbox/{ticket_us.pk}/live/")

    assert response.status_code == 404
