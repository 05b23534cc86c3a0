"""Holiday mode's acknowledgement: while a rule set is live, the automatic "we received your
message" opens with the season's template, in the customer's language."""

from __future__ import annotations

import pytest

from tests.factories import (
    ReplyTemplateFactory,
    ReplyTemplateVariantFactory,
    SeasonalRuleSetFactory,
    StoreFactory,
)
from tickets.models import Message
from tickets.services.acknowledgement import season_acknowledgement
from tickets.services.contact import ContactSubmission, contact_form_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(name="Lumen Home", marketplace="US", default_language="de")


@pytest.fixture
def christmas_template(store):
    template = ReplyTemplateFactory(name="Christmas acknowledgement", slug="xmas-ack", store=None)
    ReplyTemplateVariantFactory(
        template=template,
        language="en",
        subject="Merry Christmas from {store}",
        body="Merry Christmas, {name}! Our team is answering within 48 hours until 2 January.",
    )
    ReplyTemplateVariantFactory(
        template=template,
        language="de",
        subject="Frohe Weihnachten von {store}",
        body="Frohe Weihnachten, {name}! Bis zum 2. Januar antworten wir innerhalb von 48 Stunden.",
    )
    return template


def live_season(phase="during", **overrides):
    return SeasonalRuleSetFactory(
        name="Christmas", markets=["US"], phase=phase, overrides={"during": overrides} if overrides else {}
    )


def submit(store, *, language="en", nonce="n1", name="Anna Schmidt"):
    result = contact_form_submit(
        store=store,
        submission=ContactSubmission(
            nonce=nonce,
            name=name,
            email=f"{nonce}@example.com",
            subject="Lamp flickers",
            message="My lamp flickers since Monday.",
            language=language,
        ),
    )
    return result.ticket, Message.objects.get(ticket=result.ticket, kind=Message.Kind.AUTO_REPLY)


def test_without_a_live_season_the_everyday_confirmation_goes_out(store, christmas_template):
    live_season(phase="inactive", auto_reply_template="xmas-ack")

    ticket, reply = submit(store)

    assert reply.subject.startswith("We received your message")
    assert "Thank you for contacting Lumen Home" in reply.body_text
    assert "Merry Christmas" not in reply.body_text
    assert ticket.reference in reply.body_text


def test_a_live_season_opens_the_confirmation_with_its_greeting_in_the_customers_language(
    store, christmas_template
):
    live_season(auto_reply_template="xmas-ack")

    ticket, english = submit(store, language="en", nonce="n1")
    _ticket, german = submit(store, language="de", nonce="n2", name="Jonas Weber")

    assert english.subject == f"Merry Christmas from Lumen Home [#{ticket.reference}]"
    assert english.body_text.startswith("Merry Christmas, Anna! Our team is answering within 48 hours")
    assert "Thank you for contacting" not in english.body_text
    assert f"Your reference: {ticket.reference}" in english.body_text  # the rest stays
    assert "> My lamp flickers since Monday." in english.body_text
    assert german.body_text.startswith("Frohe Weihnachten, Jonas!")
    assert german.subject.startswith("Frohe Weihnachten von Lumen Home")


def test_a_language_without_a_variant_falls_back_to_the_stores_then_english(store, christmas_template):
    live_season(auto_reply_template="xmas-ack")
    ticket, _reply = submit(store, language="ja")

    found = season_acknowledgement(ticket=ticket, language="ja")

    assert found is not None
    assert found.language == "de"  # the customer's language has none: the store's default
    christmas_template.variants.filter(language="de").delete()
    assert season_acknowledgement(ticket=ticket, language="ja").language == "en"


def test_a_slug_naming_no_active_template_keeps_the_everyday_confirmation(store, christmas_template):
    live_season(auto_reply_template="no-such-template")
    christmas_template.is_active = False
    christmas_template.save()
    live_season(auto_reply_template="xmas-ack")

    _ticket, reply = submit(store)

    assert "Thank you for contacting Lumen Home" in reply.body_text


def test_a_season_for_another_market_changes_nothing(store, christmas_template):
    SeasonalRuleSetFactory(
        markets=["DE"], phase="during", overrides={"during": {"auto_reply_template": "xmas-ack"}}
    )

    _ticket, reply = submit(store)

    assert "Merry Christmas" not in reply.body_text
