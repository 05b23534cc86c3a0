"""The late-parcel choice page: a signed link, one answer, and what the answer sets in motion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from logistics.models import Shipment, TrackingStatus
from returns.models import CompensationOffer, Refund
from returns.services.compensation import compensation_choice_link, compensation_offer_create
from tests.factories import (
    CarrierFactory,
    CompensationPolicyFactory,
    CustomerFactory,
    OrderFactory,
    ShipmentFactory,
    StoreFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def express(db):
    return CarrierFactory(code="quick-express", name="Quick Express")


@pytest.fixture
def offer(express):
    """A parcel 20 days late and still on its way: wait, reship or full refund."""
    store = StoreFactory(
        currency="EUR", default_language="de", platform="amazon", external_id="A1PA6795UKMFR9"
    )
    CompensationPolicyFactory(store=store, reship_carrier=express)
    customer = CustomerFactory(language="de", orders_count=1, returns_count=0, claims_count=0)
    order = OrderFactory(
        store=store, customer=customer, currency="EUR", total=Decimal("84.70"), external_id="302-1234567"
    )
    ShipmentFactory(
        store=store,
        order=order,
        status=TrackingStatus.IN_TRANSIT,
        shipped_at=NOW - dt.timedelta(days=32),
        promised_by=(NOW - dt.timedelta(days=20)).date(),
        destination_country="DE",
    )
    offer = compensation_offer_create(order=order, intent="not_received")
    assert offer.kind == CompensationOffer.Kind.CHOICE
    return offer


def path_of(offer: CompensationOffer, *, language: str = "") -> str:
    """The link's path; with ``language`` as the customer's pick from the page's language menu."""
    link = compensation_choice_link(offer)
    return link[link.index("/offer/") :] + (f"?lang={language}" if language else "")


def test_the_link_opens_the_three_options_in_the_customers_language(client, offer):
    response = client.get(path_of(offer))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert "Vollständige Erstattung" in page  # "A full refund"
    assert 'name="viewport"' in page
    assert "302-1234567" in page
    for code in ("wait_with_coupon", "reship_express", "full_refund"):
        assert f'value="{code}"' in page
    assert "Quick Express" in page
    assert "84.70 EUR" in page


def test_the_link_is_absolute_and_signed(offer, settings):
    link = compensation_choice_link(offer)

    assert link.startswith(settings.HELPDESK_PUBLIC_URL.rstrip("/") + "/offer/")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    with pytest.raises(signing.BadSignature):  # salted: no other signed value of the site opens it
        signing.loads(token)


def test_choosing_the_full_refund_records_it_and_issues_exactly_one_refund(client, offer):
    response = client.post(path_of(offer, language="en"), {"option": "full_refund"})

    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.chosen_option) == ("accepted", "full_refund")
    [refund] = Refund.objects.all()
    assert refund.idempotency_key == f"compensation-{offer.pk}-refund"
    assert (refund.amount, refund.currency, refund.order_id) == (Decimal("84.70"), "EUR", offer.order_id)
    assert offer.refund == refund
    page = client.get(response["Location"]).content.decode()
    assert "your choice is recorded" in page


def test_a_second_submit_shows_the_first_choice_and_changes_nothing(client, offer):
    client.post(path_of(offer), {"option": "full_refund"})

    response = client.post(path_of(offer, language="en"), {"option": "wait_with_coupon"}, follow=True)

    offer.refresh_from_db()
    assert offer.chosen_option == "full_refund"
    assert Refund.objects.count() == 1
    page = response.content.decode()
    assert "already chosen" in page
    assert "A full refund" in page


def test_the_same_choice_sent_twice_makes_one_refund(client, offer):
    client.post(path_of(offer), {"option": "full_refund"})
    client.post(path_of(offer), {"option": "full_refund"})

    assert Refund.objects.count() == 1


def test_a_second_tab_opened_after_the_choice_shows_it(client, offer):
    client.post(path_of(offer), {"option": "wait_with_coupon"})

    page = client.get(path_of(offer, language="en")).content.decode()

    assert "your choice is recorded" in page
    assert 'name="option"' not in page


def test_choosing_to_wait_records_the_coupon_and_refunds_nothing(client, offer):
    client.post(path_of(offer), {"option": "wait_with_coupon"})

    offer.refresh_from_db()
    assert (offer.chosen_option, offer.amount) == ("wait_with_coupon", Decimal("8.47"))
    assert not Refund.objects.exists()


def test_choosing_a_reship_creates_a_parcel_to_send_with_the_faster_carrier(client, offer, express):
    client.post(path_of(offer), {"option": "reship_express"})

    offer.refresh_from_db()
    reship = offer.reship_shipment
    assert reship is not None
    assert (reship.status, reship.carrier, reship.direction) == (TrackingStatus.PENDING, express, "outbound")
    assert reship.order_id == offer.order_id
    assert reship.shipped_at is None
    assert Shipment.objects.filter(order=offer.order).count() == 2


def test_an_option_that_was_not_offered_is_refused_and_nothing_is_recorded(client, offer):
    response = client.post(path_of(offer), {"option": "a_pony"})

    assert response.status_code == 400
    assert "Choose one of the options" in response.content.decode()
    offer.refresh_from_db()
    assert (offer.status, offer.chosen_option) == ("offered", "")


def test_an_expired_link_says_so_in_the_customers_language(client, offer):
    path = path_of(offer)

    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        response = client.get(path)
        posted = client.post(path, {"option": "full_refund"})

    assert response.status_code == 410
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert "Dieser Link ist abgelaufen" in page  # "This link has expired"
    assert posted.status_code == 410
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
        lambda token: "A" * 600,
    ],
    ids=["changed signature", "changed payload", "made up", "too long"],
)
def test_a_tampered_link_gets_a_clear_page_not_an_error(client, offer, mangle):
    token = path_of(offer).split("/")[2]
    url = reverse("compensation:choice", args=[mangle(token)])

    response = client.get(url)
    posted = client.post(url, {"option": "full_refund"})

    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert posted.status_code == 404
    assert not Refund.objects.exists()


def test_a_link_to_an_offer_that_no_longer_exists_is_not_valid(client, offer):
    path = path_of(offer)
    CompensationOffer.objects.all().delete()

    assert client.get(path).status_code == 404


def test_a_declined_offer_is_no_longer_available(client, offer):
    offer.status = CompensationOffer.Status.DECLINED
    offer.save()

    response = client.post(path_of(offer, language="en"), {"option": "full_refund"}, follow=True)

    assert "no longer available" in response.content.decode()
    assert not Refund.objects.exists()
