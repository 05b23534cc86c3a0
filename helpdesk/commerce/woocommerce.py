"""WooCommerce's order webhooks (``order.created``, ``order.updated``) in the one commerce shape.

The body is the REST API v3 order object. WooCommerce has no refund topic: a refund made in
the shop fires ``order.updated``, whose ``refunds`` list holds each refund as
``{"id", "reason", "total": "-10.00"}`` (negative), so refunds are read from there.
Dates without an offset: the ``*_gmt`` fields are UTC and preferred.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from helpdesk.commerce.shapes import (
    CustomerData,
    LineData,
    OrderData,
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

ORDER_TOPICS = frozenset({"order.created", "order.updated"})

# WooCommerce order status -> customers.models.Order.Status
ORDER_STATUS = {
    "pending": "pending",
    "on-hold": "pending",
    "checkout-draft": "pending",
    "processing": "paid",
    "completed": "fulfilled",
    "cancelled": "cancelled",
    "failed": "cancelled",
    "trash": "cancelled",
    "refunded": "refunded",
}


def _line(item: dict[str, Any], index: int) -> LineData:
    path = f"line_items[{index}]"
    count = quantity(item, "quantity")
    product = platform_id(item, "variation_id", required=False)
    if product in ("", "0"):
        product = platform_id(item, "product_id", required=False)
    return LineData(
        platform_id=platform_id(item, "id"),
        sku=text(item, "sku", limit=100),
        title=text(item, "name") or text(item, "sku"),
        quantity=count,
        unit_price=not_negative(money(item, "price"), f"{path}.price"),
        # "total" is after discounts, before tax; the tax the customer paid on it is added.
        total_paid=not_negative(money(item, "total") + money(item, "total_tax"), f"{path}.total"),
        product_id="" if product == "0" else product,
    )


def _refund(item: dict[str, Any], order_id: str) -> RefundData:
    return RefundData(
        platform_id=platform_id(item, "id"),
        order_platform_id=order_id,
        amount=abs(money(item, "total", default=None)),
        reason=text(item, "reason"),
    )


def order(payload: dict[str, Any]) -> OrderData:
    order_id = platform_id(payload, "id")
    customer_id = platform_id(payload, "customer_id", required=False)
    email = text(payload, "billing.email", limit=254).lower()
    name = full_name(text(payload, "billing.first_name"), text(payload, "billing.last_name"))
    buyer = None
    if customer_id not in ("", "0") or email:
        buyer = CustomerData(
            platform_id="" if customer_id == "0" else customer_id,
            email=email,
            name=name,
            phone=text(payload, "billing.phone", limit=40),
            country=country(payload, "billing.country"),
        )
    lines = tuple(_line(item, index) for index, item in enumerate(objects(payload, "line_items")))
    shipping = not_negative(money(payload, "shipping_total"), "shipping_total")
    tax = not_negative(money(payload, "total_tax"), "total_tax")
    total = not_negative(money(payload, "total"), "total")
    shipping_address = get(payload, "shipping")
    ship_to = {
        key: value
        for key, value in (shipping_address if isinstance(shipping_address, dict) else {}).items()
        if isinstance(value, str | int | float)
    }
    return OrderData(
        platform_id=order_id,
        number=text(payload, "number", limit=64) or order_id,
        status=ORDER_STATUS.get(text(payload, "status"), "pending"),
        placed_at=when(payload, "date_created_gmt") or when(payload, "date_created"),
        updated_at=when(payload, "date_modified_gmt") or when(payload, "date_modified"),
        currency=currency(payload, "currency"),
        subtotal=max(total - shipping - tax, Decimal(0)),
        shipping_total=shipping,
        tax_total=tax,
        total=total,
        email=email,
        customer=buyer,
        shipping_name=full_name(text(payload, "shipping.first_name"), text(payload, "shipping.last_name"))
        or name,
        shipping_country=country(payload, "shipping.country") or country(payload, "billing.country"),
        shipping_postal_code=text(payload, "shipping.postcode", limit=20),
        shipping_address=ship_to,
        lines=lines,
        refunds=tuple(_refund(item, order_id) for item in objects(payload, "refunds")),
    )
