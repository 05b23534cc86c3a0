"""Triage classifies, links, scores and escalates a new customer message without anyone clicking."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import CustomerFactory, MessageFactory, OrderFactory, TicketFactory
from tickets.models import Intent, Message, Priority, Ticket, TicketEvent
from tickets.services.triage import message_triage

pytestmark = pytest.mark.django_db

CHARGEBACK = (
    "Das ist eine FRECHHEIT! Seit drei Wochen warte ich auf mein Paket, Bestellung 302-1234567-1234567. "
    "Wenn ich bis Freitag nichts höre, mache ich eine Rückbuchung bei meiner Kreditkarte!"
)


def customer_message(store, team, text, *, customer=None, subject="Paket nicht angekommen"):
    ticket = TicketFactory(
        store=store, team=team, customer=customer or CustomerFactory(), subject=subject, language=""
    )
    return MessageFactory(ticket=ticket, body_text=text, body_display=text, subject=subject, language="")


def test_an_angry_german_chargeback_threat_becomes_urgent_with_its_reasons(
    nlp_models, store_eu, team_eu, lead_eu
):
    message = customer_message(store_eu, team_eu, CHARGEBACK)

    result = message_triage(message_id=message.pk)

    assert result.problems == []
    message.refresh_from_db()
    assert message.triage_status == Message.Triage.DONE
    assert message.intent == Intent.NOT_RECEIVED
    assert message.intent_confidence > 0.5
    assert message.model_version.startswith("intent-")
    assert message.angry is True
    assert "chargeback_threat" in message.anger_reasons
    assert message.entities["order_numbers"][0]["value"] == "302-1234567-1234567"
    ticket = Ticket.objects.get(pk=message.ticket_id)
    assert ticket.intent == Intent.NOT_RECEIVED
    assert ticket.sentiment == "negative"
    assert ticket.angry
    assert ticket.priority == Priority.URGENT
    codes = [reason["code"] for reason in ticket.priority_reasons]
    assert {"escalated", "angry", "threat", "intent"} <= set(codes)
    assert all("points" in reason for reason in ticket.priority_reasons)
    assert ticket.tags.filter(slug="escalated").exists()
    escalation = ticket.events.get(kind=TicketEvent.Kind.ESCALATED)
    assert "chargeback_threat" in escalation.data["reasons"]
    assert escalation.data["lead"] == lead_eu.pk


def test_a_message_quoting_the_customers_own_amazon_order_links_the_ticket_to_it(
    nlp_models, store_eu, team_eu
):
    customer = CustomerFactory()
    order = OrderFactory(store=store_eu, customer=customer, external_id="302-1234567-1234567")
    message = customer_message(store_eu, team_eu, CHARGEBACK, customer=customer)

    message_triage(message_id=message.pk)

    assert Ticket.objects.get(pk=message.ticket_id).order == order


def test_another_customers_order_number_does_not_link_the_ticket(nlp_models, store_eu, team_eu):
    OrderFactory(store=store_eu, customer=CustomerFactory(), external_id="302-1234567-1234567")
    message = customer_message(store_eu, team_eu, CHARGEBACK)

    message_triage(message_id=message.pk)

    assert Ticket.objects.get(pk=message.ticket_id).order is None


def test_an_intent_an_agent_corrected_is_kept_when_the_customer_writes_again(
    nlp_models, store_eu, team_eu, agent_eu
):
    from tickets.services.intent import ticket_correct_intent

    first = customer_message(store_eu, team_eu, "Die Lampe kam kaputt an, das Glas ist zerbrochen.")
    message_triage(message_id=first.pk)
    ticket = Ticket.objects.get(pk=first.ticket_id)
    ticket_correct_intent(ticket=ticket, intent=Intent.WRONG_ITEM, actor=agent_eu)
    again = MessageFactory(
        ticket=ticket, body_text="Die Lampe ist kaputt!!", body_display="Die Lampe ist kaputt!!"
    )

    message_triage(message_id=again.pk)

    assert Ticket.objects.get(pk=ticket.pk).intent == Intent.WRONG_ITEM


def test_without_a_trained_intent_model_the_message_still_reaches_an_agent(
    other_nlp_models_dir, store_eu, team_eu, agent_eu
):
    agent_eu.agent.languages = ["de"]
    agent_eu.agent.save(update_fields=["languages"])
    message = customer_message(store_eu, team_eu, "Hallo, wo ist mein Paket? Ich warte seit drei Wochen.")

    result = message_triage(message_id=message.pk)

    assert any(problem.startswith("intent: ModelNotTrainedError") for problem in result.problems)
    message.refresh_from_db()
    assert message.triage_status == Message.Triage.FAILED
    assert message.language == "de"
    assert message.sentiment  # the bundled sentiment model still ran
    ticket = Ticket.objects.get(pk=message.ticket_id)
    assert ticket.assignee == agent_eu
    assert ticket.priority_reasons  # scored from what is known


def test_a_high_value_customer_is_ranked_above_a_new_one(nlp_models, store_eu, team_eu):
    text = "Hallo, wo ist mein Paket? Ich warte seit drei Wochen."
    regular = customer_message(store_eu, team_eu, text)
    valued = customer_message(
        store_eu, team_eu, text, customer=CustomerFactory(lifetime_value=Decimal("2500"))
    )

    message_triage(message_id=regular.pk)
    message_triage(message_id=valued.pk)

    low = Ticket.objects.get(pk=regular.ticket_id)
    high = Ticket.objects.get(pk=valued.ticket_id)
    assert high.priority_score > low.priority_score
    assert "customer_value" in [reason["code"] for reason in high.priority_reasons]


def test_an_agent_corrects_the_intent_in_one_click_and_nlp_train_learns_it(
    client, store_eu, team_eu, agent_eu, settings
):
    from django.urls import reverse

    from helpdesk.nlp.corrections import CorrectionStats, iter_corrections
    from helpdesk.nlp.dataset import intent_input

    ticket = TicketFactory(store=store_eu, team=team_eu, intent=Intent.DAMAGED_ITEM, subject="Lampe")
    message = MessageFactory(
        ticket=ticket, subject="Lampe", body_text="Falsche Farbe geliefert, ich wollte Schwarz."
    )
    client.force_login(agent_eu)

    response = client.post(reverse("tickets:intent", args=[ticket.pk]), {"intent": "wrong_item"})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.intent == Intent.WRONG_ITEM
    event = ticket.events.get(kind=TicketEvent.Kind.INTENT_CORRECTED)
    assert event.actor == agent_eu
    assert event.data == {
        "from": "damaged_item",
        "to": "wrong_item",
        "message": message.pk,
        "model_intent": "",
    }

    settings.NLP_CORRECTION_SOURCES = ["tickets.selectors.intent_corrections"]
    settings.NLP_CORRECTIONS_FILE = ""
    stats = CorrectionStats()
    assert list(iter_corrections(stats)) == [
        (intent_input("Lampe", "Falsche Farbe geliefert, ich wollte Schwarz."), "wrong_item")
    ]
    assert stats.read == 1


def test_an_unknown_intent_is_refused_with_a_message(client, store_eu, team_eu, agent_eu):
    from django.urls import reverse

    ticket = TicketFactory(store=store_eu, team=team_eu, intent=Intent.DAMAGED_ITEM)
    client.force_login(agent_eu)

    client.post(reverse("tickets:intent", args=[ticket.pk]), {"intent": "bogus"})

    ticket.refresh_from_db()
    assert ticket.intent == Intent.DAMAGED_ITEM
    assert not ticket.events.filter(kind=TicketEvent.Kind.INTENT_CORRECTED).exists()
