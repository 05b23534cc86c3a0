"""Following a return by its signed link: the timeline, the label, cancelling, bad links."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from logistics.models import TrackingStatus
from returns.models import ReturnRequest
from returns.portal import links
from returns.services.workflow import return_mark_in_transit
from tests.factories import TrackingEventFactory
from tests.returns.portal_cast import (  # noqa: F401 (fixture)
    _portal_settings,
    delivered_order,
    found,
    only_return,
    order_form,
    return_fields,
    shop,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(client):
    order = delivered_order(shop())
    found(client, order)
    _page, key = order_form(client)
    client.post("/returns/portal/order/", return_fields(order, key))
    client.cookies.clear()  # what follows needs nothing but the link
    rr = only_return(order)
    assert rr.status == ReturnRequest.Status.LABEL_ISSUED
    return rr


def status_path(rr: ReturnRequest, suffix: str = "") -> str:
    return links.status_path(return_id=rr.pk, rma_number=rr.rma_number) + suffix


def test_the_status_page_shows_the_timeline_with_dates_and_the_return_parcel(client, approved):
    page = client.get(status_path(approved)).content.decode()

    for step in (
        "requested",
        "approved",
        "label_issued",
        "in_transit",
        "received",
        "inspected",
        "refunded",
        "closed",
    ):
        assert f'data-step="{step}"' in page
    assert 'class="portal-step is-done is-current" data-step="label_issued"' in page
    assert approved.return_shipment.tracking_number in page


def test_the_parcel_s_scans_and_the_next_step_appear_as_the_return_moves(client, approved):
    TrackingEventFactory(
        shipment=approved.return_shipment,
        status=TrackingStatus.IN_TRANSIT,
        description="Picked up at the parcel shop",
        location="Berlin",
        occurred_at=timezone.now() - dt.timedelta(hours=2),
    )
    return_mark_in_transit(return_request=approved)

    page = client.get(status_path(approved)).content.decode()

    assert "Picked up at the parcel shop" in page
    assert 'data-step="in_transit"' in page
    assert 'aria-current="step"' in page.split('data-step="in_transit"')[1].split("</li>")[0]
    assert "Cancel this return" not in page  # the parcel is on its way


def test_the_customer_downloads_the_label_with_the_link_only(client, approved):
    response = client.get(status_path(approved, "label.pdf"))

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF")
    assert f'filename="{approved.rma_number}.pdf"' in response["Content-Disposition"]


def test_a_return_without_a_label_says_so_instead_of_a_download(client, approved):
    ReturnRequest.objects.filter(pk=approved.pk).update(label="")

    response = client.get(status_path(approved, "label.pdf?lang=en"))

    assert response.status_code == 404
    assert "No label yet" in response.content.decode()


def test_the_customer_cancels_before_shipping(client, approved):
    response = client.post(status_path(approved, "cancel/?lang=en"), follow=True)

    approved.refresh_from_db()
    assert approved.status == ReturnRequest.Status.CANCELLED
    page = response.content.decode()
    assert "Your return is cancelled" in page
    assert "This return is cancelled" in page
    assert "Cancel this return" not in page


def test_cancelling_twice_explains_instead_of_failing(client, approved):
    client.post(status_path(approved, "cancel/"))

    response = client.post(status_path(approved, "cancel/?lang=en"), follow=True)

    assert response.status_code == 200
    assert "can no longer be cancelled" in response.content.decode()


def test_a_tampered_status_link_is_a_clear_page_with_the_look_up(client, approved):
    token = links.status_token(return_id=approved.pk, rma_number=approved.rma_number)
    other_salt = signing.dumps({"r": approved.pk, "n": approved.rma_number}, salt="returns.portal.order")
    wrong_rma = links.status_token(return_id=approved.pk, rma_number="RMA-NOTREAL")

    for bad in (token[:-3] + "abc", other_salt, wrong_rma, "x"):
        for suffix in ("", "label.pdf"):
            response = client.get(reverse("returns_portal:status", kwargs={"token": bad}) + suffix)
            assert response.status_code == 404, (bad, suffix)
            assert "This link does not work" in response.content.decode()
            assert 'name="order_number"' in response.content.decode()
    assert (
        client.post(reverse("returns_portal:cancel", kwargs={"token": token[:-3] + "abc"})).status_code == 404
    )
    approved.refresh_from_db()
    assert approved.status == ReturnRequest.Status.LABEL_ISSUED


def test_an_expired_status_link_says_so_and_offers_the_look_up(client, approved, time_machine):
    path = status_path(approved)
    time_machine.move_to(time.time() + 91 * 24 * 3600)

    response = client.get(path)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert 'name="order_number"' in response.content.decode()


def test_the_status_page_speaks_the_customer_s_language(client, approved):
    page = client.get(status_path(approved)).content.decode()  # no Accept-Language: the return's language

    assert '<html lang="de">' in page
    assert "Ihre Rücksendung wurde genehmigt" in page  # "Your return is approved"


@pytest.mark.parametrize("language", ["en", "zh-hans", "es", "de", "fr", "it", "ja", "pt"])
def test_the_status_page_renders_in_every_portal_language(client, approved, language):
    response = client.get(status_path(approved) + f"?lang={language}")

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    assert approved.rma_number in response.content.decode()
