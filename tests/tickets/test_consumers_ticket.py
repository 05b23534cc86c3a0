"""The ticket page's websocket: authorised like the page, presence, typing, new messages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.utils import timezone

from helpdesk.broadcast import position_of
from helpdesk.routing import websocket_urlpatterns
from tickets import presence
from tickets.services import message_reply

application = URLRouter(websocket_urlpatterns)


def open_ticket(user, ticket_id: int) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, f"/ws/tickets/{ticket_id}/")
    communicator.scope["user"] = user
    return communicator


def viewer(user) -> dict:
    return {"user": user.pk, "name": user.get_full_name()}


async def next_of_kind(communicator: WebsocketCommunicator, kind: str) -> dict:
    while True:
        event = await communicator.receive_json_from(timeout=3)
        if event["kind"] == kind:
            return event


async def refused_with(communicator: WebsocketCommunicator) -> int:
    assert (await communicator.connect())[0]  # accepted, so that the browser receives the code
    message = await communicator.receive_output(timeout=3)
    assert message["type"] == "websocket.close"
    await communicator.disconnect()  # the consumer ends before the event loop does
    return message["code"]


@pytest.mark.django_db(transaction=True)
def test_a_ticket_of_a_store_the_agent_may_not_see_is_refused_with_4403(agent_us, ticket_eu):
    async def scenario():
        assert await refused_with(open_ticket(agent_us, ticket_eu.pk)) == 4403
        assert await refused_with(open_ticket(agent_us, 987_654_321)) == 4403  # as if it existed
        assert await refused_with(open_ticket(AnonymousUser(), ticket_eu.pk)) == 4401

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_agents_on_a_ticket_see_each_other_arrive_and_leave(agent_eu, lead_eu, ticket_eu):
    async def scenario():
        mei, hua = open_ticket(agent_eu, ticket_eu.pk), open_ticket(lead_eu, ticket_eu.pk)
        assert (await mei.connect())[0]
        assert (await next_of_kind(mei, "presence"))["viewers"] == [viewer(agent_eu)]

        assert (await hua.connect())[0]
        both = sorted([viewer(agent_eu), viewer(lead_eu)], key=lambda v: v["name"].casefold())
        assert (await next_of_kind(mei, "presence"))["viewers"] == both
        assert (await next_of_kind(hua, "presence"))["viewers"] == both

        await hua.disconnect()
        assert (await next_of_kind(mei, "presence"))["viewers"] == [viewer(agent_eu)]
        await mei.disconnect()
        assert await sync_to_async(presence.presence_list)(ticket_id=ticket_eu.pk) == []

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_typing_is_relayed_to_the_others_throttled_and_not_echoed(agent_eu, lead_eu, ticket_eu):
    async def scenario():
        mei, hua = open_ticket(agent_eu, ticket_eu.pk), open_ticket(lead_eu, ticket_eu.pk)
        assert (await mei.connect())[0]
        assert (await hua.connect())[0]
        await next_of_kind(mei, "presence")
        await next_of_kind(mei, "presence")  # hua joined
        await next_of_kind(hua, "presence")

        await mei.send_json_to({"type": "typing"})
        await mei.send_json_to({"type": "typing"})  # within a second: not relayed again

        event = await next_of_kind(hua, "typing")
        assert event == {
            "kind": "typing",
            "ticket": ticket_eu.pk,
            "user": agent_eu.pk,
            "name": agent_eu.get_full_name(),
        }
        assert await hua.receive_nothing(timeout=0.3)
        assert await mei.receive_nothing(timeout=0.3)  # one's own typing is not echoed
        await mei.disconnect()
        await hua.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_the_page_hears_of_a_new_message_with_the_tickets_version(agent_eu, lead_eu, ticket_eu):
    async def scenario():
        mei = open_ticket(agent_eu, ticket_eu.pk)
        assert (await mei.connect())[0]
        await next_of_kind(mei, "presence")

        await sync_to_async(message_reply)(
            ticket=ticket_eu, author=lead_eu, body="Bitte prüfen.", internal=True
        )

        event = await next_of_kind(mei, "ticket.changed")
        await sync_to_async(ticket_eu.refresh_from_db)()
        assert event["change"] == "note"
        assert event["version"] == ticket_eu.version
        assert event["position"] == position_of(ticket_eu.updated_at)
        await mei.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_is_answered_with_the_live_position(agent_eu, ticket_eu):
    async def scenario():
        mei = open_ticket(agent_eu, ticket_eu.pk)
        assert (await mei.connect())[0]
        await next_of_kind(mei, "presence")
        before = position_of(timezone.now())

        await mei.send_json_to({"type": "ping"})

        pong = await next_of_kind(mei, "pong")
        assert before <= pong["position"] <= position_of(timezone.now())
        await mei.disconnect()

    async_to_sync(scenario)()


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_a_viewer_whose_process_died_drops_out_when_the_entry_expires():
    start = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        presence.presence_join(ticket_id=7, connection="web-1!a", user_id=1, name="Li Wang")
        presence.presence_join(ticket_id=7, connection="web-2!b", user_id=2, name="Chen Jie")
        presence.presence_join(ticket_id=7, connection="web-2!c", user_id=2, name="Chen Jie")  # 2nd tab

        assert [v["user"] for v in presence.presence_list(ticket_id=7)] == [2, 1]  # one line each

        clock.shift(presence.HEARTBEAT_SECONDS)
        presence.presence_join(ticket_id=7, connection="web-1!a", user_id=1, name="Li Wang")  # heartbeat
        clock.shift(presence.TTL_SECONDS - presence.HEARTBEAT_SECONDS + 1)  # web-2 stopped beating

        assert presence.presence_list(ticket_id=7) == [{"user": 1, "name": "Li Wang"}]
        assert presence.presence_leave(ticket_id=7, connection="web-1!a") == []
