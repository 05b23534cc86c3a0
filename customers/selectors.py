"""Every non-trivial read of customers and orders, scoped to the stores the user may see."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import (
    Customer,
    CustomerIdentity,
    CustomerMerge,
    CustomerTag,
    FollowUp,
    IdentityMatchSuggestion,
    Order,
    OrderLine,
    Store,
    Tag,
)
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
    parcels: list[Any] = field(default_factory=list)
    csat: list[Any] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    merges: list[CustomerMerge] = field(default_factory=list)
    suggestions: list[IdentityMatchSuggestion] = field(default_factory=list)
    risk_flags: list[str] = field(default_factory=list)


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
    parcels = list(
        _scoped(apps.get_model("logistics", "Shipment").objects.filter(order__customer=customer), user)
        .select_related("carrier", "order")
        .order_by("-created_at", "-id")[:CUSTOMER_360_LIMIT]
    )
    csat = list(
        apps.get_model("tickets", "SurveyResponse")
        .objects.filter(survey__ticket__in=_scoped(customer.tickets.all(), user))
        .select_related("survey__ticket", "agent")
        .order_by("-responded_at", "-id")[:CUSTOMER_360_LIMIT]
    )
    follow_ups = list(
        customer.follow_ups.filter(done_at__isnull=True).select_related("owner").order_by("due_at", "id")
    )
    merges = list(
        CustomerMerge.objects.filter(Q(target=customer) | Q(source=customer))
        .select_related("source", "target", "actor", "undone_by")
        .order_by("-at", "-id")
    )
    suggestions = list(
        customer_visible_match_suggestions(user=user).filter(Q(customer=customer) | Q(candidate=customer))
    )
    return Customer360(
        customer=customer,
        identities=identities,
        tag_links=tag_links,
        orders=orders,
        tickets=tickets,
        returns=returns,
        parcels=parcels,
        csat=csat,
        follow_ups=follow_ups,
        merges=merges,
        suggestions=suggestions,
        risk_flags=customer_risk_flags(customer=customer, tag_slugs={link.tag.slug for link in tag_links}),
    )


# Automatic tags that warn an agent before offering a refund or compensation.
RISK_TAG_SLUGS = {"serial-returner": _("Serial returner"), "frequent-complainer": _("Frequent complainer")}
FREQUENT_CLAIMS = 3


def customer_risk_flags(*, customer: Customer, tag_slugs: set[str]) -> list[str]:
    """Short warnings about a customer, for the 360 page."""
    flags = [str(label) for slug, label in RISK_TAG_SLUGS.items() if slug in tag_slugs]
    if customer.claims_count >= FREQUENT_CLAIMS:
        flags.append(str(_("%(count)s claims filed") % {"count": customer.claims_count}))
    if (
        customer.orders_count
        and customer.returns_count * 2 >= customer.orders_count
        and customer.returns_count >= 2
    ):
        flags.append(
            str(_("Returned %(returns)s of %(orders)s orders"))
            % {"returns": customer.returns_count, "orders": customer.orders_count}
        )
    return flags


def customer_visible_match_suggestions(*, user: Viewer) -> QuerySet[IdentityMatchSuggestion]:
    """Pending "same person?" suggestions about two customers the user may both see."""
    visible = customer_visible_to(user=user).values("id")
    return (
        IdentityMatchSuggestion.objects.filter(
            status=IdentityMatchSuggestion.Status.PENDING, customer__in=visible, candidate__in=visible
        )
        .select_related("customer", "candidate")
        .order_by("-score", "-created_at", "-id")
    )


def customer_merge_get_for_user(*, user: Viewer, merge_id: int) -> CustomerMerge:
    """A merge whose kept customer the user may see; ``CustomerMerge.DoesNotExist`` otherwise."""
    visible = customer_visible_to(user=user).values("id")
    return CustomerMerge.objects.select_related("source", "target").get(pk=merge_id, target__in=visible)


def follow_ups_due(*, user: Viewer, now: datetime | None = None) -> QuerySet[FollowUp]:
    """The user's open follow-ups that are due, oldest first (their inbox block)."""
    now = now or timezone.now()
    return follow_ups_open(user=user).filter(due_at__lte=now)


def follow_ups_open(*, user: Viewer) -> QuerySet[FollowUp]:
    """Every open follow-up the user owns, soonest first."""
    if not user.is_authenticated:
        return FollowUp.objects.none()
    return (
        FollowUp.objects.filter(owner_id=user.pk, done_at__isnull=True)
        .select_related("customer")
        .order_by("due_at", "id")
    )


def follow_up_get_for_owner(*, user: Viewer, follow_up_id: int) -> FollowUp:
    return FollowUp.objects.get(pk=follow_up_id, owner_id=user.pk)


@dataclass(frozen=True)
class SegmentFilters:
    country: str = ""
    query: str = ""
    store_id: int | None = None


def segment_list() -> QuerySet[Tag]:
    """Every tag with how many live customers carry it, automatic segments first."""
    live = Q(
        customer_links__customer__merged_into__isnull=True, customer_links__customer__erased_at__isnull=True
    )
    return Tag.objects.annotate(members=Count("customer_links", filter=live)).order_by("kind", "name", "id")


def segment_members(*, user: Viewer, tag: Tag, filters: SegmentFilters) -> QuerySet[CustomerTag]:
    """The live customers carrying ``tag`` that the user may see, filtered; newest tag first."""
    links = CustomerTag.objects.filter(
        tag=tag,
        customer__in=customer_visible_to(user=user).filter(merged_into__isnull=True, erased_at__isnull=True),
    )
    if filters.country:
        links = links.filter(customer__country__iexact=filters.country)
    if filters.query:
        links = links.filter(
            Q(customer__display_name__icontains=filters.query) | Q(customer__email__icontains=filters.query)
        )
    if filters.store_id is not None:
        store_ids = visible_store_ids(user)
        if store_ids is not ALL_STORES and filters.store_id not in store_ids:
            return links.none()
        links = links.filter(
            Q(customer__orders__store_id=filters.store_id) | Q(customer__tickets__store_id=filters.store_id)
        ).distinct()
    return links.select_related("customer", "set_by").order_by("-set_at", "-id")


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


def order_platform_id(*, store: Store, numbers: Collection[str]) -> str | None:
    """The platform-side id (``platform_id``) of the store's order known by one of ``numbers``
    (its ``external_id``, as the buyer and the agents write it); None when no such order has
    one. For the connectors whose API addresses orders by an id other than their number."""
    return (
        Order.objects.filter(store=store, external_id__in=numbers)
        .exclude(platform_id="")
        .values_list("platform_id", flat=True)
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


# --- REST API reads (customers/api.py) --------------------------------------------------------


def order_visible_to(*, user: Viewer) -> QuerySet[Order]:
    """Orders of the stores the user may see, each with its lines (newest first)."""
    return (
        _scoped(Order.objects.all(), user)
        .select_related("customer")
        .prefetch_related("lines")
        .defer("raw")
        .order_by("-id")
    )


def customer_visible_for_api(*, user: Viewer) -> QuerySet[Customer]:
    """The customers the user may see (merged-away profiles left out), with their tags."""
    return (
        customer_visible_to(user=user)
        .filter(merged_into__isnull=True)
        .prefetch_related("tags")
        .order_by("-id")
    )
