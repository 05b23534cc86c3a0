"""Every write to tickets. One function per use case, atomic, keyword-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Tag
from helpdesk import broadcast, events
from helpdesk.exceptions import ApplicationError
from tickets.models import OPEN_STATUSES, Priority, Ticket, TicketEvent
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


def ticket_event_record(ticket: Ticket, kind: str, actor: User | AnonymousUser | None, **data: Any) -> None:
    """Add a line to the ticket's audit trail (every service that changes a ticket calls this)."""
    TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data,
        created_at=timezone.now(),
    )


@transaction.atomic
def ticket_set_status(
    *,
    ticket: Ticket,
    status: str,
    actor: User | AnonymousUser | None,
    merged_into: Ticket | None = None,
) -> Ticket:
    """The only function that changes a ticket's status.

    ``merged_into``: the ticket was merged into that one and is closed from whatever
    status it had (a merged ticket is final; its conversation lives on in the other).
    """
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if status == ticket.status:
        return ticket
    if status not in Ticket.Status.values:
        raise ApplicationError(_("Unknown ticket status: %(status)s.") % {"status": status})
    closing_merged = merged_into is not None and status == Ticket.Status.CLOSED
    if not closing_merged and status not in ALLOWED_STATUS_CHANGES[ticket.status]:
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
    details = {"from": previous, "to": status}
    if merged_into is not None:
        details["merged_into"] = merged_into.reference
    ticket_event_record(ticket, TicketEvent.Kind.STATUS, actor, **details)
    ticket = ticket_apply_sla(ticket=ticket, now=now)
    _surveys_follow_status(ticket=ticket, previous=previous, merged=merged_into is not None, now=now)
    if status == Ticket.Status.SOLVED:
        events.emit("ticket.solved", events.ticket_payload(ticket), store_id=ticket.store_id)
    broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="status")
    if previous in OPEN_STATUSES and status not in OPEN_STATUSES and ticket.assignee_id and ticket.team_id:
        # The assignee has room again: the team's waiting tickets need not wait for beat.
        from tickets.tasks import team_assign

        team_id = ticket.team_id
        transaction.on_commit(lambda: team_assign.delay(team_id), robust=True)
    return ticket


def _surveys_follow_status(*, ticket: Ticket, previous: str, merged: bool, now: datetime) -> None:
    """Solved: schedule the follow-up surveys. Reopened or merged away: cancel the unsent ones."""
    from tickets.services.surveys import surveys_cancel, surveys_schedule

    if ticket.status == Ticket.Status.SOLVED:
        surveys_schedule(ticket=ticket, solved_at=now)
    elif merged or (previous == Ticket.Status.SOLVED and ticket.status != Ticket.Status.CLOSED):
        surveys_cancel(ticket=ticket)


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
    ticket_event_record(
        ticket, TicketEvent.Kind.ASSIGNED, actor, **{"from": previous, "to": ticket.assignee_id}
    )
    broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="assignee")
    return ticket


@transaction.atomic
def ticket_set_priority(*, ticket: Ticket, priority: int, actor: User | AnonymousUser | None) -> Ticket:
    """Change a ticket's priority by hand (the SLA targets may follow it)."""
    if priority not in Priority.values:
        raise ApplicationError(_("Unknown priority: %(priority)s.") % {"priority": priority})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.priority == priority:
        return ticket
    previous = ticket.priority
    now = timezone.now()
    ticket.priority = priority
    ticket.version += 1
    ticket.updated_at = now
    ticket.save(update_fields=["priority", "version", "updated_at"])
    ticket_event_record(ticket, TicketEvent.Kind.PRIORITY, actor, **{"from": previous, "to": priority})
    ticket = ticket_apply_sla(ticket=ticket, now=now)
    broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="priority")
    return ticket


@transaction.atomic
def ticket_add_tag(*, ticket: Ticket, tag: Tag, actor: User | AnonymousUser | None) -> bool:
    """Tag a ticket; ``False`` (and nothing recorded) when it already had the tag."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.tags.filter(pk=tag.pk).exists():
        return False
    ticket.tags.add(tag)
    ticket.version += 1
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["version", "updated_at"])
    ticket_event_record(ticket, TicketEvent.Kind.TAGGED, actor, added=tag.slug)
    broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="tags")
    return True
