"""Who may do what to a ticket: checks that raise ``ApplicationError`` with the reason.

The services agents call (``ticket_change_status``, ``ticket_reassign``, ``ticket_merge``,
the bulk actions, macros) run these first; the services the system calls (triage,
routing, SLA) do not. Store visibility comes from ``helpdesk.access`` like every read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.utils.translation import gettext as _

from helpdesk.access import ALL_STORES, visible_store_ids
from helpdesk.exceptions import ApplicationError
from tickets.models import Team, Ticket

CHANGE = "tickets.change_ticket"
ASSIGN_OTHERS = "tickets.assign_ticket"
MERGE = "tickets.merge_ticket"


def check_actor(actor: User | AnonymousUser | None, permission: str = CHANGE) -> User:
    """The acting user, if signed in, active and holding ``permission``."""
    if not isinstance(actor, User) or not actor.is_active:
        raise ApplicationError(_("Sign in to change tickets."))
    if not actor.has_perm(permission):
        if permission == MERGE:
            raise ApplicationError(_("Only team leads and managers may merge tickets."))
        if permission == ASSIGN_OTHERS:
            raise ApplicationError(_("Only team leads and managers may assign tickets to others."))
        raise ApplicationError(_("You may not change tickets."))
    return actor


def check_sees(actor: User, ticket: Ticket, store_ids: frozenset[int] | None = None) -> None:
    """``ticket`` is in a store ``actor`` may see (pass ``store_ids`` when checking many)."""
    if store_ids is None:
        store_ids = visible_store_ids(actor)
    if store_ids is not ALL_STORES and ticket.store_id not in store_ids:
        raise ApplicationError(_("This ticket is not in your stores."))


@dataclass(frozen=True)
class AgentReach:
    """Where an agent works: the teams they belong to or lead, and the stores they see."""

    user: User
    team_ids: frozenset[int]
    store_ids: frozenset[int] | None

    @classmethod
    def of(cls, user: User) -> AgentReach:
        teams = Team.objects.filter(Q(members__user=user) | Q(lead=user)).values_list("id", flat=True)
        return cls(user=user, team_ids=frozenset(teams), store_ids=visible_store_ids(user))

    def works_on(self, ticket: Ticket) -> bool:
        """An agent of the ticket's team (or, for a ticket no team has yet, of its store)."""
        if ticket.team_id is not None:
            return ticket.team_id in self.team_ids
        return self.store_ids is ALL_STORES or ticket.store_id in self.store_ids


def check_may_assign(actor: User, ticket: Ticket, assignee: User | None, reach: AgentReach | None) -> None:
    """``actor`` may give ``ticket`` to ``assignee`` (``None``: take it back from whoever holds it).

    Anyone who may change tickets takes an unassigned ticket or their own; giving one to
    someone else, or taking it from someone else, is for team leads and managers, and the
    new assignee must be an active agent of the ticket's team.
    """
    if ticket.status == Ticket.Status.CLOSED:
        raise ApplicationError(_("A closed ticket cannot be assigned."))
    may_assign_others = actor.has_perm(ASSIGN_OTHERS)
    if assignee is None:
        if ticket.assignee_id not in (None, actor.pk) and not may_assign_others:
            raise ApplicationError(_("Only team leads and managers may take a ticket from another agent."))
        return
    if assignee.pk != actor.pk:
        if not may_assign_others:
            raise ApplicationError(_("Only team leads and managers may assign tickets to others."))
        if not assignee.is_active or reach is None or not reach.works_on(ticket):
            raise ApplicationError(
                _("%(agent)s is not an agent of this ticket's team.")
                % {"agent": assignee.get_full_name() or assignee.get_username()}
            )
    elif ticket.assignee_id not in (None, actor.pk) and not may_assign_others:
        raise ApplicationError(_("Already assigned to someone else; ask a team lead to reassign it."))
