"""Simple questions are answered at once, with live facts, when the store allows it; never
for an angry customer, a bounce or a ticket a person should see, and never twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from logistics.models import TrackingStatus
from returns.models import Refund
from tests.factories import (
    CustomerFactory,
    MessageFactory,
    OrderFactory,
    RefundFactory,
    ReplyTemplateFactory,
    ReplyTemplateVariantFactory,
    ReturnPolicyFactory,
    SeasonalRuleSetFactory,
    ShipmentFactory,
    TicketEventFactory,
    TicketFactory,
    TrackingEventFactory,
    UserFactory,
)
from tickets.ingest.inbound import InboundMessage
from tickets.models import Channel, Intent, Message, Ticket, TicketEvent
from tickets.services import message_ingest
from tickets.services.deflection import message_deflect, store_auto_answer_threshold
from tickets.services.replies import message_reply

pytestmark = pytest.mark.django_db

BUYER = "lucia.garcia@example.es"
TRACKING_URL = "https://www.yuntrack.com/parcelTracking?id="


@pytest.fixture
def answering_store(store_us):
    store_us.auto_answer_threshold = 0.7
    store_us.save(update_fields=["auto_answer_threshold"])
    return store_us


@pytest.fixture
def spanish_agent(agent_us):
    agent_us.agent.languages = ["es", "en"]
    agent_us.agent.save(update_fields=["languages"])
    return agent_us


@pytest.fixture
def templates():
    where = ReplyTemplateFactory(
        name="Self-service: where is my order",
        slug="self-service-where-is-my-order",
        intent=Intent.WHERE_IS_MY_ORDER,
    )
    ReplyTemplateVariantFactory(
        template=where,
        language="es",
        body=(
            "Hola {name}:\nTu pedido {order} va en camino con {carrier} ({status}).\n"
            "Último punto de control: {checkpoint}, {checkpoint_date}.\nSíguelo aquí: {tracking_url}"
        ),
    )
    ReplyTemplateVariantFactory(
        template=where,
        language="en",
        body="Hi {name}, your order {order} is {status}: {checkpoint}, {checkpoint_date}. {tracking_url}",
    )
    returns = ReplyTemplateFactory(
        name="Self-service: returns", slug="self-service-returns", intent=Intent.RETURN_REQUEST
    )
    ReplyTemplateVariantFactory(
        template=returns,
        language="en",
        body="You can return items within {return_window} days{return_deadline}. Start here: {return_url}",
    )
    refunds = ReplyTemplateFactory(
        name="Self-service: refund status", slug="self-service-refund-status", intent=Intent.REFUND_STATUS
    )
    ReplyTemplateVariantFactory(
        template=refunds,
        language="en",
        body="Your refund of {refund_amount} for order {order} is {refund_status} ({refund_date}).",
    )
    return {"where": where, "returns": returns, "refunds": refunds}


@pytest.fixture
def parcel_in_transit(answering_store):
    order = OrderFactory(store=answering_store, customer=None, email=BUYER, external_id="#1042")
    shipment = ShipmentFactory(store=answering_store, order=order, status=TrackingStatus.IN_TRANSIT)
    TrackingEventFactory(
        shipment=shipment,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        description="Llegada al centro de clasificación",
        location="Madrid",
        country="ES",
    )
    return shipment


def write(store, text, *, number=1, subject="¿Dónde está mi pedido?", in_reply_to="", auto=False):
    return message_ingest(
        inbound=InboundMessage(
            store_id=store.pk,
            channel="email",
            external_id=f"<buyer-{number}@mail.example.es>",
            sender_address=BUYER,
            sender_name="Lucía García",
            subject=subject,
            text=text,
            in_reply_to=in_reply_to,
            auto_submitted=auto,
        )
    )


WHERE_IS_IT = "Hola, ¿dónde está mi pedido #1042? Lo pedí hace una semana. ¿Cuándo llega? Gracias, Lucía"


# What the customer and the agents notice, through the real pipeline ---------------------------


def test_a_spanish_where_is_my_order_gets_an_immediate_spanish_answer_with_the_tracking_link(
    nlp_models,
    answering_store,
    team_us,
    spanish_agent,
    templates,
    parcel_in_transit,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        result = write(answering_store, WHERE_IS_IT)

    ticket = Ticket.objects.get(pk=result.ticket.pk)
    assert ticket.intent == Intent.WHERE_IS_MY_ORDER
    assert ticket.status == Ticket.Status.SOLVED
    assert ticket.auto_answered
    assert ticket.assignee is None  # nobody was given a ticket that is already answered
    assert ticket.shipment == parcel_in_transit
    answer = ticket.messages.get(direction=Message.Direction.OUTBOUND)
    assert answer.kind == Message.Kind.AUTO_REPLY
    assert answer.author is None
    assert answer.language == "es"
    assert answer.delivery_status == Message.Delivery.SENT
    [email] = mail.outbox
    assert email.to == [BUYER]
    assert f"[#{ticket.reference}]" in email.subject
    assert "Tu pedido #1042 va en camino" in email.body
    assert TRACKING_URL + parcel_in_transit.tracking_number in email.body
    assert "Llegada al centro de clasificación, Madrid" in email.body
    assert "de 20" in email.body  # the checkpoint's date, written the Spanish way ("3 de marzo de 2026")
    event = ticket.events.get(kind=TicketEvent.Kind.AUTO_ANSWERED)
    assert event.data["intent"] == Intent.WHERE_IS_MY_ORDER
    assert event.data["template"] == "self-service-where-is-my-order"
    assert event.data["message"] == answer.pk


def test_the_customer_writing_back_reopens_it_to_a_human_and_no_second_answer_goes_out(
    nlp_models,
    answering_store,
    team_us,
    spanish_agent,
    templates,
    parcel_in_transit,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = write(answering_store, WHERE_IS_IT)
    answer = first.ticket.messages.get(direction=Message.Direction.OUTBOUND)

    with django_capture_on_commit_callbacks(execute=True):
        again = write(
            answering_store,
            "Hola otra vez, ¿dónde está mi pedido #1042? El enlace no muestra nada nuevo.",
            number=2,
            subject=answer.subject,
            in_reply_to=answer.external_id,
        )

    assert again.ticket.pk == first.ticket.pk
    ticket = Ticket.objects.get(pk=first.ticket.pk)
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.reopened_count == 1
    assert ticket.assignee == spanish_agent
    assert len(mail.outbox) == 1
    assert ticket.messages.filter(kind=Message.Kind.AUTO_REPLY).count() == 1
    assert ticket.events.filter(kind=TicketEvent.Kind.AUTO_ANSWERED).count() == 1


def test_an_angry_customer_never_gets_an_automatic_answer(
    nlp_models,
    answering_store,
    team_us,
    spanish_agent,
    templates,
    parcel_in_transit,
    django_capture_on_commit_callbacks,
):
    angry = (
        "WHERE IS MY ORDER #1042??? This is a SCAM!!! If it is not here tomorrow I will file a "
        "chargeback with my bank and leave a 1-star review everywhere!"
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = write(answering_store, angry, subject="WHERE IS MY ORDER")

    ticket = Ticket.objects.get(pk=result.ticket.pk)
    assert ticket.angry
    assert ticket.status == Ticket.Status.OPEN
    assert not ticket.auto_answered
    assert ticket.assignee == spanish_agent
    assert mail.outbox == []


def test_a_store_with_the_threshold_off_never_answers_automatically(
    nlp_models, store_us, team_us, spanish_agent, templates, django_capture_on_commit_callbacks
):
    order = OrderFactory(store=store_us, customer=None, email=BUYER, external_id="#1042")
    ShipmentFactory(store=store_us, order=order, status=TrackingStatus.IN_TRANSIT)
    assert store_us.auto_answer_threshold is None  # the default: off

    with django_capture_on_commit_callbacks(execute=True):
        result = write(store_us, WHERE_IS_IT)

    ticket = Ticket.objects.get(pk=result.ticket.pk)
    assert ticket.intent == Intent.WHERE_IS_MY_ORDER
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.assignee == spanish_agent
    assert not ticket.auto_answered
    assert mail.outbox == []


# The rules, on triaged messages (no models needed) ---------------------------------------------


def triaged(store, *, intent=Intent.WHERE_IS_MY_ORDER, confidence=0.95, text="Where is my order?", **ticket):
    ticket_values = {"store": store, "language": "en", "intent": intent, "intent_confidence": confidence}
    ticket_values.update(ticket)
    customer = ticket_values.pop("customer", None) or CustomerFactory(email=BUYER, language="en")
    conversation = TicketFactory(customer=customer, **ticket_values)
    return MessageFactory(
        ticket=conversation,
        body_text=text,
        language="en",
        intent=intent,
        intent_confidence=confidence,
        triage_status=Message.Triage.DONE,
    )


def linked_to_parcel(message, **shipment):
    ticket = message.ticket
    order = OrderFactory(store=ticket.store, customer=ticket.customer, external_id="#2077")
    parcel = ShipmentFactory(store=ticket.store, order=order, **shipment)
    Ticket.objects.filter(pk=ticket.pk).update(order=order, shipment=parcel)
    return parcel


def test_a_confident_question_with_a_moving_parcel_is_answered(answering_store, templates):
    message = triaged(answering_store)
    parcel = linked_to_parcel(message)

    outcome = message_deflect(message=message)

    assert outcome.answered
    assert outcome.facts["tracking_url"] == parcel.tracking_url
    assert outcome.facts["status"] == "In transit"
    assert Ticket.objects.get(pk=message.ticket_id).status == Ticket.Status.SOLVED


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"confidence": 0.3}, "confidence"),
        ({"intent": Intent.DAMAGED_ITEM}, "intent"),
        ({"angry": True}, "angry"),
        ({"claim_review": True}, "claim_review"),
        ({"status": Ticket.Status.PENDING}, "status"),
        ({"auto_answered": True}, "answered_before"),
        ({"channel": Channel.AMAZON}, "channel"),
    ],
)
def test_no_automatic_answer_when_a_person_should_look(answering_store, templates, change, reason):
    message = triaged(answering_store, **change)
    linked_to_parcel(message)

    outcome = message_deflect(message=message)

    assert (outcome.answered, outcome.reason) == (False, reason)
    assert not Message.objects.filter(ticket=message.ticket_id, direction="outbound").exists()


def test_an_auto_reply_or_bounce_is_never_answered(answering_store, templates):
    message = triaged(answering_store)
    Message.objects.filter(pk=message.pk).update(is_auto_submitted=True)
    message.refresh_from_db()
    linked_to_parcel(message)

    assert message_deflect(message=message).reason == "auto_submitted"


def test_an_auto_reply_ingested_on_an_answered_ticket_neither_reopens_nor_is_answered(
    answering_store, templates, django_capture_on_commit_callbacks
):
    message = triaged(answering_store)
    linked_to_parcel(message)
    message_deflect(message=message)

    with django_capture_on_commit_callbacks(execute=True):
        write(answering_store, "I am out of office until Monday.", subject="Out of office", auto=True)

    ticket = Ticket.objects.get(pk=message.ticket_id)
    assert ticket.status == Ticket.Status.SOLVED
    assert ticket.messages.filter(kind=Message.Kind.AUTO_REPLY).count() == 1


def test_an_escalated_ticket_is_not_answered(answering_store, templates):
    message = triaged(answering_store)
    linked_to_parcel(message)
    TicketEventFactory(ticket=message.ticket, kind=TicketEvent.Kind.ESCALATED)

    assert message_deflect(message=message).reason == "escalated"


def test_a_ticket_answered_automatically_today_is_not_answered_again(answering_store, templates):
    message = triaged(answering_store)
    linked_to_parcel(message)
    TicketEventFactory(
        ticket=message.ticket,
        kind=TicketEvent.Kind.AUTO_ANSWERED,
        created_at=timezone.now() - dt.timedelta(hours=3),
    )

    assert message_deflect(message=message).reason == "answered_before"


def test_a_ticket_an_agent_already_answered_is_not_answered(answering_store, templates):
    message = triaged(answering_store)
    linked_to_parcel(message)
    message_reply(ticket=message.ticket, author=UserFactory(), body="Looking into it.")
    later = MessageFactory(
        ticket=message.ticket,
        body_text="Any news?",
        intent=Intent.WHERE_IS_MY_ORDER,
        intent_confidence=0.95,
        created_at=timezone.now() + dt.timedelta(minutes=1),
    )

    assert message_deflect(message=later).reason == "human_replied"


@pytest.mark.parametrize(
    "parcel",
    [
        {"status": TrackingStatus.DELIVERED},
        {"status": TrackingStatus.CUSTOMS_HOLD},
        {"anomaly": "stalled"},
        {"carrier": None},  # no tracking link to give
    ],
)
def test_a_parcel_that_is_delivered_held_or_stalled_goes_to_a_person(answering_store, templates, parcel):
    message = triaged(answering_store)
    linked_to_parcel(message, **parcel)

    assert message_deflect(message=message).reason == "no_facts"


def test_without_a_linked_parcel_where_is_my_order_goes_to_a_person(answering_store, templates):
    assert message_deflect(message=triaged(answering_store)).reason == "no_facts"


def test_without_a_self_service_template_nothing_is_sent(answering_store):
    message = triaged(answering_store)
    linked_to_parcel(message)

    assert message_deflect(message=message).reason == "no_template"


def test_a_return_question_gets_the_return_window_and_the_returns_link(answering_store, templates):
    ReturnPolicyFactory(store=answering_store, window_days=45)
    message = triaged(answering_store, intent=Intent.RETURN_REQUEST, text="How do I return this?")

    outcome = message_deflect(message=message)

    assert outcome.answered
    body = outcome.message.body_text
    assert "within 45 days" in body
    assert "/returns/" in body


def test_a_refund_question_gets_the_refund_state_and_amount(answering_store, templates):
    message = triaged(answering_store, intent=Intent.REFUND_STATUS, text="Where is my refund?")
    order = OrderFactory(store=answering_store, customer=message.ticket.customer, currency="USD")
    Ticket.objects.filter(pk=message.ticket_id).update(order=order)
    RefundFactory(order=order, amount=Decimal("1234.50"), status=Refund.Status.SUCCEEDED)

    outcome = message_deflect(message=message)

    assert outcome.answered
    assert "Your refund of 1,234.50 USD" in outcome.message.body_text
    assert "Succeeded" in outcome.message.body_text


def test_a_failed_refund_goes_to_a_person(answering_store, templates):
    message = triaged(answering_store, intent=Intent.REFUND_STATUS)
    order = OrderFactory(store=answering_store, customer=message.ticket.customer)
    Ticket.objects.filter(pk=message.ticket_id).update(order=order)
    RefundFactory(order=order, status=Refund.Status.FAILED)

    assert message_deflect(message=message).reason == "no_facts"


def test_a_live_season_lowers_the_threshold_of_stores_that_answer_automatically(store_us, store_eu):
    SeasonalRuleSetFactory(markets=[], phase="during", overrides={"during": {"self_service_threshold": 0.6}})
    store_us.auto_answer_threshold = 0.9

    assert store_auto_answer_threshold(store=store_us) == 0.6
    assert store_auto_answer_threshold(store=store_eu) is None  # off stays off


def test_the_demo_answers_automatically_in_two_stores_with_templates_in_their_languages():
    from tickets.demo import reference, self_service
    from tickets.services.deflection import self_service_template

    stores = reference.ensure_stores()
    self_service.ensure_self_service_templates()

    answering = {key for key, store in stores.items() if store.auto_answer_threshold is not None}
    assert answering == {"shopify", "woo_fr"}
    for intent in (Intent.WHERE_IS_MY_ORDER, Intent.RETURN_REQUEST, Intent.REFUND_STATUS):
        template = self_service_template(store_id=stores["woo_fr"].pk, intent=intent)
        assert template is not None
        assert {"en", "fr", "es"} <= set(template.variants.values_list("language", flat=True))
