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

Screenshots of each step go to var/e2e/<test name>/; on failure a Playwright trace goes there too
(see tests/e2e/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import role
from tests.e2e.conftest import browser_password, in_another_process, log_in
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


@pytest.fixture
def cast(store_eu, team_eu):
    agent = UserFactory(username="li.wang", first_name="Li", last_name="Wang", groups=[role("Agent")])
    lead = UserFactory(username="chen.jie", first_name="Chen", last_name="Jie", groups=[role("Team lead")])
    browser_password(agent, lead)
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


def wait_live(page) -> None:
    page.wait_for_selector("#live-status[data-state=live]")


def row(page, subject: str):
    return page.locator("tr.inbox-row", has_text=subject)


def test_an_agent_sees_a_message_arrive_answers_it_and_misses_nothing_after_a_drop(recorder, server, cast):
    started = time.monotonic()
    mailbox = cast["mailbox"]
    page = log_in(recorder, server, cast["agent"])
    # 1. The inbox is open and live; its SLA countdowns tick (red when overdue, amber soon).
    wait_live(page)
    page.evaluate("window.__sameDocument = true")
    overdue = row(page, "Wo bleibt meine Erstattung?").locator(".sla-countdown")
    assert overdue.inner_text() == "overdue by 2 h 5 min"
    assert "sla-overdue" in overdue.get_attribute("class")
    soon = row(page, "Falsche Farbe geliefert").locator(".sla-countdown")
    assert soon.inner_text() in {"30 min left", "29 min left"}
    assert "sla-soon" in soon.get_attribute("class")
    recorder.shot(page, "inbox-live")

    # 2. A customer's e-mail arrives through the inbound endpoint: the row appears, no reload.
    answer = server.post_email(mailbox, raw_email())
    new_row = row(page, "Lampe kaputt angekommen")
    new_row.wait_for()
    assert f"#{answer['ticket']}" in new_row.inner_text()
    assert "row-new" in new_row.get_attribute("class")  # highlighted briefly
    assert page.evaluate("window.__sameDocument") is True
    assert re.fullmatch(r"(3 h 5\d|4 h) min left|4 h left", new_row.locator(".sla-countdown").inner_text()), (
        new_row.locator(".sla-countdown").inner_text()
    )
    assert page.locator(".list-meta").inner_text() == "3 tickets on this page"
    # In the inbox's order: most urgent, then soonest due.
    order = page.locator("tr.inbox-row").evaluate_all("rows => rows.map(row => Number(row.dataset.ticketId))")
    assert order == [cast["overdue"].pk, cast["soon"].pk, int(new_row.get_attribute("data-ticket-id"))]
    recorder.shot(page, "row-appeared")

    # 3. The agent opens it; a colleague opens it too and starts typing.
    new_row.locator("a").first.click()
    page.wait_for_selector("#conversation")
    wait_live(page)
    lead_page = log_in(recorder, server, cast["lead"])
    lead_page.goto(page.url)
    wait_live(lead_page)
    page.wait_for_selector("#presence:has-text('Chen Jie')")
    lead_page.type("#composer textarea[name=body]", "Ich schaue", delay=30)
    page.wait_for_selector("#typing:has-text('Chen Jie is typing')")
    recorder.shot(page, "colleague-viewing-and-typing")
    lead_page.context.close()
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
    recorder.shot(page, "new-message-while-composing")
    page.click("#live-notice-ack")

    # 5. Sent: the reply is delivered and in the outbox.
    page.click("#composer button[type=submit]")
    page.wait_for_selector("text=Reply queued for sending.")
    page.wait_for_selector("article.msg-outbound .delivery-sent")
    recorder.shot(page, "reply-sent")
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
    recorder.shot(page, "connection-cut")
    page.evaluate("window.helpdeskInbox.socket.resume()")
    row(page, "Colis jamais reçu").wait_for()
    wait_live(page)
    recorder.shot(page, "caught-up-after-reconnect")

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
    recorder.shot(page, "server-down")
    server.start()
    row(page, "Pedido sin llegar").wait_for(timeout=45_000)
    wait_live(page)
    assert page.evaluate("window.__sameDocument") is True
    recorder.shot(page, "caught-up-after-restart")
    print(f"\nbrowser scenario took {time.monotonic() - started:.1f} s")
