"""The RMA workflow: one function per status change, each checking it is allowed.

requested → approved / needs_review / rejected → label_issued → in_transit → received →
inspected → refunded / exchanged / store_credit_issued → closed; cancelled by the customer
before shipping; expired when nothing is shipped in time. Every change is logged
(``ReturnEvent``) with who made it and broadcast to the inbox after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import broadcast, events
from helpdesk.exceptions import ApplicationError
from logistics.models import Shipment, TrackingStatus
from returns.models import (
    Refund,
    Resolution,
    ReturnEvent,
    ReturnLine,
    ReturnPhoto,
    ReturnPolicy,
    ReturnRequest,
)
from returns.services.eligibility import high_claim_risk_tickets, policy_for
from returns.services.photos import PhotoInput, photo_attach
from returns.services.refunds import refund_issue

logger = logging.getLogger(__name__)

S = ReturnRequest.Status
Actor = User | AnonymousUser | None

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.REQUESTED: {S.APPROVED, S.NEEDS_REVIEW, S.REJECTED, S.CANCELLED},
    S.NEEDS_REVIEW: {S.APPROVED, S.REJECTED, S.CANCELLED},
    S.APPROVED: {S.LABEL_ISSUED, S.REFUNDED, S.STORE_CREDIT_ISSUED, S.CANCELLED, S.EXPIRED},
    S.LABEL_ISSUED: {S.IN_TRANSIT, S.CANCELLED, S.EXPIRED},
    S.IN_TRANSIT: {S.RECEIVED},
    S.RECEIVED: {S.INSPECTED},
    S.INSPECTED: {S.REFUNDED, S.EXCHANGED, S.STORE_CREDIT_ISSUED, S.CLOSED},
    S.REFUNDED: {S.CLOSED},
    S.EXCHANGED: {S.CLOSED},
    S.STORE_CREDIT_ISSUED: {S.CLOSED},
    S.REJECTED: set(),
    S.CLOSED: set(),
    S.CANCELLED: set(),
    S.EXPIRED: set(),
}
DECISIONS = {S.APPROVED, S.REJECTED}
FINAL = {S.CLOSED, S.CANCELLED, S.EXPIRED, S.REJECTED}
# Return parcel states in which nothing has been handed to the carrier yet.
NOT_SHIPPED = {TrackingStatus.PENDING, TrackingStatus.INFO_RECEIVED, TrackingStatus.EXPIRED}
MOVING = {
    TrackingStatus.IN_TRANSIT,
    TrackingStatus.OUT_FOR_DELIVERY,
    TrackingStatus.AVAILABLE_FOR_PICKUP,
    TrackingStatus.FAILED_ATTEMPT,
    TrackingStatus.EXCEPTION,
    TrackingStatus.CUSTOMS_HOLD,
}
RESOLVED_STATUS = {
    Resolution.REFUND: S.REFUNDED,
    Resolution.KEEP_ITEM: S.REFUNDED,
    Resolution.STORE_CREDIT: S.STORE_CREDIT_ISSUED,
    Resolution.EXCHANGE: S.EXCHANGED,
}
RMA_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def rma_number_new() -> str:
    """An RMA number nobody can guess from another: RMA- and ten random characters."""
    return "RMA-" + "".join(secrets.choice(RMA_ALPHABET) for _ in range(10))


def _human(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def return_event_log(
    *, return_request: ReturnRequest, from_status: str, to_status: str, actor: Actor, note: str
) -> None:
    ReturnEvent.objects.create(
        return_request=return_request,
        from_status=from_status,
        to_status=to_status,
        actor=_human(actor),
        note=note[:500],
        created_at=timezone.now(),
    )
    broadcast.return_changed(
        return_id=return_request.pk,
        store_id=return_request.store_id,
        ticket_id=return_request.ticket_id,
        status=to_status,
    )


@transaction.atomic
def return_transition(
    *, return_request: ReturnRequest, to_status: str, actor: Actor, note: str = ""
) -> ReturnRequest:
    """Move a return to ``to_status`` if the workflow allows it; log and broadcast the change."""
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if to_status not in S.values:
        raise ApplicationError(_("Unknown return status: %(status)s.") % {"status": to_status})
    if to_status not in ALLOWED_TRANSITIONS[locked.status]:
        raise ApplicationError(
            _("Return %(rma)s is %(current)s and cannot become %(new)s.")
            % {"rma": locked.rma_number, "current": locked.get_status_display(), "new": S(to_status).label}
        )
    now = timezone.now()
    previous = locked.status
    locked.status = to_status
    fields = ["status", "updated_at"]
    if to_status in DECISIONS:
        locked.decided_at, locked.decided_by = now, _human(actor)
        fields += ["decided_at", "decided_by"]
        if note:
            locked.decision_reason = note[:300]
            fields.append("decision_reason")
    if to_status in FINAL:
        locked.closed_at = now
        fields.append("closed_at")
    locked.save(update_fields=fields)
    return_event_log(return_request=locked, from_status=previous, to_status=to_status, actor=actor, note=note)
    if to_status == S.APPROVED:
        events.emit("return.approved", events.return_payload(locked), store_id=locked.store_id)
    return locked


@transaction.atomic
def return_approve(*, return_request: ReturnRequest, actor: Actor, note: str = "") -> ReturnRequest:
    """Approve (an agent after review, or the rules at once) and carry on: a label and the
    return parcel, or for a returnless return the refund straight away."""
    approved = return_transition(return_request=return_request, to_status=S.APPROVED, actor=actor, note=note)
    return return_after_approval(return_request=approved, actor=actor)


def return_reject(*, return_request: ReturnRequest, actor: Actor, note: str) -> ReturnRequest:
    if not note.strip():
        raise ApplicationError(_("Say why the return is rejected; the customer will read it."))
    return return_transition(return_request=return_request, to_status=S.REJECTED, actor=actor, note=note)


def return_after_approval(*, return_request: ReturnRequest, actor: Actor = None) -> ReturnRequest:
    if not return_request.lines.exists():
        return return_request  # nothing to send back and nothing to refund
    if return_request.returnless:
        return _resolve_automatically(return_request, actor=actor)
    return return_label_issue(return_request=return_request, actor=actor)


def _resolve_automatically(return_request: ReturnRequest, *, actor: Actor) -> ReturnRequest:
    """Resolve without a person; when the money cannot leave (refunded meanwhile by another
    way, say) the return stays where it is with the reason in its log, for an agent."""
    try:
        with transaction.atomic():
            return return_resolve(return_request=return_request, actor=actor)
    except ApplicationError as error:
        _log_automatic_refund_failure(return_request, actor=actor, error=error)
        return ReturnRequest.objects.get(pk=return_request.pk)


def _log_automatic_refund_failure(
    return_request: ReturnRequest, *, actor: Actor, error: ApplicationError
) -> None:
    current = ReturnRequest.objects.values_list("status", flat=True).get(pk=return_request.pk)
    return_event_log(
        return_request=return_request,
        from_status=current,
        to_status=current,
        actor=actor,
        note=_("No automatic refund: %(reason)s") % {"reason": error.message},
    )


def request_policy_of(return_request: ReturnRequest) -> ReturnPolicy | None:
    """The policy whose return-wide settings apply: the store's default, else the first line's."""
    policy = policy_for(store=return_request.store, category="")
    if policy is not None:
        return policy
    line = return_request.lines.select_related("order_line__product").order_by("pk").first()
    if line is None or line.order_line.product is None:
        return None
    return policy_for(store=return_request.store, category=line.order_line.product.category)


def _return_carrier(return_request: ReturnRequest, policy: ReturnPolicy | None) -> int | None:
    if policy is not None and policy.return_carrier_id is not None:
        return policy.return_carrier_id
    # Else the carrier that brought the order: it serves that lane in both directions.
    return (
        Shipment.objects.filter(order_id=return_request.order_id, direction=Shipment.Direction.OUTBOUND)
        .exclude(carrier=None)
        .order_by("-pk")
        .values_list("carrier_id", flat=True)
        .first()
    )


@transaction.atomic
def return_label_issue(*, return_request: ReturnRequest, actor: Actor = None) -> ReturnRequest:
    """Create the return parcel in logistics (tracked like any other) and issue the label."""
    locked = (
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("order", "store")
        .get(pk=return_request.pk)
    )
    if locked.status != S.APPROVED:
        raise ApplicationError(
            _("A label is issued for an approved return; %(rma)s is %(status)s.")
            % {"rma": locked.rma_number, "status": locked.get_status_display()}
        )
    policy = request_policy_of(locked)
    now = timezone.now()
    if locked.return_shipment_id is None:
        # A returns-owned parcel: logistics tracks it from here like any other shipment.
        shipment = Shipment.objects.create(
            store_id=locked.store_id,
            order_id=locked.order_id,
            carrier_id=_return_carrier(locked, policy),
            tracking_number="RT" + locked.rma_number.removeprefix("RMA-").replace("-", ""),
            direction=Shipment.Direction.RETURN,
            status=TrackingStatus.INFO_RECEIVED,
            origin_country=locked.order.shipping_country,
            destination_country=locked.store.marketplace,
        )
        locked.return_shipment = shipment
    locked.label_issued_at = now
    locked.ship_by = now + dt.timedelta(days=policy.expire_after_days if policy is not None else 14)
    locked.save(update_fields=["return_shipment", "label_issued_at", "ship_by", "updated_at"])
    moved = return_transition(return_request=locked, to_status=S.LABEL_ISSUED, actor=actor)
    _label_render(moved)
    return moved


def _label_render(return_request: ReturnRequest) -> None:
    """Store the label PDF when the label renderer is installed; a failure leaves the label
    empty (it can be rendered again from the return) rather than losing the return."""
    try:
        from returns.labels import render_return_label
    except ImportError:
        return
    try:
        pdf = render_return_label(return_request)
    except Exception:
        logger.exception("label for %s could not be rendered", return_request.rma_number)
        return
    return_request.label.save(f"{return_request.rma_number}.pdf", ContentFile(pdf), save=False)
    ReturnRequest.objects.filter(pk=return_request.pk).update(label=return_request.label.name)


def return_cancel_by_customer(*, return_request: ReturnRequest, note: str = "") -> ReturnRequest:
    """The customer changes their mind: allowed until the parcel is handed to the carrier."""
    with transaction.atomic():
        locked = (
            ReturnRequest.objects.select_for_update(of=("self",))
            .select_related("return_shipment")
            .get(pk=return_request.pk)
        )
        shipped = locked.return_shipment is not None and locked.return_shipment.status not in NOT_SHIPPED
        if shipped or S.CANCELLED not in ALLOWED_TRANSITIONS[locked.status]:
            raise ApplicationError(
                _("Return %(rma)s can no longer be cancelled: it is %(status)s.")
                % {"rma": locked.rma_number, "status": locked.get_status_display()}
            )
        return return_transition(
            return_request=locked,
            to_status=S.CANCELLED,
            actor=None,
            note=note or _("Cancelled by the customer."),
        )


def return_mark_in_transit(
    *, return_request: ReturnRequest, actor: Actor = None, note: str = ""
) -> ReturnRequest:
    return return_transition(return_request=return_request, to_status=S.IN_TRANSIT, actor=actor, note=note)


@transaction.atomic
def return_mark_received(
    *, return_request: ReturnRequest, actor: Actor = None, note: str = ""
) -> ReturnRequest:
    """The parcel is back. With ``auto_refund_on_receipt`` the refund leaves now; inspection follows."""
    received = return_transition(return_request=return_request, to_status=S.RECEIVED, actor=actor, note=note)
    if _refunds_automatically(received):
        try:
            with transaction.atomic():  # every line's refund, or none
                refunds = return_refunds_issue(return_request=received, actor=actor)
        except ApplicationError as error:
            # The parcel is back whatever the money does: the receipt stands, an agent refunds.
            _log_automatic_refund_failure(received, actor=actor, error=error)
            return received
        if refunds:
            return_event_log(
                return_request=received,
                from_status=S.RECEIVED,
                to_status=S.RECEIVED,
                actor=actor,
                note=_("Refund issued on receipt: %(total)s %(currency)s.")
                % {"total": sum((r.amount for r in refunds), Decimal(0)), "currency": received.currency},
            )
    return received


def _refunds_automatically(return_request: ReturnRequest) -> bool:
    if return_request.resolution not in (Resolution.REFUND, Resolution.STORE_CREDIT, Resolution.KEEP_ITEM):
        return False
    policy = request_policy_of(return_request)
    if policy is None or not policy.auto_refund_on_receipt:
        return False
    # Money never leaves automatically on a claim flagged for review (tickets.services.claim_risk).
    ticket_ids = [return_request.ticket_id] if return_request.ticket_id else []
    return not high_claim_risk_tickets(order=return_request.order, ticket_ids=ticket_ids)


@transaction.atomic
def return_inspect(
    *,
    return_request: ReturnRequest,
    results: Mapping[int, tuple[bool, str]],
    actor: Actor,
    photos: Mapping[int, Sequence[PhotoInput]] | None = None,
) -> ReturnRequest:
    """Record the inspection of every line (passed or failed, notes, photos). When every line
    passed and the policy refunds on receipt, the return is resolved at once."""
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if locked.status != S.RECEIVED:
        raise ApplicationError(
            _("Only a received return can be inspected; %(rma)s is %(status)s.")
            % {"rma": locked.rma_number, "status": locked.get_status_display()}
        )
    lines = {line.pk: line for line in locked.lines.all()}
    unknown = set(results) - set(lines) | set(photos or {}) - set(lines)
    if unknown:
        raise ApplicationError(_("Some inspected items are not part of this return."))
    missing = set(lines) - set(results)
    if missing:
        raise ApplicationError(
            _("Inspect every item of the return (%(count)s missing).") % {"count": len(missing)}
        )
    now = timezone.now()
    for line_id, (passed, notes) in results.items():
        line = lines[line_id]
        line.inspection = ReturnLine.Inspection.PASSED if passed else ReturnLine.Inspection.FAILED
        line.inspection_notes = (notes or "").strip()
        line.save(update_fields=["inspection", "inspection_notes"])
        for photo in (photos or {}).get(line_id, ()):
            photo_attach(
                return_line=line, photo=photo, kind=ReturnPhoto.Kind.INSPECTION, actor=actor, now=now
            )
    failed = sum(1 for passed, _notes in results.values() if not passed)
    note = (
        _("All items passed inspection.")
        if not failed
        else _("%(failed)s of %(total)s items failed inspection.") % {"failed": failed, "total": len(lines)}
    )
    inspected = return_transition(return_request=locked, to_status=S.INSPECTED, actor=actor, note=note)
    if not failed and _refunds_automatically(inspected):
        return _resolve_automatically(inspected, actor=actor)
    return inspected


def _refundable_lines(return_request: ReturnRequest) -> list[ReturnLine]:
    lines = list(return_request.lines.select_related("order_line").order_by("pk"))
    return [line for line in lines if line.inspection != ReturnLine.Inspection.FAILED]


def return_refunds_issue(*, return_request: ReturnRequest, actor: Actor = None) -> list[Refund]:
    """The refunds a return owes, one per line, each under its own key: issuing them again
    (on receipt, then at resolution; a retry) returns the same refunds."""
    if return_request.resolution == Resolution.EXCHANGE:
        return []
    method = (
        Refund.Method.STORE_CREDIT
        if return_request.resolution == Resolution.STORE_CREDIT
        else Refund.Method.ORIGINAL_PAYMENT
    )
    lines = _refundable_lines(return_request)
    all_lines_total = sum((line.refund_amount for line in return_request.lines.all()), Decimal(0))
    bonus_total = max(
        return_request.refund_total - (all_lines_total - return_request.return_shipping_fee), Decimal(0)
    )
    shipping_left = return_request.return_shipping_fee
    refunds = []
    for line in lines:
        key = f"return:{return_request.pk}:line:{line.pk}"
        existing = Refund.objects.filter(idempotency_key=key).first()
        if existing is not None:
            refunds.append(existing)
            continue
        deduction = min(shipping_left, line.refund_amount)
        shipping_left -= deduction
        amount = line.refund_amount - deduction
        if amount <= 0:
            continue
        bonus = Decimal(0)
        if method == Refund.Method.STORE_CREDIT and bonus_total and all_lines_total:
            bonus = (bonus_total * line.refund_amount / all_lines_total).quantize(Decimal("0.01"))
        refunds.append(
            refund_issue(
                order_line=line.order_line,
                order=return_request.order,
                amount=amount,
                currency=return_request.currency,
                method=method,
                idempotency_key=key,
                actor=actor,
                return_request=return_request,
                reason=_("Return %(rma)s") % {"rma": return_request.rma_number},
                bonus_amount=bonus,
            )
        )
    return refunds


@transaction.atomic
def return_resolve(*, return_request: ReturnRequest, actor: Actor = None, note: str = "") -> ReturnRequest:
    """Refund, issue store credit or record the exchange, per the return's resolution."""
    locked = (
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("order")
        .get(pk=return_request.pk)
    )
    target = RESOLVED_STATUS[Resolution(locked.resolution)]
    if target not in ALLOWED_TRANSITIONS[locked.status]:
        raise ApplicationError(
            _("Return %(rma)s is %(current)s and cannot become %(new)s.")
            % {"rma": locked.rma_number, "current": locked.get_status_display(), "new": S(target).label}
        )
    if locked.status == S.INSPECTED and not _refundable_lines(locked):
        raise ApplicationError(_("No item passed inspection: close the return instead, saying why."))
    if locked.resolution == Resolution.EXCHANGE:
        wanted = [
            line.exchange_for.title
            for line in locked.lines.select_related("exchange_for").order_by("pk")
            if line.exchange_for is not None and line.inspection != ReturnLine.Inspection.FAILED
        ]
        note = note or _("Exchange for: %(items)s.") % {"items": ", ".join(wanted) or "—"}
    else:
        refunds = return_refunds_issue(return_request=locked, actor=actor)
        if not note:
            total = sum((r.amount + r.bonus_amount for r in refunds), Decimal(0))
            note = _("%(total)s %(currency)s refunded.") % {"total": total, "currency": locked.currency}
    return return_transition(return_request=locked, to_status=target, actor=actor, note=note)


