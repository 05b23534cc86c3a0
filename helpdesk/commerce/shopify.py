"""Shopify's webhook bodies (Admin REST API 2024-04 objects, bare) in the one commerce shape.

Topics: ``orders/create`` and ``orders/updated`` (Order), ``refunds/create`` (Refund),
``fulfillments/create`` and ``fulfillments/update`` (Fulfillment), ``customers/update``
(Customer). Field names as Shopify documents them and as its SDK's test payloads
(``../shared/data/shopify``) carry them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from helpdesk.commerce.shapes import (
    CustomerData,
    LineData,
    OrderData,
    ParcelData,
    RefundData,
    country,
    currency,
    full_name,
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

ORDER_TOPICS = frozenset({"orders/create", "orders/updated"})
REFUND_TOPICS = frozenset({"refunds/create"})
PARCEL_TOPICS = frozenset({"fulfillments/create", "fulfillments/update"})
CUSTOMER_TOPICS = frozenset({"customers/update"})

# financial_status -> customers.models.Order.Status
FINANCIAL_STATUS = {
    "pending": "pending",
    "authorized": "pending",
    "partially_paid": "pending",
    "paid": "paid",
    "partially_refunded": "partially_refunded",
    "refunded": "refunded",
    "voided": "cancelled",
    "expired": "cancelled",
}


def customer(payload: dict[str, Any]) -> CustomerData:
    return CustomerData(
        platform_id=platform_id(payload, "id"),
        email=text(payload, "email", limit=254).lower(),
        name=full_name(text(payload, "first_name"), text(payload, "last_name")),
        phone=text(payload, "phone", limit=40),
        country=country(payload, "default_address.country_code"),
        updated_at=when(payload, "updated_at"),
    )


def _order_status(payload: dict[str, Any]) -> str:
    if text(payload, "cancelled_at"):
        return "cancelled"
    status = FINANCIAL_STATUS.get(text(payload, "financial_status"), "paid")
    if status == "paid" and text(payload, "fulfillment_status") == "fulfilled":
        return "fulfilled"
    return status


def _line(item: dict[str, Any], index: int) -> LineData:
    path = f"line_items[{index}]"
    price = not_negative(money(item, "price"), f"{path}.price")
    count = quantity(item, "quantity")
    discount = money(item, "total_discount")
    for allocation in objects(item, "discount_allocations"):
        discount += money(allocation, "amount")
    return LineData(
        platform_id=platform_id(item, "id"),
        sku=text(item, "sku", limit=100),
        title=text(item, "name") or text(item, "title") or text(item, "sku"),
        quantity=count,
        unit_price=price,
        total_paid=max(price * count - discount, Decimal(0)),
        product_id=platform_id(item, "product_id", required=False),
    )


def _shipping(payload: dict[str, Any]) -> Decimal:
    if get(payload, "total_shipping_price_set.shop_money.amount") not in (None, ""):
        return money(payload, "total_shipping_price_set.shop_money.amount")
    return sum((money(line, "price") for line in objects(payload, "shipping_lines")), Decimal(0))


def order(payload: dict[str, Any]) -> OrderData:
    buyer = get(payload, "customer")
    ship_to = get(payload, "shipping_address")
    ship_to = ship_to if isinstance(ship_to, dict) else {}
    return OrderData(
        platform_id=platform_id(payload, "id"),
        number=text(payload, "name", limit=64) or text(payload, "order_number", limit=64),
        status=_order_status(payload),
        placed_at=when(payload, "processed_at") or when(payload, "created_at"),
        updated_at=when(payload, "updated_at"),
        currency=currency(payload, "currency"),
        subtotal=not_negative(money(payload, "subtotal_price"), "subtotal_price"),
        shipping_total=not_negative(_shipping(payload), "total_shipping_price_set"),
        tax_total=not_negative(money(payload, "total_tax"), "total_tax"),
        total=not_negative(money(payload, "total_price"), "total_price"),
        email=(text(payload, "email", limit=254) or text(payload, "contact_email", limit=254)).lower(),
        customer=customer(buyer) if isinstance(buyer, dict) and get(buyer, "id") is not None else None,
        shipping_name=text(ship_to, "name", limit=200),
        shipping_country=country(ship_to, "country_code"),
        shipping_postal_code=text(ship_to, "zip", limit=20),
        shipping_address={
            key: value for key, value in ship_to.items() if isinstance(value, str | int | float)
        },
        lines=tuple(_line(item, index) for index, item in enumerate(objects(payload, "line_items"))),
    )


def refund(payload: dict[str, Any]) -> RefundData:
    """The money of a refund is its successful ``refund`` transactions (a refund may restock only)."""
    amount = Decimal(0)
    refund_currency = ""
    for transaction in objects(payload, "transactions"):
        if text(transaction, "kind") != "refund" or text(transaction, "status") not in ("", "success"):
            continue
        amount += not_negative(money(transaction, "amount"), "transactions.amount")
        refund_currency = refund_currency or currency(transaction, "currency")
    lines = objects(payload, "refund_line_items")
    return RefundData(
        platform_id=platform_id(payload, "id"),
        order_platform_id=platform_id(payload, "order_id"),
        amount=amount,
        currency=refund_currency,
        line_platform_id=platform_id(lines[0], "line_item_id", required=False) if len(lines) == 1 else "",
        reason=text(payload, "note"),
        processed_at=when(payload, "processed_at") or when(payload, "created_at"),
        note=text(payload, "note", limit=1000),
    )


def parcel(payload: dict[str, Any]) -> ParcelData:
    numbers = get(payload, "tracking_numbers")
    if numbers is None:
        numbers = [text(payload, "tracking_number")] if text(payload, "tracking_number") else []
    if not isinstance(numbers, list) or not all(isinstance(number, str) for number in numbers):
        raise MalformedPayload("The field 'tracking_numbers' should be a list of texts.")
    return ParcelData(
        platform_id=platform_id(payload, "id"),
        order_platform_id=platform_id(payload, "order_id"),
        carrier_name=text(payload, "tracking_company", limit=100),
        tracking_numbers=tuple(number.strip() for number in numbers[:20] if number.strip()),
        status=text(payload, "status"),  # the fulfillment's; shipment_status is the carrier's news
        shipped_at=when(payload, "created_at"),
        updated_at=when(payload, "updated_at"),
    )
