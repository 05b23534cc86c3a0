"""The refund ledger: money leaves once, never more than was paid.

``refund_issue`` records a refund under its idempotency key and reserves the amount on the
order line (``OrderLine.refunded_amount``) in the same transaction, under row locks on the
order and the line; the database's check (refunded <= paid) is the backstop. The platform is
called after the commit, by ``refund_submit`` (Celery), through the store's connector
(``helpdesk.platforms``); a store without one gets a refund "to be done by hand" that an agent
marks done. A failed call is visible (status failed, failure reason) and retried with backoff
by ``refunds_retry_due``; every call passes the same idempotency key, so a retry never makes a
second refund on the platform either.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Order, OrderLine
from helpdesk import broadcast, events
from helpdesk.exceptions import ApplicationError
from helpdesk.platforms import ConnectorError, RefundOrder, connector_for
from returns.models import Refund, ReturnRequest

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)
# A refund left "sending" this long lost its worker: it is sent again (same key, so no double).
STALE_PROCESSING = dt.timedelta(minutes=15)
# A pending refund whose submit task never ran (broker down at commit) is picked up after this.
LOST_PENDING = dt.timedelta(minutes=5)

Actor = User | AnonymousUser | None


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff after the ``attempts``-th failed call: 1, 2, 4 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _human(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _clean_amount(amount: object) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("The refund amount is not a number.")) from None
    if not value.is_finite() or value <= 0:
        raise ApplicationError(_("A refund must be for more than zero."))
    if value != value.quantize(Decimal("0.01")):
        raise ApplicationError(_("A refund amount has at most two decimals."))
    return value


def _same_refund(refund: Refund, *, order: Order, order_line: OrderLine | None, amount: Decimal) -> bool:
    return (
        refund.order_id == order.pk
        and refund.order_line_id == (order_line.pk if order_line is not None else None)
        and refund.amount == amount
    )


@transaction.atomic
def refund_issue(
    *,
    order_line: OrderLine | None = None,
    order: Order,
    amount: Decimal,
    currency: str,
    method: str,
    idempotency_key: str,
    actor: Actor = None,
    return_request: ReturnRequest | None = None,
    reason: str = "",
    bonus_amount: Decimal = Decimal(0),
) -> Refund:
    """Record a refund exactly once and send it to the platform after the commit.

    The same key returns the same refund (a double click, a retried request, two agents at
    once). Different keys racing for the last of what was paid: one wins, the others get an
    ``ApplicationError`` saying how much is left.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ApplicationError(_("A refund needs an idempotency key of at most 100 characters."))
    amount = _clean_amount(amount)
    if bonus_amount < 0:
        raise ApplicationError(_("A store credit bonus cannot be negative."))
    if method not in Refund.Method.values:
        raise ApplicationError(_("Unknown refund method: %(method)s.") % {"method": method})
    if bonus_amount and method != Refund.Method.STORE_CREDIT:
        raise ApplicationError(_("Only store credit can carry a bonus."))
    if currency != order.currency:
        raise ApplicationError(
            _("The order was paid in %(paid)s; a refund in %(asked)s is not possible.")
            % {"paid": order.currency, "asked": currency}
        )
    if order_line is not None and order_line.order_id != order.pk:
        raise ApplicationError(_("That item is not part of this order."))

    # Every refund of an order queues on the order's row: the sums below cannot change under us.
    locked_order = Order.objects.select_for_update(of=("self",)).select_related("store").get(pk=order.pk)
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _existing_or_error(existing, order=order, order_line=order_line, amount=amount)

    already_on_order = Refund.objects.filter(order=locked_order).aggregate(total=Sum("amount"))["total"] or 0
    order_left = locked_order.total - already_on_order
    locked_line = None
    if order_line is not None:
        locked_line = OrderLine.objects.select_for_update(of=("self",)).get(pk=order_line.pk)
        line_left = locked_line.total_paid - locked_line.refunded_amount
        if amount > line_left:
            raise ApplicationError(
                _("Only %(left)s %(currency)s of “%(title)s” is left to refund.")
                % {"left": max(line_left, Decimal(0)), "currency": currency, "title": locked_line.title}
            )
    if amount > order_left and (order_line is None or locked_order.total > 0):
        raise ApplicationError(
            _("Only %(left)s %(currency)s of order %(order)s is left to refund.")
            % {"left": max(order_left, Decimal(0)), "currency": currency, "order": locked_order.external_id}
        )

    now = timezone.now()
    human = _human(actor)
    if method in (Refund.Method.MANUAL, Refund.Method.PLATFORM):
        status = Refund.Status.SUCCEEDED  # done outside the helpdesk and recorded here
    elif connector_for(locked_order.store) is None:
        status = Refund.Status.MANUAL
    else:
        status = Refund.Status.PENDING
    refund = Refund(
        idempotency_key=key,
        order=locked_order,
        order_line=locked_line,
        return_request=return_request,
        amount=amount,
        bonus_amount=bonus_amount,
        currency=currency,
        method=method,
        status=status,
        reason=reason[:300],
        created_by=human,
        done_by=human if status == Refund.Status.SUCCEEDED else None,
        created_at=now,
        issued_at=now if status == Refund.Status.SUCCEEDED else None,
    )
    try:
        with transaction.atomic():
            refund.save(force_insert=True)
            if locked_line is not None:
                OrderLine.objects.filter(pk=locked_line.pk).update(
                    refunded_amount=F("refunded_amount") + amount
                )
    except IntegrityError:
        # The same key committed by a request for another order (which held another lock), or
        # the database's refunded <= paid check: either way nothing of ours was written.
        existing = Refund.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _existing_or_error(existing, order=order, order_line=order_line, amount=amount)
        raise ApplicationError(_("This refund would exceed what was paid.")) from None
    _order_status_after_refund(locked_order, refunded=already_on_order + amount)
    events.emit("refund.issued", events.refund_payload(refund), store_id=locked_order.store_id)
    if status == Refund.Status.PENDING:
        transaction.on_commit(lambda: _enqueue_submit(refund.pk), robust=True)
    _broadcast(refund)
    return refund


