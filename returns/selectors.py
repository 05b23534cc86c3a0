"""Every non-trivial read of returns, scoped to the stores the user may see."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from helpdesk.access import Viewer, scope_to_user
from returns.models import ReturnEvent, ReturnLine, ReturnRequest


def return_visible_to(*, user: Viewer) -> QuerySet[ReturnRequest]:
    return scope_to_user(ReturnRequest.objects.all(), user)


def return_list(*, user: Viewer, status: str = "") -> QuerySet[ReturnRequest]:
    """The returns queue, newest first, optionally of one status (an unknown status is ignored)."""
    returns = return_visible_to(user=user)
    if status in ReturnRequest.Status.values:
        returns = returns.filter(status=status)
    return (
        returns.select_related("store", "order", "customer")
        .annotate(line_count=Count("lines"))
        .order_by("-requested_at", "-id")
    )


def return_get_for_user(*, user: Viewer, return_id: int) -> ReturnRequest:
    """A return the user may see, with its lines, events and refunds.

    Raises ``ReturnRequest.DoesNotExist`` when it is missing or not visible.
    """
    return (
        return_visible_to(user=user)
        .select_related("store", "order", "customer", "ticket", "decided_by", "return_shipment__carrier")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related("order_line__product").order_by("id"),
            ),
            Prefetch(
                "events",
                queryset=ReturnEvent.objects.select_related("actor").order_by("created_at", "id"),
            ),
            "refunds",
        )
        .get(pk=return_id)
    )


def return_list_for_order(*, user: Viewer, order_id: int) -> QuerySet[ReturnRequest]:
    """The returns of one order, newest first (for the ticket side panel)."""
    return (
        return_visible_to(user=user)
        .filter(order_id=order_id)
        .annotate(line_count=Count("lines"))
        .order_by("-requested_at", "-id")
    )
