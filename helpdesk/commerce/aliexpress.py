"""AliExpress orders (``aliexpress.solution.order.info.get``'s ``result.data``) in the one commerce shape.

The detail is AliExpress's ``GlobalAeopTpOrderDetailDTO``: ``id``, ``order_status``,
``logistics_status``, ``gmt_create``/``gmt_modified`` (US Pacific time, ``YYYY-MM-DD HH:MM:SS``,
no offset), ``order_amount``/``logistics_amount`` as money objects ``{"amount": "12.34",
"currency_code": "USD", "cent": 1234, "cent_factor": 100}``, ``buyer_info``/``buyerloginid``,
``receipt_address`` and ``child_order_list`` (one child order per product line). The gateway wraps
every list in an object named after its item type (``{"global_aeop_tp_child_order_dto": [...]}``)
unless the call asked for ``simplify=true``; both forms are read.

AliExpress gives no buyer e-mail: the buyer is known by login id, the same id its messages carry
as ``sender_login_id``, so an order and a buyer's message meet on the same customer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

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
    platform_id,
    quantity,
    text,
)
from helpdesk.webhooks import MalformedPayload

# AliExpress's order dates are US Pacific time without an offset.
PACIFIC = ZoneInfo("America/Los_Angeles")
PACIFIC_FORMAT = "%Y-%m-%d %H:%M:%S"

# AliExpress order status -> customers.models.Order.Status (FINISH, IN_ISSUE and IN_FROZEN
# depend on whether the parcel left: see ``_status``)
ORDER_STATUS = {
    "PLACE_ORDER_SUCCESS": "pending",  # waiting for the buyer to pay
    "RISK_CONTROL": "pending",  # paid, held for the 24-hour risk check
    "WAIT_SELLER_EXAMINE_MONEY": "pending",
    "IN_CANCEL": "paid",  # the buyer asked to cancel; still paid until the seller agrees
    "WAIT_SELLER_SEND_GOODS": "paid",
    "SELLER_PART_SEND_GOODS": "paid",
    "WAIT_BUYER_ACCEPT_GOODS": "fulfilled",
    "FUND_PROCESSING": "fulfilled",
}
SHIPPED = frozenset({"SELLER_SEND_GOODS", "SELLER_SEND_PART_GOODS", "BUYER_ACCEPT_GOODS"})


def pacific_text(moment: dt.datetime) -> str:
    """``moment`` as AliExpress writes its dates: Pacific time, no offset."""
    return moment.astimezone(PACIFIC).strftime(PACIFIC_FORMAT)


def pacific_time(payload: Any, path: str) -> dt.datetime | None:
    """A Pacific-time date of AliExpress (``2026-11-20 08:00:00``, or ISO with an offset) in UTC."""
    value = get(payload, path)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedPayload(f"The field '{path}' is not a date and time.")
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise MalformedPayload(f"The field '{path}' is not a date and time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PACIFIC)
    if not 1990 <= moment.year <= 2100:
        raise MalformedPayload(f"The field '{path}' is not a plausible date ({moment.year}).")
    return moment.astimezone(dt.UTC)


def items(payload: Any, path: str) -> list[dict[str, Any]]:
    """A list field, plain (``simplify=true``) or wrapped in ``{"<item type>": [...]}``."""
    value = get(payload, path)
    if value is None:
        return []
    if isinstance(value, dict):
        lists = [item for item in value.values() if isinstance(item, list)]
        if len(lists) != 1 or len(value) != 1:
            raise MalformedPayload(f"The field '{path}' should be a list of objects.")
        value = lists[0]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise MalformedPayload(f"The field '{path}' should be a list of objects.")
    return value


def amount(payload: Any, path: str, *, default: Decimal | None = Decimal(0)) -> Decimal:
    """A money object's amount: ``amount`` (text), else ``cent`` / ``cent_factor``."""
    if get(payload, f"{path}.amount") not in (None, ""):
        return money(payload, f"{path}.amount")
    cents = get(payload, f"{path}.cent")
    if cents in (None, ""):
        if default is None:
            raise MalformedPayload(f"The field '{path}' is missing.")
        return default
    factor = get(payload, f"{path}.cent_factor") or 100
    if (
        isinstance(cents, bool)
        or not isinstance(cents, int)
        or isinstance(factor, bool)
        or not isinstance(factor, int)
    ):
        raise MalformedPayload(f"The field '{path}.cent' should be a whole number of cents.")
    if factor <= 0:
        raise MalformedPayload(f"The field '{path}.cent_factor' should be above zero.")
    return money({"value": str(Decimal(cents) / Decimal(factor))}, "value")


def _status(payload: dict[str, Any]) -> str:
    status = text(payload, "order_status").upper()
    shipped = text(payload, "logistics_status").upper() in SHIPPED
    if status == "FINISH":
        # a closed order: completed if the parcel left, otherwise closed unpaid or cancelled
        return "fulfilled" if shipped else "cancelled"
    if status in ("IN_ISSUE", "IN_FROZEN"):
        return "fulfilled" if shipped else "paid"
    return ORDER_STATUS.get(status, "pending")


def _line(item: dict[str, Any], index: int) -> LineData:
    path = f"child_order_list[{index}]"
    count = quantity(item, "product_count")
    unit_price = not_negative(amount(item, "product_price"), f"{path}.product_price")
    paid = amount(item, "init_order_amt", default=None) if get(item, "init_order_amt") else unit_price * count
    product = platform_id(item, "product_id", required=False)
    return LineData(
        platform_id=platform_id(item, "id"),
        sku=text(item, "sku_code", limit=100),
        title=text(item, "product_name") or text(item, "sku_code"),
        quantity=count,
        unit_price=unit_price,
        total_paid=not_negative(paid, f"{path}.init_order_amt"),
        product_id="" if product == "0" else product,
    )


def order(payload: dict[str, Any]) -> OrderData:
    order_id = platform_id(payload, "id")
    login_id = text(payload, "buyer_info.login_id", limit=254) or text(payload, "buyerloginid", limit=254)
    name = text(payload, "buyer_signer_fullname", limit=200) or full_name(
        text(payload, "buyer_info.first_name"), text(payload, "buyer_info.last_name")
    )
    buyer = None
    if login_id:
        buyer = CustomerData(
            platform_id=login_id,
            name=name,
            country=country(payload, "buyer_info.country"),
        )
    total = not_negative(amount(payload, "order_amount", default=None), "order_amount")
    shipping = not_negative(amount(payload, "logistics_amount"), "logistics_amount")
    address = get(payload, "receipt_address")
    ship_to = {
        key: value
        for key, value in (address if isinstance(address, dict) else {}).items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }
    lines = tuple(_line(item, index) for index, item in enumerate(items(payload, "child_order_list")))
    return OrderData(
        platform_id=order_id,
        number=order_id,
        status=_status(payload),
        placed_at=pacific_time(payload, "gmt_create"),
        updated_at=pacific_time(payload, "gmt_modified"),
        currency=currency(payload, "order_amount.currency_code")
        or currency(payload, "order_amount.currency.currency_code"),
        subtotal=max(total - shipping, Decimal(0)),
        shipping_total=shipping,
        tax_total=Decimal(0),  # the order detail carries no tax figure
        total=total,
        customer=buyer,
        shipping_name=text(payload, "receipt_address.contact_person", limit=200) or name,
        shipping_country=country(payload, "receipt_address.country")
        or country(payload, "buyer_info.country"),
        shipping_postal_code=text(payload, "receipt_address.zip", limit=20),
        shipping_address=ship_to,
        lines=lines,
    )
