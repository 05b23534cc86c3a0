"""Every non-trivial read of returns, scoped to the stores the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from helpdesk.access import Viewer, scope_to_user
from returns.models import CompensationOffer, Refund, ReturnEvent, ReturnLine, ReturnPhoto, ReturnRequest

if TYPE_CHECKING:
    from returns.services.compensation import CompensationSuggestion
    from tickets.models import Ticket


def return_visible_to(*, user: Viewer) -> QuerySet[ReturnRequest]:
    return scope_to_user(ReturnRequest.objects.all(), user)


def return_list(
    *, user: Viewer, status: str = "", store_id: int | None = None, source: str = "", query: str = ""
) -> QuerySet[ReturnRequest]:
    """The returns queue: those waiting for a person's review first (the answer due soonest
    on top), then the newest. Filters: status, store, source, and an RMA or order number
    (unknown values are ignored)."""
    returns = return_visible_to(user=user)
    if status in ReturnRequest.Status.values:
        returns = returns.filter(status=status)
    if store_id is not None:
        returns = returns.filter(store_id=store_id)
    if source in ReturnRequest.Source.values:
        returns = returns.filter(source=source)
    query = query.strip()
    if query:
        bare = query.lstrip("#")
        returns = returns.filter(
            Q(rma_number__iexact=query)
            | Q(order__external_id__iexact=bare)
            | Q(order__external_id__iexact=f"#{bare}")
        )
    in_review = Q(status=ReturnRequest.Status.NEEDS_REVIEW)
    return (
        returns.select_related("store", "order", "customer")
        .annotate(
            line_count=Count("lines"),
            queue_rank=Case(When(in_review, then=Value(0)), default=Value(1), output_field=IntegerField()),
            review_due=Case(When(in_review, then=F("review_due_at")), default=None),
        )
        .order_by("queue_rank", F("review_due").asc(nulls_last=True), "-requested_at", "-id")
    )


def return_review_count(*, user: Viewer) -> int:
    """How many returns wait for a person's decision in the stores the user sees."""
    return return_visible_to(user=user).filter(status=ReturnRequest.Status.NEEDS_REVIEW).count()


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
                queryset=ReturnLine.objects.select_related("order_line__product", "exchange_for")
                .prefetch_related("photos")
                .order_by("id"),
            ),
            Prefetch(
                "events",
                queryset=ReturnEvent.objects.select_related("actor").order_by("created_at", "id"),
            ),
            "refunds",
        )
        .get(pk=return_id)
    )


def return_photo_get_for_user(*, user: Viewer, photo_id: int) -> ReturnPhoto:
    """A photo of a return the user may see; raises ``ReturnPhoto.DoesNotExist`` otherwise."""
    return ReturnPhoto.objects.select_related("return_line__return_request").get(
        pk=photo_id, return_line__return_request__in=return_visible_to(user=user)
    )


def return_list_for_order(*, user: Viewer, order_id: int) -> QuerySet[ReturnRequest]:
    """The returns of one order, newest first (for the ticket side panel)."""
    return (
        return_visible_to(user=user)
        .filter(order_id=order_id)
        .annotate(line_count=Count("lines"))
        .order_by("-requested_at", "-id")
    )


# --- compensation on the ticket page ---------------------------------------------------------


@dataclass(frozen=True)
class CompensationPanel:
    """What the ticket page shows about compensation: the suggestion (with its reasons), or why
    there is none, and the offers already made."""

    suggestion: CompensationSuggestion | None
    blocked: str  # why nothing is suggested, when the agent should know
    offers: list[CompensationOffer]
    live: CompensationOffer | None
    may_offer: bool
    choice_link: str = ""  # the live offer's link, when it is the customer's choice


def compensation_panel(*, user: Viewer, ticket: Ticket) -> CompensationPanel:
    """The compensation card of a ticket the user may see (the caller checked that)."""
    from returns.services.compensation import (
        compensation_blocked_by_claim_risk,
        compensation_choice_link,
        compensation_held_by_tag,
        compensation_live_offer,
        compensation_suggest,
    )

    order = ticket.order
    offers = list(
        CompensationOffer.objects.filter(
            Q(ticket=ticket) | Q(order=order, ticket=None) if order else Q(ticket=ticket)
        )
        .select_related("refund", "reship_shipment", "offered_by")
        .order_by("-created_at", "-id")
    )
    may_offer = user.has_perm("returns.add_compensationoffer")
    if order is None:
        return CompensationPanel(None, _("Link the order to see a suggestion."), offers, None, may_offer)
    live = compensation_live_offer(order=order, ticket=ticket)
    link = (
        compensation_choice_link(live)
        if live is not None and live.kind == CompensationOffer.Kind.CHOICE
        else ""
    )
    if live is None and compensation_blocked_by_claim_risk(order=order, ticket=ticket):
        blocked = _("The claim is flagged or scored as high risk: no compensation is offered.")
        return CompensationPanel(None, blocked, offers, None, may_offer)
    held = compensation_held_by_tag(order=order) if live is None else ""
    if held:
        return CompensationPanel(None, held, offers, None, may_offer)
    suggestion = compensation_suggest(order=order, ticket=ticket) if live is None else None
    return CompensationPanel(suggestion, "", offers, live, may_offer, link)


def compensation_offer_for_ticket(*, ticket: Ticket, offer_id: int) -> CompensationOffer | None:
    """An offer shown on this ticket's page (made on it, or on its order without a ticket)."""
    mine = Q(ticket=ticket) | (Q(order_id=ticket.order_id, ticket=None) if ticket.order_id else Q(pk__in=[]))
    return CompensationOffer.objects.filter(mine, pk=offer_id).select_related("order__store").first()


# --- REST API reads (returns/api.py) ----------------------------------------------------------


def return_list_for_api(*, user: Viewer) -> QuerySet[ReturnRequest]:
    """Returns of the stores the user may see, each with its lines (newest first)."""
    return (
        return_visible_to(user=user)
        .prefetch_related(Prefetch("lines", queryset=ReturnLine.objects.order_by("id")))
        .order_by("-id")
    )


def refund_visible_to(*, user: Viewer) -> QuerySet[Refund]:
    """The refund ledger of the stores the user may see (newest first)."""
    return scope_to_user(Refund.objects.all(), user, store_field="order__store").order_by("-id")
