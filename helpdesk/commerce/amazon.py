"""Amazon's orders (Selling Partner API, Orders v0) in the one commerce shape.

The body is an ``Order`` of ``getOrders`` with its items (``getOrderItems``' ``OrderItems``)
added under ``"OrderItems"`` by the connector (``helpdesk.platforms.amazon``); Amazon sends no
order webhooks. The order id (3-7-7 digits, ``303-1234567-1234567``) is both the platform id and
the number the buyer sees.

Amazon hides the buyer's address: ``BuyerInfo.BuyerEmail`` is the anonymised relay address
(``k3x9q…@marketplace.amazon.de``) that the Buyer-Seller Messaging relay forwards to the buyer,
the same address the buyer's e-mails arrive from, so it is the customer's e-mail here too and
a buyer's order and messages meet on one customer. ``BuyerInfo`` and the street lines of
``ShippingAddress`` come only with a restricted data token; without one the order is stored
without them (city, postal code and country are not restricted).

Amounts are as Amazon lists them: ``ItemPrice`` is the line's price times its quantity (tax
included in the EU and UK marketplaces, where ``ItemTax`` is the part of it that is tax),
promotions are subtracted, ``OrderTotal`` is the order's total (absent while ``Pending``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from helpdesk.commerce.shapes import (
    CENT,
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
    text,
    when,
)
from helpdesk.webhooks import MalformedPayload

# Amazon's OrderStatus -> customers.models.Order.Status
ORDER_STATUS = {
    "PendingAvailability": "pending",  # a pre-order: not charged yet
    "Pending": "pending",  # placed, payment not authorised yet
    "Unshipped": "paid",
    "PartiallyShipped": "paid",
    "Shipped": "fulfilled",
    "InvoiceUnconfirmed": "fulfilled",  # shipped, the invoice not yet confirmed (Amazon Business)
    "Canceled": "cancelled",
    "Unfulfillable": "cancelled",  # Multi-Channel Fulfilment that cannot be fulfilled
}

ADDRESS_FIELDS = (
    "Name",
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "City",
    "County",
    "District",
    "StateOrRegion",
    "PostalCode",
    "CountryCode",
    "Phone",
    "AddressType",
)


def _quantity(item: dict[str, Any], index: int) -> int:
    value = item.get("QuantityOrdered")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise MalformedPayload(f"The field 'OrderItems[{index}].QuantityOrdered' should be a whole number.")
    return value


def _line(item: dict[str, Any], index: int) -> LineData | None:
    path = f"OrderItems[{index}]"
    count = _quantity(item, index)
    if count == 0:
        return None  # a cancelled item: Amazon keeps it on the order with nothing ordered
    price = not_negative(money(item, "ItemPrice.Amount"), f"{path}.ItemPrice.Amount")
    paid = max(price - abs(money(item, "PromotionDiscount.Amount")), Decimal(0))
    return LineData(
        platform_id=platform_id(item, "OrderItemId"),
        sku=text(item, "SellerSKU", limit=100),
        title=text(item, "Title") or text(item, "SellerSKU") or text(item, "ASIN"),
        quantity=count,
        unit_price=(price / count).quantize(CENT),
        total_paid=paid,
        product_id=text(item, "ASIN", limit=64),
    )


def _sum(items: list[dict[str, Any]], *paths: str, sign: int = 1) -> Decimal:
    total = Decimal(0)
    for item in items:
        for path in paths:
            total += abs(money(item, path)) if sign < 0 else money(item, path)
    return total


def order(payload: dict[str, Any]) -> OrderData:
    order_id = platform_id(payload, "AmazonOrderId")
    every_item = objects(payload, "OrderItems")
    lines = tuple(line for index, item in enumerate(every_item) if (line := _line(item, index)) is not None)
    items = [item for item in every_item if item.get("QuantityOrdered")]  # a cancelled item costs nothing
    subtotal = max(
        _sum(items, "ItemPrice.Amount") - _sum(items, "PromotionDiscount.Amount", sign=-1), Decimal(0)
    )
    shipping = max(
        _sum(items, "ShippingPrice.Amount") - _sum(items, "ShippingDiscount.Amount", sign=-1), Decimal(0)
    )
    tax = max(_sum(items, "ItemTax.Amount", "ShippingTax.Amount"), Decimal(0))
    if get(payload, "OrderTotal.Amount") in (None, ""):
        total = subtotal + shipping  # a Pending order has no total yet
    else:
        total = not_negative(money(payload, "OrderTotal.Amount"), "OrderTotal.Amount")
    email = text(payload, "BuyerInfo.BuyerEmail", limit=254).lower()
    name = text(payload, "BuyerInfo.BuyerName", limit=200)
    ship_name = text(payload, "ShippingAddress.Name", limit=200)
    ship_country = country(payload, "ShippingAddress.CountryCode")
    address = get(payload, "ShippingAddress")
    ship_to = {
        key: value
        for key, value in (address if isinstance(address, dict) else {}).items()
        if key in ADDRESS_FIELDS and isinstance(value, str) and value
    }
    buyer = CustomerData(email=email, name=name or ship_name, country=ship_country) if email else None
    return OrderData(
        platform_id=order_id,
        number=order_id,
        status=ORDER_STATUS.get(text(payload, "OrderStatus"), "pending"),
        placed_at=when(payload, "PurchaseDate"),
        updated_at=when(payload, "LastUpdateDate"),
        currency=currency(payload, "OrderTotal.CurrencyCode")
        or next((code for item in items if (code := currency(item, "ItemPrice.CurrencyCode"))), ""),
        subtotal=subtotal,
        shipping_total=shipping,
        tax_total=tax,
        total=total,
        email=email,
        customer=buyer,
        shipping_name=ship_name or name,
        shipping_country=ship_country,
        shipping_postal_code=text(payload, "ShippingAddress.PostalCode", limit=20),
        shipping_address=ship_to,
        lines=lines,
    )
