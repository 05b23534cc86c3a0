"""Signed links to the customer tracking page (``/track/<token>/``), for replies and notices.

A link names one order (all its parcels) or one parcel; it cannot be guessed, is salted so no
other signed token of the project is accepted as one, and expires after
``TRACKING_LINK_DAYS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from customers.models import Order
from helpdesk.signed_links import LinkInvalid, signed_object_load
from logistics.models import Shipment

SALT = "logistics.tracking.link"
DAY = 24 * 3600


@dataclass(frozen=True)
class LinkTarget:
    order_id: int | None = None
    shipment_id: int | None = None


def tracking_token(target: Shipment | Order) -> str:
    if isinstance(target, Shipment):
        payload = {"s": target.pk}
    elif isinstance(target, Order):
        payload = {"o": target.pk}
    else:
        raise TypeError(f"A tracking link names an order or a shipment, not {type(target).__name__}.")
    if target.pk is None:
        raise ValueError("A tracking link needs a saved order or shipment.")
    return signing.dumps(payload, salt=SALT, compress=True)


def tracking_path_for(target: Shipment | Order, *, language: str = "") -> str:
    path = reverse("tracking:link", kwargs={"token": tracking_token(target)})
    return f"{path}?lang={language}" if language else path


def tracking_link_for(target: Shipment | Order, *, language: str = "") -> str:
    """The absolute signed URL of the tracking page of ``target`` (an order or one parcel),
    in ``language`` when given (else the customer's browser decides)."""
    return settings.HELPDESK_PUBLIC_URL.rstrip("/") + tracking_path_for(target, language=language)


def tracking_token_read(token: str) -> LinkTarget:
    """What a token names; raises ``LinkExpired`` or ``LinkInvalid``."""
    data = signed_object_load(token, salt=SALT, max_age=settings.TRACKING_LINK_DAYS * DAY)
    order_id, shipment_id = data.get("o"), data.get("s")
    if isinstance(order_id, int) and not isinstance(order_id, bool):
        return LinkTarget(order_id=order_id)
    if isinstance(shipment_id, int) and not isinstance(shipment_id, bool):
        return LinkTarget(shipment_id=shipment_id)
    raise LinkInvalid
