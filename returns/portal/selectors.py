"""Reads of the public returns portal. No user: access comes from a look-up or a signed link."""

from __future__ import annotations

import hmac
import re

from django.db.models import Prefetch, Q, QuerySet

from customers.models import Order, OrderLine, Store
from logistics.models import TrackingEvent
from returns.models import ReturnEvent, ReturnLine, ReturnRequest

# Candidates for one typed order number: the same number in several stores is rare, but
# possible; every candidate is checked the same way.
MAX_CANDIDATES = 5
# Digits, letters, spaces and hyphens are what people type into a postal-code field.
NOT_POSTAL = re.compile(r"[\s\-]")


def _normalised_number(number: str) -> str:
    return number.strip().lstrip("#").strip()


def _same(typed: str, stored: str) -> bool:
    # Compared in constant time: how long a comparison takes says nothing about the stored value.
    return hmac.compare_digest(typed.encode(), stored.encode())


def order_find_for_portal(*, order_number: str, proof: str, store: Store | None = None) -> Order | None:
    """The order with this number whose e-mail (or ship-to postal code) is ``proof``, or None.

    Every look-up runs the same single query whether the number exists or not, and checks
    every candidate whether an earlier one matched or not: a wrong e-mail and an unknown
    number take the same path.
    """
    bare = _normalised_number(order_number)
    if not bare:
        bare = "\x00"  # matches nothing, through the same query as any other number
    candidates = Order.objects.filter(
        Q(external_id__iexact=bare) | Q(external_id__iexact=f"#{bare}"), store__is_active=True
    ).select_related("customer", "store")
    if store is not None:
        candidates = candidates.filter(store=store)
    proof = proof.strip()
    is_email = "@" in proof
    typed = proof.casefold() if is_email else NOT_POSTAL.sub("", proof).casefold()
    found = None
    for order in candidates.order_by("pk")[:MAX_CANDIDATES]:
        if is_email:
            known = [order.email, order.customer.email if order.customer else ""]
        else:
            known = [NOT_POSTAL.sub("", order.shipping_postal_code)]
        matches = [_same(typed, value.casefold()) for value in known if value]
        if any(matches) and found is None:
            found = order
    return found


def order_for_portal(*, order_id: int) -> Order | None:
    """The order the session or a signed link names, with what the portal shows of it."""
    return (
        Order.objects.filter(pk=order_id, store__is_active=True)
        .select_related("store", "customer")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("id"))
        )
        .first()
    )


def order_returns_for_portal(*, order: Order) -> QuerySet[ReturnRequest]:
    """The order's returns, newest first, for the customer's overview."""
    return ReturnRequest.objects.filter(order=order).order_by("-requested_at", "-id")


def return_for_status(*, return_id: int, rma_number: str) -> ReturnRequest | None:
    """The return a status link names, with its lines, events and the return parcel's scans."""
    return (
        ReturnRequest.objects.filter(pk=return_id, rma_number=rma_number)
        .select_related("store", "order", "customer", "return_shipment__carrier")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related("order_line", "exchange_for").order_by("id"),
            ),
            Prefetch("events", queryset=ReturnEvent.objects.order_by("created_at", "id")),
        )
        .first()
    )


def return_parcel_events(*, return_request: ReturnRequest) -> list[TrackingEvent]:
    """The return parcel's checkpoints, newest first (empty without a parcel)."""
    if return_request.return_shipment_id is None:
        return []
    return list(
        TrackingEvent.objects.filter(shipment_id=return_request.return_shipment_id).order_by(
            "-occurred_at", "-id"
        )
    )


def return_exists_for_submission(*, submission_key: str) -> bool:
    return ReturnRequest.objects.filter(submission_key=submission_key).exists()
