"""Orchestrates the demo: reference data first, then tickets in blocks with a progress bar."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import Customer, Order
from returns.models import ReturnRequest
from tickets.demo import blocks, keys, reference, self_service
from tickets.models import AgentProfile, Intent, Ticket

CLAIM_INTENTS = (Intent.NOT_RECEIVED, Intent.DAMAGED_ITEM, Intent.WRONG_ITEM, Intent.MISSING_ITEM)


def seed_demo(*, scale: int, block_size: int, progress: Callable[[int, int], None]) -> dict[str, int]:
    """Create the demo up to ``scale`` tickets; returns how many tickets were added."""
    now = timezone.now().replace(microsecond=0)
    stores = reference.ensure_stores()
    carriers = reference.ensure_carriers()
    reference.ensure_mailboxes(stores)
    tags = reference.ensure_tags()
    teams, _users = reference.ensure_teams_and_users(stores)
    reference.ensure_sla_policies(stores)
    reference.ensure_templates()
    self_service.ensure_self_service_templates()
    reference.ensure_macros()
    reference.ensure_return_policies(stores)
    reference.ensure_rule_sets(now)
    for team in teams.values():
        team.store_ids = set(team.stores.values_list("id", flat=True))
    agents_by_team: dict[int, list[int]] = {}
    for profile in AgentProfile.objects.prefetch_related("teams").select_related("user"):
        for team in profile.teams.all():
            agents_by_team.setdefault(team.pk, []).append(profile.user_id)
    ctx = blocks.Context(
        now=now,
        stores=stores,
        carriers=carriers,
        teams=teams,
        agents_by_team=agents_by_team,
        products=blocks.ensure_products(stores),
        tags=tags,
    )
    done = Ticket.objects.filter(reference__startswith=keys.TICKET_PREFIX).count()
    added = 0
    progress(done, scale)
    for first in range(done, scale, block_size):
        last = min(first + block_size, scale)
        added += blocks.build_block(ctx, first, last)
        progress(last, scale)
    if added:
        _refresh_customer_totals()
        if connection.vendor == "postgresql":
            # Fresh statistics after a bulk load, or the planner misjudges the inbox queries.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    return {"added": added, "total": done + added}


def _refresh_customer_totals() -> None:
    def count(queryset: QuerySet) -> Coalesce:
        grouped = queryset.filter(customer=OuterRef("pk")).values("customer")
        return Coalesce(Subquery(grouped.annotate(n=Count("id")).values("n")), 0)

    orders = Order.objects.filter(customer=OuterRef("pk")).values("customer")
    Customer.objects.update(
        orders_count=count(Order.objects.all()),
        returns_count=count(ReturnRequest.objects.all()),
        claims_count=count(Ticket.objects.filter(intent__in=CLAIM_INTENTS)),
        lifetime_value=Coalesce(Subquery(orders.annotate(total=Sum("total")).values("total")), 0),
    )
