"""The customer tracking page (/track/): look-up, signed links, what a parcel shows."""

import datetime as dt
import re
import time
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from logistics.models import Carrier, Shipment, TrackingStatus
from logistics.services.links import tracking_link_for, tracking_path_for
from tests.factories import (
    CustomerFactory,
    LaneStatisticFactory,
    OrderFactory,
    ShipmentFactory,
    StoreFactory,
    TrackingEventFactory,
)

SHIPPED = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcel():
    """An order of a branded store with one parcel, two scans and figures for its lane."""
    store = StoreFactory(name="Lumen Home DE", brand_color="#aa3300", default_language="de")
    customer = CustomerFactory(email="anna@example.com")
    order = OrderFactory(store=store, customer=customer, email="Anna@Example.com", external_id=_unique("#"))
    carrier = Carrier.objects.get(code="yunexpress")
    shipment = ShipmentFactory(
        store=store,
        order=order,
        carrier=carrier,
        tracking_number="YT2229521272164446",
        status=TrackingStatus.IN_TRANSIT,
        origin_country="CN",
        destination_country="DE",
        shipped_at=SHIPPED,
        last_event_at=SHIPPED + dt.timedelta(days=2),
    )
    TrackingEventFactory(
        shipment=shipment,
        occurred_at=SHIPPED,
        local_timezone="Asia/Shanghai",
        status=TrackingStatus.INFO_RECEIVED,
        description="Shipment information received",
    )
    TrackingEventFactory(
        shipment=shipment,
        occurred_at=SHIPPED + dt.timedelta(days=2),
        local_timezone="",
        status=TrackingStatus.IN_TRANSIT,
        description="Departed from the hub",
        location="Frankfurt",
        country="DE",
    )
    LaneStatisticFactory(
        carrier=carrier,
        origin_country="CN",
        destination_country="DE",
        median_days=Decimal("9.00"),
        p80_days=Decimal("13.00"),
        p95_days=Decimal("19.00"),
    )
    return shipment


def _unique(prefix=""):
    # Look-ups are counted in the shared cache (Redis in CI): every test uses its own numbers.
    return f"{prefix}{uuid.uuid4().int % 10**9:09d}"


def _address():
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def lookup(client, number, email, address):
    return client.post(
        reverse("tracking:lookup"), {"order_number": number, "email": email}, REMOTE_ADDR=address
    )


def test_the_lookup_form_is_public(client):
    response = client.get(reverse("tracking:lookup"))

    assert response.status_code == 200
    assert 'name="order_number"' in response.text
    assert 'name="email"' in response.text


def test_a_lookup_hit_opens_the_orders_signed_page_with_each_parcel(client, parcel, settings):
    settings.TRACKING_LOOKUP_MIN_MS = 0
    number = parcel.order.external_id.lstrip("#")  # typed without the shop's "#"

    response = lookup(client, number, " anna@EXAMPLE.com ", _address())

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "YT2229521272164446" in page.text
    assert "Your parcel is on its way." in page.text
    assert 'href="https://www.yuntrack.com/parcelTracking?id=YT2229521272164446"' in page.text
    assert "Lumen Home DE" in page.text
    assert "--brand: #aa3300" in page.text
    assert page.headers["Referrer-Policy"] == "same-origin"


def test_a_wrong_email_and_an_unknown_order_get_the_same_page_in_the_same_time(client, parcel, settings):
    settings.TRACKING_LOOKUP_MIN_MS = 150

    started = time.monotonic()
    wrong_email = lookup(client, parcel.order.external_id, "someone@example.com", _address())
    first = time.monotonic() - started
    started = time.monotonic()
    wrong_order = lookup(client, _unique("#"), "anna@example.com", _address())
    second = time.monotonic() - started

    assert wrong_email.status_code == wrong_order.status_code == 404
    assert CSRF.sub("", wrong_email.text) == CSRF.sub("", wrong_order.text)
    assert "could not find an order with this number and e-mail address" in wrong_email.text
    assert parcel.order.external_id not in wrong_email.text
    assert min(first, second) >= 0.15


def test_too_many_lookups_for_one_order_are_refused_with_429(client, parcel, settings):
    settings.TRACKING_LOOKUP_MIN_MS = 0
    settings.TRACKING_LOOKUPS_PER_ORDER = 2
    number = parcel.order.external_id

    statuses = [lookup(client, number, f"guess{i}@example.com", _address()).status_code for i in range(3)]
    refused = lookup(client, number, "anna@example.com", _address())

    assert statuses == [404, 404, 429]
    assert refused.status_code == 429  # even the right e-mail, once the order is locked
    assert "Too many look-ups" in refused.text


def test_too_many_lookups_from_one_address_are_refused_with_429(client, settings):
    settings.TRACKING_LOOKUP_MIN_MS = 0
    settings.TRACKING_LOOKUPS_PER_IP = 3
    address = _address()

    statuses = [lookup(client, _unique(), "x@example.com", address).status_code for _ in range(4)]

    assert statuses == [404, 404, 404, 429]


