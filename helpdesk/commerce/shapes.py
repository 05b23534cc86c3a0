"""What a shop's webhook says, in one shape whatever the platform: orders, refunds, parcels, customers.

Each platform module (``shopify``, ``woocommerce``) reads its JSON into these; the services of
the app that owns the data (customers, returns, logistics) take them from here. Reading is
strict where a wrong value would store something wrong (money, ids, dates) and raises
``MalformedPayload`` with the field's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from helpdesk.webhooks import MalformedPayload

CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")  # money_field: 14 digits, 2 places


@dataclass(frozen=True)
class CustomerData:
    platform_id: str = ""
    email: str = ""
    name: str = ""
    phone: str = ""
    country: str = ""
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class LineData:
    platform_id: str
    sku: str
    title: str
    quantity: int
    unit_price: Decimal
    total_paid: Decimal
    product_id: str = ""


@dataclass(frozen=True)
class OrderData:
    platform_id: str
    number: str  # what the customer sees: "#1001", "727"
    status: str  # customers.models.Order.Status
    placed_at: dt.datetime | None
    updated_at: dt.datetime | None
    currency: str
    subtotal: Decimal
    shipping_total: Decimal
    tax_total: Decimal
    total: Decimal
    email: str = ""
    customer: CustomerData | None = None
    shipping_name: str = ""
    shipping_country: str = ""
    shipping_postal_code: str = ""
    shipping_address: dict[str, Any] = field(default_factory=dict)
    lines: tuple[LineData, ...] = ()
    refunds: tuple[RefundData, ...] = ()  # refunds listed on the order (WooCommerce)


@dataclass(frozen=True)
class RefundData:
    platform_id: str
    order_platform_id: str
    amount: Decimal
    currency: str = ""  # empty: the order's
    line_platform_id: str = ""  # set when the refund is for exactly one line
    reason: str = ""
    processed_at: dt.datetime | None = None
    note: str = ""  # carries the helpdesk's own marker when the helpdesk made the refund


@dataclass(frozen=True)
class ParcelData:
    platform_id: str
    order_platform_id: str
    carrier_name: str
    tracking_numbers: tuple[str, ...]
    status: str  # the fulfillment's state on the platform: success, cancelled, failure, …
    shipped_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


# --- reading JSON ---------------------------------------------------------------------------


def get(payload: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(payload, dict):
            return None
        payload = payload.get(key)
    return payload


def text(payload: Any, path: str, *, required: bool = False, limit: int = 300) -> str:
    value = get(payload, path)
    if value is None or value == "":
        if required:
            raise MalformedPayload(f"The field '{path}' is missing or empty.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise MalformedPayload(f"The field '{path}' should be text or a number.")
    return str(value).replace("\x00", "").strip()[:limit]


def platform_id(payload: Any, path: str, *, required: bool = True) -> str:
    """A platform id: digits (Shopify, WooCommerce) or a gid ending in them; at most 64 characters."""
    value = text(payload, path, required=required, limit=1000)
    if isinstance(get(payload, path), float):
        raise MalformedPayload(f"The field '{path}' should be a whole number.")
    value = value.rsplit("/", 1)[-1] if value.startswith("gid://") else value
    if len(value) > 64:
        raise MalformedPayload(f"The field '{path}' is longer than 64 characters.")
    return value


def money(payload: Any, path: str, *, default: Decimal | None = Decimal(0)) -> Decimal:
    value = get(payload, path)
    if value is None or value == "":
        if default is None:
            raise MalformedPayload(f"The field '{path}' is missing.")
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise MalformedPayload(f"The field '{path}' should be an amount.")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise MalformedPayload(f"The field '{path}' is not an amount: {str(value)[:40]!r}.") from None
    if not amount.is_finite() or abs(amount) > MAX_MONEY:
        raise MalformedPayload(f"The field '{path}' is not a storable amount.")
    return amount.quantize(CENT)


def not_negative(amount: Decimal, path: str) -> Decimal:
    if amount < 0:
        raise MalformedPayload(f"The field '{path}' cannot be negative.")
    return amount


def quantity(payload: Any, path: str) -> int:
    value = get(payload, path)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 1_000_000:
        raise MalformedPayload(f"The field '{path}' should be a whole number above zero.")
    return value


def currency(payload: Any, path: str) -> str:
    value = text(payload, path).upper()
    if value and (len(value) != 3 or not value.isalpha() or not value.isascii()):
        raise MalformedPayload(f"The field '{path}' is not an ISO 4217 currency code.")
    return value


def when(payload: Any, path: str, *, naive_is_utc: bool = True) -> dt.datetime | None:
    """ISO 8601 with or without an offset (without: UTC), as platforms write it."""
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
        moment = moment.replace(tzinfo=dt.UTC)
    if not 1990 <= moment.year <= 2100:
        raise MalformedPayload(f"The field '{path}' is not a plausible date ({moment.year}).")
    return moment.astimezone(dt.UTC)


def country(payload: Any, path: str) -> str:
    value = text(payload, path).upper()
    return value if len(value) == 2 and value.isalpha() and value.isascii() else ""


def objects(payload: Any, path: str) -> list[dict[str, Any]]:
    value = get(payload, path)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise MalformedPayload(f"The field '{path}' should be a list of objects.")
    return value


def full_name(*parts: str) -> str:
    return " ".join(part for part in parts if part)[:200]
