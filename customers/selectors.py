"""Every non-trivial read of customers and orders, scoped to the stores the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import translation

from customers.models import Customer, CustomerIdentity, CustomerTag, Order, OrderLine, Store, Tag
from helpdesk.access import ALL_STORES, Viewer, visible_store_ids

# How many of a customer's orders, tickets and returns the customer 360 shows.
CUSTOMER_360_LIMIT = 50


def customer_visible_to(*, user: Viewer) -> QuerySet[Customer]:
    """Customers with an order or a ticket in a store the user may see (managers: everyone)."""
    store_ids = visible_store_ids(user)
    customers = Customer.objects.all()
    if store_ids is ALL_STORES:
        return customers
    with_order = Order.objects.filter(store_id__in=store_ids, customer__isnull=False).values("customer_id")
    # Through the reverse relation, so this app never imports tickets.
    with_ticket = Customer.objects.filter(tickets__store_id__in=store_ids).values("id")
    return customers.filter(Q(id__in=with_order) | Q(id__in=with_ticket))


def customer_list(*, user: Viewer, query: str = "") -> QuerySet[Customer]:
    """The customer list, newest first, searched by name, e-mail, phone or any platform identity."""
    customers = customer_visible_to(user=user).filter(merged_into__isnull=True)
    query = query.strip()
    if query:
        by_identity = CustomerIdentity.objects.filter(value__icontains=query).values("customer_id")
        customers = customers.filter(
            Q(display_name__icontains=query)
            | Q(email__icontains=query)
            | Q(phone__icontains=query)
            | Q(id__in=by_identity)
        )
    return customers.prefetch_related("tags").order_by("-created_at", "-id")


def customer_get_for_user(*, user: Viewer, customer_id: int) -> Customer:
    """A customer the user may see; raises ``Customer.DoesNotExist`` otherwise (same as missing)."""
    return customer_visible_to(user=user).select_related("merged_into").get(pk=customer_id)


def _scoped(queryset: QuerySet[Any], user: Viewer) -> QuerySet[Any]:
    store_ids = visible_store_ids(user)
    return queryset if store_ids is ALL_STORES else queryset.filter(store_id__in=store_ids)


@dataclass(frozen=True)
class Customer360:
    customer: Customer
    identities: list[CustomerIdentity]
    tag_links: list[CustomerTag]
    orders: list[Order]
    tickets: list[Any]
    returns: list[Any]


def customer_360(*, user: Viewer, customer: Customer) -> Customer360:
    """Everything about one customer the user may see: identities, tags, orders, tickets, returns.

    Orders, tickets and returns are limited to the stores visible to ``user``; tickets
    and returns are read through the reverse relations so this app imports no other.
    """
    identities = list(customer.identities.order_by("platform", "kind", "value"))
    tag_links = list(customer.tag_links.select_related("tag", "set_by").order_by("tag__name"))
    orders = list(
        _scoped(customer.orders.all(), user)
        .select_related("store")
        .prefetch_related("lines")
        .order_by("-placed_at", "-id")[:CUSTOMER_360_LIMIT]
    )
    tickets = list(
        _scoped(customer.tickets.all(), user)
        .select_related("store", "assignee", "order")
        .order_by("-created_at", "-id")[:CUSTOMER_360_LIMIT]
    )
    returns = list(
        _scoped(customer.returns.all(), user)
        .select_related("store", "order")
        .order_by("-requested_at", "-id")[:CUSTOMER_360_LIMIT]
    )
    return Customer360(
        customer=customer,
        identities=identities,
        tag_links=tag_links,
        orders=orders,
        tickets=tickets,
        returns=returns,
    )


def store_list_for_user(*, user: Viewer) -> QuerySet[Store]:
    """The stores the user may see, by name (for filters and pickers)."""
    store_ids = visible_store_ids(user)
    stores = Store.objects.all() if store_ids is ALL_STORES else Store.objects.filter(id__in=store_ids)
    return stores.order_by("name", "id")


def tag_list() -> QuerySet[Tag]:
    """Every tag, by name (tags belong to no store)."""
    return Tag.objects.order_by("name", "id")


def tag_get_by_slug(*, slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first() if slug and len(slug) <= 60 else None


def order_lines(*, order: Order) -> QuerySet[OrderLine]:
    """The lines of an order the caller has already fetched through a scoped selector."""
    return order.lines.select_related("product").order_by("id")


def store_for_inbound_key(*, key: str) -> Store | None:
    """The active store a public key names (contact form, chat widget, platform webhooks)."""
    if not key or len(key) > 64:
        return None
    return Store.objects.filter(inbound_key=key, is_active=True).first()


def order_of_buyer(*, store: Store, number: str, email: str) -> Order | None:
    """The store's order with this number, if it was placed with this e-mail address.

    For public forms: a number that belongs to someone else finds nothing, the same
    answer as a number that does not exist.
    """
    number, email = number.strip(), email.strip()
    if not number or not email or len(number) > 64:
        return None
    return (
        Order.objects.filter(store=store, external_id=number)
        .filter(Q(email__iexact=email) | Q(customer__email__iexact=email))
        .first()
    )


def store_public_languages(*, store: Store) -> list[str]:
    """The languages of the store's public pages (contact form, chat widget): English, and
    the store's own language when the helpdesk ships a translation for it."""
    languages = [settings.LANGUAGE_CODE]
    try:
        own = translation.get_supported_language_variant(store.default_language)
    except LookupError:
        return languages
    return languages if own in languages else [*languages, own]
