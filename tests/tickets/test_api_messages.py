"""POST /api/v1/tickets/{id}/messages/: a reply to the customer or an internal note, through the
inbox's services, with the inbox's permission and collision rules (``…/reply/`` is its alias)."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.core import mail
from rest_framework.test import APIClient

from tests.factories import MessageFactory, TicketFactory, UserFactory
from tests.helpdesk.api_cast import error_of, token_client
from tickets.models import Message, Ticket


def messages_url(ticket: Ticket) -> str:
    return f"/api/v1/tickets/{ticket.pk}/messages/"


def email_ticket(store, team) -> Ticket:
    ticket = TicketFactory(store=store, team=team, channel="email")
    MessageFactory(ticket=ticket)
    return ticket


def test_a_reply_is_e_mailed_to_the_customer_and_opens_the_ticket(
    agent_eu, store_eu, team_eu, django_capture_on_commit_callbacks
):
    ticket = email_ticket(store_eu, team_eu)

    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(agent_eu, scopes=["tickets:write"]).post(
            messages_url(ticket),
            {"body": "Ihr Paket ist unterwegs.", "version": ticket.version},
            format="json",
        )

    assert response.status_code == 201
    body = response.json()
    assert (body["direction"], body["ticket"], body["author"]) == ("outbound", ticket.pk, agent_eu.pk)
    assert [m.body for m in mail.outbox] == ["Ihr Paket ist unterwegs."]
    assert mail.outbox[0].to == [ticket.customer.email]
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    # It is in the conversation the API lists.
    listed = token_client(agent_eu).get(messages_url(ticket)).json()["results"]
    assert listed[-1]["id"] == body["id"]


def test_an_internal_note_never_leaves_and_keeps_the_status(
    agent_eu, ticket_eu, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(agent_eu).post(
            messages_url(ticket_eu), {"body": "Kunde ist VIP", "internal": True}, format="json"
        )

    assert response.status_code == 201
    assert response.json()["direction"] == "internal"
    assert mail.outbox == []
    ticket_eu.refresh_from_db()
    assert ticket_eu.status == Ticket.Status.NEW


def test_a_reply_can_set_the_status_after_it(agent_eu, store_eu, team_eu):
    ticket = email_ticket(store_eu, team_eu)

    response = token_client(agent_eu).post(
        messages_url(ticket), {"body": "Erledigt.", "status_after": "solved"}, format="json"
    )

    assert response.status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SOLVED


def test_a_stale_version_is_a_409_with_the_current_version_and_nothing_is_written(agent_eu, ticket_eu):
    response = token_client(agent_eu).post(
        messages_url(ticket_eu), {"body": "Hallo", "version": ticket_eu.version + 3}, format="json"
    )

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert error["details"] == {"version": ticket_eu.version}
    assert not Message.objects.filter(ticket=ticket_eu).exists()


def test_another_stores_ticket_is_a_404_like_a_missing_one(agent_eu, ticket_us):
    client = token_client(agent_eu)

    other = client.post(messages_url(ticket_us), {"body": "x"}, format="json")
    missing = client.post("/api/v1/tickets/987654321/messages/", {"body": "x"}, format="json")

    assert other.status_code == missing.status_code == 404
    assert error_of(other) == error_of(missing)
    assert not Message.objects.filter(ticket=ticket_us).exists()


def test_without_a_token_it_is_a_401_and_with_a_read_scope_a_403(agent_eu, ticket_eu):
    anonymous = APIClient().post(messages_url(ticket_eu), {"body": "x"}, format="json")
    reader = token_client(agent_eu, scopes=["tickets:read"]).post(
        messages_url(ticket_eu), {"body": "x"}, format="json"
    )

    assert anonymous.status_code == 401
    assert reader.status_code == 403
    assert "tickets:write" in error_of(reader)["message"]
    assert not Message.objects.filter(ticket=ticket_eu).exists()


def test_a_user_who_may_read_every_ticket_but_not_write_gets_a_403(ticket_eu):
    auditor = UserFactory(username="audit")
    auditor.user_permissions.add(Permission.objects.get(codename="view_all_tickets"))

    response = token_client(auditor).post(messages_url(ticket_eu), {"body": "x"}, format="json")

    assert response.status_code == 403
    assert "may not add messages" in error_of(response)["message"]


def test_an_empty_body_or_a_wrong_status_is_a_400_naming_the_field(agent_eu, ticket_eu):
    client = token_client(agent_eu)

    missing = client.post(messages_url(ticket_eu), {"internal": True}, format="json")
    blank = client.post(messages_url(ticket_eu), {"body": "   "}, format="json")
    back_to_new = client.post(messages_url(ticket_eu), {"body": "x", "status_after": "new"}, format="json")

    assert "body" in error_of(missing)["fields"]
    assert blank.status_code == 400
    assert "body" in error_of(blank)["fields"]
    assert "status_after" in error_of(back_to_new)["fields"]
    assert not Message.objects.filter(ticket=ticket_eu).exists()


def test_a_closed_ticket_takes_no_reply(agent_eu, store_eu, team_eu):
    ticket = TicketFactory(store=store_eu, team=team_eu, status=Ticket.Status.CLOSED)

    response = token_client(agent_eu).post(messages_url(ticket), {"body": "Hallo"}, format="json")

    assert response.status_code == 400
    assert "closed" in error_of(response)["message"]


def test_the_same_idempotency_key_sends_one_reply_and_replays_the_answer(
    agent_eu, store_eu, team_eu, django_capture_on_commit_callbacks
):
    ticket = email_ticket(store_eu, team_eu)
    client = token_client(agent_eu)
    body = {"body": "Ihr Paket ist unterwegs."}

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(messages_url(ticket), body, format="json", HTTP_IDEMPOTENCY_KEY="reply-77")
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(messages_url(ticket), body, format="json", HTTP_IDEMPOTENCY_KEY="reply-77")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Message.objects.filter(ticket=ticket, direction="outbound").count() == 1
    assert len(mail.outbox) == 1


def test_a_translated_reply_keeps_the_agents_own_text_beside_it(agent_eu, store_eu, team_eu):
    ticket = email_ticket(store_eu, team_eu)

    response = token_client(agent_eu).post(
        messages_url(ticket),
        {"body": "Ihr Paket ist unterwegs.", "original": "Your parcel is on its way."},
        format="json",
    )

    assert response.status_code == 201
    message = Message.objects.get(pk=response.json()["id"])
    assert message.body_text == "Ihr Paket ist unterwegs."
    assert message.original_body == "Your parcel is on its way."


def test_reply_is_an_alias_with_the_same_rules(agent_eu, ticket_eu):
    client = token_client(agent_eu)

    stale = client.post(
        f"/api/v1/tickets/{ticket_eu.pk}/reply/",
        {"body": "x", "version": ticket_eu.version + 1},
        format="json",
    )
    note = client.post(
        f"/api/v1/tickets/{ticket_eu.pk}/reply/", {"body": "Notiz", "internal": True}, format="json"
    )

    assert stale.status_code == 409
    assert note.status_code == 201
    assert note.json()["direction"] == "internal"
