"""Live events sent by a real Celery worker process reach open pages through the Redis channel layer.

The worker is ``celery --app helpdesk worker`` started as a subprocess against the Redis broker
and the test database; the pages are the inbox and ticket consumers in this process.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.utils import timezone

from helpdesk.broadcast import position_of
from helpdesk.routing import websocket_urlpatterns
from tests.factories import MessageFactory
from tests.tickets.worker_process import REDIS_REASON, REDIS_URL, celery_worker, send_to_worker
from tickets.models import Message, Ticket

pytestmark = [pytest.mark.integration, pytest.mark.skipif(not REDIS_URL, reason=REDIS_REASON)]

application = URLRouter(websocket_urlpatterns)


@pytest.fixture
def worker(process_database_url, tmp_path):
    with celery_worker(database_url=process_database_url, directory=tmp_path) as worker:
        yield worker


def connect(path: str, user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path)
    communicator.scope["user"] = user
    return communicator


async def next_of_kind(communicator: WebsocketCommunicator, kind: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        event = await communicator.receive_json_from(timeout=max(0.1, deadline - time.monotonic()))
        if event["kind"] == kind:
            return event


@pytest.mark.django_db(transaction=True)
def test_a_reply_sent_and_a_breach_marked_by_the_worker_reach_the_open_pages(worker, agent_eu, ticket_eu):
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    reply = MessageFactory(
        ticket=ticket_eu,
        direction=Message.Direction.OUTBOUND,
        author=agent_eu,
        external_id=f"<{ticket_eu.reference}.live@lumio.example>",
        recipients=[ticket_eu.customer.email],
        subject=f"Re: {ticket_eu.subject} [#{ticket_eu.reference}]",
        body_text="Wir schicken Ihnen heute eine neue Lampe.",
        delivery_status=Message.Delivery.QUEUED,
    )
    Ticket.objects.filter(pk=ticket_eu.pk).update(sla_due_at=timezone.now() - dt.timedelta(minutes=5))

    async def scenario():
        inbox = connect("/ws/inbox/", agent_eu)
        page = connect(f"/ws/tickets/{ticket_eu.pk}/", agent_eu)
        assert (await inbox.connect())[0]
        assert (await page.connect())[0]
        await next_of_kind(page, "presence")

        await sync_to_async(send_to_worker)(worker, "tickets.tasks.message_send", reply.pk)
        delivered = await next_of_kind(page, "message.delivery")

        await sync_to_async(send_to_worker)(worker, "tickets.tasks.sla_breach_scan")
        changed = await next_of_kind(inbox, "ticket.changed")

        await inbox.disconnect()
        await page.disconnect()
        return delivered, changed

    delivered, changed = async_to_sync(scenario)()

    assert delivered == {"kind": "message.delivery", "message": reply.pk}
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENT
    [outbox] = list(worker["mail"].glob("*.log"))
    assert f"[#{ticket_eu.reference}]" in outbox.read_text()

    ticket_eu.refresh_from_db()
    assert ticket_eu.sla_breached
    assert changed == {
        "kind": "ticket.changed",
        "ticket": ticket_eu.pk,
        "change": "sla_breached",
        "version": ticket_eu.version,
        "position": position_of(ticket_eu.updated_at),
    }
