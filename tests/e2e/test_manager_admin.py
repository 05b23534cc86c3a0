"""The admin actions a manager uses, in a real browser: tick rows in a changelist, pick the action,
run it, read the message, and the change is in the database.

Covered: tickets (assign to me, mark solved), a return waiting for review (approve), a seasonal
rule set (into peak by hand, back to its schedule), a failed outbound webhook delivery
(redeliver, to a receiver on this machine), an API token (revoke: the API refuses it at once).
An agent with admin access sees none of the manager-only actions.

Chromium (Debian's, driven by Playwright) talks to the ASGI app (daphne, a subprocess on the test
database, Celery eager inside it). Screenshots of each step go to var/e2e/<test name>/.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler

import pytest
from django.utils import timezone

from helpdesk.api.models import ApiToken
from helpdesk.api.services import api_token_create
from helpdesk.models import RuleSetSwap, SeasonalRuleSet
from helpdesk.outbound.models import WebhookDelivery, WebhookSubscription
from returns.models import ReturnEvent, ReturnRequest
from tests.conftest import role
from tests.e2e.conftest import browser_password, log_in
from tests.factories import (
    AgentProfileFactory,
    ReturnRequestFactory,
    SeasonalRuleSetFactory,
    TicketFactory,
    UserFactory,
)
from tests.helpdesk.fake_http import running
from tickets.models import Ticket, TicketEvent

# Every action a manager has that an agent must not (the agent's own actions are not listed).
MANAGER_ONLY = {
    "/admin/tickets/ticket/": {"assign_to_me", "unassign", "delete_selected"},
    "/admin/helpdesk/seasonalruleset/": {
        "activate_during",
        "activate_before",
        "activate_after",
        "deactivate",
        "return_to_schedule",
        "copy_to_next_year",
        "delete_selected",
    },
    "/admin/helpdesk/webhookdelivery/": {"redeliver", "delete_selected"},
    "/admin/helpdesk/apitoken/": {"revoke", "delete_selected"},
}


@pytest.fixture
def manager_user(store_eu, team_eu):
    manager = UserFactory(
        username="ling.manager", first_name="Ling", last_name="Zhou", is_staff=True, groups=[role("Manager")]
    )
    browser_password(manager)
    return manager


def actions_offered(page) -> set[str]:
    """The actions in the changelist's drop-down (none when the admin shows no actions bar)."""
    return set(
        page.eval_on_selector_all("select[name=action] option", "options => options.map(o => o.value)")
    ) - {""}


def run_action(recorder, page, server, changelist: str, label: str, objects, shot: str) -> list[str]:
    """Tick ``objects`` in the changelist, pick the action by its label, run it; the messages shown."""
    page.goto(f"{server.url}{changelist}")
    for obj in objects:
        page.check(f"input.action-select[value='{obj.pk}']")
    page.select_option("select[name=action]", label=label)
    recorder.shot(page, f"{shot}-chosen")
    page.locator("button[name=index]").first.click()
    page.wait_for_selector("ul.messagelist li")
    recorder.shot(page, f"{shot}-done")
    return [" ".join(text.split()) for text in page.locator("ul.messagelist li").all_inner_texts()]


