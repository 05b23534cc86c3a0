"""Adding a parcel by hand or through the API: an order's shipment whose tracking number the
helpdesk should follow from now on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from customers.models import Order, Store
from helpdesk.exceptions import ApplicationError
from logistics.models import Carrier, Shipment
from logistics.services.platform_tracking import shipment_tracking_push_queue
from logistics.tracking_numbers.detect import detect_number, normalise

MIN_NUMBER_LENGTH = 6


@dataclass(frozen=True)
class AddedShipment:
    shipment: Shipment
    created: bool  # False: the same parcel was already tracked for this store and order


def shipment_add(
    *,
    store: Store,
    tracking_number: str,
    carrier: Carrier | None = None,
    order: Order | None = None,
    direction: str = Shipment.Direction.OUTBOUND,
    origin_country: str = "",
    destination_country: str = "",
    shipped_at: dt.datetime | None = None,
    promised_by: dt.date | None = None,
) -> AddedShipment:
    """Start tracking a parcel of ``store``.

    The number is normalised (spaces, dashes, case); without a carrier, the one its format
    names is taken when it is unambiguous. Adding the same parcel again for the same store
    (and order) returns it unchanged; a number already tracked for another store or order is
    refused, since one number names one parcel.
    """
    number = normalise(tracking_number)
    if len(number) < MIN_NUMBER_LENGTH or len(number) > 64 or not number.isalnum():
        raise ApplicationError(
            _("“%(number)s” is not a tracking number (6 to 64 letters and digits).")
            % {"number": tracking_number[:70]}
        )
    if direction not in Shipment.Direction.values:
        raise ApplicationError(_("Unknown direction: %(direction)s.") % {"direction": direction})
    if order is not None and order.store_id != store.pk:
        raise ApplicationError(
            _("Order %(order)s is not an order of this store.") % {"order": order.external_id}
        )
    if carrier is None:
        carrier = _carrier_from_format(number, country=origin_country or store.marketplace)
    if shipped_at is not None and promised_by is not None and promised_by < shipped_at.date():
        raise ApplicationError(_("The promised date is before the shipping date."))
    destination = (destination_country or (order.shipping_country if order is not None else "")).upper()
    existing = _same_parcel(number, carrier)
    if existing is not None:
        return _already_tracked(existing, store=store, order=order)
    shipment = Shipment(
        store=store,
        order=order,
        carrier=carrier,
        tracking_number=number,
        direction=direction,
        origin_country=origin_country.upper(),
        destination_country=destination,
        shipped_at=shipped_at,
        promised_by=promised_by,
        provider="manual",
    )
    shipment.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            shipment.save(force_insert=True)
    except IntegrityError:
        # Added at the same moment by another request: theirs stands.
        existing = _same_parcel(number, carrier)
        if existing is None:
            raise
        return _already_tracked(existing, store=store, order=order)
    # An order's parcel with its carrier: the order's platform is told after the commit.
    shipment_tracking_push_queue(shipment=shipment)
    return AddedShipment(shipment=shipment, created=True)


def _same_parcel(number: str, carrier: Carrier | None) -> Shipment | None:
    return Shipment.objects.filter(tracking_number=number, carrier=carrier).first()


def _already_tracked(existing: Shipment, *, store: Store, order: Order | None) -> AddedShipment:
    same_order = order is None or existing.order_id in (None, order.pk)
    if existing.store_id == store.pk and same_order:
        return AddedShipment(shipment=existing, created=False)
    raise ApplicationError(
        _("Tracking number %(number)s is already tracked for another order.")
        % {"number": existing.tracking_number},
        extra={"conflict": True, "code": "already_tracked"},
    )


def _carrier_from_format(number: str, *, country: str) -> Carrier | None:
    candidates = [c for c in detect_number(number, country_hint=country) if c.check_digit_ok is not False]
    codes = {candidate.carrier for candidate in candidates}
    if len(codes) != 1:
        return None  # none or several carriers use this format: leave it to the provider
    return Carrier.objects.filter(code=codes.pop()).first()
