"""REST API v1 for tickets: lists scoped like the inbox, filters, and the writes an integration
needs (create with a first message, reply, assign, change status) through the inbox's services."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from tests.factories import (
    MessageFactory,
    ReplyTemplateFactory,
    ReplyTemplateVariantFactory,
    StoreFactory,
    SurveyFactory,
    SurveyResponseFactory,
    TicketFactory,
    TranslationFactory,
)
from tests.helpdesk.api_cast import error_of, token_client
from tickets.models import Message, Ticket, TicketEvent

TICKETS = "/api/v1/tickets/"


def test_an_agent_token_lists_only_the_tickets_of_its_teams_stores(agent_eu, ticket_eu, ticket_us):
    body = token_client(agent_eu).get(TICKETS).json()

    assert [row["reference"] for row in body["results"]] == [ticket_eu.reference]


def test_a_ticket_of_another_store_is_a_404_like_a_missing_one(agent_eu, ticket_us):
    response = token_client(agent_eu).get(f"{TICKETS}{ticket_us.pk}/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_manager_token_sees_every_store(manager, ticket_eu, ticket_us):
    body = token_client(manager).get(TICKETS).json()

    assert {row["id"] for row in body["results"]} == {ticket_eu.pk, ticket_us.pk}


def test_tickets_filter_by_status_priority_language_and_created_range(agent_eu, store_eu, team_eu):
    old = TicketFactory(store=store_eu, team=team_eu, status="open", priority=3, language="fr")
    old.created_at = timezone.now() - dt.timedelta(days=10)
    old.save(update_fields=["created_at"])
    recent = TicketFactory(store=store_eu, team=team_eu, status="open", priority=3, language="fr")
    TicketFactory(store=store_eu, team=team_eu, status="pending", priority=3, language="fr")
    TicketFactory(store=store_eu, team=team_eu, status="open", priority=1, language="de")
    client = token_client(agent_eu)
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()

    body = client.get(
        TICKETS, {"status": "open", "priority": 3, "language": "FR", "created_after": since}
    ).json()

    assert [row["id"] for row in body["results"]] == [recent.pk]


def test_tickets_can_be_ordered_by_creation_time(agent_eu, store_eu, team_eu):
    later = TicketFactory(store=store_eu, team=team_eu)
    earlier = TicketFactory(store=store_eu, team=team_eu, created_at=timezone.now() - dt.timedelta(hours=3))

    body = token_client(agent_eu).get(TICKETS, {"ordering": "created_at"}).json()

    assert [row["id"] for row in body["results"]] == [earlier.pk, later.pk]


def test_creating_a_ticket_stores_its_first_message_through_ingestion(agent_eu, store_eu):
    client = token_client(agent_eu)

    response = client.post(
        TICKETS,
        {
            "store": store_eu.pk,
            "customer_email": "Anna@Example.de",
            "customer_name": "Anna",
            "subject": "Lampe defekt",
            "body": "Die Lampe flackert.",
            "external_id": "erp-77",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True
    ticket = Ticket.objects.get(pk=body["ticket"]["id"])
    assert (ticket.channel, ticket.subject, ticket.customer.email) == (
        "api",
        "Lampe defekt",
        "anna@example.de",
    )
    message = Message.objects.get(pk=body["message"])
    assert message.body_text == "Die Lampe flackert."
    assert message.direction == "inbound"
    assert TicketEvent.objects.filter(ticket=ticket, kind="created").exists()


def test_sending_the_same_external_id_again_returns_the_same_ticket(agent_eu, store_eu):
    client = token_client(agent_eu)
    body = {"store": store_eu.pk, "customer_email": "a@example.de", "body": "Hallo", "external_id": "erp-78"}

    first = client.post(TICKETS, body, format="json").json()
    again = client.post(TICKETS, body, format="json")

    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["ticket"]["id"] == first["ticket"]["id"]
    assert Message.objects.filter(store=store_eu).count() == 1


def test_a_ticket_cannot_be_created_in_a_store_the_token_does_not_see(agent_eu, store_us):
    response = token_client(agent_eu).post(
        TICKETS, {"store": store_us.pk, "customer_email": "a@example.com", "body": "Hi"}, format="json"
    )

    assert response.status_code == 400
    assert "store" in error_of(response)["fields"]
    assert not Ticket.objects.exists()


def test_an_empty_message_is_refused_with_the_field_named(agent_eu, store_eu):
    response = token_client(agent_eu).post(
        TICKETS, {"store": store_eu.pk, "customer_email": "a@example.de", "body": "   "}, format="json"
    )

    assert response.status_code == 400
    assert "body" in error_of(response)["fields"]


def test_a_reply_is_sent_by_e_mail_and_opens_the_ticket(
    agent_eu, store_eu, team_eu, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(store=store_eu, team=team_eu, channel="email")
    MessageFactory(ticket=ticket)
    client = token_client(agent_eu)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{TICKETS}{ticket.pk}/reply/",
            {"body": "Ihr Paket ist unterwegs.", "version": ticket.version},
            format="json",
        )

    assert response.status_code == 201
    assert response.json()["direction"] == "outbound"
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert [m.body for m in mail.outbox] == ["Ihr Paket ist unterwegs."]


def test_a_reply_on_a_stale_version_is_a_409_and_nothing_is_sent(agent_eu, ticket_eu):
    client = token_client(agent_eu)

    response = client.post(
        f"{TICKETS}{ticket_eu.pk}/reply/", {"body": "Hallo", "version": ticket_eu.version + 5}, format="json"
    )

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert error["details"] == {"version": ticket_eu.version}
    assert not Message.objects.filter(ticket=ticket_eu).exists()


def test_an_internal_note_never_leaves(agent_eu, ticket_eu):
    response = token_client(agent_eu).post(
        f"{TICKETS}{ticket_eu.pk}/reply/", {"body": "Kunde ist VIP", "internal": True}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["direction"] == "internal"
    assert mail.outbox == []


def test_an_agent_takes_a_ticket_but_may_not_give_it_to_someone_else(agent_eu, lead_eu, ticket_eu):
    client = token_client(agent_eu)

    taken = client.post(f"{TICKETS}{ticket_eu.pk}/assign/", {"assignee": agent_eu.pk}, format="json")
    given = client.post(f"{TICKETS}{ticket_eu.pk}/assign/", {"assignee": lead_eu.pk}, format="json")

    assert taken.status_code == 200
    assert taken.json()["assignee"] == agent_eu.pk
    assert given.status_code == 400
    assert "team leads" in error_of(given)["message"]
    ticket_eu.refresh_from_db()
    assert ticket_eu.assignee == agent_eu


def test_assigning_to_an_unknown_user_names_the_field(agent_eu, ticket_eu):
    response = token_client(agent_eu).post(
        f"{TICKETS}{ticket_eu.pk}/assign/", {"assignee": 987654}, format="json"
    )

    assert response.status_code == 400
    assert "assignee" in error_of(response)["fields"]


def test_the_status_changes_through_the_workflow_and_a_forbidden_change_says_why(agent_eu, ticket_eu):
    client = token_client(agent_eu)

    solved = client.post(f"{TICKETS}{ticket_eu.pk}/status/", {"status": "solved"}, format="json")
    back_to_new = client.post(f"{TICKETS}{ticket_eu.pk}/status/", {"status": "new"}, format="json")

    assert solved.status_code == 200
    assert solved.json()["status"] == "solved"
    assert back_to_new.status_code == 400
    assert "cannot become" in error_of(back_to_new)["message"]


def test_a_status_change_on_an_old_version_is_a_409(agent_eu, ticket_eu):
    response = token_client(agent_eu).post(
        f"{TICKETS}{ticket_eu.pk}/status/",
        {"status": "open", "version": ticket_eu.version + 1},
        format="json",
    )

    assert response.status_code == 409
    ticket_eu.refresh_from_db()
    assert ticket_eu.status == "new"


def test_writes_on_another_stores_ticket_are_404s(agent_eu, ticket_us):
    client = token_client(agent_eu)

    for action, body in (
        ("reply", {"body": "x"}),
        ("assign", {"assignee": None}),
        ("status", {"status": "open"}),
    ):
        assert client.post(f"{TICKETS}{ticket_us.pk}/{action}/", body, format="json").status_code == 404


def test_messages_come_oldest_first_with_their_translation(agent_eu, ticket_eu):
    translation = TranslationFactory(translated_text="我的灯坏了")
    first = MessageFactory(ticket=ticket_eu, translation=translation, body_text="Meine Lampe ist kaputt")
    second = MessageFactory(ticket=ticket_eu)

    body = token_client(agent_eu).get(f"{TICKETS}{ticket_eu.pk}/messages/").json()

    assert [row["id"] for row in body["results"]] == [first.pk, second.pk]
    assert body["results"][0]["translation"]["text"] == "我的灯坏了"
    assert body["results"][1]["translation"] is None
    assert "raw" not in body["results"][0]


def test_templates_of_other_stores_are_not_listed(agent_eu, store_eu, store_us):
    shared = ReplyTemplateFactory(store=None)
    ReplyTemplateVariantFactory(template=shared, language="de", body="Hallo {name}")
    mine = ReplyTemplateFactory(store=store_eu)
    ReplyTemplateFactory(store=store_us)

    body = token_client(agent_eu, scopes=["templates:read"]).get("/api/v1/templates/").json()

    assert {row["id"] for row in body["results"]} == {shared.pk, mine.pk}
    shared_row = next(row for row in body["results"] if row["id"] == shared.pk)
    assert shared_row["variants"][0]["body"] == "Hallo {name}"


def test_survey_results_are_scoped_and_filter_by_kind(agent_eu, store_eu, store_us):
    mine = SurveyResponseFactory(
        survey=SurveyFactory(ticket=TicketFactory(store=store_eu), kind="nps"), score=9
    )
    SurveyResponseFactory(survey=SurveyFactory(ticket=TicketFactory(store=store_eu), kind="csat"))
    SurveyResponseFactory(survey=SurveyFactory(ticket=TicketFactory(store=store_us), kind="nps"))

    body = (
        token_client(agent_eu, scopes=["surveys:read"]).get("/api/v1/survey-results/", {"kind": "nps"}).json()
    )

    assert [(row["id"], row["score"], row["kind"]) for row in body["results"]] == [(mine.pk, 9, "nps")]


def test_a_store_nobody_covers_is_invisible_to_agents(agent_eu):
    TicketFactory(store=StoreFactory())

    assert token_client(agent_eu).get(TICKETS).json()["results"] == []


def test_a_customer_message_naming_the_ticket_reference_joins_that_ticket(agent_eu, store_eu):
    client = token_client(agent_eu)
    first = client.post(
        TICKETS,
        {"store": store_eu.pk, "customer_email": "anna@example.de", "subject": "Lampe", "body": "Kaputt."},
        format="json",
    ).json()
    reference = first["ticket"]["reference"]

    follow_up = client.post(
        TICKETS,
        {
            "store": store_eu.pk,
            "customer_email": "anna@example.de",
            "subject": f"Noch eine Frage [#{reference}]",
            "body": "Gibt es Ersatz?",
        },
        format="json",
    )

    assert follow_up.status_code == 200
    assert follow_up.json()["created"] is False
    assert follow_up.json()["ticket"]["id"] == first["ticket"]["id"]
    assert Message.objects.filter(ticket_id=first["ticket"]["id"]).count() == 2
