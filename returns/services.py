"""Every write to returns. Each status change is one function that checks it is allowed."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import broadcast
from helpdesk.exceptions import ApplicationError
from returns.models import ReturnEvent, ReturnRequest

S = ReturnRequest.Status

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


@transaction.atomic
def return_transition(
    *, return_request: ReturnRequest, to_status: str, actor: User | AnonymousUser | None, note: str = ""
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
    human = actor if actor is not None and actor.is_authenticated else None
    previous = locked.status
    locked.status = to_status
    fields = ["status", "updated_at"]
    if to_status in DECISIONS:
        locked.decided_at, locked.decided_by = now, human
        fields += ["decided_at", "decided_by"]
        if note:
            locked.decision_reason = note
            fields.append("decision_reason")
    if to_status in FINAL:
        locked.closed_at = now
        fields.append("closed_at")
    locked.save(update_fields=fields)
    ReturnEvent.objects.create(
        return_request=locked,
        from_status=previous,
        to_status=to_status,
        actor=human,
        note=note,
        created_at=now,
    )
    if locked.ticket_id:
        broadcast.broadcast_on_commit(
            [broadcast.ticket_group(locked.ticket_id)],
            {"kind": "return.changed", "return": locked.pk, "status": to_status},
        )
    return locked


def return_approve(
    *, return_request: ReturnRequest, actor: User | AnonymousUser | None, note: str = ""
) -> ReturnRequest:
    return return_transition(return_request=return_request, to_status=S.APPROVED, actor=actor, note=note)


def return_reject(
    *, return_request: ReturnRequest, actor: User | AnonymousUser | None, note: str
) -> ReturnRequest:
    if not note.strip():
        raise ApplicationError(_("Say why the return is rejected; the customer will read it."))
    return return_transition(return_request=return_request, to_status=S.REJECTED, actor=actor, note=note)
