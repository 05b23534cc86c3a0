"""Who may see which stores. Every selector that lists or fetches store-owned data
scopes through here, so the inbox, the API and the exports always agree.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

ALL_STORES = None

# Whoever is looking: a signed-in user or an anonymous visitor.
Viewer = User | AnonymousUser


def visible_store_ids(user: Viewer) -> frozenset[int] | None:
    """The ids of the stores ``user`` may see; ``None`` means every store (managers)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.has_perm("tickets.view_all_tickets"):
        return ALL_STORES
    Team = apps.get_model("tickets", "Team")
    store_ids = (
        Team.objects.filter(Q(members__user=user) | Q(lead=user))
        .exclude(stores=None)
        .values_list("stores", flat=True)
    )
    return frozenset(store_ids)


def scope_to_user(queryset: QuerySet, user: Viewer, *, store_field: str = "store") -> QuerySet:
    store_ids = visible_store_ids(user)
    if store_ids is ALL_STORES:
        return queryset
    return queryset.filter(**{f"{store_field}__in": store_ids})
