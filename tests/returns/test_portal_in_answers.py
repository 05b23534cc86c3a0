"""The automatic answer to "how do I return this?" sends the customer into the portal: straight
into their order by a signed link when the ticket knows it, else to the look-up."""

from __future__ import annotations

import re

import pytest

from tests.factories import OrderFactory, ReturnPolicyFactory
from tests.returns.portal_cast import _portal_settings  # noqa: F401 (fixture)
from tests.tickets.test_deflection import answering_store, templates, triaged  # noqa: F401 (fixtures)
from tickets.models import Intent, Ticket
from tickets.services.deflection import message_deflect

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https://help\.lumen\.example(/returns/portal/\S*)")


def test_the_answer_opens_the_ticket_s_order_in_the_portal(client, answering_store, templates):  # noqa: F811
    ReturnPolicyFactory(store=answering_store)
    message = triaged(answering_store, intent=Intent.RETURN_REQUEST, text="How do I return this?")
    order = OrderFactory(store=answering_store, customer=message.ticket.customer, external_id="#5501")
    Ticket.objects.filter(pk=message.ticket_id).update(order=order)

    body = message_deflect(message=message).message.body_text

    path = LINK.search(body).group(1)
    assert path.startswith("/returns/portal/o/")
    assert "lang=en" in path
    page = client.get(path, follow=True)
    assert page.status_code == 200
    assert "Order #5501" in page.content.decode()


def test_without_an_order_the_answer_points_to_the_look_up(answering_store, templates):  # noqa: F811
    ReturnPolicyFactory(store=answering_store)
    message = triaged(answering_store, intent=Intent.RETURN_REQUEST, text="How do I return this?")

    body = message_deflect(message=message).message.body_text

    assert LINK.search(body).group(1) == "/returns/portal/?lang=en"
