"""Live events sent by a real Celery worker process reach open pages through the Redis channel layer.

The worker is ``celery --app helpdesk worker`` started as a subprocess against the Redis broker
and the test database; the pages are the inbox and ticket consumers in this process.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from celery.exceptions import AlwaysEagerIgnored
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.utils import timezone

from helpdesk.broadcast import position_of
from helpdesk.celery import app as celery_app
from helpdesk.routing import websocket_urlpatterns
from tests.factories import MessageFactory
from tickets.models import Message, Ticket

REPO = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not REDIS_URL,
        reason="REDIS_URL is not set: a worker process reaches open pages only through the Redis "
        "channel layer and broker (CI sets it)",
    ),
]

application = URLRouter(websocket_urlpatterns)


@pytest.fixture
def worker(process_database_url, tmp_path):
    """A Celery worker process on its own queue (so no other worker on this broker takes the tasks)."""
    queue = f"live-test-{os.getpid()}"
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.base",
        SECRET_KEY="integration-test-secret-key-0123456789-abcdefghij",
        DEBUG="true",
        VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=process_database_url,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "--app",
                "helpdesk",
                "worker",
                "--queues",
                queue,
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while "ready." not in log_path.read_text(errors="replace"):
            assert process.poll() is None, f"the worker exited:\n{log_path.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the worker did not start:\n{log_path.read_text()[-3000:]}"
            time.sleep(0.2)
        yield {"queue": queue, "mail": tmp_path / "var" / "mail", "log": log_path}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def send_to_worker(worker: dict, task: str, *args: object) -> None:
    """Publish a task on the real broker (this test process itself runs tasks eagerly)."""
    with warnings.catch_warnings(), celery_app.connection_for_write(REDIS_URL) as connection:
        warnings.simplefilter("ignore", AlwaysEagerIgnored)  # publishing is the point here
        celery_app.send_task(task, args=list(args), queue=worker["queue"], connection=connection)


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
