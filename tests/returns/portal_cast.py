"""A shop with a return policy and a delivered order, as the returns portal tests meet them."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from customers.models import Order, OrderLine, Product, Store
from logistics.models import Shipment, TrackingStatus
from returns.models import ReturnRequest
from tests.factories import (
    CarrierFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    ReturnPolicyFactory,
    ShipmentFactory,
    StoreFactory,
)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
SUBMISSION = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RETURNS_PORTAL_LOOKUP_MIN_MS = 0  # tests that measure timing set their own
    settings.HELPDESK_PUBLIC_URL = "https://help.lumen.example"
    cache.clear()  # the look-up counters of earlier tests


def shop(**fields: object) -> Store:
    store = StoreFactory(
        name=fields.pop("name", "Lumen Home DE"),
        marketplace="DE",
        currency="EUR",
        default_language="de",
        timezone="Europe/Berlin",
        support_email="service@lumen-home.example",
        **fields,
    )
    ReturnPolicyFactory(
        store=store,
        name="30 days",
        window_days=30,
        accepted_conditions=["unopened", "like_new"],
        seller_pays_shipping_reasons=["damaged_item", "wrong_item"],
        returnless_max_value=Decimal("0.00"),
        store_credit_bonus_percent=Decimal("10"),
    )
    return store


def delivered_order(
    store: Store, *, email: str = "anna.schmidt@example.de", number: str = "#300123"
) -> Order:
    """Two lamps (and one final-sale gift card) delivered five days ago, to Berlin 10115."""
    now = timezone.now()
    customer = CustomerFactory(email=email, display_name="Anna Schmidt", orders_count=2, returns_count=0)
    order = OrderFactory(
        store=store,
        customer=customer,
        email=email,
        external_id=number,
        placed_at=now - dt.timedelta(days=12),
        currency="EUR",
        shipping_postal_code="10115",
    )
    lamp = product(store, sku="LAMP-DESK-BLK", title="LED desk lamp, Black", price=Decimal("39.90"))
    product(store, sku="LAMP-DESK-WHT", title="LED desk lamp, White", price=Decimal("39.90"))
    OrderLineFactory(
        order=order, product=lamp, quantity=2, unit_price=lamp.price, total_paid=Decimal("79.80")
    )
    if not store.return_policies.filter(category="gift_cards").exists():
        ReturnPolicyFactory(store=store, name="Gift cards", category="gift_cards", final_sale=True)
    card = product(store, sku="GIFT-25", title="Gift card 25 EUR", category="gift_cards", price=Decimal("25"))
    OrderLineFactory(order=order, product=card, quantity=1, unit_price=card.price, total_paid=card.price)
    ShipmentFactory(
        store=store,
        order=order,
        carrier=CarrierFactory(name="DHL Paket"),
        direction=Shipment.Direction.OUTBOUND,
        status=TrackingStatus.DELIVERED,
        shipped_at=now - dt.timedelta(days=10),
        delivered_at=now - dt.timedelta(days=5),
    )
    return order


def product(store: Store, *, sku: str, **fields: object) -> Product:
    return store.products.filter(sku=sku).first() or ProductFactory(store=store, sku=sku, **fields)


def lamp_line(order: Order) -> OrderLine:
    return order.lines.get(sku="LAMP-DESK-BLK")


def jpeg(*, size: tuple[int, int] = (64, 48), gps: bool = False) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    if gps:
        exif[0x8825] = {2: (52.0, 31.0, 12.0), 1: "N", 4: (13.0, 24.0, 36.0), 3: "E"}  # GPS IFD
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def found(
    client: Client, order: Order, *, proof: str = "anna.schmidt@example.de", language: str = ""
) -> Client:
    """Look the order up; with ``language`` the customer picks that language first (``?lang=``,
    which the portal remembers for the visit), else the portal speaks the shop's (German)."""
    query = f"?lang={language}" if language else ""
    response = client.post(
        reverse("returns_portal:lookup") + query, {"order_number": order.external_id, "proof": proof}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def order_form(client: Client) -> tuple[str, str]:
    """The order page and the submission key it carries."""
    page = client.get(reverse("returns_portal:order")).content.decode()
    match = SUBMISSION.search(page)
    assert match, page[:3000]
    return page, match.group(1)


def return_fields(order: Order, key: str, **overrides: object) -> dict[str, object]:
    line = lamp_line(order)
    data: dict[str, object] = {
        "submission_key": key,
        "resolution": "refund",
        f"l{line.pk}-selected": "on",
        f"l{line.pk}-quantity": "1",
        f"l{line.pk}-reason": "does_not_fit",
        f"l{line.pk}-condition": "unopened",
        f"l{line.pk}-comment": "Too bright for my desk.",
    }
    data.update({key.replace("LINE", f"l{line.pk}"): value for key, value in overrides.items()})
    return {key: value for key, value in data.items() if value is not None}


def only_return(order: Order) -> ReturnRequest:
    return ReturnRequest.objects.get(order=order)
