"""The composer suggests the three templates most likely to answer the ticket."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ReplyTemplateFactory, ReplyTemplateVariantFactory, StoreFactory, TicketFactory
from tickets.models import Intent
from tickets.selectors import reply_templates_for, reply_templates_suggested

pytestmark = pytest.mark.django_db


def template(name, *, intent="", languages=("en",), usage=0, store=None, slug=None, active=True):
    made = ReplyTemplateFactory(
        name=name,
        intent=intent,
        usage_count=usage,
        store=store,
        is_active=active,
        **({"slug": slug} if slug else {}),
    )
    for language in languages:
        ReplyTemplateVariantFactory(
            template=made, language=language, body=f"{name} [{language}] for {{name}}"
        )
    return made


@pytest.fixture
def library(store_eu):
    """Damaged-item templates among popular ones for other questions."""
    return {
        "replacement": template(
            "Damaged: free replacement", intent=Intent.DAMAGED_ITEM, languages=("en", "de")
        ),
        "photos": template("Damaged: ask for photos", intent=Intent.DAMAGED_ITEM, usage=5),
        "partial": template(
            "Damaged: partial refund", intent=Intent.DAMAGED_ITEM, languages=("de",), store=store_eu
        ),
        "tracking": template(
            "Tracking update", intent=Intent.WHERE_IS_MY_ORDER, languages=("en", "de"), usage=900
        ),
        "thanks": template("Thank you", languages=("en", "de"), usage=500),
        "refund": template("Refund sent", intent=Intent.REFUND_STATUS, usage=300),
    }


def test_the_three_suggestions_for_a_damaged_item_ticket_are_the_damaged_item_templates(store_eu, library):
    ticket = TicketFactory(store=store_eu, intent=Intent.DAMAGED_ITEM, language="de")

    suggested = reply_templates_suggested(ticket=ticket)

    assert [item.name for item in suggested] == [
        # In German, the store's own first; then the English-only one.
        "Damaged: partial refund",
        "Damaged: free replacement",
        "Damaged: ask for photos",
    ]
    assert (
        suggested[0].body == "Damaged: partial refund [de] for " + ticket.customer.display_name.split(" ")[0]
    )
    assert suggested[2].body.startswith("Damaged: ask for photos [en]")  # English when no German variant


def test_usage_decides_between_equally_fitting_templates(store_eu, library):
    template("Damaged: apology voucher", intent=Intent.DAMAGED_ITEM, languages=("de",), usage=40)
    template("Damaged: send it back", intent=Intent.DAMAGED_ITEM, languages=("de",), usage=70)
    ticket = TicketFactory(store=store_eu, intent=Intent.DAMAGED_ITEM, language="de")

    names = [item.name for item in reply_templates_suggested(ticket=ticket)]

    assert names == ["Damaged: partial refund", "Damaged: send it back", "Damaged: apology voucher"]


def test_without_an_intent_the_most_used_templates_in_the_customers_language_come_first(store_eu, library):
    ticket = TicketFactory(store=store_eu, intent="", language="de")

    names = [item.name for item in reply_templates_suggested(ticket=ticket)]

    assert names == ["Damaged: partial refund", "Tracking update", "Thank you"]


def test_other_stores_inactive_and_self_service_templates_are_never_suggested(store_eu, library):
    other = StoreFactory()
    template("Damaged: other store", intent=Intent.DAMAGED_ITEM, languages=("de",), usage=999, store=other)
    template("Damaged: retired", intent=Intent.DAMAGED_ITEM, languages=("de",), usage=999, active=False)
    template(
        "Self-service: damaged",
        intent=Intent.DAMAGED_ITEM,
        languages=("de",),
        usage=999,
        slug="self-service-damaged",
    )
    template("Damaged: Japanese only", intent=Intent.DAMAGED_ITEM, languages=("ja",), usage=999)
    ticket = TicketFactory(store=store_eu, intent=Intent.DAMAGED_ITEM, language="de")

    names = {item.name for item in reply_templates_suggested(ticket=ticket, limit=10)}

    assert names == {
        "Damaged: partial refund",
        "Damaged: free replacement",
        "Damaged: ask for photos",
        "Tracking update",
        "Thank you",
        "Refund sent",
    }


def test_the_ticket_page_shows_the_suggestions_as_one_click_buttons_above_the_reply_box(
    client, store_eu, team_eu, agent_eu, library
):
    ticket = TicketFactory(store=store_eu, team=team_eu, intent=Intent.DAMAGED_ITEM, language="de")
    client.force_login(agent_eu)

    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    suggestions = html[html.index('class="composer-suggestions"') : html.index('id="template-picker"')]
    buttons = [
        'data-suggested-template="Damaged: partial refund"',
        'data-suggested-template="Damaged: free replacement"',
        'data-suggested-template="Damaged: ask for photos"',
    ]
    assert all(button in suggestions for button in buttons)
    assert "Tracking update" not in suggestions
    # Each one fills the reply box through the picker, which holds its body.
    assert f'id="template-body-{library["partial"].pk}" data-name="Damaged: partial refund"' in html
    assert html.index(buttons[0]) < html.index(buttons[1]) < html.index(buttons[2])


def test_the_composer_picker_leaves_out_the_self_service_answers(store_eu, library):
    template(
        "Self-service: damaged",
        intent=Intent.DAMAGED_ITEM,
        languages=("de",),
        usage=999,
        slug="self-service-damaged",
    )
    ticket = TicketFactory(store=store_eu, intent=Intent.DAMAGED_ITEM, language="de")

    names = {item.name for item in reply_templates_for(ticket=ticket, agent_name="Mei")}

    assert "Self-service: damaged" not in names
    assert "Damaged: partial refund" in names