def return_close(*, return_request: ReturnRequest, actor: Actor = None, note: str = "") -> ReturnRequest:
    return return_transition(return_request=return_request, to_status=S.CLOSED, actor=actor, note=note)


def returns_expire_unshipped(now: dt.datetime | None = None) -> int:
    """Expire approved returns whose parcel was not handed over by their ship-by date."""
    now = now or timezone.now()
    due = (
        ReturnRequest.objects.filter(status__in=(S.APPROVED, S.LABEL_ISSUED), ship_by__lte=now)
        .exclude(return_shipment__status__in=MOVING | {TrackingStatus.DELIVERED})
        .order_by("ship_by")
        .values_list("pk", flat=True)
    )
    expired = 0
    for return_id in list(due[:1000]):
        try:
            with transaction.atomic():
                locked = (
                    ReturnRequest.objects.select_for_update(of=("self",))
                    .select_related("return_shipment")
                    .get(pk=return_id)
                )
                shipment = locked.return_shipment
                if locked.ship_by is None or locked.ship_by > now:
                    continue
                if shipment is not None and shipment.status not in NOT_SHIPPED:
                    continue  # scanned since the query: it is on its way
                return_transition(
                    return_request=locked,
                    to_status=S.EXPIRED,
                    actor=None,
                    note=_("Nothing was shipped by %(date)s.") % {"date": timezone.localdate(locked.ship_by)},
                )
                expired += 1
        except ApplicationError:
            continue  # moved on meanwhile (cancelled, shipped): nothing to expire
    return expired


def return_sync_from_shipment(shipment: Shipment) -> list[ReturnRequest]:
    """Follow the return parcel: in transit when it moves, received when it is delivered."""
    moved = []
    for return_id in ReturnRequest.objects.filter(return_shipment=shipment).values_list("pk", flat=True):
        with transaction.atomic():
            current = ReturnRequest.objects.select_for_update().get(pk=return_id)
            if shipment.status in MOVING | {TrackingStatus.DELIVERED} and current.status == S.LABEL_ISSUED:
                current = return_mark_in_transit(
                    return_request=current,
                    note=_("The carrier has the parcel (%(tracking)s).")
                    % {"tracking": shipment.tracking_number},
                )
            if shipment.status == TrackingStatus.DELIVERED and current.status == S.IN_TRANSIT:
                current = return_mark_received(return_request=current, note=_("Delivered back to the shop."))
            moved.append(current)
    return moved
