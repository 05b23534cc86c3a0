"""The live inbox in a real browser: Playwright drives Debian's Chromium against the ASGI app
(daphne, started as a subprocess on the test database).

The scenario from the inbox issue: an agent has the inbox open; a customer's e-mail arrives
through the inbound endpoint; its row appears without a reload; the agent opens it (a colleague
looking at the same ticket shows up, and their typing too), picks a reply template, a follow-up
from the customer arrives while the agent composes and is flagged, the agent reviews it and sends;
the reply goes out. Then the connection drops twice, once cut in the page and once by restarting
the server, and a message that arrived meanwhile appears after the resync.

Replies are delivered with Celery in eager mode inside the server process (the e-mail lands in the
file outbox under the server's VAR_DIR): this test is about the browser and the live layer; a real
worker process delivering over Redis is tests/tickets/test_live_worker.py.

Screenshots of each step go to var/e2e/; on failure a Playwright trace goes there too
(`.venv/bin/playwright show-trace var/e2e/trace.zip`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connections
from django.utils import timezone

from tests.conftest import role
from tests.factories import AgentProfileFactory, TicketFactory, UserFactory
from tests.tickets.mail import raw_email
from tickets.models import (
    Mailbox,
    Message,
    Priority,
    ReplyTemplate,
    ReplyTemplateVariant,
    SLAPolicy,
    Ticket,
)
from tickets.services import email_ingest

REPO = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "var" / "e2e"
PASSWORD = "correct horse battery staple"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does)",
    ),
]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install '.[dev]')"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(VENV_BIN / "daphne"),
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "helpdesk.asgi:application",
                ],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, f"daphne exited:\n{self.log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"daphne did not answer:\n{self.log.read_text()[-3000:]}"
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def post_email(self, mailbox: Mailbox, raw: bytes) -> dict:
        request = urllib.request.Request(
            f"{self.url}/inbound/email/{mailbox.inbound_token}/",
            data=raw,
            headers={"Content-Type": "message/rfc822"},
            method="POST",
        )
        # This server runs Celery tasks in the request (no worker), so the first message pays for
        # loading the triage models: seconds on an idle machine, more on a busy CI runner.
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 202
            return json.load(response)


@pytest.fixture
def server(process_database_url, tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.base",
        SECRET_KEY="browser-test-secret-key-0123456789-abcdefghijklmnop",
        DEBUG="true",
        VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=process_database_url,
        CELERY_TASK_ALWAYS_EAGER="true",
        PYTHONUNBUFFERED="1",
    )
    if env.get("REDIS_URL"):
        env["CELERY_BROKER_URL"] = env["REDIS_URL"]  # eager: nothing is published, but it must parse
    server = Server(url=f"http://127.0.0.1:{port}", port=port, env=env, log=tmp_path / "daphne.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cast(store_eu, team_eu):
    agent = UserFactory(username="li.wang", first_name="Li", last_name="Wang", groups=[role("Agent")])
    lead = UserFactory(username="chen.jie", first_name="Chen", last_name="Jie", groups=[role("Team lead")])
    # Hashed with the server's hasher: the test settings' fast MD5 one is unknown to it.
    hasher = PBKDF2PasswordHasher()
    for user in (agent, lead):
        user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])
    AgentProfileFactory(user=agent, teams=[team_eu])
    team_eu.lead = lead
    team_eu.save(update_fields=["lead"])
    mailbox = Mailbox.objects.create(store=store_eu, address="support@lumio.example")
    SLAPolicy.objects.create(
        name="Around the clock",
        first_response_minutes=240,
        next_response_minutes=480,
        resolution_minutes=2880,
        business_hours_only=False,
    )
    template = ReplyTemplate.objects.create(name="Damaged item: replacement", slug="damaged-replacement")
    ReplyTemplateVariant.objects.create(
        template=template,
        language="en",
        body="Hello {name},\n\nsorry that it arrived broken. A replacement leaves today.\n\n{agent}",
    )
    # Already in the inbox: one overdue and urgent, one due within the hour.
    now = timezone.now()
    overdue = TicketFactory(
        store=store_eu,
        team=team_eu,
        subject="Wo bleibt meine Erstattung?",
        priority=Priority.HIGH,
        sla_due_at=now - dt.timedelta(hours=2, minutes=5),
        sla_breached=True,
    )
    soon = TicketFactory(
        store=store_eu,
        team=team_eu,
        subject="Falsche Farbe geliefert",
        sla_due_at=now + dt.timedelta(minutes=30),
    )
    return {"agent": agent, "lead": lead, "mailbox": mailbox, "overdue": overdue, "soon": soon}


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # plain blocking calls all the same (pytest-playwright's advice for Django).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Steps:
    """Numbered screenshots of each step, and the trace when something fails."""

    def __init__(self, context) -> None:
        self.context = context
        self.count = 0
        self.started = time.monotonic()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob("*.png"):
            old.unlink()
        context.tracing.start(screenshots=True, snapshots=True)

    def shot(self, page, name: str) -> None:
        self.count += 1
        page.screenshot(path=ARTIFACTS / f"{self.count:02d}-{name}.png", full_page=True)
        print(f"{time.monotonic() - self.started:6.1f} s  step {self.count}: {name}")

    @contextlib.contextmanager
    def traced(self):
        try:
            yield self
        except BaseException:
            self.context.tracing.stop(path=ARTIFACTS / "trace.zip")
            raise
        else:
            self.context.tracing.stop()
            (ARTIFACTS / "trace.zip").unlink(missing_ok=True)


def log_in(browser, server: Server, user):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/inbox/"))
    return context, page


def in_another_process(function, **kwargs):
    """Run a service as another process (a worker) would: off Playwright's event-loop thread,
    on its own database connection, so its on-commit broadcast runs as it would there."""

    def call():
        try:
            return function(**kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def wait_live(page) -> None:
    page.wait_for_selector("#live-status[data-state=live]")


def row(page, subject: str):
    return page.locator("tr.inbox-row", has_text=subject)


def test_an_agent_sees_a_message_arrive_answers_it_and_misses_nothing_after_a_drop(browser, server, cast):
    started = time.monotonic()
    mailbox = cast["mailbox"]
    context, page = log_in(browser, server, cast["agent"])
    steps = Steps(context)
    with steps.traced():
        # 1. The inbox is open and live; its SLA countdowns tick (red when overdue, amber soon).
        wait_live(page)
        page.evaluate("window.__sameDocument = true")
        overdue = row(page, "Wo bleibt meine Erstattung?").locator(".sla-countdown")
        assert overdue.inner_text() == "overdue by 2 h 5 min"
        assert "sla-overdue" in overdue.get_attribute("class")
        soon = row(page, "Falsche Farbe geliefert").locator(".sla-countdown")
        assert soon.inner_text() in {"30 min left", "29 min left"}
        assert "sla-soon" in soon.get_attribute("class")
        steps.shot(page, "inbox-live")

        # 2. A customer's e-mail arrives through the inbound endpoint: the row appears, no reload.
        answer = server.post_email(mailbox, raw_email())
        new_row = row(page, "Lampe kaputt angekommen")
        new_row.wait_for()
        assert f"#{answer['ticket']}" in new_row.inner_text()
        assert "row-new" in new_row.get_attribute("class")  # highlighted briefly
        assert page.evaluate("window.__sameDocument") is True
        assert re.fullmatch(
            r"(3 h 5\d|4 h) min left|4 h left", new_row.locator(".sla-countdown").inner_text()
        ), new_row.locator(".sla-countdown").inner_text()
        assert page.locator(".list-meta").inner_text() == "3 tickets on this page"
        # In the inbox's order: most urgent, then soonest due.
        order = page.locator("tr.inbox-row").evaluate_all(
            "rows => rows.map(row => Number(row.dataset.ticketId))"
        )
        assert order == [cast["overdue"].pk, cast["soon"].pk, int(new_row.get_attribute("data-ticket-id"))]
        steps.shot(page, "row-appeared")

        # 3. The agent opens it; a colleague opens it too and starts typing.
        new_row.locator("a").first.click()
        page.wait_for_selector("#conversation")
        wait_live(page)
        lead_context, lead_page = log_in(browser, server, cast["lead"])
        lead_page.goto(page.url)
        wait_live(lead_page)
        page.wait_for_selector("#presence:has-text('Chen Jie')")
        lead_page.type("#composer textarea[name=body]", "Ich schaue", delay=30)
        page.wait_for_selector("#typing:has-text('Chen Jie is typing')")
        steps.shot(page, "colleague-viewing-and-typing")
        lead_context.close()
        page.wait_for_selector("#presence", state="hidden")

        # 4. The agent picks a template; meanwhile the customer writes again: the message appears
        #    and the agent is asked to review it before sending.
        page.fill("#template-picker", "Damaged item: replacement")
        page.dispatch_event("#template-picker", "change")
        body = page.locator("#composer textarea[name=body]")
        assert "A replacement leaves today." in body.input_value()
        assert "Hello Anna," in body.input_value()
        server.post_email(
            mailbox,
            raw_email(
                message_id="<follow-up-2@mail.example.de>",
                subject="Re: Lampe kaputt angekommen",
                in_reply_to="<order-question-1@mail.example.de>",
                body="Hier ist noch ein Foto vom Karton.",
            ),
        )
        page.wait_for_selector("article.msg:has-text('Foto vom Karton')")
        page.wait_for_selector("#live-notice:has-text('A new message arrived')")
        steps.shot(page, "new-message-while-composing")
        page.click("#live-notice-ack")

        # 5. Sent: the reply is delivered and in the outbox.
        page.click("#composer button[type=submit]")
        page.wait_for_selector("text=Reply queued for sending.")
        page.wait_for_selector("article.msg-outbound .delivery-sent")
        steps.shot(page, "reply-sent")
        ticket = Ticket.objects.get(reference=answer["ticket"])
        reply = Message.objects.get(ticket=ticket, direction=Message.Direction.OUTBOUND)
        assert reply.delivery_status == Message.Delivery.SENT
        assert "A replacement leaves today." in reply.body_text
        outbox = "".join(path.read_text() for path in (Path(server.env["VAR_DIR"]) / "mail").glob("*.log"))
        assert f"[#{ticket.reference}]" in outbox
        assert "To: anna.schmidt@example.de" in outbox

        # 6. Back in the inbox, the connection is cut in the page; a message arrives meanwhile.
        page.goto(f"{server.url}/inbox/")
        wait_live(page)
        page.evaluate("window.__sameDocument = true")
        page.evaluate("window.helpdeskInbox.socket.pause()")
        page.wait_for_selector("#live-status[data-state=offline]")
        server.post_email(
            mailbox,
            raw_email(
                message_id="<missed-1@mail.example.fr>",
                subject="Colis jamais reçu",
                sender="Léa Martin <lea.martin@example.fr>",
            ),
        )
        time.sleep(1)
        assert row(page, "Colis jamais reçu").count() == 0  # missed: nobody was listening
        steps.shot(page, "connection-cut")
        page.evaluate("window.helpdeskInbox.socket.resume()")
        row(page, "Colis jamais reçu").wait_for()
        wait_live(page)
        steps.shot(page, "caught-up-after-reconnect")

        # 7. The server restarts (a deploy); a message comes in another way meanwhile (a mailbox
        #    poll in another process): the page reconnects by itself and catches up.
        server.stop()
        page.wait_for_selector("#live-status:is([data-state=reconnecting], [data-state=offline])")
        in_another_process(
            email_ingest,
            raw=raw_email(
                message_id="<during-restart@mail.example.es>",
                subject="Pedido sin llegar",
                sender="Lucía Gómez <lucia.gomez@example.es>",
            ),
            mailbox=mailbox,
        )
        steps.shot(page, "server-down")
        server.start()
        row(page, "Pedido sin llegar").wait_for(timeout=45_000)
        wait_live(page)
        assert page.evaluate("window.__sameDocument") is True
        steps.shot(page, "caught-up-after-restart")
    context.close()
    print(f"\nbrowser scenario took {time.monotonic() - started:.1f} s")
