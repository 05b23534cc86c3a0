"""Agents and returns: the queue, a return opened from a ticket in two clicks, approve / reject
with reason templates, the inspection, the label, and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from returns.forms import REJECT_REASONS
from returns.models import ReturnLine, ReturnPhoto, ReturnRequest
from returns.services.workflow import return_mark_in_transit, return_mark_received
from tests.factories import (
    ReturnLineFactory,
    ReturnPolicyFactory,
    ReturnRequestFactory,
    StoreFactory,
    UserFactory,
)
from tests.returns.portal_cast import _portal_settings, delivered_order, jpeg, lamp_line  # noqa: F401

pytestmark = pytest.mark.django_db


class FormValues(HTMLParser):
    """What a browser would send for the first form with ``marker`` in its tag, left as shown."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker, self.inside, self.select = marker, False, None
        self.values: dict[str, object] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.marker in (attrs.get("method", "") + attrs.get("class", "")):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values[name] = attrs.get("value", "on")
            else:
                self.values[name] = attrs.get("value", "")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and ("selected" in attrs or self.select not in self.values):
            self.values[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "form":
            self.inside = False


def form_values(html: str, marker: str = "post") -> dict[str, object]:
    parser = FormValues(marker)
    parser.feed(html)
    return parser.values


@pytest.fixture
def order_eu(store_eu):
    ReturnPolicyFactory(store=store_eu, name="30 days", returnless_max_value=Decimal("0"))
    return delivered_order(store_eu, email="anna@example.de")


@pytest.fixture
def review(order_eu):
    rr = ReturnRequestFactory(
        store=order_eu.store,
        order=order_eu,
        status=ReturnRequest.Status.NEEDS_REVIEW,
        customer_language="de",
        review_due_at=timezone.now() + dt.timedelta(hours=30),
    )
    ReturnLineFactory(return_request=rr, order_line=lamp_line(order_eu))
    return rr


def test_an_agent_opens_a_return_from_a_ticket_in_two_clicks(client, agent_eu, ticket_eu, order_eu):
    ticket_eu.order = order_eu
    ticket_eu.intent = "damaged_item"
    ticket_eu.save(update_fields=["order", "intent"])
    client.force_login(agent_eu)

    ticket_page = client.get(reverse("tickets:detail", args=[ticket_eu.pk])).content.decode()
    assert "data-open-return" in ticket_page
    form_page = client.get(reverse("tickets:return_new", args=[ticket_eu.pk]))  # click 1
    response = client.post(  # click 2: the prefilled form as it is
        reverse("tickets:return_new", args=[ticket_eu.pk]),
        form_values(form_page.content.decode(), "card form-stack"),
    )

    rr = ReturnRequest.objects.get(order=order_eu)
    assert response.status_code == 302
    assert response["Location"] == reverse("returns:detail", args=[rr.pk])
    assert rr.source == ReturnRequest.Source.AGENT
    assert rr.ticket == ticket_eu
    line = rr.lines.get()
    assert (line.order_line, line.quantity, line.reason) == (lamp_line(order_eu), 2, "damaged_item")
    # No photos from an agent: the rules send it to a person instead of refusing it.
    assert rr.status == ReturnRequest.Status.NEEDS_REVIEW
    ticket_page = client.get(reverse("tickets:detail", args=[ticket_eu.pk])).content.decode()
    assert rr.rma_number in ticket_page


def test_the_return_button_needs_an_order_and_the_permission(client, ticket_eu, order_eu, agent_eu):
    client.force_login(agent_eu)
    assert (
        "data-open-return" not in client.get(reverse("tickets:detail", args=[ticket_eu.pk])).content.decode()
    )

    response = client.get(reverse("tickets:return_new", args=[ticket_eu.pk]), follow=True)

    assert "Link the ticket to an order first" in response.content.decode()


def test_another_team_s_ticket_is_not_found(client, agent_us, ticket_eu, order_eu):
    ticket_eu.order = order_eu
    ticket_eu.save(update_fields=["order"])
    client.force_login(agent_us)

    assert client.get(reverse("tickets:return_new", args=[ticket_eu.pk])).status_code == 404
    assert client.post(reverse("tickets:return_new", args=[ticket_eu.pk]), {}).status_code == 404


def test_the_queue_puts_returns_to_review_first_then_the_newest(client, lead_eu, order_eu, review):
    newest = ReturnRequestFactory(
        store=order_eu.store, order=order_eu, status=ReturnRequest.Status.LABEL_ISSUED
    )
    older_review = ReturnRequestFactory(
        store=order_eu.store,
        order=order_eu,
        status=ReturnRequest.Status.NEEDS_REVIEW,
        requested_at=timezone.now() - dt.timedelta(days=2),
        review_due_at=timezone.now() + dt.timedelta(hours=2),
    )
    client.force_login(lead_eu)

    page = client.get(reverse("returns:list")).content.decode()

    positions = [page.index(rr.rma_number) for rr in (older_review, review, newest)]
    assert positions == sorted(positions)
    filtered = client.get(reverse("returns:list"), {"q": newest.rma_number.lower()}).content.decode()
    assert newest.rma_number in filtered
    assert review.rma_number not in filtered
    by_status = client.get(
        reverse("returns:list"), {"status": "label_issued", "source": "portal"}
    ).content.decode()
    assert newest.rma_number in by_status
    assert review.rma_number not in by_status


def test_a_lead_approves_a_return_in_review_and_the_label_follows(client, lead_eu, review):
    client.force_login(lead_eu)

    response = client.post(
        reverse("returns:approve", args=[review.pk]),
        {"approve-template": "after_review", "approve-note": "Geprüft und genehmigt."},
        follow=True,
    )

    review.refresh_from_db()
    assert review.status == ReturnRequest.Status.LABEL_ISSUED
    assert review.decided_by == lead_eu
    assert review.decision_reason == "Geprüft und genehmigt."
    assert "approved" in response.content.decode()
    assert client.get(reverse("returns:label", args=[review.pk])).getvalue().startswith(b"%PDF")


def test_a_reject_template_alone_is_the_reason_in_the_customer_s_language(client, lead_eu, review):
    client.force_login(lead_eu)
    detail = client.get(reverse("returns:detail", args=[review.pk])).content.decode()
    assert 'value="window"' in detail

    client.post(reverse("returns:reject", args=[review.pk]), {"reject-template": "window", "reject-note": ""})

    review.refresh_from_db()
    assert review.status == ReturnRequest.Status.REJECTED
    with translation.override("de"):  # the customer's language, whatever the agent reads
        assert review.decision_reason == str(REJECT_REASONS["window"])


def test_a_reject_without_a_reason_changes_nothing_and_says_why(client, lead_eu, review):
    client.force_login(lead_eu)

    response = client.post(
        reverse("returns:reject", args=[review.pk]), {"reject-template": "", "reject-note": " "}, follow=True
    )

    review.refresh_from_db()
    assert review.status == ReturnRequest.Status.NEEDS_REVIEW
    assert "Say why the return is rejected" in response.content.decode()


def test_an_agent_decides_a_return_in_review(client, agent_eu, review):
    client.force_login(agent_eu)

    assert "data-approve" in client.get(reverse("returns:detail", args=[review.pk])).content.decode()
    client.post(reverse("returns:approve", args=[review.pk]), {"approve-note": "Checked the photos."})

    review.refresh_from_db()
    assert review.status != ReturnRequest.Status.NEEDS_REVIEW
    assert review.decided_by == agent_eu


def test_a_user_without_a_role_may_not_decide(client, review):
    nobody = UserFactory(username="no.role")
    client.force_login(nobody)

    client.post(reverse("returns:approve", args=[review.pk]), {"approve-note": "ok"})

    review.refresh_from_db()
    assert review.status == ReturnRequest.Status.NEEDS_REVIEW


def test_decisions_and_labels_of_other_stores_are_not_found(client, lead_eu, review):
    elsewhere = ReturnRequestFactory(store=StoreFactory(), status=ReturnRequest.Status.NEEDS_REVIEW)
    client.force_login(lead_eu)

    for name in ("approve", "reject", "inspect"):
        assert client.post(reverse(f"returns:{name}", args=[elsewhere.pk]), {}).status_code == 404
    assert client.get(reverse("returns:label", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("returns:approve", args=[review.pk])).status_code == 405  # POST only


def test_a_logged_out_visitor_is_sent_to_log_in(client, review):
    response = client.post(reverse("returns:approve", args=[review.pk]), {})

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.fixture
def received(client, lead_eu, review):
    client.force_login(lead_eu)
    client.post(reverse("returns:approve", args=[review.pk]), {"approve-note": ""})
    review.refresh_from_db()
    return_mark_in_transit(return_request=review)
    return return_mark_received(return_request=review)


def test_the_inspection_records_each_line_with_notes_and_photos(client, lead_eu, received):
    line = received.lines.get()
    detail = client.get(reverse("returns:detail", args=[received.pk])).content.decode()
    assert "data-inspect" in detail

    response = client.post(
        reverse("returns:inspect", args=[received.pk]),
        {
            f"line-{line.pk}-result": "failed",
            f"line-{line.pk}-notes": "Scratched base, not as sold.",
            f"line-{line.pk}-photos": [SimpleUploadedFile("base.jpg", jpeg(gps=True), "image/jpeg")],
        },
    )

    assert response.status_code == 302
    line.refresh_from_db()
    assert line.inspection == ReturnLine.Inspection.FAILED
    assert line.inspection_notes == "Scratched base, not as sold."
    photo = ReturnPhoto.objects.get(return_line=line, kind=ReturnPhoto.Kind.INSPECTION)
    assert photo.uploaded_by == lead_eu
    shown = client.get(reverse("returns:photo", args=[photo.pk]))
    assert shown["Content-Type"] == "image/jpeg"
    assert b"PhoneMaker" not in b"".join(shown.streaming_content)


def test_an_inspection_missing_a_result_or_with_a_bad_photo_keeps_the_notes(client, lead_eu, received):
    line = received.lines.get()

    response = client.post(
        reverse("returns:inspect", args=[received.pk]),
        {
            f"line-{line.pk}-notes": "Box dented",
            f"line-{line.pk}-photos": [SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")],
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Box dented" in page
    assert "is not a photo we can read" in page
    received.refresh_from_db()
    assert received.status == ReturnRequest.Status.RECEIVED


def test_an_agent_records_an_inspection(client, agent_eu, received):
    client.force_login(agent_eu)
    line = received.lines.get()

    client.post(reverse("returns:inspect", args=[received.pk]), {f"line-{line.pk}-result": "passed"})

    line.refresh_from_db()
    assert line.inspection == line.Inspection.PASSED
