"""Shopee Open Platform v2 orders (``/api/v2/order/get_order_detail``) in the one commerce shape.

The order is the detail object with the optional fields ``buyer_user_id``, ``buyer_username``,
``item_list``, ``total_amount``, ``recipient_address``, ``currency``, ``update_time`` and
``order_status`` requested. Shopee has no order id apart from the ``order_sn`` the buyer sees
("240315K9T2QW7A"), so it is both the platform id and the number. Times are Unix seconds.
Buyers' e-mail addresses are never shown to sellers: the buyer is their user id and username.

The detail gives the buyer's total only (``total_amount``, after vouchers, with shipping);
shipping, tax and voucher shares are in the escrow API, which the helpdesk does not read: the
subtotal is the total and shipping and tax are 0. A line is an item and its model (variation):
``item_list[].item_id`` / ``model_id``, ``model_quantity_purchased`` at
``model_discounted_price`` each.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from helpdesk.commerce.shapes import (
    CustomerData,
    LineData,
    OrderData,
    country,
    currency,
    get,
    money,
    not_negative,
    objects,
    platform_id,
    quantity,
    text,
)
from helpdesk.webhooks import MalformedPayload

# Shopee order_status -> customers.models.Order.Status
ORDER_STATUS = {
    "UNPAID": "pending",
    "INVOICE_PENDING": "pending",  # Brazil: paid, waiting for the seller's invoice
    "READY_TO_SHIP": "paid",
    "PROCESSED": "paid",
    "RETRY_SHIP": "paid",
    "IN_CANCEL": "paid",  # the buyer asked to cancel; still paid until the seller decides
    "SHIPPED": "fulfilled",
    "TO_CONFIRM_RECEIVE": "fulfilled",
    "TO_RETURN": "fulfilled",  # a return is under way; the refund is recorded when it happens
    "COMPLETED": "fulfilled",
    "CANCELLED": "cancelled",
}


def unix_time(payload: Any, path: str) -> dt.datetime | None:
    """A Unix time in seconds (Shopee's ``create_time``, ``update_time``)."""
    value = get(payload, path)
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedPayload(f"The field '{path}' should be a Unix time in seconds.")
    try:
        moment = dt.datetime.fromtimestamp(value, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedPayload(f"The field '{path}' is not a plausible time.") from None
    if not 1990 <= moment.year <= 2100:
        raise MalformedPayload(f"The field '{path}' is not a plausible date ({moment.year}).")
    return moment


def _line(item: dict[str, Any], index: int, taken: set[str]) -> LineData:
    path = f"item_list[{index}]"
    item_id = platform_id(item, "item_id")
    model_id = platform_id(item, "model_id", required=False)
    line_id = f"{item_id}-{model_id}" if model_id not in ("", "0") else item_id
    if line_id in taken:  # the same model twice (an add-on deal): keep the lines apart
        line_id = f"{line_id}-{index}"
    taken.add(line_id)
    count = quantity(item, "model_quantity_purchased")
    price = money(item, "model_discounted_price")
    if price == 0:
        price = money(item, "model_original_price")
    price = not_negative(price, f"{path}.model_discounted_price")
    model_sku = text(item, "model_sku", limit=100)
    return LineData(
        platform_id=line_id[:64],
        sku=model_sku or text(item, "item_sku", limit=100),
        title=" - ".join(part for part in (text(item, "item_name"), text(item, "model_name")) if part)[:300],
        quantity=count,
        unit_price=price,
        total_paid=price * count,
        product_id=item_id,
    )


def order(payload: dict[str, Any]) -> OrderData:
    order_sn = platform_id(payload, "order_sn")
    buyer_id = platform_id(payload, "buyer_user_id", required=False)
    username = text(payload, "buyer_username", limit=200)
    region = country(payload, "recipient_address.region") or country(payload, "region")
    buyer = None
    if buyer_id not in ("", "0"):
        buyer = CustomerData(platform_id=buyer_id, name=username, country=region)
    taken: set[str] = set()
    lines = tuple(_line(item, index, taken) for index, item in enumerate(objects(payload, "item_list")))
    total = not_negative(money(payload, "total_amount"), "total_amount")
    address = get(payload, "recipient_address")
    ship_to = {
        key: value
        for key, value in (address if isinstance(address, dict) else {}).items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }
    status = text(payload, "order_status").upper()
    return OrderData(
        platform_id=order_sn,
        number=order_sn,
        status=ORDER_STATUS.get(status, "pending"),
        placed_at=unix_time(payload, "create_time"),
        updated_at=unix_time(payload, "update_time"),
        currency=currency(payload, "currency"),
        subtotal=total,
        shipping_total=Decimal(0),
        tax_total=Decimal(0),
        total=total,
        customer=buyer,
        shipping_name=text(payload, "recipient_address.name", limit=200) or username,
        shipping_country=region,
        shipping_postal_code=text(payload, "recipient_address.zipcode", limit=20),
        shipping_address=ship_to,
        lines=lines,
    )
