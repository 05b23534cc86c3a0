"""Every write to tickets. One function per use case, atomic, keyword-only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import broadcast
from helpdesk.exceptions import ApplicationError
from tickets.models import Ticket, TicketEvent
from tickets.services.sla import ticket_apply_sla

# Which status may follow which. A closed ticket is final: a new message opens a new one.
ALLOWED_STATUS_CHANGES: dict[str, set[str]] = {
    Ticket.Status.NEW: {
        Ticket.Status.OPEN,
        Ticket.Status.PENDING,
        Ticket.Status.ON_HOLD,
        Ticket.Status.SOLVED,
    },
    Ticket.Status.OPEN: {Ticket.Status.PENDING, Ticket.Status.ON_HOLD, Ticket.Status.SOLVED},
    Ticket.Status.PENDING: {Ticket.Status.OPEN, Ticket.Status.ON_HOLD, Ticket.Status.SOLVED},
    Ticket.Status.ON_HOLD: {Ticket.Status.OPEN, Ticket.Status.PENDING, Ticket.Status.SOLVED},
    Ticket.Status.SOLVED: {Ticket.Status.OPEN, Ticket.Status.CLOSED},
    Ticket.Status.CLOSED: set(),
}


def _record(ticket: Ticket, kind: str, actor: User | AnonymousUser | None, **data: Any) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data,
        created_at=timezone.now(),
    )


@transaction.atomic
def ticket_set_status(*, ticket: Ticket, status: str, actor: User | AnonymousUser | None) -> Ticket:
    """The only function that changes a ticket's status."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if status == ticket.status:
        return ticket
    if status not in Ticket.Status.values:
        raise ApplicationError(_("Unknown ticket status: %(status)s.") % {"status": status})
    if status not in ALLOWED_STATUS_CHANGES[ticket.status]:
        raise ApplicationError(
            _("This ticket is %(current)s and cannot become %(new)s.")
            % {"current": ticket.get_status_display(), "new": Ticket.Status(status).label}
        )
    now = timezone.now()
    previous = ticket.status
    fields = ["status", "version", "updated_at"]
    if status == Ticket.Status.SOLVED:
        ticket.solved_at = now
        fields.append("solved_at")
    elif status == Ticket.Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    elif previous == Ticket.Status.SOLVED:
        ticket.solved_at = None
        ticket.reopened_count += 1
        fields += ["solved_at", "reopened_count"]
    ticket.status = status
    ticket.version += 1
    ticket.updated_at = now
    ticket.save(update_fields=fields)
    _record(ticket, TicketEvent.Kind.STATUS, actor, **{"from": previous, "to": status})
    ticket = ticket_apply_sla(ticket=ticket, now=now)
    broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="status")
    return ticket


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, assignee: User | AnonymousUser | None, actor: User | AnonymousUser | None
) -> Ticket:
    """Give a ticket to an agent (or take it back with ``assignee=None``)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Ticket.Status.CLOSED:
        raise ApplicationError(_("A closed ticket cannot be assigned."))
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    previous = ticket.assignee_id
    ticket.assignee = assignee if isinstance(assignee, User) else None
    ticket.version += 1
    ticket.updated_at = timezone.now()
    fields = ["assignee", "version", "updated_at"]
    if ticket.status == Ticket.Status.NEW and assignee is not None:
        ticket.status = Ticket.Status.OPEN
        fields.append("status")
    ticket.save(update_fields=fields)
    _record(ticket, TicketEvent.Kind.ASSIGNED, actor, **{"from": previous, "to": ticket.assignee_id})
    broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="assignee")
    return ticket
