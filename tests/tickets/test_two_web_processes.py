"""Two web processes, an agent's inbox open on each: events cross processes through Redis.

Two daphne processes on the test database share the Redis channel layer, as two web servers
behind a load balancer do. An agent has ``/ws/inbox/`` open on process A, a colleague on
process B. A customer's e-mail posted to A must reach the inbox on B; a reply and a status
change made through B must reach the inbox on A; and no event arrives twice at either.

The websocket clients are the minimal RFC 6455 client of bench/peak.py (asyncio streams).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.conf import settings

from bench.peak import client_frame, read_frame
from tests.conftest import role
from tests.e2e.conftest import PASSWORD, Server, browser_password, free_port, server_env
from tests.factories import AgentProfileFactory, UserFactory
from tests.tickets.mail import raw_email
from tickets.models import Mailbox, Message, Ticket

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="two web processes share events only through the Redis channel layer (set REDIS_URL)",
    ),
]


@pytest.fixture
def two_servers(process_database_url, tmp_path) -> Iterator[tuple[Server, Server]]:
    servers = []
    for name in ("a", "b"):
        port = free_port()
        servers.append(
            Server(
                url=f"http://127.0.0.1:{port}",
                port=port,
                env=server_env(process_database_url, tmp_path / f"var-{name}"),
                log=tmp_path / f"daphne-{name}.log",
            )
        )
    try:
        for server in servers:
            server.start()
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()


def log_in(server: Server, username: str) -> dict[str, str]:
    """The cookies of a signed-in session, through the server's own login form."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        page = http.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = http.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert answer.status_code == 302, answer.text[:500]
        return dict(http.cookies.items())


class Inbox:
    """One agent's ``/ws/inbox/`` on one server, keeping every event it hears."""

    def __init__(self, server: Server, cookies: dict[str, str]) -> None:
        self.server = server
        self.cookies = cookies
        self.events: list[dict[str, Any]] = []
        self.listener: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.server.port)
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        key = base64.b64encode(os.urandom(16)).decode()
        self.writer.write(
            (
                "GET /ws/inbox/ HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{self.server.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: {self.server.url}\r\nCookie: {cookie}\r\n\r\n"
            ).encode()
        )
        await self.writer.drain()
        answer = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout=30)
        assert b" 101 " in answer.split(b"\r\n", 1)[0], answer
        self.listener = asyncio.create_task(self.listen())

    async def listen(self) -> None:
        while True:
            opcode, payload = await read_frame(self.reader)
            if opcode == 0x8:
                return
            if opcode == 0x9:
                self.writer.write(client_frame(0xA, payload[:125]))
            elif opcode == 0x1:
                self.events.append(json.loads(payload))

    async def heard(self, ticket: int | None, change: str, timeout: float = 30) -> dict[str, Any]:
        """The first ``change`` event of ``ticket`` (of any ticket: None), waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events:
                if ticket in (None, event.get("ticket")) and event.get("change") == change:
                    return event
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {change!r} event for ticket {ticket} on {self.server.url}: {self.events}")

    async def close(self) -> None:
        if self.listener is not None:
            self.listener.cancel()
        with contextlib.suppress(ConnectionError):
            self.writer.write(client_frame(0x8, (1000).to_bytes(2, "big")))
            await self.writer.drain()
        self.writer.close()


async def post_as_agent(server: Server, cookies: dict[str, str], path: str, data: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=server.url, cookies=cookies, timeout=60) as http:
        answer = await http.post(
            path, data={**data, "csrfmiddlewaretoken": cookies[settings.CSRF_COOKIE_NAME]}
        )
        assert answer.status_code == 302, answer.text[:500]


@pytest.mark.django_db(transaction=True)
def test_events_cross_two_web_processes_once(two_servers, store_eu, team_eu):
    server_a, server_b = two_servers
    on_a = UserFactory(username="li.wang", groups=[role("Agent")])
    on_b = UserFactory(username="chen.jie", groups=[role("Agent")])
    for user in (on_a, on_b):
        AgentProfileFactory(user=user, teams=[team_eu])
    browser_password(on_a, on_b)
    mailbox = Mailbox.objects.create(store=store_eu, address="support@lumio.example")
    cookies_a, cookies_b = log_in(server_a, "li.wang"), log_in(server_b, "chen.jie")

    async def scenario() -> tuple[Inbox, Inbox, int]:
        inbox_a, inbox_b = Inbox(server_a, cookies_a), Inbox(server_b, cookies_b)
        await inbox_a.open()
        await inbox_b.open()
        async with httpx.AsyncClient(base_url=server_a.url, timeout=60) as http:
            answer = await http.post(
                f"/inbound/email/{mailbox.inbound_token}/",
                content=raw_email(),
                headers={"Content-Type": "message/rfc822"},
            )
        assert answer.status_code == 202, answer.text
        ticket = (await inbox_b.heard(None, "created"))["ticket"]
        await inbox_a.heard(ticket, "created")

        await post_as_agent(
            server_b, cookies_b, f"/inbox/{ticket}/reply/", {"body": "A new lamp leaves today."}
        )
        await inbox_a.heard(ticket, "reply")
        await post_as_agent(server_b, cookies_b, f"/inbox/{ticket}/status/", {"status": "pending"})
        await inbox_a.heard(ticket, "status")
        await asyncio.sleep(1)  # a second copy of any event would arrive by now
        await inbox_a.close()
        await inbox_b.close()
        return inbox_a, inbox_b, ticket

    inbox_a, inbox_b, ticket = asyncio.run(scenario())

    for inbox in (inbox_a, inbox_b):
        mine = [e for e in inbox.events if e.get("ticket") == ticket]
        assert [e for e in mine if e["change"] == "created"] != []
        # Each change bumps the ticket's version: the same event twice would repeat one.
        assert len({json.dumps(e, sort_keys=True) for e in mine}) == len(mine), mine
        assert {"created", "reply", "status"} <= {e["change"] for e in mine}
    ticket_row = Ticket.objects.get(pk=ticket)
    assert ticket_row.store == store_eu
    assert ticket_row.status == Ticket.Status.PENDING
    assert ticket_row.messages.filter(direction=Message.Direction.OUTBOUND).count() == 1
    assert ticket_row.messages.filter(direction=Message.Direction.INBOUND).count() == 1
