"""The inbox websocket: only signed-in users, only their teams' events, sent after commit; holiday
mode's swaps reach every open inbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from helpdesk.broadcast import position_of
from helpdesk.models import SeasonalRuleSet
from helpdesk.routing import websocket_urlpatterns
from helpdesk.seasons import rule_sets_swap_due
from tests.factories import SeasonalRuleSetFactory, TicketFactory
from tickets.models import Ticket
from tickets.services import ticket_set_status

application = URLRouter(websocket_urlpatterns)


def connect(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, "/ws/inbox/")
    communicator.scope["user"] = user
    return communicator


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_visitor_is_refused(db):
    async def scenario():
        communicator = connect(AnonymousUser())
        # Accepted, then closed with the code: a browser only sees a code after the handshake.
        assert (await communicator.connect())[0]
        assert await communicator.receive_output(timeout=3) == {"type": "websocket.close", "code": 4401}
        # Let the consumer finish before the event loop closes (its channel-layer read would
        # otherwise be cancelled mid-call at loop shutdown).
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_an_agent_hears_about_their_teams_ticket_but_not_another_teams(
    agent_eu, agent_us, ticket_eu, ticket_us
):
    async def scenario():
        eu, us = connect(agent_eu), connect(agent_us)
        assert (await eu.connect())[0]
        assert (await us.connect())[0]

        await sync_to_async(ticket_set_status)(ticket=ticket_eu, status=Ticket.Status.OPEN, actor=agent_eu)

        event = await eu.receive_json_from(timeout=3)
        await sync_to_async(ticket_eu.refresh_from_db)()
        assert event == {
            "kind": "ticket.changed",
            "ticket": ticket_eu.pk,
            "change": "status",
            "version": ticket_eu.version,
            "position": position_of(ticket_eu.updated_at),
        }
        assert await us.receive_nothing(timeout=0.3)
        await eu.disconnect()
        await us.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_manager_hears_about_every_team(manager, agent_us, ticket_us):
    async def scenario():
        communicator = connect(manager)
        assert (await communicator.connect())[0]

        await sync_to_async(ticket_set_status)(ticket=ticket_us, status=Ticket.Status.SOLVED, actor=agent_us)

        event = await communicator.receive_json_from(timeout=3)
        assert event["ticket"] == ticket_us.pk
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_for_a_change_that_is_rolled_back(agent_eu, ticket_eu):
    from django.db import transaction

    def change_then_fail():
        with transaction.atomic():
            ticket_set_status(ticket=ticket_eu, status=Ticket.Status.OPEN, actor=agent_eu)
            transaction.set_rollback(True)  # the request failed after the change

    async def scenario():
        communicator = connect(agent_eu)
        assert (await communicator.connect())[0]

        await sync_to_async(change_then_fail)()

        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    async_to_sync(scenario)()
    ticket_eu.refresh_from_db()
    assert ticket_eu.status == Ticket.Status.NEW


@pytest.mark.django_db(transaction=True)
def test_an_agent_hears_about_an_unrouted_ticket_of_their_store(agent_eu, store_eu):
    """Inboxes listen per store, as the list is scoped: a ticket no team has yet still shows."""
    unrouted = TicketFactory(store=store_eu, team=None, subject="Noch keinem Team zugeordnet")

    async def scenario():
        communicator = connect(agent_eu)
        assert (await communicator.connect())[0]

        await sync_to_async(ticket_set_status)(ticket=unrouted, status=Ticket.Status.OPEN, actor=agent_eu)

        event = await communicator.receive_json_from(timeout=3)
        assert event["ticket"] == unrouted.pk
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_the_inbox_heartbeat_is_answered_with_the_live_position(agent_eu):
    async def scenario():
        communicator = connect(agent_eu)
        assert (await communicator.connect())[0]

        await communicator.send_json_to({"type": "ping"})

        pong = await communicator.receive_json_from(timeout=3)
        assert pong["kind"] == "pong"
        assert isinstance(pong["position"], int)
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_rule_set_swap_shows_and_hides_the_season_banner_in_every_open_inbox(manager, agent_eu, agent_us):
    """Holiday mode reaches every open inbox, whatever its stores, through the channel layer the
    settings give (Redis when REDIS_URL is set): the scheduled swap into the peak, then out of it."""
    rule_set = SeasonalRuleSetFactory(name="Black Friday / Cyber Monday 2026 (US)", markets=["US"])
    during = rule_set.peak_from + timedelta(hours=1)
    over = rule_set.review_until + timedelta(hours=1)

    def swap_event(phase: str) -> dict:
        return {"kind": "season.changed", "rule_set": rule_set.pk, "name": rule_set.name, "phase": phase}

    async def scenario():
        inboxes = [connect(user) for user in (manager, agent_eu, agent_us)]
        connected = []
        try:
            for inbox in inboxes:
                # Generous timeouts: the machine may be busy; nothing here waits for a fixed time.
                assert (await inbox.connect(timeout=5))[0]
                connected.append(inbox)

            assert await sync_to_async(rule_sets_swap_due)(now=during) == [rule_set.pk]
            for inbox in inboxes:
                assert await inbox.receive_json_from(timeout=5) == swap_event(SeasonalRuleSet.Phase.DURING)

            assert await sync_to_async(rule_sets_swap_due)(now=over) == [rule_set.pk]
            for inbox in inboxes:
                assert await inbox.receive_json_from(timeout=5) == swap_event(SeasonalRuleSet.Phase.INACTIVE)
        finally:
            # Close every socket before the loop ends, even after a failed assertion (a pending
            # channel-layer read cancelled at loop shutdown once hung a run).
            for inbox in connected:
                await inbox.disconnect(timeout=5)

    async_to_sync(scenario)()