def test_a_manager_assigns_and_solves_tickets_approves_a_return_and_switches_peak(
    recorder, server, manager_user, store_eu, team_eu
):
    first = TicketFactory(store=store_eu, team=team_eu, subject="Lampe flackert", status=Ticket.Status.NEW)
    second = TicketFactory(store=store_eu, team=team_eu, subject="Schirm zerkratzt", status=Ticket.Status.NEW)
    untouched = TicketFactory(
        store=store_eu, team=team_eu, subject="Rechnung fehlt", status=Ticket.Status.NEW
    )
    waiting = ReturnRequestFactory(store=store_eu, status=ReturnRequest.Status.NEEDS_REVIEW)
    # Its calendar says "prepare" now; the manager goes into peak early, then gives it back.
    rule_set = SeasonalRuleSetFactory(
        name="Black Friday 2026 (EU)",
        slug="black-friday-2026-eu",
        prepare_from=timezone.now() - dt.timedelta(days=1),
        peak_from=timezone.now() + dt.timedelta(days=3),
    )
    page = log_in(recorder, server, manager_user, landing=None)
    page.goto(f"{server.url}/admin/")
    assert page.locator("#site-name").is_visible()
    recorder.shot(page, "admin-home")

    # 1. Tickets: two ticked, "Assign to me".
    shown = run_action(
        recorder, page, server, "/admin/tickets/ticket/", "Assign to me", [first, second], "assign"
    )
    assert shown == ["Tickets assigned to you: 2."]
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.assignee == manager_user
        assert ticket.status == Ticket.Status.OPEN
        assert TicketEvent.objects.filter(
            ticket=ticket, kind=TicketEvent.Kind.ASSIGNED, actor=manager_user
        ).exists()
    untouched.refresh_from_db()
    assert untouched.assignee is None

    # 2. One of them: "Mark solved".
    shown = run_action(recorder, page, server, "/admin/tickets/ticket/", "Mark solved", [first], "solve")
    assert shown == ["Tickets marked solved: 1."]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Ticket.Status.SOLVED
    assert first.solved_at is not None
    assert second.status == Ticket.Status.OPEN

    # 3. The return waiting for review: "Approve".
    shown = run_action(
        recorder, page, server, "/admin/returns/returnrequest/", "Approve", [waiting], "approve"
    )
    assert shown == ["Returns approved: 1."]
    waiting.refresh_from_db()
    assert waiting.status == ReturnRequest.Status.APPROVED
    assert waiting.decided_by == manager_user
    assert ReturnEvent.objects.filter(
        return_request=waiting, to_status="approved", actor=manager_user
    ).exists()

    # 4. The rule set into peak by hand...
    shown = run_action(
        recorder,
        page,
        server,
        "/admin/helpdesk/seasonalruleset/",
        "Activate: during (peak)",
        [rule_set],
        "peak",
    )
    assert shown == ["Rule sets switched to “During: peak”: 1."]
    rule_set.refresh_from_db()
    assert rule_set.phase == SeasonalRuleSet.Phase.DURING
    assert rule_set.manual_phase is True

    # 5. ...and back to what its calendar says.
    shown = run_action(
        recorder,
        page,
        server,
        "/admin/helpdesk/seasonalruleset/",
        "Return to schedule",
        [rule_set],
        "schedule",
    )
    assert shown == ["Rule sets back on their schedule: 1."]
    rule_set.refresh_from_db()
    assert rule_set.phase == SeasonalRuleSet.Phase.BEFORE
    assert rule_set.manual_phase is False
    swaps = RuleSetSwap.objects.filter(rule_set=rule_set, actor=manager_user).order_by("created_at", "pk")
    assert [(swap.from_phase, swap.to_phase) for swap in swaps] == [
        (SeasonalRuleSet.Phase.INACTIVE, SeasonalRuleSet.Phase.DURING),
        (SeasonalRuleSet.Phase.DURING, SeasonalRuleSet.Phase.BEFORE),
    ]
    # The changelist shows the phase the manager just set.
    row = page.locator("#result_list tbody tr", has_text="Black Friday 2026 (EU)")
    assert "Before: prepare" in row.inner_text()