def test_a_malformed_lookup_gets_a_400_with_the_fields_to_fix(client):
    response = client.post(reverse("tracking:lookup"), {"order_number": "", "email": "not-an-address"})

    assert response.status_code == 400
    assert "public-field-error" in response.text


@time_machine.travel(SHIPPED + dt.timedelta(days=3), tick=False)
def test_the_page_shows_the_eta_from_the_lane_and_times_in_the_scans_own_time_zone(client, parcel):
    page = client.get(tracking_path_for(parcel.order, language="en"))

    eta = re.search(r'<dd class="tracking-eta">\s*(.*?)\s*</dd>', page.text, re.S).group(1)
    assert eta == "Between 10 March and 14 March 2026"  # shipped 1 March + median 9 / p80 13 days
    # 08:00 UTC in Shanghai is 16:00 the same day; a scan without a zone shows UTC.
    assert "2026-03-01 16:00" in page.text
    assert '2026-03-03 08:00 <span class="tl-zone">UTC</span>' in page.text
    # Newest scan first.
    assert page.text.index("Departed from the hub") < page.text.index("Shipment information received")


def test_without_figures_for_the_lane_there_is_no_estimate_yet(client, parcel):
    parcel.order.shipments.update(destination_country="BR")

    page = client.get(tracking_path_for(parcel.order, language="en"))

    assert re.search(r'<dd class="tracking-eta">\s*No estimate yet\s*</dd>', page.text)


def test_an_order_not_shipped_yet_says_so(client, parcel):
    order = OrderFactory(store=parcel.store)

    page = client.get(tracking_path_for(order, language="en"))

    assert page.status_code == 200
    assert "has not been shipped yet" in page.text


def test_a_signed_parcel_link_shows_that_parcel_only(client, parcel, settings):
    settings.HELPDESK_PUBLIC_URL = "https://help.example.com/"
    other = ShipmentFactory(
        store=parcel.store, order=parcel.order, tracking_number="RR123456785CN", carrier=None
    )

    url = tracking_link_for(parcel)
    page = client.get(url.removeprefix("https://help.example.com"))

    assert url.startswith("https://help.example.com/track/")
    assert page.status_code == 200
    assert parcel.tracking_number in page.text
    assert other.tracking_number not in page.text


def test_an_expired_link_gets_a_clear_page_not_an_error(client, parcel, settings):
    path = tracking_path_for(parcel.order)

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=settings.TRACKING_LINK_DAYS + 1)):
        response = client.get(path)

    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert parcel.tracking_number not in response.text
    assert 'name="order_number"' in response.text  # the look-up is offered instead


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "nonsense",
        lambda token: "a" * 3000,
    ],
)
def test_a_tampered_link_gets_a_clear_page_not_an_error(client, parcel, mangle):
    token = tracking_path_for(parcel.order).split("/")[-2]

    response = client.get(reverse("tracking:link", kwargs={"token": mangle(token)}))

    assert response.status_code == 404
    assert "This link does not work" in response.text
    assert parcel.tracking_number not in response.text


def test_a_link_to_an_order_of_an_inactive_store_does_not_open(client, parcel):
    path = tracking_path_for(parcel.order)
    parcel.store.is_active = False
    parcel.store.save(update_fields=["is_active"])

    assert client.get(path).status_code == 404


def test_the_page_speaks_the_customers_language(client, parcel):
    path = tracking_path_for(parcel.order)

    by_parameter = client.get(path + "?lang=fr")
    by_browser = client.get(path, HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")
    store_default = client.get(path)

    assert '<html lang="fr">' in by_parameter.text
    assert by_parameter.headers["Content-Language"] == "fr"
    assert '<html lang="ja">' in by_browser.text
    assert '<html lang="de">' in store_default.text  # the store's language when nothing else says
    # The same structure in every language: status, ETA, carrier link, timeline.
    for page in (by_parameter, by_browser, store_default):
        assert page.text.count('class="tracking-parcel"') == 1
        assert 'class="tracking-eta"' in page.text
        assert 'class="timeline tracking-timeline"' in page.text


def test_an_unsafe_brand_colour_is_not_put_in_the_page(client, parcel):
    parcel.store.brand_color = "red;}a{"  # the field holds 7 characters
    parcel.store.save(update_fields=["brand_color"])

    page = client.get(tracking_path_for(parcel.order))

    assert "red;}a{" not in page.text
    assert "--brand: #1f6feb" in page.text


def test_the_agents_parcel_page_uses_the_same_timeline(client, agent_eu, store_eu):
    shipment = ShipmentFactory(
        store=store_eu, tracking_number="1Z999AA10123456784", carrier=Carrier.objects.get(code="ups")
    )
    TrackingEventFactory(
        shipment=shipment, occurred_at=SHIPPED, local_timezone="America/New_York", description="Origin scan"
    )
    client.force_login(agent_eu)

    page = client.get(reverse("logistics:detail", args=[shipment.pk]))

    assert page.status_code == 200
    assert 'class="timeline tracking-timeline"' in page.text
    assert "2026-03-01 03:00" in page.text  # 08:00 UTC in New York
    assert "Origin scan" in page.text
    assert Shipment.objects.count() == 1