def _existing_or_error(
    existing: Refund, *, order: Order, order_line: OrderLine | None, amount: Decimal
) -> Refund:
    if _same_refund(existing, order=order, order_line=order_line, amount=amount):
        return existing
    raise ApplicationError(_("This refund key was already used for a different refund."))


def _order_status_after_refund(order: Order, *, refunded: Decimal) -> None:
    # Shown on the order and the customer 360; only orders that were paid move.
    if order.status not in (Order.Status.PAID, Order.Status.FULFILLED, Order.Status.PARTIALLY_REFUNDED):
        return
    status = (
        Order.Status.REFUNDED
        if order.total > 0 and refunded >= order.total
        else Order.Status.PARTIALLY_REFUNDED
    )
    if status != order.status:
        order.status = status
        order.save(update_fields=["status", "updated_at"])


def _enqueue_submit(refund_id: int) -> None:
    from returns.tasks import refund_submit

    refund_submit.delay(refund_id)


def _broadcast(refund: Refund) -> None:
    if refund.return_request_id is None:
        return
    return_request = ReturnRequest.objects.filter(pk=refund.return_request_id).values(
        "store_id", "ticket_id", "status"
    )
    row = return_request.first()
    if row is not None:
        broadcast.return_changed(
            return_id=refund.return_request_id,
            store_id=row["store_id"],
            ticket_id=row["ticket_id"],
            status=row["status"],
        )


def refund_submit(*, refund_id: int, now: dt.datetime | None = None) -> Refund | None:
    """Send one refund to its platform. Safe to run twice and concurrently: the refund is
    claimed with a conditional update, so only one worker calls the platform at a time."""
    now = now or timezone.now()
    claimable = (
        Q(status=Refund.Status.PENDING)
        | Q(status=Refund.Status.FAILED, next_retry_at__lte=now)
        | Q(status=Refund.Status.PROCESSING, last_attempt_at__lt=now - STALE_PROCESSING)
    )
    claimed = Refund.objects.filter(claimable, pk=refund_id).update(
        status=Refund.Status.PROCESSING,
        attempts=F("attempts") + 1,
        last_attempt_at=now,
        next_retry_at=None,
    )
    refund = Refund.objects.select_related("order__store", "order_line").filter(pk=refund_id).first()
    if refund is None or not claimed:
        return refund
    connector = connector_for(refund.order.store)
    if connector is None:
        _finish(refund, status=Refund.Status.MANUAL, failure_reason="")
        return refund
    try:
        result = connector.refund_create(refund=_platform_order(refund))
    except ConnectorError as error:
        _failed(refund, reason=error.message, retryable=error.retryable, now=now)
    except Exception as error:  # a bug or an unwrapped network error: visible and retried, never stuck
        logger.exception("refund %s: connector raised", refund.pk)
        _failed(refund, reason=f"{type(error).__name__}: {error}", retryable=True, now=now)
    else:
        _finish(
            refund,
            status=Refund.Status.SUCCEEDED,
            failure_reason="",
            platform_reference=result.reference[:100],
            issued_at=max(timezone.now(), refund.created_at),
        )
    refund.refresh_from_db()
    _broadcast(refund)
    return refund


