"""Parcels a shop reports (Shopify fulfillments): the carrier and tracking numbers of an order.

A fulfillment names a carrier as the shop typed it ("USPS", "UPS", "DHL Express") and one or
more tracking numbers. Each number becomes the order's outbound ``Shipment``, found by number
when the parcel is already known (a tracking provider, an earlier fulfillment) and linked to
the order. The carrier is the registry's carrier of that name, else the one the number's
format and check digit point to. A number that is no tracking number at all is left out.
The parcel's progress then comes from the tracking providers, as for every parcel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q

from customers.models import Order
from helpdesk.commerce.shapes import ParcelData
from logistics.models import Carrier, Shipment
from logistics.tracking_numbers import detect_number, normalise

CANCELLED = frozenset({"cancelled", "error", "failure"})
MAX_NUMBER_LENGTH = 64


@dataclass
class ParcelsRecorded:
    shipments: list[Shipment] = field(default_factory=list)
    created: int = 0
    skipped: list[str] = field(default_factory=list)  # why a number was left out


def carrier_named(name: str, number: str, *, country_hint: str = "") -> Carrier | None:
    """The carrier the shop named, else the best reading of the number's format."""
    name = name.strip()
    if name:
        slug = name.lower().replace(" ", "-")
        carrier = (
            Carrier.objects.filter(
                Q(name__iexact=name) | Q(code__iexact=slug) | Q(aftership_slug__iexact=slug)
            )
            .order_by("pk")
            .first()
        )
        if carrier is not None:
            return carrier
    for candidate in detect_number(number, country_hint=country_hint):
        if candidate.check_digit_ok is False:
            continue
        carrier = Carrier.objects.filter(code=candidate.carrier).first()
        if carrier is not None:
            return carrier
    return None


def shipments_record_from_platform(*, order: Order, data: ParcelData) -> ParcelsRecorded:
    """Each tracking number of the fulfillment as a parcel of ``order`` (a redelivery changes nothing)."""
    result = ParcelsRecorded()
    if data.status in CANCELLED:
        result.skipped.append(f"The fulfillment is {data.status}: no parcel left.")
        return result
    for raw in data.tracking_numbers:
        number = normalise(raw)
        if not number.isascii() or not number.isalnum() or len(number) > MAX_NUMBER_LENGTH:
            result.skipped.append(f"{raw[:70]!r} is not a tracking number.")
            continue
        shipment, created = _shipment_for(order=order, data=data, number=number)
        result.shipments.append(shipment)
        result.created += int(created)
    return result


@transaction.atomic
def _shipment_for(*, order: Order, data: ParcelData, number: str) -> tuple[Shipment, bool]:
    known = Shipment.objects.select_for_update().filter(tracking_number=number).order_by("pk").first()
    if known is not None:
        changed = []
        if known.order_id is None:
            known.order = order
            changed.append("order")
        if known.shipped_at is None and data.shipped_at is not None:
            known.shipped_at = data.shipped_at
            changed.append("shipped_at")
        if changed:
            known.save(update_fields=[*changed, "updated_at"])
        return known, False
    carrier = carrier_named(data.carrier_name, number, country_hint=order.shipping_country)
    shipment = Shipment(
        store_id=order.store_id,
        order=order,
        carrier=carrier,
        tracking_number=number,
        direction=Shipment.Direction.OUTBOUND,
        destination_country=order.shipping_country,
        shipped_at=data.shipped_at,
    )
    try:
        with transaction.atomic():
            shipment.save(force_insert=True)
    except IntegrityError:
        # The same parcel from a concurrent delivery (or a tracking provider) a moment ago.
        return Shipment.objects.get(carrier=carrier, tracking_number=number), False
    return shipment, True
