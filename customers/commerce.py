"""Orders, lines, products and customers as a shop's webhooks describe them (every write here).

The platform's order id (``Order.platform_id``) names an order: an update that arrives before
its create makes the order, the create that follows updates it, and a delivery older than
what is stored (its ``updated_at``) changes nothing. Lines are upserted by the platform's line
id and never lose what the refund ledger recorded on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.models import Customer, Order, OrderLine, Product, Store
from customers.services import customer_resolve
from helpdesk.commerce.shapes import CustomerData, LineData, OrderData


@dataclass(frozen=True)
class OrderUpsert:
    order: Order
    created: bool
    stale: bool = False  # older than the stored order: nothing changed


def order_for_platform_id(*, store: Store, platform_id: str) -> Order | None:
    if not platform_id:
        return None
    return Order.objects.filter(store=store, platform_id=platform_id).first()


def _customer_for(store: Store, data: OrderData) -> Customer | None:
    buyer = data.customer or CustomerData()
    email = buyer.email or data.email
    if not buyer.platform_id and not email:
        return None  # a guest without an address: the order stands alone
    customer = customer_resolve(
        store=store, email=email, buyer_id=buyer.platform_id, name=buyer.name or data.shipping_name
    )
    _fill_profile(customer, buyer)
    return customer


def _fill_profile(customer: Customer, buyer: CustomerData, *, overwrite: bool = False) -> None:
    changed = []
    for field_name, value in (
        ("display_name", buyer.name),
        ("phone", buyer.phone),
        ("country", buyer.country),
        ("email", buyer.email),
    ):
        if (
            value
            and (overwrite or not getattr(customer, field_name))
            and getattr(customer, field_name) != value
        ):
            setattr(customer, field_name, value)
            changed.append(field_name)
    if changed:
        customer.save(update_fields=changed)


@transaction.atomic
def order_upsert_from_platform(*, store: Store, data: OrderData) -> OrderUpsert:
    """Create or update the store's order ``data.platform_id`` from a webhook's order."""
    order = Order.objects.select_for_update().filter(store=store, platform_id=data.platform_id).first()
    if order is None and data.number:
        # Imported before by its number (a CSV, the demo, an older connector): adopt it.
        order = (
            Order.objects.select_for_update()
            .filter(store=store, external_id=data.number, platform_id="")
            .first()
        )
    if (
        order is not None
        and order.platform_updated_at is not None
        and data.updated_at is not None
        and data.updated_at < order.platform_updated_at
    ):
        return OrderUpsert(order=order, created=False, stale=True)
    values = {
        "platform_id": data.platform_id,
        "external_id": (data.number or data.platform_id)[:64],
        "status": data.status,
        "currency": data.currency or (order.currency if order else store.currency),
        "subtotal": data.subtotal,
        "shipping_total": data.shipping_total,
        "tax_total": data.tax_total,
        "total": data.total,
        "email": data.email,
        "shipping_name": data.shipping_name,
        "shipping_country": data.shipping_country,
        "shipping_postal_code": data.shipping_postal_code,
        "shipping_address": data.shipping_address,
        "platform_updated_at": data.updated_at or (order.platform_updated_at if order else None),
    }
    customer = _customer_for(store, data)
    if customer is not None:
        values["customer"] = customer
    created = order is None
    if order is None:
        order = Order(store=store, placed_at=data.placed_at or timezone.now(), **values)
        try:
            with transaction.atomic():
                order.save(force_insert=True)
        except IntegrityError:
            # The same order from a concurrent delivery: it won, this delivery updates it.
            order = Order.objects.select_for_update().get(store=store, platform_id=data.platform_id)
            created = False
    if not created:
        for name, value in values.items():
            setattr(order, name, value)
        if data.placed_at is not None:
            order.placed_at = data.placed_at
        order.save(update_fields=[*values, "placed_at", "updated_at"])
    for line in data.lines:
        _line_upsert(order, line)
    return OrderUpsert(order=order, created=created)


def _product_for(order: Order, line: LineData) -> Product | None:
    if not line.sku:
        return None
    product, _created = Product.objects.get_or_create(
        store_id=order.store_id,
        sku=line.sku,
        defaults={
            "title": line.title[:300] or line.sku,
            "price": line.unit_price,
            "currency": order.currency,
            "external_id": line.product_id,
        },
    )
    if line.product_id and not product.external_id:
        product.external_id = line.product_id
        product.save(update_fields=["external_id"])
    return product


def _line_upsert(order: Order, line: LineData) -> OrderLine:
    existing = OrderLine.objects.select_for_update().filter(order=order, external_id=line.platform_id).first()
    values = {
        "product": _product_for(order, line),
        "sku": line.sku,
        "title": line.title[:300],
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "total_paid": line.total_paid,
    }
    if existing is None:
        return OrderLine.objects.create(order=order, external_id=line.platform_id, **values)
    # What the ledger refunded on the line stays covered, whatever the platform now says was paid.
    values["total_paid"] = max(line.total_paid, existing.refunded_amount)
    for name, value in values.items():
        setattr(existing, name, value)
    existing.save(update_fields=list(values))
    return existing


def order_line_for_platform_id(*, order: Order, platform_id: str) -> OrderLine | None:
    if not platform_id:
        return None
    return OrderLine.objects.filter(order=order, external_id=platform_id).first()


def order_mark_shipped(*, order: Order) -> bool:
    """A paid order whose parcel left is shown as shipped; refunded or cancelled ones stay so."""
    return bool(
        Order.objects.filter(pk=order.pk, status=Order.Status.PAID).update(
            status=Order.Status.FULFILLED, updated_at=timezone.now()
        )
    )


@transaction.atomic
def customer_update_from_platform(*, store: Store, data: CustomerData) -> Customer | None:
    """A shop's customer record changed: the same person (by buyer id or e-mail), new details."""
    if not data.platform_id and not data.email:
        return None
    customer = customer_resolve(store=store, email=data.email, buyer_id=data.platform_id, name=data.name)
    _fill_profile(customer, data, overwrite=True)
    return customer