def _platform_order(refund: Refund) -> RefundOrder:
    quantity = 0
    if refund.return_request_id is not None and refund.order_line_id is not None:
        line = refund.return_request.lines.filter(order_line_id=refund.order_line_id).first()  # type: ignore[union-attr]
        quantity = line.quantity if line is not None else 0
    return RefundOrder(
        idempotency_key=refund.idempotency_key,
        order_external_id=refund.order.external_id,
        order_line_external_id=refund.order_line.external_id if refund.order_line is not None else "",
        amount=refund.amount + refund.bonus_amount,
        currency=refund.currency,
        method=refund.method,
        quantity=quantity,
        reason=refund.reason,
    )


def _failed(refund: Refund, *, reason: str, retryable: bool, now: dt.datetime) -> None:
    attempts = Refund.objects.filter(pk=refund.pk).values_list("attempts", flat=True).first() or 1
    retry_at = now + retry_delay(attempts) if retryable and attempts < MAX_ATTEMPTS else None
    _finish(refund, status=Refund.Status.FAILED, failure_reason=reason[:500], next_retry_at=retry_at)


def _finish(refund: Refund, **changes: object) -> None:
    # Only the worker holding the claim writes the outcome; an agent who marked it done meanwhile wins.
    Refund.objects.filter(pk=refund.pk, status=Refund.Status.PROCESSING).update(**changes)


def refunds_retry_due(*, now: dt.datetime | None = None) -> list[int]:
    """The refunds to send (again) now: failed ones whose retry is due, pending ones whose
    task was lost, and ones stuck "sending" after a worker died."""
    now = now or timezone.now()
    due = Refund.objects.filter(
        Q(status=Refund.Status.FAILED, next_retry_at__lte=now)
        | Q(status=Refund.Status.PENDING, created_at__lt=now - LOST_PENDING)
        | Q(status=Refund.Status.PROCESSING, last_attempt_at__lt=now - STALE_PROCESSING)
    )
    return list(due.order_by("pk").values_list("pk", flat=True)[:500])


@transaction.atomic
def refund_mark_done(*, refund: Refund, actor: Actor, reference: str = "") -> Refund:
    """An agent refunded by hand (in the platform's back office): record it as done."""
    locked = Refund.objects.select_for_update().get(pk=refund.pk)
    if locked.status not in (Refund.Status.MANUAL, Refund.Status.FAILED):
        raise ApplicationError(
            _(
                "This refund is %(status)s; only a refund waiting to be done by hand or a failed one can be marked done."
            )
            % {"status": locked.get_status_display()}
        )
    locked.status = Refund.Status.SUCCEEDED
    locked.done_by = _human(actor)
    locked.issued_at = max(timezone.now(), locked.created_at)
    locked.next_retry_at = None
    locked.failure_reason = ""
    if reference.strip():
        locked.platform_reference = reference.strip()[:100]
    locked.save(
        update_fields=[
            "status",
            "done_by",
            "issued_at",
            "next_retry_at",
            "failure_reason",
            "platform_reference",
        ]
    )
    _broadcast(locked)
    return locked


@transaction.atomic
def refund_retry(*, refund: Refund, actor: Actor = None) -> Refund:
    """An agent asks to send a failed refund again now (same key: no second refund)."""
    locked = Refund.objects.select_for_update().get(pk=refund.pk)
    if locked.status != Refund.Status.FAILED:
        raise ApplicationError(_("Only a failed refund can be sent again."))
    locked.next_retry_at = timezone.now()
    locked.save(update_fields=["next_retry_at"])
    transaction.on_commit(lambda: _enqueue_submit(locked.pk), robust=True)
    return locked
