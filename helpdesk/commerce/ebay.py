"""eBay's order (Sell Fulfillment API ``getOrder``/``getOrders``) in the one commerce shape.

eBay names an order by ``orderId`` (``12-34567-89012``), which is both the platform id and the
number the buyer sees. The buyer is their eBay username; ``buyerRegistrationAddress.email`` is
the relay address eBay gives the seller. Money fields are ``{"value": "12.50", "currency"}``.
Refunds listed on the order (``paymentSummary.refunds``, and ``lineItems[].refunds`` for a
line's own refund) carry no comment, so they are matched to the ledger by their ``refundId``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from helpdesk.commerce.shapes import (
    CENT,
    CustomerData,
    LineData,
    OrderData,
    RefundData,
    country,
    currency,
    get,
    money,
    not_negative,
    objects,
    platform_id,
    quantity,
    text,
    when,
)
from helpdesk.webhooks import MalformedPayload


def _status(payload: dict[str, Any]) -> str:
    """customers.models.Order.Status from eBay's cancel, payment and fulfillment states."""
    if text(payload, "cancelStatus.cancelState").upper() == "CANCELED":
        return "cancelled"
    payment = text(payload, "orderPaymentStatus").upper()
    if payment == "FULLY_REFUNDED":
        return "refunded"
    if payment == "PARTIALLY_REFUNDED":
        return "partially_refunded"
    if payment in ("PENDING", "FAILED"):
        return "pending"
    if text(payload, "orderFulfillmentStatus").upper() == "FULFILLED":
        return "fulfilled"
    return "paid"


def _ship_to(payload: dict[str, Any]) -> dict[str, Any]:
    for index, instruction in enumerate(objects(payload, "fulfillmentStartInstructions")):
        ship_to = get(instruction, "shippingStep.shipTo")
        if isinstance(ship_to, dict):
            return ship_to
        if ship_to is not None:
            raise MalformedPayload(
                f"The field 'fulfillmentStartInstructions[{index}].shippingStep.shipTo' should be an object."
            )
    return {}


def _line(item: dict[str, Any], index: int) -> LineData:
    path = f"lineItems[{index}]"
    count = quantity(item, "quantity")
    cost = not_negative(money(item, "lineItemCost.value"), f"{path}.lineItemCost")  # price × quantity
    return LineData(
        platform_id=platform_id(item, "lineItemId"),
        sku=text(item, "sku", limit=100),
        title=text(item, "title") or text(item, "sku"),
        quantity=count,
        unit_price=(cost / count).quantize(CENT),
        total_paid=not_negative(money(item, "total.value", default=cost), f"{path}.total"),
        product_id=platform_id(item, "legacyItemId", required=False),
    )


def _refunds(payload: dict[str, Any], order_id: str) -> tuple[RefundData, ...]:
    found: list[RefundData] = []
    listed = [(item, "") for item in objects(payload, "paymentSummary.refunds")]
    for line in objects(payload, "lineItems"):
        line_id = platform_id(line, "lineItemId")
        listed += [(item, line_id) for item in objects(line, "refunds")]
    for item, line_id in listed:
        if text(item, "refundStatus").upper() == "FAILED" or not text(item, "refundId"):
            continue  # no money moved; a failed refund may not even have an id
        found.append(
            RefundData(
                platform_id=platform_id(item, "refundId"),
                order_platform_id=order_id,
                amount=abs(money(item, "amount.value", default=None)),
                currency=currency(item, "amount.currency"),
                line_platform_id=line_id,
                processed_at=when(item, "refundDate"),
            )
        )
    return tuple(found)


def order(payload: dict[str, Any]) -> OrderData:
    order_id = platform_id(payload, "orderId")
    username = text(payload, "buyer.username", limit=254)
    registration = get(payload, "buyer.buyerRegistrationAddress")
    email = text(registration, "email", limit=254).lower()
    name = text(registration, "fullName", limit=200)
    buyer = None
    if username or email:
        buyer = CustomerData(
            platform_id=username,
            email=email,
            name=name,
            phone=text(registration, "primaryPhone.phoneNumber", limit=40),
            country=country(registration, "contactAddress.countryCode"),
        )
    ship_to = _ship_to(payload)
    address = get(ship_to, "contactAddress")
    shipping_address = {
        key: value
        for key, value in (address if isinstance(address, dict) else {}).items()
        if isinstance(value, str | int | float)
    }
    total = not_negative(money(payload, "pricingSummary.total.value"), "pricingSummary.total")
    shipping = not_negative(
        money(payload, "pricingSummary.deliveryCost.value"), "pricingSummary.deliveryCost"
    )
    tax = not_negative(money(payload, "pricingSummary.tax.value"), "pricingSummary.tax")
    subtotal = money(
        payload, "pricingSummary.priceSubtotal.value", default=max(total - shipping - tax, Decimal(0))
    )
    return OrderData(
        platform_id=order_id,
        number=order_id,
        status=_status(payload),
        placed_at=when(payload, "creationDate"),
        updated_at=when(payload, "lastModifiedDate"),
        currency=currency(payload, "pricingSummary.total.currency"),
        subtotal=not_negative(subtotal, "pricingSummary.priceSubtotal"),
        shipping_total=shipping,
        tax_total=tax,
        total=total,
        email=email,
        customer=buyer,
        shipping_name=text(ship_to, "fullName", limit=200) or name,
        shipping_country=country(address, "countryCode") or (buyer.country if buyer else ""),
        shipping_postal_code=text(address, "postalCode", limit=20),
        shipping_address=shipping_address,
        lines=tuple(_line(item, index) for index, item in enumerate(objects(payload, "lineItems"))),
        refunds=_refunds(payload, order_id),
    )
