"""Orders, parcels and policies as the return rules meet them, built in one call each."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from decimal import Decimal

from django.utils import timezone
from PIL import Image

from customers.models import Order, OrderLine, Store
from logistics.models import Shipment, TrackingStatus
from returns.models import ItemCondition, ReturnPolicy, ReturnReason
from returns.services.photos import PhotoInput
from returns.services.requests import ReturnLineInput
from tests.factories import (
    CarrierFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    ReturnPolicyFactory,
    ShipmentFactory,
)

SKUS = itertools.count(1)


def policy(store: Store, **fields: object) -> ReturnPolicy:
    """The store's default policy: 30 days, seller pays for its own faults, no fees."""
    defaults: dict[str, object] = {
        "category": "",
        "window_days": 30,
        "accepted_conditions": ["unopened", "like_new"],
        "seller_pays_shipping_reasons": [
            ReturnReason.DAMAGED,
            ReturnReason.WRONG_ITEM,
            ReturnReason.MISSING_ITEM,
            ReturnReason.NOT_AS_DESCRIBED,
            ReturnReason.DEFECTIVE,
        ],
        "returnless_max_value": Decimal("0.00"),
    }
    defaults.update(fields)
    return ReturnPolicyFactory(store=store, **defaults)


def delivered_order(
    store: Store,
    *,
    price: Decimal = Decimal("39.90"),
    quantity: int = 2,
    category: str = "lighting",
    title: str = "Rechargeable LED desk lamp, Black",
    sku: str = "",
    placed: dt.datetime | None = None,
    delivered: dt.datetime | None = None,
    parcel_status: str = TrackingStatus.DELIVERED,
    with_parcel: bool = True,
    customer_orders: int = 2,
    customer_returns: int = 0,
) -> Order:
    """An order of one line, delivered five days ago unless told otherwise."""
    now = timezone.now()
    delivered = delivered or now - dt.timedelta(days=5)
    placed = placed or delivered - dt.timedelta(days=7)
    customer = CustomerFactory(orders_count=customer_orders, returns_count=customer_returns, language="de")
    order = OrderFactory(store=store, customer=customer, placed_at=placed, currency=store.currency)
    product = ProductFactory(
        store=store, sku=sku or f"LAMP-{next(SKUS):05d}-BLK", title=title, category=category, price=price
    )
    OrderLineFactory(
        order=order,
        product=product,
        quantity=quantity,
        unit_price=price,
        total_paid=price * quantity,
        external_id=f"{order.pk}001",
    )
    order.total = price * quantity + Decimal("4.90")
    order.save(update_fields=["total"])
    if with_parcel:
        ShipmentFactory(
            store=store,
            order=order,
            carrier=CarrierFactory(),
            status=parcel_status,
            direction=Shipment.Direction.OUTBOUND,
            shipped_at=placed + dt.timedelta(days=1),
            delivered_at=delivered if parcel_status == TrackingStatus.DELIVERED else None,
        )
    return order


def first_line(order: Order) -> OrderLine:
    return order.lines.select_related("product", "order__store").get()


def photo(name: str = "crack.jpg", colour: str = "red") -> PhotoInput:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return PhotoInput(name=name, content_type="image/jpeg", data=buffer.getvalue(), width=64, height=48)


def line_input(
    order: Order,
    *,
    quantity: int = 1,
    reason: str = ReturnReason.DOES_NOT_FIT,
    condition: str = ItemCondition.UNOPENED,
    photos: list[PhotoInput] | None = None,
    **extra: object,
) -> ReturnLineInput:
    return ReturnLineInput(
        order_line=first_line(order),
        quantity=quantity,
        reason=reason,
        condition=condition,
        photos=photos or [],
        **extra,  # type: ignore[arg-type]
    )
