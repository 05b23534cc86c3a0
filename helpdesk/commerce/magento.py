"""Magento 2 / Adobe Commerce's REST order (``GET /rest/V1/orders``) in the one commerce shape.

``entity_id`` is the platform id (what every ``/V1/order/<id>/…`` endpoint takes) and
``increment_id`` ("000000123") the number the buyer sees. Amounts are JSON numbers in the
order's currency (``order_currency_code``; the ``base_*`` fields are the website's base
currency and are not read). Dates are ``YYYY-MM-DD HH:MM:SS`` in UTC.

Items: a configurable (or bundle) product is one parent item carrying the price and child items
(``parent_item_id`` set) for the chosen variant; the children are left out so the buyer's line
is counted once. The ship-to address is in ``extension_attributes.shipping_assignments`` (the
billing address when the order has nothing to ship). Magento's order lists no credit memos, so
no refunds are read from it: the ledger records the helpdesk's own refunds when it makes them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from helpdesk.commerce.shapes import (
    CustomerData,
    LineData,
    OrderData,
    country,
    currency,
    full_name,
    get,
    money,
    not_negative,
    objects,
    platform_id,
    text,
    when,
)
from helpdesk.webhooks import MalformedPayload

# Magento order state (the fixed lifecycle; ``status`` is a shop-defined label) -> Order.Status
ORDER_STATE = {
    "new": "pending",
    "pending_payment": "pending",
    "payment_review": "pending",
    "processing": "paid",
    "holded": "paid",  # put on hold by the shop after checkout; paid or not, it is not cancelled
    "complete": "fulfilled",
    "closed": "refunded",  # every invoiced item refunded by credit memos
    "canceled": "cancelled",
}


def _quantity(item: dict[str, Any], path: str) -> int:
    """Magento writes quantities as decimals (``1``, ``1.0``, ``"1.0000"``); whole ones only."""
    value = get(item, "qty_ordered")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MalformedPayload(f"The field '{path}.qty_ordered' should be a whole number above zero.")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise MalformedPayload(f"The field '{path}.qty_ordered' is not a number.") from None
    if not amount.is_finite() or amount != amount.to_integral_value() or not 0 < amount <= 1_000_000:
        raise MalformedPayload(f"The field '{path}.qty_ordered' should be a whole number above zero.")
    return int(amount)


def _line(item: dict[str, Any], index: int) -> LineData:
    path = f"items[{index}]"
    paid = money(item, "row_total") + money(item, "tax_amount") - abs(money(item, "discount_amount"))
    return LineData(
        platform_id=platform_id(item, "item_id"),
        sku=text(item, "sku", limit=100),
        title=text(item, "name") or text(item, "sku"),
        quantity=_quantity(item, path),
        unit_price=not_negative(money(item, "price"), f"{path}.price"),
        total_paid=max(paid, Decimal(0)),  # a 100% discount may leave rounding cents below zero
        product_id=platform_id(item, "product_id", required=False),
    )


def _ship_to(payload: dict[str, Any]) -> dict[str, Any]:
    for assignment in objects(payload, "extension_attributes.shipping_assignments"):
        address = get(assignment, "shipping.address")
        if isinstance(address, dict) and address:
            return address
    return {}


def _address(address: dict[str, Any]) -> dict[str, Any]:
    """The address's plain fields; the street lines (a list) joined one per line."""
    flat: dict[str, Any] = {
        key: value
        for key, value in address.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }
    street = address.get("street")
    if isinstance(street, list):
        flat["street"] = "\n".join(str(line) for line in street if isinstance(line, str | int) and line)
    return flat


def order(payload: dict[str, Any]) -> OrderData:
    order_id = platform_id(payload, "entity_id")
    billing = get(payload, "billing_address")
    billing = billing if isinstance(billing, dict) else {}
    shipping = _ship_to(payload) or billing
    email = (text(payload, "customer_email", limit=254) or text(billing, "email", limit=254)).lower()
    name = full_name(text(payload, "customer_firstname"), text(payload, "customer_lastname")) or full_name(
        text(billing, "firstname"), text(billing, "lastname")
    )
    customer_id = platform_id(payload, "customer_id", required=False)
    buyer = None
    if customer_id or email:
        buyer = CustomerData(
            platform_id=customer_id,
            email=email,
            name=name,
            phone=text(billing, "telephone", limit=40),
            country=country(billing, "country_id"),
        )
    items = objects(payload, "items")
    lines = tuple(_line(item, index) for index, item in enumerate(items) if not get(item, "parent_item_id"))
    total = not_negative(money(payload, "grand_total", default=None), "grand_total")
    shipping_total = not_negative(money(payload, "shipping_amount"), "shipping_amount")
    tax = not_negative(money(payload, "tax_amount"), "tax_amount")
    refunded = not_negative(money(payload, "total_refunded"), "total_refunded")
    status = ORDER_STATE.get(text(payload, "state"), "pending")
    if status in ("paid", "fulfilled") and 0 < refunded < total:
        status = "partially_refunded"
    return OrderData(
        platform_id=order_id,
        number=text(payload, "increment_id", limit=64) or order_id,
        status=status,
        placed_at=when(payload, "created_at"),
        updated_at=when(payload, "updated_at"),
        currency=currency(payload, "order_currency_code"),
        subtotal=max(total - shipping_total - tax, Decimal(0)),
        shipping_total=shipping_total,
        tax_total=tax,
        total=total,
        email=email,
        customer=buyer,
        shipping_name=full_name(text(shipping, "firstname"), text(shipping, "lastname")) or name,
        shipping_country=country(shipping, "country_id") or country(billing, "country_id"),
        shipping_postal_code=text(shipping, "postcode", limit=20),
        shipping_address=_address(shipping),
        lines=lines,
    )
