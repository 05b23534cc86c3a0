"""Redelivered conversations and messages are stored once; impossible dates and scores are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from tests.factories import (
    MessageFactory,
    ReplyTemplateFactory,
    ReplyTemplateVariantFactory,
    SLAPolicyFactory,
    StoreFactory,
    SurveyFactory,
    SurveyResponseFactory,
    TeamFactory,
    TicketFactory,
    TranslationFactory,
)
from tickets.models import Channel, Message, Survey, Ticket

pytestmark = pytest.mark.django_db


def test_a_platform_conversation_becomes_one_ticket():
    ticket = TicketFactory(channel=Channel.AMAZON, external_thread_id="amzn-thread-8812")

    with pytest.raises(IntegrityError), transaction.atomic():
        TicketFactory(store=ticket.store, channel=Channel.AMAZON, external_thread_id="amzn-thread-8812")


def test_tickets_without_a_platform_thread_id_never_clash():
    store = StoreFactory()
    TicketFactory(store=store, channel=Channel.EMAIL, external_thread_id="")
    TicketFactory(store=store, channel=Channel.EMAIL, external_thread_id="")

    assert Ticket.objects.filter(store=store, external_thread_id="").count() == 2


def test_a_ticket_reference_is_unique():
    TicketFactory(reference="HD000777")

    with pytest.raises(IntegrityError), transaction.atomic():
        TicketFactory(reference="HD000777")


def test_a_redelivered_message_is_refused():
    first = MessageFactory(external_id="<CAF1234@mail.gmail.com>")

    with pytest.raises(IntegrityError), transaction.atomic():
        MessageFactory(ticket=first.ticket, external_id="<CAF1234@mail.gmail.com>")


def test_the_same_external_message_id_in_two_stores_is_two_messages():
    MessageFactory(ticket=TicketFactory(store=StoreFactory()), external_id="msg-1")
    MessageFactory(ticket=TicketFactory(store=StoreFactory()), external_id="msg-1")

    assert Message.objects.filter(external_id="msg-1").count() == 2


def test_messages_without_an_external_id_never_clash():
    ticket = TicketFactory()
    MessageFactory(ticket=ticket, external_id="", direction=Message.Direction.INTERNAL)
    MessageFactory(ticket=ticket, external_id="", direction=Message.Direction.INTERNAL)

    assert ticket.messages.count() == 2


def test_a_message_without_a_ticket_must_say_why_it_could_not_be_processed():
    store = StoreFactory()
    MessageFactory(ticket=None, store=store, parse_error="Malformed MIME: missing boundary")

    with pytest.raises(IntegrityError), transaction.atomic():
        MessageFactory(ticket=None, store=store, parse_error="")


def test_a_text_is_translated_once_per_language_pair():
    translation = TranslationFactory(source_language="de", target_language="zh-hans")
    TranslationFactory(source_hash=translation.source_hash, source_language="de", target_language="en")

    with pytest.raises(IntegrityError), transaction.atomic():
        TranslationFactory(
            source_hash=translation.source_hash, source_language="de", target_language="zh-hans"
        )


def test_a_reply_template_has_one_variant_per_language():
    variant = ReplyTemplateVariantFactory(language="de")
    ReplyTemplateVariantFactory(template=variant.template, language="fr")

    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyTemplateVariantFactory(template=variant.template, language="de")


def test_a_reply_template_slug_is_unique():
    ReplyTemplateFactory(slug="where-is-my-order")

    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyTemplateFactory(slug="where-is-my-order")


def test_a_team_slug_is_unique():
    TeamFactory(slug="eu-support")

    with pytest.raises(IntegrityError), transaction.atomic():
        TeamFactory(slug="eu-support")


def test_a_customer_gets_each_kind_of_survey_once_per_ticket():
    survey = SurveyFactory(kind=Survey.Kind.CSAT)
    SurveyFactory(ticket=survey.ticket, kind=Survey.Kind.NPS)

    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyFactory(ticket=survey.ticket, kind=Survey.Kind.CSAT)


def test_a_survey_score_above_ten_is_refused():
    SurveyResponseFactory(score=10)

    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponseFactory(score=11)


def test_a_ticket_cannot_be_solved_before_it_was_created():
    ticket = TicketFactory()
    ticket.solved_at = ticket.created_at - timedelta(minutes=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        ticket.save(update_fields=["solved_at"])


def test_a_ticket_cannot_be_answered_before_it_was_created():
    ticket = TicketFactory()
    ticket.first_responded_at = ticket.created_at - timedelta(minutes=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        ticket.save(update_fields=["first_responded_at"])


def test_a_ticket_cannot_be_merged_into_itself():
    ticket = TicketFactory()
    ticket.merged_into = ticket

    with pytest.raises(IntegrityError), transaction.atomic():
        ticket.save(update_fields=["merged_into"])


def test_an_sla_resolution_target_cannot_come_before_the_first_response():
    with pytest.raises(IntegrityError), transaction.atomic():
        SLAPolicyFactory(first_response_minutes=240, resolution_minutes=60)


def test_the_ticket_intents_are_the_taxonomy_the_models_learn():
    from helpdesk.taxonomy import INTENTS
    from tickets.models import Intent

    assert tuple(Intent.values) == INTENTS