class Receiver(BaseHTTPRequestHandler):
    """The subscriber's endpoint: it is back up and answers 200."""

    received: list[dict[str, str]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.received.append(
            {
                "path": self.path,
                "delivery": self.headers.get("X-Helpdesk-Delivery", ""),
                "event": self.headers.get("X-Helpdesk-Event", ""),
                "signature": self.headers.get("X-Helpdesk-Signature", ""),
                "body": body.decode(),
            }
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"thanks")

    def log_message(self, format, *args):
        pass


def api_status(server, secret: str) -> int:
    request = urllib.request.Request(
        f"{server.url}/api/v1/tickets/", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_manager_redelivers_a_failed_webhook_and_revokes_an_api_token(
    recorder, server, manager_user, store_eu
):
    Receiver.received = []
    with running(Receiver) as receiver_url:
        subscription = WebhookSubscription.objects.create(
            name="ERP (Odoo)", url=f"{receiver_url}/hooks/helpdesk", event_types=["refund.issued"]
        )
        failed = WebhookDelivery.objects.create(
            subscription=subscription,
            event_id=uuid.uuid4(),
            event_type="refund.issued",
            store=store_eu,
            payload={"event": "refund.issued", "data": {"refund": {"amount": "24.90", "currency": "EUR"}}},
            status=WebhookDelivery.Status.FAILED,
            attempts=8,
            last_attempt_at=timezone.now() - dt.timedelta(hours=3),
            last_response_code=503,
            last_error="HTTP 503",
        )
        erp = UserFactory(username="erp.sync", groups=[role("Manager")])
        token = api_token_create(user=erp, name="ERP sync", scopes=["tickets:read"], created_by=manager_user)
        assert api_status(server, token.secret) == 200
        page = log_in(recorder, server, manager_user, landing=None)

        # 1. The failed delivery, sent again with the same delivery id: the receiver gets it.
        page.goto(f"{server.url}/admin/helpdesk/webhookdelivery/?status__exact=failed")
        assert page.locator("#result_list tbody tr").count() == 1
        recorder.shot(page, "failed-deliveries")
        shown = run_action(
            recorder,
            page,
            server,
            "/admin/helpdesk/webhookdelivery/",
            "Redeliver (same delivery id)",
            [failed],
            "redeliver",
        )
        assert shown == ["Deliveries queued to be sent again: 1."]
        # Sent while the manager waited (Celery runs in the server here): the row says so.
        row = page.locator("#result_list tbody tr", has_text="ERP (Odoo)")
        assert row.locator("td.field-status").inner_text() == "Delivered"
        assert row.locator("td.field-last_response_code").inner_text() == "200"
        failed.refresh_from_db()
        assert failed.status == WebhookDelivery.Status.DELIVERED
        assert failed.attempts == 1
        assert failed.last_response_code == 200
        assert failed.delivered_at is not None
        assert len(Receiver.received) == 1
        got = Receiver.received[0]
        assert got["path"] == "/hooks/helpdesk"
        assert got["delivery"] == str(failed.delivery_id)
        assert got["event"] == "refund.issued"
        assert got["signature"].startswith("sha256=")
        assert json.loads(got["body"])["data"]["refund"]["amount"] == "24.90"
        page.goto(f"{server.url}/admin/helpdesk/webhookdelivery/{failed.pk}/change/")
        assert "thanks" in page.locator("body").inner_text()
        recorder.shot(page, "delivered")

    # 2. The API token: revoked in admin, refused by the API from the next request on.
    shown = run_action(
        recorder,
        page,
        server,
        "/admin/helpdesk/apitoken/",
        "Revoke the selected tokens",
        [token.token],
        "revoke",
    )
    assert shown == ["1 tokens revoked."]
    revoked = ApiToken.objects.get(pk=token.token.pk)
    assert revoked.revoked_at is not None
    assert api_status(server, token.secret) == 401
    row = page.locator("#result_list tbody tr", has_text="ERP sync")
    assert row.locator("td.field-revoked_at").inner_text().strip() not in {"", "-"}


def test_an_agent_with_admin_access_sees_none_of_the_managers_actions(recorder, server, store_eu, team_eu):
    agent = UserFactory(username="mei.agent", is_staff=True, groups=[role("Agent")])
    AgentProfileFactory(user=agent, teams=[team_eu])
    manager = UserFactory(username="ling.manager", is_staff=True, groups=[role("Manager")])
    browser_password(agent, manager)
    TicketFactory(store=store_eu, team=team_eu, subject="Lampe flackert")
    SeasonalRuleSetFactory()
    subscription = WebhookSubscription.objects.create(name="ERP", url="https://erp.example.com/hooks")
    WebhookDelivery.objects.create(
        subscription=subscription, event_id=uuid.uuid4(), event_type="ticket.created", status="failed"
    )
    api_token_create(user=manager, name="BI export", scopes=["tickets:read"])

    # The manager has them all: the same pages, the list below is what an agent must not get.
    page = log_in(recorder, server, manager, landing=None)
    for changelist, expected in MANAGER_ONLY.items():
        page.goto(f"{server.url}{changelist}")
        assert expected <= actions_offered(page), changelist
        recorder.shot(page, "manager-" + changelist.strip("/").replace("/", "-"))
    page.context.close()

    page = log_in(recorder, server, agent, landing=None)
    for changelist, forbidden in MANAGER_ONLY.items():
        response = page.goto(f"{server.url}{changelist}")
        assert response is not None
        # Either the page is not there for them at all, or it is without the manager's actions.
        if response.status == 200:
            offered = actions_offered(page)
            assert not offered & forbidden, f"{changelist}: an agent is offered {sorted(offered & forbidden)}"
        else:
            assert response.status == 403, changelist
        recorder.shot(page, "agent-" + changelist.strip("/").replace("/", "-"))
    # What an agent may do there stays: mark tickets solved.
    page.goto(f"{server.url}/admin/tickets/ticket/")
    assert "mark_solved" in actions_offered(page)
