"""Bulk actions from the inbox: each ticket checked and changed on its own, with a summary of
what was done and what was skipped and why; nobody acts beyond their stores and role."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.messages import get_messages
from django.urls import reverse

from helpdesk import broadcast
from helpdesk.exceptions import ApplicationError
from tests.conftest import role
from tests.factories import AgentProfileFactory, CustomerFactory, TagFactory, TicketFactory, UserFactory
from tickets.models import Ticket, TicketEvent
from tickets.services.bulk import (
    ticket_reassign,
    tickets_bulk_add_tag,
    tickets_bulk_assign,
    tickets_bulk_merge,
    tickets_bulk_set_status,
)

pytestmark = pytest.mark.django_db
S = Ticket.Status


@pytest.fixture
def agent_li(team_eu):
    user = UserFactory(username="li.eu", first_name="Li", last_name="Na", groups=[role("Agent")])
    AgentProfileFactory(user=user, teams=[team_eu])
    return user


@pytest.fixture
def queue(store_eu, team_eu):
    return TicketFactory.create_batch(3, store=store_eu, team=team_eu, status=S.NEW, version=1)


def ids(tickets) -> list[int]:
    return [ticket.pk for ticket in tickets]


def refreshed(tickets) -> list[Ticket]:
    return list(Ticket.objects.filter(pk__in=ids(tickets)).order_by("pk"))


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- assign ------------------------------------------------------------------------------------


def test_an_agent_assigns_a_selection_to_themselves_with_an_event_and_a_new_version(agent_eu, queue):
    result = tickets_bulk_assign(actor=agent_eu, ticket_ids=ids(queue), assignee=agent_eu)

    assert len(result.done) == 3
    assert result.skipped == []
    for ticket in refreshed(queue):
        assert ticket.assignee == agent_eu
        assert ticket.status == S.OPEN
        assert ticket.version == 2
        assert TicketEvent.objects.filter(
            ticket=ticket, kind=TicketEvent.Kind.ASSIGNED, actor=agent_eu
        ).exists()


def test_a_lead_assigns_to_an_agent_of_the_tickets_team(lead_eu, agent_li, queue):
    result = tickets_bulk_assign(actor=lead_eu, ticket_ids=ids(queue), assignee=agent_li)

    assert len(result.done) == 3
    assert {ticket.assignee_id for ticket in refreshed(queue)} == {agent_li.pk}


def test_an_agent_of_another_team_is_refused_as_assignee_and_nothing_changes(lead_eu, agent_us, queue):
    result = tickets_bulk_assign(actor=lead_eu, ticket_ids=ids(queue), assignee=agent_us)

    assert result.done == []
    assert len(result.skipped) == 3
    assert "is not an agent of this ticket's team" in result.skipped[0][1]
    assert all(ticket.assignee_id is None for ticket in refreshed(queue))


def test_an_agent_may_not_assign_tickets_to_a_colleague(agent_eu, agent_li, queue):
    with pytest.raises(ApplicationError, match="team leads and managers"):
        tickets_bulk_assign(actor=agent_eu, ticket_ids=ids(queue), assignee=agent_li)

    assert all(ticket.assignee_id is None for ticket in refreshed(queue))


def test_an_agent_does_not_take_a_colleagues_ticket_but_a_lead_can_reassign_it(
    agent_eu, agent_li, lead_eu, queue
):
    taken = queue[0]
    tickets_bulk_assign(actor=agent_li, ticket_ids=[taken.pk], assignee=agent_li)

    result = tickets_bulk_assign(actor=agent_eu, ticket_ids=ids(queue), assignee=agent_eu)

    assert [ticket.pk for ticket in result.done] == ids(queue[1:])
    assert result.skipped == [
        (taken.reference, "Already assigned to someone else; ask a team lead to reassign it")
    ]
    ticket_reassign(actor=lead_eu, ticket=taken, assignee=agent_eu)
    taken.refresh_from_db()
    assert taken.assignee == agent_eu


def test_tickets_of_stores_the_agent_cannot_see_are_skipped_as_not_found(agent_eu, queue, ticket_us):
    result = tickets_bulk_assign(actor=agent_eu, ticket_ids=[*ids(queue), ticket_us.pk], assignee=agent_eu)

    assert len(result.done) == 3
    assert result.skipped == [(str(ticket_us.pk), "not found")]
    ticket_us.refresh_from_db()
    assert ticket_us.assignee_id is None


def test_the_inbox_says_how_many_were_assigned_and_why_the_others_were_skipped(
    client, lead_eu, agent_li, queue
):
    closed = TicketFactory(store=queue[0].store, team=queue[0].team, status=S.CLOSED)
    client.force_login(lead_eu)

    response = client.post(
        reverse("tickets:bulk"),
        {
            "ticket": [*ids(queue), closed.pk],
            "action": "assign",
            "assignee": agent_li.pk,
            "next": "/inbox/?view=all",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/inbox/?view=all"
    assert page_messages(response) == [
        "3 tickets assigned to Li Na; 1 skipped: A closed ticket cannot be assigned"
    ]


def test_assign_to_me_from_the_inbox(client, agent_eu, queue):
    client.force_login(agent_eu)

    client.post(reverse("tickets:bulk"), {"ticket": ids(queue), "action": "assign_me"})

    assert all(ticket.assignee == agent_eu for ticket in refreshed(queue))


def test_a_foreign_redirect_target_is_ignored(client, agent_eu, queue):
    client.force_login(agent_eu)

    response = client.post(
        reverse("tickets:bulk"),
        {"ticket": ids(queue), "action": "assign_me", "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("tickets:inbox")


@pytest.mark.parametrize(
    "form",
    [
        {"action": "assign_me"},  # nothing ticked
        {"ticket": ["x", "-1"], "action": "assign_me"},
        {"ticket": ["1"], "action": "explode"},
        {"ticket": ["1"], "action": "assign", "assignee": "abc"},
        {"ticket": ["1"], "action": "status", "status": "archived"},
        {"ticket": ["1"], "action": "tag", "tag": "no-such-tag"},
        {"ticket": ["1"], "action": "merge", "merge_into": "zzz"},
    ],
)
def test_a_broken_bulk_form_is_a_message_not_an_error(client, agent_eu, queue, form):
    client.force_login(agent_eu)

    response = client.post(reverse("tickets:bulk"), form)

    assert response.status_code == 302
    assert page_messages(response)
    assert all(ticket.assignee_id is None and ticket.version == 1 for ticket in refreshed(queue))


# --- status and tags ---------------------------------------------------------------------------


def test_bulk_status_changes_what_the_workflow_allows_and_skips_the_rest(agent_eu, store_eu, team_eu):
    open_ = TicketFactory(store=store_eu, team=team_eu, status=S.OPEN)
    pending = TicketFactory(store=store_eu, team=team_eu, status=S.PENDING)
    closed = TicketFactory(store=store_eu, team=team_eu, status=S.CLOSED)

    result = tickets_bulk_set_status(
        actor=agent_eu, ticket_ids=[open_.pk, pending.pk, closed.pk], status=S.SOLVED
    )

    assert ids(result.done) == [open_.pk, pending.pk]
    assert [reference for reference, _reason in result.skipped] == [closed.reference]
    assert [ticket.status for ticket in refreshed([open_, pending, closed])] == [S.SOLVED, S.SOLVED, S.CLOSED]


def test_bulk_tag_tags_each_ticket_once_with_an_event(agent_eu, queue):
    tag = TagFactory(slug="customs", name="Customs")
    queue[0].tags.add(tag)

    result = tickets_bulk_add_tag(actor=agent_eu, ticket_ids=ids(queue), tag=tag)

    assert ids(result.done) == ids(queue[1:])
    assert result.skipped == [(queue[0].reference, "already tagged")]
    for ticket in refreshed(queue[1:]):
        assert list(ticket.tags.all()) == [tag]
        assert ticket.version == 2
        assert TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.TAGGED).data == {
            "added": "customs"
        }


def test_a_bulk_change_is_broadcast_to_each_tickets_page_after_commit(
    agent_eu, queue, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(broadcast.ticket_group(queue[0].pk), channel)

    with django_capture_on_commit_callbacks(execute=True):
        tickets_bulk_set_status(actor=agent_eu, ticket_ids=ids(queue), status=S.PENDING)

    async def receive():
        return await asyncio.wait_for(layer.receive(channel), timeout=3)

    event = async_to_sync(receive)()["event"]
    assert event["kind"] == "ticket.changed"
    assert event["ticket"] == queue[0].pk


# --- merge -------------------------------------------------------------------------------------


def test_merging_is_for_team_leads(agent_eu, store_eu, team_eu):
    customer = CustomerFactory()
    tickets = TicketFactory.create_batch(2, store=store_eu, team=team_eu, customer=customer)

    with pytest.raises(ApplicationError, match="team leads and managers"):
        tickets_bulk_merge(actor=agent_eu, ticket_ids=ids(tickets), target_id=None)

    assert not Ticket.objects.filter(merged_into__isnull=False).exists()


def test_a_lead_merges_a_selection_into_the_oldest_and_skips_another_customers_ticket(
    lead_eu, store_eu, team_eu
):
    customer = CustomerFactory()
    oldest, newer = TicketFactory.create_batch(2, store=store_eu, team=team_eu, customer=customer)
    stranger = TicketFactory(store=store_eu, team=team_eu)

    result = tickets_bulk_merge(actor=lead_eu, ticket_ids=[newer.pk, stranger.pk, oldest.pk], target_id=None)

    assert result.target == oldest
    assert ids(result.done) == [newer.pk]
    assert result.skipped[0][0] == stranger.reference
    assert "different customers" in result.skipped[0][1]
    newer.refresh_from_db()
    stranger.refresh_from_db()
    assert newer.merged_into == oldest
    assert stranger.merged_into is None


def test_the_merge_target_must_be_one_of_the_selected_tickets(lead_eu, store_eu, team_eu, ticket_eu):
    customer = CustomerFactory()
    tickets = TicketFactory.create_batch(2, store=store_eu, team=team_eu, customer=customer)

    with pytest.raises(ApplicationError, match="among the selected"):
        tickets_bulk_merge(actor=lead_eu, ticket_ids=ids(tickets), target_id=ticket_eu.pk)


def test_bulk_merge_from_the_inbox_reports_the_target(client, lead_eu, store_eu, team_eu):
    customer = CustomerFactory()
    first, second = TicketFactory.create_batch(2, store=store_eu, team=team_eu, customer=customer)
    client.force_login(lead_eu)

    response = client.post(
        reverse("tickets:bulk"), {"ticket": [first.pk, second.pk], "action": "merge", "merge_into": second.pk}
    )

    assert page_messages(response) == [f"1 ticket merged into #{second.reference}"]
    first.refresh_from_db()
    assert first.merged_into == second
    assert first.status == S.CLOSED
