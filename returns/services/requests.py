"""Submitting a return: from the portal, an agent (from a ticket) or the API.

``return_request_submit`` checks the input, runs the rule engine, records every rule with its
outcome and the decision, and carries an approval on at once (label and return parcel, or the
refund for a returnless return). It is idempotent on the submission key: a double submit or a
retried request returns the return made the first time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import Order, OrderLine, Product
from helpdesk.exceptions import ApplicationError
from returns.models import ItemCondition, Resolution, ReturnLine, ReturnReason, ReturnRequest
from returns.services.decision import LineRequest, return_decide
from returns.services.eligibility import order_facts, order_line_eligibility
from returns.services.photos import PhotoInput, photo_attach, photo_check
from returns.services.workflow import (
    return_after_approval,
    return_event_log,
    return_transition,
    rma_number_new,
)

if TYPE_CHECKING:
    from tickets.models import Ticket

__all__ = ["PhotoInput", "ReturnLineInput", "return_request_submit"]

MAX_PHOTOS_PER_LINE = 10
Actor = User | AnonymousUser | None


@dataclass(frozen=True)
class ReturnLineInput:
    order_line: OrderLine
    quantity: int
    reason: str
    condition: str
    comment: str = ""
    exchange_for: Product | None = None
    photos: list[PhotoInput] = field(default_factory=list)


def return_request_submit(
    *,
    order: Order,
    lines: Sequence[ReturnLineInput],
    resolution: str,
    source: str,
    submission_key: str,
    actor: Actor = None,
    ticket: Ticket | None = None,
    language: str = "",
) -> ReturnRequest:
    """Create a return with its lines and photos, decide it by the rules, and carry an
    approval on. A second call with the same ``submission_key`` returns the same return."""
    key = (submission_key or "").strip()
    if not key or len(key) > 64:
        raise ApplicationError(_("A return needs a submission key of at most 64 characters."))
    existing = ReturnRequest.objects.filter(submission_key=key).first()
    if existing is not None:
        return _same_order_or_error(existing, order)
    language = (
        language or (order.customer.language if order.customer else "") or order.store.default_language
    )[:10]
    _check_input(order=order, lines=lines, resolution=resolution, source=source)
    try:
        with transaction.atomic():
            return _submit(
                order=order,
                lines=lines,
                resolution=resolution,
                source=source,
                key=key,
                actor=actor,
                ticket=ticket,
                language=language,
            )
    except IntegrityError:
        # The same key committed meanwhile by a request holding another order's lock.
        existing = ReturnRequest.objects.filter(submission_key=key).first()
        if existing is None:
            raise
        return _same_order_or_error(existing, order)


def _same_order_or_error(existing: ReturnRequest, order: Order) -> ReturnRequest:
    if existing.order_id != order.pk:
        raise ApplicationError(_("This submission key was already used for another order."))
    return existing


def _check_input(*, order: Order, lines: Sequence[ReturnLineInput], resolution: str, source: str) -> None:
    """Shape errors: nothing is created, and the caller is told what to fix."""
    if source not in ReturnRequest.Source.values:
        raise ApplicationError(_("Unknown source: %(source)s.") % {"source": source})
    if resolution not in Resolution.values:
        raise ApplicationError(_("Choose how you want to be refunded."))
    if not lines:
        raise ApplicationError(_("Choose at least one item to return."))
    seen: set[int] = set()
    for line in lines:
        order_line = line.order_line
        if order_line.order_id != order.pk:
            raise ApplicationError(_("“%(title)s” is not part of this order.") % {"title": order_line.title})
        if order_line.pk in seen:
            raise ApplicationError(_("“%(title)s” is listed twice.") % {"title": order_line.title})
        seen.add(order_line.pk)
        if not isinstance(line.quantity, int) or isinstance(line.quantity, bool) or line.quantity < 1:
            raise ApplicationError(_("Return at least one “%(title)s”.") % {"title": order_line.title})
        if line.quantity > order_line.quantity:
            raise ApplicationError(
                _("Only %(count)s “%(title)s” were ordered.")
                % {"count": order_line.quantity, "title": order_line.title}
            )
        if line.reason not in ReturnReason.values:
            raise ApplicationError(_("Choose why “%(title)s” is coming back.") % {"title": order_line.title})
        if line.condition not in ItemCondition.values:
            raise ApplicationError(_("Say what condition “%(title)s” is in.") % {"title": order_line.title})
        if len(line.photos) > MAX_PHOTOS_PER_LINE:
            raise ApplicationError(_("At most %(count)s photos per item.") % {"count": MAX_PHOTOS_PER_LINE})
        for photo in line.photos:
            photo_check(photo)
        if line.exchange_for is not None and resolution != Resolution.EXCHANGE:
            raise ApplicationError(_("A variant to exchange for was chosen, but not an exchange."))


def _submit(
    *,
    order: Order,
    lines: Sequence[ReturnLineInput],
    resolution: str,
    source: str,
    key: str,
    actor: Actor,
    ticket: Ticket | None,
    language: str,
) -> ReturnRequest:
    # Returns of one order queue on its row: two submissions cannot both take the last item,
    # and a double submit finds the first one's return.
    locked_order = (
        Order.objects.select_for_update(of=("self",)).select_related("store", "customer").get(pk=order.pk)
    )
    existing = ReturnRequest.objects.filter(submission_key=key).first()
    if existing is not None:
        return _same_order_or_error(existing, order)
    now = timezone.now()
    with translation.override(language):
        _check_resolution(order=locked_order, lines=lines, resolution=resolution, now=now)
        ticket_id = ticket.pk if ticket is not None else None
        decision = return_decide(
            order=locked_order,
            lines=[
                LineRequest(
                    order_line=line.order_line,
                    quantity=line.quantity,
                    reason=line.reason,
                    condition=line.condition,
                    photo_count=len(line.photos),
                    exchange_for=line.exchange_for,
                )
                for line in lines
            ],
            resolution=resolution,
            now=now,
            ticket_ids=[ticket_id] if ticket_id else [],
            # An agent may have the pictures in the ticket: missing photos go to review, not refusal.
            photos_checked=source != ReturnRequest.Source.AGENT,
        )
    if decision.status == ReturnRequest.Status.REJECTED and source in (
        ReturnRequest.Source.PORTAL,
        ReturnRequest.Source.API,
    ):
        rejected_by = decision.rejected_by or {}
        if rejected_by.get("rule") == "photos":
            # Missing photos are an input error the customer fixes, not a verdict on the return.
            raise ApplicationError(str(rejected_by.get("detail", "")))
    return_request = ReturnRequest(
        store=locked_order.store,
        order=locked_order,
        customer=locked_order.customer,
        ticket_id=ticket_id,
        status=ReturnRequest.Status.REQUESTED,
        resolution=resolution,
        source=source,
        submission_key=key,
        decision_rules=decision.rules,
        decision_reason=decision.reason,  # kept for "needs review" too: the customer sees why
        customer_pays_shipping=decision.customer_pays_shipping,
        returnless=decision.returnless,
        customer_language=language,
        currency=locked_order.currency,
        refund_total=decision.refund_total,
        restocking_fee_total=decision.restocking_fee_total,
        return_shipping_fee=decision.return_shipping_fee,
        review_due_at=decision.review_due_at,
        requested_at=now,
    )
    _save_with_new_rma(return_request)
    for line, money in zip(lines, decision.lines, strict=True):
        return_line = ReturnLine.objects.create(
            return_request=return_request,
            order_line=line.order_line,
            quantity=line.quantity,
            reason=line.reason,
            condition=line.condition,
            comment=line.comment.strip(),
            exchange_for=line.exchange_for,
            refund_amount=money.refund_amount,
            restocking_fee=money.restocking_fee,
        )
        for photo in line.photos:
            photo_attach(return_line=return_line, photo=photo, actor=actor, now=now)
    return_event_log(
        return_request=return_request,
        from_status="",
        to_status=ReturnRequest.Status.REQUESTED,
        actor=actor,
        note=str(ReturnRequest.Source(source).label),
    )
    # The decision is the rules' own, so no person is recorded as having made it.
    decided = return_transition(
        return_request=return_request, to_status=decision.status, actor=None, note=decision.reason
    )
    if decided.status == ReturnRequest.Status.APPROVED:
        with translation.override(language):
            return return_after_approval(return_request=decided, actor=actor)
    return decided


def _check_resolution(
    *, order: Order, lines: Sequence[ReturnLineInput], resolution: str, now: dt.datetime
) -> None:
    """The resolution must be one the lines offer (store credit, exchange, keep the item)."""
    if resolution == Resolution.REFUND:
        return
    facts = order_facts(order=order)
    for line in lines:
        eligibility = order_line_eligibility(order_line=line.order_line, now=now, facts=facts)
        if not eligibility.eligible:
            continue  # the engine rejects it with the reason; the resolution does not matter
        title = line.order_line.title
        if resolution not in eligibility.resolutions:
            raise ApplicationError(
                _("“%(resolution)s” is not offered for “%(title)s”.")
                % {"resolution": Resolution(resolution).label, "title": title}
            )
        if (
            resolution == Resolution.KEEP_ITEM
            and eligibility.keep_item_reasons
            and line.reason not in eligibility.keep_item_reasons
        ):
            raise ApplicationError(
                _("Keeping “%(title)s” is not offered for this reason.") % {"title": title}
            )
        if resolution == Resolution.EXCHANGE:
            if line.exchange_for is None:
                raise ApplicationError(_("Choose what to exchange “%(title)s” for.") % {"title": title})
            if line.exchange_for.pk not in {p.pk for p in eligibility.exchange_options}:
                raise ApplicationError(
                    _("“%(variant)s” cannot be exchanged for “%(title)s”.")
                    % {"variant": line.exchange_for.title, "title": title}
                )


def _save_with_new_rma(return_request: ReturnRequest) -> None:
    for _attempt in range(5):
        return_request.rma_number = rma_number_new()
        if ReturnRequest.objects.filter(rma_number=return_request.rma_number).exists():
            continue
        try:
            with transaction.atomic():
                return_request.save(force_insert=True)
            return
        except IntegrityError:
            if ReturnRequest.objects.filter(submission_key=return_request.submission_key).exists():
                raise
            return_request.pk = None
    raise ApplicationError(_("Could not give the return a number; please try again."))
