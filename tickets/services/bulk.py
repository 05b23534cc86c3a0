"""What an agent does to tickets from the inbox and the ticket page, with permission checks.

Each action exists for one ticket (``ticket_change_status``, ``ticket_reassign``,
``ticket_tag``), which raises ``ApplicationError`` with the reason, and for many
(``tickets_bulk_*``), which runs the one-ticket action on each ticket in its own
transaction and reports what was done and what was skipped and why: one closed ticket
in a selection does not stop the other eleven. Tickets outside the user's stores are
skipped as "not found", like a missing id, so nothing leaks about them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Tag
from helpdesk.access import scope_to_user
from helpdesk.exceptions import ApplicationError
from tickets.models import Ticket
from tickets.services.merge import ticket_merge
from tickets.services.permissions import (
    ASSIGN_OTHERS,
    MERGE,
    AgentReach,
    check_actor,
    check_may_assign,
    check_sees,
)
from tickets.services.status import ticket_add_tag, ticket_assign, ticket_set_status

# One inbox page is 50 rows; a request naming more is not from the inbox.
MAX_BULK = 200

Actor = User | AnonymousUser | None


@dataclass
class BulkResult:
    """Which tickets an action changed, and which it skipped with the reason."""

    done: list[Ticket] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (reference, reason)
    target: Ticket | None = None  # the ticket merged into (merge only)

    def skipped_by_reason(self) -> list[tuple[str, int]]:
        """Each distinct reason with how many tickets it stopped, most frequent first."""
        return Counter(reason for _reference, reason in self.skipped).most_common()


# --- one ticket ------------------------------------------------------------------------------


def ticket_change_status(*, actor: Actor, ticket: Ticket, status: str) -> Ticket:
    """An agent sets a ticket's status (workflow rules in ``ticket_set_status``)."""
    user = check_actor(actor)
    check_sees(user, ticket)
    return ticket_set_status(ticket=ticket, status=status, actor=user)


@transaction.atomic
def ticket_reassign(*, actor: Actor, ticket: Ticket, assignee: User | None) -> Ticket:
    """An agent takes a ticket, gives it to an agent of its team, or unassigns it."""
    user = check_actor(actor)
    check_sees(user, ticket)
    reach = AgentReach.of(assignee) if assignee is not None and assignee.pk != user.pk else None
    ticket = _locked(ticket)
    check_may_assign(user, ticket, assignee, reach)
    return ticket_assign(ticket=ticket, assignee=assignee, actor=user)


def _locked(ticket: Ticket) -> Ticket:
    """The ticket's current row, locked until the transaction ends (the caller holds one)."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def ticket_tag(*, actor: Actor, ticket: Ticket, tag: Tag) -> bool:
    """An agent tags a ticket; ``False`` when it already had the tag."""
    user = check_actor(actor)
    check_sees(user, ticket)
    return ticket_add_tag(ticket=ticket, tag=tag, actor=user)


# --- many tickets ----------------------------------------------------------------------------


def _visible(actor: User, ticket_ids: Iterable[int], result: BulkResult) -> list[Ticket]:
    """The named tickets the actor may see, in the order named; the rest are skipped."""
    wanted = list(dict.fromkeys(ticket_ids))
    if len(wanted) > MAX_BULK:
        raise ApplicationError(
            _("Select at most %(limit)d tickets at once.") % {"limit": MAX_BULK},
        )
    found = scope_to_user(Ticket.objects.filter(pk__in=wanted), actor).in_bulk()
    for ticket_id in wanted:
        if ticket_id not in found:
            result.skipped.append((f"{ticket_id}", _("not found")))
    return [found[ticket_id] for ticket_id in wanted if ticket_id in found]


def _each(tickets: list[Ticket], result: BulkResult, action: Callable[[Ticket], bool]) -> BulkResult:
    """Run ``action`` on each ticket in its own transaction; ``False`` or an error skips it."""
    for ticket in tickets:
        try:
            with transaction.atomic():
                changed = action(ticket)
        except ApplicationError as error:
            result.skipped.append((ticket.reference, error.message.rstrip(".")))
            continue
        if changed:
            result.done.append(ticket)
    return result


def tickets_bulk_assign(*, actor: Actor, ticket_ids: Iterable[int], assignee: User | None) -> BulkResult:
    """Assign each ticket to ``assignee`` (an agent of the ticket's team, or the actor)."""
    user = check_actor(actor)
    if assignee is not None and assignee.pk != user.pk:
        check_actor(user, ASSIGN_OTHERS)
    result = BulkResult()
    tickets = _visible(user, ticket_ids, result)
    reach = AgentReach.of(assignee) if assignee is not None and assignee.pk != user.pk else None
    target = assignee.pk if assignee is not None else None

    def assign(ticket: Ticket) -> bool:
        ticket = _locked(ticket)  # decide on the current assignee, not the one read before
        if ticket.assignee_id == target:
            raise ApplicationError(_("already assigned") if target else _("already unassigned"))
        check_may_assign(user, ticket, assignee, reach)
        ticket_assign(ticket=ticket, assignee=assignee, actor=user)
        return True

    return _each(tickets, result, assign)


def tickets_bulk_set_status(*, actor: Actor, ticket_ids: Iterable[int], status: str) -> BulkResult:
    """Set each ticket's status, as far as the workflow allows for it."""
    user = check_actor(actor)
    if status not in Ticket.Status.values:
        raise ApplicationError(_("Unknown ticket status: %(status)s.") % {"status": status})
    result = BulkResult()
    tickets = _visible(user, ticket_ids, result)

    def set_status(ticket: Ticket) -> bool:
        if ticket.status == status:
            raise ApplicationError(_("already %(status)s") % {"status": Ticket.Status(status).label.lower()})
        ticket_set_status(ticket=ticket, status=status, actor=user)
        return True

    return _each(tickets, result, set_status)


def tickets_bulk_add_tag(*, actor: Actor, ticket_ids: Iterable[int], tag: Tag) -> BulkResult:
    """Add ``tag`` to each ticket that does not have it yet."""
    user = check_actor(actor)
    result = BulkResult()
    tickets = _visible(user, ticket_ids, result)

    def tag_one(ticket: Ticket) -> bool:
        if not ticket_add_tag(ticket=ticket, tag=tag, actor=user):
            raise ApplicationError(_("already tagged"))
        return True

    return _each(tickets, result, tag_one)


def tickets_bulk_merge(*, actor: Actor, ticket_ids: Iterable[int], target_id: int | None) -> BulkResult:
    """Merge the selected tickets into one of them: ``target_id``, or else the oldest.

    ``done`` lists the tickets merged away; each must be the same customer's, in the
    same store, as the target (``ticket_merge`` says why not otherwise).
    """
    user = check_actor(actor, MERGE)
    result = BulkResult()
    tickets = _visible(user, ticket_ids, result)
    if target_id is not None and target_id not in {ticket.pk for ticket in tickets}:
        raise ApplicationError(_("Choose the ticket to merge into among the selected ones."))
    if len(tickets) < 2:
        raise ApplicationError(_("Select at least two tickets to merge."))
    if target_id is None:
        target_id = min(tickets, key=lambda ticket: (ticket.created_at, ticket.pk)).pk
    target = result.target = next(ticket for ticket in tickets if ticket.pk == target_id)

    def merge(ticket: Ticket) -> bool:
        ticket_merge(actor=user, source=ticket, target=target)
        return True

    return _each([ticket for ticket in tickets if ticket.pk != target_id], result, merge)
